"""Block-drawn uniforms and the binomial devices draw from them."""

import numpy as np
import pytest
from scipy import stats

from hardware_models.draws import UniformDraws


def test_uniforms_come_in_stream_order_across_blocks():
    draws = UniformDraws(np.random.default_rng(5), block=4)
    expected = np.random.default_rng(5).random(12)  # three blocks of four
    assert [draws() for _ in range(10)] == pytest.approx(expected[:10].tolist())


def test_binomial_edges_and_bad_probabilities():
    draws = UniformDraws(np.random.default_rng(1))
    assert draws.binomial(0, 0.4) == 0
    assert {draws.binomial(5, 0.0) for _ in range(50)} == {0}
    assert {draws.binomial(5, 1.0) for _ in range(50)} == {5}
    for bad in (-0.1, 1.5, float("nan")):
        with pytest.raises(ValueError, match="probability"):
            draws.binomial(3, bad)
    many = [draws.binomial(5_000, 0.9) for _ in range(200)]  # past the walk: numpy's sampler
    assert 4_450 < np.mean(many) < 4_550 and len(set(many)) > 10


@pytest.mark.parametrize(("n", "p"), [(1, 0.01), (3, 0.6), (6, 0.3), (12, 0.5)])
def test_binomial_follows_its_distribution(n, p):
    draws = UniformDraws(np.random.default_rng(n))
    counts = np.bincount([draws.binomial(n, p) for _ in range(20_000)], minlength=n + 1)
    expected = stats.binom.pmf(np.arange(n + 1), n, p) * 20_000
    seen = expected >= 5  # pool the rare outcomes into one cell for the chi-square test
    observed = np.r_[counts[seen], counts[~seen].sum()]
    wanted = np.r_[expected[seen], expected[~seen].sum()]
    if wanted[-1] == 0:
        observed, wanted = observed[:-1], wanted[:-1]
    assert stats.chisquare(observed, wanted * observed.sum() / wanted.sum()).pvalue > 0.001
