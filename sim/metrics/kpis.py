"""KPIs folded from the event log, per store-day and for the whole run.

Names are stable (see README, "KPIs"); where a device measures what the twin knows,
both appear (`footfall_true`, `footfall_measured`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.engine.calendar import MINUTES_PER_DAY, Calendar
from sim.processes.checkout import QueueMonitor

KPI_NAMES = (
    "footfall_true",
    "footfall_measured",
    "transactions",
    "conversion_true",
    "conversion_measured",
    "revenue",
    "aov",
    "units_per_transaction",
    "checkout_wait_mean_min",
    "checkout_wait_p95_min",
    "checkout_abandon_rate",
    "checkout_queue_len_mean",
    "checkout_arrival_rate_per_min",
    "sales_refused",
    "sales_offline",
    "device_fixes",
    "staff_min_fixing_devices",
    "receipts_reprinted",
    "uplink_down_min",
    "garments_tried_true",
    "garments_tried_measured",
    "members_new",
    "followers_new",
    "member_capture_rate",
    "active_members",
    "repurchase_rate",
    "guide_tasks_done",
    "booked_visits",
    "guide_help_missed_rate",
    "lost_sales_stockout",
    "fill_rate",
    "online_orders",
    "online_order_share",
    "online_pickups",
    "on_time_fulfilment_rate",
    "online_revenue",
    "total_revenue",
    "pushes_sent",
    "pushes_refused",
    "pushes_opened",
    "push_orders",
    "unfollows",
    "coupon_redemption_rate",
    "uplift_measured",
    "uplift_true",
    "transfers",
    "inventory_turnover",
    "hardware_downtime_min",
    "receipts_printed",
    "offline_sales_forwarded",
    "sales_unforwarded",
    "endless_aisle_orders",
    "members_recognised",
    "store_pool_income",
    "franchise_pool_share",
    "conversion_measurement_error",
)

# Which way is better, for verdicts in comparisons; a KPI in neither set is just "higher/lower".
# Measured figures (footfall_measured, conversion_measured) are in neither: a better sensor
# moves them toward the truth, which is not a better store.
HIGHER_IS_BETTER = frozenset(
    {
        "store_pool_income",
        "total_revenue",
        "endless_aisle_orders",
        "inventory_turnover",
        "transactions",
        "members_new",
        "followers_new",
        "member_capture_rate",
        "active_members",
        "repurchase_rate",
        "conversion_true",
        "revenue",
        "aov",
        "units_per_transaction",
        "booked_visits",
        "fill_rate",
        "online_orders",
        "online_order_share",
        "on_time_fulfilment_rate",
        "online_revenue",
        "push_orders",
        "coupon_redemption_rate",
    }
)
LOWER_IS_BETTER = frozenset(
    {
        "checkout_wait_mean_min",
        "checkout_wait_p95_min",
        "checkout_abandon_rate",
        "checkout_queue_len_mean",
        "sales_refused",
        "device_fixes",
        "staff_min_fixing_devices",
        "receipts_reprinted",
        "uplink_down_min",
        "guide_help_missed_rate",
        "unfollows",
        "lost_sales_stockout",
        "hardware_downtime_min",
        "conversion_measurement_error",
        "sales_unforwarded",
    }
)


def _ratio(numerator, denominator):
    """numerator / denominator, 0 where the denominator is 0 (scalars or aligned Series)."""
    if isinstance(denominator, pd.Series):
        return (numerator / denominator.where(denominator != 0)).fillna(0.0)
    return float(numerator / denominator) if denominator else 0.0


# Per group: how many events of a kind, or the sum of one of its fields.
COUNTS = {
    "transactions": "SaleCompleted",
    "joined": "CheckoutJoined",
    "balked": "CheckoutBalked",
    "reneged": "CheckoutReneged",
    "sales_refused": "SaleRefused",
    "sales_offline": "SaleJournaledOffline",
    "device_fixes": "DeviceFixed",
    "members_new": "MemberRegistered",
    "followers_new": "FollowerGained",
    "capture_asked": "CaptureAsked",
    "guide_tasks_done": "GuideTaskWorked",
    "booked_visits": "GuideTaskBooked",
    "guide_helped": "GuideConsulted",
    "guide_missed": "GuideUnavailable",
    "online_orders": "OnlineOrderPlaced",
    "online_pickups": "OnlineOrderCollected",
    "campaigns_measured": "CampaignMeasured",
    "transfers": "TransferShipped",
    "receipts_printed": "ReceiptPrinted",
    "endless_aisle_orders": "EndlessAisleOrdered",
    "members_recognised": "MemberRecognised",
    "served": "ServiceStarted",
}
SUMS = {
    "footfall_true": ("VisitStarted", "party_size"),
    "footfall_measured": ("DoorEntered", "count"),
    "revenue": ("SaleCompleted", "amount_cents"),
    "units": ("SaleCompleted", "items"),
    "staff_min_fixing_devices": ("DeviceFixed", "minutes"),
    "receipts_reprinted": ("ReceiptsReprinted", "count"),
    "uplink_down_min": ("UplinkRestored", "minutes_down"),
    "uplink_still_down_min": ("UplinkStillDown", "minutes_down"),
    "garments_tried_true": ("GarmentsTriedOn", "garments"),
    "garments_tried_measured": ("FittingRoomTagsRead", "count"),
    "online_revenue": ("OnlineOrderPlaced", "amount_cents"),
    "lost_units": ("LostSaleStockout", "units"),
    "aisle_units": ("EndlessAisleOrdered", "units"),
    "store_pool_income": ("RevenueShareSettled", "pool_cents"),
    "orders_due": ("OnlineOrdersDue", "due"),
    "orders_on_time": ("OnlineOrdersDue", "on_time"),
    "pushes_sent": ("CampaignPushed", "sent"),
    "pushes_refused": ("CampaignPushed", "refused"),
    "pushes_opened": ("CampaignPushed", "opened"),
    "push_orders": ("CampaignPushed", "ordered"),
    "unfollows": ("CampaignPushed", "unfollowed"),
    "coupons_redeemed": ("OnlineOrderPlaced", "coupon_used"),
    "uplift_measured_sum": ("CampaignMeasured", "uplift_measured"),
    "uplift_true_sum": ("CampaignMeasured", "uplift_true"),
    "stock_sold": ("StockCounted", "sold"),
    "device_down_open_min": ("DeviceRecovered", "open_minutes_down"),
    "uplink_down_open_min": ("UplinkRestored", "open_minutes_down"),
    "device_still_down_open_min": ("DeviceStillDown", "open_minutes_down"),
    "uplink_still_down_open_min": ("UplinkStillDown", "open_minutes_down"),
    "sales_unforwarded": ("SalesStillJournaled", "count"),
    "forwarded_on_link": ("OfflineSalesForwarded", "count"),
    "forwarded_on_restart": ("TerminalRestarted", "forwarded"),
    "wait_sum_min": ("ServiceStarted", "waited_min"),
}
# Reports at closing, aggregated per store (and day) and then over the stores for the run:
# state the modules report (the last report of each store, summed over stores) ...
LAST = {
    "active_members": ("MembershipClosed", "active"),
    "buyers": ("MembershipClosed", "buyers"),
    "repeat_buyers": ("MembershipClosed", "repeat_buyers"),
}
# ... stock levels counted (the mean per location, summed over locations: the denominator of
# inventory turnover) ...
MEAN = {"on_hand_mean": ("StockCounted", "on_hand")}
# ... and shares (the last report of each store, averaged over stores).
LAST_MEAN = {"franchise_pool_share": ("PoolShareReported", "share")}
REPORTS = ((LAST, "last", "sum"), (MEAN, "mean", "sum"), (LAST_MEAN, "last", "mean"))
# Events folded as another kind when a field has a value: (field, value, kind folded as).
RELABELLED = {
    "DoorCounted": ("direction", "in", "DoorEntered"),  # door counts in: measured footfall
    "GuideTaskWorked": ("outcome", "visit_booked", "GuideTaskBooked"),
}
# Device events whose time out of service (the field) ends at the event: see
# `_with_open_downtime`.
DOWNTIME = {
    "DeviceRecovered": "minutes",
    "UplinkRestored": "minutes_down",
    "DeviceStillDown": "minutes",  # at the run's end: down so far
    "UplinkStillDown": "minutes_down",
}


def _totals(events: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts, sums and wait statistics per group of `keys` (no keys: one row)."""
    grouping = keys or (lambda _: 0)
    kind = events["kind"]
    for original, (column, value, label) in RELABELLED.items():
        kind = kind.where(~((kind == original) & (events[column] == value)), label)
    events = events.assign(kind=kind, coupon_used=(events["discount_cents"] > 0).astype("int64"))
    parts = {}
    for name, kind in COUNTS.items():
        parts[name] = events[events["kind"] == kind].groupby(grouping).size()
    for name, (kind, column) in SUMS.items():
        parts[name] = events.loc[events["kind"] == kind].groupby(grouping)[column].sum()
    for table, per_store, over_stores in REPORTS:
        for name, (kind, column) in table.items():
            reports = events.loc[events["kind"] == kind]
            if keys:
                parts[name] = reports.groupby(keys)[column].agg(per_store)
            else:
                by_store = reports.groupby("store")[column].agg(per_store)
                parts[name] = pd.Series([by_store.agg(over_stores)])
    waits = events.loc[events["kind"] == "ServiceStarted"].groupby(grouping)["waited_min"]
    parts["wait_mean"] = waits.mean()
    parts["wait_p95"] = waits.quantile(0.95)
    return _zero_counts(pd.DataFrame(parts))


