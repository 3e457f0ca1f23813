"""The school registry: creating and changing schools, their blackout periods, imports.

The rule of the room: a school is known by its NPSN, once; every change is audited."""
