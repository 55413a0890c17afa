"""Errors raised by the business modules.

Every error names the field, key or record it is about, and never carries personal data
(a mobile number appears only masked).
"""

from __future__ import annotations


class RetailError(Exception):
    """Base of every error the business modules raise on purpose."""


class InvalidInput(RetailError, ValueError):
    """An argument is malformed or out of range; `field` names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(RetailError, KeyError):
    """A referenced record does not exist."""

    def __init__(self, kind: str, key: object) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key

    def __str__(self) -> str:  # KeyError would quote the whole message
        return self.args[0]


class IllegalTransition(RetailError):
    """A state machine refused a transition."""

    def __init__(self, entity: str, key: object, state: str, action: str) -> None:
        super().__init__(f"{entity} {key!r}: cannot {action} while {state}")
        self.entity = entity
        self.key = key
        self.state = state
        self.action = action


class Conflict(RetailError):
    """An idempotency key was reused with a different payload, or a similar clash."""


class OutOfStock(RetailError):
    """Not enough available stock for a movement or reservation; nothing was changed."""

    def __init__(self, sku: str, location: str, wanted: int, available: int) -> None:
        super().__init__(f"sku {sku!r} at {location!r}: wanted {wanted}, available {available}")
        self.sku = sku
        self.location = location
        self.wanted = wanted
        self.available = available
