"""What the charts of chapter 2 share: sizes, the year axis, amounts in words, the
kernel-free explorers' packing and note line, and the sliders for the fall in market value.

Used by :mod:`gpu_finance.viz.depreciation`, :mod:`gpu_finance.viz.collateral` and
:mod:`gpu_finance.viz.datasets`; not part of the public interface.
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from .._validation import ANNUAL_DECLINE
from ..calibration import calibrated_annual_decline
from ..datasets import depreciation_fact
from ..formatting import estimate_usd, usd
from ..i18n import gettext as _
from .controls import Slider
from .theme import INK

#: The year axis of the line charts: whole years.
YEAR_AXIS = alt.Axis(format="d", tickMinStep=1)
#: Width of one chart panel, in pixels.
WIDTH = 400

#: Significant digits of the model's estimates in chart texts (the precision rule of
#: :mod:`gpu_finance.formatting`): market values, profits under assumed rents, lenders' losses.
ESTIMATE_DIGITS = 3


def estimate_amount(amount: float):
    """A dollar figure that depends on assumed or calibrated inputs, to three significant digits."""
    return estimate_usd(amount, ESTIMATE_DIGITS)


def reported_usd(amount: float):
    """A reported dollar figure with all its digits (``$1.25B``, ``$920M``, ``$3.7B``): the fewest
    decimals (up to three) that write it exactly, in billions or millions."""
    scale = 1e9 if abs(amount) >= 1e9 else 1e6
    for digits in range(4):
        if math.isclose(round(amount / scale, digits), amount / scale, rel_tol=0.0, abs_tol=1e-9):
            return usd(amount, digits)
    return usd(amount, 3)


def note_row(chart: alt.Chart) -> alt.Chart:
    """A one-line text view above a chart: the finding for the controls' current position."""
    return chart.mark_text(align="left", baseline="middle", fontSize=12, fontWeight="bold",
                           color=INK, limit=WIDTH + 40).encode(
        x=alt.XValue(0), y=alt.YValue(9), text=alt.Text("text:N")).properties(width=WIDTH, height=18)


def packed(frame: pd.DataFrame) -> pd.DataFrame:
    """One row holding each column as a list: a grid stored this way is several times smaller in
    the page; the chart unpacks it with ``transform_flatten`` after picking the row."""
    return pd.DataFrame({column: [frame[column].tolist()] for column in frame.columns})


def decline_slider(name: str = "annual_decline") -> Slider:
    """The yearly fall in market value, over the range the model's scenarios accept
    (:data:`gpu_finance._validation.ANNUAL_DECLINE`), starting at the calibrated decline."""
    default = round(round(calibrated_annual_decline() / 0.01) * 0.01, 2)
    return Slider(name, _("Yearly fall in market value (%)"), ANNUAL_DECLINE.low, ANNUAL_DECLINE.high, 0.01, default,
                  scale=100)


def step_slider(step: float = 0.05, maximum: float = 0.3) -> Slider:
    """The extra drop in market value when a new generation ships, starting at the book's assumption."""
    return Slider("generation_step", _("Extra drop per new generation (%)"), 0.0, maximum, step,
                  depreciation_fact("chapter2.generation_step"), scale=100)
