"""Numbers per student (``tools/variants.py``): the draw, the rewrite, every grid point, and a
3-student roster built and graded end to end with ``otter run``.

The in-process tests run each master's code cells (setup, assumptions, solutions) in a namespace and
call its test functions directly, as otter does, once per grid point of each declared input: every
value a student can draw must give answers that pass the public and the hidden tests. The end-to-end
test builds every set that declares inputs for three students and grades, with otter, each student's
solutions (full marks), one student's solutions handed in under another student's metadata (no marks
on the questions whose inputs differ) and a blank notebook (zero), in two worker processes.
"""

from __future__ import annotations

import csv
import inspect
import json
import multiprocessing
import os
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from tools import assignments, variants

ROOT = Path(__file__).resolve().parents[1]
MASTERS = assignments.masters()
IDS = [m.parent.name for m in MASTERS]
ROSTER = ("alice", "bob", "chen")
SEED = "sbs-test-course-2026"

#: The inputs each set lets vary (the instructor guide lists them): a new declaration must be added here.
EXPECTED_INPUTS = {
    "01-the-spv": {"assumed_equity_return", "assumed_residual_fraction"},
    "02-the-depreciation-game": {"assumed_life", "assumed_decline"},
    "03-the-guarantee": {"assumed_volatility"},
    "04-the-backstop": {"assumed_loss_fraction"},
    "05-who-pays": {"assumed_shortest_life"},
}
VARIED = [m for m in MASTERS if EXPECTED_INPUTS.get(m.parent.name)]


def _inputs(master: Path) -> dict[str, variants.VariantInput]:
    return variants.declared(assignments.read_notebook(master))


def _uses_by_question(master: Path) -> dict[str, set[str]]:
    """The inputs each autograded question's tests use (their ``# VARIANT name`` lines)."""
    notebook = {"cells": []}
    found = {}
    for q in assignments.questions(assignments.read_notebook(master)):
        if q.manual:
            continue
        notebook["cells"] = [{"cell_type": "code", "source": t} for t in q.public_tests + q.hidden_tests]
        found[q.name] = {name for name, _ in variants.uses(notebook)}
    return found


# ------------------------------------------------------------------------------- declarations and draw
@pytest.mark.parametrize("master", MASTERS, ids=IDS)
def test_each_set_declares_its_inputs_and_uses_them_in_hidden_tests(master):
    inputs = _inputs(master)
    assert set(inputs) == EXPECTED_INPUTS[master.parent.name]
    used = _uses_by_question(master)
    for name, item in inputs.items():
        assert 3 <= len(item.grid) <= 20, f"{name}: a grid of a few values, not {item.grid}"
        questions = [q for q, names in used.items() if name in names]
        assert questions, f"{name} is declared but no test checks it"
        for q in assignments.questions(assignments.read_notebook(master)):
            if q.name in questions:
                assert any(f"# VARIANT {name}" in t for t in q.hidden_tests), f"{q.name}: the hidden test checks {name}"
                assert f"`{name}`" in q.prompt, f"{q.name}: the question names {name} instead of typing its value"


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_the_draw_is_deterministic_within_the_grid_and_differs_between_students(master):
    inputs = _inputs(master)
    draws = {s: variants.draw(inputs, SEED, s, master.stem) for s in ROSTER}
    assert draws == {s: variants.draw(inputs, SEED, s, master.stem) for s in ROSTER}, "the same strings, the same values"
    for values in draws.values():
        assert set(values) == set(inputs)
        for name, value in values.items():
            assert value in inputs[name].grid
            assert isinstance(value, int) == inputs[name].whole
    assert len({tuple(sorted(v.items())) for v in draws.values()}) >= 2, "at least two of three students differ"
    many = [variants.draw(inputs, SEED, f"student{i}", master.stem) for i in range(200)]
    for name, item in inputs.items():  # a fair draw reaches every grid point with 200 students
        assert {v[name] for v in many} == set(item.grid), name


def _notebook(cells: list[str], first_question: bool = True) -> dict:
    made = [{"cell_type": "code", "source": source, "metadata": {}, "outputs": []} for source in cells]
    if first_question:
        made.insert(1, {"cell_type": "raw", "source": "# BEGIN QUESTION\nname: q1\n", "metadata": {}})
    return {"cells": made, "metadata": {}}


