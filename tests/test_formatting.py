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


@pytest.mark.parametrize("amount, text", [
    (3e6, "NT$3M"), (1.5e9, "NT$1.5B"), (700_000, "NT$700,000"), (-2e9, "−NT$2B"), (0, "NT$0"),
])
def test_twd_writes_new_taiwan_dollars_as_usd_writes_dollars(amount, text):
    """NT$3 million is 3 x 10^6; 1.5 billion is 1.5 x 10^9; under a million, whole dollars."""
    from gpu_finance.formatting import twd

    assert twd(amount) == text


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


def test_tables_have_the_same_ids_in_every_run_and_distinct_ids_on_one_page():
    """pandas gives each styled table a random id; the book's must not change between builds."""
    import subprocess
    import sys

    script = ("import pandas as pd; from gpu_finance.formatting import table; "
              "print(table(pd.DataFrame({'amount_usd': [2e9], 'party': ['vendor']})).to_html())")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert runs[0] == runs[1] and "<table id=" in runs[0]
    frame = pd.DataFrame({"amount_usd": [2e9]})
    assert table(frame).uuid != table(frame).uuid


# ------------------------------------------------------------------ the precision rule for estimates
@pytest.mark.parametrize(
    "value, digits, expected",
    [(249.70e6, 2, "$250M"), (636.94e6, 3, "$637M"), (10.22e9, 2, "$10B"), (10.22e9, 3, "$10.2B"),
     (-1.234e9, 2, "−$1.2B"), (4_749.0, 2, "$4,700"), (999.6e6, 3, "$1.00B"), (0.0, 2, "$0")],
)
def test_estimate_usd_rounds_to_significant_digits(value, digits, expected):
    from gpu_finance.formatting import estimate_usd

    assert str(estimate_usd(value, digits)) == expected


def test_estimates_show_their_uncertainty():
    from gpu_finance.formatting import estimate_percent, estimate_usd

    assert str(estimate_usd(1.234e9, stderr=5.2e6)) == "$1.2B (± $5.2M)"
    assert str(estimate_percent(0.2742, interval=(0.1317, 0.3972), confidence=0.9)) == "27% (90% interval: 13% to 40%)"
    assert str(estimate_percent(-0.0561, 3)) == "−5.61%"
    assert str(estimate_percent(0.9361)) == "94%"


@pytest.mark.parametrize(
    "call, name",
    [
        (lambda f: f.estimate_usd(1.0, 4), "digits"),
        (lambda f: f.estimate_usd(1.0, 0), "digits"),
        (lambda f: f.estimate_percent(0.1, True), "digits"),
        (lambda f: f.estimate_usd(float("nan")), "amount"),
        (lambda f: f.estimate_usd(1.0, stderr=-1.0), "stderr"),
        (lambda f: f.estimate_usd(1.0, stderr=1.0, interval=(0.0, 2.0)), "not both"),
        (lambda f: f.estimate_usd(1.0, interval=(2.0, 0.0)), "low <= high"),
        (lambda f: f.estimate_percent(0.1, interval=(0.0, 0.2), confidence=1.0), "confidence"),
        (lambda f: f.significant(1.0, 5), "digits"),
    ],
)
def test_estimate_formatting_rejects_bad_input(call, name):
    from gpu_finance import formatting

    with pytest.raises(ValueError, match=name):
        call(formatting)


@pytest.mark.parametrize("text", ["100,000", "2,000 resamples", "9.50", "$12.5B", "5", "(a note)", "30 November 2026"])
def test_glued_prose_survives_myst_nbs_literal_eval(text):
    """The glue role literal-evals the text it pastes: "100,000" must not come out as "(100, 0)"."""
    from IPython.lib.pretty import pretty
    from myst_nb.core.variables import format_plain_text

    assert format_plain_text(pretty(Prose(text)), "") == text
    assert format_plain_text(repr(Prose(text)), "") == text
