"""The problem sets (``assignments/``): well-formed masters, and grading that works.

Every master notebook is found automatically (``tools.assignments.masters``), so a new problem set is
tested as soon as its master exists. The slow part, generating the sets and grading three notebooks
per set with ``otter run`` (the solutions, the blank student notebook, and the solutions with a
deliberately wrong function in the set's Build question, from ``WRONG_FUNCTIONS``), runs once per
test process in two worker processes, and the tests that wait for it (``coursework``) run last in
this file. With the suite's parallel processes it starts
when the first of them needs it, while the other process goes on with other files; in a single
process ``tests/conftest.py`` starts it as the tests are collected, so that it overlaps the rest.
"""

from __future__ import annotations

import ast
import csv
import json
import multiprocessing
import os
import re
import subprocess
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tools import assignments

ROOT = Path(__file__).resolve().parents[1]
MASTERS = assignments.masters()
IDS = [m.parent.name for m in MASTERS]
OTTER = str(Path(sys.executable).with_name("otter"))


def _questions(master: Path) -> list[assignments.Question]:
    return assignments.questions(assignments.read_notebook(master))


#: Each set has one Build question (named ``qN_build_...``): the student writes a core routine of the
#: chapter, and hidden tests compare it with ``gpu_finance`` on seeded random inputs and edge cases.
#: For each, a plausible mistake (function name, code): graded in place of the solution, it must
#: earn partial credit and a message naming the first input that fails.
WRONG_FUNCTIONS = {
    "q1_build_annuity": ("my_annuity", """def my_annuity(principal, rate, years):
    return principal * (1 + rate * years) / years  # simple interest: right only at a zero rate or over one year
"""),
    "q1_build_declining_balance": ("my_ddb", """def my_ddb(cost, life, salvage_fraction=0.0):
    book, expenses = cost, []  # forgets the salvage value: depreciates down to zero
    for year in range(1, life + 1):
        charge = min(max(2 / life * book, book / (life - year + 1)), book)
        expenses.append(charge)
        book -= charge
    return expenses
"""),
    "q1_build_put": ("my_put", """def my_put(V, F, sigma, r, T):
    N = NormalDist().cdf
    d1 = (math.log(V / F) + (r - sigma ** 2 / 2) * T) / (sigma * math.sqrt(T))  # the sign of sigma^2/2 flipped
    d2 = d1 - sigma * math.sqrt(T)
    return F * math.exp(-r * T) * N(-d2) - V * N(-d1)
"""),
    "q1_build_waterfall": ("my_waterfall", """def my_waterfall(loss, equity, debt, c, lenders_first):
    to_equity = min(loss, equity)
    debt_loss = min(loss - to_equity, debt)
    if lenders_first:  # puts the taxpayers first instead of last
        to_taxpayers = min(debt_loss, c * debt)
        return to_equity, debt_loss - to_taxpayers, to_taxpayers
    return to_equity, (1 - c) * debt_loss, c * debt_loss
"""),
    "q1_build_intensity": ("my_intensity", """def my_intensity(y, r, R):
    return (math.log(1 + y) - r) / (1 - R)  # forgets that a yield below the risk-free rate implies no default
"""),
}


def _build_question(master: Path) -> assignments.Question:
    (build,) = [q for q in _questions(master) if "_build_" in q.name]
    return build


def _wrong_notebook(solutions: Path, question: str, target: Path) -> Path:
    """The generated solutions notebook with the Build question's function replaced by a wrong one."""
    function, code = WRONG_FUNCTIONS[question]
    notebook = assignments.read_notebook(solutions)
    (cell,) = [c for c in notebook["cells"] if c["cell_type"] == "code" and f"def {function}(" in "".join(c["source"])]
    cell["source"] = code
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


#: The attacks on the grading (issue 15) that every problem set must withstand, each played by one
#: notebook per set: the generated solutions notebook, with a cell before each autograded
#: question's ``grader.check`` cell (where the grader runs that question's tests) that changes the
#: question's answers, and one after it.
#:
#: * ``constants``: every answer replaced by a constant of its type (1, 1.0, a dict or table of
#:   1.0, a function returning 1.0): it must score 0;
#: * ``shadowed``: constants of 2 and the built-ins rebound as a cheat would (``abs = sum = ... =
#:   lambda: 0``, ``isinstance = lambda: True``, ``np = math = None``), undone after the check so
#:   that the next solution still runs: it must score 0;
#: * ``retyped``: the right answers rounded to the precision their question states and given as
#:   other numeric types (``int``, ``np.int64``, ``np.float32``, a 0-d array, a whole ``float``;
#:   a Build function returning numpy arrays): it must score full marks.
ATTACKS = ("constants", "shadowed", "retyped")