def test_a_declaration_that_does_not_hold_together_is_refused():
    good = "x = 0.5  # VARIANT 0.40..0.70 step 0.05"
    assert variants.declared(_notebook([good, "    k = 0.5  # VARIANT x"]))["x"].grid == [0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7]
    assert variants.declared(_notebook(["n = 3  # VARIANT 2..5 step 1"]))["n"].grid == [2, 3, 4, 5]
    for cells, words in (
        (["x = 0.52  # VARIANT 0.40..0.70 step 0.05"], "not on its grid"),
        ([good + "\n" + good], "declared twice"),
        (["x = 0.5  # VARIANT 0.70..0.40 step 0.05"], "is empty"),
        ([good, "    k = 0.5  # VARIANT y"], "no cell before the first question declares"),
        ([good, "    k = 0.45  # VARIANT x"], "its declaration says"),
    ):
        with pytest.raises(ValueError, match=words):
            variants.declared(_notebook(cells))


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_the_rewrite_changes_the_values_and_nothing_else(master):
    notebook = assignments.read_notebook(master)
    inputs = variants.declared(notebook)
    values = {name: next(v for v in item.grid if v != item.default) for name, item in inputs.items()}
    rewritten = variants.rewrite(notebook, values)
    assert len(rewritten["cells"]) == len(notebook["cells"])
    changed = 0
    for before, after in zip(notebook["cells"], rewritten["cells"]):
        old, new = "".join(before["source"]).splitlines(), "".join(after["source"]).splitlines()
        assert len(old) == len(new) and before.get("id") == after.get("id")
        for a, b in zip(old, new):
            if a != b:
                changed += 1
                assert "# VARIANT" in a, f"only declarations and VARIANT lines change: {a!r}"
                assert repr(values[next(n for n in values if n in a)]) in b
    assert changed == len(inputs) + len(variants.uses(notebook))
    assert variants.uses(rewritten) and all(v == values[n] for n, v in variants.uses(rewritten))


