"""Input checks shared by every model function.

Every public function of :mod:`gpu_finance` validates its input at the boundary with these helpers,
so a bad value always raises the same kind of message: the parameter's name, the value given and
the allowed range, e.g. ``ValueError("debt_rate=1.5 is outside [0, 1)")``. Nothing is clamped
silently and no NaN ever reaches a chart.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["check_number", "check_whole", "check_choice", "check_fraction"]


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
