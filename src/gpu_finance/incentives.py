"""Why the sponsor and the chip vendor like the vehicle: the dilution it avoids, the vendor's loop.

Chapter 1 compares the vehicle with the sponsor raising the equity itself (:func:`founder_dilution`)
and follows the chip vendor's money round the deal (:func:`vendor_loop`). Both are re-exported by
:mod:`gpu_finance.spv`, with the two figures they assume. All money is in USD; margins and stakes are
fractions (0.7 = 70%).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ._lazy import lazy_constants
from ._validation import MARGIN, check_number
from .datasets import FactDefaults
from .deal import Deal, check_deal
from .i18n import N_

__all__ = ["PRE_MONEY_VALUATION_USD", "VENDOR_GROSS_MARGIN", "founder_dilution", "VendorLoop", "vendor_loop"]

#: The sponsor's value before new money, in USD, for the dilution comparison. An assumption
#: (``sponsor.pre_money_valuation_usd``): a round number, not a reported valuation. Read on first use.
PRE_MONEY_VALUATION_USD: float

#: The chip vendor's gross margin on what the vehicle buys, a fraction of revenue. An assumption
#: (``vendor.gross_margin``). Read on first use.
VENDOR_GROSS_MARGIN: float

#: The figure behind each constant above, read on first use: ``default("VENDOR_GROSS_MARGIN")``.
default = FactDefaults(
    PRE_MONEY_VALUATION_USD="sponsor.pre_money_valuation_usd",
    VENDOR_GROSS_MARGIN="vendor.gross_margin",
)
__getattr__ = lazy_constants(globals(), **default.factories())


def founder_dilution(
    deal: Deal,
    pre_money_valuation_usd: float | None = None,
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
    pre_money_valuation_usd : float, optional
        What the sponsor is worth before the new money, in USD; greater than zero. An assumption;
        default: the book's figure, :data:`PRE_MONEY_VALUATION_USD`.
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
    check_deal(deal)
    if pre_money_valuation_usd is None:
        pre_money_valuation_usd = default("PRE_MONEY_VALUATION_USD")
    value = check_number("pre_money_valuation_usd", pre_money_valuation_usd, 0, math.inf, low_closed=False)
    stake = check_number("existing_stake", existing_stake, 0.0, 1.0, low_closed=False)
    new = deal.equity_usd
    post = value + new
    kept = value / post
    return pd.DataFrame(
        {
            "route": [N_("parent raises the equity"), N_("through the SPV")],
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
            (N_("Equity the vendor puts in"), self.vendor_equity_usd),
            (N_("Chip revenue from the vehicle"), self.chip_revenue_usd),
            (N_("Gross profit on those chips"), self.gross_profit_usd),
            (N_("Profit if its stake is lost"), self.profit_if_spv_fails_usd),
        ]
        return pd.DataFrame(rows, columns=["item", "amount_usd"])


def vendor_loop(deal: Deal, gross_margin: float | None = None) -> VendorLoop:
    """The vendor's loop: its equity goes in, the vehicle buys its chips, it books the profit.

    Parameters
    ----------
    deal : Deal
        The deal; ``deal.vendor_equity_usd`` is the vendor's stake and ``deal.total_cost_usd`` what
        the vehicle spends on chips.
    gross_margin : float, optional
        The vendor's gross margin on those chips, a fraction in [0, 1). An assumption; default: the
        book's figure, :data:`VENDOR_GROSS_MARGIN`.

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
    check_deal(deal)
    if gross_margin is None:
        gross_margin = default("VENDOR_GROSS_MARGIN")
    margin = MARGIN.check("gross_margin", gross_margin)
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
