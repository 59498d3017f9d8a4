"""Every label a reader sees for the model's keys: parties, views of the books, outcomes, flows.

The model works with keys (``"vendor"``, ``"failed_sale"``, ``"walk_away"``) and numbers; the words
for them are written here, once, and tables and charts call these functions. Charts colour each
party the same way in every chapter (see :mod:`gpu_finance.viz.theme`), so the party keys are the
book's shared vocabulary.
"""

from __future__ import annotations

from ._validation import check_choice

__all__ = [
    "PARTIES",
    "VIEWS",
    "SHORT_VIEWS",
    "LINE_ITEMS",
    "OUTCOMES",
    "RISK_STEPS",
    "party_label",
    "view_label",
    "outcome_label",
    "risk_step_label",
    "rent_label",
    "value_lost_label",
]

#: Party key -> label shown to readers. The SPV's owners come before its lenders, and the
#: taxpayers, who stand behind a government guarantee, come last.
PARTIES: dict[str, str] = {
    "sponsor": "Sponsor (the AI company)",
    "spv_equity": "Outside equity investors",
    "vendor": "Chip vendor",
    "lenders": "Lenders",
    "taxpayers": "Taxpayers",
}

#: The five ways the deal can reach the sponsor's books (:func:`gpu_finance.sponsor_balance_sheets`):
#: key -> label shown to readers.
VIEWS: dict[str, str] = {
    "own": "(a) Buys the GPUs itself",
    "lease": "(b) Leases them (ASC 842)",
    "service": "(c) Compute contract",
    "consolidate": "(d) Consolidates the SPV",
    "failed_sale": "(e) Failed sale-leaseback (ASC 842-40)",
}

#: The same views in a few words, for a chart's axis.
SHORT_VIEWS: dict[str, str] = {
    "own": "(a) Owns",
    "lease": "(b) Leases",
    "service": "(c) Contract",
    "consolidate": "(d) Consolidates",
    "failed_sale": "(e) Failed sale",
}

#: The line items of the sponsor's balance sheet (columns of
#: :func:`gpu_finance.sponsor_balance_sheets`) -> label, in the order
#: :func:`gpu_finance.accounting.compare_views` shows them.
LINE_ITEMS: dict[str, str] = {
    "cash_and_other_assets_usd": "Cash and other assets",
    "gpus_usd": "GPUs",
    "right_of_use_asset_usd": "Right-of-use asset",
    "total_assets_usd": "Total assets",
    "borrowings_usd": "Borrowings",
    "lease_liability_usd": "Lease liability",
    "financing_liability_usd": "Financing liability (failed sale)",
    "total_liabilities_usd": "Total liabilities",
    "shareholders_equity_usd": "Shareholders' equity",
    "noncontrolling_interest_usd": "Non-controlling interest",
    "total_equity_usd": "Total equity",
    "headline_debt_usd": "Debt, as headlines report it",
    "commitments_in_notes_usd": "Commitments in the notes",
    "adjusted_debt_usd": "Adjusted debt (lease capitalised)",
    "debt_to_equity": "Debt to equity",
    "adjusted_debt_to_equity": "Adjusted debt to equity",
}

#: How a simulated future of :func:`gpu_finance.who_pays` ends: the lease runs to its end, the
#: sponsor stops paying for reasons of its own, or it walks away from chips past their economic life.
OUTCOMES: dict[str, str] = {
    "completed": "The lease runs to its end",
    "default": "The sponsor stops paying",
    "walk_away": "The sponsor walks away from obsolete chips",
}

#: The path of risk from trick to trick: what each step of :func:`gpu_finance.risk_path` switches on.
RISK_STEPS: dict[str, str] = {
    "spv": "1. The vehicle: the sponsor honours the lease",
    "depreciation": "2. Chips die early: the sponsor may walk away",
    "backstop": "3. The backstop: taxpayers stand behind the lenders",
}


def party_label(key: str) -> str:
    """The reader-facing label of a party key.

    Examples
    --------
    >>> party_label("vendor")
    'Chip vendor'
    """
    return PARTIES[check_choice("party", key, tuple(PARTIES))]


def view_label(key: str, *, short: bool = False) -> str:
    """The reader-facing label of a view of the sponsor's books (``short``: in a few words).

    Examples
    --------
    >>> view_label("failed_sale"), view_label("failed_sale", short=True)
    ('(e) Failed sale-leaseback (ASC 842-40)', '(e) Failed sale')
    """
    return (SHORT_VIEWS if short else VIEWS)[check_choice("view", key, tuple(VIEWS))]


def outcome_label(key: str) -> str:
    """The reader-facing label of how a simulated future ends.

    Examples
    --------
    >>> outcome_label("walk_away")
    'The sponsor walks away from obsolete chips'
    """
    return OUTCOMES[check_choice("outcome", key, tuple(OUTCOMES))]


def risk_step_label(key: str) -> str:
    """The reader-facing label of a step of the path of risk.

    Examples
    --------
    >>> risk_step_label("backstop")
    '3. The backstop: taxpayers stand behind the lenders'
    """
    return RISK_STEPS[check_choice("step", key, tuple(RISK_STEPS))]


def rent_label(lease_term_years: int) -> str:
    """What the sponsor's rent over the whole lease is called in a table of money flows.

    Examples
    --------
    >>> rent_label(5), rent_label(1)
    ('rent, 5 years', 'rent, 1 year')
    """
    return f"rent, {lease_term_years} year{'s' if lease_term_years > 1 else ''}"


def value_lost_label(booked: str) -> str:
    """The label of the chips' lost market value in a flow chart, with the depreciation the books
    charge over the same years on a second line (``booked``, the amount already written for readers,
    e.g. ``formatting.usd(12.5e9)``).

    Examples
    --------
    >>> value_lost_label("$12.5B")
    'value lost\\n(books: $12.5B)'
    """
    return f"value lost\n(books: {booked})"
