"""Figures and tables of the sponsor's books in chapter 1: five accounting views, the ASC 842
lease liability, consolidation, the lease tests, the filings and the history of the rules.

Every function here draws what :mod:`gpu_finance.accounting` computes; none holds any finance of
its own. Functions ending in ``_explorer`` are the website's kernel-free versions: the model is
evaluated ahead of time over every position of their controls.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import altair as alt
import numpy as np
import pandas as pd

from .. import accounting as accounting_model
from .._validation import RATE, TERM_YEARS, check_number
from ..accounting import (
    CONSOLIDATION_RULES,
    LEASE_TYPES,
    SPE_OUTSIDE_EQUITY_MINIMUM,
    VIEWS,
    compare_views,
    consolidation_decision,
    lease_classification,
    lease_liability_schedule,
    sponsor_balance_sheets,
)
from ..deal import Deal
from ..formatting import month_year, percent, styled, table, usd
from ..i18n import N_, NP_, gettext as _, is_chinese, pgettext, translate
from ._common import PANEL_WIDTH, WIDE_WIDTH, WIDTH, below, finish, money_divisor, spv_terms
from .controls import Control, Dropdown, Slider, bind, grid, selected, significant, snap
from .theme import INK, INK_MUTED, OKABE_ITO, PARTY_COLORS, TEXT_COLORS

__all__ = [
    "balance_sheet_chart",
    "balance_sheet_explorer",
    "lease_liability_explorer",
    "accounting_history_chart",
    "consolidation_table",
    "consolidation_explorer",
    "views_table",
    "filings_table",
    "sale_leaseback_table",
    "classification_table",
    "history_table",
]


def _usd_large(amount: float) -> str:
    """Like :func:`~gpu_finance.usd`, with trillions written as ``$9.7T`` (in Chinese, 9.7兆美元)."""
    if is_chinese():
        return str(usd(amount))
    if abs(amount) >= 1e12:
        return f"${amount / 1e12:.2f}".rstrip("0").rstrip(".") + "T"
    return str(usd(amount))


# ------------------------------------------------------------------------------------ the books
_SHORT_VIEWS = {"own": N_("(a) Owns"), "lease": N_("(b) Leases"), "service": N_("(c) Contract"),
                "consolidate": N_("(d) Consolidates"), "failed_sale": N_("(e) Failed sale")}
_ASSETS, _CLAIMS = N_("Assets"), N_("Liabilities and equity")
_ITEMS = {  # column -> (side, label, colour)
    "cash_and_other_assets_usd": (_ASSETS, N_("Cash and other assets"), "#d4d4d4"),
    "gpus_usd": (_ASSETS, N_("GPUs"), OKABE_ITO["grey"]),
    "right_of_use_asset_usd": (_ASSETS, N_("Right-of-use asset"), OKABE_ITO["reddish_purple"]),
    "borrowings_usd": (_CLAIMS, N_("Borrowings"), PARTY_COLORS["lenders"]),
    "lease_liability_usd": (_CLAIMS, N_("Lease liability"), OKABE_ITO["vermillion"]),
    "financing_liability_usd": (_CLAIMS, N_("Financing liability (failed sale)"), INK),
    "shareholders_equity_usd": (_CLAIMS, N_("Shareholders' equity"), PARTY_COLORS["sponsor"]),
    "noncontrolling_interest_usd": (_CLAIMS, N_("Non-controlling interest"), PARTY_COLORS["spv_equity"]),
}


def _sheet_rows(sheets: pd.DataFrame, year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = sheets[sheets["year"] == year]
    long = rows.melt(id_vars="view", value_vars=list(_ITEMS), var_name="column", value_name="amount_usd")
    long = long[long["amount_usd"].abs() > 1.0].copy()
    long["side"] = long["column"].map(lambda c: _(_ITEMS[c][0]))
    long["item"] = long["column"].map(lambda c: _(_ITEMS[c][1]))
    long["order"] = long["column"].map(list(_ITEMS).index)
    long["view_label"] = long["view"].map(lambda v: _(_SHORT_VIEWS[v]))
    long["amount_bn"] = significant(long["amount_usd"] / money_divisor(), 5)
    long = long.drop(columns=["column", "amount_usd", "view"])
    by_view = rows.set_index("view")
    note = pd.DataFrame({"note": [
        _("Debt in headlines: {views}").format(views=" · ".join(
            f"{_SHORT_VIEWS[v][:3]} {usd(by_view.loc[v, 'headline_debt_usd'])}" for v in VIEWS)),
        _("Adjusted debt: {views}").format(views=" · ".join(
            f"{_SHORT_VIEWS[v][:3]} {usd(by_view.loc[v, 'adjusted_debt_usd'])}" for v in VIEWS)),
    ]})
    return long, note


def _sheet_layers(bars: pd.DataFrame, note: pd.DataFrame, controls: Sequence[Control], height: int):
    pick = selected(controls) if controls else "true"
    chart = alt.Chart(bars).mark_bar().encode(
        x=alt.X("view_label:N", title=None, sort=[_(v) for v in _SHORT_VIEWS.values()],
                axis=alt.Axis(labelFontSize=12)),
        xOffset=alt.XOffset("side:N", sort=[_(_ASSETS), _(_CLAIMS)]),
        y=alt.Y("sum(amount_bn):Q", title=_("USD billions")),
        color=alt.Color("item:N", title=None, sort=[_(v[1]) for v in _ITEMS.values()],
                        scale=alt.Scale(domain=[_(v[1]) for v in _ITEMS.values()],
                                        range=[v[2] for v in _ITEMS.values()]),
                        legend=alt.Legend(orient="bottom", columns=2)),
        order=alt.Order("order:Q"),
        tooltip=[alt.Tooltip("view_label:N", title=_("View")), alt.Tooltip("side:N", title=_("Side")),
                 alt.Tooltip("item:N", title=_("Item")),
                 alt.Tooltip("amount_bn:Q", title=_("USD billions"), format=".2f")],
    ).transform_filter(pick)
    text = alt.Chart(note).mark_text(align="left", baseline="top", fontSize=12, lineBreak="\n").encode(
        x=alt.XValue(0), y=below(height, 96), text=alt.Text("note:N"),
    ).transform_filter(pick)
    layers = alt.layer(chart, text)
    return bind(layers, controls) if controls else layers


def balance_sheet_chart(sheets: pd.DataFrame, year: int = 0) -> alt.LayerChart:
    """The five views of the sponsor's balance sheet side by side, for one year."""
    rows = sheets[sheets["year"] == year]
    if rows.empty:
        raise ValueError(f"year={year!r} is not in the sheets (years {sorted(sheets['year'].unique())})")
    bars, note = _sheet_rows(sheets, year)
    note = pd.DataFrame({"note": ["\n".join(note["note"])]})
    by_view = rows.set_index("view")
    when = _("at signing") if year == 0 else _("at the end of year {year}").format(year=year)
    height = 230
    return finish(
        _sheet_layers(bars, note, [], height),
        [_("Same GPUs, five balance sheets:"),
         _("liabilities from {low} to {high}").format(low=usd(by_view['total_liabilities_usd'].min()),
                                                      high=usd(by_view['total_liabilities_usd'].max()))],
        _("The sponsor's books {when}, in each accounting view").format(when=when),
        _("Grouped stacked bars of the sponsor's balance sheet {when} in five views: {views}. In each view the "
          "assets bar equals the liabilities-and-equity bar.").format(when=when, views=_("; ").join(
            _("{view}: assets {assets}, liabilities {liabilities}, equity {equity}").format(
                view=_(VIEWS[v]), assets=usd(by_view.loc[v, 'total_assets_usd']),
                liabilities=usd(by_view.loc[v, 'total_liabilities_usd']), equity=usd(by_view.loc[v, 'total_equity_usd']))
            for v in VIEWS)),
        width=WIDTH, height=height,
    )


