"""The parties to a GPU financing deal, with one label each, used by every table and chart.

Charts colour each party the same way in every chapter (see :mod:`gpu_finance.viz.theme`), so the
keys here are the book's shared vocabulary.
"""

from __future__ import annotations

from ._validation import check_choice

__all__ = ["PARTIES", "party_label"]

#: Party key -> label shown to readers. The SPV's owners come before its lenders, and the
#: taxpayers, who stand behind a government guarantee, come last.
PARTIES: dict[str, str] = {
    "sponsor": "Sponsor (the AI company)",
    "spv_equity": "Outside equity investors",
    "vendor": "Chip vendor",
    "lenders": "Lenders",
    "taxpayers": "Taxpayers",
}


def party_label(key: str) -> str:
    """The reader-facing label of a party key.

    Examples
    --------
    >>> party_label("vendor")
    'Chip vendor'
    """
    return PARTIES[check_choice("party", key, tuple(PARTIES))]
