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

All money is in USD, rates are fractions per year, years are whole numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from ._validation import check_choice, check_fraction, check_number, check_whole
from .datasets import fact
from .deal import MAX_TERM_YEARS, Deal, _require_deal, debt_schedule
from .spv import RESIDUAL_VALUE_FRACTION, TARGET_EQUITY_RETURN, _check_terms, lease_payment

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

#: The sponsor's incremental borrowing rate, a fraction per year. An assumption
#: (``sponsor.incremental_borrowing_rate``): the 12.5% reported on xAI's own corporate debt, not
#: the vehicle's 9.5%. ASC 842 asks for a collateralised rate over the lease term; chapter 1
#: discusses which of the two is nearer to it.
INCREMENTAL_BORROWING_RATE: float = fact("sponsor.incremental_borrowing_rate")

#: The sponsor's own borrowings before the deal, in USD: xAI's reported $5B of July 2025 debt.
SPONSOR_DEBT_USD: float = fact("xai.corporate_debt_usd")

#: The sponsor's book equity before the deal, in USD. An assumption (``sponsor.book_equity_usd``).
SPONSOR_EQUITY_USD: float = fact("sponsor.book_equity_usd")

#: The GPUs' economic life for the lease-classification test, in years. An assumption
#: (``colossus2.gpu_economic_life_years``).
GPU_ECONOMIC_LIFE_YEARS: int = int(fact("colossus2.gpu_economic_life_years"))

#: The five ways the deal can reach the sponsor's books: key -> label shown to readers.
VIEWS: dict[str, str] = {
    "own": "(a) Buys the GPUs itself",
    "lease": "(b) Leases them (ASC 842)",
    "service": "(c) Compute contract",
    "consolidate": "(d) Consolidates the SPV",
    "failed_sale": "(e) Failed sale-leaseback (ASC 842-40)",
}

#: Repurchase terms a seller-lessee may hold in a sale and leaseback: key -> label. Under ASC
#: 842-40-25-3 only an option at the asset's fair value, on an asset with substantially the same
#: alternatives readily available, leaves the transfer a sale.
REPURCHASE_OPTIONS: dict[str, str] = {
    "none": "No repurchase option",
    "fair_value": "An option to buy the GPUs back at their fair value when exercised",
    "fixed_price": "An option or obligation to buy them back at a price set in advance",
}

#: Lease types under ASC 842. IFRS 16 treats every lease like a finance lease.
LEASE_TYPES: tuple[str, ...] = ("operating", "finance")

#: Before 2003, the outside equity at risk (a fraction of assets) that kept a special purpose entity
#: off its sponsor's books (the rule Enron's entities relied on; Chewco failed it, which forced
#: Enron's 2001 restatement; ``accounting_history.csv``).
SPE_OUTSIDE_EQUITY_MINIMUM: float = 0.03

#: The consolidation rule of each era: key -> label.
CONSOLIDATION_RULES: dict[str, str] = {
    "pre_2003": "Before 2003: the 3% outside-equity rule",
    "fin_46r": "FIN 46(R), 2003-2009: majority of expected losses",
    "asc_810": "ASC 810 after FAS 167, from 2010: power and exposure",
}


def _check_rate(name: str, value: object) -> float:
    return check_fraction(name, value, one_allowed=False)