_ATTACK_HELPERS = """import numpy as _attack_np
import pandas as _attack_pd


def _attack_constant(value, k):
    if callable(value):
        return lambda *args, **kwargs: float(k)
    if isinstance(value, (bool, _attack_np.bool_)):
        return value
    if isinstance(value, (int, _attack_np.integer)):
        return int(k)
    if isinstance(value, dict):
        return {key: _attack_constant(item, k) for key, item in value.items()}
    if isinstance(value, _attack_pd.DataFrame):
        return _attack_pd.DataFrame(float(k), index=value.index, columns=value.columns)
    return float(k)


_attack_count = [0]


def _attack_retype(value, precision):
    if callable(value):
        return lambda *args, **kwargs: _attack_np.array(value(*args, **kwargs))
    if isinstance(value, dict):
        return {key: _attack_retype(item, precision) for key, item in value.items()}
    if isinstance(value, _attack_pd.DataFrame):
        return ((value / precision).round() * precision).astype(_attack_np.float32) if precision else value.astype(_attack_np.float32)
    number = float(value)
    if precision and not isinstance(value, (int, _attack_np.integer)):
        number = round(number / precision) * precision
    _attack_count[0] += 1
    if number == round(number) and (precision is None or precision >= 1 or isinstance(value, (int, _attack_np.integer))):
        kinds = (int, _attack_np.int64, _attack_np.array, float)
    else:
        kinds = (_attack_np.float32, _attack_np.array, _attack_np.float64)
    kind = kinds[_attack_count[0] % len(kinds)]
    return kind(int(round(number))) if kind in (int, _attack_np.int64) else kind(number)
"""

_SHADOWED = ("abs", "sum", "min", "max", "round", "len", "float", "int", "bool", "isinstance", "callable", "hasattr")


def _precisions(q: assignments.Question) -> dict[str, float | None]:
    """Each answer's precision, the smallest its hidden tests grade it to (None where not a number)."""
    found: dict[str, float | None] = {name: None for name in _answers(q)}
    for test in q.hidden_tests:
        for call in _checks(test):
            base = call.args[0]
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            try:
                precision = float(ast.literal_eval(call.args[2]))
            except ValueError:
                continue
            if isinstance(base, ast.Name) and base.id in found:
                found[base.id] = min(precision, found[base.id] or precision)
    return found


def _attack_cells(kind: str, q: assignments.Question) -> tuple[str, str]:
    """The cells played before and after one question's ``grader.check`` cell."""
    names = _answers(q)
    if kind == "retyped":
        precisions = _precisions(q)
        return "\n".join(f"{n} = _attack_retype({n}, {precisions[n]!r})" for n in names), ""
    k = 1 if kind == "constants" else 2
    before = "\n".join(f"{n} = _attack_constant({n}, {k})" for n in names)
    if kind == "constants":
        return before, ""
    shadow = (" = ".join(_SHADOWED[:9]) + " = lambda *args, **kwargs: 0\n"
              + " = ".join(_SHADOWED[9:]) + " = lambda *args, **kwargs: True\nnp = math = pd = None")
    restore = f"del {', '.join(_SHADOWED)}\nimport math\nimport numpy as np\nimport pandas as pd"
    return before + "\n" + shadow, restore


