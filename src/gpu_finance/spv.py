"""The SPV's side of the deal: the lease payment that pays its lenders and its equity investors.

The vehicle owns the GPUs and leases them to the sponsor on a *triple-net* lease (the sponsor pays
power, maintenance and insurance), so its only income is the lease payment and, at the end of the
lease, whatever the GPUs are worth (their residual value). Out of that it pays its debt service,
and what is left goes to its equity investors.

All money is in USD per year; rates and fractions are fractions (0.22 = 22%).

Chapter 1 adds the vehicle's whole year-by-year cash flow (:func:`spv_cash_flows`), the rate
implicit in its lease (:func:`rate_implicit_in_lease`), who pays whom (:func:`money_flows`), the
dilution the structure avoids (:func:`founder_dilution`) and the chip vendor's loop
(:func:`vendor_loop`; these two live in :mod:`gpu_finance.incentives` and are re-exported here).
Every figure the sources do not give is a named default drawn from an ``A`` (assumption) row of
``deal_facts.csv``, which the reader can change. Those figures are read on first use, not at import.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

import numpy as np
import numpy_financial as npf
import pandas as pd

from . import incentives
from ._lazy import lazy_constants
from ._validation import FRACTION, RATE
from .datasets import FactDefaults, fact
from .deal import Deal, check_deal, debt_schedule
from .i18n import N_
from .incentives import VendorLoop, founder_dilution, vendor_loop
from .parties import rent_label

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
    "summed_flows",
    "founder_dilution",
    "VendorLoop",
    "vendor_loop",
]

#: The return Valor reportedly pitched to the vehicle's equity investors ("above 22%"), a
#: fraction per year; a row of ``deal_facts.csv`` (second-hand, one source). Read on first use.
TARGET_EQUITY_RETURN: float

#: What the GPUs are worth to the vehicle when the lease ends, as a fraction of their cost. An
#: assumption (``colossus2.residual_value_fraction``): zero, as in a lease-to-own structure whose
#: payments repay the whole cost. The reader can change it everywhere it is a parameter.
RESIDUAL_VALUE_FRACTION: float

#: What is known to have closed (January 2026): Valor Compute Infrastructure's $5.4B purchase of
#: compute leased to an xAI subsidiary, with $3.5B from Apollo (confirmed). The rest is taken to be
#: equity; Nvidia is an anchor investor of unreported size, so its stake is set to zero. The rate
#: (9.5%, reported for Apollo's later loan) and the five-year terms are carried over from
#: :data:`~gpu_finance.COLOSSUS_2`: assumptions. Built on first use.
VALOR_COMPUTE: Deal


#: The figure behind each constant above, read on first use: ``default("TARGET_EQUITY_RETURN")``.
#: Functions here and in other modules call it (or read ``spv.NAME``) when they run.
default = FactDefaults(
    TARGET_EQUITY_RETURN="colossus2.target_equity_return",
    RESIDUAL_VALUE_FRACTION="colossus2.residual_value_fraction",
)


@functools.cache
def valor_compute() -> Deal:
    """:data:`VALOR_COMPUTE`, built from ``deal_facts.csv`` on first use."""
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
        name=N_("Valor Compute Infrastructure as closed (Jan 2026)"),
    )


__getattr__ = lazy_constants(
    globals(),
    VALOR_COMPUTE=valor_compute,
    **default.factories(),
    # the figures of chapter 1's two comparisons, which live in gpu_finance.incentives
    PRE_MONEY_VALUATION_USD=functools.partial(incentives.default, "PRE_MONEY_VALUATION_USD"),
    VENDOR_GROSS_MARGIN=functools.partial(incentives.default, "VENDOR_GROSS_MARGIN"),
)


def check_terms(
    deal: Deal, target_equity_return: float | None = None, residual_value_fraction: float | None = None
) -> tuple[float, float]:
    """Check the lease's terms once, at a public function's boundary; ``None`` means the default.

    Returns the target return and the residual value fraction as floats (defaults
    :data:`TARGET_EQUITY_RETURN` and :data:`RESIDUAL_VALUE_FRACTION`); raises ``ValueError`` naming
    the parameter otherwise. Shared by :mod:`gpu_finance.accounting` and :mod:`gpu_finance.leases`.
    """
    check_deal(deal)
    if target_equity_return is None:
        target_equity_return = default("TARGET_EQUITY_RETURN")
    if residual_value_fraction is None:
        residual_value_fraction = default("RESIDUAL_VALUE_FRACTION")
    k = RATE.check("target_equity_return", target_equity_return)
    residual = FRACTION.check("residual_value_fraction", residual_value_fraction)
    return k, residual


def lease_year_debt(deal: Deal) -> pd.DataFrame:
    """The debt schedule over the lease years (:func:`~gpu_finance.debt_schedule` cut or padded
    with zeros to ``deal.lease_term_years``): its last closing balance is the debt still owed when
    the lease ends, exactly zero if the debt term is no longer than the lease."""
    return debt_schedule(deal, horizon_years=deal.lease_term_years)


def lease_payment(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
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
    target_equity_return : float, optional
        The equity's required return, a fraction per year in [0, 1). Default: the book's figure,
        :data:`TARGET_EQUITY_RETURN` (the reported 22%).
    residual_value_fraction : float, optional
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
    return _lease_payment(deal, *check_terms(deal, target_equity_return, residual_value_fraction))


@functools.lru_cache(maxsize=256)
def _lease_payment(deal: Deal, k: float, residual_fraction: float) -> float:
    """:func:`lease_payment` for checked terms, solved once per (frozen, hashable) deal and terms:
    a live panel that asks for it for several figures solves it once."""
    debt = lease_year_debt(deal)
    payments = debt["payment_usd"].to_numpy()
    still_owed = float(debt["closing_balance_usd"].iloc[-1])
    years = np.arange(1, deal.lease_term_years + 1)
    discount = (1.0 + k) ** -years
    residual = residual_fraction * deal.total_cost_usd
    end_value = (residual - still_owed) * discount[-1]
    needed = deal.equity_usd + float(np.sum(payments * discount)) - end_value
    return float(needed / np.sum(discount))


def equity_cash_flows(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
) -> np.ndarray:
    """The SPV equity's cash flows, year 0 (the investment, negative) to the end of the lease.

    Their internal rate of return is ``target_equity_return`` by construction of
    :func:`lease_payment` (the tests check this with ``numpy_financial.irr``).

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`lease_payment` (defaults :data:`TARGET_EQUITY_RETURN` and
        :data:`RESIDUAL_VALUE_FRACTION`).

    Returns
    -------
    numpy.ndarray
        ``lease_term_years + 1`` values in USD.
    """
    k, residual_fraction = check_terms(deal, target_equity_return, residual_value_fraction)
    payment = _lease_payment(deal, k, residual_fraction)
    debt = lease_year_debt(deal)
    flows = np.concatenate([[-deal.equity_usd], payment - debt["payment_usd"].to_numpy()])
    flows[-1] += residual_fraction * deal.total_cost_usd - float(debt["closing_balance_usd"].iloc[-1])
    if not np.all(np.isfinite(flows)):  # pragma: no cover - inputs are validated above
        raise ValueError(f"equity cash flows are not finite for deal={deal!r}")
    return flows


# --------------------------------------------------------------------------------- chapter 1

def spv_cash_flows(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
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
    target_equity_return : float, optional
        The equity's required return, a fraction per year in [0, 1). Default: the book's figure,
        :data:`TARGET_EQUITY_RETURN` (the reported 22%).
    residual_value_fraction : float, optional
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
    k, residual_fraction = check_terms(deal, target_equity_return, residual_value_fraction)
    years = deal.lease_term_years
    payment = _lease_payment(deal, k, residual_fraction)
    debt = lease_year_debt(deal)
    interest = debt["interest_usd"].to_numpy()
    principal = debt["principal_usd"].to_numpy()
    closing = debt["closing_balance_usd"].to_numpy().copy()
    balloon = np.zeros(years)
    balloon[-1] = closing[-1]  # debt still owed when the lease ends (exactly zero if repaid by then)
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
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
) -> float:
    """The rate implicit in the lease: the discount rate at which the lease payments and the
    residual value are worth exactly what the GPUs cost.

    It is what leasing costs the sponsor as an interest rate, a blend of the lenders' rate and the
    equity's return. Under ASC 842 a lessee discounts at this rate when it can determine it, and
    otherwise at its incremental borrowing rate.

    Parameters
    ----------
    deal, target_equity_return, residual_value_fraction
        As for :func:`lease_payment` (defaults :data:`TARGET_EQUITY_RETURN` and
        :data:`RESIDUAL_VALUE_FRACTION`).

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
    k, residual_fraction = check_terms(deal, target_equity_return, residual_value_fraction)
    payment = _lease_payment(deal, k, residual_fraction)
    flows = np.full(deal.lease_term_years + 1, payment)
    flows[0] = -deal.total_cost_usd
    flows[-1] += residual_fraction * deal.total_cost_usd
    rate = float(npf.irr(flows))
    if not math.isfinite(rate):
        raise ValueError(f"the lease for deal={deal.name!r} has no implicit rate: its payments and residual "
                         "value never repay the cost")
    return rate