def lease_liability_schedule(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
) -> pd.DataFrame:
    """The sponsor's lease liability under ASC 842, from signing to the end of the lease.

    At signing the liability is the present value of the level lease payments ``X``
    (:func:`~gpu_finance.lease_payment`, paid at the end of each year) at the incremental
    borrowing rate ``i``:

    .. math::

        L_0 = \\sum_{t=1}^{n} \\frac{X}{(1+i)^t}

    Each year it grows by interest at ``i`` and falls by the payment, reaching zero at the end.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`~gpu_finance.lease_payment`.
    incremental_borrowing_rate : float
        The rate the sponsor would pay to borrow over the lease term, a fraction per year in
        [0, 1). An assumption; default :data:`INCREMENTAL_BORROWING_RATE`.

    Returns
    -------
    pandas.DataFrame
        One row per year, ``0`` to ``lease_term_years``: ``year``, ``payment_usd``,
        ``interest_usd``, ``liability_usd`` (at the end of the year) and
        ``remaining_payments_usd`` (undiscounted, as disclosed in the notes).

    Examples
    --------
    Two payments of $57.62 at 10% are worth $100:

    >>> small = Deal(100, 100, 0, 0, 0.0, 2, 2)
    >>> lease_liability_schedule(small, 0.10, 0.0, 0.10)["liability_usd"].round(2).tolist()
    [100.0, 52.38, 0.0]
    """
    k, residual = _check_terms(deal, target_equity_return, residual_value_fraction)
    i = _check_rate("incremental_borrowing_rate", incremental_borrowing_rate)
    n = deal.lease_term_years
    payment = lease_payment(deal, k, residual)
    years = np.arange(0, n + 1)
    remaining = n - years
    # Present value of the payments still to come, each discounted from its own date.
    liability = np.array([sum(payment / (1.0 + i) ** s for s in range(1, r + 1)) for r in remaining])
    interest = np.r_[0.0, liability[:-1] * i]
    return pd.DataFrame(
        {
            "year": years,
            "payment_usd": np.r_[0.0, np.full(n, payment)],
            "interest_usd": interest,
            "liability_usd": liability,
            "remaining_payments_usd": payment * remaining,
        }
    )


def _annuity_factor(rate: float, years: int) -> float:
    """Present value of 1 a year for ``years`` years at ``rate``, accurate for rates near zero."""
    if rate == 0.0:
        return float(years)
    return float(-math.expm1(-years * math.log1p(rate)) / rate)


def _rate_reaching(cost: float, payment: float, years: int, end_usd: float) -> float:
    """The rate at which ``cost``, paid down by ``payment`` a year, is exactly ``end_usd`` after
    ``years``; ``-inf`` if no rate above -99% gets it that low.

    ``cost - payment * a(r) - end * (1+r)**-n`` rises with ``r`` (``a`` is the annuity factor), so
    the root is unique and bracketed.
    """
    def gap(rate: float) -> float:
        return cost - end_usd * math.exp(-years * math.log1p(rate)) - payment * _annuity_factor(rate, years)

    low, high = -0.99, 10.0 * max(payment, 0.0) / cost + 10.0
    if gap(low) >= 0.0:
        return -math.inf
    return float(brentq(gap, low, high, xtol=1e-16, rtol=1e-15, maxiter=500))