def _attack_notebook(solutions: Path, master: Path, kind: str, target: Path) -> Path:
    """The generated solutions notebook with the cells of one attack around each ``grader.check``."""
    notebook = assignments.read_notebook(solutions)
    autograded = {q.name: q for q in _questions(master) if not q.manual}

    def cell(source: str) -> dict:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}

    cells = []
    for c in notebook["cells"]:
        found = re.fullmatch(r'\s*grader\.check\("(\w+)"\)\s*', "".join(c["source"])) if c["cell_type"] == "code" else None
        if found and found.group(1) in autograded:
            before, after = _attack_cells(kind, autograded[found.group(1)])
            cells += [cell(before), c] + ([cell(after)] if after else [])
        else:
            cells.append(c)
    first_code = next(i for i, c in enumerate(cells) if c["cell_type"] == "code")
    cells.insert(first_code + 1, cell(_ATTACK_HELPERS))
    for c in cells:  # cell ids must stay unique
        c.pop("id", None)
    notebook["cells"] = cells
    notebook["nbformat_minor"] = min(notebook.get("nbformat_minor", 4), 4)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(notebook, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


# ------------------------------------------------------------------------------- the masters
def test_every_problem_set_belongs_to_a_chapter():
    assert len(MASTERS) >= 3, "one problem set per chapter, from chapter 1"
    for master in MASTERS:
        chapter = ROOT / "chapters" / f"{master.parent.name}.ipynb"
        assert chapter.exists(), f"{master.parent.name} has no chapter chapters/{chapter.name}"
        assert master.name == f"ps{master.parent.name}.ipynb", "masters are named psNN-slug.ipynb"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised by traitlets as otter imports it
def test_graded_sets_can_live_in_a_private_folder(tmp_path, monkeypatch, capsys):
    """An instructor keeps graded sets outside the public repository and builds them the same way
    (``make assignments ASSIGNMENTS_DIR=...``): the masters are found there, built into its dist/."""
    import shutil

    private = tmp_path / "graded-sets"
    source = MASTERS[-1]
    (private / source.parent.name).mkdir(parents=True)
    shutil.copy(source, private / source.parent.name / source.name)
    monkeypatch.setenv("ASSIGNMENTS_DIR", str(private))
    assert assignments.main(["--no-check"]) == 0
    student = private / "dist" / source.parent.name / "student"
    assert (student / source.name).is_file() and (student / "grading_checks.py").is_file()
    with pytest.raises(SystemExit):
        assignments.main(["--from", str(tmp_path / "empty")])
    assert "holds no master notebooks" in capsys.readouterr().err


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_master_is_stored_without_outputs(master):
    notebook = assignments.read_notebook(master)
    dirty = [i for i, cell in enumerate(notebook["cells"])
             if cell["cell_type"] == "code" and (cell.get("outputs") or cell.get("execution_count"))]
    assert dirty == [], f"{master.name}: code cells {dirty} have outputs; clear them"
    assert set(notebook["metadata"]) <= {"kernelspec", "language_info"}, "no authoring metadata"


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised by traitlets as otter imports it
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_master_config_is_valid_for_otter(master):
    from otter.assign import Assignment

    config = assignments.assignment_config(assignments.read_notebook(master))
    Assignment(require_valid_keys=True).update(config)  # raises on a key otter does not know
    assert config["name"] == master.stem, "the name ties student notebooks to their autograder"
    assert config["generate"] is True and config["run_tests"] is True
    assert config["export_cell"] is False, "students hand in the notebook itself"
    assert config.get("show_question_points") is True
    assert config.get("tests", {}).get("ok_format") is False, \
        "exception-based tests: functions of the answers, in their own module (tests: {ok_format: false})"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_master_has_four_to_six_questions_of_both_kinds(master):
    items = _questions(master)
    assert 4 <= len(items) <= 6
    assert len({q.name for q in items}) == len(items), "question names are unique"
    assert sum(q.manual for q in items) >= 1, "at least one written question"
    assert sum(not q.manual for q in items) >= 2, "at least two autograded questions"
    for q in items:
        assert q.points > 0 and q.prompt.strip(), f"{q.name}: points and a question text"
        if q.manual:
            assert not q.public_tests and not q.hidden_tests, f"{q.name}: written questions have no tests"
            assert q.solution_text, f"{q.name}: a model answer for the grader"
            assert "written" in q.prompt.lower(), f"{q.name}: the text says it is a written answer"
        else:
            assert q.public_tests and q.hidden_tests, f"{q.name}: public and hidden tests"
            assert q.solution_code, f"{q.name}: a solution"


def _test_function(test: str) -> ast.FunctionDef:
    """A test cell's function (otter's exception-based format: one ``def`` per cell)."""
    body = ast.parse(test).body
    assert len(body) == 1 and isinstance(body[0], ast.FunctionDef), f"a test is one function, not {test[:200]!r}"
    return body[0]


def _answers(q: assignments.Question) -> list[str]:
    """The names a question's tests check: its hidden tests' parameters (otter passes each the
    student's value of that name)."""
    names: list[str] = []
    for test in q.hidden_tests:
        names += [a.arg for a in _test_function(test).args.args if a.arg not in names]
    return names


def _checks(test: str, check: str = "check_number") -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(test)) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute) and n.func.attr == check]


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_tests_are_functions_of_the_answers_that_speak_in_sentences(master):
    """Each test is a function in its own module (otter's exception-based format): the student's
    answers come in as its parameters, it imports what it uses itself, so a rebound ``abs`` or
    ``isinstance`` in the notebook changes nothing, and its checks run inside
    ``with g.graded(...)``, which turns any failure into one sentence (and keeps the line otter
    quotes from the test to that ``with`` line)."""
    for q in _questions(master):
        for test in q.public_tests + q.hidden_tests:
            function = _test_function(test)
            assert function.args.args and not function.args.vararg and not function.args.kwonlyargs, q.name
            *setup, last = function.body
            assert all(isinstance(st, (ast.Import, ast.ImportFrom, ast.Expr)) for st in setup), \
                f"{q.name}: a test imports what it needs, then does everything inside `with g.graded(...)`"
            assert isinstance(last, ast.With) and ast.unparse(last.items[0].context_expr).startswith("g.graded("), \
                f"{q.name}: the last statement is `with g.graded(...):`"
            assert any(isinstance(st, ast.Import) and st.names[0].name == "grading_checks" and st.names[0].asname == "g"
                       for st in setup), f"{q.name}: `import grading_checks as g`"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_public_tests_are_worth_nothing_and_hidden_tests_everything(master):
    """A public test checks the type and the rough size only, so it earns nothing: a constant of
    the right type must not score."""
    for q in _questions(master):
        if q.manual:
            continue
        assert q.public_points == (0.0,) * len(q.public_tests), f"{q.name}: public tests carry 0 points"
        given = [p for p in q.hidden_points if p is not None]
        assert all(p > 0 for p in given) and sum(given) <= q.points, q.name
        if len(given) == len(q.hidden_points):
            assert sum(given) == q.points, f"{q.name}: the hidden tests carry all the points"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_each_question_states_the_precision_it_is_graded_to(master):
    """Every numeric check gives the precision in words (``graded_to``), and the question's text
    says the same words, beside the answer's name, under *How it is graded*."""
    for q in _questions(master):
        if q.manual or "_build_" in q.name:
            continue
        assert "*How it is graded:*" in q.prompt, f"{q.name}: the text says how it is graded"
        graded = " ".join(q.prompt.split("*How it is graded:*", 1)[1].split())
        for test in q.hidden_tests:
            for call in _checks(test):
                words = {k.arg: k.value for k in call.keywords}["graded_to"]
                assert isinstance(words, ast.Constant), f"{q.name}: graded_to is written out"
                assert " ".join(words.value.split()) in graded, f"{q.name}: the text does not say {words.value!r}"
        for name in _answers(q):
            assert f"`{name}`" in graded or "each" in graded or "every" in graded, f"{q.name}: {name}'s precision"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_each_set_has_one_build_question_graded_on_seeded_inputs(master):
    """The student writes a core routine; hidden tests, each with its own points so that a routine
    right on some inputs earns part of them, compare it with the package on inputs drawn with a fixed
    seed. The public test is worth nothing (it checks the type only)."""
    build = [q for q in _questions(master) if "_build_" in q.name]
    assert len(build) == 1, "one Build question per set, named qN_build_..."
    (q,) = build
    assert q.name in WRONG_FUNCTIONS, f"{q.name}: add a wrong function to WRONG_FUNCTIONS"
    function = WRONG_FUNCTIONS[q.name][0]
    assert not q.manual and "(build: " in q.prompt and f"`{function}(" in q.prompt
    assert "precision" in q.prompt or "to within" in q.prompt, f"{q.name}: the text states the precision graded"
    assert any(f"def {function}(" in cell for cell in q.solution_code)
    assert q.public_points == (0.0,), f"{q.name}: one public test, worth no points"
    assert len(q.hidden_points) >= 2 and all(p and p > 0 for p in q.hidden_points), "points for each hidden test"
    assert sum(q.hidden_points) == q.points
    assert any(re.search(r"default_rng\(\d+\)", test) for test in q.hidden_tests), \
        f"{q.name}: hidden tests draw their inputs with numpy.random.default_rng(<a fixed seed>)"
    for test in q.public_tests + q.hidden_tests:
        assert _test_function(test).args.args[0].arg == function, f"{q.name}: every test checks {function}"
    for test in q.hidden_tests:
        assert _checks(test, "check_function"), f"{q.name}: hidden tests compare with the model (g.check_function)"


