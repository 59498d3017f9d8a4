"""The SPV deal: who puts in how much, on what terms, and how its debt is repaid.

A special purpose vehicle (SPV) raises equity and debt, buys GPUs and leases them to an AI company
(the *sponsor*). :class:`Deal` holds the terms; :data:`COLOSSUS_2` is the source article's example,
built from the sourced rows of ``deal_facts.csv``.

All money is in US dollars (USD), rates are fractions per year (0.095 = 9.5%), terms are whole
years.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._lazy import lazy_constants
from ._validation import TERM_YEARS, check_fraction, check_number
from .datasets import fact
from .formatting import percent, usd, years
from .i18n import N_, gettext as _

__all__ = [
    "Deal",
    "COLOSSUS_2",
    "MAX_TERM_YEARS",
    "capital_structure",
    "debt_schedule",
    "annuity_payment",
]

#: Longest loan or lease term the model accepts, in years.
MAX_TERM_YEARS = int(TERM_YEARS.high)

#: How far ``equity_usd + debt_usd`` may be from ``total_cost_usd``: one cent.
_CENT = 0.01

#: Rates below this are treated as zero in the annuity factor: there the factor equals the term to
#: double precision, while the closed form, evaluated on subnormal floats, loses digits.
_TINY_RATE = 1e-15


@dataclass(frozen=True)
class Deal:
    """The terms of an SPV deal. Frozen: change a term with :meth:`replace`.

    Parameters
    ----------
    total_cost_usd : float
        What the SPV pays for the GPUs, in USD; greater than zero.
    equity_usd : float
        Equity raised by the SPV, in USD, including the chip vendor's part; at least zero.
    debt_usd : float
        Debt raised by the SPV, in USD; at least zero. ``equity_usd + debt_usd`` must equal
        ``total_cost_usd`` within one cent.
    vendor_equity_usd : float
        The chip vendor's part of ``equity_usd``, in USD; between zero and ``equity_usd``.
    debt_rate : float
        Interest rate on the debt, a fraction per year in [0, 1).
    debt_term_years : int
        Years over which the debt amortises, a whole number from 1 to 15.
    lease_term_years : int
        Years for which the sponsor leases the GPUs, a whole number from 1 to 15.
    name : str
        A label for tables and charts.

    Raises
    ------
    ValueError
        If any value is outside its range; the message names the field, the value and the range.

    Examples
    --------
    >>> deal = Deal(total_cost_usd=10e9, equity_usd=4e9, debt_usd=6e9, vendor_equity_usd=1e9,
    ...             debt_rate=0.08, debt_term_years=5, lease_term_years=5)
    >>> deal.debt_share
    0.6
    >>> deal.replace(debt_rate=1.5)
    Traceback (most recent call last):
    ...
    ValueError: debt_rate=1.5 is outside [0, 1)
    """

    total_cost_usd: float
    equity_usd: float
    debt_usd: float
    vendor_equity_usd: float
    debt_rate: float
    debt_term_years: int
    lease_term_years: int
    name: str = N_("Custom deal")

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: store the validated, normalised values
        set_(self, "total_cost_usd", check_number("total_cost_usd", self.total_cost_usd, 0, math.inf, low_closed=False))
        for money in ("equity_usd", "debt_usd"):
            set_(self, money, check_number(money, getattr(self, money), 0, math.inf))
        gap = self.equity_usd + self.debt_usd - self.total_cost_usd
        if abs(gap) > _CENT:
            raise ValueError(
                f"equity_usd + debt_usd = {self.equity_usd + self.debt_usd:,.2f} must equal "
                f"total_cost_usd={self.total_cost_usd:,.2f} within $0.01 (off by {gap:,.2f})"
            )
        set_(
            self,
            "vendor_equity_usd",
            check_number("vendor_equity_usd", self.vendor_equity_usd, 0, self.equity_usd),
        )
        set_(self, "debt_rate", check_fraction("debt_rate", self.debt_rate, one_allowed=False))
        for term in ("debt_term_years", "lease_term_years"):
            set_(self, term, TERM_YEARS.check(term, getattr(self, term)))
        if not isinstance(self.name, str):
            raise ValueError(f"name={self.name!r} is not a string")

    # -- derived figures -------------------------------------------------------------------------
    @property
    def debt_share(self) -> float:
        """Debt as a fraction of the total cost."""
        return self.debt_usd / self.total_cost_usd

    @property
    def equity_share(self) -> float:
        """Equity as a fraction of the total cost."""
        return self.equity_usd / self.total_cost_usd

    @property
    def outside_equity_usd(self) -> float:
        """Equity from investors other than the chip vendor, in USD."""
        return self.equity_usd - self.vendor_equity_usd

    @property
    def vendor_share_of_cost(self) -> float:
        """The chip vendor's equity as a fraction of the total cost: how much of its own sale it funds."""
        return self.vendor_equity_usd / self.total_cost_usd

    @property
    def vendor_share_of_equity(self) -> float:
        """The chip vendor's part of the equity, a fraction (zero when there is no equity)."""
        return self.vendor_equity_usd / self.equity_usd if self.equity_usd > 0 else 0.0

    @property
    def max_debt_share(self) -> float:
        """The largest debt share this deal can take: the vendor's equity has to fit in what is left.

        Examples
        --------
        >>> COLOSSUS_2.max_debt_share
        0.9
        """
        return round(1.0 - self.vendor_share_of_cost, 10)

    # -- display ---------------------------------------------------------------------------------
    def summary(self) -> pd.DataFrame:
        """The deal's terms as a two-column table (term, value), values written for readers.

        Examples
        --------
        >>> COLOSSUS_2.summary().iloc[:2]
                 term          value
        0  Total cost           $20B
        1      Equity  $7.5B (37.5%)
        """
        share = _("{amount} ({share})")
        rows = [
            (N_("Total cost"), usd(self.total_cost_usd)),
            (N_("Equity"), share.format(amount=usd(self.equity_usd), share=percent(self.equity_share))),
            ("  " + N_("of which the chip vendor"), usd(self.vendor_equity_usd)),
            (N_("Debt"), share.format(amount=usd(self.debt_usd), share=percent(self.debt_share))),
            (N_("Interest rate on the debt"), percent(self.debt_rate)),
            (N_("Debt term"), years(self.debt_term_years)),
            (N_("Lease term"), years(self.lease_term_years)),
        ]
        return pd.DataFrame(rows, columns=["term", "value"])

    def _repr_html_(self) -> str:
        """The terms as a small table, in the reader's language (the terms of :meth:`summary`, translated)."""
        def term(text: str) -> str:
            indent = text[:len(text) - len(text.lstrip())]
            return indent + _(text.strip())

        body = "".join(f"<tr><th style='text-align:left'>{term(t)}</th><td style='text-align:right'>{v}</td></tr>"
                       for t, v in self.summary().itertuples(index=False))
        return f"<table class='sbs-deal'><caption>{_(self.name)}</caption><tbody>{body}</tbody></table>"

    # -- changing terms --------------------------------------------------------------------------
    def replace(self, **changes) -> Deal:
        """A copy with some fields changed, validated like a new deal.

        Examples
        --------
        >>> COLOSSUS_2.replace(debt_rate=0.125).debt_rate
        0.125
        """
        return dataclasses.replace(self, **changes)

    def with_debt_share(self, debt_share: float) -> Deal:
        """A copy with the same total cost and vendor equity, financed with ``debt_share`` of debt.

        Parameters
        ----------
        debt_share : float
            Debt as a fraction of the total cost, in [0, 1 - vendor equity / total cost]: the
            vendor's equity has to fit inside what is left for equity.

        Examples
        --------
        >>> COLOSSUS_2.with_debt_share(0.5).debt_usd
        10000000000.0
        """
        return self.with_funding(check_number("debt_share", debt_share, 0.0, 1.0 - self.vendor_share_of_cost))

    def with_funding(self, debt_share: float, vendor_equity_usd: float | None = None, **changes) -> Deal:
        """A copy financed with ``debt_share`` of debt and the rest equity, the chip vendor's equity set
        to ``vendor_equity_usd`` (USD; unchanged by default), and any other term in ``changes``: the deal
        a reader sets with a live panel's sliders, validated like a new deal.

        Examples
        --------
        >>> changed = COLOSSUS_2.with_funding(0.5, 1e9, debt_rate=0.08)
        >>> changed.debt_usd, changed.equity_usd, changed.vendor_equity_usd, changed.debt_rate
        (10000000000.0, 10000000000.0, 1000000000.0, 0.08)
        """
        debt = check_fraction("debt_share", debt_share) * self.total_cost_usd
        vendor = self.vendor_equity_usd if vendor_equity_usd is None else vendor_equity_usd
        return self.replace(debt_usd=debt, equity_usd=self.total_cost_usd - debt, vendor_equity_usd=vendor, **changes)


