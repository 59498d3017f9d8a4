"""Every label a reader sees for the model's keys: parties, views of the books, outcomes, flows.

The model works with keys (``"vendor"``, ``"failed_sale"``, ``"walk_away"``) and numbers; the words
for them are written here, once, and tables and charts call these functions. Charts colour each
party the same way in every chapter (see :mod:`gpu_finance.viz.theme`), so the party keys are the
book's shared vocabulary.
"""

from __future__ import annotations

from ._validation import check_choice
from .i18n import N_, gettext as _

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
    "sponsor": N_("Sponsor (the AI company)"),
    "spv_equity": N_("Outside equity investors"),
    "vendor": N_("Chip vendor"),
    "lenders": N_("Lenders"),
    "taxpayers": N_("Taxpayers"),
}

#: The five ways the deal can reach the sponsor's books (:func:`gpu_finance.sponsor_balance_sheets`):
#: key -> label shown to readers.
VIEWS: dict[str, str] = {
    "own": N_("(a) Buys the GPUs itself"),
    "lease": N_("(b) Leases them (ASC 842)"),
    "service": N_("(c) Compute contract"),
    "consolidate": N_("(d) Consolidates the SPV"),
    "failed_sale": N_("(e) Failed sale-leaseback (ASC 842-40)"),
}

#: The same views in a few words, for a chart's axis.
SHORT_VIEWS: dict[str, str] = {
    "own": N_("(a) Owns"),
    "lease": N_("(b) Leases"),
    "service": N_("(c) Contract"),
    "consolidate": N_("(d) Consolidates"),
    "failed_sale": N_("(e) Failed sale"),
}

#: The line items of the sponsor's balance sheet (columns of
#: :func:`gpu_finance.sponsor_balance_sheets`) -> label, in the order
#: :func:`gpu_finance.accounting.compare_views` shows them.
LINE_ITEMS: dict[str, str] = {
    "cash_and_other_assets_usd": N_("Cash and other assets"),
    "gpus_usd": N_("GPUs"),
    "right_of_use_asset_usd": N_("Right-of-use asset"),
    "total_assets_usd": N_("Total assets"),
    "borrowings_usd": N_("Borrowings"),
    "lease_liability_usd": N_("Lease liability"),
    "financing_liability_usd": N_("Financing liability (failed sale)"),
    "total_liabilities_usd": N_("Total liabilities"),
    "shareholders_equity_usd": N_("Shareholders' equity"),
    "noncontrolling_interest_usd": N_("Non-controlling interest"),
    "total_equity_usd": N_("Total equity"),
    "headline_debt_usd": N_("Debt, as headlines report it"),
    "commitments_in_notes_usd": N_("Commitments in the notes"),
    "adjusted_debt_usd": N_("Adjusted debt (lease capitalised)"),
    "debt_to_equity": N_("Debt to equity"),
    "adjusted_debt_to_equity": N_("Adjusted debt to equity"),
}

#: How a simulated future of :func:`gpu_finance.who_pays` ends: the lease runs to its end, the
#: sponsor stops paying for reasons of its own, or it walks away from chips past their economic life.
OUTCOMES: dict[str, str] = {
    "completed": N_("The lease runs to its end"),
    "default": N_("The sponsor stops paying"),
    "walk_away": N_("The sponsor walks away from obsolete chips"),
}

#: The path of risk from trick to trick: what each step of :func:`gpu_finance.risk_path` switches on.
RISK_STEPS: dict[str, str] = {
    "spv": N_("1. The vehicle: the sponsor honours the lease"),
    "depreciation": N_("2. Chips die early: the sponsor may walk away"),
    "backstop": N_("3. The backstop: taxpayers stand behind the lenders"),
}


def party_label(key: str) -> str:
    """The reader-facing label of a party key.

    Examples
    --------
    >>> party_label("vendor")
    'Chip vendor'
    """
    return _(PARTIES[check_choice("party", key, tuple(PARTIES))])


def view_label(key: str, *, short: bool = False) -> str:
    """The reader-facing label of a view of the sponsor's books (``short``: in a few words).

    Examples
    --------
    >>> view_label("failed_sale"), view_label("failed_sale", short=True)
    ('(e) Failed sale-leaseback (ASC 842-40)', '(e) Failed sale')
    """
    return _((SHORT_VIEWS if short else VIEWS)[check_choice("view", key, tuple(VIEWS))])


def outcome_label(key: str) -> str:
    """The reader-facing label of how a simulated future ends.

    Examples
    --------
    >>> outcome_label("walk_away")
    'The sponsor walks away from obsolete chips'
    """
    return _(OUTCOMES[check_choice("outcome", key, tuple(OUTCOMES))])


def risk_step_label(key: str) -> str:
    """The reader-facing label of a step of the path of risk.

    Examples
    --------
    >>> risk_step_label("backstop")
    '3. The backstop: taxpayers stand behind the lenders'
    """
    return _(RISK_STEPS[check_choice("step", key, tuple(RISK_STEPS))])


def rent_label(lease_term_years: int) -> str:
    """What the sponsor's rent over the whole lease is called in a table of money flows.

    Examples
    --------
    >>> rent_label(5), rent_label(1)
    ('rent, 5 years', 'rent, 1 year')
    """
    return (_("rent, {count} years") if lease_term_years > 1 else _("rent, {count} year")).format(count=lease_term_years)


def value_lost_label(booked: str) -> str:
    """The label of the chips' lost market value in a flow chart, with the depreciation the books
    charge over the same years on a second line (``booked``, the amount already written for readers,
    e.g. ``formatting.usd(12.5e9)``).

    Examples
    --------
    >>> value_lost_label("$12.5B")
    'value lost\\n(books: $12.5B)'
    """
    return _("value lost\n(books: {booked})").format(booked=booked)
