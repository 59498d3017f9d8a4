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
import xml.etree.ElementTree as ET

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

#: What ``latex2mathml`` does not lay out: alignment points, line breaks, environments.
_UNSUPPORTED = re.compile(r"(?<!\\)&|\\\\|\\begin\b")
#: Elements whose children are a base and its scripts (no spacing goes between those).
_SCRIPTS = frozenset({"msub", "msup", "msubsup", "munder", "mover", "munderover"})
#: What ends an ordinary term: a thin space goes between it and an operator name, as in TeX.
_ORDINARY = frozenset({"mi", "mn", "mtext", "mrow", "mfrac", "msqrt", "mroot"}) | _SCRIPTS
_OPENING = frozenset("([{")
_MINUS = "\u2212"


def _space(width: str = "0.167em") -> ET.Element:
    return ET.Element("mspace", width=width)


def _is_operator_name(element: ET.Element) -> bool:
    """``\\exp``, ``\\ln`` (latex2mathml: a several-letter ``<mi>``) or ``\\max``,
    ``\\operatorname{E}`` (an ``<mo>`` of letters)."""
    text = element.text or ""
    return (element.tag in ("mi", "mo") and len(element) == 0 and text.isascii() and text.isalpha()
            and (element.tag == "mo" or len(text) > 1))


def _tidy(inner: str) -> str:
    """Mend what latex2mathml gets wrong in the book's formulas, the way TeX sets them.

    * ``\\sim`` becomes the relation ∼ (U+223C; latex2mathml writes a tilde as an identifier);
    * an operator name (``\\exp``, ``\\ln``, ``\\max``, ``\\operatorname{E}``) is an upright
      identifier followed by the invisible function application, with a thin space before it after a
      term, and after it unless its bracket follows; as the base or a script of a sub- or
      superscript it is only made upright;
    * a minus sign that opens a group (``N(-d_2)``, ``e^{-rT}``) is a sign, set close to what follows;
    * negative thin spaces (``\\!``), which MathML Core has no name for, are dropped.

    The markup is parsed as XML, so TeX that latex2mathml turns into something that is not (such
    as ``\\text{a<b}``) raises instead of reaching the page. Returns one ``<mrow>``, the single
    presentation element ``<semantics>`` takes.
    """
    root = ET.fromstring(f"<mrow>{inner}</mrow>")
    for parent in list(root.iter()):
        children, kept = list(parent), []
        for index, child in enumerate(children):
            if child.tag == "mspace" and child.get("width") == "negativethinmathspace":
                continue
            if child.tag == "mi" and child.text == "~":
                child.tag, child.text = "mo", "\u223c"
            if (child.tag == "mo" and child.text == _MINUS and parent.tag == "mrow"
                    and (not kept or (kept[-1].tag == "mo" and kept[-1].text in _OPENING))):
                child.set("lspace", "0")
                child.set("rspace", "0")
            if not _is_operator_name(child):
                kept.append(child)
                continue
            name = child.text
            child.tag, child.attrib = "mi", ({"mathvariant": "normal"} if len(name) == 1 else {})
            if parent.tag in _SCRIPTS:
                kept.append(child)
                continue
            following = children[index + 1] if index + 1 < len(children) else None
            if kept and kept[-1].tag in _ORDINARY:
                kept.append(_space())
            application = ET.Element("mo")
            application.text = "\u2061"
            kept += [child, application]
            if following is not None and following.tag != "mspace" and not (
                    following.tag == "mo" and following.text in _OPENING):
                kept.append(_space())
        if kept != children:
            parent[:] = kept
    only = root[0] if len(root) == 1 and root[0].tag == "mrow" else root  # one element for <semantics>
    return ET.tostring(only, encoding="unicode", short_empty_elements=False)


def to_mathml(latex: str, display: bool = False) -> str:
    r"""One formula as a ``<math>`` element, its TeX kept as an annotation.

    Raises ``ValueError`` for what the book does not render (alignment, line breaks, environments),
    and whatever ``latex2mathml`` raises for TeX it cannot read.

    >>> to_mathml(r"x^2")
    '<math display="inline"><semantics><mrow><msup><mi>x</mi><mn>2</mn></msup></mrow><annotation encoding="application/x-tex">x^2</annotation></semantics></math>'
    >>> to_mathml(r"Z \sim N")
    '<math display="inline"><semantics><mrow><mi>Z</mi><mo>∼</mo><mi>N</mi></mrow><annotation encoding="application/x-tex">Z \\sim N</annotation></semantics></math>'
    >>> to_mathml(r"c \max(a) + \ln x")
    '<math display="inline"><semantics><mrow><mi>c</mi><mspace width="0.167em"></mspace><mi>max</mi><mo>\u2061</mo><mo stretchy="false">(</mo><mi>a</mi><mo stretchy="false">)</mo><mo>+</mo><mi>ln</mi><mo>\u2061</mo><mspace width="0.167em"></mspace><mi>x</mi></mrow><annotation encoding="application/x-tex">c \\max(a) + \\ln x</annotation></semantics></math>'
    >>> to_mathml(r"N(-d)")
    '<math display="inline"><semantics><mrow><mi>N</mi><mo stretchy="false">(</mo><mo lspace="0" rspace="0">−</mo><mi>d</mi><mo stretchy="false">)</mo></mrow><annotation encoding="application/x-tex">N(-d)</annotation></semantics></math>'
    >>> to_mathml(r"\operatorname{E}[X]")
    '<math display="inline"><semantics><mrow><mi mathvariant="normal">E</mi><mo>\u2061</mo><mo stretchy="false">[</mo><mi>X</mi><mo stretchy="false">]</mo></mrow><annotation encoding="application/x-tex">\\operatorname{E}[X]</annotation></semantics></math>'
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
