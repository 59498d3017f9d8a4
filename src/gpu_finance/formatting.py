"""How numbers are written in the book's prose and tables, in the reader's language.

In the Chinese edition (:func:`gpu_finance.i18n.language` is ``"zh_TW"``) amounts are counted the
way Taiwan's readers count them, in 萬 (10^4), 億 (10^8) and 兆 (10^12): ``$20B`` is ``200億美元``,
``$535M`` is ``5.35億美元``, ``$40M`` is ``4,000萬美元``; years are ``6年`` and dates ``2025年10月8日``.
Percentages are written the same in both languages.

Numbers in the text are computed, never typed: a notebook computes a figure, formats it here and
``glue``-s it into a sentence (myst-nb's ``{glue:text}`` role). :class:`Prose` makes a formatted
string show without quotes when glued.

**The precision rule.** A figure is written with as many digits as the reader can trust:

* *Deterministic arithmetic* (a debt schedule, a lease payment, a reported figure) is exact given
  its inputs, and a reader may want to check it by hand: :func:`usd` and :func:`percent` keep the
  digits asked for.
* *Estimates* (a Monte Carlo average, a calibrated rate, an expected loss under assumed inputs)
  carry the uncertainty of their inputs: :func:`estimate_usd` and :func:`estimate_percent` round to
  :data:`ESTIMATE_DIGITS` significant digits (never more than :data:`MAX_ESTIMATE_DIGITS`) and can
  show the standard error or the interval beside the figure.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import math

from ._validation import check_number
from .i18n import N_, NP_, gettext as _, is_chinese, pgettext, translate_joined

__all__ = [
    "Prose",
    "usd",
    "twd",
    "twd_equivalent",
    "usd_billions",
    "percent",
    "years",
    "date_text",
    "ESTIMATE_DIGITS",
    "MAX_ESTIMATE_DIGITS",
    "significant",
    "estimate_usd",
    "estimate_percent",
    "table_formats",
    "column_label",
    "table",
    "styled",
    "glue",
]

#: Significant digits an estimate (a simulated or calibrated figure) is shown with by default.
ESTIMATE_DIGITS: int = 2

#: The most significant digits any estimate may be shown with.
MAX_ESTIMATE_DIGITS: int = 3


#: The MIME-type prefix myst-nb gives a value glued with ``display=False`` (shown nowhere in a
#: notebook; the book reads it when it builds).
GLUE_PREFIX = "application/papermill.record/"


def glue(name: str, variable: object, display: bool = True) -> None:
    """Hand ``variable`` to the book's text as ``name``: myst-nb's ``glue()``, also where myst-nb
    cannot be installed (the in-browser edition, which has no build of it).

    With myst-nb installed this *is* myst-nb's ``glue``; without it, it makes the same output:
    the value's display data, its MIME types prefixed with ``application/papermill.record/`` when
    ``display`` is false, with the name in the output's ``scrapbook`` metadata.

    Parameters
    ----------
    name : str
        The name the text refers to (``{glue:text}`name```).
    variable : object
        The value; the text shows what a notebook would display for it.
    display : bool
        Also show the value in the notebook.
    """
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        import IPython.core.formatters
        from IPython.display import display as ipy_display

        mimebundle, metadata = IPython.core.formatters.format_display_data(variable)
        mime_prefix = "" if display else GLUE_PREFIX
        metadata["scrapbook"] = dict(name=name, mime_prefix=mime_prefix)
        ipy_display({mime_prefix + k: v for k, v in mimebundle.items()}, raw=True, metadata=metadata)
        return
    myst_glue(name, variable, display)


class Prose(str):
    """A string that displays as itself (no quotes), for gluing into sentences.

    Examples
    --------
    >>> Prose("$12.5B")
    $12.5B
    """

    def __repr__(self) -> str:
        return _glue_safe(str(self))

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's text/plain formatter
        printer.text(_glue_safe(str(self)))


def _glue_safe(text: str) -> str:
    """``text``, quoted only if it reads as a different Python value.

    myst-nb's ``{glue:text}`` role passes the glued text through ``ast.literal_eval`` (to strip
    quotes), which would turn ``100,000`` into the tuple ``(100, 0)`` and ``9.50`` into ``9.5``.
    Such text is written as a quoted string literal, which evaluates back to itself; every other
    text is shown as it is.
    """
    try:
        value = ast.literal_eval(text)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return text
    return text if isinstance(value, str) or str(value) == text else repr(text)


def _trim(number: str) -> str:
    """Drop a fractional part made only of zeros: ``20.0`` becomes ``20``."""
    if "." in number:
        whole, frac = number.split(".", 1)
        if set(frac) == {"0"}:
            return whole
    return number


def usd(amount: float, digits: int = 1) -> Prose:
    """Write a dollar amount the way the book's prose does: ``$12.5B``, ``$20B``, ``$535M``, ``$4,700``.

    A fractional part of zeros is dropped (``$20B``, not ``$20.0B``).

    Parameters
    ----------
    amount : float
        Amount in USD. Negative amounts get a leading minus sign.
    digits : int
        Digits after the decimal point for billions and millions.

    Examples
    --------
    >>> usd(12.5e9), usd(535e6, 0), usd(-2e9), usd(4700)
    ($12.5B, $535M, −$2B, $4,700)
    """
    value = check_number("amount", amount)
    size = abs(value)
    if is_chinese():
        scale = 1e9 if size >= 1e9 else 1e6 if size >= 1e6 else 1.0
        return Prose(_signed(value, _zh_usd(round(size / scale, digits if scale > 1 else 0) * scale)))
    if size >= 1e9:
        body = f"${_trim(f'{size / 1e9:,.{digits}f}')}B"
    elif size >= 1e6:
        body = f"${_trim(f'{size / 1e6:,.{digits}f}')}M"
    else:
        body = f"${size:,.0f}"
    return Prose(_signed(value, body))


def twd(amount: float, digits: int = 1) -> Prose:
    """Write a New Taiwan dollar amount as :func:`usd` writes dollars: ``NT$3M``, ``NT$1.5B``.

    In the Chinese edition, where :func:`usd` writes ``300萬美元``, it is ``新臺幣300萬元``.

    Parameters
    ----------
    amount : float
        Amount in TWD (New Taiwan dollars). Negative amounts get a leading minus sign.
    digits : int
        Digits after the decimal point for billions and millions.

    Examples
    --------
    >>> twd(3e6), twd(1.5e9), twd(700_000), twd(-2e9)
    (NT$3M, NT$1.5B, NT$700,000, −NT$2B)
    """
    shown = str(usd(amount, digits))
    if "美元" in shown:
        sign = "−" if shown.startswith("−") else ""
        return Prose(f"{sign}新臺幣{shown.removeprefix('−').replace('美元', '元')}")
    return Prose(shown.replace("$", "NT$", 1))


def twd_equivalent(amount_usd: float, twd_per_usd: float) -> Prose:
    """A dollar amount's rough equivalent in New Taiwan dollars, to three significant digits: the
    Chinese edition gives it beside a chapter's first headline figure (``約新臺幣6,280億元``).

    Parameters
    ----------
    amount_usd : float
        Amount in USD.
    twd_per_usd : float
        The exchange rate, TWD per USD (the data row ``fx.twd_per_usd``); positive.

    Examples
    --------
    >>> twd_equivalent(20e9, 31.408), twd_equivalent(12.5e9, 31.408)
    (about NT$628B, about NT$393B)
    >>> twd_equivalent(1e9, 0)
    Traceback (most recent call last):
    ...
    ValueError: twd_per_usd=0 is outside (0, inf]
    """
    rate = check_number("twd_per_usd", twd_per_usd, 0.0, math.inf, low_closed=False)
    amount = significant(check_number("amount_usd", amount_usd) * rate, 3)
    if is_chinese():
        return Prose(f"約{twd(amount, 2)}")
    return Prose(f"about {twd(amount, 0)}")


#: Chinese counting units for money, largest first: 兆 (10^12), 億 (10^8), 萬 (10^4).
_ZH_UNITS = ((1e12, "兆"), (1e8, "億"), (1e4, "萬"))


def _zh_usd(size: float, *, smallest: float = 1e6) -> str:
    """A dollar amount (not negative, already rounded to the digits it is shown with) in Chinese
    counting units: 200億美元, 5.35億美元, 4,000萬美元, 1.5兆美元; below ``smallest`` (USD), in
    whole dollars (4,700美元). Trailing zeros of a fraction are dropped.

    With ``smallest`` of 1e8 every amount under 1兆 is written in 億 (a table's column in 億美元).
    """
    size = round(size, 2)
    if size < smallest and smallest <= 1e6:
        return f"{size:,.0f}美元"
    for scale, unit in _ZH_UNITS:
        if size >= scale or scale <= smallest:
            number = f"{size / scale:,.6f}".rstrip("0").rstrip(".")
            return f"{number}{unit}美元"
    return f"{size:,.0f}美元"  # pragma: no cover - the loop always returns


def _signed(value: float, body: str) -> str:
    """Prefix a minus sign for negative values, unless the shown number is zero (rounding noise)."""
    shows_zero = not any(ch in "123456789" for ch in body)
    return f"−{body}" if value < 0 and not shows_zero else body


def usd_billions(amount: float) -> Prose:
    """Write a dollar amount in billions with one decimal: ``$7.5B``.

    Examples
    --------
    >>> usd_billions(7.5e9), usd_billions(-1e-6)
    ($7.5B, $0.0B)
    """
    value = check_number("amount", amount)
    if is_chinese():
        return Prose(_signed(value, _zh_usd(round(abs(value) / 1e9, 1) * 1e9, smallest=1e8)))
    return Prose(_signed(value, f"${abs(value) / 1e9:,.1f}B"))


def percent(fraction: float, digits: int = 1) -> Prose:
    """Write a fraction as a percentage: ``0.095`` becomes ``9.5%``, ``0.22`` becomes ``22%``.

    Examples
    --------
    >>> percent(0.095), percent(0.22), percent(0.6251, 2)
    (9.5%, 22%, 62.51%)
    """
    value = check_number("fraction", fraction)
    return Prose(f"{_trim(f'{value * 100:.{digits}f}')}%")


def years(count: float) -> Prose:
    """Write a number of years: ``1 year``, ``5 years``, ``3.9 years``.

    Examples
    --------
    >>> years(1), years(5), years(3.9)
    (1 year, 5 years, 3.9 years)
    """
    value = check_number("count", count)
    shown = f"{value:g}" if not math.isclose(value, round(value)) else f"{round(value)}"
    return Prose((_("{count} year") if shown == "1" else _("{count} years")).format(count=shown))


def _check_digits(digits: object) -> int:
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= MAX_ESTIMATE_DIGITS:
        raise ValueError(f"digits={digits!r} is outside the whole numbers 1 to {MAX_ESTIMATE_DIGITS}")
    return digits


def significant(value: float, digits: int = ESTIMATE_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant digits (1 to :data:`MAX_ESTIMATE_DIGITS`).

    Examples
    --------
    >>> significant(249.70e6), significant(10.22e9, 3), significant(0.0), significant(-0.0561)
    (250000000.0, 10200000000.0, 0.0, -0.056)
    """
    x = check_number("value", value)
    n = _check_digits(digits)
    if x == 0.0:
        return 0.0
    exponent = math.floor(math.log10(abs(x)))
    return round(x, n - 1 - exponent)


def _decimals(shown: float, digits: int) -> int:
    """Decimal places that show ``digits`` significant digits of ``shown`` (already rounded)."""
    if shown == 0.0:
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(shown))))


