"""Checks shared by the problem sets' autograder tests.

Every problem set ships this file beside its notebook (otter's ``files:`` key puts it in the
student folder and in the autograder), and every test, public or hidden, is a function that
imports it: ``import grading_checks as g``. The tests run in their own module, receive the
student's answers as arguments and call these checks, so

* a name the student rebinds (``abs``, ``sum``, ``isinstance``, ``np`` ...) changes nothing: the
  checks use their own imports;
* an answer may be any real number: a Python ``int`` or ``float``, a numpy scalar of any integer
  or float type, a 0-d array; a list, an array or a pandas Series of one value gets a one-sentence
  message instead of a crash;
* a failed check is one plain sentence that says what was expected (the type, the unit, the
  precision graded; for a function, which input failed, what it returned and what the book's
  model gives), never the test's code or the answer.

Each check raises ``AssertionError`` with that sentence. A test wraps its checks in
``with g.graded("question 2"):`` so that anything else that goes wrong (an answer of an
unexpected form) also becomes a sentence. Nothing here knows an answer: the hidden tests compute
the expected values and pass them in.
"""

from __future__ import annotations

import contextlib
import io
import math
import numbers

import numpy as np

__all__ = ["graded", "number", "whole", "check_number", "check_whole", "check_range", "check_keys",
           "check_function", "check_returns", "call"]

#: How many characters of an unexpected answer a message quotes.
_QUOTE = 60


class _Missing:
    """Marks an answer the notebook never defined (otter passes ``None`` for a missing name)."""


@contextlib.contextmanager
def graded(what: str = "your answer"):
    """Turn whatever fails inside the block into one plain sentence for the student.

    A failed check (``AssertionError``) keeps its sentence; any other error (an answer that is not
    of the form the question asks for, so that a check could not even look at it) becomes a
    sentence naming ``what`` and the kind of error. Neither shows the test's code.
    """
    try:
        yield
    except AssertionError as error:
        raise AssertionError(_one_line(str(error)) or f"{what} is not right.") from None
    except Exception as error:  # noqa: BLE001 - any error in a student's answer becomes feedback
        raise AssertionError(f"{what} could not be checked ({type(error).__name__}): check that each answer "
                             "has the form the question asks for (a number, a dict, a table ...).") from None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _quote(value: object) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"a {type(value).__name__}"
    text = _one_line(text)
    return text if len(text) <= _QUOTE else text[: _QUOTE - 3] + "..."


def _kind(value: object) -> str:
    """What a value is, in words: 'a pandas Series of 1 value', 'a list of 3 values', 'the text 'x''."""
    if isinstance(value, str):
        return f"the text {_quote(value)}"
    size = getattr(value, "size", None)
    if hasattr(value, "to_numpy") or isinstance(value, np.ndarray):
        name = {"Series": "a pandas Series", "DataFrame": "a pandas DataFrame"}.get(type(value).__name__,
                                                                                  "a numpy array")
        return f"{name} of {size} value{'s' if size != 1 else ''}"
    if isinstance(value, (list, tuple, set, dict)):
        n = len(value)
        return f"a {type(value).__name__} of {n} value{'s' if n != 1 else ''}"
    return f"{_quote(value)} (a {type(value).__name__})"


