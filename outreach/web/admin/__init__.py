"""Admin area: user accounts, the scheduler's jobs and the audit log."""

from outreach.web.admin import audit, jobs  # noqa: F401  (the routes)
from outreach.web.admin.views import bp

__all__ = ["bp"]
