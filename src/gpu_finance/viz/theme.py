"""The book's look: one colour-blind-safe palette, one colour per party, one Altair theme.

Colours come from Okabe and Ito's palette, designed to stay distinguishable under the common
forms of colour blindness. Each party keeps its colour in every chapter.
"""

from __future__ import annotations

import altair as alt

from ..parties import PARTIES

__all__ = ["OKABE_ITO", "PARTY_COLORS", "THEME_NAME", "party_scale", "enable_theme"]

#: Okabe-Ito colour-blind-safe palette (Okabe & Ito, 2008).
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "grey": "#999999",
}

#: One colour per party, used by every chart in the book.
PARTY_COLORS: dict[str, str] = {
    "sponsor": OKABE_ITO["blue"],
    "spv_equity": OKABE_ITO["sky_blue"],
    "vendor": OKABE_ITO["bluish_green"],
    "lenders": OKABE_ITO["orange"],
    "taxpayers": OKABE_ITO["vermillion"],
}

#: Colours for series that are not parties (e.g. book value vs market value), in order of use.
SERIES_COLORS: list[str] = [
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["orange"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["sky_blue"],
    OKABE_ITO["black"],
]

THEME_NAME = "shadow_balance_sheets"


def party_scale(parties: list[str] | None = None) -> alt.Scale:
    """A colour scale mapping party *labels* to the party colours.

    Parameters
    ----------
    parties : list of str, optional
        Party keys to include, in legend order; all parties by default.
    """
    keys = list(PARTIES) if parties is None else parties
    return alt.Scale(domain=[PARTIES[k] for k in keys], range=[PARTY_COLORS[k] for k in keys])


@alt.theme.register(THEME_NAME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "view": {"continuousWidth": 440, "continuousHeight": 280, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "subtitleFontSize": 12, "subtitleColor": "#444"},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "axisX": {"labelAngle": 0},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260},
            "range": {"category": SERIES_COLORS},
        }
    }


def enable_theme() -> None:
    """Make the book's theme Altair's active theme."""
    alt.theme.enable(THEME_NAME)
