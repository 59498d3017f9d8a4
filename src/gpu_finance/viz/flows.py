"""The generic money-flow diagram: any table of who pays whom, drawn as boxes and arrows.

:func:`flow_chart` draws any table of money flows (columns ``from_party``, ``to_party``,
``amount_usd``, ``what``) as boxes for the parties and arrows whose width is proportional to the
amount, so later chapters can extend the deal's picture with new parties and flows (chapter 5 adds
the taxpayers and the chips' lost value). Altair has no Sankey diagram; this one is layered from
rules, points, rectangles and text. It holds no finance: the flows come from the model
(:func:`~gpu_finance.money_flows`, :func:`~gpu_finance.scenario_flows`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import altair as alt
import pandas as pd

from ..formatting import table, usd
from ..i18n import N_, gettext as _, is_chinese, pgettext, translate_joined
from ..spv import summed_flows
from ._common import money_divisor
from .controls import Control, bind, selected, significant
from .theme import BOX_OUTLINE, INK, OKABE_ITO, PARTY_COLORS, on_fill

__all__ = ["FLOW_LAYOUT", "NODE_LABELS", "NODE_COLORS", "flow_chart", "flows_table"]

#: Where each party sits in a money-flow diagram, in [0, 1] x [0, 1] (x to the right, y up). Later
#: chapters may add parties (``taxpayers`` is placed already) or pass their own layout.
FLOW_LAYOUT: dict[str, tuple[float, float]] = {
    "sponsor": (0.1, 0.5),
    "spv": (0.5, 0.5),
    "lenders": (0.5, 0.91),
    "spv_equity": (0.9, 0.5),
    "vendor": (0.5, 0.09),
    "taxpayers": (0.1, 0.09),
}

#: Short labels for the boxes of a money-flow diagram.
NODE_LABELS: dict[str, str] = {
    "sponsor": N_("Sponsor\n(AI company)"),
    "spv": N_("The SPV"),
    "lenders": N_("Lenders"),
    "spv_equity": N_("Outside\nequity"),
    "vendor": N_("Chip vendor"),
    "taxpayers": N_("Taxpayers"),
}

#: Box colours: the party colours, and grey for the vehicle.
NODE_COLORS: dict[str, str] = {**PARTY_COLORS, "spv": OKABE_ITO["grey"]}

_BOX_HALF_WIDTH, _BOX_HALF_HEIGHT = 0.1, 0.08


def _edge_geometry(from_xy, to_xy, width: int, height: int, offset_px: float) -> dict[str, object]:
    """Start, end, arrow and label positions of an edge, offset to the left of its direction.

    The label sits beside the middle of the edge, on the same side as the offset, anchored so that
    it grows away from the edge (``anchor`` is ``left``, ``right``, ``above`` or ``below``).
    """
    (x1, y1), (x2, y2) = from_xy, to_xy
    px1, py1, px2, py2 = x1 * width, (1 - y1) * height, x2 * width, (1 - y2) * height
    dx, dy = px2 - px1, py2 - py1
    length = math.hypot(dx, dy) or 1.0
    nx, ny = dy / length, -dx / length  # left-hand normal in screen coordinates (y down)
    ox, oy = nx * offset_px, ny * offset_px

    def to_data(px, py):
        return px / width, 1 - py / height

    sx, sy = to_data(px1 + ox, py1 + oy)
    ex, ey = to_data(px2 + ox, py2 + oy)
    ax, ay = to_data(px1 + ox + 0.7 * dx, py1 + oy + 0.7 * dy)
    gap = offset_px + 12
    lx, ly = to_data(px1 + nx * gap + 0.5 * dx, py1 + ny * gap + 0.5 * dy)
    if abs(nx) >= abs(ny):
        anchor = "left" if nx > 0 else "right"
    else:
        anchor = "below" if ny > 0 else "above"
    return {"x": sx, "y": sy, "x2": ex, "y2": ey, "arrow_x": ax, "arrow_y": ay,
            "label_x": lx, "label_y": ly, "angle": math.degrees(math.atan2(dy, dx)), "anchor": anchor}


def _flow_edges(flows: pd.DataFrame, keys: Sequence[str], layout: Mapping[str, tuple[float, float]],
                width: int, height: int) -> pd.DataFrame:
    """Sum the flows between each pair of parties (per control setting) and lay the edges out."""
    missing = sorted((set(flows["from_party"]) | set(flows["to_party"])) - set(layout))
    if missing:
        raise ValueError(f"layout has no position for the parties {missing}")
    grouped = summed_flows(flows, keys)
    geometry = pd.DataFrame([
        _edge_geometry(layout[a], layout[b], width, height, 9.0)
        for a, b in zip(grouped["from_party"], grouped["to_party"])
    ])
    edges = pd.concat([grouped, geometry], axis=1)
    edges["amount_bn"] = significant(edges["amount_usd"] / money_divisor(), 4)
    edges["label"] = edges["amount_usd"].map(usd) + "\n" + edges["what"].str.replace(" + ", " +\n", regex=False)
    # Vega places the first line of a label at its anchor and the rest below: lift labels that sit
    # above an edge by their extra lines.
    extra_lines = edges["label"].str.count("\n")
    edges.loc[edges["anchor"] == "above", "label_y"] += extra_lines * 13.0 / height
    for column in ("x", "y", "x2", "y2", "arrow_x", "arrow_y", "label_x", "label_y", "angle"):
        edges[column] = edges[column].round(4)
    return edges.drop(columns="amount_usd")


def flow_chart(
    flows: pd.DataFrame,
    *,
    title: str | alt.TitleParams,
    description: str,
    layout: Mapping[str, tuple[float, float]] | None = None,
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    controls: Sequence[Control] = (),
    width: int = 440,
    height: int = 340,
) -> alt.LayerChart:
    """Draw any table of money flows: a box per party, an arrow per payer and payee, width ∝ amount.

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``amount_usd`` (positive) and ``what``; for a
        kernel-free chart, also one column per control. Rows with the same payer, payee (and
        control values) are summed into one arrow. :func:`gpu_finance.money_flows` makes such a table.
    title, description : str
        The chart's finding and its text for screen readers.
    layout : mapping, optional
        Party key -> ``(x, y)`` in ``[0, 1]``; default :data:`FLOW_LAYOUT`.
    labels, colors : mapping, optional
        Party key -> box label / colour; defaults :data:`NODE_LABELS`, :data:`NODE_COLORS` (grey for
        parties not listed).
    controls : sequence of Slider or Dropdown
        Controls whose columns select the rows to draw (kernel-free); none for a static chart.
    width, height : int
        Size in pixels.
    """
    required = {"from_party", "to_party", "amount_usd", "what"}
    if not isinstance(flows, pd.DataFrame) or not required <= set(flows.columns):
        raise ValueError(f"flows must be a DataFrame with the columns {sorted(required)}")
    if (flows["amount_usd"] < 0).any() or flows["amount_usd"].isna().any():
        raise ValueError("flows has negative or missing amount_usd; a payment runs from payer to payee")
    layout = dict(FLOW_LAYOUT if layout is None else layout)
    names = {**NODE_LABELS, **(labels or {})}
    palette = {**NODE_COLORS, **(colors or {})}
    keys = [c.name for c in controls]
    if is_chinese():  # the arrows' words, in the reader's language
        flows = flows.assign(what=flows["what"].map(translate_joined))
    edges = _flow_edges(flows, keys, layout, width, height)
    payer, payee = "from_party", "to_party"  # the tooltips name the parties by their keys in English
    if is_chinese():
        for column in (payer, payee):
            edges[f"{column}_name"] = edges[column].map(lambda k: _(names.get(k, k)).replace("\n", ""))
        payer, payee = "from_party_name", "to_party_name"
    parties = list(dict.fromkeys([*flows["from_party"], *flows["to_party"]]))
    nodes = pd.DataFrame({
        "party": parties,
        "x": [layout[p][0] - _BOX_HALF_WIDTH for p in parties],
        "x2": [layout[p][0] + _BOX_HALF_WIDTH for p in parties],
        "y": [layout[p][1] - _BOX_HALF_HEIGHT for p in parties],
        "y2": [layout[p][1] + _BOX_HALF_HEIGHT for p in parties],
        "cx": [layout[p][0] for p in parties],
        "cy": [layout[p][1] for p in parties],
        "name": [_(names.get(p, p)) for p in parties],
    })
    fills = [palette.get(p, OKABE_ITO["grey"]) for p in parties]  # one per box, in the order of `parties`
    color = alt.Color("from_party:N", legend=None, scale=alt.Scale(domain=parties, range=fills))
    unit = alt.Scale(domain=[0, 1], nice=False, zero=False)
    x = lambda field: alt.X(f"{field}:Q", scale=unit, axis=None)  # noqa: E731
    y = lambda field: alt.Y(f"{field}:Q", scale=unit, axis=None)  # noqa: E731
    def pick(chart):  # a kernel-free chart draws the rows its controls select; a static one all of them
        return chart.transform_filter(selected(controls)) if controls else chart

    widest = float(edges["amount_bn"].max()) if len(edges) else 1.0
    # The edges' layers share the layered chart's data: converted to inline rows once, not per layer.
    lines = pick(alt.Chart().mark_rule(opacity=0.75, strokeCap="butt").encode(
        x=x("x"), y=y("y"), x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"), color=color,
        strokeWidth=alt.StrokeWidth("amount_bn:Q", legend=None,
                                    scale=alt.Scale(domain=[0, widest], range=[1, 16])),
        tooltip=[alt.Tooltip(f"{payer}:N", title=pgettext("money flow", "From")),
                 alt.Tooltip(f"{payee}:N", title=pgettext("money flow", "To")),
                 alt.Tooltip("label:N", title=_("What"))],
    ))
    arrows = pick(alt.Chart().mark_point(shape="triangle-right", filled=True, size=120, opacity=1).encode(
        x=x("arrow_x"), y=y("arrow_y"), angle=alt.Angle("angle:Q", scale=None),
        color=alt.ColorValue(INK),
    ))
    placements = {"left": dict(align="left", baseline="middle"), "right": dict(align="right", baseline="middle"),
                  "above": dict(align="center", baseline="bottom"), "below": dict(align="center", baseline="top")}
    texts = [
        pick(alt.Chart().mark_text(fontSize=11, lineBreak="\n", **placement).encode(
            x=x("label_x"), y=y("label_y"), text=alt.Text("label:N"),
        )).transform_filter(f"datum.anchor == '{anchor}'")
        for anchor, placement in placements.items()
    ]
    boxes = alt.Chart(nodes).mark_rect(cornerRadius=4, stroke=BOX_OUTLINE).encode(
        x=x("x"), x2=alt.X2("x2:Q"), y=y("y"), y2=alt.Y2("y2:Q"),
        color=alt.Color("party:N", legend=None, scale=alt.Scale(domain=parties, range=fills)),
    )
    # Each box's name in the label colour that reads best on its fill (4.5:1 or more).
    names_layer = alt.Chart(nodes).mark_text(fontSize=11, fontWeight="bold", lineBreak="\n").encode(
        x=x("cx"), y=y("cy"), text=alt.Text("name:N"),
        color=alt.Color("party:N", legend=None,
                        scale=alt.Scale(domain=parties, range=[on_fill(fill) for fill in fills])))
    # One constructor call: each chained method (resolve_scale, properties) would copy all nine layers.
    # The layers are set after it: they hold no parameters of their own, so the two deep copies of
    # every layer the constructor makes to lift parameters out of them would only cost time (a
    # quarter of chapter 5's live update). Controls are added by bind() below (Altair puts them on
    # the first layer, and to_dict lifts them to the top).
    layered = alt.LayerChart(
        data=edges, layer=[],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        title=title, description=description, width=width, height=height,
    )
    layered.layer = [lines, arrows, *texts, boxes, names_layer]
    return bind(layered, controls) if controls else layered




def flows_table(flows: pd.DataFrame):
    """A money-flow table (:func:`~gpu_finance.money_flows`) with the parties named for readers."""
    names = {key: _(label).replace("\n", "" if is_chinese() else " ") for key, label in NODE_LABELS.items()}
    shown = flows.assign(from_party=flows["from_party"].map(lambda k: names.get(k, k)),
                         to_party=flows["to_party"].map(lambda k: names.get(k, k)))
    return table(shown, labels={"from_party": pgettext("money flow", "From"), "to_party": pgettext("money flow", "To"),
                                "amount_usd": "Amount"})