#: The three moments of a money-flow table, in order.
FLOW_PERIODS: tuple[str, ...] = (N_("at signing"), N_("during the lease"), N_("at the end of the lease"))


def summed_flows(flows: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """A table of money flows summed into one row per payer and payee (and per value of ``by``).

    Parameters
    ----------
    flows : pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``amount_usd`` and ``what`` (as :func:`money_flows`
        gives them), and the columns named in ``by``.
    by : sequence of str
        Further columns to keep apart (a chart's control values, for example).

    Rows are grouped by their exact values, a missing value (NaN) included; a missing amount
    makes its sum missing, as it should: :func:`money_flows` gives none.

    Returns
    -------
    pandas.DataFrame
        Columns ``from_party``, ``to_party``, ``*by``, ``amount_usd`` (USD, the sum) and ``what``
        (each payment's name once, in order, joined by " + "); rows in order of first appearance.

    Examples
    --------
    >>> flows = pd.DataFrame({"from_party": ["a", "a", "b"], "to_party": ["b", "b", "a"],
    ...                       "amount_usd": [1.0, 2.0, 4.0], "what": ["rent", "fee", "loan"]})
    >>> summed_flows(flows).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'from_party': 'a', 'to_party': 'b', 'amount_usd': 3.0, 'what': 'rent + fee'},
     {'from_party': 'b', 'to_party': 'a', 'amount_usd': 4.0, 'what': 'loan'}]
    """
    # In plain Python, not a pandas groupby with a joining aggregate: the tables are small, and the
    # groupby took a tenth of a live panel's update.
    if isinstance(by, str):
        raise ValueError(f"by={by!r} must be a list of column names, such as [{by!r}]")
    missing = sorted({"from_party", "to_party", "amount_usd", "what", *by} - set(getattr(flows, "columns", ())))
    if missing:
        raise ValueError(f"flows has no column {missing}; it needs from_party, to_party, amount_usd, what and by={list(by)}")
    columns = ["from_party", "to_party", *by]
    sums: dict[tuple, float] = {}
    names: dict[tuple, dict[str, None]] = {}
    for *key, amount, what in zip(*(flows[c] for c in columns), flows["amount_usd"], flows["what"]):
        key = tuple(key)
        sums[key] = sums.get(key, 0.0) + float(amount)
        names.setdefault(key, {})[what] = None
    summed = pd.DataFrame(list(sums), columns=columns)
    summed["amount_usd"] = list(sums.values())
    summed["what"] = [" + ".join(n) for n in names.values()]
    return summed


def money_flows(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
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
        As for :func:`spv_cash_flows` (defaults :data:`TARGET_EQUITY_RETURN` and
        :data:`RESIDUAL_VALUE_FRACTION`).

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
    vendor_part = deal.vendor_share_of_equity
    during_equity = float(lease_years["cash_to_equity_usd"].sum() - last["residual_value_usd"]
                          + last["balloon_usd"])
    end_equity = float(last["residual_value_usd"] - last["balloon_usd"])
    n = deal.lease_term_years
    rows: list[tuple[str, str, float, str, str]] = [
        ("lenders", "spv", deal.debt_usd, FLOW_PERIODS[0], N_("loan")),
        ("spv_equity", "spv", deal.outside_equity_usd, FLOW_PERIODS[0], N_("equity")),
        ("vendor", "spv", deal.vendor_equity_usd, FLOW_PERIODS[0], N_("equity")),
        ("spv", "vendor", deal.total_cost_usd, FLOW_PERIODS[0], N_("buys the GPUs")),
        ("sponsor", "spv", float(lease_years["lease_income_usd"].sum()), FLOW_PERIODS[1], rent_label(n)),
        ("spv", "lenders", float(lease_years["debt_service_usd"].sum()), FLOW_PERIODS[1],
         N_("interest and principal")),
        ("sponsor", "spv", float(last["residual_value_usd"]), FLOW_PERIODS[2], N_("buys the used GPUs")),
        ("spv", "lenders", float(last["balloon_usd"]), FLOW_PERIODS[2], N_("balloon repayment")),
    ]
    for amount, when in ((during_equity, FLOW_PERIODS[1]), (end_equity, FLOW_PERIODS[2])):
        for party, share in (("spv_equity", 1.0 - vendor_part), ("vendor", vendor_part)):
            paid = amount * share
            if paid >= 0:
                rows.append(("spv", party, paid, when, N_("cash to equity")))
            else:
                rows.append((party, "spv", -paid, when, N_("more equity")))
    flows = pd.DataFrame(rows, columns=["from_party", "to_party", "amount_usd", "when", "what"])
    tiny = 1e-9 * deal.total_cost_usd
    flows = flows[flows["amount_usd"] > tiny]
    order = {when: i for i, when in enumerate(FLOW_PERIODS)}
    flows = flows.sort_values("when", key=lambda w: w.map(order), kind="stable")
    return flows.reset_index(drop=True)
