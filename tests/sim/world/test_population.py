import re
import unicodedata

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sim.config.load import compose_config, validate
from sim.world import phones
from sim.world.geo import haversine_km
from sim.world.population import Population


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(seed))


def digits_of(typed: str) -> str:
    plain = unicodedata.normalize("NFKC", typed)
    digits = re.sub(r"\D", "", plain)
    return digits[-11:]


@given(st.integers(0, 10**6), st.integers(0, len(phones.STYLES) - 1))
def test_every_typing_style_keeps_the_number(seed, style):
    number = int(phones.unique_numbers(1, rng(seed))[0])
    typed = phones.as_typed(number, style)
    assert digits_of(typed) == f"{number:011d}"


def test_numbers_are_unique_mainland_mobiles():
    numbers = phones.unique_numbers(50_000, rng(1))
    assert len(np.unique(numbers)) == 50_000
    assert set(numbers // 100_000_000) <= set(phones.PREFIXES.tolist())
    assert numbers.min() >= 13_000_000_000 and numbers.max() < 20_000_000_000


def test_styles_are_varied():
    styles = phones.typing_styles(10_000, rng(2))
    assert len(np.unique(styles)) == len(phones.STYLES)
    typed = {phones.as_typed(13812345678, s) for s in range(len(phones.STYLES))}
    assert "１３８１２３４５６７８" in typed and "+86 138-1234-5678" in typed


def test_haversine_known_distance():
    # Shanghai People's Square to Beijing Tiananmen: about 1,067 km.
    assert haversine_km(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(1067, rel=0.01)


@pytest.fixture(scope="module")
def chain():
    config = validate(compose_config(["population.size=20000"]))
    stores = config.chain.stores
    population = Population.generate(
        config.population, stores, ("tops", "bottoms", "shoes"), rng(3)
    )
    return config, stores, population


def test_columns_are_consistent(chain):
    config, _, population = chain
    n = config.population.size
    assert all(len(getattr(population, c)) == n for c in ("home_lat", "age_band", "phone_number"))
    assert population.category_affinity.shape == (n, 3)
    np.testing.assert_allclose(population.category_affinity.sum(axis=1), 1, rtol=1e-5)
    assert abs(population.gender.mean() - (1 - config.population.female_share)) < 0.02
    assert population.nbytes / n < 200


def test_people_shop_mostly_near_home(chain):
    config, stores, population = chain
    for store in stores:
        weights = population.store_weights(store, stores, config.population.distance_decay_km)
        assert weights.sum() == pytest.approx(1)
        distance = haversine_km(population.home_lat, population.home_lon, store.lat, store.lon)
        near = distance < np.median(distance)
        assert weights[near].sum() > 0.7  # the nearer half brings most of the visits
        assert weights[~near].sum() < 0.3


def test_frequent_visitors_weigh_more(chain):
    config, stores, population = chain
    weights = population.store_weights(stores[0], stores, config.population.distance_decay_km)
    frequent = population.visit_interval_days < np.quantile(population.visit_interval_days, 0.2)
    rare = population.visit_interval_days > np.quantile(population.visit_interval_days, 0.8)
    assert weights[frequent].sum() > 3 * weights[rare].sum()
