"""Taking a free resource without events keeps everyone's place in the queue."""

import simpy

from sim.engine.pools import give_back, take_free
from sim.processes.checkout import Checkout


def test_a_free_item_is_taken_at_once_and_given_back_without_an_event():
    env = simpy.Environment()
    pool = simpy.Store(env)
    pool.items.extend(["FR1", "FR2"])
    assert take_free(pool) == "FR1"
    give_back(pool, "FR1")
    assert pool.items == ["FR2", "FR1"] and take_free(pool) == "FR2"
    assert take_free(pool) == "FR1" and take_free(pool) is None


def test_an_item_given_back_while_someone_waits_is_hers_not_a_newcomers():
    env = simpy.Environment()
    pool = simpy.Store(env)
    served = []

    def waiter():
        served.append(("waiter", (yield pool.get())))

    def newcomer():
        yield env.timeout(1)
        give_back(pool, "G1")  # SimPy hands it to the waiter later in this same instant
        served.append(("newcomer", take_free(pool)))

    env.process(waiter())
    env.process(newcomer())
    env.run()
    assert served == [("newcomer", None), ("waiter", "G1")]


def test_a_lane_opened_for_a_queue_serves_the_queue_first():
    env = simpy.Environment()
    lanes = Checkout(env, ["L1"])
    order = []

    def shopper(name, arrive, pay, busts=False):
        yield env.timeout(arrive)
        if busts:  # as queue busting does when she joins a long queue: a mobile lane opens
            lanes.open_lane("M1")
        lane = lanes.take_free()
        if lane is None:
            lane = yield lanes.join()
        order.append((name, lane, env.now))
        yield env.timeout(pay)
        lanes.release(lane)

    env.process(shopper("first", 0, 10))
    env.process(shopper("waiting", 1, 1))
    env.process(shopper("newcomer", 2, 1, busts=True))
    env.run()
    assert order == [("first", "L1", 0), ("waiting", "M1", 2), ("newcomer", "M1", 3)]
    assert lanes.waiting == 0
