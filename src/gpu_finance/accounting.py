"""The sponsor's books: where the vehicle's debt shows up, depending on how the deal is accounted for.

The same deal (the sponsor gets the use of the GPUs for the lease term) can reach the sponsor's
balance sheet in five ways, the *views* of :func:`sponsor_balance_sheets`:

``own``
    (a) The sponsor buys the GPUs itself, with the same debt and new equity.
``lease``
    (b) It leases them from an unconsolidated vehicle under ASC 842 (IFRS 16 abroad): a
    right-of-use asset and a lease liability, the present value of the lease payments at its
    incremental borrowing rate.
``service``
    (c) The arrangement is written as a compute or service contract: nothing on the balance
    sheet, only a commitment in the notes.
``consolidate``
    (d) The sponsor is the vehicle's primary beneficiary and consolidates it: the GPUs and the
    vehicle's debt come onto its books, the vehicle's outside equity as a non-controlling interest.
``failed_sale``
    (e) The sponsor controlled the GPUs and "sold" them to the vehicle, leasing them back, but under
    ASC 842-40 the transfer is not a sale (for instance because the leaseback is a finance lease):
    the GPUs stay in its property, plant and equipment and the whole price the vehicle paid, its
    debt and its equity, is a financial liability, repaid by the rent.

:func:`lease_classification` applies ASC 842's tests for a finance lease,
:func:`sale_leaseback_test` ASC 842-40's test of whether a transfer to the lessor is a sale,
:func:`financing_liability_schedule` the seller-lessee's liability when it is not, and
:func:`consolidation_decision` the variable-interest-entity test, under the rule of three eras
(before 2003, FIN 46(R) and ASC 810 after FAS 167).

The lease's own accounting (its class, its liability, the sale-leaseback test and the failed sale's
liability) is in :mod:`gpu_finance.leases`; its public names are re-exported here. All money is in
USD, rates are fractions per year, years are whole numbers.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import leases
from ._lazy import lazy_constants
from ._validation import check_choice, check_fraction, check_number, check_whole
from .datasets import FactDefaults
from .deal import Deal
from .i18n import N_, Message
from .leases import (
    LEASE_TYPES,
    REPURCHASE_OPTIONS,
    check_flag,
    check_lease_terms,
    financing_liability_schedule,
    lease_classification,
    lease_liability_schedule,
    sale_leaseback_test,
)
from .parties import LINE_ITEMS, VIEWS
from .spv import lease_payment, lease_year_debt

__all__ = [
    "INCREMENTAL_BORROWING_RATE",
    "SPONSOR_DEBT_USD",
    "SPONSOR_EQUITY_USD",
    "GPU_ECONOMIC_LIFE_YEARS",
    "VIEWS",
    "LEASE_TYPES",
    "CONSOLIDATION_RULES",
    "SPE_OUTSIDE_EQUITY_MINIMUM",
    "REPURCHASE_OPTIONS",
    "lease_liability_schedule",
    "financing_liability_schedule",
    "sponsor_balance_sheets",
    "compare_views",
    "lease_classification",
    "sale_leaseback_test",
    "ConsolidationDecision",
    "consolidation_decision",
]

#: The sponsor's own borrowings before the deal, in USD: xAI's reported $5B of July 2025 debt.
#: Read on first use.
SPONSOR_DEBT_USD: float

#: The sponsor's book equity before the deal, in USD. An assumption (``sponsor.book_equity_usd``).
#: Read on first use.
SPONSOR_EQUITY_USD: float

#: The figure behind each constant above, read on first use: ``default("SPONSOR_DEBT_USD")``.
default = FactDefaults(SPONSOR_DEBT_USD="xai.corporate_debt_usd", SPONSOR_EQUITY_USD="sponsor.book_equity_usd")


__getattr__ = lazy_constants(
    globals(),
    **default.factories(),
    # the lease's figures, which live in gpu_finance.leases
    INCREMENTAL_BORROWING_RATE=functools.partial(leases.default, "INCREMENTAL_BORROWING_RATE"),
    GPU_ECONOMIC_LIFE_YEARS=functools.partial(leases.default, "GPU_ECONOMIC_LIFE_YEARS"),
)

#: Before 2003, the outside equity at risk (a fraction of assets) that kept a special purpose entity
#: off its sponsor's books (the rule Enron's entities relied on; Chewco failed it, which forced
#: Enron's 2001 restatement; ``accounting_history.csv``).
SPE_OUTSIDE_EQUITY_MINIMUM: float = 0.03

#: The consolidation rule of each era: key -> label.
CONSOLIDATION_RULES: dict[str, str] = {
    "pre_2003": N_("Before 2003: the 3% outside-equity rule"),
    "fin_46r": N_("FIN 46(R), 2003-2009: majority of expected losses"),
    "asc_810": N_("ASC 810 after FAS 167, from 2010: power and exposure"),
}


def sponsor_balance_sheets(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
    lease_type: str | None = None,
    sponsor_debt_usd: float | None = None,
    sponsor_equity_usd: float | None = None,
) -> pd.DataFrame:
    """The sponsor's balance sheet in each of the five views, at signing and at each year end.

    The sponsor starts with ``sponsor_debt_usd`` of borrowings and ``sponsor_equity_usd`` of
    equity, held as cash and other assets. To compare accounting rather than business, the GPUs'
    compute earns the sponsor exactly the lease payment each year in every view. Then:

    * **own**: the GPUs are an asset depreciated straight-line to their residual value over the
      lease term; the debt is the sponsor's and amortises as in the vehicle; the new equity is the
      sponsor's. Cash grows by the compute's earnings minus debt service.
    * **lease**: a right-of-use asset and a lease liability equal to the present value of the
      payments at the incremental borrowing rate (:func:`lease_liability_schedule`). For an
      *operating* lease the cost is the level payment, so the asset equals the liability every
      year; for a *finance* lease the asset is amortised straight-line and interest is charged on
      the liability.
    * **service**: nothing on the balance sheet; the remaining payments are a commitment in the
      notes.
    * **consolidate**: the GPUs and the vehicle's debt as in ``own``; the vehicle's equity belongs
      to outside investors and shows as a non-controlling interest, which earns the vehicle's
      profit and receives its cash to equity. The lease is eliminated within the group.
    * **failed_sale**: a sale and leaseback that ASC 842-40 does not accept as a sale (see
      :func:`sale_leaseback_test`). The GPUs stay on the sponsor's books, depreciated exactly as in
      ``own``; the price the vehicle paid, all of ``deal.total_cost_usd`` (its debt *and* its
      equity), is a financial liability (:func:`financing_liability_schedule`) that the lease
      payments repay, with interest, to the GPUs' carrying amount at the end of the lease. It
      counts as debt, in the headlines and for a credit analyst alike.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`~gpu_finance.lease_payment` (defaults :data:`~gpu_finance.TARGET_EQUITY_RETURN`
        and :data:`~gpu_finance.RESIDUAL_VALUE_FRACTION`).
    incremental_borrowing_rate : float, optional
        The sponsor's incremental borrowing rate, a fraction per year in [0, 1). An assumption;
        default: the book's figure, :data:`INCREMENTAL_BORROWING_RATE`.
    lease_type : str or None
        ``"operating"`` or ``"finance"``: how the ``lease`` view is accounted for under ASC 842.
        ``None`` (the default) lets :func:`lease_classification` decide from the same terms (with
        its default economic life and no purchase option), so the view agrees with the
        classification: for the reported Colossus 2 terms, a finance lease. Only the ``lease`` view
        depends on it.
    sponsor_debt_usd : float, optional
        The sponsor's own borrowings before the deal, in USD, at least zero. Default:
        :data:`SPONSOR_DEBT_USD`, xAI's reported $5B.
    sponsor_equity_usd : float, optional
        The sponsor's book equity before the deal, in USD, greater than zero. An assumption;
        default: the book's figure, :data:`SPONSOR_EQUITY_USD`.

    Returns
    -------
    pandas.DataFrame
        One row per view and year (views in the order of :data:`VIEWS`, years ``0`` to
        ``lease_term_years``), money in USD:

        ``view``, ``year``; assets: ``cash_and_other_assets_usd``, ``gpus_usd``,
        ``right_of_use_asset_usd``, ``total_assets_usd``; liabilities: ``borrowings_usd``,
        ``lease_liability_usd``, ``financing_liability_usd`` (the failed sale-leaseback's
        liability to the vehicle), ``total_liabilities_usd``; equity: ``shareholders_equity_usd``,
        ``noncontrolling_interest_usd``, ``total_equity_usd``; then ``headline_debt_usd`` (what
        headlines call debt: borrowings and financing liabilities, plus finance-lease
        liabilities), ``debt_to_equity``
        (headline debt over total equity), ``commitments_in_notes_usd`` (undiscounted lease or
        contract payments still to come), ``adjusted_debt_usd`` (what a credit analyst counts:
        borrowings and financing liabilities plus the present value of the remaining lease or
        contract payments at the incremental borrowing rate) and ``adjusted_debt_to_equity``. Ratios are ``NaN`` where
        total equity is not positive.

        In every row ``total_assets_usd == total_liabilities_usd + total_equity_usd``.
        ``DataFrame.attrs["lease_type"]`` holds the lease type used for the ``lease`` view and
        ``DataFrame.attrs["financing_rate"]`` the interest rate of the ``failed_sale`` view.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> sheets = sponsor_balance_sheets(COLOSSUS_2)
    >>> signing = sheets[sheets["year"] == 0].set_index("view")
    >>> (signing["headline_debt_usd"] / 1e9).round(1).to_dict()
    {'own': 17.5, 'lease': 25.9, 'service': 5.0, 'consolidate': 17.5, 'failed_sale': 25.0}
    >>> sheets.attrs["lease_type"]
    'finance'
    >>> (signing["adjusted_debt_usd"] / 1e9).round(1).to_dict()
    {'own': 17.5, 'lease': 25.9, 'service': 25.9, 'consolidate': 17.5, 'failed_sale': 25.0}

    In the failed sale-leaseback the liability is the whole price the vehicle paid, debt and equity:

    >>> float(signing.loc["failed_sale", "financing_liability_usd"]) == COLOSSUS_2.total_cost_usd
    True

    Read as an operating lease, the same lease leaves the headline debt at the sponsor's own:

    >>> operating = sponsor_balance_sheets(COLOSSUS_2, lease_type="operating")
    >>> round(float(operating.query("view == 'lease' and year == 0")["headline_debt_usd"].item()) / 1e9, 1)
    5.0
    """
    k, residual_fraction, i = check_lease_terms(deal, target_equity_return, residual_value_fraction,
                                                incremental_borrowing_rate)
    if lease_type is None:
        kind = lease_classification(deal, k, residual_fraction, i).attrs["lease_type"]
    else:
        kind = check_choice("lease_type", lease_type, LEASE_TYPES)
    debt0 = check_number("sponsor_debt_usd", default("SPONSOR_DEBT_USD") if sponsor_debt_usd is None
                         else sponsor_debt_usd, 0, math.inf)
    equity0 = check_number("sponsor_equity_usd", default("SPONSOR_EQUITY_USD") if sponsor_equity_usd is None
                           else sponsor_equity_usd, 0, math.inf, low_closed=False)

    n = deal.lease_term_years
    years = np.arange(0, n + 1)
    payment = lease_payment(deal, k, residual_fraction)
    earnings = np.r_[0.0, np.full(n, payment)]  # the compute earns the lease payment each year

    schedule = lease_year_debt(deal)  # the vehicle's debt over the lease years
    interest = np.r_[0.0, schedule["interest_usd"].to_numpy()]
    principal = np.r_[0.0, schedule["principal_usd"].to_numpy()]
    balance = np.r_[deal.debt_usd, schedule["closing_balance_usd"].to_numpy()]
    depreciation = np.r_[0.0, np.full(n, deal.total_cost_usd * (1.0 - residual_fraction) / n)]
    gpus = deal.total_cost_usd - np.cumsum(depreciation)

    lease = lease_liability_schedule(deal, k, residual_fraction, i)
    liability = lease["liability_usd"].to_numpy()
    remaining = lease["remaining_payments_usd"].to_numpy()
    financing = financing_liability_schedule(deal, k, residual_fraction, i)
    other0 = debt0 + equity0
    zeros = np.zeros(n + 1)

    views: dict[str, dict[str, np.ndarray]] = {}
    # (a) own: the sponsor's profit is the compute's earnings less depreciation and interest.
    views["own"] = dict(
        cash=other0 + np.cumsum(earnings - interest - principal), gpus=gpus, rou=zeros,
        borrowings=debt0 + balance, lease=zeros, financing=zeros,
        equity=equity0 + deal.equity_usd + np.cumsum(earnings - depreciation - interest), nci=zeros,
        headline_extra=zeros, adjusted_extra=zeros, notes=zeros,
    )
    # (b) lease under ASC 842.
    if kind == "operating":
        rou, lease_equity = liability.copy(), np.full(n + 1, equity0)
    else:
        amortisation = np.r_[0.0, np.full(n, liability[0] / n)]
        lease_interest = lease["interest_usd"].to_numpy()
        rou = liability[0] - np.cumsum(amortisation)
        lease_equity = equity0 + np.cumsum(earnings - amortisation - lease_interest)
    views["lease"] = dict(
        cash=np.full(n + 1, other0), gpus=zeros, rou=rou, borrowings=np.full(n + 1, debt0),
        lease=liability, financing=zeros, equity=lease_equity, nci=zeros,
        headline_extra=liability if kind == "finance" else zeros, adjusted_extra=liability, notes=remaining,
    )
    # (c) a compute contract: nothing on the balance sheet.
    views["service"] = dict(
        cash=np.full(n + 1, other0), gpus=zeros, rou=zeros, borrowings=np.full(n + 1, debt0),
        lease=zeros, financing=zeros, equity=np.full(n + 1, equity0), nci=zeros,
        headline_extra=zeros, adjusted_extra=liability, notes=remaining,
    )
    # (d) consolidated: the vehicle's profit and cash to equity belong to its outside owners.
    views["consolidate"] = dict(
        cash=np.full(n + 1, other0), gpus=gpus, rou=zeros, borrowings=debt0 + balance, lease=zeros,
        financing=zeros, equity=np.full(n + 1, equity0),
        nci=deal.equity_usd - np.cumsum(depreciation) + np.cumsum(principal),
        headline_extra=zeros, adjusted_extra=zeros, notes=zeros,
    )
    # (e) failed sale-leaseback: the GPUs stay, the vehicle's whole price is owed back to it. The
    # rent the compute earns pays the liability, so cash does not move.
    views["failed_sale"] = dict(
        cash=np.full(n + 1, other0), gpus=gpus, rou=zeros, borrowings=np.full(n + 1, debt0), lease=zeros,
        financing=financing["liability_usd"].to_numpy(),
        equity=equity0 + np.cumsum(earnings - depreciation - financing["interest_usd"].to_numpy()), nci=zeros,
        headline_extra=zeros, adjusted_extra=zeros, notes=zeros,
    )

    frames = []
    for view, v in views.items():
        assets = v["cash"] + v["gpus"] + v["rou"]
        liabilities = v["borrowings"] + v["lease"] + v["financing"]
        equity = v["equity"] + v["nci"]
        headline = v["borrowings"] + v["financing"] + v["headline_extra"]
        adjusted = v["borrowings"] + v["financing"] + v["adjusted_extra"]
        positive = equity > 0
        safe = np.where(positive, equity, 1.0)
        frames.append(pd.DataFrame({
            "view": view,
            "year": years,
            "cash_and_other_assets_usd": v["cash"],
            "gpus_usd": v["gpus"],
            "right_of_use_asset_usd": v["rou"],
            "total_assets_usd": assets,
            "borrowings_usd": v["borrowings"],
            "lease_liability_usd": v["lease"],
            "financing_liability_usd": v["financing"],
            "total_liabilities_usd": liabilities,
            "shareholders_equity_usd": v["equity"],
            "noncontrolling_interest_usd": v["nci"],
            "total_equity_usd": equity,
            "headline_debt_usd": headline,
            "debt_to_equity": np.where(positive, headline / safe, np.nan),
            "commitments_in_notes_usd": v["notes"],
            "adjusted_debt_usd": adjusted,
            "adjusted_debt_to_equity": np.where(positive, adjusted / safe, np.nan),
        }))
    result = pd.concat(frames, ignore_index=True)
    result.attrs["lease_type"] = kind
    result.attrs["financing_rate"] = financing.attrs["interest_rate"]
    return result


def compare_views(sheets: pd.DataFrame, year: int = 0) -> pd.DataFrame:
    """The five views side by side for one year: one row per line item, one column per view.

    Parameters
    ----------
    sheets : pandas.DataFrame
        A table from :func:`sponsor_balance_sheets`.
    year : int
        The year to show: 0 is the signing.

    Returns
    -------
    pandas.DataFrame
        Index: the line items' labels, money in USD and the two ratios last; columns: the views'
        labels from :data:`VIEWS`.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> table = compare_views(sponsor_balance_sheets(COLOSSUS_2))
    >>> round(float(table.loc["Total liabilities", "(b) Leases them (ASC 842)"]) / 1e9, 1)
    25.9
    """
    if not isinstance(sheets, pd.DataFrame) or not {"view", "year"} <= set(sheets.columns):
        raise ValueError("sheets must be a DataFrame from sponsor_balance_sheets")
    last = int(sheets["year"].max())
    chosen = check_whole("year", year, 0, last)
    rows = sheets[sheets["year"] == chosen].set_index("view")
    table = rows[list(LINE_ITEMS)].T.rename(index=LINE_ITEMS, columns=VIEWS)
    table.columns.name = None
    return table


@dataclass(frozen=True)
class ConsolidationDecision:
    """The outcome of :func:`consolidation_decision`.

    Attributes
    ----------
    rule : str
        The key of the rule applied (see :data:`CONSOLIDATION_RULES`).
    entity : str
        What the vehicle is under that rule: ``"special purpose entity"``, ``"variable interest
        entity"`` or ``"voting interest entity"``.
    consolidate : bool
        Whether the sponsor puts the vehicle on its balance sheet.
    steps : tuple of (str, str)
        The questions asked, in order, each with its answer.
    """

    rule: str
    entity: str
    consolidate: bool
    steps: tuple[tuple[str, str], ...]

    @property
    def verdict(self) -> str:
        """One line: whether the sponsor consolidates, and under which rule."""
        label = Message(CONSOLIDATION_RULES[self.rule])
        if self.consolidate:
            return Message("Consolidate: the vehicle's assets and debt go on the sponsor's balance sheet ({rule})",
                           rule=label)
        return Message("Do not consolidate: the vehicle's debt stays off the sponsor's balance sheet ({rule})",
                       rule=label)

    def table(self) -> pd.DataFrame:
        """The steps as a table: ``step`` (1, 2, ...), ``question`` and ``answer``."""
        return pd.DataFrame(
            [(n, q, a) for n, (q, a) in enumerate(self.steps, start=1)], columns=["step", "question", "answer"]
        )


def consolidation_decision(
    *,
    rule: str = "asc_810",
    outside_equity_share: float,
    equity_sufficient: bool,
    equity_holders_have_power: bool,
    sponsor_has_power: bool,
    sponsor_loss_share: float,
    sponsor_voting_share: float = 0.0,
    significance_threshold: float = 0.10,
) -> ConsolidationDecision:
    """Must the sponsor consolidate the vehicle? The test of three eras, as a decision tree.

    * ``"pre_2003"``: a special purpose entity stayed off its sponsor's books if outside owners
      held at least 3% of its assets as equity at risk; otherwise the sponsor consolidated it.
    * ``"fin_46r"`` (FIN 46(R), 2003 to 2009): the vehicle is a *variable interest entity* (VIE)
      if its equity at risk is not sufficient to finance it or its equity holders lack the power to
      direct it. A VIE is consolidated by its primary beneficiary, the party that absorbs the
      majority of its expected losses (or receives the majority of its expected returns).
    * ``"asc_810"`` (ASC 810 after FAS 167, from 2010): same VIE test; the primary beneficiary is
      the party that both directs the activities that most affect the vehicle's performance and
      absorbs losses or receives returns that could be significant to it.

    An entity that is not a VIE (or an SPE that passes the 3% rule) is consolidated by whoever
    holds a majority of its votes.

    Parameters
    ----------
    rule : str
        One of :data:`CONSOLIDATION_RULES`.
    outside_equity_share : float
        Equity at risk from owners other than the sponsor, as a fraction of the vehicle's assets,
        in [0, 1]. (The base case: 37.5%.)
    equity_sufficient : bool
        Is the vehicle's equity at risk enough to finance its activities without extra
        subordinated support?
    equity_holders_have_power : bool
        Do the equity holders, as a group, direct the activities that matter (which GPUs, who
        uses them, when to sell)?
    sponsor_has_power : bool
        Does the sponsor direct those activities (for instance through the lease's terms)?
    sponsor_loss_share : float
        The share of the vehicle's expected losses (or expected returns) the sponsor absorbs, in
        [0, 1], through a residual value guarantee, a fixed-price purchase option, first-loss
        equity and the like.
    sponsor_voting_share : float
        The sponsor's share of the vehicle's votes, in [0, 1]. Default 0: it holds no equity.
    significance_threshold : float
        The share of losses or returns treated as "could be significant" under ASC 810, in
        (0, 1]. The standard gives no number; 10% is a common rule of thumb (an assumption).

    Returns
    -------
    ConsolidationDecision

    Examples
    --------
    >>> decision = consolidation_decision(outside_equity_share=0.375, equity_sufficient=True,
    ...     equity_holders_have_power=False, sponsor_has_power=True, sponsor_loss_share=0.2)
    >>> decision.entity, decision.consolidate
    ('variable interest entity', True)
    >>> consolidation_decision(rule="pre_2003", outside_equity_share=0.03, equity_sufficient=False,
    ...     equity_holders_have_power=False, sponsor_has_power=True, sponsor_loss_share=0.9).consolidate
    False
    """
    chosen = check_choice("rule", rule, tuple(CONSOLIDATION_RULES))
    outside = check_fraction("outside_equity_share", outside_equity_share)
    sufficient = check_flag("equity_sufficient", equity_sufficient)
    holders_power = check_flag("equity_holders_have_power", equity_holders_have_power)
    power = check_flag("sponsor_has_power", sponsor_has_power)
    losses = check_fraction("sponsor_loss_share", sponsor_loss_share)
    votes = check_fraction("sponsor_voting_share", sponsor_voting_share)
    threshold = check_number("significance_threshold", significance_threshold, 0.0, 1.0, low_closed=False)

    steps: list[tuple[str, str]] = []

    # English text that knows its message (gpu_finance.i18n.Message): shown in the reader's language.
    def yes_no(flag: bool) -> Message:
        return Message("Yes") if flag else Message("No")

    def by_votes(entity: str) -> ConsolidationDecision:
        majority = votes > 0.5
        steps.append((Message("Does the sponsor hold a majority of the votes?"),
                      Message("{answer}: it holds {share}", answer=yes_no(majority), share=f"{votes:.0%}")))
        return ConsolidationDecision(chosen, entity, majority, tuple(steps))

    if chosen == "pre_2003":
        passes = outside >= SPE_OUTSIDE_EQUITY_MINIMUM
        steps.append((Message("Do outside owners hold at least {share} of the assets as equity at risk?",
                              share=f"{SPE_OUTSIDE_EQUITY_MINIMUM:.0%}"),
                      Message("{answer}: {share}", answer=yes_no(passes), share=f"{outside:.1%}")))
        if not passes:
            steps.append((Message("Then"), Message("The sponsor consolidates the special purpose entity")))
            return ConsolidationDecision(chosen, "special purpose entity", True, tuple(steps))
        return by_votes("special purpose entity")

    is_vie = (not sufficient) or (not holders_power)
    reasons = [r for r, bad in ((Message("equity at risk too small"), not sufficient),
                                (Message("equity holders lack power"), not holders_power)) if bad]
    if is_vie:
        both = reasons[0] if len(reasons) == 1 else Message("{first} and {second}", first=reasons[0],
                                                            second=reasons[1])
        steps.append((Message("Is the vehicle a variable interest entity?"), Message("Yes: {reasons}", reasons=both)))
    else:
        steps.append((Message("Is the vehicle a variable interest entity?"),
                      Message("No: its equity is sufficient and its owners direct it")))
    if not is_vie:
        return by_votes("voting interest entity")
    if chosen == "fin_46r":
        majority = losses > 0.5
        steps.append((Message("Does the sponsor absorb a majority of the expected losses or returns?"),
                      Message("{answer}: {share}", answer=yes_no(majority), share=f"{losses:.0%}")))
        return ConsolidationDecision(chosen, "variable interest entity", majority, tuple(steps))
    steps.append((Message("Does the sponsor direct the activities that matter most?"), yes_no(power)))
    if not power:
        return ConsolidationDecision(chosen, "variable interest entity", False, tuple(steps))
    significant = losses >= threshold
    steps.append((Message("Could its share of losses or returns be significant?"),
                  Message("{answer}: {share} against a {threshold} rule of thumb",
                          answer=yes_no(significant), share=f"{losses:.0%}", threshold=f"{threshold:.0%}")))
    return ConsolidationDecision(chosen, "variable interest entity", significant, tuple(steps))
