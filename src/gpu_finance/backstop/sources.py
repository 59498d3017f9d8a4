"""What was said about a government backstop, and guarantees from history: the sourced data of
chapter 4 (``backstop_quotes.csv`` and ``backstop_history.csv``)."""

from __future__ import annotations

import pandas as pd

from ..datasets import load_dataset

__all__ = ["backstop_quotes", "backstop_history"]


def backstop_quotes() -> pd.DataFrame:
    """What was said about a government backstop, exactly as sourced, in the order it was said.

    Returns
    -------
    pandas.DataFrame
        One row per quote: ``quote_id``, ``fact_id`` (the research note's id), ``date``,
        ``speaker``, ``role``, ``setting`` (our description, not a quote), ``quote`` (the words as
        the source gives them), ``bibkey``, ``source``, ``url`` and ``confidence``.

    Examples
    --------
    >>> backstop_quotes().set_index("quote_id").loc["friar-exactly", "quote"]
    'Exactly.'
    """
    quotes = load_dataset("backstop_quotes")
    return quotes.sort_values("order", ignore_index=True).drop(columns="order")


def backstop_history() -> pd.DataFrame:
    """Guarantees and backstops from history, with figures and sources, indexed by ``key``.

    Returns
    -------
    pandas.DataFrame
        Columns ``date``, ``event``, ``value``, ``unit``, ``bibkey``, ``source``, ``url`` and
        ``confidence``; ``value`` is empty for events without a figure.

    Examples
    --------
    >>> float(backstop_history().loc["solyndra_guarantee", "value"])
    535000000.0
    """
    return load_dataset("backstop_history").set_index("key")
