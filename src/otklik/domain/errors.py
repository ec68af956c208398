"""Domain errors: each carries a human reason that the web layer turns into a problem response."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    http_status = 400
    title = "Bad request"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class InvalidInput(DomainError):
    """Input that can never be accepted as it is (missing text, bad coordinates, unknown channel)."""

    http_status = 422
    title = "Invalid input"


class NotFound(DomainError):
    """A referenced object does not exist."""

    http_status = 404
    title = "Not found"


class IllegalTransition(DomainError):
    """A status change the appeal's state machine does not allow from its current status."""

    http_status = 409
    title = "Illegal status transition"


class Conflict(DomainError):
    """The request collides with the current state (e.g. a duplicate that differs in content)."""

    http_status = 409
    title = "Conflict"
