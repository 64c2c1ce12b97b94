"""Verdict statistics: Student-t intervals over seeds, the verdict rules, and the seeds a verdict needs.

Inputs are per-seed effects (treatment score minus baseline score, in points, paired by seed).
Intervals use the exact Student-t quantile for n - 1 degrees of freedom (``scipy.stats.t.ppf``);
power uses the noncentral t distribution (``scipy.stats.nct``), the standard power of the
one-sample t-test (e.g. Cohen, *Statistical Power Analysis for the Behavioral Sciences*, 1988, ch. 2;
the same computation as R's ``pwr.t.test(type="one.sample")``). Equivalence is Schuirmann's two
one-sided tests (TOST, J. Pharmacokinet. Biopharm. 15(6), 1987): both one-sided tests at alpha 0.05
reject exactly when the 90% interval lies inside [-margin, margin].

Everything here is a pure function of its arguments; nothing reads files or draws random numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from numbers import Integral, Real

from scipy import stats

LEVEL = 0.95
ALPHA = 0.05
POWER = 0.8
MAX_SEEDS = 1000
DIRECTIONS = ("treatment_better", "treatment_worse")

VERDICT_RULES = """\
Each verdict reads the per-seed effects (treatment - baseline, in points, paired by seed) and their
Student-t interval (exact t quantile, n - 1 degrees of freedom).

- **Claim** (a reported effect R with a tolerance T):
  1. fewer than 2 seeds: `inconclusive` (no interval);
  2. the 95% interval excludes 0 on the side opposite to the sign of R: `contradicted`;
  3. the 95% interval contains 0: `inconclusive` (the sign is not established), whatever the mean;
  4. otherwise (sign established, same as R): the mean, rounded to the decimals R was written with
     (or T's, if T has more), inside R ± T, boundary included: `reproduced`; |mean| below |R| - T:
     `weaker`; above |R| + T: `stronger`. `weaker` and `stronger` exist only for effects of R's sign.
- **Direction hypothesis** (`treatment_better` / `treatment_worse`): the 95% interval excludes 0 on
  the expected side: `supported`; on the other side: `contradicted`; otherwise (or fewer than 2
  seeds): `inconclusive`.
- **No-difference hypothesis** (a margin M > 0): two one-sided tests at alpha 0.05, i.e. the 90%
  interval inside [-M, M]: `supported`; else the 95% interval excludes 0: `contradicted`; otherwise
  (or fewer than 2 seeds): `inconclusive`. A wide interval that contains 0 is never `supported`.
- **Seeds needed** (every verdict): the smallest number of seeds n >= 2 at which the 95% interval
  would exclude 0 on the effect's side with 80% power (one-sided t-test at alpha 0.025, n - 1
  degrees of freedom, noncentral t), with the measured per-seed SD; evaluated at the reported
  effect for claims, at the measured mean for direction hypotheses, at the margin for no-difference
  hypotheses; none when the SD is 0 or unknown, or when more than 1000 seeds would be needed.
