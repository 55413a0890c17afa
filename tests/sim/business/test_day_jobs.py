"""The twin's day jobs: one table, written once, run in its order; desks that need no SimPy."""

from collections import Counter
from itertools import pairwise

import numpy as np
import pytest

from retail.inventory import OrderLine
from sim.business.head_office import HeadOffice
from sim.business.online_shop import OnlineShop
from sim.business.stock_room import StockRoom
from sim.config.load import compose_config, validate
from sim.engine.agenda import HeapAgenda
from sim.engine.events import EventLog
from sim.experiment.run import simulate_overrides
from sim.model import TwinModel
from sim.wiring import Modules
from sim.world.calendar import store_calendar
from sim.world.catalog import Catalog
from sim.world.population import Population

TABLE = (
    "transfers arrive",
    "stock arrives",
    "guide tasks",
    "campaign",
    "till intake",
    "till intake at closing",
    "membership",
    "stock review",
    "online shop",
    "head office",
    "staff turnover",
    "members online",
)


def test_the_day_job_table_is_written_once_in_this_order():
    model = TwinModel(validate(compose_config(["days=1", "population.size=500"])))
    assert model.day_jobs.names == TABLE


@pytest.fixture(scope="module")
def closings():
    model = simulate_overrides(["days=4", "population.size=4000", "seed=3",
                                "store.guide_turnover_per_year=0.9999"])  # fmt: skip
    closing_times = {model.calendar.closing(day) for day in range(4)}
    return [type(e).__name__ for e in model.log if e.t in closing_times]


def test_closing_reports_come_in_the_tables_order(closings):
    order = ["MembershipDailyRun", "StockCounted", "OnlineOrdersDue", "RevenueShareSettled",
             "StoreTiered", "GuideLeft"]  # fmt: skip
    counts = Counter(closings)
    assert all(counts[kind] for kind in order), counts
    reported = [kind for kind in closings if kind in order]
    ranks = [order.index(kind) for kind in reported]
    # Within each closing the ranks never fall; they fall only when the next closing starts.
    assert sum(1 for a, b in pairwise(ranks) if b < a) == 3


def test_the_desks_run_their_days_without_simpy():
    config = validate(compose_config(["days=5", "population.size=500"]))
    calendar, log, agenda = store_calendar(config), EventLog(), HeapAgenda()
    catalog = Catalog.from_config(config.store.catalog)
    people = Population.generate(config.population, config.chain.stores,
                                 catalog.category_names, np.random.default_rng(1))  # fmt: skip
    modules = Modules.from_config(config, catalog.category_names)
    stock = StockRoom(log, calendar, modules.inventory, config, catalog)
    shop = OnlineShop(log, calendar, modules.orders, catalog, people, np.random.default_rng(2),
                      agenda)  # fmt: skip
    office = HeadOffice(log, calendar, modules.orders, modules.ledger, modules.tiering,
                        modules.inventory, config.chain, [])  # fmt: skip
    allocated = []
    line = OrderLine(catalog.skus[0], 1, catalog.prices[0])
    key = shop.place(None, 0, "S001", (line,), 720.0, lambda *a: allocated.append(a))
    assert [a[0] for a in allocated] == [key]
    for day in range(4):  # the promise (48 h) falls due on day 2, reported on day 3
        opens, _ = calendar.opening(day)
        agenda.run_until(opens)
        stock.open_day(day, opens)
        closing = calendar.closing(day)
        agenda.run_until(closing)
        for job in (stock.close_day, shop.close_day, office.close_day):
            job(day, closing)
    assert modules.orders.order(key).state.value == "completed"  # picked, shipped, delivered
    kinds = Counter(type(e).__name__ for e in log)
    assert kinds["StockCounted"] >= 3 and kinds["StoreTiered"] == 4 * len(config.chain.stores)
    assert kinds["OnlineOrderShipped"] == 1 and kinds["OnlineOrdersDue"] >= 1
    assert all(e.t <= calendar.closing(3) for e in log)


def test_the_days_last_till_sales_are_settled_at_its_closing():
    # Why the intake comes first at closing: head office's settlement sees every sale of the
    # day, those rung up after the last 15-minute intake too (closing off the quarter hour).
    from sim.business.head_office import INTAKE_EVERY_MIN

    model = simulate_overrides(["chain=single_store", "days=1", "population.size=3000",
                                "strategy=status_quo", "store.daily_visitors=600",
                                "store.closes=21:50", "store.shifts=[]"])  # fmt: skip
    closing = model.calendar.closing(0)
    sales = [e for e in model.log if type(e).__name__ == "SaleCompleted" and e.t < closing]
    assert any(e.t > closing - INTAKE_EVERY_MIN for e in sales)
    (settled,) = [e for e in model.log
                  if type(e).__name__ == "RevenueShareSettled" and e.t == closing]  # fmt: skip
    assert settled.orders == len(sales)
    assert settled.till_cents > 0
