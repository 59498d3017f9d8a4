"""Formulas turned into MathML when the book is built, so that a page needs no script to show them.

The website used to ship MathJax 2 and typeset each formula in the reader's browser: 0.4 MB of
script and fonts on every page with a formula, and most of a chapter's main-thread work on a slow
laptop (issue 17). Browsers draw MathML themselves (MathML Core: Chromium since 109, Firefox,
Safari), so this extension converts each ``{math}`` role and directive to MathML at build time with
``latex2mathml``. Each formula keeps its TeX in an ``<annotation>`` (not drawn; copied with the
formula, and read by tools that prefer TeX). The math font is a subset of STIX Two Math shipped with
the book (``book/static/fonts``, OFL), used when the reader has no STIX Two Math installed.

Only what the book writes is accepted: a formula that ``latex2mathml`` cannot convert, or that uses
alignment (``&``, ``\\\\``, environments), which it does not lay out, fails the build with the page
and the formula named (warnings are errors).
"""

from __future__ import annotations

import html
import re

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

#: What ``latex2mathml`` does not lay out: alignment points, line breaks, environments.
_UNSUPPORTED = re.compile(r"&|\\\\|\\begin\b")
#: An operator name as latex2mathml writes it: ``\exp``, ``\ln`` as a several-letter ``<mi>``;
#: ``\max``, ``\operatorname{E}`` as an ``<mo>`` of letters.
_OPERATOR_NAME = re.compile(r"<mi>([A-Za-z]{2,})</mi>|<mo>([A-Za-z]+)</mo>")
#: What ends an ordinary term (a thin space goes between it and an operator name, as in TeX).
_ORDINARY_END = ("</mi>", "</mn>", "</msub>", "</msup>", "</msubsup>", "</mfrac>", "</msqrt>", "</mrow>", "</mtext>")
#: What may follow an operator name without a space: its bracket, or a space the author wrote.
_NO_SPACE_AFTER = re.compile(r'<mo(?: [^>]*)?>(?:\(|\[|&#x00028;|&#x0005B;)</mo>|<mspace|</mrow>')
_THIN = '<mspace width="0.167em"></mspace>'


def _tidy(markup: str) -> str:
    """Mend what latex2mathml gets wrong in the book's formulas, the way TeX sets them.

    * ``\\sim`` becomes the relation ∼ (U+223C; latex2mathml writes a tilde as an identifier);
    * an operator name (``\\exp``, ``\\ln``, ``\\max``, ``\\operatorname{E}``) is an upright
      identifier with a thin space before it after a term, and after it unless its bracket follows;
    * a minus sign that opens a group (``N(-d_2)``, ``e^{-rT}``) is a sign, set close to what follows;
    * negative thin spaces (``\\!``), which MathML Core has no name for, are dropped.
    """
    markup = markup.replace("<mi>&#x0007E;</mi>", "<mo>&#x0223C;</mo>")
    markup = re.sub(r"(<mrow>|<mo(?: [^>]*)?>(?:\(|\[|&#x00028;|&#x0005B;)</mo>)<mo>&#x02212;</mo>",
                    r'\1<mo lspace="0" rspace="0">&#x02212;</mo>', markup)
    markup = markup.replace('<mspace width="negativethinmathspace" />', "")
    markup = markup.replace(' />', "></mspace>") if "<mspace" in markup else markup
    pieces, last = [], 0
    for match in _OPERATOR_NAME.finditer(markup):
        before = markup[last:match.start()]
        pieces.append(before)
        name = match.group(1) or match.group(2)
        if markup[:match.start()].endswith(_ORDINARY_END):
            pieces.append(_THIN)
        pieces.append(f"<mi>{name}</mi><mo>&#x02061;</mo>")
        if not _NO_SPACE_AFTER.match(markup, match.end()):
            pieces.append(_THIN)
        last = match.end()
    pieces.append(markup[last:])
    return "".join(pieces)