def _colossus_2() -> Deal:
    return Deal(
        total_cost_usd=fact("colossus2.total_cost_usd"),
        equity_usd=fact("colossus2.equity_usd"),
        debt_usd=fact("colossus2.debt_usd"),
        vendor_equity_usd=fact("colossus2.vendor_equity_usd"),
        debt_rate=fact("colossus2.debt_rate"),
        debt_term_years=int(fact("colossus2.debt_term_years")),
        lease_term_years=int(fact("colossus2.lease_term_years")),
        name=N_("Colossus 2 as reported (Oct 2025)"),
    )


#: The source article's example: xAI's Colossus 2 vehicle as reported in October 2025
#: ($20B = $7.5B equity + $12.5B debt, Nvidia $2B inside the equity, a 5-year lease). Each figure
#: is a row of ``deal_facts.csv``; the 9.5% rate was reported later for one loan, and the debt term
#: is this book's assumption (see the rows' ``confidence``). Built on first use.
COLOSSUS_2: Deal
colossus_2 = functools.cache(_colossus_2)
__getattr__ = lazy_constants(globals(), COLOSSUS_2=colossus_2)


def capital_structure(deal: Deal) -> pd.DataFrame:
    """Who puts how much money into the SPV.

    Parameters
    ----------
    deal : Deal
        The deal.

    Returns
    -------
    pandas.DataFrame
        One row per funder, columns ``party`` (a key of :data:`gpu_finance.parties.PARTIES`),
        ``instrument`` (``"debt"`` or ``"equity"``), ``amount_usd`` and ``share_of_cost``
        (a fraction). The amounts add up to the total cost.

    Examples
    --------
    >>> capital_structure(COLOSSUS_2)[["party", "amount_usd"]]
            party    amount_usd
    0     lenders  1.250000e+10
    1  spv_equity  5.500000e+09
    2      vendor  2.000000e+09
    """
    check_deal(deal)
    rows = [
        ("lenders", N_("debt"), deal.debt_usd),
        ("spv_equity", N_("equity"), deal.outside_equity_usd),
        ("vendor", N_("equity"), deal.vendor_equity_usd),
    ]
    frame = pd.DataFrame(rows, columns=["party", "instrument", "amount_usd"])
    frame["share_of_cost"] = frame["amount_usd"] / deal.total_cost_usd
    return frame