def _scaled_usd(amount: float, digits: int) -> str:
    size = abs(significant(amount, digits))
    if is_chinese():
        return _zh_usd(size)
    for scale, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "")):
        if size >= scale:
            break
    if suffix == "":
        return f"${size:,.0f}"
    shown = size / scale
    return f"${shown:,.{_decimals(shown, digits)}f}{suffix}"


def _spread(stderr: object, interval: object, confidence: object, write) -> str:
    if stderr is not None and interval is not None:
        raise ValueError("give stderr or interval, not both")
    if stderr is not None:
        se = check_number("stderr", stderr, 0.0, math.inf)
        return _(" (± {spread})").format(spread=write(se))
    if interval is not None:
        try:
            low, high = (check_number("interval", bound) for bound in interval)
        except TypeError:
            raise ValueError(f"interval={interval!r} must be a pair (low, high)") from None
        if low > high:
            raise ValueError(f"interval={interval!r} must have low <= high")
        if confidence is None:
            return _(" ({low} to {high})").format(low=write(low), high=write(high))
        level = check_number("confidence", confidence, 0.0, 1.0, low_closed=False, high_closed=False)
        return _(" ({level} interval: {low} to {high})").format(level=f"{_trim(f'{level * 100:.0f}')}%",
                                                               low=write(low), high=write(high))
    return ""


