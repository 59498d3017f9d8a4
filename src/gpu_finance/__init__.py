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
backstop
    :func:`guarantee_value` (a loan guarantee as a put option), :func:`simulate_asset_paths`,
    :func:`loss_waterfall` and :func:`optimal_leverage`: what a government backstop is worth, who
    absorbs a loss, and how a guarantee changes the borrower's choices.
depreciation
    Chapter 2: :func:`depreciation_schedule`, :func:`market_value_path`,
    :func:`profit_comparison` and the rental-price calibration :data:`CALIBRATED_ANNUAL_DECLINE`.
collateral
    Chapter 2: :func:`collateral_path`, the loan against the GPUs' market value.
    equity earns; :func:`spv_cash_flows`, :func:`money_flows`, :func:`founder_dilution` and
    :func:`vendor_loop` (chapter 1).
accounting
    :func:`sponsor_balance_sheets` (the five views of the sponsor's books), the lease
    classification and the consolidation test (chapter 1).
scenario
    The closing chapter: :class:`Scenario` (one story through all three tricks), the named
    :data:`PRESETS`, :func:`who_pays` (who bears the loss, by seeded simulation) and
    :func:`risk_path` (the loss as each trick is switched on).
loan
    Chapter 3's calibrated base case: :func:`break_even_loan_rate` and
    :func:`implied_collateral_volatility` for the vehicle's amortising loan (the rent first, the
    GPUs second).
datasets
    The sourced CSV data the book cites.
claims
    :func:`essay_claims`, the claims ledger: every claim of the essay with the book's verdict.
formatting
    How numbers are written in prose and tables.
viz
    Charts and live panels (imported on demand: ``from gpu_finance import viz``).
