"""Visits, from proposal to outcome: the lifecycle's transitions (confirm, ask for another day,
decline, cancel, mark missed), moves and reassignments, outcomes, the queries that read visits,
the month's export rows and report, the daily sweeps, the liaison's links and calendar feeds.

The rule of the room: a visit changes only through ``changes.save`` (version checked, calendar
SEQUENCE raised, audited in one format), and only when ``scheduling.lifecycle`` allows the
action today. Bookkeeping no form edits — the sweeps' flags, reminders sent, the liaison's
link — is written by ``changes.stamp``, which leaves the version alone."""
