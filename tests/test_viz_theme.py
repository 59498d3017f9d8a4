"""The book's chart colours (issue 17): text that reads at WCAG contrast in both themes, labels that
pick the readable colour on each fill, and no colour typed into chart code outside the theme."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from gpu_finance.viz import theme
from gpu_finance.viz.theme import (
    DARK_VARIANT, GRID, INK, INK_MUTED, LABEL_DARK, LABEL_LIGHT, OKABE_ITO, PARTY_COLORS, TEXT_COLORS,
    contrast_ratio, on_fill,
)

WHITE = "#ffffff"
#: The theme's page background in dark mode (pydata-sphinx-theme's --pst-color-background).
DARK_PAGE = "#14181e"
VIZ = Path(theme.__file__).parent


@pytest.mark.parametrize("foreground, background, expected", [
    ("#000000", "#ffffff", 21.0),            # the extremes
    ("#ffffff", "#ffffff", 1.0),
    ("#777777", "#ffffff", 4.48),            # WCAG's own example of a grey just under 4.5:1
    ("#767676", "#ffffff", 4.54),            # ... and the lightest grey that passes
    ("#fff", "#000", 21.0),                  # short hex
])
def test_contrast_ratio_matches_wcag_worked_values(foreground, background, expected):
    assert contrast_ratio(foreground, background) == pytest.approx(expected, abs=0.01)
    assert contrast_ratio(background, foreground) == pytest.approx(expected, abs=0.01)  # symmetric


def test_contrast_ratio_refuses_what_is_not_a_hex_colour():
    with pytest.raises(ValueError, match=r"colour='black' must be a hex colour"):
        contrast_ratio("black", WHITE)


def test_ink_reads_on_white_and_its_dark_variant_on_the_dark_page():
    for light in (INK, INK_MUTED, *TEXT_COLORS.values()):
        assert contrast_ratio(light, WHITE) >= 4.5, light
        assert contrast_ratio(DARK_VARIANT[light], DARK_PAGE) >= 4.5, (light, DARK_VARIANT[light])
    # grid lines are faint on purpose, but visible in both themes
    assert 1.1 < contrast_ratio(GRID, WHITE) < 1.5 and 1.1 < contrast_ratio(DARK_VARIANT[GRID], DARK_PAGE) < 3


@pytest.mark.parametrize("party", sorted(PARTY_COLORS))
def test_a_label_on_each_party_colour_reads_at_4_5_to_1(party):
    fill = PARTY_COLORS[party]
    label = on_fill(fill)
    assert label in (LABEL_DARK, LABEL_LIGHT)
    assert contrast_ratio(label, fill) >= 4.5, (party, fill, label)
    other = LABEL_LIGHT if label == LABEL_DARK else LABEL_DARK
    assert contrast_ratio(label, fill) >= contrast_ratio(other, fill)


def test_labels_on_fills_do_not_change_with_the_theme():
    """Fills keep their colour in dark mode, so the label colours chosen for them must too."""
    assert LABEL_DARK not in DARK_VARIANT and LABEL_LIGHT not in DARK_VARIANT
    assert not set(PARTY_COLORS.values()) & set(DARK_VARIANT), "party colours stay the same in both themes"


def test_orange_and_vermillion_are_too_light_for_small_text_on_white():
    """Why TEXT_COLORS exists: the palette's own colours fail as text."""
    assert contrast_ratio(OKABE_ITO["orange"], WHITE) < 3 and contrast_ratio(OKABE_ITO["vermillion"], WHITE) < 4.5


def test_chart_code_types_no_colour_of_its_own():
    """Colours come from the theme (its dark variant depends on it): no "black", "white", "#444" or
    other hex colour typed in a chart module, except the fills listed here."""
    allowed = {"#d4d4d4", "#f7f7f7"}  # light fills (cash and other assets; the heatmap's zero), no text on them
    found = []
    for module in sorted(VIZ.glob("*.py")):
        if module.name == "theme.py":
            continue
        text = module.read_text(encoding="utf-8")
        for match in re.finditer(r"""["'](#[0-9a-fA-F]{3,6}|black|white)["']""", text):
            if match.group(1).lower() not in allowed:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{module.name}:{line}: {match.group(0)}")
    assert found == [], found
