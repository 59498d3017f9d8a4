"""How numbers are written: each case worked by hand."""

import pandas as pd
import pytest

from gpu_finance import percent, usd, usd_billions, years
from gpu_finance.formatting import Prose, column_label, table


@pytest.mark.parametrize("amount, text", [
    (20e9, "$20B"), (12.5e9, "$12.5B"), (535e6, "$535M"), (4_700, "$4,700"),
    (-2e9, "−$2B"), (-5e6, "−$5M"), (-1e-6, "$0"), (0, "$0"),
])
def test_usd(amount, text):
    assert usd(amount) == text


def test_usd_billions_keeps_one_decimal_and_drops_the_sign_of_zero():
    assert usd_billions(2e9) == "$2.0B"
    assert usd_billions(-1.9e-6) == "$0.0B"
    assert usd_billions(-3.04e9) == "−$3.0B"


def test_percent_and_years():
    assert percent(0.095) == "9.5%" and percent(0.22) == "22%" and percent(0.625) == "62.5%"
    assert years(1) == "1 year" and years(5) == "5 years" and years(3.9) == "3.9 years"


def test_prose_shows_without_quotes():
    assert repr(Prose("$1B")) == "$1B"


def test_formatters_reject_nan():
    with pytest.raises(ValueError, match="amount=nan"):
        usd(float("nan"))


def test_table_relabels_formats_and_names_parties():
    frame = pd.DataFrame({"party": ["lenders"], "amount_usd": [12.5e9], "share_of_cost": [0.625]})
    html = table(frame).to_html()
    assert "Lenders" in html and "$12.5B" in html and "62.5%" in html
    assert "Amount" in html and "Share of cost" in html and "amount_usd" not in html
    assert column_label("term_years") == "Term (years)"