"""

from .datasets import (
    FACTS_AS_OF,
    CONFIDENCE_CODES,
    deal_facts,
    fact,
    fact_row,
    financing_events,
    list_datasets,
    load_dataset,
)
from .claims import VERDICTS, essay_claim, essay_claims
from .deal import COLOSSUS_2, MAX_TERM_YEARS, Deal, annuity_payment, capital_structure, debt_schedule
from .formatting import Prose, date_text, estimate_percent, estimate_usd, percent, significant, usd, usd_billions, years
from .parties import PARTIES, party_label
from .spv import TARGET_EQUITY_RETURN, equity_cash_flows, lease_payment

# backstop (chapters 3 and 4)
from .backstop import (
    DEFAULT_COST_OF_DEFAULT,
    DEFAULT_COVERAGE,
    DEFAULT_DEBT_ADVANTAGE,
    DEFAULT_DRIFT,
    DEFAULT_HORIZON_YEARS,
    DEFAULT_PAYOUT_RATE,
    DEFAULT_RISK_FREE_RATE,
    DEFAULT_VOLATILITY,
    DIRECT_BANKRUPTCY_COST_FRACTION,
    EQUITY_ORDERS,
    FEE_RULES,
    LeverageChoice,
    LeverageProblem,
    MonteCarloGuarantee,
    backstop_assumptions,
    backstop_history,
    backstop_quotes,
    break_even_fee,
    claimable_value,
    closed_form_vs_monte_carlo,
    default_probability,
    design_comparison,
    drift_from_annual_decline,
    expected_loss,
    expected_loss_by_party,
    fair_fee,
    guarantee_value,
    leverage_curve,
    loss_distribution,
    loss_waterfall,
    monte_carlo_guarantee,
    optimal_leverage,
    path_summary,
    simulate_asset_paths,
    waterfall_scenarios,
)

# chapter 2: depreciation and collateral
from .collateral import COVENANT_MAX_LTV, LIQUIDATION_COST_FRACTION, collateral_path, covenant_breach_year
from .depreciation import (
    CALIBRATED_ANNUAL_DECLINE,
    DeclineEstimate,
    calibrated_decline,
    compute_contracts,
    METHODS,
    NEOCLOUD_FLEET,
    OWNER_REQUIRED_RETURN,
    Fleet,
    book_versus_market,
    decimal_year,
    depreciation_fact,
    depreciation_facts,
    depreciation_schedule,
    depreciation_views,
    generation_gap_years,
    gpu_generations,
    implied_annual_decline,
    impairment_year,
    market_value_path,
    owner_profit_comparison,
    peak_overstatement,
    price_trend,
    profit_comparison,
    rental_prices,
    reversal_year,
    useful_life_changes,
)

# chapter 1, the SPV: the vehicle's cash flows, the vendor loop, dilution and the sponsor's books
from .accounting import (
    CONSOLIDATION_RULES,
    GPU_ECONOMIC_LIFE_YEARS,
    INCREMENTAL_BORROWING_RATE,
    LEASE_TYPES,
    SPONSOR_DEBT_USD,
    SPE_OUTSIDE_EQUITY_MINIMUM,
    SPONSOR_EQUITY_USD,
    REPURCHASE_OPTIONS,
    VIEWS,
    ConsolidationDecision,
    compare_views,
    consolidation_decision,
    financing_liability_schedule,
    lease_classification,
    lease_liability_schedule,
    sale_leaseback_test,
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

# the loan that closed (chapter 3's calibrated base case)
from .loan import (
    CALIBRATED_LESSEE_DEFAULT_PROBABILITY,
    CALIBRATED_VOLATILITY,
    DEFAULT_FORCED_SALE_LOSS,
    DEFAULT_LESSEE_DEFAULT_INTENSITY,
    LESSEE_RECOVERY_CONVENTION,
    REPORTED_LOAN_RATE,
    LoanValuation,
    amortising_loan_value,
    break_even_loan_rate,
    decline_sensitivity,
    implied_collateral_volatility,
    lessee_default_intensity,
)

# the closing chapter, "Who pays?": one scenario through all three tricks
from .scenario import (
    PRESET_DESCRIPTIONS,
    PRESET_LABELS,
    PRESETS,
    RISK_STEPS,
    SCENARIO_FIELDS,
    WHO_PAYS_PATHS,
    WHO_PAYS_SEED,
    Scenario,
    WhoPays,
    compare_presets,
    implied_default_rate,
    who_pays_by_decline,
    preset,
    risk_path,
    scenario_flows,
    scenario_presets,
    who_pays,
)

__version__ = "0.1.0"

__all__ = [
    # claims ledger
    "VERDICTS",
    "essay_claims",
    "essay_claim",
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
    # backstop (chapters 3 and 4)
    "DEFAULT_COST_OF_DEFAULT",
    "DIRECT_BANKRUPTCY_COST_FRACTION",
    "EQUITY_ORDERS",
    "FEE_RULES",
    "DEFAULT_DRIFT",
    "DEFAULT_VOLATILITY",
    "DEFAULT_RISK_FREE_RATE",
    "DEFAULT_HORIZON_YEARS",
    "DEFAULT_COVERAGE",
    "DEFAULT_DEBT_ADVANTAGE",
    "DEFAULT_PAYOUT_RATE",
    "backstop_assumptions",
    "drift_from_annual_decline",
    "guarantee_value",
    "default_probability",
    "expected_loss",
    "fair_fee",
    "break_even_fee",
    "claimable_value",
    "simulate_asset_paths",
    "MonteCarloGuarantee",
    "monte_carlo_guarantee",
    "closed_form_vs_monte_carlo",
    "loss_distribution",
    "path_summary",
    "loss_waterfall",
    "waterfall_scenarios",
    "expected_loss_by_party",
    "LeverageProblem",
    "LeverageChoice",
    "leverage_curve",
    "optimal_leverage",
    "design_comparison",
    "backstop_quotes",
    "backstop_history",
    # depreciation and collateral (chapter 2)
    "METHODS",
    "CALIBRATED_ANNUAL_DECLINE",
    "DeclineEstimate",
    "calibrated_decline",
    "compute_contracts",
    "depreciation_schedule",
    "market_value_path",
    "book_versus_market",
    "impairment_year",
    "profit_comparison",
    "Fleet",
    "NEOCLOUD_FLEET",
    "OWNER_REQUIRED_RETURN",
    "owner_profit_comparison",
    "peak_overstatement",
    "reversal_year",
    "implied_annual_decline",
    "price_trend",
    "decimal_year",
    "rental_prices",
    "useful_life_changes",
    "gpu_generations",
    "generation_gap_years",
    "depreciation_views",
    "depreciation_facts",
    "depreciation_fact",
    "COVENANT_MAX_LTV",
    "LIQUIDATION_COST_FRACTION",
    "collateral_path",
    "covenant_breach_year",
    # data
    "FACTS_AS_OF",
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
    "sale_leaseback_test",
    "financing_liability_schedule",
    "REPURCHASE_OPTIONS",
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
    "estimate_usd",
    "date_text",
    "estimate_percent",
    "significant",
    "years",
    # the loan that closed (loan, chapter 3)
    "REPORTED_LOAN_RATE",
    "LESSEE_RECOVERY_CONVENTION",
    "DEFAULT_LESSEE_DEFAULT_INTENSITY",
    "DEFAULT_FORCED_SALE_LOSS",
    "CALIBRATED_VOLATILITY",
    "CALIBRATED_LESSEE_DEFAULT_PROBABILITY",
    "LoanValuation",
    "lessee_default_intensity",
    "amortising_loan_value",
    "break_even_loan_rate",
    "implied_collateral_volatility",
    "decline_sensitivity",
    # the closing chapter (scenario)
    "Scenario",
    "WhoPays",
    "PRESETS",
    "PRESET_LABELS",
    "PRESET_DESCRIPTIONS",
    "SCENARIO_FIELDS",
    "RISK_STEPS",
    "WHO_PAYS_PATHS",
    "WHO_PAYS_SEED",
    "preset",
    "scenario_presets",
    "who_pays",
    "compare_presets",
    "risk_path",
    "scenario_flows",
    "implied_default_rate",
    "who_pays_by_decline",
]
