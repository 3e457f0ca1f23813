"""Coverage figures (wajib KTP and recorded, for the city or a kecamatan): entered by hand,
corrected, imported, and read as the history the dashboard draws.

The rule of the room: one figure per date and area; every share is computed by
``outreach.domain.coverage``, never restated."""
