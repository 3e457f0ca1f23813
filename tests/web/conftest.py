"""Fixtures of the web tests."""

from tests.web.world import world  # noqa: F401 - a fixture, shared by the route-walking tests
