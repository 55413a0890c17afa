"""Every take and give-back of a pooled resource goes through `Pool`, and keeps everyone's
place in the queue."""

import simpy

from sim.config.load import compose_config, validate
from sim.engine.pools import Pool
from sim.model import TwinModel
from sim.processes.checkout import Checkout
from sim.processes.events import LaneOpened


def test_a_free_item_is_taken_at_once_and_given_back_without_an_event():
    env = simpy.Environment()
    pool = Pool(env, ["FR1", "FR2"])
    assert pool.take_free() == "FR1"
    pool.give_back("FR1")
    assert pool.free == ("FR2", "FR1") and pool.take_free() == "FR2"
    assert pool.take_free() == "FR1" and pool.take_free() is None
    assert not env._queue  # no event was scheduled for any of it


def test_an_item_given_back_while_someone_waits_is_hers_not_a_newcomers():
    env = simpy.Environment()
    pool = Pool(env)
    served = []

    def waiter():
        served.append(("waiter", (yield pool.request())))

    def newcomer():
        yield env.timeout(1)
        pool.give_back("G1")  # SimPy hands it to the waiter later in this same instant
        assert "G1" in pool and pool.waiting == 1  # free for a moment, yet hers
        served.append(("newcomer", pool.take_free()))

    env.process(waiter())
    env.process(newcomer())
    env.run()
    assert served == [("newcomer", None), ("waiter", "G1")]


def test_withdraw_and_replace_touch_only_free_items():
    env = simpy.Environment()
    pool = Pool(env, ["G1", "G2"])
    busy = pool.take_free()
    assert not pool.withdraw(busy) and not pool.replace(busy, "G9")
    assert pool.replace("G2", "G3") and pool.free == ("G3",)
    assert pool.withdraw("G3") and pool.free == ()


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


def test_queue_busting_never_takes_a_guide_a_shopper_waits_for():
    # Found overloaded: the shopper who gives a guide back often joins the checkout in the
    # same instant, and queue busting used to pop that guide off the floor's list, from
    # under the shopper waiting for her (39 of 40 mobile lanes opened so).
    config = validate(compose_config(["chain=single_store", "strategy=queue_busting", "days=1",
                                      "store.guides=1", "store.shifts=[]",
                                      "strategy.queue_busting.queue_per_lane=0.01"]))  # fmt: skip
    model = TwinModel(config)
    store, env = model.stores[0], model.env
    served = []

    def waiter():
        served.append(((yield store.guides.request()), env.now))

    def scene():
        lanes = store.checkout
        while lanes.take_free() is not None:  # every till is busy ...
            pass
        lanes.join()  # ... and a shopper queues: a mobile lane would stay open for her
        guide = store.guides.take_free()  # the only guide is helping someone ...
        env.process(waiter())  # ... while a shopper waits for her
        yield env.timeout(1)
        store.release_guide(guide)  # done: the guide is the waiting shopper's ...
        store.on_checkout_joined()  # ... when, in the same instant, a shopper joins the queue

    env.process(scene())
    env.run(until=5)  # before opening: nobody else is in the store
    assert [(guide.code, t) for guide, t in served] == [("S001-G1", 1)]
    assert not model.log.of_kind(LaneOpened)
