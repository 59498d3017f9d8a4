"""The SPV's side of the deal: the lease payment that pays its lenders and its equity investors.

The vehicle owns the GPUs and leases them to the sponsor on a *triple-net* lease (the sponsor pays
power, maintenance and insurance), so its only income is the lease payment and, at the end of the
lease, whatever the GPUs are worth (their residual value). Out of that it pays its debt service,
and what is left goes to its equity investors.

All money is in USD per year; rates and fractions are fractions (0.22 = 22%).

Chapter 1 adds the vehicle's whole year-by-year cash flow (:func:`spv_cash_flows`), the rate
implicit in its lease (:func:`rate_implicit_in_lease`), who pays whom (:func:`money_flows`), the
dilution the structure avoids (:func:`founder_dilution`) and the chip vendor's loop
(:func:`vendor_loop`). Every figure the sources do not give is a named default drawn from an
``A`` (assumption) row of ``deal_facts.csv``, which the reader can change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy_financial as npf
import pandas as pd

from ._validation import check_fraction, check_number
from .datasets import fact
from .deal import Deal, _require_deal, debt_schedule

__all__ = [
    "TARGET_EQUITY_RETURN",
    "RESIDUAL_VALUE_FRACTION",
    "PRE_MONEY_VALUATION_USD",
    "VENDOR_GROSS_MARGIN",
    "VALOR_COMPUTE",
    "FLOW_PERIODS",
    "lease_payment",
    "equity_cash_flows",
    "spv_cash_flows",
    "equity_irr",
    "rate_implicit_in_lease",
    "money_flows",
    "founder_dilution",
    "VendorLoop",
    "vendor_loop",
]

#: The return Valor reportedly pitched to the vehicle's equity investors ("above 22%"), a
#: fraction per year; a row of ``deal_facts.csv`` (second-hand, one source).
TARGET_EQUITY_RETURN: float = fact("colossus2.target_equity_return")

#: What the GPUs are worth to the vehicle when the lease ends, as a fraction of their cost. An
#: assumption (``colossus2.residual_value_fraction``): zero, as in a lease-to-own structure whose
#: payments repay the whole cost. The reader can change it everywhere it is a parameter.
RESIDUAL_VALUE_FRACTION: float = fact("colossus2.residual_value_fraction")

#: The sponsor's value before new money, in USD, for the dilution comparison. An assumption
#: (``sponsor.pre_money_valuation_usd``): a round number, not a reported valuation.
PRE_MONEY_VALUATION_USD: float = fact("sponsor.pre_money_valuation_usd")

#: The chip vendor's gross margin on what the vehicle buys, a fraction of revenue. An assumption
#: (``vendor.gross_margin``).
VENDOR_GROSS_MARGIN: float = fact("vendor.gross_margin")


def _check_terms(deal: Deal, target_equity_return: float, residual_value_fraction: float) -> tuple[float, float]:
    _require_deal(deal)
    k = check_number("target_equity_return", target_equity_return, 0.0, 1.0, high_closed=False)
    residual = check_number("residual_value_fraction", residual_value_fraction, 0.0, 1.0)
    return k, residual


def _debt_service_by_lease_year(deal: Deal) -> tuple[np.ndarray, float]:
    """Debt payments in each lease year (zero after the debt is repaid) and the balance still owed
    when the lease ends (zero if the debt term is no longer than the lease)."""
    schedule = debt_schedule(deal)
    years = deal.lease_term_years
    payments = np.zeros(years)
    paid_in_lease = schedule[schedule["year"] <= years]
    payments[: len(paid_in_lease)] = paid_in_lease["payment_usd"].to_numpy()
    if deal.debt_term_years > years:
        still_owed = float(schedule.loc[schedule["year"] == years, "closing_balance_usd"].iloc[0])
    else:
        still_owed = 0.0
    return payments, still_owed


def lease_payment(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> float:
    """The level yearly lease payment that gives the SPV's equity exactly its target return.

    The equity invests ``deal.equity_usd`` at signing. In each lease year it receives the lease
    payment minus that year's debt service; at the end of the lease it also receives the residual
    value of the GPUs minus any debt still owed. The payment ``X`` solves

    .. math::

        E = \\sum_{t=1}^{L} \\frac{X - D_t}{(1+k)^t} + \\frac{R - B_L}{(1+k)^L}

    where ``E`` is the equity, ``D_t`` the debt service in year ``t``, ``R`` the residual value,
    ``B_L`` the debt left at the end of the ``L``-year lease and ``k`` the target return. The
    equation is linear in ``X``, so the answer is exact.

    Parameters
    ----------
    deal : Deal
        The deal (cost, equity, debt, rate and terms).
    target_equity_return : float
        The equity's required return, a fraction per year in [0, 1). Defaults to the reported 22%.
    residual_value_fraction : float
        What the GPUs are worth when the lease ends, as a fraction of their cost, in [0, 1]. An
        assumption: no residual value was reported; the default, :data:`RESIDUAL_VALUE_FRACTION`,
        is zero (a lease-to-own structure).

    Returns
    -------
    float
        The lease payment, in USD per year. It can be less than the debt service when a large
        residual value makes up the difference at the end.

    Examples
    --------
    With no debt, no residual and a zero target return, the lease just repays the equity:

    >>> from gpu_finance import Deal
    >>> lease_payment(Deal(100, 100, 0, 0, 0.0, 5, 5), target_equity_return=0.0)
    20.0
    """
    k, residual_fraction = _check_terms(deal, target_equity_return, residual_value_fraction)
    payments, still_owed = _debt_service_by_lease_year(deal)
    years = np.arange(1, deal.lease_term_years + 1)
    discount = (1.0 + k) ** -years
    residual = residual_fraction * deal.total_cost_usd
    end_value = (residual - still_owed) * discount[-1]
    needed = deal.equity_usd + float(np.sum(payments * discount)) - end_value
    return float(needed / np.sum(discount))


def equity_cash_flows(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> np.ndarray:
    """The SPV equity's cash flows, year 0 (the investment, negative) to the end of the lease.

    Their internal rate of return is ``target_equity_return`` by construction of
    :func:`lease_payment` (the tests check this with ``numpy_financial.irr``).

    Returns
    -------
    numpy.ndarray
        ``lease_term_years + 1`` values in USD.
    """
    k, residual_fraction = _check_terms(deal, target_equity_return, residual_value_fraction)
    payment = lease_payment(deal, k, residual_fraction)
    debt_service, still_owed = _debt_service_by_lease_year(deal)
    flows = np.concatenate([[-deal.equity_usd], payment - debt_service])
    flows[-1] += residual_fraction * deal.total_cost_usd - still_owed
    if not np.all(np.isfinite(flows)):  # pragma: no cover - inputs are validated above
        raise ValueError(f"equity cash flows are not finite for deal={deal!r}")
    return flows



# --------------------------------------------------------------------------------- chapter 1
def _lease_year_debt(deal: Deal) -> pd.DataFrame:
    """The debt schedule cut to the lease years (zeros after the debt is repaid)."""
    schedule = debt_schedule(deal).set_index("year")
    years = pd.RangeIndex(1, deal.lease_term_years + 1, name="year")
    cut = schedule.reindex(years).fillna(0.0)
    return cut


def spv_cash_flows(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> pd.DataFrame:
    """The vehicle's cash, year by year: where every dollar comes from and where it goes.

    Year 0 is the signing: the lenders and the equity investors put money in and the vehicle buys
    the GPUs. In each lease year the sponsor pays the level :func:`lease_payment`; the vehicle pays
    its lenders interest and principal first and passes what is left to its equity. When the lease
    ends the GPUs are worth ``residual_value_fraction`` of their cost; any debt still owed then (if
    the loan runs longer than the lease) is repaid from that value, as a *balloon*, and the rest
    goes to the equity.

    Parameters
    ----------
    deal : Deal
        The deal (cost, equity, debt, rate and terms).
    target_equity_return : float
        The equity's required return, a fraction per year in [0, 1). Default: the reported 22%.
    residual_value_fraction : float
        The GPUs' value at the end of the lease as a fraction of their cost, in [0, 1]. An
        assumption; default :data:`RESIDUAL_VALUE_FRACTION`.

    Returns
    -------
    pandas.DataFrame
        One row per year, ``0`` to ``lease_term_years``, all money in USD:

        ``year``; cash in: ``debt_drawn_usd``, ``equity_in_usd`` (year 0), ``lease_income_usd``,
        ``residual_value_usd`` (the last year); cash out: ``gpu_purchase_usd`` (year 0),
        ``interest_usd``, ``principal_usd`` (scheduled), ``balloon_usd`` (debt repaid from the
        residual value), ``cash_to_equity_usd`` (what the equity receives); then
        ``debt_service_usd`` (interest plus scheduled principal), ``debt_outstanding_usd`` (at the
        end of the year, after any balloon) and ``dscr``, the debt-service coverage ratio: lease
        income over debt service, ``NaN`` in years with no debt service (year 0, or after the debt
        is repaid).

        Each year, cash in equals cash out. ``cash_to_equity_usd`` is ``-equity`` in year 0 and
        its internal rate of return is ``target_equity_return`` (see :func:`equity_irr`).

    Examples
    --------
    A 100 vehicle, 60 borrowed at 10% over 2 years, equity wanting 20%:

    >>> small = Deal(100, 40, 60, 0, 0.10, 2, 2)
    >>> flows = spv_cash_flows(small, 0.20, 0.0)
    >>> flows[["year", "lease_income_usd", "debt_service_usd", "cash_to_equity_usd"]].round(2)
       year  lease_income_usd  debt_service_usd  cash_to_equity_usd
    0     0              0.00              0.00              -40.00
    1     1             60.75             34.57               26.18
    2     2             60.75             34.57               26.18
    """
    k, residual_fraction = _check_terms(deal, target_equity_return, residual_value_fraction)
    years = deal.lease_term_years
    payment = lease_payment(deal, k, residual_fraction)
    debt = _lease_year_debt(deal)
    interest = debt["interest_usd"].to_numpy()
    principal = debt["principal_usd"].to_numpy()
    closing = debt["closing_balance_usd"].to_numpy().copy()
    balloon = np.zeros(years)
    balloon[-1] = closing[-1] if deal.debt_term_years > years else 0.0
    closing[-1] -= balloon[-1]
    residual = np.zeros(years)
    residual[-1] = residual_fraction * deal.total_cost_usd
    lease = np.full(years, payment)
    service = interest + principal
    to_equity = lease + residual - service - balloon
    owes = service > 1e-12 * deal.total_cost_usd  # below that, the debt service is rounding noise
    dscr = np.where(owes, lease / np.where(owes, service, 1.0), np.nan)
    frame = pd.DataFrame(
        {
            "year": np.arange(0, years + 1),
            "debt_drawn_usd": np.r_[deal.debt_usd, np.zeros(years)],
            "equity_in_usd": np.r_[deal.equity_usd, np.zeros(years)],
            "lease_income_usd": np.r_[0.0, lease],
            "residual_value_usd": np.r_[0.0, residual],
            "gpu_purchase_usd": np.r_[deal.total_cost_usd, np.zeros(years)],
            "interest_usd": np.r_[0.0, interest],
            "principal_usd": np.r_[0.0, principal],
            "balloon_usd": np.r_[0.0, balloon],
            "cash_to_equity_usd": np.r_[-deal.equity_usd, to_equity],
            "debt_service_usd": np.r_[0.0, service],
            "debt_outstanding_usd": np.r_[deal.debt_usd, np.clip(closing, 0.0, None)],
            "dscr": np.r_[np.nan, dscr],
        }
    )
    # The model's own rounding noise (a few millionths of a dollar) is not a balance.
    frame.loc[frame["debt_outstanding_usd"].abs() < 1e-6 * max(deal.debt_usd, 1.0), "debt_outstanding_usd"] = 0.0
    return frame


def equity_irr(flows: pd.DataFrame) -> float:
    """The internal rate of return of a cash-flow table's ``cash_to_equity_usd`` (numpy-financial).

    Parameters
    ----------
    flows : pandas.DataFrame
        A table from :func:`spv_cash_flows`.

    Returns
    -------
    float
        The yearly IRR, a fraction, from :func:`numpy_financial.irr`.

    Raises
    ------
    ValueError
        If the table lacks the column, or its flows have no IRR (no money in, or never any back).

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> round(equity_irr(spv_cash_flows(COLOSSUS_2)), 6)
    0.22
    """
    if not isinstance(flows, pd.DataFrame) or "cash_to_equity_usd" not in flows.columns:
        raise ValueError("flows must be a DataFrame from spv_cash_flows, with a cash_to_equity_usd column")
    cash = flows["cash_to_equity_usd"].to_numpy(dtype=float)
    if not (np.any(cash < 0) and np.any(cash > 0)):
        raise ValueError(f"flows has no internal rate of return: cash_to_equity_usd={cash.tolist()!r} "
                         "never changes sign")
    rate = float(npf.irr(cash))
    if not math.isfinite(rate):
        raise ValueError(f"flows has no internal rate of return: cash_to_equity_usd={cash.tolist()!r}")
    return rate


def rate_implicit_in_lease(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> float:
    """The rate implicit in the lease: the discount rate at which the lease payments and the
    residual value are worth exactly what the GPUs cost.

    It is what leasing costs the sponsor as an interest rate, a blend of the lenders' rate and the
    equity's return. Under ASC 842 a lessee discounts at this rate when it can determine it, and
    otherwise at its incremental borrowing rate.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`lease_payment`.

    Returns
    -------
    float
        A fraction per year, from :func:`numpy_financial.irr` of ``[-cost, X, ..., X + residual]``.

    Examples
    --------
    With no debt and no residual, the lease's rate is the equity's return:

    >>> round(rate_implicit_in_lease(Deal(100, 100, 0, 0, 0.05, 3, 3), 0.15, 0.0), 9)
    0.15
    """
    k, residual_fraction = _check_terms(deal, target_equity_return, residual_value_fraction)
    payment = lease_payment(deal, k, residual_fraction)
    flows = np.full(deal.lease_term_years + 1, payment)
    flows[0] = -deal.total_cost_usd
    flows[-1] += residual_fraction * deal.total_cost_usd
    rate = float(npf.irr(flows))
    if not math.isfinite(rate):
        raise ValueError(f"the lease for deal={deal.name!r} has no implicit rate: its payments and residual "
                         "value never repay the cost")
    return rate


#: The three moments of a money-flow table, in order.
FLOW_PERIODS: tuple[str, ...] = ("at signing", "during the lease", "at the end of the lease")


def money_flows(
    deal: Deal,
    target_equity_return: float = TARGET_EQUITY_RETURN,
    residual_value_fraction: float = RESIDUAL_VALUE_FRACTION,
) -> pd.DataFrame:
    """Who pays whom, how much and when, over the whole deal: a tidy table of money flows.

    Parties are the keys of :data:`gpu_finance.parties.PARTIES` plus ``"spv"`` for the vehicle
    itself. At signing the lenders, the outside equity and the chip vendor fund the vehicle, which
    pays the vendor for the GPUs (the vehicle funds chips only; this model assumes all of them come
    from the vendor). During the lease the sponsor pays rent; the vehicle pays its lenders and
    passes the rest to its equity, split between outside investors and the vendor in proportion
    to what each put in. At the end the sponsor buys the GPUs at their residual value (the
    purchase option of a lease-to-own), any balloon goes to the lenders and the rest to the
    equity. Amounts over the lease are totals, not discounted. Flows of zero are left out; a net
    payment the equity has to make is a flow *to* the vehicle.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`spv_cash_flows`.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``amount_usd`` (positive), ``when`` (one of
        :data:`FLOW_PERIODS`) and ``what`` (a short description). Within each period, what flows
        into the vehicle equals what flows out of it.

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> flows = money_flows(COLOSSUS_2)
    >>> flows.loc[flows["when"] == "at signing", ["from_party", "to_party", "amount_usd"]]
       from_party to_party    amount_usd
    0     lenders      spv  1.250000e+10
    1  spv_equity      spv  5.500000e+09
    2      vendor      spv  2.000000e+09
    3         spv   vendor  2.000000e+10
    """
    table = spv_cash_flows(deal, target_equity_return, residual_value_fraction)
    lease_years = table[table["year"] >= 1]
    last = table.iloc[-1]
    vendor_part = deal.vendor_equity_usd / deal.equity_usd if deal.equity_usd > 0 else 0.0
    during_equity = float(lease_years["cash_to_equity_usd"].sum() - last["residual_value_usd"]
                          + last["balloon_usd"])
    end_equity = float(last["residual_value_usd"] - last["balloon_usd"])
    n = deal.lease_term_years
    rows: list[tuple[str, str, float, str, str]] = [
        ("lenders", "spv", deal.debt_usd, FLOW_PERIODS[0], "loan"),
        ("spv_equity", "spv", deal.outside_equity_usd, FLOW_PERIODS[0], "equity"),
        ("vendor", "spv", deal.vendor_equity_usd, FLOW_PERIODS[0], "equity"),
        ("spv", "vendor", deal.total_cost_usd, FLOW_PERIODS[0], "buys the GPUs"),
        ("sponsor", "spv", float(lease_years["lease_income_usd"].sum()), FLOW_PERIODS[1],
         f"rent, {n} year{'s' if n > 1 else ''}"),
        ("spv", "lenders", float(lease_years["debt_service_usd"].sum()), FLOW_PERIODS[1],
         "interest and principal"),
        ("sponsor", "spv", float(last["residual_value_usd"]), FLOW_PERIODS[2], "buys the used GPUs"),
        ("spv", "lenders", float(last["balloon_usd"]), FLOW_PERIODS[2], "balloon repayment"),
    ]
    for amount, when in ((during_equity, FLOW_PERIODS[1]), (end_equity, FLOW_PERIODS[2])):
        for party, share in (("spv_equity", 1.0 - vendor_part), ("vendor", vendor_part)):
            paid = amount * share
            if paid >= 0:
                rows.append(("spv", party, paid, when, "cash to equity"))
            else:
                rows.append((party, "spv", -paid, when, "more equity"))
    flows = pd.DataFrame(rows, columns=["from_party", "to_party", "amount_usd", "when", "what"])
    tiny = 1e-9 * deal.total_cost_usd
    flows = flows[flows["amount_usd"] > tiny]
    order = {when: i for i, when in enumerate(FLOW_PERIODS)}
    flows = flows.sort_values("when", key=lambda w: w.map(order), kind="stable")
    return flows.reset_index(drop=True)


def founder_dilution(
    deal: Deal,
    pre_money_valuation_usd: float = PRE_MONEY_VALUATION_USD,
    existing_stake: float = 1.0,
) -> pd.DataFrame:
    """The existing owners' stake if the sponsor raised the vehicle's equity itself, against none
    lost through the SPV.

    Raising ``deal.equity_usd`` of new shares at a pre-money valuation ``V`` gives the new
    investors ``E / (V + E)`` of the company, so an existing stake ``s`` becomes
    ``s V / (V + E)``. Its *value* does not fall (the new money comes in at a fair price): the
    owners give up a share of the company, not wealth. Through the SPV the stake is untouched, but
    the lease pays the vehicle's equity its target return instead.

    Parameters
    ----------
    deal : Deal
        The deal; its equity is the amount that would be raised.
    pre_money_valuation_usd : float
        What the sponsor is worth before the new money, in USD; greater than zero. An assumption;
        default :data:`PRE_MONEY_VALUATION_USD`.
    existing_stake : float
        The stake to follow, a fraction of the company before the raise, in (0, 1]. The default
        1.0 follows all existing owners together (founders and earlier investors).

    Returns
    -------
    pandas.DataFrame
        Two rows, ``route`` = ``"parent raises the equity"`` and ``"through the SPV"``, with
        ``new_equity_usd``, ``post_money_valuation_usd``, ``new_investors_share`` (of the company),
        ``stake_before``, ``stake_after``, ``dilution`` (``stake_before - stake_after``, a
        fraction of the company) and ``stake_value_usd`` (the stake's value after the raise).

    Examples
    --------
    $5 of new shares in a company worth $20 gives the new investors a fifth:

    >>> small = Deal(10, 5, 5, 0, 0.1, 2, 2)
    >>> founder_dilution(small, 20, 0.5)[["route", "stake_after", "stake_value_usd"]]
                          route  stake_after  stake_value_usd
    0  parent raises the equity          0.4             10.0
    1           through the SPV          0.5             10.0
    """
    _require_deal(deal)
    value = check_number("pre_money_valuation_usd", pre_money_valuation_usd, 0, math.inf, low_closed=False)
    stake = check_number("existing_stake", existing_stake, 0.0, 1.0, low_closed=False)
    new = deal.equity_usd
    post = value + new
    kept = value / post
    return pd.DataFrame(
        {
            "route": ["parent raises the equity", "through the SPV"],
            "new_equity_usd": [new, 0.0],
            "post_money_valuation_usd": [post, value],
            "new_investors_share": [new / post, 0.0],
            "stake_before": [stake, stake],
            "stake_after": [stake * kept, stake],
            "dilution": [stake - stake * kept, 0.0],
            "stake_value_usd": [stake * kept * post, stake * value],
        }
    )


@dataclass(frozen=True)
class VendorLoop:
    """The chip vendor's side of the deal: what it puts in, sells, earns and could lose (USD).

    Attributes
    ----------
    vendor_equity_usd : float
        The vendor's equity in the vehicle.
    chip_revenue_usd : float
        What the vehicle pays the vendor for its chips (the whole cost: the vehicle funds chips
        only, all assumed to come from the vendor).
    gross_margin : float
        The vendor's gross margin, a fraction of revenue.
    gross_profit_usd : float
        ``chip_revenue_usd * gross_margin``.
    vendor_funded_share : float
        The share of the chip purchases paid with the vendor's own money:
        ``vendor_equity_usd / chip_revenue_usd``.
    net_cash_at_signing_usd : float
        Chip revenue minus the equity put in: the cash the vendor is ahead by at signing.
    loss_if_spv_fails_usd : float
        The vendor's whole stake: equity is wiped out before the lenders lose anything.
    profit_if_spv_fails_usd : float
        Gross profit minus that loss: what the vendor keeps if its stake is worth nothing.
    breakeven_gross_margin : float
        The gross margin at which the vendor's profit exactly pays for losing its stake; equal to
        ``vendor_funded_share``.
    """

    vendor_equity_usd: float
    chip_revenue_usd: float
    gross_margin: float
    gross_profit_usd: float
    vendor_funded_share: float
    net_cash_at_signing_usd: float
    loss_if_spv_fails_usd: float
    profit_if_spv_fails_usd: float
    breakeven_gross_margin: float

    def table(self) -> pd.DataFrame:
        """The money figures as a tidy table: ``item`` and ``amount_usd``, in the loop's order."""
        rows = [
            ("Equity the vendor puts in", self.vendor_equity_usd),
            ("Chip revenue from the vehicle", self.chip_revenue_usd),
            ("Gross profit on those chips", self.gross_profit_usd),
            ("Profit if its stake is lost", self.profit_if_spv_fails_usd),
        ]
        return pd.DataFrame(rows, columns=["item", "amount_usd"])


def vendor_loop(deal: Deal, gross_margin: float = VENDOR_GROSS_MARGIN) -> VendorLoop:
    """The vendor's loop: its equity goes in, the vehicle buys its chips, it books the profit.

    Parameters
    ----------
    deal : Deal
        The deal; ``deal.vendor_equity_usd`` is the vendor's stake and ``deal.total_cost_usd`` what
        the vehicle spends on chips.
    gross_margin : float
        The vendor's gross margin on those chips, a fraction in [0, 1). An assumption; default
        :data:`VENDOR_GROSS_MARGIN`.

    Returns
    -------
    VendorLoop

    Examples
    --------
    >>> from gpu_finance import COLOSSUS_2
    >>> loop = vendor_loop(COLOSSUS_2, 0.7)
    >>> loop.vendor_funded_share, loop.gross_profit_usd, loop.profit_if_spv_fails_usd
    (0.1, 14000000000.0, 12000000000.0)
    """
    _require_deal(deal)
    margin = check_fraction("gross_margin", gross_margin, one_allowed=False)
    revenue = deal.total_cost_usd
    profit = revenue * margin
    stake = deal.vendor_equity_usd
    return VendorLoop(
        vendor_equity_usd=stake,
        chip_revenue_usd=revenue,
        gross_margin=margin,
        gross_profit_usd=profit,
        vendor_funded_share=stake / revenue,
        net_cash_at_signing_usd=revenue - stake,
        loss_if_spv_fails_usd=stake,
        profit_if_spv_fails_usd=profit - stake,
        breakeven_gross_margin=stake / revenue,
    )


def _valor_compute() -> Deal:
    total = fact("valor.total_cost_usd")
    debt = fact("valor.apollo_debt_usd")
    return Deal(
        total_cost_usd=total,
        equity_usd=total - debt,
        debt_usd=debt,
        vendor_equity_usd=0.0,
        debt_rate=fact("colossus2.debt_rate"),
        debt_term_years=int(fact("colossus2.debt_term_years")),
        lease_term_years=int(fact("colossus2.lease_term_years")),
        name="Valor Compute Infrastructure as closed (Jan 2026)",
    )


#: What is known to have closed (January 2026): Valor Compute Infrastructure's $5.4B purchase of
#: compute leased to an xAI subsidiary, with $3.5B from Apollo (confirmed). The rest is taken to be
#: equity; Nvidia is an anchor investor of unreported size, so its stake is set to zero. The rate
#: (9.5%, reported for Apollo's later loan) and the five-year terms are carried over from
#: :data:`~gpu_finance.COLOSSUS_2`: assumptions.
VALOR_COMPUTE: Deal = _valor_compute()
