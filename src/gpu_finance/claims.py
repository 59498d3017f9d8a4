"""The claims ledger: every claim of the essay, with the book's verdict on it.

One row of ``essay_claims.csv`` per claim the essay makes. ``claim_zh`` holds the essay's own words,
copied verbatim from the article (a test checks that); ``claim_en`` renders them in English. The
book's judgement is in ``verdict`` (one of :data:`VERDICTS`), ``why``, ``evidence`` (keys of the
book's BibTeX file, separated by ``;``), ``what_would_change_it``, ``as_of`` (the date the verdict
was last checked against the record) and ``confidence`` (the code of the weakest evidence the
verdict rests on, as in every data file: see :data:`gpu_finance.CONFIDENCE_CODES`).

Figures in ``why`` are never typed: they are written as ``{fact:KEY}``, a key of
``deal_facts.csv`` or ``depreciation_facts.csv``, and filled in from that row when the ledger is
shown (:func:`render_claim_text`). A row that breaks a rule is a clear ``ValueError`` naming the
row and the column, raised when the ledger is loaded.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from .datasets import CONFIDENCE_CODES, load_dataset
from .formatting import percent, usd, years
from .i18n import N_

__all__ = ["VERDICTS", "CHAPTERS", "CLAIM_COLUMNS", "essay_claims", "essay_claim", "render_claim_text"]

#: The verdicts the book gives, from agreement to disagreement, then "open".
VERDICTS: tuple[str, ...] = (
    N_("supported"),
    N_("supported with qualification"),
    N_("reported, not closed"),
    N_("overstated"),
    N_("contradicted"),
    N_("open"),
)

#: Where the book judges a claim: the label of the chapter (cross-reference target) and its title.
CHAPTERS: dict[str, str] = {
    "the-spv": N_("Chapter 1. The SPV"),
    "depreciation-game": N_("Chapter 2. The depreciation game"),
    "the-guarantee": N_("Chapter 3. The guarantee"),
    "the-backstop": N_("Chapter 4. The backstop"),
    "who-pays": N_("Chapter 5. Who pays?"),
}

#: The ledger's own columns, in order (the file also carries the source columns every data file has).
CLAIM_COLUMNS: tuple[str, ...] = (
    "id",
    "claim_zh",
    "claim_en",
    "chapter",
    "verdict",
    "why",
    "evidence",
    "what_would_change_it",
    "as_of",
    "confidence",
)

_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_BIBKEY = re.compile(r"^[A-Za-z][A-Za-z0-9_:-]*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TOKEN = re.compile(r"\{fact:([A-Za-z0-9_.]+)\}")


def _fail(row: int, claim_id: object, column: str, problem: str) -> None:
    raise ValueError(f"essay_claims.csv row {row} (id={claim_id!r}), column {column!r}: {problem}")


@lru_cache(maxsize=1)
def _facts() -> pd.DataFrame:
    """``value`` and ``unit`` of every row of the two fact tables a ``{fact:KEY}`` may name, by key."""
    tables = [load_dataset(name).set_index("key")[["value", "unit"]] for name in ("deal_facts", "depreciation_facts")]
    return pd.concat(tables)


def _validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Check every row of the ledger; raise ``ValueError`` naming the first bad row and column.

    Rows are numbered from 1, as a reader counts the data lines of the file.
    """
    missing = [c for c in CLAIM_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"essay_claims.csv lacks the columns {missing}")
    facts = set(_facts().index)
    seen: set[str] = set()
    for number, (_, row) in enumerate(frame.iterrows(), start=1):
        claim_id = row["id"]
        for column in CLAIM_COLUMNS:
            value = row[column]
            if not isinstance(value, str) or not value.strip():
                _fail(number, claim_id, column, "is empty")
        if not _ID.match(claim_id):
            _fail(number, claim_id, "id", "must be lower-case words joined by '-'")
        if claim_id in seen:
            _fail(number, claim_id, "id", "repeats an earlier row's id")
        seen.add(claim_id)
        if row["chapter"] not in CHAPTERS:
            _fail(number, claim_id, "chapter", f"{row['chapter']!r} is not one of {sorted(CHAPTERS)}")
        if row["verdict"] not in VERDICTS:
            _fail(number, claim_id, "verdict", f"{row['verdict']!r} is not one of {list(VERDICTS)}")
        if row["confidence"] not in CONFIDENCE_CODES:
            _fail(number, claim_id, "confidence", f"{row['confidence']!r} is not one of {sorted(CONFIDENCE_CODES)}")
        if not _ISO_DATE.match(row["as_of"]):
            _fail(number, claim_id, "as_of", f"{row['as_of']!r} is not an ISO date (YYYY-MM-DD)")
        keys = [k.strip() for k in row["evidence"].split(";")]
        if not all(_BIBKEY.match(k) for k in keys):
            _fail(number, claim_id, "evidence", f"{row['evidence']!r} is not BibTeX keys separated by ';'")
        for column in ("why", "what_would_change_it"):
            unknown = sorted(set(_TOKEN.findall(row[column])) - facts)
            if unknown:
                _fail(number, claim_id, column, f"names facts that do not exist: {unknown}")
    return frame


