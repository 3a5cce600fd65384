"""Death steps drawn from the cumulative hazard reproduce the life table's probabilities."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from purgetoll.errors import DataError
from purgetoll.sim import calendar, rng
from purgetoll.sim.hazard import build_hazard, draw_death_steps, monthly_hazard
from purgetoll.sim.state import NO_DEATH


def constant(qx_value: float, n_steps: int) -> np.ndarray:
    mu = monthly_hazard(np.full(101, qx_value), "test")
    return np.broadcast_to(mu, (n_steps, 2, 101)).copy()


def test_cumulative_hazard_gives_back_qx_over_a_year():
    table = build_hazard(constant(0.1, 24), start_month=400, first_birth_month=400 - 12 * 101)
    c = table.cohort(np.array([400 - 12 * 40]))[0]  # aged exactly 40 years at the start
    survival = np.exp(-(table.cum[0, c, 12] - table.cum[0, c, 0]))
    assert survival == pytest.approx(0.9, rel=1e-12)


def test_share_dying_within_a_year_is_qx_within_sampling_error():
    n = 200_000
    table = build_hazard(constant(0.2, 36), start_month=400, first_birth_month=400 - 12 * 101)
    ids = np.arange(n, dtype=np.uint32)
    e = rng.exponential(5, "test.death", 0, ids)
    steps = draw_death_steps(table, np.zeros(n, np.int8), np.full(n, 400 - 12 * 30, np.int16), 0, e)
    died = np.count_nonzero(steps < 12)
    # binomial sd sqrt(n q (1-q)) = 179; 5 sd (false alarm 6e-7)
    assert abs(died - 0.2 * n) < 5 * np.sqrt(n * 0.2 * 0.8)
    # memorylessness: among survivors of year 1, again 20% die in year 2
    died2 = np.count_nonzero((steps >= 12) & (steps < 24))
    survivors = n - died
    assert abs(died2 - 0.2 * survivors) < 5 * np.sqrt(survivors * 0.2 * 0.8)
    assert np.count_nonzero(steps == NO_DEATH) == np.count_nonzero(steps >= 36)


def test_hazard_multiplier_and_redraw_from_a_later_step():
    table = build_hazard(constant(0.2, 36), start_month=400, first_birth_month=400 - 12 * 101)
    n = 100_000
    e = rng.exponential(5, "test.death", 0, np.arange(n, dtype=np.uint32))
    sex, born = np.zeros(n, np.int8), np.full(n, 400 - 12 * 30, np.int16)
    doubled = draw_death_steps(table, sex, born, 12, e, 2.0)
    assert doubled.min() >= 12
    q2 = 1 - 0.8 ** 2
    died = np.count_nonzero(doubled < 24)
    assert abs(died - q2 * n) < 5 * np.sqrt(n * q2 * (1 - q2))
    with pytest.raises(DataError, match="hazard multiplier must be > 0"):
        draw_death_steps(table, sex, born, 0, e, 0.0)
    with pytest.raises(DataError, match=r"from_step must be in \[0, 36\]; got 37"):
        draw_death_steps(table, sex, born, 37, e)


def test_bad_qx_is_refused_naming_the_age():
    q = np.full(101, 0.1)
    q[37] = -0.2
    with pytest.raises(DataError) as err:
        monthly_hazard(q, "qx(year=1930.500, sex=male)")
    assert str(err.value) == "qx(year=1930.500, sex=male), row age=37: qx must be a probability in [0, 1]; got -0.2"
    with pytest.raises(DataError, match=r"qx must have shape \(101,\) for ages 0..100; got \(100,\)"):
        monthly_hazard(np.full(100, 0.1), "x")
    q = np.full(101, 0.1)
    q[50] = 1.0
    with pytest.raises(DataError, match="row age=50: qx must be < 1 below the open age group 100"):
        monthly_hazard(q, "x")
    q = np.full(101, 0.1)
    q[100] = 1.0  # a raw table's open group: the age-99 hazard is used
    assert monthly_hazard(q, "x")[100] == monthly_hazard(q, "x")[99]


def test_calendar_of_the_full_run():
    start, end = dt.date(1926, 12, 17), dt.date(1959, 1, 15)
    assert calendar.n_steps(start, end) == 385
    assert calendar.time_point(start, 121) == dt.date(1937, 1, 17)
    assert calendar.time_point_of(start, dt.date(1939, 1, 17)) == 145
    assert calendar.month_index(start) == 323
    assert calendar.time_point(dt.date(1927, 1, 31), 1) == dt.date(1927, 2, 28)
    with pytest.raises(DataError, match="start: expected an ISO date YYYY-MM-DD; got '1926-13-01'"):
        calendar.parse_date("1926-13-01", "start")
    with pytest.raises(DataError, match="end date 1926-12-20 must be at least half a month after start date"):
        calendar.n_steps(start, dt.date(1926, 12, 20))


def test_infant_hazards_keep_q0_and_reproduce_a0():
    from purgetoll.sim.hazard import infant_hazards

    q0 = np.array([0.20, 0.12, 0.04])
    a0 = np.array([0.33, 0.35, 0.157])  # Coale-Demeny values for these q0 (male, female, male)
    pieces = infant_hazards(q0, a0)
    assert pieces.shape == (3, 13)
    np.testing.assert_allclose(pieces.sum(-1), -np.log1p(-q0), rtol=1e-12)
    # mean age at death implied by the 13 pieces (deaths at each piece's midpoint)
    edges = np.array([0.0, *np.arange(0.5, 12.0, 1.0), 12.0]) / 12
    surv = np.exp(-np.concatenate([np.zeros((3, 1)), np.cumsum(pieces, -1)], -1))
    deaths = surv[:, :-1] - surv[:, 1:]
    implied = (deaths * (edges[:-1] + edges[1:]) / 2).sum(-1) / deaths.sum(-1)
    np.testing.assert_allclose(implied, a0, atol=0.02)  # coarse pieces against a fine-grid fit
    rate = pieces[:, 1:12]  # the whole-month pieces: hazard falls through the year
    assert np.all(np.diff(rate, axis=-1) < 0)
    flat = infant_hazards(q0, None)
    np.testing.assert_allclose(flat[:, 1:12], np.repeat((-np.log1p(-q0) / 12)[:, None], 11, axis=1))
    with pytest.raises(DataError, match=r"a0 must be in \(0, 0.5\) years; got 0.6..0.6"):
        infant_hazards(np.array([0.2]), np.array([0.6]))