def balance_sheet_explorer(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
) -> alt.LayerChart:
    """Kernel-free five-view balance sheet: a slider picks the year, a menu the lease type.

    The menu starts at the lease type :func:`~gpu_finance.lease_classification` gives the deal's
    terms, so the first picture agrees with the classification; the other type is one click away.
    The terms default to the book's calibration: :data:`~gpu_finance.spv.TARGET_EQUITY_RETURN`,
    :data:`~gpu_finance.spv.RESIDUAL_VALUE_FRACTION` and
    :data:`~gpu_finance.accounting.INCREMENTAL_BORROWING_RATE`.
    """
    target_equity_return, residual_value_fraction = spv_terms(target_equity_return, residual_value_fraction)
    if incremental_borrowing_rate is None:
        incremental_borrowing_rate = accounting_model.INCREMENTAL_BORROWING_RATE
    year = Slider("yr", _("Year of the lease (0 = signing)"), 0, deal.lease_term_years, 1, 0)
    classified = lease_classification(deal, target_equity_return, residual_value_fraction,
                                      incremental_borrowing_rate).attrs["lease_type"]
    kind = Dropdown("lt", _("Lease type in view (b)"), ((_("Operating lease"), "operating"),
                                                         (_("Finance lease"), "finance")), classified)
    controls = [year, kind]
    sheets = {lt: sponsor_balance_sheets(deal, target_equity_return, residual_value_fraction,
                                         incremental_borrowing_rate, lt) for lt in LEASE_TYPES}
    bars, notes = [], []
    for lt, frame in sheets.items():
        for yr in year.values():
            b, n = _sheet_rows(frame, int(yr))
            bars.append(b.assign(yr=int(yr), lt=lt))
            notes.append(pd.DataFrame({"note": ["\n".join(n["note"])], "yr": [int(yr)], "lt": [lt]}))
    height = 230
    signing = sheets[classified][sheets[classified]["year"] == 0].set_index("view")
    return finish(
        _sheet_layers(pd.concat(bars, ignore_index=True), pd.concat(notes, ignore_index=True),
                      controls, height),
        [_("Leasing under ASC 842 brings a liability back;"), _("a compute contract does not")],
        _("The sponsor's books in five views; left bar assets, right bar claims"),
        _("Interactive grouped stacked bars of the sponsor's balance sheet in five views: (a) it owns the "
          "GPUs, (b) it leases them under ASC 842, (c) it signs a compute contract, (d) it consolidates the "
          "SPV, (e) a failed sale-leaseback under ASC 842-40, where the GPUs stay on its books and the "
          "vehicle's whole price is a financing liability. A slider picks the year of the lease and a menu "
          "whether view (b) is an operating or a finance lease; it starts at the {kind} lease that ASC 842's "
          "tests give these terms. At signing the lease liability is {liability}, against {debt} of debt in the "
          "vehicle; two lines of text give the debt headlines would report and the adjusted debt in each "
          "view.").format(kind=pgettext("lease type", classified),
                          liability=usd(signing.loc['lease', 'lease_liability_usd']), debt=usd(deal.debt_usd)),
        width=WIDTH, height=height,
    )


