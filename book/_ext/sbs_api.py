"""Sphinx glue for the book's API pages (``book/api.md`` and ``book/api/*.md``, "The model's API").

The pages document every public name as ``gpu_finance.<name>``, so it does not depend on which
module a name lives in. For functions and classes autodoc reads the docstring from the object; a
constant has none of its own (autodoc would show its type's, "Convert a string or number to a
floating point number"), and its ``#:`` comment is in the module that defines it, not in the
package's ``__init__``. This extension finds that comment in whichever module of the package
defines the constant and uses it as the constant's documentation.

Loaded by ``_config.yml`` (``sphinx.local_extensions``), with ``sphinx.ext.autodoc``,
``sphinx.ext.autosummary`` and ``sphinx.ext.napoleon`` (numpydoc docstrings).
"""

from __future__ import annotations

import functools
import importlib
import json
import pkgutil

PACKAGE = "gpu_finance"


@functools.cache
def constant_comments(package: str = PACKAGE) -> dict[str, tuple[str, ...]]:
    """``NAME -> lines`` of the ``#:`` comment above each module-level constant of ``package``.

    When several modules comment the same name, the module the package's own attribute comes
    from wins (a module that only re-exports a name does not comment it).
    """
    from sphinx.errors import PycodeError
    from sphinx.pycode import ModuleAnalyzer

    root = importlib.import_module(package)
    modules = [package] + [info.name for info in pkgutil.walk_packages(root.__path__, package + ".")]
    found: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for name in modules:
        try:
            docs = ModuleAnalyzer.for_module(name).find_attr_docs()
        except PycodeError:
            continue
        for (scope, attribute), lines in docs.items():
            if scope == "" and not attribute.startswith("_"):
                found.setdefault(attribute, []).append((name, tuple(lines)))
    comments = {}
    for attribute, candidates in found.items():
        chosen = candidates[0][1]
        for module, lines in candidates:
            if attribute in vars(importlib.import_module(module)).get("__all__", ()):
                chosen = lines
                break
        comments[attribute] = chosen
    return comments


def _document_constants(app, what, name, obj, options, lines) -> None:
    if what != "data" or not name.startswith(PACKAGE + "."):
        return
    comment = constant_comments().get(name.rsplit(".", 1)[1])
    type_doc = (type(obj).__doc__ or "").strip()
    if comment is not None:
        lines[:] = [*comment]
    elif type_doc and "\n".join(lines).strip().startswith(type_doc.splitlines()[0].strip()):
        lines[:] = []  # its type's docstring says nothing about the constant


_BEFORE_NAPOLEON: dict[str, list[str]] = {}


def _keep_property_prose(app, what, name, obj, options, lines) -> None:
    """Before napoleon: remember a property's or attribute's docstring as written."""
    if what in ("property", "attribute"):
        _BEFORE_NAPOLEON[name] = list(lines)


def _restore_property_prose(app, what, name, obj, options, lines) -> None:
    """After napoleon: undo its reading of a property's first line as ``type: description``.

    Napoleon takes ``One line: whether the sponsor consolidates`` to mean a value of type "One
    line"; the package's properties write prose there, so a "type" with a space in it is put back.
    """
    original = _BEFORE_NAPOLEON.pop(name, None)
    if original is not None and any(line.startswith(":type: ") and " " in line[len(":type: "):].strip()
                                    for line in lines):
        lines[:] = original


#: Other libraries' names in the docstrings (``pandas.DataFrame``, ``numpy.ndarray``): shown as code.
#: The build reads no other site's inventory (intersphinx), so it cannot link them.
EXTERNAL = r"(numpy|np|pandas|pd|numpy_financial|npf|scipy|altair|alt|ipywidgets|IPython)(\..+)?"


def _ignore_external(app, config) -> None:
    config.nitpick_ignore_regex = [*config.nitpick_ignore_regex, ("py:.*", EXTERNAL)]


@functools.cache
def _model_names(package: str = PACKAGE) -> frozenset[str]:
    """Every name defined or imported at the top of a module of ``package``, and its modules."""
    root = importlib.import_module(package)
    names = {package}
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        names.add(info.name)
        names.update(vars(importlib.import_module(info.name)))
        lazy = getattr(vars(importlib.import_module(info.name)).get("__getattr__"), "lazy_names", ())
        names.update(lazy)
    return frozenset(names)


def _resolve_in_package(app, env, node, contnode):
    """A docstring's reference to a model name the page does not document under that name.

    ``gpu_finance.depreciation.market_value_path`` is documented as ``gpu_finance.market_value_path``:
    the reference goes there. A name that is the model's own but not public (a module's
    ``MAX_ROWS``, a private helper) stays as code, without a link and without a warning. Anything
    else (a misspelt name) is left to Sphinx, which warns.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    short = target.rsplit(".", 1)[-1]
    if target.startswith(PACKAGE + ".") and target != f"{PACKAGE}.{short}":
        domain = env.get_domain("py")
        for package in (PACKAGE, f"{PACKAGE}.viz"):
            resolved = domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"],
                                           f"{package}.{short}", node, contnode)
            if resolved is not None:
                return resolved
    if target in _model_names() or short in _model_names():
        return contnode
    return None


#: The API's index page; its entries now live on the pages by subject under ``book/api/``.
INDEX = "book/api"

_FORWARD_ANCHORS = """(function () {
  var pages = %s, id;
  try { id = decodeURIComponent(location.hash.slice(1)); } catch (error) { return; }
  if (id && pages[id]) location.replace(pages[id] + "#" + location.hash.slice(1));
})();"""


def _forward_old_anchors(app, pagename, templatename, context, doctree) -> None:
    """Links made when the whole API was one page (``book/api.html#gpu_finance.lease_payment``, or
    a section's ``book/api.html#api-accounting``) land on the entry or the section, now on its
    subject's page: the index page forwards an anchor it lacks."""
    if pagename != INDEX or app.builder.format != "html":
        return
    objects = app.env.get_domain("py").objects
    pages = {name: app.builder.get_relative_uri(INDEX, entry.docname)
             for name, entry in objects.items() if entry.docname.startswith(INDEX + "/")}
    labels = app.env.get_domain("std").labels  # label -> (docname, anchor, section title)
    pages.update({anchor: app.builder.get_relative_uri(INDEX, docname)
                  for docname, anchor, _ in labels.values() if docname.startswith(INDEX + "/")})
    app.add_js_file(None, body=_FORWARD_ANCHORS % json.dumps(pages, sort_keys=True), priority=100)


def _rewrite_the_index(app, env, added, changed, removed) -> list[str]:
    """The index page's forwarding list comes from every API page: write it on every build."""
    return [INDEX] if INDEX in env.found_docs else []


def setup(app):
    app.connect("html-page-context", _forward_old_anchors)
    app.connect("env-get-outdated", _rewrite_the_index)
    app.connect("config-inited", _ignore_external)
    app.connect("autodoc-process-docstring", _keep_property_prose, priority=400)  # napoleon: 500
    app.connect("autodoc-process-docstring", _restore_property_prose, priority=600)
    app.connect("autodoc-process-docstring", _document_constants, priority=600)
    app.connect("missing-reference", _resolve_in_package)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
