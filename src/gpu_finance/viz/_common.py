"""What the chart modules share: money in billions, the charts' sizes and the one finishing step.

Every chart of the book ends the same way: a title that states the finding, a subtitle, a size,
and a description for screen readers (the renderer refuses a chart without a title or a
description). :func:`finish` is that step, written once.
"""

from __future__ import annotations

import string

import altair as alt
import numpy as np

from .. import spv
from ..i18n import N_, gettext as _, is_chinese

__all__: list[str] = []

#: USD in one billion: the charts' money axes are in USD billions.
BN = 1e9

#: Width in pixels of a chart in the text column.
WIDTH = 420
#: Width of a chart inside a live panel, beside its controls.
PANEL_WIDTH = 400
#: Width of a wide chart: a money-flow diagram, a decision tool.
WIDE_WIDTH = 440


def billions(values, digits: int = 4) -> np.ndarray:
    """USD to USD billions, rounded to ``digits`` decimals to keep a page's data small.

    Examples
    --------
    >>> billions([12.5e9, 1_234_567.0]).tolist()
    [12.5, 0.0012]

    In Chinese the charts count money in 億美元 (10^8 USD, :func:`money_divisor`): 12.5e9 is 125.
    """
    return np.round(np.asarray(values, dtype=float) / money_divisor(), digits)


def shown_name(name: str) -> str:
    """A deal's, fleet's or scenario's name in the reader's language: the model's names are messages of
    the catalog, and a panel's edited copy (``"<name>, edited"``) is translated piece by piece."""
    for suffix, message in ((", edited", N_("{name}, edited")), (", claims", N_("{name}, claims"))):
        if name.endswith(suffix):
            return _(message).format(name=shown_name(name[: -len(suffix)]))
    return _(name)


#: The words before the colon of each label of :data:`~gpu_finance.backstop.STRUCTURES` and
#: :data:`~gpu_finance.backstop.EQUITY_ORDERS`: the short names menus and titles use.
_SHORT_NAMES = {"lenders_first": N_("Lenders first"), "pro_rata": N_("Pro rata"), "pari_passu": N_("Pari passu"),
                "vendor_last": N_("Vendor last"), "vendor_first": N_("Vendor first")}


def short_name(key: str, label: str, *, lower: bool = False) -> str:
    """The short name of a guarantee's structure or an equity order (``label``, the full label of ``key``,
    up to its colon), in the reader's language; ``lower`` writes it in lower case, in English."""
    if not is_chinese():
        short = label.split(":")[0]
        return short.lower() if lower else short
    return _(_SHORT_NAMES.get(key, label.split(":")[0]))


def money_divisor() -> float:
    """USD in one unit of the charts' money axes: a billion (``USD billions``), or in Chinese 10^8
    (億美元, the unit Taiwan's readers count large sums in)."""
    return 1e8 if is_chinese() else BN


def money_factor() -> float:
    """How many of the charts' money units make a billion dollars: 1, or 10 in Chinese (億美元). A
    slider shown in USD billions multiplies its ``scale`` by it."""
    return BN / money_divisor()


def vega_text(template: str, **expressions) -> str:
    """A Vega expression that writes ``template`` (a translated message with ``{name}`` fields) with each
    field replaced by a Vega expression (a string) or a list of pieces from :func:`vega_money`.

    Adjacent pieces of text are joined, so English messages give the expressions written by hand:

    >>> vega_text("The covenant breaks in year {year}", year="datum.first")
    "'The covenant breaks in year ' + datum.first"
    >>> vega_text("price {price}", price=vega_money("datum.p"))
    "'price $' + format(datum.p, '.2f') + 'B'"
    """
    pieces: list[tuple[str, str]] = []
    for literal, field, _spec, _conversion in string.Formatter().parse(template):
        if literal:
            pieces.append(("text", literal))
        if field is not None:
            value = expressions[field]
            pieces.extend(value if isinstance(value, list) else [("expr", value)])
    merged: list[tuple[str, str]] = []
    for kind, value in pieces:
        if merged and kind == "text" and merged[-1][0] == "text":
            merged[-1] = ("text", merged[-1][1] + value)
        else:
            merged.append((kind, value))
    return " + ".join("'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'" if kind == "text" else value
                      for kind, value in merged)


def vega_money(expression: str) -> list[tuple[str, str]]:
    """Pieces for :func:`vega_text`: an amount in the charts' money unit written as money, ``$12.50B``,
    or in Chinese ``125.0億美元``."""
    if is_chinese():
        return [("expr", f"format({expression}, ',.1f')"), ("text", "億美元")]
    return [("text", "$"), ("expr", f"format({expression}, '.2f')"), ("text", "B")]


def finish(chart, title, subtitle=None, description: str = "", *, width: int | None = None,
           height: int | None = None):
    """Give a chart its title (and subtitle), its size and its description for screen readers.

    Parameters
    ----------
    chart : altair chart
        Any Altair chart (a layer, a concatenation).
    title : str or list of str
        The finding, one line or several.
    subtitle : str, optional
        A line under the title; without it the title is a plain string.
    description : str
        What the chart shows, in words, for screen readers.
    width, height : int, optional
        Size in pixels; left to the theme when not given.
    """
    properties: dict = {"title": title if subtitle is None else alt.TitleParams(title, subtitle=subtitle)}
    if width is not None:
        properties["width"] = width
    if height is not None:
        properties["height"] = height
    properties["description"] = description
    return chart.properties(**properties)


def below(chart_height: int, offset: int = 38) -> alt.YValue:
    """A y position ``offset`` pixels under a chart of ``chart_height``: where a line of text goes."""
    return alt.YValue(chart_height + offset)


def spv_terms(target_equity_return: float | None, residual_value_fraction: float | None) -> tuple[float, float]:
    """The SPV's terms, each ``None`` replaced by the book's calibration, read from the model when
    called (:data:`~gpu_finance.spv.TARGET_EQUITY_RETURN`, :data:`~gpu_finance.spv.RESIDUAL_VALUE_FRACTION`:
    the model computes them on first use)."""
    return (spv.TARGET_EQUITY_RETURN if target_equity_return is None else target_equity_return,
            spv.RESIDUAL_VALUE_FRACTION if residual_value_fraction is None else residual_value_fraction)
