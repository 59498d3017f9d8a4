"""gpu_finance: the model behind *Shadow Balance Sheets*, an executable textbook on how the AI chip
boom is financed.

Plain functions over frozen dataclasses. Money is in US dollars (USD), rates and shares are
fractions (0.095 = 9.5%), times are in years. Every public function validates its input once, at the
boundary, and raises a ``ValueError`` naming the parameter, the value and the allowed range.

Every public name is available from the package (``from gpu_finance import lease_payment``); the
book's reference page, "The model's API", lists them by subject. The modules, lowest layer first
(a module imports only from its own layer or lower ones):

datasets
    The sourced CSV data the book cites: :func:`load_dataset`, :func:`fact`, :func:`deal_facts`.
i18n, formatting, parties
    The reader's language (English, or Traditional Chinese as in Taiwan); how numbers are written in
    prose and tables; the names of the parties, views and outcomes.
deal
    :class:`Deal`, :data:`COLOSSUS_2`, :func:`capital_structure`, :func:`debt_schedule`.
calibration
    The rental-price fits behind the calibrated yearly decline :data:`CALIBRATED_ANNUAL_DECLINE`.
claims
    :func:`essay_claims`, the claims ledger: every claim of the essay with the book's verdict.
asset_value
    :func:`depreciation_schedule` and :func:`market_value_path`: book value and market value.
spv, incentives, leases, accounting
    Chapter 1: what the vehicle charges and what its equity earns (:func:`lease_payment`,
    :func:`spv_cash_flows`, :func:`money_flows`); what the founders and the chip vendor get
    (:func:`founder_dilution`, :func:`vendor_loop`); the lease tests (:func:`lease_classification`,
    :func:`sale_leaseback_test`); and the sponsor's books (:func:`sponsor_balance_sheets`, the
    consolidation test).
depreciation, collateral
    Chapter 2: :func:`profit_comparison`, :func:`impairment_year`, :func:`owner_profit_comparison`;
    :func:`collateral_path`, the loan against the GPUs' market value.
assumptions, backstop
    Chapters 3 and 4: the book's assumptions (:func:`backstop_assumptions`); a guarantee as a put
    (:func:`guarantee_value`), its Monte Carlo check, the loss waterfall and the sponsor's choice of
    leverage (:func:`optimal_leverage`).
loan
    Chapter 3's calibrated base case: :func:`break_even_loan_rate` and
    :func:`implied_collateral_volatility`.
scenario
    Chapter 5, "Who pays?": :class:`Scenario`, the named :data:`PRESETS`, :func:`who_pays` and
    :func:`risk_path`.
viz
    Charts and live panels, imported on demand (``from gpu_finance import viz``).

Importing the package reads no data and solves nothing: constants that come from data or from a
solve (:data:`COLOSSUS_2`, :data:`CALIBRATED_ANNUAL_DECLINE`, :data:`PRESETS`, ...) are computed on
first use and kept.
"""

from __future__ import annotations

from types import ModuleType

from . import (
    accounting,
    asset_value,
    assumptions,
    backstop,
    calibration,
    claims,
    collateral,
    datasets,
    deal,
    depreciation,
    formatting,
    incentives,
    leases,
    loan,
    parties,
    scenario,
    spv,
)

__version__ = "0.1.0"

#: The modules whose ``__all__`` make up the package's public names, in the order of the book.
_MODULES: tuple[ModuleType, ...] = (
    claims, deal, spv, incentives, leases, accounting, datasets, calibration, asset_value, depreciation,
    collateral, assumptions, backstop, loan, scenario, parties, formatting,
)


def _collect() -> tuple[list[str], dict[str, ModuleType]]:
    names: list[str] = []
    lazy: dict[str, ModuleType] = {}
    for module in _MODULES:
        for name in module.__all__:
            if name in names:
                continue  # a module re-exports a name another one defines
            names.append(name)
            if name in vars(module):
                globals()[name] = vars(module)[name]
            else:
                lazy[name] = module  # computed on first use by the module's __getattr__
    return names, lazy


__all__, _LAZY = _collect()


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'gpu_finance' has no attribute {name!r}")
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