def number(value: object, name: str, unit: str = "") -> float:
    """The answer as a float, if it is one real number; else an ``AssertionError`` saying what it is.

    Accepted: ``int``, ``float``, numpy integer and float scalars (``np.float32`` ...), a 0-d numpy
    array of such a number. Not accepted (each with its own sentence): a name the notebook never
    defined or left as ``...``, ``True``/``False``, text, and a list, array or Series, even of one
    value (the sentence says how to take the number out).
    """
    unit_text = f" ({unit})" if unit else ""
    if value is None or isinstance(value, _Missing):
        raise AssertionError(f"{name} is not defined: run the cell that computes it (it should be one number{unit_text}).")
    if value is Ellipsis:
        raise AssertionError(f"{name} is still `...`: replace it with your answer, one number{unit_text}.")
    if isinstance(value, (bool, np.bool_)):
        raise AssertionError(f"{name} should be one number{unit_text}, not {value!r}.")
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (numbers.Real, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
        result = float(np.float64(value))
        if not math.isfinite(result):
            raise AssertionError(f"{name} should be a finite number{unit_text}, not {result!r}.")
        return result
    if hasattr(value, "to_numpy") or isinstance(value, (np.ndarray, list, tuple)):
        raise AssertionError(f"{name} should be one number{unit_text}, not {_kind(value)}: take the number out, "
                             "for instance with float(...) or .item().")
    raise AssertionError(f"{name} should be one number{unit_text}, not {_kind(value)}.")


def whole(value: object, name: str, unit: str = "") -> int:
    """The answer as an int, if it is one whole number (``4``, ``4.0``, ``np.int64(4)`` ...)."""
    x = number(value, name, unit)
    if x != round(x):
        unit_text = f" ({unit})" if unit else ""
        raise AssertionError(f"{name} should be a whole number{unit_text}, not {x!r}.")
    return int(round(x))


def check_number(value: object, expected: float, precision: float, name: str, unit: str = "", *,
                 graded_to: str, noise: float = 0.0) -> None:
    """Pass if ``value`` is within ``precision`` (plus ``noise``) of ``expected``.

    ``precision`` is what the question states (``graded_to`` says it in words, as the question
    does: "the nearest $1 million", "0.1 percentage point", "two decimals"): an answer rounded to it
    passes, one off by ten times it fails. ``noise`` widens the tolerance for a simulated answer
    compared with an exact value (four standard errors of the simulation). The message says the
    precision and the unit, never ``expected``.
    """
    x = number(value, name, unit)
    tolerance = precision + noise + 1e-12 * abs(expected)
    if abs(x - expected) <= tolerance:
        return
    unit_text = f" in {unit}" if unit else ""
    if expected and abs(x - 100 * expected) <= 100 * tolerance:
        raise AssertionError(f"{name} looks 100 times too large: give it as a fraction (5% is 0.05), not a percentage.")
    if expected and abs(x - expected / 100) <= tolerance / 100:
        raise AssertionError(f"{name} looks 100 times too small: check the unit the question asks for{unit_text}.")
    raise AssertionError(f"{name} is not the value the question asks for (graded to {graded_to}{unit_text}): "
                         "check the inputs and assumptions the question gives, and the unit.")


def check_whole(value: object, expected: int, name: str, unit: str = "") -> None:
    """Pass if ``value`` is the whole number ``expected`` (exactly)."""
    got = whole(value, name, unit)
    if got != int(expected):
        unit_text = f" ({unit})" if unit else ""
        raise AssertionError(f"{name} is not the whole number the question asks for{unit_text}: check how you counted.")


def check_range(value: object, name: str, unit: str = "", low: float = -math.inf, high: float = math.inf, *,
                why: str = "", whole_number: bool = False) -> float:
    """A public test's check: one number (a whole one if ``whole_number``) between ``low`` and ``high``."""
    x = whole(value, name, unit) if whole_number else number(value, name, unit)
    if not low <= x <= high:
        raise AssertionError(f"{name} = {x:.6g} is out of the plausible range{': ' + why if why else ''}.")
    return x


def check_keys(value: object, name: str, keys, *, kind: str = "dict") -> None:
    """A dict (``kind="dict"``) or a table's index or columns (``kind="index"``) with exactly ``keys``."""
    keys = list(keys)
    if kind == "dict" and not isinstance(value, dict):
        raise AssertionError(f"{name} should be a dict from each of {keys} to a number, not {_kind(value)}.")
    got = list(value) if value is not None else []
    try:
        same = len(got) == len(keys) and set(got) == set(keys)
    except TypeError:
        same = False
    if not same:
        raise AssertionError(f"{name} should have exactly the keys {keys}, not {_quote(got)}.")


def call(function, args: tuple):
    """Call a student's function on ``args``, quietly: what it returned, or the error it raised."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            return function(*args)
    except Exception as error:  # noqa: BLE001 - the student's error is reported, not raised
        return error


def _as_numbers(out: object) -> np.ndarray:
    try:
        return np.asarray(out, dtype=float).ravel()
    except (TypeError, ValueError):
        return np.full(0, np.nan)


def _said(out: object, got: np.ndarray, parts: tuple[str, ...]) -> str:
    if isinstance(out, Exception):
        return f"raised {_quote(out)}"
    if parts and got.shape == (len(parts),):
        return "returned (" + ", ".join(f"{v:.2f}" for v in got) + ")"
    if got.shape == (1,) and isinstance(out, (numbers.Real, np.generic, np.ndarray)) and not isinstance(out, bool):
        return f"returned {float(got[0]):.10g}"
    return f"returned {_quote(out)}"


def check_function(function: object, name: str, arg_names: tuple[str, ...], cases, model, *,
                   graded_to: str, noun: str = "inputs", rtol: float = 0.0, atol=0.0,
                   parts: tuple[str, ...] = (), element: str = "") -> None:
    """Compare a student's function with the book's model on ``cases`` (tuples of arguments).

    ``model(*case)`` gives the expected value(s); the student's result must have the same number of
    values and match each to ``rtol`` (relative) or ``atol`` (absolute; a number, or a function of
    the case). ``parts`` names the values of a tuple result (shown together); ``element`` names
    one value of a sequence result (the first that differs is shown: "for year 3"). Fails with
    "k of n <noun> fail (graded to <graded_to>). The first: name(a=..., b=...) returned ...; the
    book's model gives ...".
    """
    if function is None or not callable(function):
        raise AssertionError(f"{name} should be a function: run the cell that defines it.")
    wrong = []
    for case in cases:
        want = np.asarray(model(*case), dtype=float).ravel()
        out = call(function, tuple(case))
        got = _as_numbers(out)
        tol = atol(case) if callable(atol) else atol
        shown = f"{name}(" + ", ".join(f"{a}={v!r}" for a, v in zip(arg_names, case)) + ")"
        if got.shape != want.shape or isinstance(out, Exception):
            if want.size > 1 and not parts and not isinstance(out, Exception):
                wrong.append(f"{shown} {_said(out, got, parts)}; the book's model gives {want.size} values, "
                             f"one per {element or 'item'}")
            else:
                wrong.append(f"{shown} {_said(out, got, parts)}; the book's model gives {_show(want, parts)}")
            continue
        close = np.isclose(got, want, rtol=rtol, atol=tol)
        if close.all():
            continue
        if element and not parts:
            i = int(np.flatnonzero(~close)[0])
            wrong.append(f"{shown} returned {got[i]:.10g} for {element} {i + 1}; the book's model gives {want[i]:.10g}")
        else:
            wrong.append(f"{shown} {_said(out, got, parts)}; the book's model gives {_show(want, parts)}")
    if wrong:
        raise AssertionError(f"{len(wrong)} of {len(cases)} {noun} fail (graded to {graded_to}). The first: {wrong[0]}.")


def _show(want: np.ndarray, parts: tuple[str, ...]) -> str:
    if parts:
        return "(" + ", ".join(f"{v:.2f}" for v in want) + ") (" + ", ".join(parts) + ")"
    if want.size == 1:
        return f"{want[0]:.10g}"
    return "[" + ", ".join(f"{v:.10g}" for v in want) + "]"


def check_returns(function: object, name: str, args: tuple, *, size: int = 1, what: str) -> None:
    """A Build question's public test: the function exists and returns ``size`` finite numbers."""
    if function is None or not callable(function):
        raise AssertionError(f"{name} should be a function: run the cell that defines it.")
    out = call(function, tuple(args))
    shown = f"{name}(" + ", ".join(repr(a) for a in args) + ")"
    if isinstance(out, Exception):
        raise AssertionError(f"{shown} raised {_quote(out)}; it should return {what}.")
    got = _as_numbers(out)
    if size == 1:
        try:
            number(out, shown)
        except AssertionError:
            raise AssertionError(f"{shown} should return {what}, not {_kind(out)}.") from None
    elif got.shape != (size,) or not np.isfinite(got).all():
        raise AssertionError(f"{shown} should return {what}, not {_kind(out)}.")
