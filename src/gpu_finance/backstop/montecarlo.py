"""Monte Carlo: simulated paths of the collateral's value, and what they say about a guarantee.

:func:`simulate_asset_paths` draws geometric Brownian motions exactly; :func:`monte_carlo_guarantee`
estimates the guarantee's value, default probability and expected loss with their standard errors,
and :func:`closed_form_vs_monte_carlo` sets them next to the closed forms of
:mod:`gpu_finance.backstop.merton`. :func:`loss_distribution` and :func:`path_summary` bin a
simulation for the charts.

Money is in US dollars (USD); rates, drifts and volatilities are fractions per year; times are in
years.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import (
    DRIFT,
    FRACTION,
    HORIZON_YEARS,
    PATHS,
    RISK_FREE_RATE,
    STEPS_PER_YEAR,
    VOLATILITY,
    check_seed,
    check_whole,
)
from ..i18n import N_
from .merton import POSITIVE_USD, USD, default_probability, expected_loss, guarantee_value

__all__ = [
    "simulate_asset_paths",
    "MonteCarloGuarantee",
    "monte_carlo_guarantee",
    "closed_form_vs_monte_carlo",
    "closed_form_comparison",
    "loss_distribution",
    "path_summary",
]

_MAX_CELLS = 30_000_000  # paths x steps: about 240 MB of float64


def _steps(years: float, steps_per_year: int) -> int:
    count = years * steps_per_year
    if abs(count - round(count)) > 1e-9 or round(count) < 1:
        raise ValueError(
            f"years={years!r} times steps_per_year={steps_per_year!r} is not a whole number of steps"
        )
    return int(round(count))


def simulate_asset_paths(
    asset_value: float,
    volatility: float,
    drift: float,
    years: float,
    *,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> np.ndarray:
    """Simulated paths of the collateral's value: a geometric Brownian motion, sampled exactly.

    Each step multiplies the value by ``exp((drift - volatility**2 / 2) dt + volatility sqrt(dt) Z)``
    with ``Z`` standard normal, so ``E[V_T] = asset_value * exp(drift * years)`` and the paths'
    values at the horizon have the lognormal law the closed forms assume. Vectorised: 100,000
    paths of 60 monthly steps take a fraction of a second.

    Parameters
    ----------
    asset_value : float
        Value today, in USD; greater than zero.
    volatility : float
        A fraction per year in (0, 2].
    drift : float
        Expected growth, continuously compounded, a fraction per year in [-1, 1]: the risk-free
        rate for the pricing world, the obsolescence drift for the real world.
    years : float
        Length of the paths, in (0, 30]; ``years * steps_per_year`` must be a whole number.
    n_paths : int
        Number of paths, from 1 to 1,000,000.
    steps_per_year : int
        Steps per year, from 1 to 365 (12: monthly).
    seed : int or numpy.random.Generator
        Where the randomness comes from: a whole number (the same number gives the same paths) or a
        generator (which the call advances). Required, so that results can be reproduced.

    Returns
    -------
    numpy.ndarray
        Shape ``(n_paths, steps + 1)``, in USD; column 0 is ``asset_value``, column ``k`` the value
        after ``k`` steps.

    Examples
    --------
    >>> paths = simulate_asset_paths(100.0, 0.3, -0.2, 5, n_paths=4, seed=1)
    >>> paths.shape, float(paths[0, 0])
    ((4, 61), 100.0)
    """
    return _simulate(*_path_inputs(asset_value, volatility, drift, years, n_paths, steps_per_year, seed))


def _path_inputs(asset_value, volatility, drift, years, n_paths, steps_per_year, seed) -> tuple:
    """The checked inputs of :func:`simulate_asset_paths`: ``(V, sigma, mu, T, paths, steps, rng)``."""
    v, s = POSITIVE_USD.check("asset_value", asset_value), VOLATILITY.check("volatility", volatility)
    m, t = DRIFT.check("drift", drift), HORIZON_YEARS.check("years", years)
    n = PATHS.check("n_paths", n_paths)
    per_year = STEPS_PER_YEAR.check("steps_per_year", steps_per_year)
    steps = _steps(t, per_year)
    if n * steps > _MAX_CELLS:
        raise ValueError(
            f"n_paths={n!r} with {steps} steps is {n * steps:,} values, more than {_MAX_CELLS:,}; "
            "use fewer paths or steps"
        )
    return v, s, m, t, n, steps, check_seed("seed", seed)


def _simulate(v: float, s: float, m: float, t: float, n: int, steps: int, rng: np.random.Generator) -> np.ndarray:
    """:func:`simulate_asset_paths` for checked inputs: ``n`` paths of ``steps`` steps over ``t`` years."""
    dt = t / steps
    shocks = rng.standard_normal((n, steps))
    shocks *= s * math.sqrt(dt)
    shocks += (m - 0.5 * s * s) * dt
    paths = np.empty((n, steps + 1))
    paths[:, 0] = 0.0
    np.cumsum(shocks, axis=1, out=paths[:, 1:])
    np.exp(paths, out=paths)
    paths *= v
    return paths


@dataclass(frozen=True, eq=False)
class MonteCarloGuarantee:
    """What a simulation says about a guarantee (see :func:`monte_carlo_guarantee`).

    Attributes
    ----------
    drift : float
        The drift the paths were simulated with, a fraction per year.
    value_usd, value_se_usd : float
        Mean of the discounted payment ``exp(-rT) * c * max(F - V_T, 0)`` and its standard error,
        in USD. With ``drift`` equal to the risk-free rate this estimates :func:`guarantee_value`.
    default_probability, default_probability_se : float
        Share of paths ending below the debt, and its standard error.
    expected_loss_usd, expected_loss_se_usd : float
        Mean payment at the horizon (not discounted) and its standard error, in USD.
    losses_usd : numpy.ndarray
        The guarantor's payment on each path at the horizon, in USD.
    terminal_usd : numpy.ndarray
        The collateral's value on each path at the horizon, in USD.
    n_paths, steps : int
        Paths simulated and steps per path.
    """

    drift: float
    value_usd: float
    value_se_usd: float
    default_probability: float
    default_probability_se: float
    expected_loss_usd: float
    expected_loss_se_usd: float
    losses_usd: np.ndarray = field(repr=False)
    terminal_usd: np.ndarray = field(repr=False)
    n_paths: int = 0
    steps: int = 0


def _standard_error(sample: np.ndarray) -> float:
    """The standard error of a sample's mean: its standard deviation over the square root of its size.

    The paths are independent draws, so the error of their average shrinks as ``1 / sqrt(n)``: four
    times the paths halve it.
    """
    if sample.size < 2:
        return 0.0  # one draw says nothing about its own spread
    return float(sample.std(ddof=1) / math.sqrt(sample.size))


def _estimates_at_horizon(terminal: np.ndarray, debt_face: float, coverage: float, discount: float) -> dict:
    """The Monte Carlo estimates of :class:`MonteCarloGuarantee`, from simulated values at the horizon.

    Each estimate is the mean of one number per path, and comes with that mean's standard error.
    ``discount`` is ``exp(-r T)``, today's value of a dollar paid at the horizon.
    """
    losses = coverage * np.maximum(debt_face - terminal, 0.0)  # what the guarantor pays on each path
    discounted = discount * losses  # the same payment, valued today
    defaults = (terminal < debt_face).astype(float)  # 1 on a path that ends below the debt, else 0
    return dict(
        value_usd=float(discounted.mean()), value_se_usd=_standard_error(discounted),
        # The mean of the 0/1 indicator is the share of paths in default: a probability.
        default_probability=float(defaults.mean()), default_probability_se=_standard_error(defaults),
        expected_loss_usd=float(losses.mean()), expected_loss_se_usd=_standard_error(losses),
        losses_usd=losses, terminal_usd=terminal,
    )


def monte_carlo_guarantee(
    asset_value: float,
    debt_face: float,
    volatility: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
    *,
    drift: float | None = None,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> MonteCarloGuarantee:
    """Estimate a guarantee's value, default probability and expected loss by simulating paths.

    The paths come from :func:`simulate_asset_paths`; the guarantor pays
    ``coverage * max(debt_face - V_T, 0)`` at the horizon. Every estimate carries its standard
    error, so it can be compared with the closed forms (:func:`guarantee_value`,
    :func:`default_probability`, :func:`expected_loss`).

    Parameters
    ----------
    asset_value, debt_face, volatility, risk_free_rate, years, coverage
        As in :func:`guarantee_value`.
    drift : float, optional
        Growth of the collateral in the simulation. ``None`` (the default) uses the risk-free rate:
        the pricing world, in which the discounted mean payment is the guarantee's price. Pass the
        real-world drift to estimate how often it is called and what it pays on average.
    n_paths, steps_per_year, seed
        As in :func:`simulate_asset_paths`.

    Returns
    -------
    MonteCarloGuarantee

    Examples
    --------
    >>> mc = monte_carlo_guarantee(100, 100, 0.2, 0.05, 1.0, n_paths=20_000, seed=7)
    >>> bool(abs(mc.value_usd - guarantee_value(100, 100, 0.2, 0.05, 1.0)) < 3 * mc.value_se_usd)
    True
    """
    f, r = USD.check("debt_face", debt_face), RISK_FREE_RATE.check("risk_free_rate", risk_free_rate)
    c = FRACTION.check("coverage", coverage)
    growth = r if drift is None else DRIFT.check("drift", drift)  # no drift given: the pricing world
    v, s, m, t, n, steps, rng = _path_inputs(asset_value, volatility, growth, years, n_paths, steps_per_year, seed)
    paths = _simulate(v, s, m, t, n, steps, rng)
    # The guarantee pays on the value at the horizon alone: keep the last column, free the rest.
    terminal = paths[:, -1].copy()
    del paths
    estimates = _estimates_at_horizon(terminal, f, c, discount=math.exp(-r * t))
    return MonteCarloGuarantee(drift=growth, n_paths=int(terminal.size), steps=steps, **estimates)


def closed_form_vs_monte_carlo(
    asset_value: float,
    debt_face: float,
    volatility: float,
    drift: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
    *,
    n_paths: int = 100_000,
    steps_per_year: int = 12,
    seed: int | np.random.Generator,
) -> pd.DataFrame:
    """The closed forms next to a simulation of each world, with the gap in standard errors.

    Two simulations: one in the pricing world (the collateral grows at the risk-free rate) and one
    in the real world (it grows at ``drift``), each with ``n_paths`` paths.

    Returns
    -------
    pandas.DataFrame
        One row per quantity, columns ``quantity``, ``world`` (``"pricing"`` or ``"real"``),
        ``unit`` (``"USD"`` or ``"fraction"``), ``closed_form``, ``monte_carlo``,
        ``standard_error`` and ``gap_in_standard_errors`` (``(monte_carlo - closed_form) /
        standard_error``; within ±3 nearly always).

    Examples
    --------
    >>> table = closed_form_vs_monte_carlo(100, 80, 0.3, -0.1, 0.04, 2, n_paths=20_000, seed=3)
    >>> bool((table["gap_in_standard_errors"].abs() < 3).all())
    True
    """
    rng = check_seed("seed", seed)
    common = dict(n_paths=n_paths, steps_per_year=steps_per_year, seed=rng)
    pricing = monte_carlo_guarantee(asset_value, debt_face, volatility, risk_free_rate, years, coverage, **common)
    real = monte_carlo_guarantee(asset_value, debt_face, volatility, risk_free_rate, years, coverage,
                                 drift=drift, **common)
    return closed_form_comparison(asset_value, debt_face, volatility, drift, risk_free_rate, years, coverage,
                                  pricing=pricing, real=real)


def closed_form_comparison(
    asset_value: float,
    debt_face: float,
    volatility: float,
    drift: float,
    risk_free_rate: float,
    years: float,
    coverage: float = 1.0,
    *,
    pricing: MonteCarloGuarantee,
    real: MonteCarloGuarantee,
) -> pd.DataFrame:
    """:func:`closed_form_vs_monte_carlo`'s table for simulations already run.

    For a caller that also needs the simulations themselves (a chart of the real world's losses
    next to the table), so that each world is simulated once.

    Parameters
    ----------
    asset_value, debt_face, volatility, drift, risk_free_rate, years, coverage
        As in :func:`closed_form_vs_monte_carlo`.
    pricing, real : MonteCarloGuarantee
        :func:`monte_carlo_guarantee` with these inputs, in the pricing world (no ``drift``) and in
        the real world (``drift=drift``).

    Returns
    -------
    pandas.DataFrame
        As :func:`closed_form_vs_monte_carlo`.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> pricing = monte_carlo_guarantee(100, 80, 0.3, 0.04, 2, n_paths=20_000, seed=rng)
    >>> real = monte_carlo_guarantee(100, 80, 0.3, 0.04, 2, drift=-0.1, n_paths=20_000, seed=rng)
    >>> table = closed_form_comparison(100, 80, 0.3, -0.1, 0.04, 2, pricing=pricing, real=real)
    >>> table.equals(closed_form_vs_monte_carlo(100, 80, 0.3, -0.1, 0.04, 2, n_paths=20_000, seed=3))
    True
    """
    r = float(risk_free_rate)
    for name, simulation, growth in (("pricing", pricing, r), ("real", real, drift)):
        if not isinstance(simulation, MonteCarloGuarantee) or simulation.drift != growth:
            raise ValueError(f"{name}={simulation!r} is not a gpu_finance.MonteCarloGuarantee simulated "
                             f"with drift={growth!r}")
    rows = [
        (N_("Value of the guarantee today"), "pricing", "USD",
         guarantee_value(asset_value, debt_face, volatility, r, years, coverage),
         pricing.value_usd, pricing.value_se_usd),
        (N_("Probability of default"), "pricing", "fraction",
         default_probability(asset_value, debt_face, volatility, r, years),
         pricing.default_probability, pricing.default_probability_se),
        (N_("Probability of default"), "real", "fraction",
         default_probability(asset_value, debt_face, volatility, drift, years),
         real.default_probability, real.default_probability_se),
        (N_("Expected payment at the horizon"), "real", "USD",
         expected_loss(asset_value, debt_face, volatility, drift, years, coverage),
         real.expected_loss_usd, real.expected_loss_se_usd),
        (N_("Expected payment, valued today"), "real", "USD",
         math.exp(-r * float(years)) * expected_loss(asset_value, debt_face, volatility, drift, years, coverage),
         real.value_usd, real.value_se_usd),
    ]
    frame = pd.DataFrame(rows, columns=["quantity", "world", "unit", "closed_form", "monte_carlo", "standard_error"])
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = (frame["monte_carlo"] - frame["closed_form"]) / frame["standard_error"]
    frame["gap_in_standard_errors"] = gap.where(frame["standard_error"] > 0, 0.0)
    return frame


def loss_distribution(losses_usd, bins: int = 30) -> pd.DataFrame:
    """Histogram of the positive losses of a simulation, pre-binned for a chart.

    Parameters
    ----------
    losses_usd : array-like
        One loss per path, in USD, each at least zero (e.g. ``MonteCarloGuarantee.losses_usd``).
    bins : int
        Number of equal-width bins between zero and the largest loss, from 1 to 200.

    Returns
    -------
    pandas.DataFrame
        One row per bin: ``loss_from_usd``, ``loss_to_usd``, ``paths`` (count) and
        ``share_of_paths`` (a fraction of *all* paths, so the shares add up to the share of paths
        with a loss). Empty when no path has a loss.

    Examples
    --------
    >>> loss_distribution([0.0, 0.0, 0.5, 2.0], bins=2)["paths"].tolist()
    [1, 1]
    """
    count = check_whole("bins", bins, 1, 200)
    losses = np.asarray(losses_usd, dtype=float).ravel()
    if losses.size == 0 or not np.all(np.isfinite(losses)) or (losses < 0).any():
        raise ValueError("losses_usd must be a non-empty array of finite losses, each at least zero")
    positive = losses[losses > 0]
    columns = ["loss_from_usd", "loss_to_usd", "paths", "share_of_paths"]
    if positive.size == 0:
        return pd.DataFrame(columns=columns)
    counts, edges = np.histogram(positive, bins=count, range=(0.0, float(positive.max())))
    return pd.DataFrame({
        "loss_from_usd": edges[:-1],
        "loss_to_usd": edges[1:],
        "paths": counts,
        "share_of_paths": counts / losses.size,
    })[columns]


def path_summary(paths: np.ndarray, years: float, quantiles=(0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Quantiles of simulated values at each step, for a fan chart.

    Parameters
    ----------
    paths : numpy.ndarray
        As returned by :func:`simulate_asset_paths`, shape ``(n_paths, steps + 1)``.
    years : float
        The paths' length in years.
    quantiles : sequence of float
        Fractions in [0, 1].

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` and one ``q<percent>_usd`` column per quantile (``q5_usd``, ``q50_usd``...).

    Examples
    --------
    >>> path_summary(np.array([[1.0, 2.0], [1.0, 4.0]]), 1.0, quantiles=(0.5,))["q50_usd"].tolist()
    [1.0, 3.0]
    """
    values = np.asarray(paths, dtype=float)
    if values.ndim != 2 or values.shape[1] < 2:
        raise ValueError(f"paths of shape {values.shape} is not (n_paths, steps + 1) with a step or more")
    t = HORIZON_YEARS.check("years", years)
    qs = [FRACTION.check("quantiles", q) for q in quantiles]
    frame = pd.DataFrame({"year": np.linspace(0.0, t, values.shape[1])})
    for q, row in zip(qs, np.quantile(values, qs, axis=0)):
        frame[f"q{100 * q:g}_usd"] = row
    return frame

