"""Store staff as Mesa agents: guides on the floor, cashiers at the tills."""

from __future__ import annotations

import mesa


class Guide(mesa.Agent):
    """A sales guide: helps shoppers on the floor; at peaks may staff a mobile POS."""

    def __init__(self, model: mesa.Model, store: str, code: str, skill: float) -> None:
        super().__init__(model)
        self.store = store
        self.code = code
        self.skill = skill
        self.consultations = 0
        self.minutes_consulting = 0.0


class Cashier(mesa.Agent):
    """The person at a till; a lane is open while its cashier is on it."""

    def __init__(self, model: mesa.Model, store: str, lane: str) -> None:
        super().__init__(model)
        self.store = store
        self.lane = lane
        self.sales = 0