# ------------------------------------------------------------------------------- every grid point
def _run(notebook: dict) -> dict:
    """Run a master's code cells, except its tests, in one namespace (the notebook's globals)."""
    if str(ROOT / "assignments") not in sys.path:
        sys.path.insert(0, str(ROOT / "assignments"))  # the tests' ``import grading_checks as g``
    namespace: dict = {"__name__": "__main__"}
    block = None
    for cell in notebook["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "raw":
            head = source.lstrip().upper()
            block = "TESTS" if head.startswith("# BEGIN TESTS") else None if head.startswith("# END TESTS") else block
        elif cell["cell_type"] == "code" and block != "TESTS":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                exec(compile(source, "<cell>", "exec"), namespace)  # noqa: S102 - the book's own masters
    return namespace


def _call(test: str, namespace: dict) -> None:
    """Call one test function as otter does: each parameter gets the notebook's value of that name."""
    module: dict = {}
    exec(compile(test, "<test>", "exec"), module)  # noqa: S102
    (function,) = [f for f in module.values() if inspect.isfunction(f)]
    function(**{name: namespace.get(name) for name in inspect.signature(function).parameters})


def _grid_points() -> list:
    points = []
    for master in VARIED:
        for name, item in _inputs(master).items():
            points += [pytest.param(master, name, value, id=f"{master.parent.name}-{name}-{value}") for value in item.grid]
    return points


@pytest.mark.parametrize(("master", "name", "value"), _grid_points())
def test_every_grid_point_is_answered_by_the_solution(master, name, value):
    """With the input at this grid point (the others at their defaults), the solutions pass every
    public and hidden test of the questions that use it: each value a student can draw has an
    answer, and the economics stay sensible (the public tests' plausible ranges hold)."""
    notebook = variants.rewrite(assignments.read_notebook(master), {name: value})
    namespace = _run(notebook)
    assert namespace[name] == value
    used = _uses_by_question(master)
    for q in assignments.questions(notebook):
        if name in used.get(q.name, ()):
            for test in q.public_tests + q.hidden_tests:
                _call(test, namespace)


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_answers_for_other_values_fail_with_a_sentence(master):
    """The solutions run with the open set's values and graded by tests that hold another student's
    values: every hidden test that uses a changed input fails, saying which input, without a number."""
    notebook = assignments.read_notebook(master)
    inputs = variants.declared(notebook)
    namespace = _run(notebook)
    other = {name: next(v for v in item.grid if v != item.default) for name, item in inputs.items()}
    used = _uses_by_question(master)
    for q in assignments.questions(variants.rewrite(notebook, other)):
        for name in used.get(q.name, ()):
            for test in q.hidden_tests:
                with pytest.raises(AssertionError) as failed:
                    _call(test, namespace)
                message = str(failed.value)
                assert message.startswith(f"{name} is not the value this notebook's assumptions cell gives it")
                assert not any(ch.isdigit() for ch in message), message


# ------------------------------------------------------------------------------- roster
def test_the_roster_is_read_from_a_student_column(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("name,student\nAlice,alice\nBob,bob@uni.edu\nAlice again,alice\n,\n", encoding="utf-8")
    assert variants.read_roster(roster) == ["alice", "bob@uni.edu"]
    roster.write_text("id\n17\n18\n", encoding="utf-8")
    assert variants.read_roster(roster) == ["17", "18"]
    roster.write_text("student\n../etc\n", encoding="utf-8")
    with pytest.raises(ValueError, match="may hold only"):
        variants.read_roster(roster)
    roster.write_text("student\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no students"):
        variants.read_roster(roster)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised by traitlets as otter imports it
def test_grading_refuses_a_notebook_without_a_variant(tmp_path, capsys):
    plain = tmp_path / "plain.ipynb"
    plain.write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    assert variants.main(["grade", str(plain), "-o", str(tmp_path / "out"), "--dist", str(tmp_path)]) == 2
    assert "has no 'sbs_variant' metadata" in capsys.readouterr().err
    tagged = tmp_path / "tagged.ipynb"
    tagged.write_text(json.dumps({"cells": [], "metadata": {"sbs_variant": {"student": "zoe", "set": "ps03-the-guarantee"}},
                                  "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    assert variants.main(["grade", str(tagged), "-o", str(tmp_path / "out"), "--dist", str(tmp_path)]) == 2
    assert "no problem set 'ps03-the-guarantee'" in capsys.readouterr().err
    (tmp_path / "03-the-guarantee" / "variants" / "alice").mkdir(parents=True)
    assert variants.main(["grade", str(tagged), "-o", str(tmp_path / "out"), "--dist", str(tmp_path)]) == 2
    assert "no variant of ps03-the-guarantee for the student 'zoe'" in capsys.readouterr().err


# ------------------------------------------------------------------------------- built and graded
def _quiet_worker(folder: str) -> None:
    log = os.open(Path(folder) / f"worker-{os.getpid()}.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)


def _build(master: Path, dist: Path) -> dict:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return variants.build_variants(master, list(ROSTER), SEED, dist, check=False)


def _grade(submission: Path, output: Path, dist: Path) -> dict:
    return variants.grade(submission, output, dist)


def _retagged(notebook: Path, student: str, target: Path) -> Path:
    data = assignments.read_notebook(notebook)
    data["metadata"]["sbs_variant"]["student"] = student
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def variant_grades(tmp_path_factory):
    """Every varied set built for the roster, and its grades: ``(dist, built, results, seconds)``."""
    dist = tmp_path_factory.mktemp("variants-dist")
    logs = tmp_path_factory.mktemp("variants-logs")
    for master in VARIED:  # an open-set build already there is left alone
        (dist / master.parent.name / "student").mkdir(parents=True)
        (dist / master.parent.name / "student" / "open-set.txt").write_text("open set", encoding="utf-8")
    start = time.perf_counter()
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context, initializer=_quiet_worker, initargs=(str(logs),)) as pool:
        built = dict(zip([m.parent.name for m in VARIED], pool.map(_build, VARIED, [dist] * len(VARIED))))
        generated = time.perf_counter()
        jobs = {}
        for name, students in built.items():
            for student, ps in students.items():
                jobs[name, student, "solutions"] = (ps.solutions, dist / "graded" / name / student)
            swapped = _retagged(students["alice"].solutions, "bob", dist / "swapped" / name / students["alice"].solutions.name)
            jobs[name, "alice", "as-bob"] = (swapped, dist / "graded" / name / "alice-as-bob")
            jobs[name, "chen", "blank"] = (students["chen"].student, dist / "graded" / name / "chen-blank")
        futures = {key: pool.submit(_grade, notebook, output, dist) for key, (notebook, output) in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    seconds = {"build_s": generated - start, "build_and_grade_s": time.perf_counter() - start}
    (dist / "timings.json").write_text(json.dumps(seconds), encoding="utf-8")
    return dist, built, results, seconds


def _scores(results: dict) -> dict[str, tuple[float, float]]:
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}


def _autograded(master: Path) -> dict[str, float]:
    return {q.name: q.points for q in assignments.questions(assignments.read_notebook(master)) if not q.manual}


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_each_student_gets_a_notebook_with_their_values_and_metadata(variant_grades, master):
    dist, built, _, _ = variant_grades
    students = built[master.parent.name]
    assert set(students) == set(ROSTER)
    inputs = _inputs(master)
    with (dist / master.parent.name / "variants" / "variants.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["student"], r["input"]) for r in rows] == [(s, n) for s in ROSTER for n in inputs]
    for student, ps in students.items():
        values = variants.draw(inputs, SEED, student, master.stem)
        assert {r["input"]: r["value"] for r in rows if r["student"] == student} == {n: repr(v) for n, v in values.items()}
        for path in (ps.student, ps.solutions, ps.autograder, ps.student.parent / "grading_checks.py"):
            assert path.is_file(), path
        for path in (ps.student, ps.solutions):
            notebook = assignments.read_notebook(path)
            assert notebook["metadata"]["sbs_variant"] == {"student": student, "set": master.stem}
            text = "\n".join("".join(c["source"]) for c in notebook["cells"])
            for name, value in values.items():
                assert f"{name} = {value!r}  # your value: keep it" in text
    assert (dist / master.parent.name / "student" / "open-set.txt").is_file(), "the open set's build is left alone"


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_each_students_solutions_score_full_marks(variant_grades, master):
    _, _, results, _ = variant_grades
    for student in ROSTER:
        assert _scores(results[master.parent.name, student, "solutions"]) == {
            q: (p, p) for q, p in _autograded(master).items()}, student


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_solutions_handed_in_as_another_student_lose_the_questions_whose_inputs_differ(variant_grades, master):
    """Alice's solutions (her values, her answers) under Bob's metadata are graded with Bob's
    autograder: each question that uses an input on which they differ scores 0, with a sentence
    naming the input; the others keep full marks; the total is below full."""
    dist, _, results, _ = variant_grades
    inputs = _inputs(master)
    alice, bob = (variants.draw(inputs, SEED, s, master.stem) for s in ("alice", "bob"))
    differ = {n for n in inputs if alice[n] != bob[n]}
    assert differ, "the test's roster gives Alice and Bob different values in every varied set"
    scores = _scores(results[master.parent.name, "alice", "as-bob"])
    used = _uses_by_question(master)
    for q, points in _autograded(master).items():
        assert scores[q] == ((0, points) if used.get(q, set()) & differ else (points, points)), q
    assert sum(s for s, _ in scores.values()) < sum(_autograded(master).values())
    report = (dist / "graded" / master.parent.name / "alice-as-bob" / "report.md").read_text(encoding="utf-8")
    for name in differ:
        assert f"{name} is not the value this notebook's assumptions cell gives it" in report


@pytest.mark.parametrize("master", VARIED, ids=[m.parent.name for m in VARIED])
def test_a_blank_variant_scores_zero(variant_grades, master):
    _, _, results, _ = variant_grades
    assert _scores(results[master.parent.name, "chen", "blank"]) == {q: (0, p) for q, p in _autograded(master).items()}


def test_the_build_and_grading_time_is_reported(variant_grades):
    _, _, results, seconds = variant_grades
    print(f"\nvariants: {len(VARIED)} sets x {len(ROSTER)} students built in {seconds['build_s']:.0f} s; "
          f"{len(results)} notebooks graded, {seconds['build_and_grade_s']:.0f} s in all")
    assert seconds["build_and_grade_s"] < 15 * 60