def estimate_usd(
    amount: float,
    digits: int = ESTIMATE_DIGITS,
    *,
    stderr: float | None = None,
    interval: tuple[float, float] | None = None,
    confidence: float | None = None,
) -> Prose:
    """Write a dollar *estimate* to ``digits`` significant digits, with its uncertainty if given.

    Parameters
    ----------
    amount : float
        The estimate, in USD.
    digits : int
        Significant digits, 1 to :data:`MAX_ESTIMATE_DIGITS`.
    stderr : float, optional
        A Monte Carlo standard error, in USD, shown as ``± ...``.
    interval : (float, float), optional
        A low and a high value, in USD (give ``stderr`` or ``interval``, not both).
    confidence : float, optional
        The interval's confidence level, a fraction in (0, 1), shown before it.

    Examples
    --------
    >>> estimate_usd(249.70e6), estimate_usd(10.22e9, 3), estimate_usd(636.94e6, stderr=3.1e6)
    ($250M, $10.2B, $640M (± $3.1M))
    >>> estimate_usd(1.2e9, interval=(0.9e9, 1.6e9), confidence=0.9)
    $1.2B (90% interval: $900M to $1.6B)
    """
    n = _check_digits(digits)
    value = check_number("amount", amount)
    body = _signed(value, _scaled_usd(value, n))
    return Prose(body + _spread(stderr, interval, confidence, lambda x: _signed(x, _scaled_usd(x, n))))


