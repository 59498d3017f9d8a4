"""How numbers are written in the book's prose and tables.

Numbers in the text are computed, never typed: a notebook computes a figure, formats it here and
``glue``-s it into a sentence (myst-nb's ``{glue:text}`` role). :class:`Prose` makes a formatted
string show without quotes when glued.
"""

from __future__ import annotations

import hashlib
import itertools
import math

from ._validation import check_number

__all__ = ["Prose", "usd", "usd_billions", "percent", "years", "table_formats", "column_label", "table", "styled"]


class Prose(str):
    """A string that displays as itself (no quotes), for gluing into sentences.

    Examples
    --------
    >>> Prose("$12.5B")
    $12.5B
    """

    def __repr__(self) -> str:
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain formatter
        printer.text(str(self))


def _trim(number: str) -> str:
    """Drop a fractional part made only of zeros: ``20.0`` becomes ``20``."""
    if "." in number:
        whole, frac = number.split(".", 1)
        if set(frac) == {"0"}:
            return whole
    return number


def usd(amount: float, digits: int = 1) -> Prose:
    """Write a dollar amount the way the book's prose does: ``$12.5B``, ``$20B``, ``$535M``, ``$4,700``.

    A fractional part of zeros is dropped (``$20B``, not ``$20.0B``).

    Parameters
    ----------
    amount : float
        Amount in USD. Negative amounts get a leading minus sign.
    digits : int
        Digits after the decimal point for billions and millions.

    Examples
    --------
    >>> usd(12.5e9), usd(535e6, 0), usd(-2e9), usd(4700)
    ($12.5B, $535M, −$2B, $4,700)
    """
    value = check_number("amount", amount)
    size = abs(value)
    if size >= 1e9:
        body = f"${_trim(f'{size / 1e9:,.{digits}f}')}B"
    elif size >= 1e6:
        body = f"${_trim(f'{size / 1e6:,.{digits}f}')}M"
    else:
        body = f"${size:,.0f}"
    return Prose(_signed(value, body))


def _signed(value: float, body: str) -> str:
    """Prefix a minus sign for negative values, unless the shown number is zero (rounding noise)."""
    shows_zero = not any(ch in "123456789" for ch in body)
    return f"−{body}" if value < 0 and not shows_zero else body


def usd_billions(amount: float) -> Prose:
    """Write a dollar amount in billions with one decimal: ``$7.5B``.

    Examples
    --------
    >>> usd_billions(7.5e9), usd_billions(-1e-6)
    ($7.5B, $0.0B)
    """
    value = check_number("amount", amount)
    return Prose(_signed(value, f"${abs(value) / 1e9:,.1f}B"))


def percent(fraction: float, digits: int = 1) -> Prose:
    """Write a fraction as a percentage: ``0.095`` becomes ``9.5%``, ``0.22`` becomes ``22%``.

    Examples
    --------
    >>> percent(0.095), percent(0.22), percent(0.6251, 2)
    (9.5%, 22%, 62.51%)
    """
    value = check_number("fraction", fraction)
    return Prose(f"{_trim(f'{value * 100:.{digits}f}')}%")


def years(count: float) -> Prose:
    """Write a number of years: ``1 year``, ``5 years``, ``3.9 years``.

    Examples
    --------
    >>> years(1), years(5), years(3.9)
    (1 year, 5 years, 3.9 years)
    """
    value = check_number("count", count)
    shown = f"{value:g}" if not math.isclose(value, round(value)) else f"{round(value)}"
    return Prose(f"{shown} year" + ("" if shown == "1" else "s"))


def table_formats(frame_columns) -> dict[str, object]:
    """Formatters for ``DataFrame.style.format`` chosen by the column names' unit suffixes.

    ``*_usd`` columns are shown in billions, ``*_share``/``*_fraction``/``*_rate`` as percentages.

    Examples
    --------
    >>> sorted(table_formats(["amount_usd", "share_of_cost", "party"]))
    ['amount_usd', 'share_of_cost']
    """
    formats: dict[str, object] = {}
    for column in frame_columns:
        name = str(column)
        if name.endswith("_usd"):
            formats[name] = usd_billions
        elif name.endswith(("_share", "_fraction", "_rate")) or name.startswith("share_"):
            formats[name] = percent
    return formats


_UNIT_SUFFIXES = {"_usd": "", "_years": " (years)", "_fraction": "", "_bn": " (USD billions)"}


def column_label(name: str) -> str:
    """A reader-facing column heading from a snake_case name with a unit suffix.

    Dollar columns lose their suffix (their cells read ``$12.5B``); other units go in brackets.

    Examples
    --------
    >>> column_label("opening_balance_usd"), column_label("debt_term_years"), column_label("party")
    ('Opening balance', 'Debt term (years)', 'Party')
    """
    text = str(name)
    unit = ""
    for suffix, shown in _UNIT_SUFFIXES.items():
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], shown
            break
    text = text.replace("_", " ").strip()
    return (text[:1].upper() + text[1:] + unit) if text else str(name)


def table(frame, *, formats: dict | None = None, labels: dict | None = None):
    """A DataFrame styled for the book: units formatted, headings readable, parties named, no index.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns named with unit suffixes (``amount_usd``, ``share_of_cost``, ``term_years``).
    formats : dict, optional
        Extra or overriding formatters, by column name.
    labels : dict, optional
        Extra or overriding headings, by column name.

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    from .parties import PARTIES

    shown = frame.copy()
    if "party" in shown.columns:
        shown["party"] = shown["party"].map(lambda key: PARTIES.get(key, key))
    chosen = {**table_formats(shown.columns), **(formats or {})}
    headings = {c: column_label(c) for c in shown.columns}
    headings.update(labels or {})
    chosen = {headings[c]: f for c, f in chosen.items() if c in headings}
    return styled(shown.rename(columns=headings)).format(chosen).hide(axis="index")


_table_counter = itertools.count(1)


def styled(frame):
    """``frame.style`` with a stable id: pandas gives each table a random one, which would make every
    build of the book differ; this one is a digest of the table and a running count (unique on a page).
    """
    digest = hashlib.sha256(frame.to_json(default_handler=str).encode()).hexdigest()[:8]
    return frame.style.set_uuid(f"{digest}{next(_table_counter)}")