def annuity_payment(principal_usd: float, rate: float, years: int) -> float:
    """The level yearly payment that repays ``principal_usd`` over ``years`` at ``rate``.

    The closed form ``P r / (1 - (1 + r)**-n)``, written with ``log1p``/``expm1`` so it stays exact
    for tiny rates, and ``P / n`` at a zero rate. It equals ``-numpy_financial.pmt(rate, years,
    principal_usd)``, which loses precision as the rate approaches zero (the tests compare the two).

    Parameters
    ----------
    principal_usd : float
        Amount borrowed, in USD; at least zero.
    rate : float
        Interest rate, a fraction per year in [0, 1).
    years : int
        Term, a whole number of years from 1 to 15.

    Examples
    --------
    >>> round(annuity_payment(100, 0.10, 2), 4)
    57.619
    >>> annuity_payment(100, 0.0, 4)
    25.0
    """
    principal = check_number("principal_usd", principal_usd, 0, math.inf)
    r = check_fraction("rate", rate, one_allowed=False)
    n = TERM_YEARS.check("years", years)
    return _annuity_payment(principal, r, n)


def _annuity_payment(principal: float, r: float, n: int) -> float:
    """:func:`annuity_payment` without the checks, for callers that validated already."""
    if r < _TINY_RATE:
        return principal / n
    # P / a(n, r), with the annuity factor a = (1 - (1 + r)**-n) / r computed as a ratio of two
    # small numbers of the same size, which stays exact even for subnormal rates.
    return principal / (-math.expm1(-n * math.log1p(r)) / r)