def estimate_percent(
    fraction: float,
    digits: int = ESTIMATE_DIGITS,
    *,
    stderr: float | None = None,
    interval: tuple[float, float] | None = None,
    confidence: float | None = None,
) -> Prose:
    """Write a fraction that is an *estimate* as a percentage to ``digits`` significant digits.

    Parameters are as for :func:`estimate_usd`, with fractions instead of dollars.

    Examples
    --------
    >>> estimate_percent(0.9361), estimate_percent(0.0561, 3), estimate_percent(0.331, interval=(0.12, 0.47), confidence=0.9)
    (94%, 5.61%, 33% (90% interval: 12% to 47%))
    """
    n = _check_digits(digits)
    value = check_number("fraction", fraction)

    def write(x: float) -> str:
        shown = significant(x * 100, n)
        return _signed(x, f"{abs(shown):.{_decimals(shown, n)}f}%")

    return Prose(write(value) + _spread(stderr, interval, confidence, write))


def date_text(iso_date, *, short: bool = False) -> Prose:
    """Write a date the way the book's prose does: ``2026-11-30`` becomes ``30 November 2026``; with
    ``short``, the way its tables do, ``30 Nov 2026`` (the day in two digits: ``06 Jan 2026``). In
    Chinese both are ``2026年11月30日``.

    Parameters
    ----------
    iso_date : str or datetime.date
        A date written ``YYYY-MM-DD``, or a date (a ``datetime``, ``pandas.Timestamp``: its day).
    short : bool
        The month's name abbreviated, as in a table's column of dates.

    Examples
    --------
    >>> date_text("2026-11-30"), date_text("2026-02-02")
    (30 November 2026, 2 February 2026)
    >>> import datetime
    >>> date_text(datetime.datetime(2026, 1, 6, 12, 30), short=True)
    06 Jan 2026
    """
    import datetime

    if isinstance(iso_date, datetime.datetime):
        day = iso_date.date()
    elif isinstance(iso_date, datetime.date):
        day = iso_date
    else:
        try:
            day = datetime.date.fromisoformat(str(iso_date))
        except ValueError:
            raise ValueError(f"iso_date={iso_date!r} is not a date written YYYY-MM-DD") from None
    if is_chinese():
        return Prose(f"{day.year}年{day.month}月{day.day}日")
    return Prose(f"{day:%d %b %Y}" if short else f"{day.day} {day:%B %Y}")


def month_year(day, *, short: bool = False) -> Prose:
    """A date's month and year: ``October 2025`` (``Oct 2025`` if ``short``); in Chinese ``2025年10月``.

    Examples
    --------
    >>> import datetime
    >>> month_year(datetime.date(2025, 10, 8)), month_year(datetime.date(2025, 10, 8), short=True)
    (October 2025, Oct 2025)
    """
    if is_chinese():
        return Prose(f"{day.year}年{day.month}月")
    return Prose(day.strftime("%b %Y" if short else "%B %Y"))