"""


@cache
def _t_ppf(probability: float, df: float) -> float:
    return float(stats.t.ppf(probability, df))


@cache
def _norm_ppf(probability: float) -> float:
    return float(stats.norm.ppf(probability))


def t_quantile(df: float, level: float = LEVEL) -> float:
    """Two-sided Student-t critical value: the (1 + level) / 2 quantile, exact for any df (cached).

    Args:
        df: degrees of freedom, a positive number (n - 1 for n seeds).
        level: two-sided confidence level in (0, 1).

    Returns:
        The quantile, e.g. 4.302652729749... for df=2 and level 0.95.
    """
    if not (_is_number(df) and math.isfinite(df) and df > 0):
        raise ValueError(f"df must be a positive finite number, got {df!r}")
    _check_probability("level", level)
    return _t_ppf((1 + level) / 2, float(df))


@dataclass(frozen=True)
class Interval:
    """Mean of per-seed values with its Student-t interval; bounds are NaN below 2 values."""

    n: int
    mean: float
    sd: float
    stderr: float
    low: float
    high: float
    level: float

    @property
    def sign(self) -> int:
        """+1 if the interval lies above 0, -1 if below, 0 if it contains 0 or is undefined."""
        if self.low > 0:
            return 1
        if self.high < 0:
            return -1
        return 0

    def describe(self) -> str:
        """Short text such as '95% CI [+0.52, +1.96] over 3 seeds'."""
        seeds = f"{self.n} seed" + ("" if self.n == 1 else "s")
        if self.n < 2:
            return f"no interval from {seeds}"
        return f"{self.level:.0%} CI [{self.low:+.2f}, {self.high:+.2f}] over {seeds}"


def interval(values: Sequence[float], level: float = LEVEL) -> Interval:
    """Mean, sample SD, standard error and the two-sided Student-t interval of per-seed values.

    Args:
        values: finite numbers (per-seed effects in points); fewer than 2 give NaN sd and bounds.
        level: two-sided confidence level in (0, 1).

    Returns:
        An Interval; with one value the mean is that value and sd, stderr, low, high are NaN.
    """
    _check_probability("level", level)
    numbers = [float(v) for v in values]
    if not all(math.isfinite(v) for v in numbers):
        raise ValueError(f"values must be finite numbers, got {list(values)!r}")
    n = len(numbers)
    nan = float("nan")
    if n == 0:
        return Interval(0, nan, nan, nan, nan, nan, level)
    mean = math.fsum(numbers) / n
    if n == 1:
        return Interval(1, mean, nan, nan, nan, nan, level)
    sd = math.sqrt(math.fsum((v - mean) ** 2 for v in numbers) / (n - 1))
    stderr = sd / math.sqrt(n)
    half = t_quantile(n - 1, level) * stderr
    return Interval(n, mean, sd, stderr, mean - half, mean + half, level)


def decimals(value: float) -> int:
    """How many decimals a reported number was written with, read from its shortest repr.

    2.1 -> 1, 7.0 -> 1 (a float written '7.0'), 8 -> 0 (an int), 1e-05 -> 5, 1e+16 -> 0.
    """
    if not _is_number(value):
        raise ValueError(f"expected an int or float, got {value!r}")
    if isinstance(value, Integral):
        return 0
    if not math.isfinite(value):
        raise ValueError(f"expected a finite number, got {value!r}")
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    assert isinstance(exponent, int)  # finite, so never 'n'/'N'/'F'
    return max(0, -exponent)


@dataclass(frozen=True)
class Verdict:
    """A verdict with its reason, the 95% interval it rests on, and the seeds a clear answer needs.

    ``seeds_needed_basis`` says which effect and SD ``seeds_needed`` was computed at.
    """

    verdict: str
    reason: str
    interval: Interval
    seeds_needed: int | None
    seeds_needed_basis: str


def judge_claim(effects: Sequence[float], reported: float, tolerance: float) -> Verdict:
    """Verdict on a claim with a reported effect, from per-seed effects.

    Rules, in order:

    1. fewer than 2 seeds -> "inconclusive";
    2. the 95% interval excludes 0 on the side opposite to the reported sign -> "contradicted";
    3. the interval contains 0 -> "inconclusive" (the sign is not established), whatever the mean;
    4. otherwise (sign established, same as reported): mean rounded to the reported number's
       decimals within reported ± tolerance (boundary included, compared after rounding both sides
       to those decimals, so 2.1 - 1.0 vs a mean of 1.1 is inside) -> "reproduced"; |mean| below
       |reported| - tolerance -> "weaker"; above |reported| + tolerance -> "stronger". weaker/stronger
       exist only for effects of the reported sign.

    "Those decimals" are the reported number's, or the tolerance's when it was written with more
    (2.1 ± 0.25 compares at 2 decimals), so the bounds reported ± tolerance are exact and are never
    rounded themselves. The bounds are computed in decimal arithmetic from the numbers as written.

    Args:
        effects: per-seed effects in points (treatment - baseline, paired by seed).
        reported: the paper's effect in points, non-zero (a zero effect is a no-difference hypothesis).
        tolerance: allowed distance from ``reported`` in points, >= 0.

    Returns:
        The Verdict; seeds_needed is evaluated at the reported effect with the measured SD.
    """
    if not (_is_number(reported) and math.isfinite(reported) and reported != 0):
        raise ValueError(f"reported must be a finite non-zero number (a zero effect is a no_difference "
                         f"hypothesis), got {reported!r}")
    if not (_is_number(tolerance) and math.isfinite(tolerance) and tolerance >= 0):
        raise ValueError(f"tolerance must be a finite number >= 0, got {tolerance!r}")
    ci = interval(effects)
    needed = seeds_needed(ci.sd, reported)
    basis = (f"80% power for the 95% CI to exclude 0 if the true effect were the reported {reported:+}, "
             f"with the measured per-seed SD {_fmt_sd(ci.sd)}")
    place = max(decimals(reported), decimals(tolerance))
    sign = 1 if reported > 0 else -1
    written = f"{reported:+} ± {tolerance}"

    def verdict(name: str, reason: str) -> Verdict:
        return Verdict(name, _sentence(reason), ci, needed, basis)

    if ci.n < 2:
        return verdict("inconclusive", f"{ci.describe()}: the sign of the mean {ci.mean:+.2f} is not "
                                       f"established (reported {written}).")
    if ci.sign == -sign:
        return verdict("contradicted", f"the {ci.describe()} excludes 0 on the side opposite to the "
                                       f"reported {reported:+} (mean {ci.mean:+.2f}).")
    if ci.sign == 0:
        return verdict("inconclusive", f"the {ci.describe()} contains 0, so the sign is not established "
                                       f"(mean {ci.mean:+.2f}, reported {written}).")
    # Compare magnitudes on the reported side, in decimal, after rounding the mean as the paper would.
    rounded = Decimal(repr(round(ci.mean, place)))
    size = sign * rounded
    smallest = abs(Decimal(repr(float(reported)))) - Decimal(repr(float(tolerance)))
    largest = abs(Decimal(repr(float(reported)))) + Decimal(repr(float(tolerance)))
    shown = f"the mean {ci.mean:+.2f} (rounded as reported: {rounded:+f})"
    if smallest <= size <= largest:
        return verdict("reproduced", f"{shown} is within the reported {written} and the {ci.describe()} "
                                     f"excludes 0 on the reported side.")
    if size < smallest:
        return verdict("weaker", f"{shown} has the reported sign (the {ci.describe()} excludes 0) but is "
                                 f"smaller in size than the reported {written} allows.")
    return verdict("stronger", f"{shown} has the reported sign (the {ci.describe()} excludes 0) but is "
                               f"larger in size than the reported {written} allows.")


def judge_direction(effects: Sequence[float], expected: str) -> Verdict:
    """Verdict on a direction hypothesis from per-seed effects.

    The 95% interval excludes 0 on the expected side -> "supported"; on the other side ->
    "contradicted"; otherwise (it contains 0, or there are fewer than 2 seeds) -> "inconclusive".

    Args:
        effects: per-seed effects in points (treatment - baseline, paired by seed).
        expected: "treatment_better" (effect > 0) or "treatment_worse" (effect < 0).

    Returns:
        The Verdict; seeds_needed is evaluated at the measured mean (no effect is reported).
    """
    if expected not in DIRECTIONS:
        raise ValueError(f"expected must be one of {DIRECTIONS}, got {expected!r}")
    want = 1 if expected == "treatment_better" else -1
    ci = interval(effects)
    needed = seeds_needed(ci.sd, ci.mean) if ci.n >= 2 else None
    basis = (f"80% power for the 95% CI to exclude 0 if the true effect were the measured mean "
             f"{ci.mean:+.2f} (no effect is reported), with the measured per-seed SD {_fmt_sd(ci.sd)}")
    wanted = expected.replace("_", " ")
    if ci.n >= 2 and ci.sign == want:
        name, reason = "supported", f"the {ci.describe()} excludes 0 on the side of {wanted}"
    elif ci.n >= 2 and ci.sign == -want:
        name, reason = "contradicted", f"the {ci.describe()} excludes 0 on the side opposite to {wanted}"
    elif ci.n < 2:
        name, reason = "inconclusive", f"{ci.describe()}: the sign is not established"
    else:
        name, reason = "inconclusive", f"the {ci.describe()} contains 0, so the sign is not established"
    return Verdict(name, _sentence(f"{reason} (mean {ci.mean:+.2f})."), ci, needed, basis)


def judge_equivalence(effects: Sequence[float], margin: float) -> Verdict:
    """Verdict on a no-difference hypothesis: two one-sided tests (TOST) at alpha 0.05.

    The 90% interval inside [-margin, margin] (boundary included) -> "supported"; else the 95%
    interval excludes 0 -> "contradicted"; otherwise (or fewer than 2 seeds) -> "inconclusive".
    An interval that contains 0 but reaches beyond the margin is never "supported".

    Args:
        effects: per-seed effects in points (treatment - baseline, paired by seed).
        margin: the largest effect in points that counts as no difference, > 0.

    Returns:
        The Verdict with the 95% interval (the reason also gives the 90% one); seeds_needed is
        evaluated at an effect the size of the margin.
    """
    if not (_is_number(margin) and math.isfinite(margin) and margin > 0):
        raise ValueError(f"margin must be a finite number > 0, got {margin!r}")
    ci = interval(effects)
    needed = seeds_needed(ci.sd, margin)
    basis = (f"80% power for the 95% CI to exclude 0 if the true effect were the margin {margin}, "
             f"with the measured per-seed SD {_fmt_sd(ci.sd)}")
    if ci.n < 2:
        return Verdict("inconclusive", _sentence(f"{ci.describe()}: nothing to test against the margin ±{margin} "
                                       f"(mean {ci.mean:+.2f})."), ci, needed, basis)
    tost = interval(effects, level=1 - 2 * ALPHA)
    if -margin <= tost.low and tost.high <= margin:
        name, reason = "supported", f"the {tost.describe()} lies inside ±{margin}"
    elif ci.sign != 0:
        name, reason = "contradicted", (f"the {tost.describe()} reaches beyond ±{margin} and the "
                                        f"{ci.describe()} excludes 0")
    else:
        name, reason = "inconclusive", (f"the {tost.describe()} reaches beyond ±{margin} and the "
                                        f"{ci.describe()} contains 0")
    return Verdict(name, _sentence(f"{reason} (mean {ci.mean:+.2f})."), ci, needed, basis)


def power(sd: float, effect: float, n: int, alpha: float = ALPHA) -> float:
    """Probability that the two-sided (1 - alpha) interval excludes 0 on the true effect's side.

    That is the one-sided t-test at alpha / 2 with n - 1 degrees of freedom, against a true mean
    ``effect`` with per-seed SD ``sd``: P(T' > t_{1 - alpha/2, n-1}) for T' noncentral t with
    noncentrality |effect| * sqrt(n) / sd. With effect 0 it is alpha / 2.

    Args:
        sd: per-seed standard deviation of the effect, > 0.
        effect: the true mean effect (its sign does not matter).
        n: number of seeds, >= 2.
        alpha: two-sided significance level in (0, 1).
    """
    if not (_is_number(sd) and math.isfinite(sd) and sd > 0):
        raise ValueError(f"sd must be a finite number > 0, got {sd!r}")
    if not (_is_number(effect) and math.isfinite(effect)):
        raise ValueError(f"effect must be a finite number, got {effect!r}")
    if isinstance(n, bool) or not isinstance(n, Integral) or n < 2:
        raise ValueError(f"n must be an integer >= 2 (seeds), got {n!r}")
    _check_probability("alpha", alpha)
    return _detection_power(sd, effect, int(n), alpha)


def seeds_needed(sd: float, effect: float, alpha: float = ALPHA, power: float = POWER,
                 max_seeds: int = MAX_SEEDS) -> int | None:
    """Smallest number of seeds n >= 2 at which ``power()`` reaches the target.

    Args:
        sd: per-seed standard deviation of the effect (measured); 0 or NaN gives None.
        effect: the true effect to detect; 0 or NaN gives None.
        alpha: two-sided significance level of the interval in (0, 1).
        power: target probability in (0, 1) that the interval excludes 0 on the effect's side.
        max_seeds: the largest n considered, >= 2.

    Returns:
        The number of seeds, or None when sd is 0 or NaN, effect is 0 or NaN, or max_seeds is not
        enough.
    """
    _check_probability("alpha", alpha)
    _check_probability("power", power)
    if isinstance(max_seeds, bool) or not isinstance(max_seeds, Integral) or max_seeds < 2:
        raise ValueError(f"max_seeds must be an integer >= 2, got {max_seeds!r}")
    if not _is_number(sd) or sd < 0 or math.isinf(sd):
        raise ValueError(f"sd must be a finite number >= 0 or NaN, got {sd!r}")
    if not _is_number(effect) or math.isinf(effect):
        raise ValueError(f"effect must be a finite number or NaN, got {effect!r}")
    if math.isnan(sd) or sd == 0 or math.isnan(effect) or effect == 0:
        return None

    def reaches(n: int) -> bool:
        return _detection_power(sd, effect, n, alpha) >= power

    # Start at the known-SD (normal) sample size plus Guenther's (1981) correction z_{1-alpha/2}^2 / 2,
    # usually the answer or one off, so two power evaluations typically settle it.
    z_alpha = _norm_ppf(1 - alpha / 2)
    normal_n = ((z_alpha + _norm_ppf(power)) * sd / abs(effect)) ** 2
    guess = min(max(2, math.ceil(normal_n + z_alpha**2 / 2)), int(max_seeds))
    # Gallop from the guess to bracket the answer (fail_at fails, pass_at passes; 1 counts as failing),
    # then bisect; power grows with n, so the first passing n is unique.
    if reaches(guess):
        fail_at, pass_at, step = guess - 1, guess, 1
        while fail_at >= 2 and reaches(fail_at):
            pass_at, step = fail_at, step * 2
            fail_at = max(1, pass_at - step)
        fail_at = max(fail_at, 1)
    else:
        fail_at, step = guess, 1
        while True:
            candidate = min(fail_at + step, int(max_seeds))
            if candidate == fail_at:
                return None
            if reaches(candidate):
                pass_at = candidate
                break
            fail_at, step = candidate, step * 2
    while pass_at - fail_at > 1:
        middle = (pass_at + fail_at) // 2
        if reaches(middle):
            pass_at = middle
        else:
            fail_at = middle
    return pass_at


def _detection_power(sd: float, effect: float, n: int, alpha: float) -> float:
    df = n - 1
    critical = _t_ppf(1 - alpha / 2, float(df))
    noncentrality = abs(effect) * math.sqrt(n) / sd
    return float(stats.nct.sf(critical, df, noncentrality))


def _is_number(value: object) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool)


def _check_probability(name: str, value: float) -> None:
    if not (_is_number(value) and 0 < value < 1):
        raise ValueError(f"{name} must be a number strictly between 0 and 1, got {value!r}")


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _fmt_sd(sd: float) -> str:
    return "unknown (fewer than 2 seeds)" if math.isnan(sd) else f"{sd:.2f}"
