"""How pure code reports bad input without depending on the translation machinery."""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark a message for translation; it is translated where it is shown (``-k N_``)."""
    return message


class Invalid(ValueError):
    """A value was refused. ``message`` is an English msgid, ``params`` fill its placeholders."""

    def __init__(self, message: str, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
