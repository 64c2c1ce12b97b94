"""Verdict statistics: hand-computed cases for every rule, and a seeded simulation of error rates.

Golden values and where they come from:
- t quantiles: closed forms. df=1 is the Cauchy quantile tan(pi (p - 1/2)); df=2 has
  t_p = (2p - 1) / sqrt(2 p (1 - p)). So t_{0.975,1} = tan(0.475 pi) = 12.70620473617470,
  t_{0.975,2} = 0.95 / sqrt(0.04875) = 4.302652729749464, t_{0.95,2} = 0.9 / sqrt(0.095) = 2.919985580353726.
- power / seeds needed: the one-sample t-test, cross-checked against statsmodels 0.14
  `TTestPower().power(effect_size=d, nobs=n, alpha=0.025, alternative="larger")` run in a scratch
  environment (not a dependency): d=1: n=9 -> 0.7480155, n=10 -> 0.8030962, so 10 seeds for 80%
  (R pwr.t.test one.sample two-sided gives n = 9.94 -> 10); d=0.5 -> 33.37 -> 34; d=2 -> 4.22 -> 5;
  d=1 at 90% power -> 12.59 -> 13.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from scipy import stats

from repro import statistics as vs
from repro.statistics import (
    VERDICT_RULES,
    decimals,
    interval,
    judge_claim,
    judge_direction,
    judge_equivalence,
    power,
    seeds_needed,
    t_quantile,
)

T975_DF2 = 0.95 / math.sqrt(2 * 0.975 * 0.025)  # 4.302652729749464
T95_DF2 = 0.9 / math.sqrt(2 * 0.95 * 0.05)  # 2.919985580353726


# ---------------------------------------------------------------- t quantiles and intervals

def test_t_quantile_matches_closed_forms():
    assert t_quantile(1) == pytest.approx(math.tan(math.pi * 0.475), rel=1e-12)
    assert t_quantile(2) == pytest.approx(4.302652729749464, rel=1e-12)
    assert t_quantile(2) == pytest.approx(T975_DF2, rel=1e-12)
    assert t_quantile(2, level=0.90) == pytest.approx(T95_DF2, rel=1e-12)
    # Printed tables give 2.042 at 30 df; far beyond 30 df it tends to the normal 1.959964, not at 31.
    assert t_quantile(30) == pytest.approx(2.042, abs=5e-4)
    assert t_quantile(31) > 2.03
    assert t_quantile(10**7) == pytest.approx(1.959963984540054, abs=1e-6)


def test_t_quantile_is_cached_and_rejects_bad_df():
    t_quantile(7)
    hits = vs._t_ppf.cache_info().hits
    t_quantile(7)
    assert vs._t_ppf.cache_info().hits == hits + 1
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="df must be"):
            t_quantile(bad)
    with pytest.raises(ValueError, match="level must be"):
        t_quantile(3, level=95)


def test_interval_of_three_values():
    ci = interval([1.0, 2.0, 3.0])
    # mean 2, sd 1, stderr 1/sqrt(3), half-width 4.302652729749464 / sqrt(3) = 2.484137711750330
    assert (ci.n, ci.mean, ci.sd, ci.level) == (3, 2.0, 1.0, 0.95)
    assert ci.stderr == pytest.approx(1 / math.sqrt(3), rel=1e-12)
    assert ci.low == pytest.approx(2 - 2.484137711750330, rel=1e-12)
    assert ci.high == pytest.approx(2 + 2.484137711750330, rel=1e-12)
    assert ci.sign == 0


def test_interval_of_two_values_and_other_levels():
    ci = interval([0.0, 2.0])  # mean 1, sd sqrt(2), stderr 1, half-width t_{0.975,1}
    assert ci.low == pytest.approx(1 - 12.706204736174696, rel=1e-12)
    assert ci.high == pytest.approx(1 + 12.706204736174696, rel=1e-12)
    ci90 = interval([1.0, 2.0, 3.0], level=0.90)
    assert ci90.high - ci90.mean == pytest.approx(T95_DF2 / math.sqrt(3), rel=1e-12)


def test_one_value_gives_no_interval():
    ci = interval([1.7])
    assert ci.n == 1 and ci.mean == 1.7
    assert all(math.isnan(x) for x in (ci.sd, ci.stderr, ci.low, ci.high))
    assert ci.sign == 0
    assert interval([]).n == 0


def test_interval_is_frozen_and_checks_input():
    with pytest.raises(dataclasses.FrozenInstanceError):
        interval([1.0, 2.0]).mean = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError, match="finite"):
        interval([1.0, float("nan")])
    with pytest.raises(ValueError, match="level must be"):
        interval([1.0, 2.0], level=1.0)


# ---------------------------------------------------------------- decimals

@pytest.mark.parametrize("value, places", [(2.1, 1), (7.0, 1), (8, 0), (8.25, 2), (-2.1, 1), (1e-05, 5),
                                           (1e16, 0), (np.float64(1.5), 1), (np.int64(3), 0)])
def test_decimals_reads_the_shortest_repr(value, places):
    assert decimals(value) == places


@pytest.mark.parametrize("bad", [True, "2.1", float("nan"), float("inf"), None])
def test_decimals_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match="expected"):
        decimals(bad)


# ---------------------------------------------------------------- claims

def test_claim_with_fewer_than_two_seeds_is_inconclusive():
    for effects in ([2.1], []):
        verdict = judge_claim(effects, 2.1, 1.0)
        assert verdict.verdict == "inconclusive"
        assert verdict.seeds_needed is None


def test_claim_of_opposite_sign_is_contradicted_never_weaker():
    # mean -1, sd 0.1, half-width 4.3027 * 0.1 / sqrt(3) = 0.248: interval [-1.25, -0.75] lies below 0
    verdict = judge_claim([-1.0, -1.1, -0.9], 2.1, 1.0)
    assert verdict.verdict == "contradicted"
    assert "[-1.25, -0.75]" in verdict.reason and "+2.1" in verdict.reason


def test_claim_of_opposite_sign_is_contradicted_never_stronger():
    # a large positive effect against a reported -0.5 is far outside -0.5 ± 0.2 in size, but of the other sign
    assert judge_claim([3.0, 3.1, 2.9], -0.5, 0.2).verdict == "contradicted"


def test_claim_whose_interval_contains_zero_is_inconclusive_even_at_the_reported_mean():
    # mean exactly 2.1, but 2 seeds 4 apart: interval 2.1 ± 12.706 * 2 contains 0
    verdict = judge_claim([0.1, 4.1], 2.1, 1.0)
    assert verdict.interval.mean == pytest.approx(2.1)
    assert verdict.verdict == "inconclusive"
    assert "contains 0" in verdict.reason


def test_claim_exactly_at_the_lower_bound_is_reproduced_despite_float_noise():
    effects = [1.05, 1.1, 1.15]  # interval 1.1 ± 0.124 excludes 0
    # the float mean is 1.0999999999999999, so |mean - 2.1| exceeds 1.0 by float noise alone
    assert abs(interval(effects).mean - 2.1) > 1.0
    verdict = judge_claim(effects, 2.1, 1.0)
    assert verdict.verdict == "reproduced"
    assert "+2.1 ± 1.0" in verdict.reason and "+1.1" in verdict.reason


@pytest.mark.parametrize("effects, expected", [
    ([1.01, 1.06, 1.11], "reproduced"),  # mean 1.06 is 1.1 as written to one decimal: on the bound
    ([0.99, 1.04, 1.09], "weaker"),  # 1.04 -> 1.0, below 1.1
    ([3.05, 3.10, 3.15], "reproduced"),  # upper bound 3.1 exactly
    ([3.09, 3.14, 3.19], "reproduced"),  # 3.14 -> 3.1
    ([3.11, 3.16, 3.21], "stronger"),  # 3.16 -> 3.2, above 3.1
    ([2.05, 2.10, 2.15], "reproduced"),
])
def test_claim_bounds_compare_after_rounding(effects, expected):
    assert judge_claim(effects, 2.1, 1.0).verdict == expected


@pytest.mark.parametrize("effects, expected", [
    ([-1.05, -1.1, -1.15], "reproduced"),  # |mean| 1.1 = |-2.1| - 1.0
    ([-0.95, -1.0, -1.05], "weaker"),  # |mean| 1.0 < 1.1
    ([-3.15, -3.2, -3.25], "stronger"),  # |mean| 3.2 > 3.1
])
def test_claim_with_negative_reported_effect(effects, expected):
    assert judge_claim(effects, -2.1, 1.0).verdict == expected


def test_claim_uses_the_decimals_of_reported_and_tolerance():
    # 7.0 ± 1.5: bounds 5.5 and 8.5 at one decimal; 5.54 -> 5.5 inside, 5.44 -> 5.4 outside
    assert judge_claim([5.49, 5.54, 5.59], 7.0, 1.5).verdict == "reproduced"
    assert judge_claim([5.39, 5.44, 5.49], 7.0, 1.5).verdict == "weaker"
    # an int 8 ± 1: whole points; 6.6 -> 7 inside, 6.4 -> 6 outside
    assert judge_claim([6.5, 6.6, 6.7], 8, 1).verdict == "reproduced"
    assert judge_claim([6.3, 6.4, 6.5], 8, 1).verdict == "weaker"
    # 2.1 ± 0.25 compares at two decimals (the tolerance's), so the bound 1.85 is never rounded itself
    assert judge_claim([1.84, 1.85, 1.86], 2.1, 0.25).verdict == "reproduced"
    assert judge_claim([1.83, 1.84, 1.85], 2.1, 0.25).verdict == "weaker"


def test_claim_with_identical_seeds_has_a_point_interval_and_no_seeds_needed():
    verdict = judge_claim([1.5, 1.5, 1.5], 2.1, 1.0)
    assert verdict.verdict == "reproduced"
    assert verdict.interval.low == verdict.interval.high == 1.5
    assert verdict.seeds_needed is None


def test_claim_reports_seeds_needed_at_the_reported_effect():
    # measured sd 1; reported 1.0 -> d = 1 -> 10 seeds (see module docstring)
    verdict = judge_claim([1.0, 2.0, 3.0], 1.0, 0.5)
    assert verdict.seeds_needed == 10
    assert "reported +1.0" in verdict.seeds_needed_basis and "SD 1.00" in verdict.seeds_needed_basis


@pytest.mark.parametrize("reported, tolerance", [(0.0, 1.0), (float("nan"), 1.0), (2.1, -0.1),
                                                 (2.1, float("inf")), ("2.1", 1.0)])
def test_claim_rejects_bad_reported_or_tolerance(reported, tolerance):
    with pytest.raises(ValueError, match="reported must|tolerance must"):
        judge_claim([1.0, 2.0], reported, tolerance)


# ---------------------------------------------------------------- direction hypotheses

def test_direction_supported_contradicted_inconclusive():
    # [2, 3, 4]: mean 3, interval 3 ± 2.484 = [0.516, 5.484] lies above 0
    assert judge_direction([2.0, 3.0, 4.0], "treatment_better").verdict == "supported"
    assert judge_direction([2.0, 3.0, 4.0], "treatment_worse").verdict == "contradicted"
    assert judge_direction([-2.0, -3.0, -4.0], "treatment_worse").verdict == "supported"
    # [1, 2, 3]: [-0.484, 4.484] contains 0
    inconclusive = judge_direction([1.0, 2.0, 3.0], "treatment_better")
    assert inconclusive.verdict == "inconclusive" and "[-0.48, +4.48]" in inconclusive.reason
    assert judge_direction([5.0], "treatment_better").verdict == "inconclusive"


def test_direction_reports_seeds_needed_at_the_measured_mean():
    # measured mean 2, sd 1 -> d = 2 -> 5 seeds (see module docstring)
    verdict = judge_direction([1.0, 2.0, 3.0], "treatment_better")
    assert verdict.seeds_needed == 5
    assert "measured mean +2.00" in verdict.seeds_needed_basis


def test_direction_rejects_unknown_expectation():
    with pytest.raises(ValueError, match="treatment_better"):
        judge_direction([1.0, 2.0], "no_difference")


# ---------------------------------------------------------------- no-difference hypotheses

def test_equivalence_supported_when_the_90_interval_is_inside_the_margin():
    # mean 0, sd 0.1: 90% interval ± 2.91999 * 0.1 / sqrt(3) = ± 0.1686, inside ± 0.5
    verdict = judge_equivalence([-0.1, 0.0, 0.1], 0.5)
    assert verdict.verdict == "supported"
    assert "90% CI [-0.17, +0.17]" in verdict.reason


def test_equivalence_is_never_supported_by_a_wide_interval_containing_zero():
    # mean 0, sd 5: the 95% interval contains 0 but reaches far beyond ± 1
    verdict = judge_equivalence([-5.0, 0.0, 5.0], 1.0)
    assert verdict.interval.sign == 0
    assert verdict.verdict == "inconclusive"


def test_equivalence_contradicted_when_a_difference_beyond_the_margin_is_shown():
    # [2, 3, 4]: 90% interval [1.31, 4.69] beyond 1; 95% interval [0.52, 5.48] excludes 0
    assert judge_equivalence([2.0, 3.0, 4.0], 1.0).verdict == "contradicted"


def test_equivalence_of_a_small_but_nonzero_effect_is_supported():
    # the 95% interval [0.075, 0.125] excludes 0, yet the whole 90% interval is inside ± 1: TOST says equivalent
    assert judge_equivalence([0.09, 0.10, 0.11], 1.0).verdict == "supported"


def test_equivalence_boundary_is_included():
    # identical seeds at the margin: 90% interval [1, 1], its upper end equals the margin
    assert judge_equivalence([1.0, 1.0], 1.0).verdict == "supported"
    assert judge_equivalence([1.0], 1.0).verdict == "inconclusive"


def test_equivalence_reports_seeds_needed_at_the_margin_and_checks_it():
    verdict = judge_equivalence([-1.0, 0.0, 1.0], 1.0)  # sd 1, margin 1 -> d = 1 -> 10 seeds
    assert verdict.verdict == "inconclusive"
    assert verdict.seeds_needed == 10 and "margin 1.0" in verdict.seeds_needed_basis
    for bad in (0.0, -1.0, float("nan")):
        with pytest.raises(ValueError, match="margin must"):
            judge_equivalence([1.0, 2.0], bad)


# ---------------------------------------------------------------- power and seeds needed

def test_power_golden_values():
    assert power(1.0, 1.0, 9) == pytest.approx(0.7480155, abs=1e-6)
    assert power(1.0, 1.0, 10) == pytest.approx(0.8030962, abs=1e-6)
    assert power(1.0, -1.0, 10) == power(1.0, 1.0, 10)
    for n in (2, 3, 10):
        assert power(1.0, 0.0, n) == pytest.approx(0.025, abs=1e-12)  # alpha / 2 under the null
    # many seeds: close to the known-SD power Phi(sqrt(1000) * 0.1 - 1.96) = Phi(1.20) = 0.885
    assert power(1.0, 0.1, 1000) == pytest.approx(0.885, abs=0.005)


def test_power_rejects_bad_input():
    for args in ((0.0, 1.0, 5), (1.0, 1.0, 1), (1.0, float("nan"), 5), (1.0, 1.0, 2.5)):
        with pytest.raises(ValueError):
            power(*args)


def test_seeds_needed_golden_values():
    assert seeds_needed(1.0, 1.0) == 10
    assert seeds_needed(1.0, -1.0) == 10
    assert seeds_needed(1.0, 0.5) == 34
    assert seeds_needed(2.0, 1.0) == 34  # only the ratio matters
    assert seeds_needed(1.0, 2.0) == 5
    assert seeds_needed(1.0, 1.0, power=0.9) == 13
    assert seeds_needed(1.0, 100.0) == 2  # never fewer than 2


def test_seeds_needed_none_cases():
    assert seeds_needed(0.0, 1.0) is None
    assert seeds_needed(float("nan"), 1.0) is None
    assert seeds_needed(1.0, 0.0) is None
    assert seeds_needed(1.0, 0.5, max_seeds=33) is None
    assert seeds_needed(1.0, 0.5, max_seeds=34) == 34
    with pytest.raises(ValueError, match="max_seeds"):
        seeds_needed(1.0, 1.0, max_seeds=1)


@pytest.mark.parametrize("sd, effect", [(0.3, 0.1), (1.0, 0.3), (1.5, 2.1), (3.0, 1.0), (10.0, 2.1), (0.5, 2.1)])
def test_seeds_needed_is_the_first_n_reaching_the_power(sd, effect):
    n = seeds_needed(sd, effect)
    assert n is not None and power(sd, effect, n) >= 0.8
    assert n == 2 or power(sd, effect, n - 1) < 0.8


def test_verdict_rules_text_names_every_verdict_and_threshold():
    for word in ("reproduced", "weaker", "stronger", "contradicted", "inconclusive", "supported",
                 "90%", "95%", "80%", "alpha 0.05", "[-M, M]", "R ± T"):
        assert word in VERDICT_RULES


# ---------------------------------------------------------------- simulation of error rates and power

TRIALS = 4000
SEEDS = (2, 3, 5)
# Each rate is a binomial count over TRIALS independent draws. A bound is the binomial quantile at
# which a correct implementation fails with probability below 1e-4 (per assertion; ~20 assertions,
# so below 0.2% for any seed). At TRIALS = 4000 the one-sided 5% bound is 0.063 (about 3.9 standard
# errors of 0.0034) and the two-sided band around 5% is [0.037, 0.064]: tight enough to catch e.g. the
# normal 1.96 used at 2 seeds, where the null interval excludes 0 in 1 - (2/pi) atan(1.96) = 30% of draws.
FAIL_PROBABILITY = 1e-4


def _at_most(rate: float) -> float:
    return float(stats.binom.ppf(1 - FAIL_PROBABILITY, TRIALS, rate)) / TRIALS


def _around(rate: float) -> tuple[float, float]:
    low, high = stats.binom.interval(1 - FAIL_PROBABILITY, TRIALS, rate)
    return float(low) / TRIALS, float(high) / TRIALS


def _draws(rng: np.random.Generator, mean: float, sd: float, n: int) -> list[list[float]]:
    return rng.normal(mean, sd, size=(TRIALS, n)).tolist()


def test_simulated_error_rates_and_power(capsys):
    rng = np.random.default_rng(20240611)
    rows = []
    for n in SEEDS:
        # Null claims: true effect 0, sd 1, reported 2.1 ± 1.0, and the direction treatment_better.
        reproduced = contradicted = supported = 0
        for effects in _draws(rng, 0.0, 1.0, n):
            claim = judge_claim(effects, 2.1, 1.0)
            reproduced += claim.verdict == "reproduced"
            contradicted += claim.verdict == "contradicted"
            assert claim.verdict not in ("weaker", "stronger") or claim.interval.sign == 1
            supported += judge_direction(effects, "treatment_better").verdict == "supported"
        # Equivalence at the margin (true effect = margin 1), sd 1 and sd 0.25; and at 0 with sd 0.25.
        tost_wide = tost_tight = tost_true = 0
        for effects in _draws(rng, 1.0, 1.0, n):
            tost_wide += judge_equivalence(effects, 1.0).verdict == "supported"
        for effects in _draws(rng, 1.0, 0.25, n):
            tost_tight += judge_equivalence(effects, 1.0).verdict == "supported"
        for effects in _draws(rng, 0.0, 0.25, n):
            tost_true += judge_equivalence(effects, 1.0).verdict == "supported"
        # A true effect of the reported size 2.1 with sd 1.5: detected when the interval excludes 0 above.
        detected = sum(judge_claim(effects, 2.1, 1.0).verdict in ("reproduced", "weaker", "stronger")
                       for effects in _draws(rng, 2.1, 1.5, n))
        rows.append((n, reproduced / TRIALS, supported / TRIALS, (contradicted + supported) / TRIALS,
                     tost_wide / TRIALS, tost_tight / TRIALS, tost_true / TRIALS, detected / TRIALS,
                     power(1.5, 2.1, n)))

    with capsys.disabled():
        print(f"\nsimulated rates over {TRIALS} draws per cell (seeded numpy)")
        print("seeds | null reproduced | null supported | null excl. 0 | TOST@margin sd1 | TOST@margin sd.25 "
              "| TOST@0 sd.25 | detect 2.1 sd1.5 | power()")
        for row in rows:
            print(f"{row[0]:5d} | " + " | ".join(f"{x:.4f}" for x in row[1:]))

    for n, reproduced, supported, excluded, tost_wide, tost_tight, tost_true, detected, predicted in rows:
        assert reproduced <= _at_most(0.05), n  # at most nominal 5% (truly below 2.5%)
        assert supported <= _at_most(0.05), n
        low, high = _around(0.025)  # exact t quantiles: one side exactly 2.5%, both sides 5%
        assert low <= supported <= high, n
        low, high = _around(0.05)
        assert low <= excluded <= high, n
        assert tost_wide <= _at_most(0.05) and tost_tight <= _at_most(0.05), n
        low, high = _around(predicted)
        assert low <= detected <= high, (n, detected, predicted)
        # TOST can say yes: with the truth 0 and a tight interval (5 seeds, sd 0.25) it nearly always does
        assert n != 5 or tost_true > 0.9
