"""Each role's home page and the health check."""

from outreach.web.main.views import bp

__all__ = ["bp"]
