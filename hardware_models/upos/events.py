"""Status and error events as UnifiedPOS names them, and the application's answer."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class StatusUpdate(enum.Enum):
    """POSPrinter StatusUpdateEvent codes (PTR_SUE_*)."""

    COVER_OPEN = "PTR_SUE_COVER_OPEN"
    COVER_OK = "PTR_SUE_COVER_OK"
    REC_NEAREMPTY = "PTR_SUE_REC_NEAREMPTY"
    REC_EMPTY = "PTR_SUE_REC_EMPTY"
    REC_PAPEROK = "PTR_SUE_REC_PAPEROK"
    JAM = "PTR_SUE_JAM"  # vendor extension: the standard folds jams into E_FAILURE
    JAM_OK = "PTR_SUE_JAM_OK"
    # Vendor extension, as printers report a command syntax error: a malformed command was
    # skipped. Not a fault: printing goes on, so no paired OK follows.
    COMMAND_ERROR = "PTR_SUE_COMMAND_ERROR"


class ExtendedError(enum.Enum):
    """ErrorEvent extended codes (JPOS_EPTR_*) and E_FAILURE for a mechanical jam."""

    COVER_OPEN = "JPOS_EPTR_COVER_OPEN"
    REC_EMPTY = "JPOS_EPTR_REC_EMPTY"
    JAM = "E_FAILURE"


class ErrorResponse(enum.Enum):
    """What the application answers to an ErrorEvent (ER_*)."""

    RETRY = "ER_RETRY"  # fix the cause, then print the held output
    CLEAR = "ER_CLEAR"  # drop the held output; the application reprints if it wants


@dataclass(frozen=True)
class StatusUpdateEvent:
    t_s: float
    device: str
    status: StatusUpdate


@dataclass(frozen=True)
class ErrorEvent:
    t_s: float
    device: str
    error: ExtendedError
