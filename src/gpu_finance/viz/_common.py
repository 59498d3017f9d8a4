"""What the chart modules share: money in billions, the charts' sizes and the one finishing step.

Every chart of the book ends the same way: a title that states the finding, a subtitle, a size,
and a description for screen readers (the renderer refuses a chart without a title or a
description). :func:`finish` is that step, written once.
"""

from __future__ import annotations

import altair as alt
import numpy as np

from .. import spv

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
    """
    return np.round(np.asarray(values, dtype=float) / BN, digits)


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
