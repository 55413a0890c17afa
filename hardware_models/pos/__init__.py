"""The POS terminal: till timings, selling through uplink outages, the offline journal."""

from hardware_models.pos.journal import FileStorage, MemoryStorage, OfflineJournal, SaleRecord
from hardware_models.pos.terminal import (
    ForwardReport,
    OfflinePolicy,
    PosTerminal,
    SaleOutcome,
    TerminalState,
)
from hardware_models.pos.timing import Duration, TillTiming

__all__ = [
    "Duration",
    "FileStorage",
    "ForwardReport",
    "MemoryStorage",
    "OfflineJournal",
    "OfflinePolicy",
    "PosTerminal",
    "SaleOutcome",
    "SaleRecord",
    "TerminalState",
    "TillTiming",
]
