"""Use cases: load rows, apply the rules (``outreach.scheduling``), write back, flush. Never
commit: the view, command or job that called does, once.

One package per noun — ``visits/``, ``planning/``, ``schools/``, ``residents/``, ``coverage/`` —
and at the top the small services they share: audit, paging, mail, uploads, reference, importing,
tables, teams, users, closures, overview. Each package's docstring says its one rule."""
