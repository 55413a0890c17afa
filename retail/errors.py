"""Errors raised by the business modules.

Every error names the field, key or record it is about, and never carries personal data
(a mobile number appears only masked).
"""

from __future__ import annotations


class RetailError(Exception):
    """Base of every error the business modules raise on purpose."""


class InvalidInput(RetailError, ValueError):
    """An argument is malformed or out of range; `field` names it."""

    # The constructor's arguments stay in `args`: SimPy, pickle and process pools rebuild an
    # exception as `type(error)(*error.args)`.
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(field, reason)
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


class NotFound(RetailError, KeyError):
    """A referenced record does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(kind, key)
        self.kind = kind
        self.key = key

    def __str__(self) -> str:
        return f"{self.kind} {self.key!r} not found"


class Archived(NotFound):
    """A referenced record was archived: it is final, and its key is never used again."""

    def __str__(self) -> str:
        return f"{self.kind} {self.key!r} was archived"


class IllegalTransition(RetailError):
    """A state machine refused a transition."""

    def __init__(self, entity: str, key: object, state: str, action: str) -> None:
        super().__init__(entity, key, state, action)
        self.entity = entity
        self.key = key
        self.state = state
        self.action = action

    def __str__(self) -> str:
        return f"{self.entity} {self.key!r}: cannot {self.action} while {self.state}"


class Conflict(RetailError):
    """An idempotency key was reused with a different payload, or a similar clash."""


class OutOfStock(RetailError):
    """Not enough available stock for a movement or reservation; nothing was changed."""

    def __init__(self, sku: str, location: str, wanted: int, available: int) -> None:
        super().__init__(sku, location, wanted, available)
        self.sku = sku
        self.location = location
        self.wanted = wanted
        self.available = available

    def __str__(self) -> str:
        return (
            f"sku {self.sku!r} at {self.location!r}: wanted {self.wanted}, "
            f"available {self.available}"
        )
