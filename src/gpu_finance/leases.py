"""The sponsor's lease from the vehicle under ASC 842: its class, its liability, and a failed sale.

:func:`lease_liability_schedule` is the lessee's liability under ASC 842 (IFRS 16 abroad),
:func:`lease_classification` applies ASC 842's tests for a finance lease,
:func:`sale_leaseback_test` ASC 842-40's test of whether a transfer to the lessor is a sale, and
:func:`financing_liability_schedule` the seller-lessee's liability when it is not. The sponsor's
balance sheet in each view, and the consolidation test, are in :mod:`gpu_finance.accounting`, which
re-exports every public name of this module.

All money is in USD, rates are fractions per year, years are whole numbers.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ._lazy import lazy_constants
from ._validation import RATE, TERM_YEARS, check_choice
from .datasets import FactDefaults
from .deal import Deal
from .i18n import N_, Message
from .spv import check_terms, lease_payment

__all__ = [
    "INCREMENTAL_BORROWING_RATE",
    "GPU_ECONOMIC_LIFE_YEARS",
    "LEASE_TYPES",
    "REPURCHASE_OPTIONS",
    "lease_liability_schedule",
    "financing_liability_schedule",
    "lease_classification",
    "sale_leaseback_test",
]

#: The sponsor's incremental borrowing rate, a fraction per year. An assumption
#: (``sponsor.incremental_borrowing_rate``): the 12.5% reported on xAI's own corporate debt, not
#: the vehicle's 9.5%. ASC 842 asks for a collateralised rate over the lease term; chapter 1
#: discusses which of the two is nearer to it. Read on first use.
INCREMENTAL_BORROWING_RATE: float

#: The GPUs' economic life for the lease-classification test, in years. An assumption
#: (``colossus2.gpu_economic_life_years``). Read on first use.
GPU_ECONOMIC_LIFE_YEARS: int

#: The figure behind each constant above, read on first use: ``default("INCREMENTAL_BORROWING_RATE")``
#: (a life is a whole number).
default = FactDefaults(
    INCREMENTAL_BORROWING_RATE="sponsor.incremental_borrowing_rate",
    GPU_ECONOMIC_LIFE_YEARS="colossus2.gpu_economic_life_years",
    whole=("GPU_ECONOMIC_LIFE_YEARS",),
)
__getattr__ = lazy_constants(globals(), **default.factories())

#: Repurchase terms a seller-lessee may hold in a sale and leaseback: key -> label. Under ASC
#: 842-40-25-3 only an option at the asset's fair value, on an asset with substantially the same
#: alternatives readily available, leaves the transfer a sale.
REPURCHASE_OPTIONS: dict[str, str] = {
    "none": N_("No repurchase option"),
    "fair_value": N_("An option to buy the GPUs back at their fair value when exercised"),
    "fixed_price": N_("An option or obligation to buy them back at a price set in advance"),
}

#: Lease types under ASC 842. IFRS 16 treats every lease like a finance lease.
LEASE_TYPES: tuple[str, ...] = ("operating", "finance")


def check_lease_terms(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
) -> tuple[float, float, float]:
    """Check the lease's terms and the sponsor's borrowing rate once, at a public function's
    boundary (``None`` means the book's figure); return the target return, the residual value
    fraction and the incremental borrowing rate as floats."""
    k, residual = check_terms(deal, target_equity_return, residual_value_fraction)
    if incremental_borrowing_rate is None:
        incremental_borrowing_rate = default("INCREMENTAL_BORROWING_RATE")
    return k, residual, RATE.check("incremental_borrowing_rate", incremental_borrowing_rate)


def check_flag(name: str, value: object) -> bool:
    """Return ``value`` as a bool if it is ``True`` or ``False`` (numpy's too); else raise
    ``ValueError`` naming ``name``."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name}={value!r} is not True or False")
    return bool(value)


def lease_liability_schedule(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
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
        As for :func:`~gpu_finance.lease_payment` (defaults :data:`~gpu_finance.TARGET_EQUITY_RETURN`
        and :data:`~gpu_finance.RESIDUAL_VALUE_FRACTION`).
    incremental_borrowing_rate : float, optional
        The rate the sponsor would pay to borrow over the lease term, a fraction per year in
        [0, 1). An assumption; default: the book's figure, :data:`INCREMENTAL_BORROWING_RATE`.

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
    return _lease_liability(deal, *check_lease_terms(deal, target_equity_return, residual_value_fraction,
                                                     incremental_borrowing_rate))


def _lease_liability(deal: Deal, k: float, residual: float, i: float) -> pd.DataFrame:
    """:func:`lease_liability_schedule` for checked terms."""
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

    from scipy import optimize  # here, not at import: importing scipy is slow

    low, high = -0.99, 10.0 * max(payment, 0.0) / cost + 10.0
    if gap(low) >= 0.0:
        return -math.inf
    return float(optimize.brentq(gap, low, high, xtol=1e-16, rtol=1e-15, maxiter=500))


def financing_liability_schedule(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
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
    deal, target_equity_return, residual_value_fraction, incremental_borrowing_rate
        As for :func:`lease_liability_schedule` (defaults: the book's figures).

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
    return _financing_liability(deal, *check_lease_terms(deal, target_equity_return, residual_value_fraction,
                                                         incremental_borrowing_rate))


def _financing_liability(deal: Deal, k: float, residual: float, i: float) -> pd.DataFrame:
    """:func:`financing_liability_schedule` for checked terms."""
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


def lease_classification(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
    economic_life_years: int | None = None,
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
        As for :func:`lease_liability_schedule` (defaults: the book's figures).
    economic_life_years : int, optional
        The GPUs' remaining economic life at signing, whole years from 1 to 15. An assumption;
        default: the book's figure, :data:`GPU_ECONOMIC_LIFE_YEARS`.
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
    k, residual, i = check_lease_terms(deal, target_equity_return, residual_value_fraction, incremental_borrowing_rate)
    if economic_life_years is None:
        economic_life_years = default("GPU_ECONOMIC_LIFE_YEARS")
    life = TERM_YEARS.check("economic_life_years", economic_life_years)
    flags = {
        "transfers_ownership": transfers_ownership,
        "purchase_option_reasonably_certain": purchase_option_reasonably_certain,
        "specialised_asset": specialised_asset,
    }
    for name, value in flags.items():
        check_flag(name, value)
    present_value = float(_lease_liability(deal, k, residual, i)["liability_usd"].iloc[0])
    term_share = min(deal.lease_term_years / life, 1.0)
    value_share = present_value / deal.total_cost_usd
    rows = [  # English text that knows its message (gpu_finance.i18n.Message): shown in the reader's language
        (Message("Ownership passes to the sponsor"), np.nan, np.nan, bool(transfers_ownership)),
        (Message("A purchase option the sponsor is reasonably certain to use"), np.nan, np.nan,
         bool(purchase_option_reasonably_certain)),
        (Message("Lease term / economic life"), term_share, 0.75, term_share >= 0.75),
        (Message("Present value of payments / fair value"), value_share, 0.90, value_share >= 0.90),
        (Message("Asset so specialised the lessor has no other use for it"), np.nan, np.nan, bool(specialised_asset)),
    ]
    frame = pd.DataFrame(rows, columns=["test", "measure", "threshold", "met"])
    frame.attrs["lease_type"] = "finance" if frame["met"].any() else "operating"
    return frame


def sale_leaseback_test(
    deal: Deal,
    target_equity_return: float | None = None,
    residual_value_fraction: float | None = None,
    incremental_borrowing_rate: float | None = None,
    economic_life_years: int | None = None,
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
        As for :func:`lease_classification` (defaults: the book's figures).
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
    available = check_flag("alternative_assets_available", alternative_assets_available)
    kind = classification.attrs["lease_type"]
    finance = kind == "finance"
    met = None
    for name in classification.loc[classification["met"], "test"]:  # "a; b; c", each part a Message
        met = name if met is None else Message("{left}; {right}", left=met, right=name)
    blocks = option == "fixed_price" or (option == "fair_value" and not available)
    if option == "none":
        option_answer = Message("No: the sponsor holds no repurchase option")
    elif option == "fixed_price":
        option_answer = Message("Yes: a repurchase at a price set in advance keeps control with the sponsor")
    elif available:
        option_answer = Message("No: the option is at fair value and similar GPUs are readily available")
    else:
        option_answer = Message("Yes: the option is at fair value, but no similar GPUs are readily available")
    rows = [
        (Message("Is the leaseback a finance lease? (ASC 842-40-25-2)"),
         Message("Yes: {reasons}", reasons=met) if finance
         else Message("No: an operating lease, no test of ASC 842-10-25-2 is met"), finance),
        (Message("Does a repurchase option keep control with the sponsor? (ASC 842-40-25-3)"), option_answer, blocks),
    ]
    frame = pd.DataFrame(rows, columns=["test", "answer", "precludes_sale"])
    is_sale = not frame["precludes_sale"].any()
    frame.attrs.update(is_sale=bool(is_sale), lease_type=kind, view="lease" if is_sale else "failed_sale")
    return frame
