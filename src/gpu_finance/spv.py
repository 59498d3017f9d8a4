"""The SPV's side of the deal: the lease payment that pays its lenders and its equity investors.

The vehicle owns the GPUs and leases them to the sponsor on a *triple-net* lease (the sponsor pays
power, maintenance and insurance), so its only income is the lease payment and, at the end of the
lease, whatever the GPUs are worth (their residual value). Out of that it pays its debt service,
and what is left goes to its equity investors.

All money is in USD per year; rates and fractions are fractions (0.22 = 22%).
"""

from __future__ import annotations

import numpy as np

from ._validation import check_number
from .datasets import fact
from .deal import Deal, _require_deal, debt_schedule

__all__ = ["TARGET_EQUITY_RETURN", "lease_payment", "equity_cash_flows"]

#: The return Valor reportedly pitched to the vehicle's equity investors ("above 22%"), a
#: fraction per year; a row of ``deal_facts.csv`` (second-hand, one source).
TARGET_EQUITY_RETURN: float = fact("colossus2.target_equity_return")


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
    residual_value_fraction: float = 0.0,
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
        assumption: no residual value was reported.

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
    residual_value_fraction: float = 0.0,
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