def lease_liability_explorer(deal: Deal, target_equity_return: float | None = None) -> alt.LayerChart:
    """Kernel-free: the ASC 842 liability at signing against the residual value, for a lease term
    and incremental borrowing rate the reader sets, next to the vehicle's debt.

    ``target_equity_return`` defaults to the book's calibration,
    :data:`~gpu_finance.spv.TARGET_EQUITY_RETURN`."""
    target_equity_return, base_residual = spv_terms(target_equity_return, None)
    term = Slider("lterm", _("Lease term (years)"), 2, 8, 1, min(max(deal.lease_term_years, 2), 8), valid=TERM_YEARS)
    rate = Slider("ibr", _("Incremental borrowing rate (%)"), 0.05, 0.20, 0.025,
                  snap(accounting_model.INCREMENTAL_BORROWING_RATE, 0.05, 0.20, 0.025), scale=100, valid=RATE)
    residuals = np.round(np.arange(0.0, 0.81, 0.1), 10)

    def model(lterm, ibr):
        changed = deal.replace(lease_term_years=int(lterm), debt_term_years=int(lterm))
        rows = []
        for rv in residuals:
            first = lease_liability_schedule(changed, target_equity_return, rv, ibr)["liability_usd"].iloc[0]
            rows.append((rv * 100, first / money_divisor()))
        frame = pd.DataFrame(rows, columns=["residual_pct", "liability_bn"])
        frame["liability_bn"] = significant(frame["liability_bn"], 5)
        return frame

    controls = [term, rate]
    data = grid(model, controls)
    pick = selected(controls)
    line = alt.Chart(data).mark_line(color=OKABE_ITO["vermillion"],
                                     point=alt.OverlayMarkDef(color=OKABE_ITO["vermillion"])).encode(
        x=alt.X("residual_pct:Q", title=_("Residual value the vehicle keeps (% of the GPUs' cost)")),
        y=alt.Y("liability_bn:Q", title=_("Lease liability at signing (USD billions)"),
                scale=alt.Scale(domain=[0, float(data["liability_bn"].max()) * 1.05])),
        tooltip=[alt.Tooltip("residual_pct:Q", title=_("Residual (% of cost)")),
                 alt.Tooltip("liability_bn:Q", title=_("Lease liability, USD billions"), format=".2f")],
    ).transform_filter(pick)
    reference = pd.DataFrame({"debt_bn": [deal.debt_usd / money_divisor()],
                              "label": [_("The vehicle's debt: {debt}").format(debt=usd(deal.debt_usd))]})
    rule = alt.Chart(reference).mark_rule(color=PARTY_COLORS["lenders"], strokeDash=[5, 4], size=2).encode(
        y=alt.Y("debt_bn:Q"))
    rule_label = alt.Chart(reference).mark_text(align="left", baseline="top", dy=5, fontSize=11,
                                                color=TEXT_COLORS["orange"]).encode(
        x=alt.XValue(5), y=alt.Y("debt_bn:Q"), text=alt.Text("label:N"))
    base = lease_liability_schedule(deal, target_equity_return, base_residual)["liability_usd"].iloc[0]
    return finish(
        bind(alt.layer(line, rule, rule_label), controls),
        [_("A lease that repays the whole cost brings back {liability},").format(liability=usd(base)),
         _("more than the {debt} of debt in the vehicle").format(debt=usd(deal.debt_usd))],
        _("The sponsor's ASC 842 lease liability at signing"),
        _("Interactive line chart of the sponsor's lease liability at signing (the present value of the lease "
          "payments at its incremental borrowing rate) against the share of the GPUs' cost the vehicle expects "
          "to recover at the end of the lease, from 0% to 80%. Sliders set the lease term (2 to 8 years) and the "
          "incremental borrowing rate (5% to 20%). A dashed line marks the vehicle's {debt} of debt; at the base "
          "case the liability is {liability}.").format(debt=usd(deal.debt_usd), liability=usd(base)),
        width=WIDTH, height=230,
    )


