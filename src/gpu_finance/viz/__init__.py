"""Charts (Altair) and live panels (ipywidgets) built on the model. They hold no finance.

``gpu_finance.viz.enable()`` switches on the book's theme and its offline chart renderer; every
chapter's first cell calls it.
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