def _solution_pieces(q: assignments.Question) -> list[str]:
    """The solution's code that otter removes for students (the lines between ``# BEGIN SOLUTION``
    and ``# END SOLUTION``, and those marked ``# SOLUTION``), line by line, and each answer's
    right-hand side. What a solution cell gives the students (a function's ``def`` line and
    docstring, for them to complete) is not a piece."""
    pieces = []
    for cell in q.solution_code:
        inside = False
        for line in cell.splitlines():
            if re.search(r"#\s*(BEGIN|END) SOLUTION", line):
                inside = "BEGIN" in line
                continue
            if not inside and not re.search(r"#\s*SOLUTION", line):
                continue
            line = re.sub(r"#\s*SOLUTION.*$", "", line).strip()
            if line.startswith("#"):
                continue
            pieces.append(line)
            if "=" in line:
                pieces.append(line.split("=", 1)[1].strip())
    return [p for p in pieces if len(p) >= 20]  # shorter ones are names the question text may quote


def _normal(code: str) -> str:
    """Code as ``ast.unparse`` writes it (quotes, spaces), where it parses on its own."""
    try:
        return ast.unparse(ast.parse(code))
    except SyntaxError:
        return code


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_hidden_tests_compute_the_answer_independently(master):
    """A hidden test recomputes the value another way; it never repeats the solution's code."""
    for q in _questions(master):
        if q.manual:
            continue
        hidden = "\n".join(_normal(test) for test in q.hidden_tests)
        copied = [p for p in _solution_pieces(q) if _normal(p) in hidden]
        assert copied == [], f"{q.name}: the hidden tests repeat the solution: {copied}"
        called = {n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", "")
                  for n in ast.walk(ast.parse("\n".join(q.solution_code))) if isinstance(n, ast.Call)}
        model_calls = {c for c in called if not c.startswith("_") and c[:1].islower()} - {
            "float", "min", "max", "len", "dict", "range", "sum", "abs"}
        used = {n.id for n in ast.walk(ast.parse(hidden)) if isinstance(n, ast.Name)}
        assert not (model_calls & used), f"{q.name}: hidden tests call the solution's functions {model_calls & used}"


