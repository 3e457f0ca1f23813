"""The pure planning domain: calendar, planners, routes. Imports neither Flask nor the database."""
