"""govsim.intervals: the one t-interval over replicates (equity, the optimiser's front)."""

import math

import numpy as np
import pytest

from govsim.intervals import mean_ci
from govsim.optimisation.evaluation import Replicates


def test_half_width_is_students_t_with_n_minus_one_degrees():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    mean, lo, hi = mean_ci(x)
    # t(0.975, 3) = 3.182446305; a normal 1.96 would give a 38% narrower interval at 4 replicates.
    expected = 3.182446305284263 * x.std(ddof=1) / 2.0
    assert mean == pytest.approx(3.5)
    assert hi - mean == pytest.approx(expected, rel=1e-9)
    assert mean - lo == pytest.approx(expected, rel=1e-9)


def test_coverage_at_four_replicates_is_nominal():
    # 20,000 samples of 4 normal replicates: a t-interval covers the mean 95% of the time (binomial
    # sd 0.15%, tolerance 4 sd); the normal interval would cover ~87.8%.
    rng = np.random.default_rng(7)
    samples = rng.normal(0.0, 1.0, size=(20000, 4))
    covered = sum(lo <= 0.0 <= hi for _, lo, hi in map(mean_ci, samples))
    assert abs(covered / 20000 - 0.95) < 4 * math.sqrt(0.95 * 0.05 / 20000)


def test_fewer_than_two_values_give_nan_bounds():
    assert all(math.isnan(v) for v in mean_ci(np.array([])))
    mean, lo, hi = mean_ci(np.array([2.0]))
    assert mean == 2.0 and math.isnan(lo) and math.isnan(hi)


def test_the_fronts_paired_interval_is_the_t_interval_of_the_differences():
    values = np.array([[[1.0], [2.0], [3.0]], [[1.5], [2.1], [3.9]]])  # designs x replicates x metric
    reps = Replicates(metrics=["m"], values=values)
    assert reps.paired(1, 0, "m") == pytest.approx(mean_ci(values[1, :, 0] - values[0, :, 0]))
    assert reps.interval(0, "m") == pytest.approx(mean_ci(values[0, :, 0]))
