"""How fast GPUs lose value: the yearly decline fitted to the book's rental prices, with its interval.

The book calibrates one figure from data: the yearly fall in the rent of Nvidia's H100
(:func:`calibrated_decline`), a log-linear least-squares fit (:func:`implied_annual_decline`)
with a seeded bootstrap interval (:func:`decline_interval`). Chapter 2 uses it as the fall in the
GPUs' market value, and later chapters as the collateral's drift; :func:`decline_readings` shows
how much it depends on the prices chosen.

Nothing is fitted when the package is imported: :data:`CALIBRATED_ANNUAL_DECLINE` is computed on
first use, and other modules call :func:`calibrated_annual_decline` (cached) at run time.

Declines are fractions per year (0.33 = 33%); dates are decimal years
(:func:`gpu_finance.datasets.decimal_year`).
"""

from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lazy import lazy_constants
from ._validation import Range, check_choice, check_number, check_seed
from .datasets import rental_prices
from .i18n import N_

__all__ = [
    "CALIBRATED_ANNUAL_DECLINE",
    "CALIBRATION_GPU",
    "CALIBRATION_KINDS",
    "PEAK_OBSERVATIONS",
    "BOOTSTRAP_RESAMPLES",
    "DECLINE_CASES",
    "DeclineEstimate",
    "implied_annual_decline",
    "price_trend",
    "calibration_prices",
    "decline_cases",
    "decline_interval",
    "calibrated_decline",
    "decline_readings",
]

#: The GPU in the rental-price data whose history calibrates the yearly value decline.
CALIBRATION_GPU = "H100"

def _check_series(years: object, prices: object) -> tuple[np.ndarray, np.ndarray]:
    t = np.asarray(years, dtype=float)
    p = np.asarray(prices, dtype=float)
    if t.ndim != 1 or p.ndim != 1 or len(t) != len(p):
        raise ValueError(f"years and prices must be 1-D and of equal length (got {t.shape} and {p.shape})")
    if len(t) < 2:
        raise ValueError(f"years has {len(t)} values; at least 2 are needed")
    if not np.all(np.isfinite(t)):
        raise ValueError(f"years={t.tolist()!r} holds values that are not finite numbers")
    if not np.all(np.isfinite(p)) or np.any(p <= 0):
        raise ValueError(f"prices={p.tolist()!r} must all be finite and greater than zero")
    if np.ptp(t) == 0:
        raise ValueError(f"years={t.tolist()!r} are all the same date; a trend needs two dates")
    return t, p