# ------------------------------------------------------------------------------------ consolidation
def accounting_history_chart(history: pd.DataFrame) -> alt.LayerChart:
    """A timeline of the rules on off-balance-sheet vehicles and leases (from the data), earliest first."""
    shown = history.copy().reset_index(drop=True)
    shown["order"] = np.arange(len(shown))
    stamp = pd.to_datetime(shown["date"], format="mixed")
    shown["when"] = [str(month_year(d, short=True)) if len(raw) > 4 else raw for d, raw in zip(stamp, shown["date"])]
    for column in ("event", "rule", "what_changed", "amount_is"):
        shown[column] = shown[column].map(_)
    shown["label"] = shown["when"] + "  " + shown["rule"]
    shown["amount"] = [(_("{amount}: {what}").format(amount=_usd_large(a), what=w if w == w else "") if a == a
                        else (w if w == w else "")) for a, w in zip(shown["amount_usd"], shown["amount_is"])]
    base = alt.Chart(shown).encode(y=alt.Y("order:O", axis=None))
    spine = alt.Chart(pd.DataFrame({"x": [0]})).mark_rule(color=OKABE_ITO["grey"], aria=False).encode(x=alt.XValue(0))
    points = base.mark_point(filled=True, size=80, color=OKABE_ITO["blue"], opacity=1).encode(
        x=alt.XValue(0),
        tooltip=[alt.Tooltip("when:N", title=_("Date")), alt.Tooltip("event:N", title=_("Event")),
                 alt.Tooltip("what_changed:N", title=_("What changed")), alt.Tooltip("source:N", title=_("Source"))])
    label = base.mark_text(align="left", dx=12, dy=-7, fontSize=12, fontWeight="bold").encode(
        x=alt.XValue(0), text=alt.Text("label:N"))
    amount = base.mark_text(align="left", dx=12, dy=8, fontSize=11, color=INK_MUTED).encode(
        x=alt.XValue(0), text=alt.Text("amount:N"))
    return finish(
        alt.layer(spine, points, label, amount),
        [_("Each rule closed a route off the balance sheet"), _("that companies had been using")],
        _("From Enron's special purpose entities to ASC 842-40 (hover for details and sources)"),
        _("Timeline of accounting events: {events}.").format(events=_("; ").join(
            _("{when}: {event} ({rule})").format(when=w, event=e, rule=r)
            for w, e, r in zip(shown["when"], shown["event"], shown["rule"]))),
        width=WIDTH, height=40 * len(shown),
    )


