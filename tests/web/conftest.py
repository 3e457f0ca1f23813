"""Fixtures of the web tests."""

from tests.web.processes import schools_to_plan  # noqa: F401 - fixture: a month to plan
from tests.web.world import world  # noqa: F401 - a fixture, shared by the route-walking tests
