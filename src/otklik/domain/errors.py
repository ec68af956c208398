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


class Unauthorized(DomainError):
    """No identity, or one that is not (or no longer) valid: sign in or send a token."""

    http_status = 401
    title = "Unauthorized"


class Forbidden(DomainError):
    """An identity without the right for this action."""

    http_status = 403
    title = "Forbidden"


class TooManyAttempts(DomainError):
    """Throttled: too many failed sign-ins for this login or address in a short time."""

    http_status = 429
    title = "Too many attempts"

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
