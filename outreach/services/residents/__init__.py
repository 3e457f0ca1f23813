"""Residents who asked for a home visit: their requests (one open request per NIK), the status
of each in the queue, the queue itself, and imports.

The rule of the room: a request's status changes only through ``status.change_status``, and any
home visit that a change ends goes through ``visits.changes.save`` like every other visit change."""
