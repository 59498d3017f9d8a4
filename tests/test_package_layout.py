"""The package's shape (issue 16): layers, sizes, one list of public names, nothing done at import.

These tests read the source (with :mod:`ast`) and import the package in a fresh interpreter, so they
fail when a module grows past the size a reader can find their way in, when an import goes up a
layer or round a cycle, or when importing the package starts reading data or loading SciPy again.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "gpu_finance"

#: The layers, lowest first: a module may import from its own layer or a lower one, never a higher one.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("_validation", "_lazy", "i18n", "formatting", "parties"),
    ("datasets",),
    ("deal", "calibration", "asset_value", "claims"),
    ("spv", "incentives", "leases", "accounting", "depreciation", "collateral", "assumptions"),
    ("backstop",),
    ("loan",),
    ("scenario",),
    ("viz",),
)
#: Longest module, in lines (the issue's "about 600").
MAX_LINES = 650


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _layer(module: str) -> int:
    top = module.split(".")[0]
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"gpu_finance.{module} is in no layer: add it to LAYERS in {Path(__file__).name}")


def _imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, imported names, line) for every relative import, at any depth of the file."""
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names = [alias.name for alias in node.names]
            if not node.module:  # from . import x
                for name in names:
                    found.append((".".join([*base, name]), [], node.lineno))
            else:
                found.append((target, names, node.lineno))
    return found


MODULES = _modules()


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m))
def test_no_module_is_too_long(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"gpu_finance.{module} has {lines} lines (at most {MAX_LINES}): split it by subject"


def test_imports_only_go_down_the_layers():
    wrong = []
    for module, path in MODULES.items():
        if not module:
            continue
        for target, _, line in _imports(module, path):
            if target and _layer(target) > _layer(module):
                wrong.append(f"gpu_finance.{module}:{line} imports gpu_finance.{target} (a higher layer)")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycle():
    graph = {m: {t for t, _, _ in _imports(m, p) if t in MODULES and t != m} for m, p in MODULES.items() if m}
    # a package's __init__ re-exports its own modules: an edge from a submodule to its package is a cycle
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(node: str, trail: list[str]) -> bool:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycle.extend([*trail, node, nxt])
                return True
            if nxt not in state and visit(nxt, [*trail, node]):
                return True
        state[node] = 2
        return False

    for start in sorted(graph):
        if start not in state and visit(start, []):
            break
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_no_private_name_crosses_a_module():
    crossing = []
    for module, path in MODULES.items():
        for target, names, line in _imports(module, path):
            if target.split(".")[0] == module.split(".")[0]:
                continue  # inside one subject (a package and its own modules)
            for name in names:
                if name.startswith("_") and target.split(".")[-1] not in ("_validation", "_lazy"):
                    crossing.append(f"gpu_finance.{module}:{line} imports {name} from gpu_finance.{target}")
    assert not crossing, "\n".join(crossing)


def test_one_list_of_public_names():
    import gpu_finance

    names = gpu_finance.__all__
    assert len(names) == len(set(names)), "a name is listed twice in gpu_finance.__all__"
    missing = [name for name in names if not hasattr(gpu_finance, name)]
    assert not missing, f"in __all__ but not importable: {missing}"
    for module in gpu_finance._MODULES:
        left_out = sorted(set(module.__all__) - set(names))
        assert not left_out, f"{module.__name__} exports {left_out}, which the package does not"


_IMPORT_PROBE = """
import json, sys
import pandas
read = []
original = pandas.read_csv
pandas.read_csv = lambda *args, **kwargs: read.append(args) or original(*args, **kwargs)
import gpu_finance
print(json.dumps({
    "scipy": sorted(m for m in sys.modules if m == "scipy" or m.startswith("scipy.")),
    "book": sorted(m for m in ("sphinx", "myst_nb", "jupyter_book", "altair", "ipywidgets") if m in sys.modules),
    "datasets_read": len(read),
}))
"""


def test_import_reads_no_data_and_solves_nothing():
    result = subprocess.run([sys.executable, "-c", _IMPORT_PROBE], capture_output=True, text=True, check=True)
    probe = json.loads(result.stdout)
    assert probe["datasets_read"] == 0, "importing gpu_finance read a data file"
    assert probe["scipy"] == [], f"importing gpu_finance loaded SciPy: {probe['scipy'][:5]}"
    assert probe["book"] == [], f"importing gpu_finance loaded {probe['book']}"


def test_a_lazy_constant_is_computed_on_first_use_and_kept():
    import gpu_finance
    from gpu_finance import deal

    first = gpu_finance.COLOSSUS_2
    assert first is deal.COLOSSUS_2 is gpu_finance.COLOSSUS_2
    assert first.total_cost_usd == 20e9  # the essay's $20B, independent of the code
