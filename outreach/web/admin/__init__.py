"""Admin area: user accounts."""

from outreach.web.admin.views import bp

__all__ = ["bp"]
