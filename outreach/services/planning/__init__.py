"""Running the pure planners of ``outreach.scheduling`` against the database: the inputs they
need (working calendar, teams, blackouts, bookings, settings), the monthly school plan and the
home-visit plan.

The rule of the room: the calendar, teams, blackouts and bookings a plan or a move judges a day
by come from ``inputs`` — the school plan and a move load them with ``inputs.load_inputs``, so they
can never judge a day differently; the home planner takes its calendar and teams from there and
reads the booked stops itself, because it needs each one's place on its route."""