def consolidation_table(decision) -> object:
    """The steps of a :class:`~gpu_finance.ConsolidationDecision` as a styled table, verdict last."""
    frame = decision.table()
    frame.loc[len(frame)] = [len(frame) + 1, _("Verdict"), decision.verdict]
    return table(frame)


_YES_NO = ((N_("Yes"), 1), (N_("No"), 0))

#: The lease types' names inside a sentence ("a finance lease"), for :func:`~gpu_finance.i18n.pgettext`.
_LEASE_TYPE_WORDS = (NP_("lease type", "operating"), NP_("lease type", "finance"))


def consolidation_explorer(outside_equity_share: float) -> alt.LayerChart:
    """Kernel-free decision tool: menus for the rule and the facts, the steps and verdict as text."""
    yes_no = tuple((_(label), value) for label, value in _YES_NO)
    rule = Dropdown("rule", _("Rule"), tuple((_(label), key) for key, label in CONSOLIDATION_RULES.items()), "asc_810")
    equity = Dropdown("oe", _("Outside equity at risk"),
                      ((_("{share} of assets").format(share=percent(0.01)), 0.01),
                       (_("{share} of assets").format(share=percent(SPE_OUTSIDE_EQUITY_MINIMUM)),
                        SPE_OUTSIDE_EQUITY_MINIMUM),
                       (_("{share} (this vehicle)").format(share=percent(outside_equity_share)),
                        round(outside_equity_share, 6))),
                      round(outside_equity_share, 6))
    enough = Dropdown("es", _("Is that equity enough to fund the vehicle?"), yes_no, 1)
    holders = Dropdown("ehp", _("Do its equity holders direct it?"), yes_no, 0)
    power = Dropdown("sp", _("Does the sponsor direct what matters?"), yes_no, 1)
    losses = Dropdown("sl", _("Sponsor's share of losses or returns"), (("5%", 0.05), ("30%", 0.3), ("60%", 0.6)), 0.3)
    controls = [rule, equity, enough, holders, power, losses]

    def model(rule, oe, es, ehp, sp, sl):
        decision = consolidation_decision(rule=rule, outside_equity_share=oe, equity_sufficient=bool(es),
                                          equity_holders_have_power=bool(ehp), sponsor_has_power=bool(sp),
                                          sponsor_loss_share=sl)
        lines = [_("{n}. {question}\n    {answer}.").format(n=n, question=translate(q), answer=translate(a))
                 for n, (q, a) in enumerate(decision.steps, start=1)]
        lines.append(_("Verdict: consolidate. The vehicle's debt is on the sponsor's books.") if decision.consolidate
                     else _("Verdict: do not consolidate. The vehicle's debt stays off them."))
        return pd.DataFrame({"line": np.arange(len(lines)), "text": lines,
                             "verdict": [""] * (len(lines) - 1) + ["yes" if decision.consolidate else "no"]})

    data = grid(model, controls)
    pick = selected(controls)
    base = alt.Chart(data).encode(x=alt.XValue(0), y=alt.Y("line:O", axis=None), text=alt.Text("text:N"))
    steps = base.mark_text(align="left", baseline="middle", fontSize=12, lineBreak="\n").transform_filter(
        pick).transform_filter("datum.verdict == ''")
    verdict = base.mark_text(align="left", baseline="middle", fontSize=13, fontWeight="bold").encode(
        color=alt.Color("verdict:N", legend=None,
                        scale=alt.Scale(domain=["yes", "no"], range=[TEXT_COLORS["vermillion"], TEXT_COLORS["blue"]])),
    ).transform_filter(pick).transform_filter("datum.verdict != ''")
    return finish(
        bind(alt.layer(steps, verdict), controls),
        _("One vehicle, three eras of rules: on or off the books?"),
        _("The consolidation test: pick the rule and the facts"),
        _("Interactive decision tool for consolidating a special purpose vehicle. Menus set the rule (before "
          "2003, FIN 46(R), or ASC 810 after FAS 167), the outside equity at risk, whether that equity is "
          "enough, whether the equity holders direct the vehicle, whether the sponsor directs what matters "
          "and the sponsor's share of losses or returns. Lines of text give each question, its answer and "
          "the verdict."),
        width=WIDE_WIDTH, height=190,
    )



