"""Running the pure planners of ``outreach.scheduling`` against the database: the inputs they
need (working calendar, teams, blackouts, bookings, settings), the monthly school plan and the
home-visit plan.

The rule of the room: what a planner or a move sees of the world is loaded by
``inputs.load_inputs``, so a month's plan and a visit's move can never judge a day differently."""
