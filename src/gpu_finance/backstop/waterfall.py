"""The loss waterfall: who absorbs a loss, in order, the equity, the lenders, the taxpayers.

A loss is absorbed first by the SPV's equity, then by the lenders, then by the guarantor, that is
the taxpayers, up to the guaranteed share of the debt (:func:`loss_waterfall`). By default the
equity holders (the outside investors and the chip vendor) share losses pari passu, in proportion
to their stakes, because no source says one stands behind the other; :data:`EQUITY_ORDERS` lists
the alternatives, :data:`STRUCTURES` the ways a guarantee can share the lenders' loss.

Money is in US dollars (USD); shares are fractions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._validation import FRACTION, Range, check_choice
from ..deal import Deal, check_deal
from ..i18n import N_
from .montecarlo import _standard_error

__all__ = [
    "STRUCTURES",
    "EQUITY_ORDERS",
    "WATERFALL_ORDER",
    "loss_waterfall",
    "waterfall_scenarios",
    "expected_loss_by_party",
]

#: How a guarantee shares the lenders' losses (see :func:`loss_waterfall`).
STRUCTURES: dict[str, str] = {
    "lenders_first": N_("Lenders first: the guarantor pays only after the unguaranteed debt is lost"),
    "pro_rata": N_("Pro rata: the guarantor pays its share of every dollar the lenders lose"),
}

#: How the SPV's two equity holders, the outside investors and the chip vendor, share the equity's
#: part of a loss (see :func:`loss_waterfall`). No source says the vendor's equity is senior or junior
#: to the other equity, so the default is ``"pari_passu"``.
EQUITY_ORDERS: dict[str, str] = {
    "pari_passu": N_("Pari passu: the equity holders share losses in proportion to their stakes"),
    "vendor_last": N_("Vendor last: the outside equity absorbs losses before the chip vendor's"),
    "vendor_first": N_("Vendor first: the chip vendor's equity absorbs losses before the outside equity"),
}

#: The parties that can absorb a loss, in the order of the waterfall's layers (keys of
#: :data:`gpu_finance.parties.PARTIES`): the equity (outside investors and vendor), the lenders,
#: the taxpayers.
WATERFALL_ORDER: tuple[str, ...] = ("spv_equity", "vendor", "lenders", "taxpayers")


def _allocate(losses: np.ndarray, deal: Deal, coverage: float, structure: str, equity_order: str) -> np.ndarray:
    """Split each loss among the parties of :data:`WATERFALL_ORDER`; shape ``(n, 4)``."""
    outside, vendor, debt = deal.outside_equity_usd, deal.vendor_equity_usd, deal.debt_usd
    # 1. The equity absorbs the loss first, up to all of it; its two holders split their part.
    to_equity = np.minimum(losses, outside + vendor)
    if equity_order == "pari_passu":
        to_outside = to_equity * (outside / (outside + vendor)) if outside + vendor > 0 else np.zeros_like(losses)
        to_vendor = to_equity - to_outside
    elif equity_order == "vendor_last":
        to_outside = np.minimum(to_equity, outside)
        to_vendor = to_equity - to_outside
    else:  # vendor_first
        to_vendor = np.minimum(to_equity, vendor)
        to_outside = to_equity - to_vendor
    # 2. What the equity cannot absorb falls on the debt, at most the whole debt.
    debt_loss = np.clip(losses - to_equity, 0.0, debt)
    # 3. A guarantee splits the debt's loss between the lenders and the guarantor (the taxpayers).
    if structure == "pro_rata":  # the guarantor pays its share of every dollar
        to_taxpayers = coverage * debt_loss
        to_lenders = debt_loss - to_taxpayers
    else:  # lenders_first: the unguaranteed part of the debt absorbs losses before the guarantor
        to_lenders = np.minimum(debt_loss, (1.0 - coverage) * debt)
        to_taxpayers = debt_loss - to_lenders
    return np.column_stack([to_outside, to_vendor, to_lenders, to_taxpayers])


def _waterfall_inputs(deal: Deal, coverage: float, structure: str, equity_order: str) -> tuple[float, str, str]:
    check_deal(deal)
    return (FRACTION.check("coverage", coverage), check_choice("structure", structure, tuple(STRUCTURES)),
            check_choice("equity_order", equity_order, tuple(EQUITY_ORDERS)))


def loss_waterfall(
    deal: Deal,
    loss_usd: float,
    coverage: float = 0.0,
    structure: str = "lenders_first",
    equity_order: str = "pari_passu",
) -> pd.DataFrame:
    """Who absorbs a loss, in order: the equity, then the lenders, then the taxpayers.

    A loss is a fall in the value of the SPV's assets below what was put in (``deal.total_cost_usd``).
    The SPV's equity absorbs it first, up to the whole equity; then the debt. The equity has two
    holders, the outside investors and the chip vendor, who share the equity's part in one of three
    ways (``equity_order``, :data:`EQUITY_ORDERS`):

    ``"pari_passu"`` (default)
        In proportion to their stakes: a loss of a fifth of the equity costs each holder a fifth of
        its stake. No source says the vendor's equity ranks above or below the other equity.
    ``"vendor_last"``
        The outside equity first, then the vendor's: the vendor, an anchor investor, stands behind
        the other owners (it would have to have negotiated a senior class of shares).
    ``"vendor_first"``
        The vendor's equity first, then the outside equity's: the vendor takes a first loss to
        attract the other investors.

    A guarantee of ``coverage`` of the debt splits the debt's loss between the lenders and the
    guarantor, standing for the taxpayers, in one of two ways (``structure``):

    ``"lenders_first"``
        The lenders absorb losses up to the unguaranteed part of the debt, ``(1 - coverage) *
        debt``; the guarantor pays only beyond that, up to ``coverage * debt``. The guarantor is
        last in line.
    ``"pro_rata"``
        The guarantor pays ``coverage`` of every dollar the debt loses, the lenders the rest: the
        guarantee that :func:`guarantee_value` prices.

    Parameters
    ----------
    deal : Deal
        The SPV's funding: outside equity, vendor equity and debt.
    loss_usd : float
        The loss, in USD, from zero to ``deal.total_cost_usd``.
    coverage : float
        Share of the debt guaranteed, a fraction in [0, 1]; 0 means no guarantee.
    structure : str
        ``"lenders_first"`` (default) or ``"pro_rata"``.
    equity_order : str
        ``"pari_passu"`` (default), ``"vendor_last"`` or ``"vendor_first"``.

    Returns
    -------
    pandas.DataFrame
        One row per party in :data:`WATERFALL_ORDER`: ``party``, ``stake_usd`` (what it put in or
        guaranteed), ``absorbed_usd``, ``share_of_loss`` (fractions adding up to 1 when the loss is
        positive) and ``share_of_stake`` (how much of its own stake it lost).

    Examples
    --------
    Outside equity of 30 and vendor equity of 10: a loss of 20 costs each half of its stake.

    >>> deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    >>> loss_waterfall(deal, 20)["absorbed_usd"].tolist()
    [15.0, 5.0, 0.0, 0.0]
    >>> loss_waterfall(deal, 20, equity_order="vendor_last")["absorbed_usd"].tolist()
    [20.0, 0.0, 0.0, 0.0]
    >>> loss_waterfall(deal, 70, coverage=0.5)["absorbed_usd"].tolist()
    [30.0, 10.0, 30.0, 0.0]
    >>> loss_waterfall(deal, 70, coverage=0.5, structure="pro_rata")["absorbed_usd"].tolist()
    [30.0, 10.0, 15.0, 15.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    loss = Range(0.0, deal.total_cost_usd).check("loss_usd", loss_usd)
    absorbed = _allocate(np.array([loss]), deal, c, how, order)[0]
    stakes = np.array([deal.outside_equity_usd, deal.vendor_equity_usd, deal.debt_usd, c * deal.debt_usd])
    frame = pd.DataFrame({"party": list(WATERFALL_ORDER), "stake_usd": stakes, "absorbed_usd": absorbed})
    frame["share_of_loss"] = absorbed / loss if loss > 0 else 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["share_of_stake"] = np.where(stakes > 0, absorbed / np.where(stakes > 0, stakes, 1.0), 0.0)
    return frame


def waterfall_scenarios(
    deal: Deal, declines, coverage: float = 0.0, structure: str = "lenders_first", equity_order: str = "pari_passu"
) -> pd.DataFrame:
    """:func:`loss_waterfall` for several falls in the GPUs' value, stacked into one long table.

    Parameters
    ----------
    deal : Deal
        The SPV's funding.
    declines : sequence of float
        Falls in the value of the SPV's assets, each a fraction of its cost in [0, 1].
    coverage, structure, equity_order
        As in :func:`loss_waterfall`.

    Returns
    -------
    pandas.DataFrame
        Columns ``decline``, ``loss_usd``, ``party``, ``absorbed_usd`` and ``share_of_loss``; one
        row per decline and party.

    Examples
    --------
    >>> table = waterfall_scenarios(Deal(100, 40, 60, 10, 0.08, 5, 5), [0.2, 0.5], coverage=0.5)
    >>> table.groupby("decline")["absorbed_usd"].sum().tolist()
    [20.0, 50.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    falls = [FRACTION.check("declines", d) for d in np.atleast_1d(np.asarray(declines, dtype=float))]
    pieces = []
    for fall in falls:
        piece = loss_waterfall(deal, fall * deal.total_cost_usd, c, how, order)
        piece.insert(0, "loss_usd", fall * deal.total_cost_usd)
        piece.insert(0, "decline", fall)
        pieces.append(piece[["decline", "loss_usd", "party", "absorbed_usd", "share_of_loss"]])
    return pd.concat(pieces, ignore_index=True)


def expected_loss_by_party(
    deal: Deal, terminal_usd, coverage: float = 0.0, structure: str = "lenders_first",
    equity_order: str = "pari_passu",
) -> pd.DataFrame:
    """Each party's average loss over simulated values of the SPV's assets at the horizon.

    The loss on a path is ``max(deal.total_cost_usd - V_T, 0)``, split by :func:`loss_waterfall`.
    The taxpayers' average equals :func:`expected_loss` with ``debt_face = deal.debt_usd`` (pro
    rata), or with ``debt_face = coverage * deal.debt_usd`` and full coverage (lenders first).

    Parameters
    ----------
    deal : Deal
        The SPV's funding; the simulation should start from ``deal.total_cost_usd``.
    terminal_usd : array-like
        Simulated values at the horizon, in USD (``MonteCarloGuarantee.terminal_usd``).
    coverage, structure, equity_order
        As in :func:`loss_waterfall`.

    Returns
    -------
    pandas.DataFrame
        One row per party: ``party``, ``expected_loss_usd`` (mean at the horizon) and
        ``standard_error_usd``.

    Examples
    --------
    >>> deal = Deal(100, 40, 60, 10, 0.08, 5, 5)
    >>> expected_loss_by_party(deal, [100.0, 30.0], coverage=0.5)["expected_loss_usd"].tolist()
    [15.0, 5.0, 15.0, 0.0]
    """
    c, how, order = _waterfall_inputs(deal, coverage, structure, equity_order)
    values = np.asarray(terminal_usd, dtype=float).ravel()
    if values.size == 0 or not np.all(np.isfinite(values)) or (values < 0).any():
        raise ValueError("terminal_usd must be a non-empty array of finite values, each at least zero")
    losses = np.clip(deal.total_cost_usd - values, 0.0, deal.total_cost_usd)
    shares = _allocate(losses, deal, c, how, order)
    errors = [_standard_error(shares[:, k]) for k in range(shares.shape[1])]
    return pd.DataFrame({"party": list(WATERFALL_ORDER), "expected_loss_usd": shares.mean(axis=0),
                         "standard_error_usd": errors})