def _view_over_lease_chart(sheets: pd.DataFrame, view: str, label: str) -> alt.Chart:
    rows = sheets[sheets["view"] == view]
    long = rows.melt(id_vars="year", value_vars=["total_liabilities_usd", "headline_debt_usd", "adjusted_debt_usd"],
                     var_name="measure", value_name="amount_usd")
    names = {"total_liabilities_usd": _("Total liabilities"), "headline_debt_usd": _("Debt in headlines"),
             "adjusted_debt_usd": _("Adjusted debt")}
    long["measure"] = long["measure"].map(names)
    long["amount_bn"] = long["amount_usd"] / money_divisor()
    start = rows.set_index("year").loc[0]
    label = _(label)
    return finish(
        alt.Chart(long).mark_line(point=True).encode(
            x=alt.X("year:O", title=_("Year of the lease (0 = signing)")),
            y=alt.Y("amount_bn:Q", title=_("USD billions")),
            color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom"),
                            scale=alt.Scale(domain=list(names.values()),
                                            range=[INK, PARTY_COLORS["lenders"], OKABE_ITO["vermillion"]])),
            strokeDash=alt.StrokeDash("measure:N", legend=None,
                                      scale=alt.Scale(domain=list(names.values()), range=[[1, 0], [6, 3], [2, 2]])),
            tooltip=[alt.Tooltip("year:O", title=_("Year")), alt.Tooltip("measure:N", title=_("Measure")),
                     alt.Tooltip("amount_bn:Q", title=_("USD billions"), format=".2f")],
        ),
        [_("{view}:").format(view=label),
         _("adjusted debt {adjusted} at signing, {headline} in headlines").format(
             adjusted=usd(start['adjusted_debt_usd']), headline=usd(start['headline_debt_usd']))],
        _("The sponsor's liabilities over the lease"),
        _("Lines over the lease of the sponsor's total liabilities, debt as headlines report it and adjusted "
          "debt, in the view '{view}'. At signing: {total}, {headline} and {adjusted}.").format(
            view=label, total=usd(start['total_liabilities_usd']), headline=usd(start['headline_debt_usd']),
            adjusted=usd(start['adjusted_debt_usd'])),
        width=PANEL_WIDTH, height=200,
    )


def views_table(sheets: pd.DataFrame, year: int = 0):
    """:func:`~gpu_finance.compare_views` written for readers: money as ``$25.9B``, ratios to two decimals."""
    frame = compare_views(sheets, year)
    ratios = {"Debt to equity", "Adjusted debt to equity"}
    shown = pd.DataFrame(index=frame.index, columns=frame.columns, dtype=object)
    for item, row in frame.iterrows():
        shown.loc[item] = [(_("n/a") if v != v else f"{v:.2f}") if item in ratios else str(usd(v)) for v in row]
    if is_chinese():
        shown.index = [_(item) for item in shown.index]
        shown.columns = [_(view) for view in shown.columns]
    result = styled(shown.reset_index(names="")).hide(axis="index")
    kind = sheets.attrs.get("lease_type")
    if kind:
        result = result.set_caption(_("View (b) is accounted for as {article} {kind} lease").format(
            article=_("an") if kind == "operating" else _("a"), kind=pgettext("lease type", kind)))
    return result


#: What each view puts on the sponsor's books, in words, for :func:`filings_table`.
_VIEW_BOOKS: dict[str, tuple[str, str]] = {  # view -> (the GPUs, the liability the deal adds)
    "own": (N_("Yes, as its own equipment"), N_("The vehicle's debt, as its own borrowings")),
    "lease": (N_("As a right-of-use asset"), N_("A lease liability")),
    "service": (N_("No"), N_("None: a commitment in the notes")),
    "consolidate": (N_("Yes, in the consolidated group"),
                    N_("The vehicle's debt; its equity as a non-controlling interest")),
    "failed_sale": (N_("Yes, in property, plant and equipment"), N_("A financing liability: the vehicle's whole price")),
}


