"""Blueprints, one per area, and what they share: access checks, navigation, error pages, the
forms' base and ``forms.attempt``.

The rule of the room: a view loads, checks the user's role and the record's owner, validates,
calls a service through ``forms.attempt``, commits once and redirects; templates only read (a
visit's actions come from ``visit_actions``). Only the app factory imports this package."""
