"""Show the model's own code in a chapter: the "under the hood" sections.

A chapter that rests on a routine of the package shows that routine, read from the installed
package at the moment the page is built or the notebook is run, so the text can never show code
that differs from the code that computed the chapter's numbers.
"""

from __future__ import annotations

import inspect

from IPython.display import Code

__all__ = ["show_source", "source_lines"]

#: The most lines a routine shown in a chapter may have: one screen.
MAX_SHOWN_LINES = 60


def source_lines(obj) -> list[str]:
    """The source lines of a function or class of the package, as written.

    Raises
    ------
    ValueError
        If ``obj`` is not a function or class defined in :mod:`gpu_finance`.

    Examples
    --------
    >>> from gpu_finance.deal import annuity_payment
    >>> source_lines(annuity_payment)[0].startswith("def annuity_payment(")
    True
    """
    obj = inspect.unwrap(obj)  # a memoised routine (functools.cache) shows its own code
    module = getattr(obj, "__module__", "") or ""
    if not (inspect.isfunction(obj) or inspect.isclass(obj)) or not module.startswith("gpu_finance"):
        raise ValueError(f"obj={obj!r} is not a function or class of the gpu_finance package")
    return inspect.getsource(obj).splitlines()


def show_source(obj, *, max_lines: int = MAX_SHOWN_LINES) -> Code:
    """Display a routine of the package with its syntax highlighted, in a notebook and on the website.

    Parameters
    ----------
    obj : function or class
        A function or class of :mod:`gpu_finance`.
    max_lines : int
        The most lines to show (one screen by default); a longer routine is a ``ValueError`` that
        says which ``max_lines`` would show it.

    Returns
    -------
    IPython.display.Code
    """
    lines = source_lines(obj)
    if not isinstance(max_lines, int) or max_lines < 1:
        raise ValueError(f"max_lines={max_lines!r} must be a whole number of at least 1")
    if len(lines) > max_lines:
        raise ValueError(
            f"{obj.__qualname__} has {len(lines)} lines, more than max_lines={max_lines} (one screen); "
            f"pass max_lines={len(lines)} to show it"
        )
    return Code("\n".join(lines), language="python")