def filings_table(sheets: pd.DataFrame, filed: Sequence[tuple[str, float]]):
    """The model's five views at signing beside what a company's filing shows.

    Parameters
    ----------
    sheets : pandas.DataFrame
        A table from :func:`~gpu_finance.sponsor_balance_sheets`.
    filed : sequence of (str, float)
        Rows from a filing: a label (the filing, the line and the date) and the amount it records as
        debt, in USD. Each is shown as GPUs in property, plant and equipment and the amount as debt,
        which is how a failed sale-leaseback is filed.

    Returns
    -------
    pandas.io.formats.style.Styler
        One row per view, then one per filed row: where the GPUs are, what liability the deal adds,
        whether it counts as debt in the headlines, and the amount it adds to the sponsor's
        liabilities (the model at signing, or the filed figure).
    """
    if not isinstance(sheets, pd.DataFrame) or not {"view", "year", "financing_liability_usd"} <= set(sheets.columns):
        raise ValueError("sheets must be a DataFrame from sponsor_balance_sheets")
    signing = sheets[sheets["year"] == 0].set_index("view")
    own_debt = signing.loc["service", "total_liabilities_usd"]  # the sponsor's own borrowings
    rows = []
    for view, label in VIEWS.items():
        gpus, liability = _(_VIEW_BOOKS[view][0]), _(_VIEW_BOOKS[view][1])
        if view == "lease":
            liability = _("A {kind} lease liability").format(
                kind=pgettext("lease type", sheets.attrs.get('lease_type', 'finance')))
        added = signing.loc[view, "total_liabilities_usd"] - own_debt
        in_headlines = signing.loc[view, "headline_debt_usd"] - own_debt > 1.0
        rows.append((_("Model: {view}").format(view=_(label)), gpus, liability,
                     _("Yes") if in_headlines else _("No"), str(usd(added))))
    for label, amount in filed:
        value = check_number("filed", amount, 0, math.inf)
        rows.append((_("Filed: {filing}").format(filing=_(label)), _("Yes, in property, plant and equipment"),
                     _("Related-party debt"), _("Yes"), str(usd(value))))
    frame = pd.DataFrame(rows, columns=[_("Books"), _("The GPUs on the balance sheet"), _("The liability the deal adds"),
                                        _("Counted as debt"), _("Amount")])
    return styled(frame).hide(axis="index").set_caption(
        _("The model's amounts are for the reported Colossus 2 plan at signing; the filed ones are the "
          "parent's debt on all its Valor transactions"))


def _blank_or(formatter):
    return lambda value: "" if value != value else str(formatter(value))


def classification_table(tests: pd.DataFrame):
    """:func:`~gpu_finance.lease_classification`'s tests, styled, with the verdict in the caption."""
    shown = tests.assign(met=tests["met"].map({True: _("yes"), False: _("no")}))
    styled = table(shown, formats={"measure": _blank_or(percent), "threshold": _blank_or(percent)})
    return styled.set_caption(_("Verdict: a {kind} lease").format(
        kind=pgettext("lease type", tests.attrs.get('lease_type', '?'))))


def sale_leaseback_table(test: pd.DataFrame):
    """:func:`~gpu_finance.sale_leaseback_test`'s conditions, styled, with the verdict in the caption."""
    shown = test.assign(precludes_sale=test["precludes_sale"].map({True: _("yes"), False: _("no")}))
    verdict = (_("a sale: the leaseback is accounted for as a lease") if test.attrs.get("is_sale")
               else _("not a sale: a failed sale-leaseback, accounted for as a financing"))
    return table(shown, labels={"precludes_sale": "Rules out a sale"}).set_caption(
        _("Verdict: {verdict}").format(verdict=verdict))



def history_table(history: pd.DataFrame):
    """:func:`~gpu_finance.accounting_history` for reading: date, rule, what changed, the figure, confidence."""
    columns = ["date", "rule", "what_changed", "amount_usd", "confidence"]
    shown = history[columns].assign(rule=history["rule"].map(_), what_changed=history["what_changed"].map(_))
    return table(shown, formats={"amount_usd": _blank_or(_usd_large)},
                 labels={"amount_usd": "Figure", "confidence": "Conf."})