def _log_linear(t: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Least-squares line through (t, ln p): returns (slope per year, intercept at mean t)."""
    centre = t.mean()
    dt = t - centre
    logs = np.log(p)
    slope = float(np.sum(dt * (logs - logs.mean())) / np.sum(dt * dt))
    return slope, float(logs.mean()) - slope * centre


def implied_annual_decline(years, prices, method: str = "log_linear") -> float:
    """The yearly rate at which a price series falls, as a fraction per year.

    ``"log_linear"``
        Fit a straight line to the logarithm of the price against time by least squares; a slope
        ``b`` per year means the price is multiplied by ``exp(b)`` each year, a decline of
        ``1 − exp(b)``. Every observation counts, and no single one decides the answer.
    ``"endpoints"``
        Compare the first and the last observation only:
        ``1 − (p_last / p_first) ** (1 / (t_last − t_first))``.

    A negative result means the price rose. To use the decline as the drift of a continuous-time
    model of the collateral's value, take ``math.log1p(-decline)`` (per year).

    Parameters
    ----------
    years : array-like of float
        When each price was observed, as decimal years (see
        :func:`~gpu_finance.datasets.decimal_year`); at least two distinct dates.
    prices : array-like of float
        The prices, all greater than zero (any currency or unit: only ratios matter).
    method : str
        ``"log_linear"`` or ``"endpoints"``.

    Returns
    -------
    float
        The fraction of the price lost per year (0.3 = 30%).

    Examples
    --------
    A price that halves every year falls 50% a year by either method:

    >>> implied_annual_decline([2020, 2021, 2022], [8.0, 4.0, 2.0])
    0.5
    >>> implied_annual_decline([2020, 2022], [8.0, 2.0], method="endpoints")
    0.5
    """
    t, p = _check_series(years, prices)
    method = check_choice("method", method, ("log_linear", "endpoints"))
    if method == "endpoints":
        order = np.argsort(t, kind="stable")
        first, last = order[0], order[-1]
        slope = math.log(p[last] / p[first]) / (t[last] - t[first])
    else:
        slope, _ = _log_linear(t, p)
    return float(round(-math.expm1(slope), 12))


def price_trend(years, prices, at) -> np.ndarray:
    """The log-linear trend of :func:`implied_annual_decline` evaluated at the dates ``at``.

    Parameters
    ----------
    years, prices : array-like of float
        The observations, as for :func:`implied_annual_decline`.
    at : array-like of float
        Decimal years at which to read the fitted line.

    Returns
    -------
    numpy.ndarray
        Fitted prices, in the unit of ``prices``.

    Examples
    --------
    >>> price_trend([2020, 2021, 2022], [8.0, 4.0, 2.0], [2023]).round(6).tolist()
    [1.0]
    """
    t, p = _check_series(years, prices)
    points = np.asarray(at, dtype=float)
    if not np.all(np.isfinite(points)):
        raise ValueError(f"at={points.tolist()!r} holds values that are not finite numbers")
    slope, intercept = _log_linear(t, p)
    return np.exp(intercept + slope * points)


#: The rows of ``gpu_rental_prices.csv`` that record the 2023 scarcity peak, which
#: ``calibrated_decline(include_peak=False)`` leaves out.
PEAK_OBSERVATIONS: tuple[str, ...] = ("h100-peak",)

#: The kinds of price that enter the calibration: every market rent of the chip, on demand, spot
#: or index, and one-year contracts. Multi-year contracts (which fix a price for years ahead) are
#: left out.
CALIBRATION_KINDS: tuple[str, ...] = ("on-demand", "spot/index", "1-year contract")


def calibration_prices(gpu: str = CALIBRATION_GPU, *, include_peak: bool = True) -> pd.DataFrame:
    """The rental-price rows that :func:`calibrated_decline` fits, in date order.

    Every row of ``gpu`` whose ``price_kind`` is in :data:`CALIBRATION_KINDS`; with
    ``include_peak=False``, without the rows of :data:`PEAK_OBSERVATIONS`.

    Examples
    --------
    >>> len(calibration_prices()) - len(calibration_prices(include_peak=False))
    1
    """
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    prices = rental_prices()
    check_choice("gpu", gpu, tuple(sorted(set(prices["gpu"]))))
    chosen = prices[(prices["gpu"] == gpu) & prices["price_kind"].isin(CALIBRATION_KINDS)]
    if not include_peak:
        chosen = chosen[~chosen["observation_id"].isin(PEAK_OBSERVATIONS)]
    return chosen.reset_index(drop=True)


@dataclass(frozen=True)
class DeclineEstimate:
    """A yearly decline in price, estimated from observations, with an interval around it.

    Attributes
    ----------
    estimate : float
        The fraction lost per year (0.33 = 33%): the log-linear least-squares fit on all the
        observations included (:func:`implied_annual_decline`).
    low, high : float
        The ends of the interval, fractions per year; ``low`` may be negative (prices rising).
    confidence : float
        The interval's nominal coverage, e.g. 0.9.
    n_observations : int
        How many observations the fit used.
    include_peak : bool
        Whether the 2023 scarcity peak was among them.
    method : str
        A sentence saying what the interval is and what it assumes.
    """

    estimate: float
    low: float
    high: float
    confidence: float
    n_observations: int
    include_peak: bool
    method: str


#: The three readings of a calibrated decline, in the order tables show them, with their labels.
DECLINE_CASES: dict[str, str] = {
    "low": N_("Slowest fall (low end)"),
    "estimate": N_("Central estimate"),
    "high": N_("Fastest fall (high end)"),
}


def decline_cases(estimate, low: float, high: float, *, high_closed: bool = True) -> list[tuple[str, float]]:
    """The low end, the estimate and the high end of a calibrated decline, each checked.

    Parameters
    ----------
    estimate : DeclineEstimate
        A calibration with its interval (:func:`calibrated_decline`).
    low, high : float
        The declines the caller's model accepts, fractions per year.
    high_closed : bool
        Whether ``high`` itself is accepted.

    Returns
    -------
    list of (str, float)
        ``(case, decline)`` for the cases of :data:`DECLINE_CASES`, in order.

    Raises
    ------
    ValueError
        If ``estimate`` is not a calibration, or one of its values (named ``estimate.low`` and so
        on) is outside ``[low, high]``.

    Examples
    --------
    >>> decline_cases(DeclineEstimate(0.3, 0.1, 0.5, 0.9, 5, True, "test"), 0.0, 1.0)
    [('low', 0.1), ('estimate', 0.3), ('high', 0.5)]
    """
    if not all(hasattr(estimate, case) for case in DECLINE_CASES):
        raise ValueError(f"estimate={estimate!r} must be a DeclineEstimate (with estimate, low and high)")
    return [(case, check_number(f"estimate.{case}", getattr(estimate, case), low, high, high_closed=high_closed))
            for case in DECLINE_CASES]


#: Bootstrap samples :func:`decline_interval`, :func:`calibrated_decline` and
#: :func:`decline_readings` draw by default (a whole number). Chapter 2 quotes it.
BOOTSTRAP_RESAMPLES: int = 2000


#: The interval's coverage: strictly between 0 and 1.
_CONFIDENCE = Range(0.0, 1.0, low_closed=False, high_closed=False)
#: How many bootstrap samples a caller may ask for.
_RESAMPLES = Range(100, 1_000_000, whole=True)


def _check_bootstrap_seed(seed: object) -> int:
    """The bootstrap's seed, by the rule of :func:`gpu_finance._validation.check_seed` for a number
    (a whole number >= 0), returned as an int. A ``numpy.random.Generator`` is refused here: the
    seed is written into the result and keys the cache of :func:`calibrated_decline`."""
    whole = isinstance(seed, numbers.Integral) and not isinstance(seed, bool)
    if not whole:
        raise ValueError(f"seed={seed!r} is not a whole number")
    try:
        check_seed("seed", seed)
    except ValueError:
        raise ValueError(f"seed={seed!r} is outside [0, inf)") from None
    return int(seed)


def _check_bootstrap(confidence: object, seed: object, n_resamples: object) -> tuple[float, int, int]:
    level = _CONFIDENCE.check("confidence", confidence)
    return level, _check_bootstrap_seed(seed), _RESAMPLES.check("n_resamples", n_resamples)


def decline_interval(
    years,
    prices,
    confidence: float = 0.9,
    *,
    seed: int = 2025,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    include_peak: bool = True,
) -> DeclineEstimate:
    """The log-linear yearly decline of a price series, with a bootstrap interval.

    The estimate is :func:`implied_annual_decline` (``"log_linear"``) on all the observations.
    The interval is a *percentile bootstrap* over the observations: draw ``n_resamples`` samples
    of the (date, price) pairs with replacement, each as large as the data; refit the line to each
    (skipping samples whose dates are all the same, which fix no slope); and take the
    ``(1 − confidence) / 2`` and ``(1 + confidence) / 2`` quantiles of the refitted declines.

    It assumes the observations are independent draws, representative of the market, around a
    log-linear trend that is the right shape. With few observations the interval is wide, and
    its coverage is only approximate: the bootstrap cannot see errors the sample does not show.

    Parameters
    ----------
    years, prices : array-like of float
        The observations, as for :func:`implied_annual_decline` (at least two distinct dates;
        prices greater than zero).
    confidence : float
        The interval's coverage, in (0, 1).
    seed : int
        Seeds ``numpy.random.default_rng``: the same seed gives the same interval.
    n_resamples : int
        Bootstrap samples to draw, a whole number from 100 to 1,000,000.
    include_peak : bool
        Recorded in the result: whether the series holds the 2023 scarcity peak.

    Returns
    -------
    DeclineEstimate

    Examples
    --------
    A price that halves every year: every resample finds the same 50% decline.

    >>> result = decline_interval([2020, 2021, 2022, 2023], [8.0, 4.0, 2.0, 1.0])
    >>> result.estimate, result.low, result.high, result.n_observations
    (0.5, 0.5, 0.5, 4)
    >>> decline_interval([2020, 2021], [2.0, 1.0], confidence=1.0)
    Traceback (most recent call last):
    ...
    ValueError: confidence=1.0 is outside (0, 1)
    """
    t, p = _check_series(years, prices)
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    estimate = implied_annual_decline(t, p)
    rng = np.random.default_rng(seed_)
    n = len(t)
    picks = rng.integers(0, n, size=(count, n))
    ts, logs = t[picks], np.log(p)[picks]
    dt = ts - ts.mean(axis=1, keepdims=True)
    spread = np.sum(dt * dt, axis=1)
    usable = spread > 1e-12 * max(1.0, float(np.ptp(t))) ** 2
    slopes = np.sum(dt[usable] * (logs[usable] - logs[usable].mean(axis=1, keepdims=True)), axis=1) / spread[usable]
    declines = -np.expm1(slopes)
    low, high = np.quantile(declines, [(1 - level) / 2, (1 + level) / 2])
    method = (
        f"A {level:.0%} percentile bootstrap: {count} resamples of the {n} (date, price) observations "
        f"with replacement (seed {seed_}; {count - int(usable.sum())} with a single date skipped), each "
        "refitted by log-linear least squares. It assumes the observations are independent, "
        "representative of the market, and scattered around a log-linear trend of the right shape; "
        "with so few points the interval is wide and its coverage only approximate."
    )
    return DeclineEstimate(
        estimate=float(estimate),
        low=float(round(min(low, estimate), 12)),
        high=float(round(max(high, estimate), 12)),
        confidence=level,
        n_observations=n,
        include_peak=include_peak,
        method=method,
    )


@functools.lru_cache(maxsize=64)
def _calibrated(confidence: float, include_peak: bool, seed: int, n_resamples: int, gpu: str) -> DeclineEstimate:
    chosen = calibration_prices(gpu, include_peak=include_peak)
    return decline_interval(chosen["year_decimal"], chosen["price_usd_per_hour"], confidence,
                            seed=seed, n_resamples=n_resamples, include_peak=include_peak)


def calibrated_decline(
    confidence: float = 0.9,
    *,
    include_peak: bool = True,
    seed: int = 2025,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    gpu: str = CALIBRATION_GPU,
) -> DeclineEstimate:
    """How fast a GPU's rent falls each year, estimated from the book's rental prices, with an interval.

    The observations are every market rent of ``gpu`` in ``gpu_rental_prices.csv``
    (:func:`calibration_prices`): on-demand prices, spot and index prices, and one-year contracts,
    mixed. One kind alone is too few points over too short a span (the one-year contract index
    has two, both from 2025-26), and chapter 2 shows the on-demand prices alone beside the mix.
    Mixing has a cost the reader should know: a one-year contract rents for less than on demand,
    and the contract prices come late in the record, so the mix tilts the fit towards a faster
    fall. ``include_peak=False`` leaves out the 2023 scarcity peak (:data:`PEAK_OBSERVATIONS`).

    The point estimate is the log-linear least-squares fit, :func:`implied_annual_decline`; the
    interval is :func:`decline_interval`'s seeded bootstrap over the observations, which assumes
    them independent, representative and scattered around a log-linear trend; with so few points
    the interval is wide. Results are cached: the chapters call this often.

    Parameters
    ----------
    confidence : float
        The interval's coverage, in (0, 1).
    include_peak : bool
        Whether the 2023 scarcity peak enters the fit.
    seed : int
        The bootstrap's seed; the same seed gives the same interval.
    n_resamples : int
        Bootstrap samples, a whole number from 100 to 1,000,000.
    gpu : str
        The chip whose rents are fitted (a ``gpu`` of the data); the H100 by default.

    Returns
    -------
    DeclineEstimate
        Fractions per year; ``low`` is negative if rents may be rising.

    Examples
    --------
    >>> fit = calibrated_decline()
    >>> fit.low < fit.estimate < fit.high, fit.n_observations
    (True, 8)
    >>> calibrated_decline(include_peak=False).n_observations
    7
    >>> calibrated_decline(0)
    Traceback (most recent call last):
    ...
    ValueError: confidence=0 is outside (0, 1)
    """
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    if not isinstance(include_peak, bool):
        raise ValueError(f"include_peak={include_peak!r} is not True or False")
    if not isinstance(gpu, str):
        raise ValueError(f"gpu={gpu!r} is not the name of a GPU in the data")
    check_choice("gpu", gpu, tuple(sorted(set(rental_prices()["gpu"]))))
    return _calibrated(level, include_peak, seed_, count, gpu)


def decline_readings(confidence: float = 0.9, *, seed: int = 2025, n_resamples: int = BOOTSTRAP_RESAMPLES,
                     gpu: str = CALIBRATION_GPU) -> pd.DataFrame:
    """The calibration read four ways, each with its bootstrap interval (:func:`decline_interval`).

    ``all prices`` is :func:`calibrated_decline`; ``without the 2023 peak`` leaves out
    :data:`PEAK_OBSERVATIONS`; ``before the 2026 rebound`` keeps the observations dated before
    2026; ``on-demand prices only`` keeps one kind of price. The subsets show how much the answer
    depends on the points chosen.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``reading``: ``estimate``, ``low``, ``high`` (fractions per year) and
        ``n_observations``.

    Examples
    --------
    >>> readings = decline_readings()
    >>> bool(readings.loc["all prices", "estimate"] == calibrated_decline().estimate)
    True
    """
    level, seed_, count = _check_bootstrap(confidence, seed, n_resamples)
    rows = calibration_prices(gpu)
    subsets = {
        N_("all prices"): rows,
        N_("without the 2023 peak"): calibration_prices(gpu, include_peak=False),
        N_("before the 2026 rebound"): rows[rows["year_decimal"] < 2026],
        N_("on-demand prices only"): rows[rows["price_kind"] == "on-demand"],
    }
    table = []
    for reading, chosen in subsets.items():
        fit = decline_interval(chosen["year_decimal"], chosen["price_usd_per_hour"], level, seed=seed_,
                               n_resamples=count, include_peak=bool(chosen["observation_id"].isin(PEAK_OBSERVATIONS).any()))
        table.append({"reading": reading, "estimate": fit.estimate, "low": fit.low, "high": fit.high,
                      "n_observations": fit.n_observations})
    return pd.DataFrame(table).set_index("reading")


@functools.cache
def calibrated_annual_decline() -> float:
    """:data:`CALIBRATED_ANNUAL_DECLINE`, computed on the first call: ``calibrated_decline().estimate``.

    Model functions whose default is the calibrated decline call this at run time.

    Examples
    --------
    >>> calibrated_annual_decline() == calibrated_decline().estimate
    True
    """
    return calibrated_decline().estimate


#: The yearly fall in a GPU's value implied by the rental-price history of Nvidia's H100 in the
#: book's data: the point estimate of :func:`calibrated_decline` (its default call), a log-linear
#: least-squares fit of ln(price) on time over every market rent of the H100 (launch, 2023 peak,
#: 2024 prices, the 2025 low and the 2026 rebound; on-demand, index and one-year contract prices
#: mixed). A fraction per year. Later chapters use it as the collateral's drift,
#: ``log1p(-decline)``. It is uncertain: :func:`calibrated_decline` gives the interval, and
#: chapter 2 discusses its limits (few, mixed points; rent is not resale value). Computed on first
#: use (:func:`calibrated_annual_decline`).
CALIBRATED_ANNUAL_DECLINE: float
__getattr__ = lazy_constants(globals(), CALIBRATED_ANNUAL_DECLINE=calibrated_annual_decline)