def table_formats(frame_columns) -> dict[str, object]:
    """Formatters for ``DataFrame.style.format`` chosen by the column names' unit suffixes.

    ``*_usd`` columns are shown in billions, ``*_share``/``*_fraction``/``*_rate`` as percentages.

    Examples
    --------
    >>> sorted(table_formats(["amount_usd", "share_of_cost", "party"]))
    ['amount_usd', 'share_of_cost']
    """
    formats: dict[str, object] = {}
    for column in frame_columns:
        name = str(column)
        if name.endswith("_usd"):
            formats[name] = usd_billions
        elif name.endswith(("_share", "_fraction", "_rate")) or name.startswith("share_"):
            formats[name] = percent
    return formats


_UNIT_SUFFIXES = {"_usd": "", "_years": " (years)", "_fraction": "", "_bn": " (USD billions)"}


def column_label(name: str) -> str:
    """A reader-facing column heading from a snake_case name with a unit suffix.

    Dollar columns lose their suffix (their cells read ``$12.5B``); other units go in brackets.

    Examples
    --------
    >>> column_label("opening_balance_usd"), column_label("debt_term_years"), column_label("party")
    ('Opening balance', 'Debt term (years)', 'Party')
    """
    text = str(name)
    unit = ""
    for suffix, shown in _UNIT_SUFFIXES.items():
        if text.endswith(suffix):
            text, unit = text[: -len(suffix)], shown
            break
    text = text.replace("_", " ").strip()
    if not text:
        return str(name)
    heading = text[:1].upper() + text[1:]
    if unit == " (USD billions)":  # a table's numbers in billions (a chart's axis is in 億美元 in Chinese)
        return _(heading) + pgettext("table unit", unit)
    return _(heading + unit)


#: Headings of the book's tables made from their columns' names (:func:`column_label`) or given by a
#: chapter (``labels=``): messages of the catalog (:mod:`gpu_finance.i18n`), kept here because no
#: literal in the package's code spells them. A table with a new column fails the test that draws
#: every table in Chinese until its heading is added here and translated.
_HEADINGS = (
    N_("Instrument"), N_("Opening balance"), N_("Payment"), N_("Closing balance"), N_("Lease income"),
    N_("Residual value"), N_("Interest"), N_("Principal"), N_("Balloon"), N_("Cash to equity"),
    N_("Debt outstanding"), N_("DSCR"), N_("Test"), N_("Measure"), N_("Threshold"), N_("Met"), N_("Answer"),
    N_("Rules out a sale"), N_("Question"), N_("Step"), N_("New equity"), N_("Post money valuation"),
    N_("New investors share"), N_("Stake before"), N_("Stake after"), N_("Dilution"), N_("Stake value"),
    N_("Route"), N_("Who funds whom"), N_("With what"), N_("Headline amount"), N_("Conf."), N_("Total cost"),
    N_("Debt"), N_("Vendor equity"), N_("Lease a year"), N_("ASC 842 liability"), N_("Liability / debt"),
    N_("Deal"), N_("Debt rate"), N_("Equity share"), N_("Expense"), N_("Accumulated depreciation"),
    N_("Book value"), N_("Rent"), N_("Reported depreciation"), N_("Economic depreciation"),
    N_("Profit before interest and tax"), N_("Loan balance"), N_("Market value"), N_("Ltv"), N_("Recovery"),
    N_("Reading"), N_("Estimate"), N_("Low"), N_("High"), N_("N observations"), N_("Prices fitted"),
    N_("Yearly decline"), N_("Interval from"), N_("to"), N_("Observations"), N_("Customer"), N_("Monthly fee"),
    N_("GPUs"), N_("USD per GPU-hour"), N_("Description"), N_("Figure"), N_("Double-declining"),
    N_("150% declining"), N_("Overstatement"), N_("Cumulative overstatement"), N_("With the 2023 peak"),
    N_("Geometric gap"), N_("Linear gap"), N_("Stake"), N_("Absorbed"), N_("Share of stake"),
    N_("Share of the loss"), N_("Earned on the way"), N_("Earned less expected loss"), N_("Expected loss"),
    N_("Without guarantee"), N_("Share"), N_("Year"), N_("Party"), N_("Amount"), N_("When"), N_("What"),
    N_("Date"), N_("Event"), N_("Status"), N_("Confidence"), N_("Source"), N_("Rule"), N_("What changed"),
    N_("Item"), N_("Method"), N_("Label"), N_("Kind"), N_("Condition"), N_("Lease payment"), N_("Share of loss"),
    NP_("table unit", " (USD billions)"),
)