def _zero_counts(totals: pd.DataFrame) -> pd.DataFrame:
    """No event is a count of 0; a share nobody reported stays unknown (NaN)."""
    return totals.fillna({name: 0 for name in totals.columns if name not in LAST_MEAN})


def kpis_from_totals(totals: pd.DataFrame, queue_area: pd.Series, open_min) -> pd.DataFrame:
    t = totals
    return pd.DataFrame(
        {
            "footfall_true": t["footfall_true"].astype("int64"),
            "footfall_measured": t["footfall_measured"].astype("int64"),
            "transactions": t["transactions"].astype("int64"),
            "conversion_true": _ratio(t["transactions"], t["footfall_true"]),
            "conversion_measured": _ratio(t["transactions"], t["footfall_measured"]),
            "revenue": t["revenue"].astype("int64"),
            "aov": _ratio(t["revenue"], t["transactions"]),
            "units_per_transaction": _ratio(t["units"], t["transactions"]),
            "checkout_wait_mean_min": t["wait_mean"].astype(float),
            "checkout_wait_p95_min": t["wait_p95"].astype(float),
            "checkout_abandon_rate": _ratio(t["balked"] + t["reneged"], t["joined"] + t["balked"]),
            "checkout_queue_len_mean": queue_area / open_min,
            "checkout_arrival_rate_per_min": t["joined"] / open_min,
            "sales_refused": t["sales_refused"].astype("int64"),
            "sales_offline": t["sales_offline"].astype("int64"),
            "device_fixes": t["device_fixes"].astype("int64"),
            "staff_min_fixing_devices": t["staff_min_fixing_devices"].astype(float),
            "receipts_reprinted": t["receipts_reprinted"].astype("int64"),
            "uplink_down_min": (t["uplink_down_min"] + t["uplink_still_down_min"]).astype(float),
            "garments_tried_true": t["garments_tried_true"].astype("int64"),
            "garments_tried_measured": t["garments_tried_measured"].astype("int64"),
            "members_new": t["members_new"].astype("int64"),
            "followers_new": t["followers_new"].astype("int64"),
            "member_capture_rate": _ratio(t["members_new"], t["capture_asked"]),
            "active_members": t["active_members"].astype("int64"),
            "repurchase_rate": _ratio(t["repeat_buyers"], t["buyers"]),
            "guide_tasks_done": (t["guide_tasks_done"] + t["booked_visits"]).astype("int64"),
            "booked_visits": t["booked_visits"].astype("int64"),
            "guide_help_missed_rate": _ratio(
                t["guide_missed"], t["guide_helped"] + t["guide_missed"]
            ),
            "lost_sales_stockout": t["lost_units"].astype("int64"),
            "fill_rate": _ratio(  # units wanted in store that she got, there or shipped
                t["units"] + t["aisle_units"], t["units"] + t["aisle_units"] + t["lost_units"]
            ),
            "online_orders": t["online_orders"].astype("int64"),
            "online_order_share": _ratio(
                t["online_orders"], t["online_orders"] + t["transactions"]
            ),
            "online_pickups": t["online_pickups"].astype("int64"),
            "on_time_fulfilment_rate": _ratio(t["orders_on_time"], t["orders_due"]),
            "online_revenue": t["online_revenue"].astype("int64"),
            "total_revenue": (t["revenue"] + t["online_revenue"]).astype("int64"),
            "pushes_sent": t["pushes_sent"].astype("int64"),
            "pushes_refused": t["pushes_refused"].astype("int64"),
            "pushes_opened": t["pushes_opened"].astype("int64"),
            "push_orders": t["push_orders"].astype("int64"),
            "unfollows": t["unfollows"].astype("int64"),
            # One coupon goes with every push that carries an offer.
            "coupon_redemption_rate": _ratio(t["coupons_redeemed"], t["pushes_sent"]),
            # Campaigns are measured over the chain: per store-day rows hold 0.
            "uplift_measured": _ratio(t["uplift_measured_sum"], t["campaigns_measured"]),
            "uplift_true": _ratio(t["uplift_true_sum"], t["campaigns_measured"]),
            "transfers": t["transfers"].astype("int64"),
            "inventory_turnover": _ratio(t["stock_sold"], t["on_hand_mean"]),
            "hardware_downtime_min": (
                t["device_down_open_min"]
                + t["uplink_down_open_min"]
                + t["device_still_down_open_min"]
                + t["uplink_still_down_open_min"]
            ).astype(float),
            "receipts_printed": t["receipts_printed"].astype("int64"),
            "endless_aisle_orders": t["endless_aisle_orders"].astype("int64"),
            "members_recognised": t["members_recognised"].astype("int64"),
            "store_pool_income": t["store_pool_income"].astype("int64"),
            "franchise_pool_share": t["franchise_pool_share"].astype(float),
            # How far the conversion the chain sees (door counts) is from the truth.
            "conversion_measurement_error": _ratio(
                (t["footfall_true"] - t["footfall_measured"]).abs(), t["footfall_measured"]
            ),
            "offline_sales_forwarded": (t["forwarded_on_link"] + t["forwarded_on_restart"]).astype(
                "int64"
            ),
            "sales_unforwarded": t["sales_unforwarded"].astype("int64"),
        }
    )


