"""Charts (Altair) and live panels (ipywidgets) built on the model. They hold no finance.

``gpu_finance.viz.enable()`` switches on the book's theme and its offline chart renderer; every
chapter's first cell calls it.

One module per model module draws what that module computes (:mod:`~gpu_finance.viz.deal`,
:mod:`~gpu_finance.viz.spv`, :mod:`~gpu_finance.viz.accounting`, :mod:`~gpu_finance.viz.depreciation`,
:mod:`~gpu_finance.viz.backstop`, :mod:`~gpu_finance.viz.scenario` with :mod:`~gpu_finance.viz.presets`);
:mod:`~gpu_finance.viz.flows` is the money-flow diagram several chapters share,
:mod:`~gpu_finance.viz.controls` the sliders and menus (each checked against the model's ranges) that
serve both the live panels and the kernel-free charts, and :mod:`~gpu_finance.viz.theme` the colours. A
chapter's module re-exports what it shows from the others, e.g. ``from gpu_finance.viz import spv as
figures`` reaches every figure of chapter 1.
"""

from .controls import Dropdown, Slider, bind, defaults, grid, live_panel, selected
from .render import enable
from .source import show_source
from .theme import OKABE_ITO, PARTY_COLORS, party_scale

__all__ = [
    "enable",
    "show_source",
    "Slider",
    "Dropdown",
    "grid",
    "bind",
    "selected",
    "live_panel",
    "defaults",
    "OKABE_ITO",
    "PARTY_COLORS",
    "party_scale",
]
