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
    equity earns.
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
    # parties and formatting
    "PARTIES",
    "party_label",
    "Prose",
    "usd",
    "usd_billions",
    "percent",
    "years",
]
