"""Input checks shared by every model function.

Every public function of :mod:`gpu_finance` validates its input at the boundary with these helpers,
so a bad value always raises the same kind of message: the parameter's name, the value given and
the allowed range, e.g. ``ValueError("debt_rate=1.5 is outside [0, 1)")``. Nothing is clamped
silently and no NaN ever reaches a chart.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["check_number", "check_whole", "check_choice", "check_fraction", "check_seed", "Range"]


def _interval(low: float, high: float, low_closed: bool, high_closed: bool) -> str:
    def show(x: float) -> str:
        return f"{x:g}"

    return f"{'[' if low_closed else '('}{show(low)}, {show(high)}{']' if high_closed else ')'}"


def check_number(
    name: str,
    value: object,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_closed: bool = True,
    high_closed: bool = True,
) -> float:
    """Return ``value`` as a float, or raise ``ValueError`` naming ``name``, the value and the range.

    Parameters
    ----------
    name : str
        The parameter's name, as the caller's signature spells it.
    value : object
        The value to check. Booleans, strings, NaN and infinities are rejected.
    low, high : float
        The allowed range.
    low_closed, high_closed : bool
        Whether each end of the range is allowed.

    Returns
    -------
    float
        The value, converted to ``float``.

    Examples
    --------
    >>> check_number("debt_rate", 0.095, 0, 1, high_closed=False)
    0.095
    >>> check_number("debt_rate", 1.5, 0, 1, high_closed=False)
    Traceback (most recent call last):
    ...
    ValueError: debt_rate=1.5 is outside [0, 1)
    """
    allowed = _interval(low, high, low_closed, high_closed)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} is not a number; allowed range is {allowed}")
    number = float(value)
    if math.isnan(number):
        raise ValueError(f"{name}={value!r} is not a number; allowed range is {allowed}")
    below = number < low or (number == low and not low_closed)
    above = number > high or (number == high and not high_closed)
    if below or above or math.isinf(number):
        raise ValueError(f"{name}={value!r} is outside {allowed}")
    return number


def check_fraction(name: str, value: object, *, one_allowed: bool = True) -> float:
    """Check a share or probability: a number in [0, 1] (or [0, 1) when ``one_allowed`` is False).

    Examples
    --------
    >>> check_fraction("coverage", 0.8)
    0.8
    >>> check_fraction("coverage", -0.1)
    Traceback (most recent call last):
    ...
    ValueError: coverage=-0.1 is outside [0, 1]
    """
    return check_number(name, value, 0.0, 1.0, high_closed=one_allowed)


def check_whole(name: str, value: object, low: int, high: int) -> int:
    """Return ``value`` as an int if it is a whole number in ``[low, high]``; else raise ``ValueError``.

    Floats with no fractional part (``5.0``) are accepted, so a value from a slider works.

    Examples
    --------
    >>> check_whole("lease_term_years", 5, 1, 15)
    5
    >>> check_whole("lease_term_years", 2.5, 1, 15)
    Traceback (most recent call last):
    ...
    ValueError: lease_term_years=2.5 is not a whole number in [1, 15]
    """
    allowed = f"[{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name}={value!r} is not a whole number in {allowed}")
    number = float(value)
    if not math.isfinite(number) or number != int(number):
        raise ValueError(f"{name}={value!r} is not a whole number in {allowed}")
    if not low <= number <= high:
        raise ValueError(f"{name}={value!r} is outside {allowed}")
    return int(number)


def check_choice(name: str, value: object, choices: tuple[str, ...] | list[str]) -> str:
    """Return ``value`` if it is one of ``choices``; else raise ``ValueError`` listing them.

    Examples
    --------
    >>> check_choice("method", "straight_line", ("straight_line", "sum_of_years_digits"))
    'straight_line'
    >>> check_choice("method", "magic", ("straight_line", "sum_of_years_digits"))
    Traceback (most recent call last):
    ...
    ValueError: method='magic' is not one of 'straight_line', 'sum_of_years_digits'
    """
    if value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name}={value!r} is not one of {options}")
    return str(value)


def check_seed(name: str, value: object) -> np.random.Generator:
    """The one seed check: a whole number >= 0 or a ``numpy.random.Generator``; returns a Generator.

    A Generator is returned as it is (so one stream can feed several draws); a whole number seeds a
    new one, so the same seed always gives the same draws.

    Examples
    --------
    >>> int(check_seed("seed", 7).integers(0, 100)) == int(check_seed("seed", 7).integers(0, 100))
    True
    >>> check_seed("seed", -1)
    Traceback (most recent call last):
    ...
    ValueError: seed=-1 is not a whole number >= 0 or a numpy.random.Generator
    """
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
        raise ValueError(f"{name}={value!r} is not a whole number >= 0 or a numpy.random.Generator")
    return np.random.default_rng(int(value))


@dataclass(frozen=True)
class Range:
    """The values a model parameter accepts, written once and used by the model and by the sliders.

    Parameters
    ----------
    low, high : float
        The ends of the range.
    low_closed, high_closed : bool
        Whether each end is allowed.
    whole : bool
        Only whole numbers (terms in years, path counts).

    Examples
    --------
    >>> VOLATILITY.check("volatility", 0.35)
    0.35
    >>> VOLATILITY.check("volatility", 3)
    Traceback (most recent call last):
    ...
    ValueError: volatility=3 is outside (0, 2]
    >>> TERM_YEARS.check("lease_term_years", 5.0), TERM_YEARS.contains(16)
    (5, False)
    """

    low: float
    high: float
    low_closed: bool = True
    high_closed: bool = True
    whole: bool = False

    def check(self, name: str, value: object) -> float | int:
        """Return ``value`` (an ``int`` for a whole range) or raise ``ValueError`` naming ``name``."""
        if self.whole:
            return check_whole(name, value, int(self.low), int(self.high))
        return check_number(name, value, self.low, self.high, low_closed=self.low_closed, high_closed=self.high_closed)

    def contains(self, value: object) -> bool:
        """Whether :meth:`check` accepts ``value``."""
        try:
            self.check("value", value)
        except ValueError:
            return False
        return True

    def __str__(self) -> str:
        if self.whole:
            return f"[{int(self.low)}, {int(self.high)}]"
        return _interval(self.low, self.high, self.low_closed, self.high_closed)


# The ranges shared by several model functions and by the sliders that set them.
#: A share or probability.
FRACTION = Range(0.0, 1.0)
#: An interest rate or discount rate, a fraction per year (0.095 = 9.5%).
RATE = Range(0.0, 1.0, high_closed=False)
#: A gross margin, a fraction of revenue below one (0.75 = 75%).
MARGIN = Range(0.0, 1.0, high_closed=False)
#: Loan and lease terms and accounting lives, whole years.
TERM_YEARS = Range(1, 15, whole=True)
#: Volatility of the GPUs' value, a fraction per year (lognormal sigma).
VOLATILITY = Range(0.0, 2.0, low_closed=False)
#: Drift of the GPUs' value, a continuously compounded fraction per year.
DRIFT = Range(-1.0, 1.0)
#: A risk-free rate in the option formulas, a fraction per year.
RISK_FREE_RATE = Range(-0.05, 0.25)
#: A horizon in years for the option formulas and the simulation (not a whole number necessarily).
HORIZON_YEARS = Range(0.0, 30.0, low_closed=False)
#: Number of simulated paths.
PATHS = Range(1, 1_000_000, whole=True)
#: Time steps per year in a simulation.
STEPS_PER_YEAR = Range(1, 365, whole=True)
#: Yearly fall in a GPU's market value, a fraction (0.6 = it loses 60% of its value a year).
ANNUAL_DECLINE = Range(0.0, 0.6)
