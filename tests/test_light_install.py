"""The light install: ``pip install gpu-finance`` with no extras runs a chapter's model and charts.

A fresh virtual environment gets the model's wheel (built from the working tree) under
``constraints.txt``, then runs every code cell of chapter 1 there, ``glue`` stubbed (myst-nb is
what the Colab cell adds for it, not the package), and a few calls checked against this process.
The website's toolchain (Jupyter Book, Sphinx) and the test tools must not be installed there.

pip needs its package index (or its cache); without a network the test skips, except under CI
(``$CI`` set), where it must run.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from tools.assignments import CONSTRAINTS, build_wheel

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "chapters" / "01-the-spv.ipynb"
#: Modules the light install must not bring: the website's toolchain and the test tools.
NOT_INSTALLED = ("jupyter_book", "sphinx", "sphinx_exercise", "sphinxcontrib.bibtex", "myst_nb", "pybtex",
                 "jupyter_server_mathjax", "pytest", "otter", "jupyterlab")

#: Runs in the fresh environment: argv[1] is the chapter notebook. Prints one JSON line.
PROBE = r'''
import ast, importlib.util, json, sys, types

import altair as alt
import IPython.display

glued, shown = {}, []
myst_nb = types.ModuleType("myst_nb")  # the notebook's glue(), without myst-nb: keep the values
myst_nb.glue = lambda name, variable, display=True: glued.__setitem__(name, variable)
sys.modules["myst_nb"] = myst_nb
IPython.display.display = lambda *objects, **options: shown.extend(objects)  # what a notebook would show

notebook = json.load(open(sys.argv[1], encoding="utf-8"))
namespace = {"__name__": "__main__"}
cells = 0
for cell in notebook["cells"]:
    if cell["cell_type"] != "code" or "install-if-missing" in cell.get("metadata", {}).get("tags", []):
        continue
    name = f"cell {cell.get('id', cells)}"
    tree = ast.parse("".join(cell["source"]), name)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, name, "exec"), namespace)
    if last is not None:  # a cell's last expression is shown, as in a notebook
        shown.append(eval(compile(ast.Expression(last.value), name, "eval"), namespace))
    cells += 1
del sys.modules["myst_nb"]  # the stub: is the real one installed?

import gpu_finance
from gpu_finance import COLOSSUS_2, lease_payment

charts = [value for value in shown if isinstance(value, alt.TopLevelMixin)]
specs = [chart.to_dict() for chart in charts]
bundle = charts[0]._repr_mimebundle_() if charts else None  # the book's renderer (the chapter enabled it)
rendered = sorted((bundle[0] if isinstance(bundle, tuple) else bundle or {}).keys())


def installed(name):
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a dotted name whose parent is missing
        return False


print(json.dumps({
    "package": gpu_finance.__file__,
    "cells": cells,
    "glued": len(glued),
    "charts": len(specs),
    "schemas": sorted({spec.get("$schema", "") for spec in specs}),
    "rendered": rendered,
    "lease_payment": lease_payment(COLOSSUS_2),
    "installed": [name for name in json.loads(sys.argv[2]) if installed(name)],
}))
'''


def _online(host: str = "pypi.org", port: int = 443) -> bool:
    try:
        socket.create_connection((host, port), timeout=3).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def light_python(tmp_path_factory) -> Path:
    """A fresh venv with ``pip install -c constraints.txt gpu_finance-*.whl`` (no extras)."""
    scratch = tmp_path_factory.mktemp("light-install")
    wheel = build_wheel(scratch / "wheel")
    environment = scratch / "venv"
    venv.create(environment)  # without pip of its own: this pip installs into it (--python), from its cache
    python = environment / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-compile",
                              "--disable-pip-version-check", "-c", str(CONSTRAINTS), str(wheel)],
                             capture_output=True, text=True, timeout=900)
    if install.returncode != 0:
        if not os.environ.get("CI") and not _online():
            pytest.skip("no network for pip, and not under CI: the light install was not tried")
        raise AssertionError(f"pip install of the model without extras failed:\n{install.stderr[-4000:]}")
    return python


def test_the_light_install_runs_a_chapters_model_and_charts_without_the_book_toolchain(light_python, tmp_path):
    run = subprocess.run([str(light_python), "-c", PROBE, str(CHAPTER), json.dumps(NOT_INSTALLED)],
                         cwd=tmp_path, capture_output=True, text=True, timeout=600,
                         env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "GPU_FINANCE_SITE")})
    assert run.returncode == 0, f"chapter 1's code failed in the light install:\n{run.stderr[-4000:]}"
    result = json.loads(run.stdout.strip().splitlines()[-1])
    site_packages = light_python.parents[1] / "lib"
    assert Path(result["package"]).is_relative_to(site_packages), "gpu_finance came from the repository, not the wheel"
    assert result["installed"] == [], f"the light install brought {result['installed']}"
    assert result["cells"] >= 5 and result["glued"] >= 10, result
    assert result["charts"] >= 3, result
    assert "text/html" in result["rendered"], "the book's chart renderer did not work"
    assert all(schema.startswith("https://vega.github.io/schema/vega-lite/") for schema in result["schemas"]), result
    from gpu_finance import COLOSSUS_2, lease_payment

    assert result["lease_payment"] == pytest.approx(lease_payment(COLOSSUS_2), rel=1e-12)