def to_mathml(latex: str, display: bool = False) -> str:
    r"""One formula as a ``<math>`` element, its TeX kept as an annotation.

    Raises ``ValueError`` for what the book does not render (alignment, line breaks, environments),
    and whatever ``latex2mathml`` raises for TeX it cannot read.

    >>> to_mathml(r"x^2")
    '<math display="inline"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation encoding="application/x-tex">x^2</annotation></semantics></math>'
    >>> to_mathml(r"Z \sim N")
    '<math display="inline"><semantics><mrow><mi>Z</mi><mo>&#x0223C;</mo><mi>N</mi></mrow><annotation encoding="application/x-tex">Z \\sim N</annotation></semantics></math>'
    >>> to_mathml(r"c \max(a) + \ln x")
    '<math display="inline"><semantics><mrow><mi>c</mi><mspace width="0.167em"></mspace><mi>max</mi><mo>&#x02061;</mo><mo stretchy="false">&#x00028;</mo><mi>a</mi><mo stretchy="false">&#x00029;</mo><mo>&#x0002B;</mo><mi>ln</mi><mo>&#x02061;</mo><mspace width="0.167em"></mspace><mi>x</mi></mrow><annotation encoding="application/x-tex">c \\max(a) + \\ln x</annotation></semantics></math>'
    >>> to_mathml(r"N(-d)")
    '<math display="inline"><semantics><mrow><mi>N</mi><mo stretchy="false">&#x00028;</mo><mo lspace="0" rspace="0">&#x02212;</mo><mi>d</mi><mo stretchy="false">&#x00029;</mo></mrow><annotation encoding="application/x-tex">N(-d)</annotation></semantics></math>'
    >>> to_mathml(r"a &= b")
    Traceback (most recent call last):
    ...
    ValueError: alignment and line breaks ('&', '\\', \begin) are not rendered; write one formula per line
    """
    latex = latex.strip()
    if _UNSUPPORTED.search(latex):
        raise ValueError("alignment and line breaks ('&', '\\\\', \\begin) are not rendered; "
                         "write one formula per line")
    mode = "block" if display else "inline"
    markup = convert(latex, display=mode)
    opening = f'<math xmlns="http://www.w3.org/1998/Math/MathML" display="{mode}">'
    if not (markup.startswith(opening) and markup.endswith("</math>")):
        raise ValueError(f"unexpected output from latex2mathml: {markup[:80]!r}")
    inner = _tidy(markup[len(opening):-len("</math>")])
    if not (inner.startswith("<mrow>") and inner.endswith("</mrow>")):
        inner = f"<mrow>{inner}</mrow>"
    tex = html.escape(latex, quote=False)
    # No xmlns: the pages are HTML, where <math> is MathML by definition. A displayed formula wider
    # than a phone's column scrolls sideways, so it takes the keyboard's focus (tabindex) to scroll.
    focus = ' tabindex="0"' if display else ""
    return (f'<math display="{mode}"{focus}><semantics>{inner}'
            f'<annotation encoding="application/x-tex">{tex}</annotation></semantics></math>')


def _render(self, node, latex: str, display: bool) -> str:
    try:
        return to_mathml(latex, display)
    except Exception as error:  # noqa: BLE001 - latex2mathml raises many kinds; each is a build error
        logger.warning("formula not rendered (%s): %s", error, latex, location=node, type="sbs", subtype="math")
        return f"<code>{self.encode(latex)}</code>"


def visit_math(self, node: nodes.math) -> None:
    self.body.append(_render(self, node, node.astext(), display=False))
    raise nodes.SkipNode


def visit_displaymath(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    for part in (p for p in node.astext().split("\n\n") if p.strip()):  # blank lines separate formulas
        self.body.append(_render(self, node, part, display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _configure(app, config) -> None:
    config.html_math_renderer = "mathml"


def setup(app):
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("config-inited", _configure)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
