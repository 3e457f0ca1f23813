"""The pure rules: the working calendar, the monthly school planner, the home-visit planner and
its routes, moves and team choice, and a visit's lifecycle (which actions it allows today).
Imports neither Flask nor the database; the clock is always an argument."""
