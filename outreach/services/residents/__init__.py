"""Residents who asked for a home visit: their requests (one open request per NIK), the status
of each in the queue, the queue itself, and imports.

The rule of the room: a request's status is changed by a person only through
``status.change_status`` (which says why, and ends any open home visit through
``visits.changes.save``); the only other writer is the home-visit planner, which marks the
residents it plans as scheduled, in bulk."""
