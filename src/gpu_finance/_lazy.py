"""Constants computed on first use: nothing is read or solved when the package is imported.

Some of the book's constants come from data or from a solve (:data:`gpu_finance.COLOSSUS_2` is built
from ``deal_facts.csv``; the calibrated price decline is a regression). A module lists them with
:func:`lazy_constants`; the first access (``gpu_finance.depreciation.CALIBRATED_ANNUAL_DECLINE``)
computes the value, stores it in the module and returns it, and later accesses are plain attribute
reads. A bad data row therefore raises where the constant is first used, with its own message,
instead of making ``import gpu_finance`` fail.

Inside the defining module, functions call the factory (cached with :func:`functools.cache`), not the
bare name: Python looks a module's ``__getattr__`` up only for attribute access from outside.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__: list[str] = []


def lazy_constants(namespace: dict[str, Any], **factories: Callable[[], Any]) -> Callable[[str], Any]:
    """A module ``__getattr__`` (PEP 562) that computes each named constant once, on first access.

    Parameters
    ----------
    namespace : dict
        The module's ``globals()``; each value is stored there after it is computed.
    **factories : callable
        ``NAME=function``: the function, called without arguments, returns the constant.

    Examples
    --------
    >>> space = {"__name__": "example"}
    >>> space["__getattr__"] = lazy_constants(space, ANSWER=lambda: 6 * 7)
    >>> space["__getattr__"]("ANSWER"), space["ANSWER"]
    (42, 42)
    >>> space["__getattr__"]("QUESTION")
    Traceback (most recent call last):
    ...
    AttributeError: module 'example' has no attribute 'QUESTION'
    """

    def __getattr__(name: str) -> Any:
        try:
            factory = factories[name]
        except KeyError:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}") from None
        value = factory()
        namespace[name] = value
        return value

    __getattr__.lazy_names = tuple(factories)  # type: ignore[attr-defined]
    return __getattr__
