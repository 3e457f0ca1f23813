"""Pure rules about values people type or import: NIK, NPSN, phone numbers, e-mail, regions,
coordinates, coverage shares, lines of text.

The rule of the room: parse or refuse, never guess — a problem is an ``Invalid`` carrying an
untranslated message; like ``scheduling/``, nothing here imports Flask or the database."""
