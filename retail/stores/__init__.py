"""Store tiering (the TOP model): time online, order penetration and on-time fulfilment per
store, tiers S/A/B/C, and each tier's levers and strategy. Imports nothing of the simulator;
time is an argument."""

from retail.stores.tiering import (
    INDICATORS,
    TIERS,
    Lever,
    Minimums,
    StoreTiering,
    TierLevers,
    TierRules,
    assign_tiers,
    indicators,
    levers_for,
)

__all__ = [
    "INDICATORS",
    "TIERS",
    "Lever",
    "Minimums",
    "StoreTiering",
    "TierLevers",
    "TierRules",
    "assign_tiers",
    "indicators",
    "levers_for",
]
