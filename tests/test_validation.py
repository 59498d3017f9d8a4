"""The shared input checks: every bad value is rejected with its name, value and range."""

import math

import pytest

from gpu_finance._validation import check_choice, check_fraction, check_number, check_whole


@pytest.mark.parametrize("bad", [float("nan"), "0.1", None, True, [0.1]])
def test_check_number_rejects_non_numbers(bad):
    with pytest.raises(ValueError, match=r"^rate=.* is not a number; allowed range is \[0, 1\)$"):
        check_number("rate", bad, 0, 1, high_closed=False)


@pytest.mark.parametrize("bad", [-0.01, 1.0, 2.0, math.inf, -math.inf])
def test_check_number_rejects_out_of_range_with_name_value_and_range(bad):
    with pytest.raises(ValueError) as info:
        check_number("debt_rate", bad, 0, 1, high_closed=False)
    assert str(info.value) == f"debt_rate={bad!r} is outside [0, 1)"


def test_check_number_open_lower_end():
    with pytest.raises(ValueError, match=r"outside \(0, inf\]"):
        check_number("total_cost_usd", 0.0, 0, math.inf, low_closed=False)
    assert check_number("total_cost_usd", 1e-9, 0, math.inf, low_closed=False) == 1e-9


def test_check_number_rejects_infinity_even_in_an_unbounded_range():
    with pytest.raises(ValueError, match="outside"):
        check_number("amount", math.inf)


def test_check_fraction_bounds():
    assert check_fraction("coverage", 1.0) == 1.0
    with pytest.raises(ValueError, match=r"coverage=1.0 is outside \[0, 1\)"):
        check_fraction("coverage", 1.0, one_allowed=False)


@pytest.mark.parametrize("bad, message", [
    (0, r"term=0 is outside \[1, 15\]"),
    (16, r"term=16 is outside \[1, 15\]"),
    (2.5, r"term=2.5 is not a whole number in \[1, 15\]"),
    ("5", r"term='5' is not a whole number in \[1, 15\]"),
    (True, r"term=True is not a whole number in \[1, 15\]"),
    (float("nan"), r"term=nan is not a whole number in \[1, 15\]"),
])
def test_check_whole_rejects(bad, message):
    with pytest.raises(ValueError, match=message):
        check_whole("term", bad, 1, 15)


def test_check_whole_accepts_whole_floats_from_sliders():
    value = check_whole("term", 5.0, 1, 15)
    assert value == 5 and isinstance(value, int)


def test_check_choice_lists_the_options():
    with pytest.raises(ValueError, match=r"method='x' is not one of 'a', 'b'"):
        check_choice("method", "x", ("a", "b"))