def debt_schedule(deal: Deal, horizon_years: int | None = None) -> pd.DataFrame:
    """Year-by-year repayment of the SPV's debt as a level-payment (annuity) loan.

    Each year the SPV pays :func:`annuity_payment`: interest on the opening balance, and the rest
    as principal, so the balance reaches zero at the end of ``debt_term_years``.

    Parameters
    ----------
    deal : Deal
        The deal.
    horizon_years : int, optional
        Number of years to show, a whole number from 1 to 15; default the debt's term. A shorter
        horizon cuts the schedule (the lease may end before the loan); a longer one adds years with
        nothing owed and nothing paid.

    Returns
    -------
    pandas.DataFrame
        One row per year, year 1 first, with columns ``year``, ``opening_balance_usd``,
        ``interest_usd``, ``principal_usd``, ``payment_usd`` and ``closing_balance_usd``. The
        closing balance at the end of the debt's term is exactly zero.

    Examples
    --------
    A $100 loan at 10% over 2 years pays $57.62 a year:

    >>> small = Deal(100, 0, 100, 0, 0.10, 2, 2)
    >>> debt_schedule(small)["payment_usd"].round(2).tolist()
    [57.62, 57.62]
    >>> debt_schedule(small, horizon_years=3)["closing_balance_usd"].round(2).tolist()
    [52.38, 0.0, 0.0]
    """
    check_deal(deal)
    horizon = deal.debt_term_years if horizon_years is None else TERM_YEARS.check("horizon_years", horizon_years)
    return _debt_schedule(deal, horizon)


@functools.lru_cache(maxsize=256)
def _debt_schedule_arrays(principal: float, rate: float, n: int) -> tuple[np.ndarray, np.ndarray, float]:
    payment = _annuity_payment(principal, rate, n)
    # Balance after k payments: P (1 + r)**k - A ((1 + r)**k - 1) / r, with (1 + r)**k - 1
    # computed as expm1(k log1p(r)) so that small rates lose no precision.
    growth = np.expm1(np.arange(0, n + 1) * np.log1p(rate))
    accrued = np.arange(0, n + 1, dtype=float) if rate < _TINY_RATE else growth / rate
    balance = principal * (1 + growth) - payment * accrued
    balance[-1] = 0.0  # repaid: exactly zero, not a rounding residue
    balance.setflags(write=False)
    return balance[:-1], balance[1:], payment


def _debt_schedule(deal: Deal, horizon: int) -> pd.DataFrame:
    """:func:`debt_schedule` for a checked deal and horizon (cached on the debt's three terms)."""
    rate, n = deal.debt_rate, deal.debt_term_years
    opening, closing, payment = _debt_schedule_arrays(deal.debt_usd, rate, n)
    pad = max(horizon - n, 0)
    opening = np.concatenate([opening, np.zeros(pad)])[:horizon]
    closing = np.concatenate([closing, np.zeros(pad)])[:horizon]
    paying = np.arange(1, horizon + 1) <= n
    interest = opening * rate
    return pd.DataFrame(
        {
            "year": np.arange(1, horizon + 1),
            "opening_balance_usd": opening,
            "interest_usd": interest,
            "principal_usd": np.where(paying, payment - interest, 0.0),
            "payment_usd": np.where(paying, payment, 0.0),
            "closing_balance_usd": closing,
        }
    )


def check_deal(deal: object, name: str = "deal") -> Deal:
    """Return ``deal`` if it is a :class:`Deal`; else raise ``ValueError`` naming ``name``."""
    if not isinstance(deal, Deal):
        raise ValueError(f"{name}={deal!r} is not a gpu_finance.Deal")
    return deal

