"""UnifiedPOS (JavaPOS / OPOS) device control: lifecycle, status and error events."""

from hardware_models.upos.events import (
    ErrorEvent,
    ErrorResponse,
    ExtendedError,
    StatusUpdate,
    StatusUpdateEvent,
)
from hardware_models.upos.lifecycle import DeviceControl, DeviceState, UposError, UposErrorCode

__all__ = [
    "DeviceControl",
    "DeviceState",
    "ErrorEvent",
    "ErrorResponse",
    "ExtendedError",
    "StatusUpdate",
    "StatusUpdateEvent",
    "UposError",
    "UposErrorCode",
]