#: Columns of the model's tables whose values are words for readers: :func:`table` shows them in the
#: reader's language (their values are messages of the catalog, see :mod:`gpu_finance.i18n`).
TEXT_COLUMNS: tuple[str, ...] = ("instrument", "item", "route", "event", "status", "what", "when", "deal", "test",
                                 "condition", "step", "question", "answer", "method", "label", "kind", "measure",
                                 "reading")


#: What a data row's ``source`` says when it cites nothing: words for readers, unlike a citation
#: (a publication's title, shown as it was published).
_SOURCE_WORDS = (N_("Assumption of this book"),)


def source_text(text):
    """A row's source as a reader sees it: a citation as it is, the book's own words translated."""
    return _(text) if text in _SOURCE_WORDS else text


#: The class of a table's cell written in English inside a Chinese page (a citation's title): the
#: book's build gives such an element ``lang="en"``, for screen readers and hyphenation.
ENGLISH_CLASS = "lang-en"


def english_cells(styler, columns):
    """``styler`` with the cells of ``columns`` (the headings as shown) that hold English text, a
    citation kept in the language it was published in, given the class :data:`ENGLISH_CLASS`; only in
    the Chinese edition (the English HTML is unchanged). A cell in Chinese (more Chinese characters
    than Latin letters: the book's own words, translated), or empty, keeps no class.

    Examples
    --------
    >>> import pandas as pd
    >>> shown = english_cells(styled(pd.DataFrame({"Source": ["Bloomberg"]})), ["Source"])
    >>> "lang-en" in shown.to_html()
    False
    """
    import re

    import pandas as pd

    frame = styler.data
    chosen = [c for c in columns if c in frame.columns]
    if not is_chinese() or not chosen or not frame.index.is_unique or not frame.columns.is_unique:
        return styler

    def english(value) -> str:
        text = value if isinstance(value, str) else ""
        latin, chinese = len(re.findall("[A-Za-z]", text)), len(re.findall("[\u3000-\u9fff\uff00-\uffef]", text))
        return ENGLISH_CLASS if latin > chinese else ""

    classes = pd.DataFrame("", index=frame.index, columns=frame.columns)
    for column in chosen:
        classes[column] = frame[column].map(english)
    return styler.set_td_classes(classes)


def table(frame, *, formats: dict | None = None, labels: dict | None = None):
    """A DataFrame styled for the book: units formatted, headings readable, parties named, no index.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns named with unit suffixes (``amount_usd``, ``share_of_cost``, ``term_years``).
    formats : dict, optional
        Extra or overriding formatters, by column name.
    labels : dict, optional
        Extra or overriding headings, by column name, in English: like the headings made from the
        columns' names and the words of :data:`TEXT_COLUMNS`, they are shown in the reader's
        language (:mod:`gpu_finance.i18n`).

    Returns
    -------
    pandas.io.formats.style.Styler
    """
    from .parties import PARTIES

    shown = frame.copy()
    if "party" in shown.columns:
        shown["party"] = shown["party"].map(lambda key: _(PARTIES[key]) if key in PARTIES else key)
    for column in shown.columns:
        if column in TEXT_COLUMNS:
            shown[column] = shown[column].map(translate_joined)
        elif column == "source":
            shown[column] = shown[column].map(source_text)
        elif is_chinese() and shown[column].dtype == bool:  # True and False, in words
            shown[column] = shown[column].map({True: _("yes"), False: _("no")})
    chosen = {**table_formats(shown.columns), **(formats or {})}
    labels = labels or {}
    headings = {c: _(labels[c]) if c in labels else column_label(c) for c in shown.columns}
    headings.update({c: _(label) for c, label in labels.items() if c not in headings})
    chosen = {headings[c]: f for c, f in chosen.items() if c in headings}
    result = styled(shown.rename(columns=headings)).format(chosen).hide(axis="index")
    return english_cells(result, [headings["source"]]) if "source" in shown.columns else result


_table_counter = itertools.count(1)


def styled(frame):
    """``frame.style`` with a stable id: pandas gives each table a random one, which would make every
    build of the book differ; this one is a digest of the table and a running count (unique on a page).
    """
    digest = hashlib.sha256(frame.to_json(default_handler=str).encode()).hexdigest()[:8]
    return frame.style.set_uuid(f"{digest}{next(_table_counter)}")