# ------------------------------------------------------------------------------- generated and graded
def _quiet_worker(folder: Path) -> None:
    """Send a grading worker's output, and its kernels' (they inherit it), to a log file in ``folder``."""
    log = os.open(folder / f"worker-{os.getpid()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)


def _grade(autograder: Path, notebook: Path, output: Path) -> dict:
    """Grade one notebook as ``otter run -a ARCHIVE NOTEBOOK -o DIR`` does, in a worker process."""
    return assignments.grade(notebook, autograder, output)


def _grade_with_the_command(autograder: Path, notebook: Path, output: Path) -> dict:
    """The same through the ``otter run`` command an instructor types."""
    output.mkdir(parents=True, exist_ok=True)
    for _ in range(assignments.KERNEL_START_ATTEMPTS):  # retried only when the kernel died while starting
        result = subprocess.run([OTTER, "run", "--no-logo", "-a", str(autograder), str(notebook), "-o", str(output)],
                                capture_output=True, text=True, cwd=output)
        if result.returncode == 0 or "Kernel died before replying" not in result.stdout + result.stderr:
            break
    assert result.returncode == 0, f"otter run failed on {notebook}:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return json.loads((output / "results.json").read_text(encoding="utf-8"))


#: The grading started by :func:`start_grading` (see ``tests/conftest.py``).
_GRADING: dict = {}


def start_grading(dist: Path) -> None:
    """Generate every problem set into ``dist`` (as ``make assignments`` does) and start grading, in
    two worker processes, its solutions and its unanswered student notebook with ``otter run``, and
    one of them also through the command itself. Returns at once; ``coursework`` waits for the
    results. In a single test process ``tests/conftest.py`` calls this as the tests are collected,
    so that grading overlaps the other tests."""
    if _GRADING:
        return
    try:
        _start_grading(dist)
    except Exception as error:  # reported by the tests that need the grades, not by the hook
        _GRADING["error"] = error


def _start_grading(dist: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # traitlets', as otter imports it
        import otter.assign  # noqa: F401
    start = time.perf_counter()
    built = {m.parent.name: assignments.build(m, dist, check=False) for m in MASTERS}
    generated = time.perf_counter()
    graded = dist / "graded"
    first = next(iter(built.values()))  # the slowest job (a whole new process) goes first
    jobs = {("command", "student"): (_grade_with_the_command, first.autograder, first.student, graded / "command")}
    jobs.update({(name, who): (_grade, ps.autograder, notebook, graded / name / who)
                 for name, ps in built.items() for who, notebook in (("solutions", ps.solutions), ("student", ps.student))})
    for master in MASTERS:  # the solutions, the Build question's function replaced by a wrong one
        name, ps = master.parent.name, built[master.parent.name]
        wrong = _wrong_notebook(ps.solutions, _build_question(master).name, dist / "wrong" / name / ps.solutions.name)
        jobs[name, "wrong"] = (_grade, ps.autograder, wrong, graded / name / "wrong")
        for kind in ATTACKS:
            played = _attack_notebook(ps.solutions, master, kind, dist / kind / name / ps.solutions.name)
            jobs[name, kind] = (_grade, ps.autograder, played, graded / name / kind)
    graded.mkdir(parents=True)
    pool = ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_quiet_worker, initargs=(graded,))
    futures = {key: pool.submit(*job) for key, job in jobs.items()}
    _GRADING.update(dist=dist, built=built, pool=pool, futures=futures, started=start,
                    generation_s=generated - start)


def stop_grading() -> None:
    if "pool" in _GRADING:
        _GRADING["pool"].shutdown(wait=True, cancel_futures=True)


@pytest.fixture(scope="session")
def coursework(tmp_path_factory):
    """The generated problem sets and their grades: ``(built, results, timings)``."""
    if not _GRADING:
        start_grading(tmp_path_factory.mktemp("dist"))
    if "error" in _GRADING:
        raise _GRADING["error"]
    results = {key: future.result() for key, future in _GRADING["futures"].items()}
    timings = {"generation_s": _GRADING["generation_s"],
               "generation_and_grading_s": time.perf_counter() - _GRADING["started"]}
    (_GRADING["dist"] / "timings.json").write_text(json.dumps(timings), encoding="utf-8")
    return _GRADING["built"], results, timings


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


@pytest.mark.parametrize("name", IDS)
def test_generation_lays_out_the_files(coursework, name):
    built, _, _ = coursework
    ps = built[name]
    for path in (ps.student, ps.solutions, ps.autograder, ps.questions_csv):
        assert path.is_file(), f"{path.name} was not generated"


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_solutions_score_full_marks(coursework, master):
    _, results, _ = coursework
    scores = _scores(results[master.parent.name, "solutions"])
    autograded = {q.name: q.points for q in _questions(master) if not q.manual}
    assert scores == {name: (points, points) for name, points in autograded.items()}


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_unanswered_student_notebook_scores_zero(coursework, master):
    _, results, _ = coursework
    scores = _scores(results[master.parent.name, "student"])
    autograded = {q.name: q.points for q in _questions(master) if not q.manual}
    assert scores == {name: (0, points) for name, points in autograded.items()}


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_written_questions_are_marked_for_grading_by_hand(coursework, master):
    built, results, _ = coursework
    ps = built[master.parent.name]
    manual = [q.name for q in _questions(master) if q.manual]
    graded = {t["name"] for t in results[master.parent.name, "solutions"]["tests"]}
    assert not set(manual) & graded, "written questions are not autograded"
    with ps.questions_csv.open(encoding="utf-8") as handle:
        rows = {row["question"]: row for row in csv.DictReader(handle)}
    assert {n for n, row in rows.items() if row["graded"] == "by hand"} == set(manual)
    assert {n for n, row in rows.items() if row["graded"] == "autograder"} == {q.name for q in _questions(master)} - set(manual)
    student = "\n".join("".join(c["source"]) for c in assignments.read_notebook(ps.student)["cells"])
    assert student.count("<!-- BEGIN QUESTION -->") == len(manual), "otter marks each written question"
    assert student.count("_Type your answer here, replacing this text._") == len(manual)


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_student_notebook_holds_no_solution_and_no_hidden_test(coursework, master):
    built, _, _ = coursework
    student = assignments.read_notebook(built[master.parent.name].student)
    text = "\n".join("".join(c["source"]) for c in student["cells"])
    for q in _questions(master):
        for piece in _solution_pieces(q):
            assert piece not in text, f"{q.name}: solution code in the student notebook: {piece!r}"
        for answer in q.solution_text:
            sentences = [s.strip() for s in re.split(r"(?<=[.:;])\s", " ".join(answer.split())) if len(s) > 40]
            assert not [s for s in sentences if s in " ".join(text.split())], f"{q.name}: model answer leaked"
    given_tests = student["metadata"]["otter"]["tests"]
    for q in _questions(master):
        if q.manual:
            continue
        public = {ast.unparse(st) for test in q.public_tests for st in ast.walk(_test_function(test)) if isinstance(st, ast.stmt)}
        for hidden in q.hidden_tests:
            for statement in _test_function(hidden).body[-1].body:
                line = ast.unparse(statement)
                if line not in public:
                    assert line not in given_tests[q.name] and line not in text, f"{q.name}: a hidden test reached the students"
    solutions = assignments.read_notebook(built[master.parent.name].solutions)["metadata"]["otter"]["tests"]
    for q in _questions(master):
        if q.manual:
            continue
        given, kept = _test_cases(given_tests[q.name]), _test_cases(solutions[q.name])
        assert given == [False] * len(q.public_tests), f"{q.name}: public tests only"
        assert sum(kept) == len(q.hidden_tests), f"{q.name}: the solutions keep every test"


def _test_cases(source: str) -> list[bool]:
    """Whether each test case of a generated exception-based test file is hidden, in order."""
    found = []
    for node in ast.parse(source).body:
        for decorator in getattr(node, "decorator_list", []):
            if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "test_case":
                hidden = {k.arg: k.value for k in decorator.keywords}.get("hidden")
                found.append(bool(hidden is not None and ast.literal_eval(hidden)))
    return found


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_a_wrong_build_function_earns_partial_credit_and_a_readable_message(coursework, master):
    """The solutions with the Build question's function replaced by a plausible mistake: that question
    scores strictly between zero and its points (the function is right on some inputs), every other
    question keeps full marks, and the feedback names the first input that fails, the value the
    function returned and the model's."""
    _, results, _ = coursework
    q = _build_question(master)
    function = WRONG_FUNCTIONS[q.name][0]
    graded = results[master.parent.name, "wrong"]
    scores = _scores(graded)
    assert 0 < scores[q.name][0] < scores[q.name][1] == q.points, f"{q.name}: partial credit, not {scores[q.name]}"
    autograded = {other.name: other.points for other in _questions(master) if not other.manual}
    assert {n: s for n, s in scores.items() if n != q.name} == {n: (p, p) for n, p in autograded.items() if n != q.name}
    (feedback,) = [t["output"] for t in graded["tests"] if t["name"] == q.name]
    failed = re.findall(rf"AssertionError: (\d+) of (\d+) \w+ fail \((.+?)\)\. The first: ({function}\(.*)", feedback)
    assert failed, f"{q.name}: no readable message in the feedback:\n{feedback[-2000:]}"
    for count, total, precision, first in failed:
        assert 0 < int(count) <= int(total) and ("precision" in precision or "within" in precision), precision
        assert re.match(rf"{function}\((\w+=[^,()]+, )*\w+=[^,()]+\)", first), f"names the input that failed: {first}"
        assert " returned " in first and "; the book's model gives " in first, first
    assert feedback.count(" message: ") == len(failed), "each failed hidden test says what it checks"


def test_the_otter_run_command_gives_the_same_grades(coursework):
    built, results, _ = coursework
    first = next(iter(built))
    assert _scores(results["command", "student"]) == _scores(results[first, "student"])


def test_the_autograder_pins_the_model_package_to_this_build(coursework):
    """Docker-based grading (Gradescope, otter grade) installs the wheel the archive carries, checked by
    its hash, under constraints.txt (tests/test_gradescope.py checks the rest)."""
    import hashlib
    import zipfile

    built, _, _ = coursework
    for ps in built.values():
        with zipfile.ZipFile(ps.autograder) as archive:
            environment = archive.read("environment.yml").decode()
            (wheel,) = [n for n in archive.namelist() if n.startswith("files/") and n.endswith(".whl")]
            digest = hashlib.sha256(archive.read(wheel)).hexdigest()
            assert archive.read("files/constraints.txt") == (ROOT / "constraints.txt").read_bytes()
        assert (f"gpu-finance @ file://{assignments.GRADESCOPE_FILES}/{wheel.removeprefix('files/')}"
                f"#sha256={digest}") in environment
        assert "git+" not in environment


# ------------------------------------------------------------------------------- the attacks
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
@pytest.mark.parametrize("kind", ["constants", "shadowed"])
def test_constants_and_rebound_builtins_score_zero(coursework, master, kind):
    """Constants of the right type, with or without ``abs = sum = ... = lambda: 0`` and
    ``isinstance = lambda: True``, earn nothing on any autograded question."""
    _, results, _ = coursework
    scores = _scores(results[master.parent.name, kind])
    autograded = {q.name: q.points for q in _questions(master) if not q.manual}
    assert scores == {name: (0, points) for name, points in autograded.items()}


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_right_answers_rounded_and_of_any_numeric_type_score_full_marks(coursework, master):
    """The solutions' answers rounded to the precision each question states, as ``int``,
    ``np.int64``, ``np.float32``, 0-d arrays and whole floats, earn every point."""
    _, results, _ = coursework
    scores = _scores(results[master.parent.name, "retyped"])
    autograded = {q.name: q.points for q in _questions(master) if not q.manual}
    assert scores == {name: (points, points) for name, points in autograded.items()}


#: What otter itself writes around a failed test's sentence in ``results.json``.
_OTTER_LINES = re.compile(r"(\w+ results:.*|\w+ - \d+ (result|message):.*|[❌✅] Test case (failed|passed)"
                          r"|Error at line \d+ in test \w+:|with g\.graded\('[^']*'\):|AssertionError: .+|)")


@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_feedback_is_sentences_without_test_code_or_answers(coursework, master, tmp_path):
    """What a student gets back for a wrong answer: per question, otter's frame and one sentence
    (never a line of a hidden test other than its ``with g.graded(...)``, never a number the
    question does not state), and ``report.md`` with one row per question and no code at all."""
    _, results, _ = coursework
    graded = results[master.parent.name, "constants"]
    outputs = {t["name"]: t["output"] for t in graded["tests"] if "max_score" in t}
    for q in _questions(master):
        if q.manual:
            continue
        output = outputs[q.name]
        stray = [line for line in output.splitlines() if not _OTTER_LINES.fullmatch(line.strip())]
        assert stray == [], f"{q.name}: more than sentences in the feedback: {stray}"
        for hidden in q.hidden_tests:
            for statement in ast.walk(_test_function(hidden).body[-1]):
                if isinstance(statement, ast.stmt) and not isinstance(statement, ast.With):
                    assert ast.unparse(statement).splitlines()[0] not in output, f"{q.name}: test code in the feedback"
        if "_build_" in q.name:
            continue  # a Build question's feedback names the input that failed and the model's value on it
        allowed = set(re.findall(r"\d+(?:[.,]\d+)*", q.prompt + " ".join(_answers(q) + list(q.public_tests)))) | {"1", "1.0", "100", "5", "0.05"}
        numbers = set(re.findall(r"\d+(?:[.,]\d+)*", " ".join(re.findall(r"AssertionError: (.+)", output))))
        assert numbers <= allowed, f"{q.name}: the feedback shows numbers the question does not: {numbers - allowed}"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(graded), encoding="utf-8")
    report = assignments.write_report(path).read_text(encoding="utf-8")
    rows = [line for line in report.splitlines() if line.startswith("| q")]
    autograded = [q for q in _questions(master) if not q.manual]
    assert [row.split(" | ")[0].lstrip("| ") for row in rows] == [q.name for q in autograded]
    for row, q in zip(rows, autograded):
        assert f"| 0 / {q.points:g} |" in row and row.rstrip(" |").endswith("."), row
    assert "g.check" not in report and "with g.graded" not in report and "Error at line" not in report