@lru_cache(maxsize=1)
def _ledger() -> pd.DataFrame:
    frame = load_dataset("essay_claims")
    return _validate(frame)


def essay_claims(chapter: str | None = None) -> pd.DataFrame:
    """The claims ledger: one row per claim of the essay, in the essay's order.

    Parameters
    ----------
    chapter : str, optional
        A key of :data:`CHAPTERS` (``"the-spv"``, ...): only the claims that chapter judges.

    Returns
    -------
    pandas.DataFrame
        The columns of :data:`CLAIM_COLUMNS` first, then the row's source columns; ``evidence`` is a
        list of BibTeX keys.

    Examples
    --------
    >>> claims = essay_claims()
    >>> len(claims) >= 20, set(claims["verdict"]) <= set(VERDICTS)
    (True, True)
    >>> essay_claims("nowhere")
    Traceback (most recent call last):
    ...
    ValueError: chapter='nowhere' is not one of ['depreciation-game', 'the-backstop', 'the-guarantee', 'the-spv', 'who-pays']
    """
    claims = _ledger().copy()
    if chapter is not None:
        if chapter not in CHAPTERS:
            raise ValueError(f"chapter={chapter!r} is not one of {sorted(CHAPTERS)}")
        claims = claims[claims["chapter"] == chapter]
    claims["evidence"] = claims["evidence"].map(lambda s: [k.strip() for k in s.split(";")])
    rest = [c for c in claims.columns if c not in CLAIM_COLUMNS]
    return claims[list(CLAIM_COLUMNS) + rest].reset_index(drop=True)


def essay_claim(claim_id: str) -> pd.Series:
    """One claim of the ledger, by its ``id``.

    Examples
    --------
    >>> essay_claim("debt-off-balance-sheet")["chapter"]
    'the-spv'
    """
    claims = essay_claims().set_index("id")
    if claim_id not in claims.index:
        raise ValueError(f"claim_id={claim_id!r} is not one of {sorted(claims.index)}")
    return claims.loc[claim_id]


def render_claim_text(text: str) -> str:
    """Fill each ``{fact:KEY}`` of a ledger text with the figure of that data row, formatted.

    Dollar amounts are written as in the prose (``$13.3B``), fractions as percentages, years as
    years; other units as the number itself.

    Examples
    --------
    >>> render_claim_text("Debt of {fact:colossus2.debt_usd}, equity {fact:colossus2.reported_equity_share}.")
    'Debt of $12.5B, equity 40%.'
    """
    facts = _facts()

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key not in facts.index:
            raise ValueError(f"text names a fact that does not exist: {key!r}")
        value, unit = float(facts.loc[key, "value"]), str(facts.loc[key, "unit"])
        if unit == "USD":
            return str(usd(value))
        if unit.startswith("fraction"):
            return str(percent(value, 0 if round(value * 100, 6).is_integer() else 1))
        if unit == "years":
            return str(years(value))
        return f"{value:g}"

    return _TOKEN.sub(fill, text)