def financing_liability_schedule(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
) -> pd.DataFrame:
    """The seller-lessee's financial liability in a failed sale and leaseback (ASC 842-40).

    When the transfer of the GPUs to the vehicle is not a sale, the sponsor keeps the GPUs on its
    books and records what the vehicle paid, ``deal.total_cost_usd`` (the vehicle's debt *and*
    equity), as a financial liability (ASC 842-40-25-5). Each lease payment ``X`` is split into
    interest at a rate ``r`` and repayment:

    .. math::

        F_t = F_{t-1}(1+r) - X, \\qquad F_0 = C

    The sponsor starts from its incremental borrowing rate, but ASC 842-40-30-6 has it adjust the
    rate where needed so that (a) interest over the lease term is not more than the payments (no
    negative amortisation: ``F_n <= C``, so ``r <= X / C``) and (b) the GPUs' carrying amount at
    the end of the lease is not more than the liability (no built-in loss: ``F_n >= R``, the
    residual value to which the GPUs are depreciated). The rate used is therefore the incremental
    borrowing rate held between those two bounds; at the lower bound, the rate implicit in the
    lease, the liability amortises exactly to the GPUs' carrying amount and no gain or loss arises
    when the vehicle takes them back.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`~gpu_finance.lease_payment`.
    incremental_borrowing_rate : float
        The sponsor's incremental borrowing rate, a fraction per year in [0, 1). An assumption;
        default :data:`INCREMENTAL_BORROWING_RATE`.

    Returns
    -------
    pandas.DataFrame
        One row per year, ``0`` to ``lease_term_years``, in USD: ``year``, ``payment_usd``,
        ``interest_usd``, ``principal_usd`` (payment less interest) and ``liability_usd`` (at the
        end of the year). ``DataFrame.attrs``: ``"interest_rate"`` (the rate used, a fraction per
        year), ``"rate_basis"`` (``"incremental borrowing rate"``, ``"raised: no built-in loss"``
        or ``"lowered: no negative amortisation"``) and ``"end_carrying_amount_usd"`` (the GPUs'
        book value when the lease ends).

    References
    ----------
    ASC 842-40-25-5 and 842-40-30-6, as quoted and explained in PwC's *Leases* guide, section 6.5
    (the book's reference ``pwc2026saleleaseback``).

    Examples
    --------
    A $100 asset "sold" to an all-equity vehicle that wants 13.1% a year, and leased back for two
    years with nothing left at the end: the rent repays the $100 at 13.1%, above a 10% borrowing
    rate, so the rate is raised to 13.1% and the liability runs off to zero.

    >>> small = Deal(100, 100, 0, 0, 0.0, 2, 2)
    >>> schedule = financing_liability_schedule(small, 0.131, 0.0, 0.10)
    >>> schedule["liability_usd"].round(2).tolist()
    [100.0, 53.07, 0.0]
    >>> round(schedule.attrs["interest_rate"], 6)
    0.131
    >>> schedule.attrs["rate_basis"]
    'raised: no built-in loss'
    """
    k, residual = _check_terms(deal, target_equity_return, residual_value_fraction)
    i = _check_rate("incremental_borrowing_rate", incremental_borrowing_rate)
    n = deal.lease_term_years
    cost = deal.total_cost_usd
    payment = lease_payment(deal, k, residual)
    end_value = residual * cost
    no_loss = _rate_reaching(cost, payment, n, end_value)  # at least this, or a loss is built in
    no_growth = payment / cost  # at most this, or interest outruns the payments
    if i < no_loss:
        rate, basis = no_loss, "raised: no built-in loss"
    elif i > no_growth:
        rate, basis = no_growth, "lowered: no negative amortisation"
    else:
        rate, basis = i, "incremental borrowing rate"
    liability = np.empty(n + 1)
    liability[0] = cost
    for t in range(1, n + 1):
        liability[t] = liability[t - 1] * (1.0 + rate) - payment
    if basis.startswith("raised") and abs(liability[-1] - end_value) <= 1e-9 * cost:
        liability[-1] = end_value  # exact by construction: drop the root finder's last digits
    interest = np.r_[0.0, liability[:-1] * rate]
    payments = np.r_[0.0, np.full(n, payment)]
    frame = pd.DataFrame({
        "year": np.arange(0, n + 1),
        "payment_usd": payments,
        "interest_usd": interest,
        "principal_usd": payments - interest,
        "liability_usd": liability,
    })
    frame.attrs.update(interest_rate=float(rate), rate_basis=basis, end_carrying_amount_usd=float(end_value))
    return frame


