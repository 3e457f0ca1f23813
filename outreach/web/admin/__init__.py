"""Admin area: user accounts and the scheduler's jobs."""

from outreach.web.admin import jobs  # noqa: F401  (the routes)
from outreach.web.admin.views import bp

__all__ = ["bp"]
