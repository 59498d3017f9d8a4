"""The book's look: one colour-blind-safe palette, one colour per party, one Altair theme.

Colours come from Okabe and Ito's palette, designed to stay distinguishable under the common
forms of colour blindness. Each party keeps its colour in every chapter.

Text and lines that are not data (titles, axes, notes, rules) use :data:`INK`, :data:`INK_MUTED` and
:data:`GRID`, never a colour typed in chart code. :data:`DARK_VARIANT` maps each of them (and the
palette's black) to its dark-theme colour: the book's renderer applies it to a chart when the
website is in dark mode, so charts follow the theme. Text drawn on a coloured fill takes
:func:`on_fill`, the label colour with the higher contrast on that fill (WCAG 2 contrast ratio,
:func:`contrast_ratio`).
"""

from __future__ import annotations

import altair as alt

from ..i18n import gettext as _
from ..parties import PARTIES

__all__ = ["OKABE_ITO", "PARTY_COLORS", "THEME_NAME", "INK", "INK_MUTED", "GRID", "DARK_VARIANT", "TEXT_COLORS",
           "LABEL_DARK", "LABEL_LIGHT", "BOX_OUTLINE", "MIN_FONT_PX", "contrast_ratio", "on_fill", "party_scale", "enable_theme"]

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

#: Text, rules and arrows (the palette's black): 21:1 on white.
INK = OKABE_ITO["black"]
#: Secondary text (subtitles, notes under a label, axis labels): 9.7:1 on white.
INK_MUTED = "#444444"
#: Grid lines.
GRID = "#e6e6e6"
#: Labels on coloured fills (see :func:`on_fill`); the same in both themes, because fills keep their colour.
LABEL_DARK = "#0a0a0a"
LABEL_LIGHT = "#ffffff"
#: Text in a party's or a series' colour: the palette colour where it reads on white at 4.5:1 or more,
#: else a darker shade of it (the palette's orange and vermillion are too light for small text).
TEXT_COLORS: dict[str, str] = {
    "blue": "#00659E",
    "vermillion": "#B34700",
    "orange": "#9A6700",
}
#: The outline between touching boxes (the money-flow diagrams): the page's background in each theme.
#: Its value differs from :data:`LABEL_LIGHT` by one step so that the dark variant swaps only it.
BOX_OUTLINE = "#fefefe"
#: Smallest font size, in CSS pixels, of any text in a chart.
MIN_FONT_PX = 11

#: Light-theme colour -> its dark-theme colour, for everything in a chart that is not data-specific
#: (the page behind a chart is the theme's background, #14181e in dark mode). Fills of the palette's
#: other colours stay as they are: they keep at least 3:1 against both backgrounds.
DARK_VARIANT: dict[str, str] = {
    INK: "#e8e8e8",
    INK_MUTED: "#c8c8c8",
    GRID: "#3b4048",
    BOX_OUTLINE: "#14181e",
    # text in colour: the bright palette colours read on the dark background (7.6:1 or more)
    TEXT_COLORS["blue"]: "#5CB8FF",
    TEXT_COLORS["vermillion"]: "#FF8A4C",
    TEXT_COLORS["orange"]: OKABE_ITO["orange"],
}


def _relative_luminance(colour: str) -> float:
    value = colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    if len(value) != 6:
        raise ValueError(f"colour={colour!r} must be a hex colour such as '#E69F00'")
    channels = [int(value[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two hex colours, from 1 (none) to 21 (black on white).

    >>> round(contrast_ratio("#000000", "#ffffff"), 1)
    21.0
    """
    lighter, darker = sorted((_relative_luminance(foreground), _relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def on_fill(fill: str) -> str:
    """The label colour (:data:`LABEL_DARK` or :data:`LABEL_LIGHT`) with the higher contrast on ``fill``.

    >>> on_fill(OKABE_ITO["orange"]), on_fill(OKABE_ITO["blue"])
    ('#0a0a0a', '#ffffff')
    """
    return max((LABEL_DARK, LABEL_LIGHT), key=lambda label: contrast_ratio(label, fill))


def party_scale(parties: list[str] | None = None) -> alt.Scale:
    """A colour scale mapping party *labels* to the party colours.

    Parameters
    ----------
    parties : list of str, optional
        Party keys to include, in legend order; all parties by default.
    """
    keys = list(PARTIES) if parties is None else parties
    return alt.Scale(domain=[_(PARTIES[k]) for k in keys], range=[PARTY_COLORS[k] for k in keys])


@alt.theme.register(THEME_NAME, enable=False)
def _theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "font": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            "background": "transparent",
            "view": {"continuousWidth": 440, "continuousHeight": 280, "stroke": None},
            "title": {"fontSize": 15, "anchor": "start", "color": INK, "subtitleFontSize": 12,
                      "subtitleColor": INK_MUTED},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": INK_MUTED, "titleColor": INK,
                     "domainColor": INK_MUTED, "tickColor": INK_MUTED, "gridColor": GRID},
            "axisX": {"labelAngle": 0},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "labelLimit": 260, "labelColor": INK,
                       "titleColor": INK},
            "text": {"color": INK},
            "rule": {"color": INK},
            "range": {"category": SERIES_COLORS},
        }
    }


def enable_theme() -> None:
    """Make the book's theme Altair's active theme."""
    alt.theme.enable(THEME_NAME)
