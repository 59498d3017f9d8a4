"""gpu_finance: the model behind *Shadow Balance Sheets*, an executable textbook on how the AI chip
boom is financed.

Plain functions over frozen dataclasses. Money is in US dollars (USD), rates and shares are
fractions (0.095 = 9.5%), times are in years. Every public function validates its input and raises
a ``ValueError`` naming the parameter, the value and the allowed range.

Modules
-------
deal
    :class:`Deal`, :data:`COLOSSUS_2`, :func:`capital_structure`, :func:`debt_schedule`.
spv
    :func:`lease_payment` and :func:`equity_cash_flows`: what the SPV charges and what its
    equity earns; :func:`spv_cash_flows`, :func:`money_flows`, :func:`founder_dilution` and
    :func:`vendor_loop` (chapter 1).
accounting
    :func:`sponsor_balance_sheets` (the four views of the sponsor's books), the lease
    classification and the consolidation test (chapter 1).
datasets
    The sourced CSV data the book cites.
formatting
    How numbers are written in prose and tables.
viz
    Charts and live panels (imported on demand: ``from gpu_finance import viz``).
"""

from .datasets import (
    CONFIDENCE_CODES,
    deal_facts,
    fact,
    fact_row,
    financing_events,
    list_datasets,
    load_dataset,
)
from .deal import COLOSSUS_2, MAX_TERM_YEARS, Deal, annuity_payment, capital_structure, debt_schedule
from .formatting import Prose, percent, usd, usd_billions, years
from .parties import PARTIES, party_label
from .spv import TARGET_EQUITY_RETURN, equity_cash_flows, lease_payment

# chapter 1, the SPV: the vehicle's cash flows, the vendor loop, dilution and the sponsor's books
from .accounting import (
    CONSOLIDATION_RULES,
    GPU_ECONOMIC_LIFE_YEARS,
    INCREMENTAL_BORROWING_RATE,
    LEASE_TYPES,
    SPONSOR_DEBT_USD,
    SPE_OUTSIDE_EQUITY_MINIMUM,
    SPONSOR_EQUITY_USD,
    VIEWS,
    ConsolidationDecision,
    compare_views,
    consolidation_decision,
    lease_classification,
    lease_liability_schedule,
    sponsor_balance_sheets,
)
from .datasets import accounting_history, circular_deals
from .spv import (
    FLOW_PERIODS,
    PRE_MONEY_VALUATION_USD,
    RESIDUAL_VALUE_FRACTION,
    VALOR_COMPUTE,
    VENDOR_GROSS_MARGIN,
    VendorLoop,
    equity_irr,
    founder_dilution,
    money_flows,
    rate_implicit_in_lease,
    spv_cash_flows,
    vendor_loop,
)

__version__ = "0.1.0"

__all__ = [
    # deal
    "Deal",
    "COLOSSUS_2",
    "MAX_TERM_YEARS",
    "capital_structure",
    "debt_schedule",
    "annuity_payment",
    # spv
    "TARGET_EQUITY_RETURN",
    "lease_payment",
    "equity_cash_flows",
    # data
    "CONFIDENCE_CODES",
    "list_datasets",
    "load_dataset",
    "deal_facts",
    "fact",
    "fact_row",
    "financing_events",
    # chapter 1, the SPV (spv, accounting, datasets)
    "RESIDUAL_VALUE_FRACTION",
    "PRE_MONEY_VALUATION_USD",
    "VENDOR_GROSS_MARGIN",
    "VALOR_COMPUTE",
    "FLOW_PERIODS",
    "spv_cash_flows",
    "equity_irr",
    "rate_implicit_in_lease",
    "money_flows",
    "founder_dilution",
    "VendorLoop",
    "vendor_loop",
    "INCREMENTAL_BORROWING_RATE",
    "SPONSOR_DEBT_USD",
    "SPONSOR_EQUITY_USD",
    "GPU_ECONOMIC_LIFE_YEARS",
    "VIEWS",
    "LEASE_TYPES",
    "CONSOLIDATION_RULES",
    "SPE_OUTSIDE_EQUITY_MINIMUM",
    "lease_liability_schedule",
    "sponsor_balance_sheets",
    "compare_views",
    "lease_classification",
    "ConsolidationDecision",
    "consolidation_decision",
    "circular_deals",
    "accounting_history",
    # parties and formatting
    "PARTIES",
    "party_label",
    "Prose",
    "usd",
    "usd_billions",
    "percent",
    "years",
]