def sponsor_balance_sheets(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
    lease_type: str | None = None,
    sponsor_debt_usd: float = SPONSOR_DEBT_USD,
    sponsor_equity_usd: float = SPONSOR_EQUITY_USD,
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
        As for :func:`~gpu_finance.lease_payment`.
    incremental_borrowing_rate : float
        The sponsor's incremental borrowing rate, a fraction per year in [0, 1). An assumption;
        default :data:`INCREMENTAL_BORROWING_RATE`.
    lease_type : str or None
        ``"operating"`` or ``"finance"``: how the ``lease`` view is accounted for under ASC 842.
        ``None`` (the default) lets :func:`lease_classification` decide from the same terms (with
        its default economic life and no purchase option), so the view agrees with the
        classification: for the reported Colossus 2 terms, a finance lease. Only the ``lease`` view
        depends on it.
    sponsor_debt_usd : float
        The sponsor's own borrowings before the deal, in USD, at least zero. Default: xAI's
        reported $5B.
    sponsor_equity_usd : float
        The sponsor's book equity before the deal, in USD, greater than zero. An assumption;
        default :data:`SPONSOR_EQUITY_USD`.

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
    k, residual_fraction = _check_terms(deal, target_equity_return, residual_value_fraction)
    i = _check_rate("incremental_borrowing_rate", incremental_borrowing_rate)
    if lease_type is None:
        kind = lease_classification(deal, k, residual_fraction, i).attrs["lease_type"]
    else:
        kind = check_choice("lease_type", lease_type, LEASE_TYPES)
    debt0 = check_number("sponsor_debt_usd", sponsor_debt_usd, 0, math.inf)
    equity0 = check_number("sponsor_equity_usd", sponsor_equity_usd, 0, math.inf, low_closed=False)

    n = deal.lease_term_years
    years = np.arange(0, n + 1)
    payment = lease_payment(deal, k, residual_fraction)
    earnings = np.r_[0.0, np.full(n, payment)]  # the compute earns the lease payment each year

    schedule = debt_schedule(deal).set_index("year").reindex(range(1, n + 1)).fillna(0.0)
    interest = np.r_[0.0, schedule["interest_usd"].to_numpy()]
    principal = np.r_[0.0, schedule["principal_usd"].to_numpy()]
    balance = np.r_[deal.debt_usd, schedule["closing_balance_usd"].to_numpy()]
    balance = np.where(np.abs(balance) < 1e-6 * max(deal.debt_usd, 1.0), 0.0, balance)
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


_LINE_ITEMS: dict[str, str] = {
    "cash_and_other_assets_usd": "Cash and other assets",
    "gpus_usd": "GPUs",
    "right_of_use_asset_usd": "Right-of-use asset",
    "total_assets_usd": "Total assets",
    "borrowings_usd": "Borrowings",
    "lease_liability_usd": "Lease liability",
    "financing_liability_usd": "Financing liability (failed sale)",
    "total_liabilities_usd": "Total liabilities",
    "shareholders_equity_usd": "Shareholders' equity",
    "noncontrolling_interest_usd": "Non-controlling interest",
    "total_equity_usd": "Total equity",
    "headline_debt_usd": "Debt, as headlines report it",
    "commitments_in_notes_usd": "Commitments in the notes",
    "adjusted_debt_usd": "Adjusted debt (lease capitalised)",
    "debt_to_equity": "Debt to equity",
    "adjusted_debt_to_equity": "Adjusted debt to equity",
}


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
    table = rows[list(_LINE_ITEMS)].T.rename(index=_LINE_ITEMS, columns=VIEWS)
    table.columns.name = None
    return table


def lease_classification(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
    economic_life_years: int = GPU_ECONOMIC_LIFE_YEARS,
    transfers_ownership: bool = False,
    purchase_option_reasonably_certain: bool = False,
    specialised_asset: bool = False,
) -> pd.DataFrame:
    """ASC 842's five tests for a finance lease, applied to the sponsor's lease from the vehicle.

    A lessee accounts for a lease as a *finance* lease if any test is met, otherwise as an
    *operating* lease. The two numeric tests use the thresholds ASC 842 suggests as a reasonable
    approach: a lease term of 75% or more of the asset's remaining economic life, and a present
    value of the payments (plus any residual value the lessee guarantees; none here) of 90% or
    more of its fair value, taken to be its cost.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction, incremental_borrowing_rate
        As for :func:`lease_liability_schedule`.
    economic_life_years : int
        The GPUs' remaining economic life at signing, whole years from 1 to 15. An assumption;
        default :data:`GPU_ECONOMIC_LIFE_YEARS`.
    transfers_ownership, purchase_option_reasonably_certain, specialised_asset : bool
        The three judgement tests: does the lease hand the GPUs to the sponsor at the end, does it
        hold a purchase option it is reasonably certain to exercise, are the GPUs so specialised
        that they have no other use to the lessor?

    Returns
    -------
    pandas.DataFrame
        One row per test: ``test``, ``measure`` (the figure tested, as a fraction where numeric,
        else ``NaN``), ``threshold`` (likewise) and ``met`` (bool). ``DataFrame.attrs["lease_type"]``
        holds ``"finance"`` or ``"operating"``.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> tests = lease_classification(COLOSSUS_2)
    >>> tests["met"].tolist(), tests.attrs["lease_type"]
    ([False, False, True, True, False], 'finance')
    """
    k, residual = _check_terms(deal, target_equity_return, residual_value_fraction)
    i = _check_rate("incremental_borrowing_rate", incremental_borrowing_rate)
    life = check_whole("economic_life_years", economic_life_years, 1, MAX_TERM_YEARS)
    flags = {
        "transfers_ownership": transfers_ownership,
        "purchase_option_reasonably_certain": purchase_option_reasonably_certain,
        "specialised_asset": specialised_asset,
    }
    for name, value in flags.items():
        _check_flag(name, value)
    present_value = float(lease_liability_schedule(deal, k, residual, i)["liability_usd"].iloc[0])
    term_share = min(deal.lease_term_years / life, 1.0)
    value_share = present_value / deal.total_cost_usd
    rows = [
        ("Ownership passes to the sponsor", np.nan, np.nan, bool(transfers_ownership)),
        ("A purchase option the sponsor is reasonably certain to use", np.nan, np.nan,
         bool(purchase_option_reasonably_certain)),
        ("Lease term / economic life", term_share, 0.75, term_share >= 0.75),
        ("Present value of payments / fair value", value_share, 0.90, value_share >= 0.90),
        ("Asset so specialised the lessor has no other use for it", np.nan, np.nan, bool(specialised_asset)),
    ]
    frame = pd.DataFrame(rows, columns=["test", "measure", "threshold", "met"])
    frame.attrs["lease_type"] = "finance" if frame["met"].any() else "operating"
    return frame


def sale_leaseback_test(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
    incremental_borrowing_rate: float = INCREMENTAL_BORROWING_RATE,
    economic_life_years: int = GPU_ECONOMIC_LIFE_YEARS,
    repurchase_option: str = "none",
    alternative_assets_available: bool = True,
) -> pd.DataFrame:
    """Is handing the GPUs to the vehicle a sale? ASC 842-40's test for a sale and leaseback.

    When the sponsor controls the GPUs before the vehicle buys them and leases them back, ASC
    842-40-25-1 accepts the transfer as a sale only if it is one under the revenue standard (ASC
    606: control passes to the buyer-lessor). Two terms of the deal rule a sale out:

    * **the leaseback is a finance lease** (ASC 842-40-25-2): a finance lease is in substance a
      purchase, so the sponsor would hand control over and take it straight back. The test uses
      :func:`lease_classification` on the same terms;
    * **a repurchase option or obligation** (ASC 842-40-25-3): it blocks a sale unless it can be
      exercised only at the asset's fair value when exercised *and* alternative assets,
      substantially the same, are readily available in the market.

    If either applies, the transfer is not a sale: the sponsor's books are view ``failed_sale`` of
    :func:`sponsor_balance_sheets`. Otherwise it is a sale, and the leaseback (then an operating
    lease) is view ``lease``. The other conditions of ASC 606 (an enforceable contract, control
    passing in every other respect) are taken as met.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction, incremental_borrowing_rate, economic_life_years
        As for :func:`lease_classification`.
    repurchase_option : str
        One of :data:`REPURCHASE_OPTIONS`: ``"none"``, ``"fair_value"`` or ``"fixed_price"``.
    alternative_assets_available : bool
        Are GPUs substantially the same as these readily available in the market? Matters only for
        a fair-value repurchase option.

    Returns
    -------
    pandas.DataFrame
        One row per condition: ``test``, ``answer`` (in words) and ``precludes_sale`` (bool).
        ``DataFrame.attrs``: ``"is_sale"`` (bool), ``"lease_type"`` (the leaseback's class) and
        ``"view"`` (``"lease"`` or ``"failed_sale"``, the view of :func:`sponsor_balance_sheets`
        that then shows the sponsor's books).

    References
    ----------
    ASC 842-40-25-1 to 25-5, as quoted and explained in PwC's *Leases* guide, sections 6.3.4,
    6.3.5 and 6.5, and Deloitte's *Roadmap: Leasing*, chapter 10 (the book's references
    ``pwc2026saleleaseback`` and ``deloitte2026leasingroadmap``).

    Examples
    --------
    The reported Colossus 2 terms: the leaseback would be a finance lease, so no sale.

    >>> from gpu_finance import COLOSSUS_2
    >>> test = sale_leaseback_test(COLOSSUS_2)
    >>> test["precludes_sale"].tolist(), test.attrs["is_sale"], test.attrs["view"]
    ([True, False], False, 'failed_sale')

    A three-year leaseback whose vehicle keeps 40% of the value is an operating lease, and a sale;
    a repurchase option at a fixed price would undo it.

    >>> short = COLOSSUS_2.replace(lease_term_years=3, debt_term_years=3)
    >>> sale_leaseback_test(short, residual_value_fraction=0.4).attrs["view"]
    'lease'
    >>> sale_leaseback_test(short, residual_value_fraction=0.4, repurchase_option="fixed_price").attrs["is_sale"]
    False
    """
    classification = lease_classification(deal, target_equity_return, residual_value_fraction,
                                          incremental_borrowing_rate, economic_life_years)
    option = check_choice("repurchase_option", repurchase_option, tuple(REPURCHASE_OPTIONS))
    available = _check_flag("alternative_assets_available", alternative_assets_available)
    kind = classification.attrs["lease_type"]
    finance = kind == "finance"
    met = "; ".join(classification.loc[classification["met"], "test"])
    blocks = option == "fixed_price" or (option == "fair_value" and not available)
    if option == "none":
        option_answer = "No: the sponsor holds no repurchase option"
    elif option == "fixed_price":
        option_answer = "Yes: a repurchase at a price set in advance keeps control with the sponsor"
    elif available:
        option_answer = "No: the option is at fair value and similar GPUs are readily available"
    else:
        option_answer = "Yes: the option is at fair value, but no similar GPUs are readily available"
    rows = [
        ("Is the leaseback a finance lease? (ASC 842-40-25-2)",
         f"Yes: {met}" if finance else "No: an operating lease, no test of ASC 842-10-25-2 is met", finance),
        ("Does a repurchase option keep control with the sponsor? (ASC 842-40-25-3)", option_answer, blocks),
    ]
    frame = pd.DataFrame(rows, columns=["test", "answer", "precludes_sale"])
    is_sale = not frame["precludes_sale"].any()
    frame.attrs.update(is_sale=bool(is_sale), lease_type=kind, view="lease" if is_sale else "failed_sale")
    return frame


def _check_flag(name: str, value: object) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={value!r} is not True or False")
    return bool(value)


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
        label = CONSOLIDATION_RULES[self.rule]
        if self.consolidate:
            return f"Consolidate: the vehicle's assets and debt go on the sponsor's balance sheet ({label})"
        return f"Do not consolidate: the vehicle's debt stays off the sponsor's balance sheet ({label})"

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
    sufficient = _check_flag("equity_sufficient", equity_sufficient)
    holders_power = _check_flag("equity_holders_have_power", equity_holders_have_power)
    power = _check_flag("sponsor_has_power", sponsor_has_power)
    losses = check_fraction("sponsor_loss_share", sponsor_loss_share)
    votes = check_fraction("sponsor_voting_share", sponsor_voting_share)
    threshold = check_number("significance_threshold", significance_threshold, 0.0, 1.0, low_closed=False)

    steps: list[tuple[str, str]] = []

    def by_votes(entity: str) -> ConsolidationDecision:
        majority = votes > 0.5
        steps.append(("Does the sponsor hold a majority of the votes?",
                      f"{'Yes' if majority else 'No'}: it holds {votes:.0%}"))
        return ConsolidationDecision(chosen, entity, majority, tuple(steps))

    if chosen == "pre_2003":
        passes = outside >= SPE_OUTSIDE_EQUITY_MINIMUM
        steps.append((f"Do outside owners hold at least {SPE_OUTSIDE_EQUITY_MINIMUM:.0%} of the assets as equity at risk?",
                      f"{'Yes' if passes else 'No'}: {outside:.1%}"))
        if not passes:
            steps.append(("Then", "The sponsor consolidates the special purpose entity"))
            return ConsolidationDecision(chosen, "special purpose entity", True, tuple(steps))
        return by_votes("special purpose entity")

    is_vie = (not sufficient) or (not holders_power)
    reasons = [r for r, bad in (("equity at risk too small", not sufficient),
                                ("equity holders lack power", not holders_power)) if bad]
    steps.append(("Is the vehicle a variable interest entity?",
                  f"Yes: {' and '.join(reasons)}" if is_vie
                  else "No: its equity is sufficient and its owners direct it"))
    if not is_vie:
        return by_votes("voting interest entity")
    if chosen == "fin_46r":
        majority = losses > 0.5
        steps.append(("Does the sponsor absorb a majority of the expected losses or returns?",
                      f"{'Yes' if majority else 'No'}: {losses:.0%}"))
        return ConsolidationDecision(chosen, "variable interest entity", majority, tuple(steps))
    steps.append(("Does the sponsor direct the activities that matter most?", "Yes" if power else "No"))
    if not power:
        return ConsolidationDecision(chosen, "variable interest entity", False, tuple(steps))
    significant = losses >= threshold
    steps.append(("Could its share of losses or returns be significant?",
                  f"{'Yes' if significant else 'No'}: {losses:.0%} against a {threshold:.0%} rule of thumb"))
    return ConsolidationDecision(chosen, "variable interest entity", significant, tuple(steps))
