import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.processes.checkout import Checkout, QueueMonitor


def test_monitor_area_is_the_time_integral():
    monitor = QueueMonitor()
    monitor.record(2.0, 1)
    monitor.record(5.0, 3)
    monitor.record(6.0, 0)
    assert monitor.area(0, 10) == pytest.approx(3 * 1 + 1 * 3)
    assert monitor.area(4, 5.5) == pytest.approx(1 * 1 + 0.5 * 3)


@settings(max_examples=60)
@given(
    gaps=st.lists(st.floats(0.0, 3.0), min_size=1, max_size=40),
    services=st.lists(st.floats(0.01, 5.0), min_size=40, max_size=40),
    patience=st.lists(st.floats(0.1, 10.0) | st.none(), min_size=40, max_size=40),
    lanes=st.integers(1, 3),
)
def test_queue_area_equals_the_sum_of_waits(gaps, services, patience, lanes):
    """Little's law on a sample path: shopper-minutes waiting = area under the queue curve."""
    env = simpy.Environment()
    checkout = Checkout(env, [f"L{i}" for i in range(lanes)])
    waits = []

    def shopper(i):
        joined = env.now
        request = checkout.join()
        if patience[i] is None:
            yield request
        else:
            yield request | env.timeout(patience[i])
        waits.append(env.now - joined)
        if not request.triggered:
            checkout.leave_queue(request)
            return
        yield env.timeout(services[i])
        checkout.release(request.value)

    def arrivals():
        for i, gap in enumerate(gaps):
            yield env.timeout(gap)
            env.process(shopper(i))

    env.process(arrivals())
    env.run()
    assert checkout.waiting == 0
    assert checkout.monitor.area(0, env.now + 1) == pytest.approx(sum(waits), abs=1e-9)


def test_closing_a_busy_lane_waits_for_its_sale():
    env = simpy.Environment()
    checkout = Checkout(env, ["L1"])
    checkout.open_lane("M1")
    closed = []
    first, second = checkout.join(), checkout.join()
    env.run(until=0.1)
    busy_lane = second.value
    checkout.close_lane(busy_lane, lambda: closed.append(env.now))
    assert closed == [] and checkout.open_lanes == 2
    checkout.release(busy_lane)
    assert closed == [0.1] and checkout.open_lanes == 1
    checkout.release(first.value)
    assert checkout.take_free() == first.value and checkout.take_free() is None
