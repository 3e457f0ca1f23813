"""Pure domain rules about values people type or import: identifiers, phone numbers, regions,
coordinates. Like ``scheduling/``, this package imports neither Flask nor the database."""