def events_frame(table: pa.Table, days: int | None = None) -> pd.DataFrame:
    """The event log as a frame with each event's `day`; given the run's `days`, what is
    reported at the run's very end belongs to its last day."""
    frame = table.to_pandas()
    day = (frame["t"] // MINUTES_PER_DAY).astype("int64")
    frame["day"] = day.clip(upper=days - 1) if days is not None else day
    return frame


# Reports that also come from the warehouse; the KPIs are the stores' (as in the daily table).
STORE_REPORTS = ("RevenueShareSettled", "StockCounted")


def _stores_only(events: pd.DataFrame, stores) -> pd.DataFrame:
    elsewhere = events["kind"].isin(STORE_REPORTS) & ~events["store"].isin(list(stores))
    return events[~elsewhere]


def _with_open_downtime(events: pd.DataFrame, calendar: Calendar) -> pd.DataFrame:
    """`open_minutes_down`: of a device's time out of service (ending at `t`), the minutes the
    store was open. A fault at night costs nothing until the store opens."""
    kind = events["kind"].to_numpy()
    down = np.zeros(len(events))
    for name, column in DOWNTIME.items():
        if column in events:
            mine = kind == name
            down[mine] = events[column].to_numpy(float)[mine]
    t = events["t"].to_numpy(float)
    opened = calendar.open_minutes_until(t) - calendar.open_minutes_until(t - down)
    return events.assign(open_minutes_down=opened)


def _downtime_by_day(events: pd.DataFrame, days: int) -> pd.DataFrame:
    """Each stretch of downtime cut at midnights, a row for each day it spans, so that a day
    counts the minutes it lost (an outage over three days is not all the last day's)."""
    kind = events["kind"].to_numpy()
    spans = np.isin(kind, list(DOWNTIME))
    if not spans.any():
        return events
    rows = []
    for _, event in events[spans].iterrows():
        column = DOWNTIME[event["kind"]]
        end = float(event["t"])
        start = end - float(event[column])
        for day in range(max(int(start // MINUTES_PER_DAY), 0), int(event["day"]) + 1):
            part_start = max(start, day * MINUTES_PER_DAY)
            part_end = end if day == event["day"] else (day + 1) * MINUTES_PER_DAY
            rows.append({**event, "day": day, "t": part_end, column: part_end - part_start})
    return pd.concat([events[~spans], pd.DataFrame(rows, columns=events.columns)])


def store_day_totals(
    events: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    calendar: Calendar,
    days: int,
) -> tuple[pd.DataFrame, pd.Series]:
    """The totals of each store (of `monitors`) and day, and the area under each one's
    checkout queue (shopper-minutes)."""
    stores = sorted(monitors)
    index = pd.MultiIndex.from_product([stores, range(days)], names=["store", "day"])
    spread = _with_open_downtime(_downtime_by_day(events, days), calendar)
    totals = _zero_counts(_totals(spread, ["store", "day"]).reindex(index))
    # Shoppers still queued after closing belong to that day's area.
    edges = np.arange(days + 1) * MINUTES_PER_DAY
    areas = pd.Series(
        np.concatenate([np.diff(monitors[s].cumulative_area(edges)) for s in stores]), index=index
    )
    return totals, areas


def daily_kpis(
    events: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    calendar: Calendar,
    days: int,
) -> pd.DataFrame:
    """One row per store and day: `store`, `date`, `day` and every KPI."""
    totals, areas = store_day_totals(events, monitors, calendar, days)
    open_min = calendar.open_minutes_per_day
    frame = kpis_from_totals(totals, areas, open_min).reset_index()
    frame.insert(1, "date", [calendar.date_of(calendar.opening(d)[0]) for d in frame["day"]])
    return frame[["store", "date", "day", *KPI_NAMES]]


def run_summary(
    events: pd.DataFrame,
    monitors: dict[str, QueueMonitor],
    calendar: Calendar,
    days: int,
) -> dict[str, float]:
    """The run's KPIs over every store and day (queue length: mean over stores' open time)."""
    events = _stores_only(_with_open_downtime(events, calendar), monitors)
    totals = _totals(events, []).reindex([0], fill_value=0).fillna(0)  # no franchise: 0
    area = sum(m.area(0.0, days * MINUTES_PER_DAY) for m in monitors.values())
    open_min = days * calendar.open_minutes_per_day * len(monitors)
    frame = kpis_from_totals(totals, pd.Series([area]), open_min)
    return {name: frame[name].iloc[0].item() for name in KPI_NAMES}  # ints stay ints
