"""The claims ledger as the book shows it: each claim in the essay's words, its English, the verdict.

Every chapter's verdict section and the closing chapter's claim-by-claim list are drawn from
:func:`gpu_finance.essay_claims` by these functions, so a verdict is written once, in the data.

The result is Markdown in MyST's syntax (citations as ``{cite:p}``, links to chapters as
``{ref}``). The book renders it as MyST (the cell's metadata says ``markdown_format: myst``); in a
plain notebook the roles show as written.
"""

from __future__ import annotations


from IPython.display import Markdown

from ..claims import CHAPTERS, essay_claims, render_claim_text
from ..formatting import date_text
from ..i18n import gettext as _, is_chinese

__all__ = ["verdict_list", "verdict_table", "ledger_markdown", "ledger_table_markdown", "claim_label"]


def claim_label(claim_id: str) -> str:
    """The MyST label of one claim's verdict, as :func:`verdict_list` writes it: ``claim-<id>``.

    Link to it from any page with ``{ref}`the verdict <claim-<id>>```.

    Examples
    --------
    >>> claim_label("debt-off-balance-sheet")
    'claim-debt-off-balance-sheet'
    """
    return f"claim-{claim_id}"




def _cite(keys: list[str]) -> str:
    return "{cite:p}`" + ",".join(keys) + "`"


def _one_line(text: str) -> str:
    """Table cells hold one line: no pipes or line breaks from the data."""
    return " ".join(text.replace("|", "/").split())


def ledger_markdown(chapter: str | None = None, *, anchors: bool = False) -> str:
    """The claims of one chapter (or all of them), one block each, as MyST Markdown.

    Each block quotes the essay in Chinese and in English, then gives the verdict with its date and
    confidence code, the reason, the evidence (citations) and what would change the verdict. With
    ``anchors``, each block starts with its label (:func:`claim_label`), so other pages can link to
    one verdict; only :func:`verdict_list` sets it, once per chapter, so every label is unique.

    Examples
    --------
    >>> text = ledger_markdown("the-spv")
    >>> "**Verdict: contradicted**" in text and "{cite:p}`spacex2026q2tenq" in text
    True
    >>> ledger_markdown("the-spv", anchors=True).startswith("(claim-")
    True
    """
    blocks = []
    for _index, claim in essay_claims(chapter).iterrows():
        label = [f"({claim_label(claim['id'])})="] if anchors else []
        # The essay's words, then their English rendering (a Chinese reader has the essay's own words).
        quoted = [f"> 「{claim['claim_zh']}」"] if is_chinese() else [f"> 「{claim['claim_zh']}」  ",
                                                                      f"> *{claim['claim_en']}*"]
        blocks.append(
            "\n".join(
                label
                + quoted
                + [
                    "",
                    _("**Verdict: {verdict}** (as of {date}; confidence {code}). {why} {cite}").format(
                        verdict=_(claim['verdict']), date=date_text(claim['as_of']), code=claim['confidence'],
                        why=render_claim_text(_(claim['why'])), cite=_cite(claim['evidence'])),
                    "",
                    _("*What would change it:* {text}").format(
                        text=render_claim_text(_(claim['what_would_change_it']))),
                ]
            )
        )
    return "\n\n---\n\n".join(blocks) + "\n"


def ledger_table_markdown() -> str:
    """Every claim of the ledger in one table: the essay's words, English, verdict, where judged.

    Examples
    --------
    >>> lines = ledger_table_markdown().splitlines()
    >>> lines[0].startswith("| The essay")
    True
    """
    if is_chinese():  # the essay's own words, without their English rendering
        rows = [f"| {_('The essay')} | {_('Verdict')} | {_('Judged in')} |", "|---|---|---|"]
        for _index, claim in essay_claims().iterrows():
            rows.append(f"| 「{_one_line(claim['claim_zh'])}」 | **{_(claim['verdict'])}** | "
                        f"{{ref}}`{_(CHAPTERS[claim['chapter']])} <{claim['chapter']}>` |")
        return "\n".join(rows) + "\n"
    rows = [
        "| The essay (中文) | In English | Verdict | Judged in |",
        "|---|---|---|---|",
    ]
    for _index, claim in essay_claims().iterrows():
        rows.append(
            f"| 「{_one_line(claim['claim_zh'])}」 | {_one_line(claim['claim_en'])} | "
            f"**{claim['verdict']}** | {{ref}}`{CHAPTERS[claim['chapter']]} <{claim['chapter']}>` |"
        )
    return "\n".join(rows) + "\n"


def verdict_list(chapter: str | None = None) -> Markdown:
    """:func:`ledger_markdown` for display in a notebook cell, each verdict labelled ``claim-<id>``."""
    return Markdown(ledger_markdown(chapter, anchors=True))


def verdict_table() -> Markdown:
    """:func:`ledger_table_markdown` for display in a notebook cell."""
    return Markdown(ledger_table_markdown())
