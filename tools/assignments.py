"""Build the coursework: from each problem set's master notebook, a student notebook, an autograder
archive and a solutions notebook.

The masters live in ``assignments/NN-slug/psNN-slug.ipynb``, one per chapter, in otter-grader's
assignment format (``otter assign``): a first raw cell ``# ASSIGNMENT CONFIG``, then questions
between raw cells ``# BEGIN QUESTION`` and ``# END QUESTION``, each with its solution
(``# BEGIN SOLUTION`` ... ``# END SOLUTION``) and, for autograded questions, its tests
(``# BEGIN TESTS`` ... ``# END TESTS``; a test whose config says ``hidden: true`` only runs when
the notebook is graded; a config may also give the test its own ``points`` and a
``failure_message``). A new problem set is a new master: nothing here needs to change.

For each master this writes, into ``assignments/dist/NN-slug/`` (git ignores ``dist``)::

    student/psNN-slug.ipynb          for students: no solutions, public tests only
    solutions/psNN-slug.ipynb        for instructors: the solutions and every test
    psNN-slug-autograder.zip         for otter run, otter grade or Gradescope
    questions.csv                    each question's points and how it is graded

Usage (or ``make assignments``)::

    python tools/assignments.py                 # every problem set
    python tools/assignments.py 01-the-spv      # the sets whose folder is named
    python tools/assignments.py --no-check      # skip otter's check that the solutions pass
    python tools/assignments.py --from ../graded-sets   # masters kept elsewhere (or $ASSIGNMENTS_DIR)
    python tools/assignments.py report graded/*/results.json   # each student's feedback, report.md

The tests are otter's exception-based tests (``tests: {ok_format: false}`` in each master's
config): each is a function that receives the student's answers as arguments and calls the checks
of ``assignments/grading_checks.py`` (shipped beside every notebook and in the autograder), so a
rebound built-in changes nothing and a failure is one plain sentence. ``report`` turns an
``otter run`` ``results.json`` into ``report.md`` beside it: one line per autograded question,
its score and those sentences, never a test's code.

By default otter checks, while generating, that the solutions notebook passes every test. The
autograder archive lists the book's model package, installed from the repository set in
``_config.yml``, so that Docker-based grading (``otter grade``, Gradescope) can install it;
``otter run`` grades in the current environment (the one ``make`` installs).
"""

from __future__ import annotations

import argparse
import os
import copy
import csv
import json
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
DIST = ASSIGNMENTS / "dist"
#: Files every problem set ships beside its notebook (to students and to the autograder): the
#: checks its tests call (``import grading_checks as g``).
SUPPORT_FILES = (ASSIGNMENTS / "grading_checks.py",)
#: The Python the book is tested with; the autograder's Docker image uses it too.
PYTHON_VERSION = "3.11"

if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

from tools.set_repository import read_repository  # noqa: E402


# ------------------------------------------------------------------------------- the masters
def masters(folder: Path = ASSIGNMENTS) -> list[Path]:
    """Every problem set's master notebook in ``folder``, in order: ``NN-slug/psNN-slug.ipynb``.

    ``folder`` is the book's ``assignments/`` (open practice sets) unless an instructor keeps
    graded sets elsewhere, in a private repository laid out the same way."""
    return sorted(p for p in Path(folder).glob("[0-9][0-9]-*/ps[0-9][0-9]-*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts)


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _is_raw(cell: dict, marker: str) -> bool:
    return cell["cell_type"] == "raw" and _source(cell).lstrip().upper().startswith(marker)


def read_notebook(path: Path) -> dict:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def assignment_config(notebook: dict) -> dict:
    """The YAML of the master's ``# ASSIGNMENT CONFIG`` cell (which must be the first cell)."""
    first = notebook["cells"][0]
    if not _is_raw(first, "# ASSIGNMENT CONFIG"):
        raise ValueError("a master notebook's first cell must be a raw '# ASSIGNMENT CONFIG' cell")
    return yaml.safe_load(_source(first)) or {}


@dataclass(frozen=True)
class Question:
    """One question of a master notebook, as otter will see it.

    ``public_tests`` and ``hidden_tests`` hold the source of each test cell (without its config
    block); ``public_points`` and ``hidden_points`` the points each one's config gives it (``None``
    where it gives none: otter then shares the question's points among those tests);
    ``solution_code`` the code cells of the solution, ``solution_text`` its Markdown cells.
    """

    name: str
    points: float
    manual: bool
    prompt: str
    public_tests: tuple[str, ...]
    hidden_tests: tuple[str, ...]
    solution_code: tuple[str, ...]
    solution_text: tuple[str, ...]
    public_points: tuple[float | None, ...] = ()
    hidden_points: tuple[float | None, ...] = ()

    @property
    def graded(self) -> str:
        return "by hand" if self.manual else "autograder"


def read_test_config(source: str) -> tuple[dict, str]:
    """(config, code) of a test cell: the YAML of its ``# BEGIN TEST CONFIG`` block, if it starts
    with one (``hidden``, ``points``, ``failure_message`` ...), and the code after it."""
    lines = source.splitlines()
    if lines and "BEGIN TEST CONFIG" in lines[0].upper():
        end = next(i for i, line in enumerate(lines) if "END TEST CONFIG" in line.upper())
        return yaml.safe_load("\n".join(lines[1:end])) or {}, "\n".join(lines[end + 1:])
    return {}, source


def questions(notebook: dict) -> list[Question]:
    """The questions of a master notebook, in order."""
    found: list[Question] = []
    current: dict | None = None
    block = None
    for cell in notebook["cells"]:
        if _is_raw(cell, "# BEGIN QUESTION"):
            config = yaml.safe_load(_source(cell).split("\n", 1)[1]) or {}
            current = dict(config=config, prompt=[], public=[], hidden=[], code=[], text=[],
                           public_points=[], hidden_points=[])
            continue
        if current is None:
            continue
        if _is_raw(cell, "# END QUESTION"):
            config = current["config"]
            found.append(Question(
                name=str(config["name"]), points=float(config.get("points", 1)),
                manual=bool(config.get("manual", False)), prompt="\n\n".join(current["prompt"]),
                public_tests=tuple(current["public"]), hidden_tests=tuple(current["hidden"]),
                solution_code=tuple(current["code"]), solution_text=tuple(current["text"]),
                public_points=tuple(current["public_points"]), hidden_points=tuple(current["hidden_points"]),
            ))
            current = None
            continue
        for kind in ("SOLUTION", "TESTS", "PROMPT"):
            if _is_raw(cell, f"# BEGIN {kind}"):
                block = kind
                break
            if _is_raw(cell, f"# END {kind}"):
                block = None
                break
        else:
            source = _source(cell)
            if block == "TESTS":
                config, code = read_test_config(source)
                kind = "hidden" if config.get("hidden", False) else "public"
                current[kind].append(code)
                current[f"{kind}_points"].append(None if config.get("points") is None else float(config["points"]))
            elif block == "SOLUTION":
                current["code" if cell["cell_type"] == "code" else "text"].append(source)
            elif block is None and cell["cell_type"] == "markdown":
                current["prompt"].append(source)
    return found


# ------------------------------------------------------------------------------- the outputs
@dataclass(frozen=True)
class ProblemSet:
    """Where one problem set's generated files are."""

    master: Path
    folder: Path

    @property
    def name(self) -> str:
        return self.master.stem

    @property
    def student(self) -> Path:
        return self.folder / "student" / self.master.name

    @property
    def solutions(self) -> Path:
        return self.folder / "solutions" / self.master.name

    @property
    def autograder(self) -> Path:
        return self.folder / f"{self.name}-autograder.zip"

    @property
    def questions_csv(self) -> Path:
        return self.folder / "questions.csv"


def _staged_master(master: Path, stage: Path) -> Path:
    """A copy of the master whose config lists the model package for the grading image."""
    notebook = read_notebook(master)
    config = assignment_config(notebook)
    url, branch = read_repository()
    config.setdefault("requirements", [f"gpu-finance @ git+{url}@{branch}"])
    config.setdefault("python_version", PYTHON_VERSION)
    for support in SUPPORT_FILES:  # beside the staged master, for otter's ``files:``
        shutil.copy2(support, stage / support.name)
    config["files"] = sorted({*config.get("files", []), *(support.name for support in SUPPORT_FILES)})
    staged = copy.deepcopy(notebook)
    staged["cells"][0]["source"] = "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)
    path = stage / master.name
    path.write_text(json.dumps(staged, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def write_questions_csv(path: Path, items: list[Question]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "points", "graded", "public_tests", "hidden_tests"])
        for q in items:
            writer.writerow([q.name, f"{q.points:g}", q.graded, len(q.public_tests), len(q.hidden_tests)])


def build(master: Path, dist: Path = DIST, *, check: bool = True) -> ProblemSet:
    """Run ``otter assign`` on one master and lay out its files in ``dist/<folder>/``.

    Parameters
    ----------
    master : Path
        The master notebook, ``assignments/NN-slug/psNN-slug.ipynb``.
    dist : Path
        Where to write; ``assignments/dist`` by default.
    check : bool
        Let otter check that the solutions pass every test while it generates (one more run of
        the notebook).
    """
    from otter.assign import main as otter_assign

    master = Path(master).resolve()
    config = assignment_config(read_notebook(master))
    if config.get("name") != master.stem:
        raise ValueError(f"{master.name}: the config's name {config.get('name')!r} must be {master.stem!r}")
    problem_set = ProblemSet(master, Path(dist).resolve() / master.parent.name)
    with tempfile.TemporaryDirectory(prefix="sbs-assign-") as scratch:
        work = Path(scratch)
        (work / "master").mkdir()
        staged = _staged_master(master, work / "master")
        otter_assign(str(staged), str(work / "out"), no_pdfs=True, no_run_tests=not check)
        shutil.rmtree(problem_set.folder, ignore_errors=True)
        problem_set.student.parent.mkdir(parents=True)
        problem_set.solutions.parent.mkdir(parents=True)
        shutil.copy2(work / "out" / "student" / master.name, problem_set.student)
        shutil.copy2(work / "out" / "autograder" / master.name, problem_set.solutions)
        for support in SUPPORT_FILES:  # the tests import them: they go beside each notebook
            shutil.copy2(support, problem_set.student.parent / support.name)
            shutil.copy2(support, problem_set.solutions.parent / support.name)
        (archive,) = (work / "out" / "autograder").glob(f"{master.stem}-autograder_*.zip")
        shutil.copy2(archive, problem_set.autograder)
    write_questions_csv(problem_set.questions_csv, questions(read_notebook(master)))
    return problem_set


# ------------------------------------------------------------------------------- feedback
#: A failed check's sentence in otter's output: the line ``AssertionError: <sentence>`` (the tests
#: turn every failure into one).
_SENTENCE = re.compile(r"^\s*(?:AssertionError|[A-Z]\w*Error): (.+)$")


def feedback(results: dict) -> list[dict]:
    """Per autograded question of an ``otter run`` ``results.json``: its name, score, points and the
    sentences of its failed tests (each once, public test first), without the tests' code."""
    rows = []
    for test in results.get("tests", []):
        if "max_score" not in test:  # otter's "Public Tests" summary repeats the questions
            continue
        sentences: list[str] = []
        for line in test.get("output", "").splitlines():
            found = _SENTENCE.match(line)
            if found and found.group(1).strip() not in sentences:
                sentences.append(found.group(1).strip())
        rows.append({"question": test["name"], "score": float(test.get("score") or 0),
                     "points": float(test["max_score"]), "sentences": sentences})
    return rows


def write_report(results_json: Path, output: Path | None = None) -> Path:
    """Write the student's feedback, ``report.md``, next to an ``otter run`` ``results.json``: one line
    per autograded question (score / points, and what was expected where it failed)."""
    results_json = Path(results_json)
    rows = feedback(json.loads(results_json.read_text(encoding="utf-8")))
    score, points = sum(r["score"] for r in rows), sum(r["points"] for r in rows)
    lines = ["# Autograder feedback", "",
             f"Autograded questions: **{score:g} / {points:g}** points. Written questions are graded by hand "
             "and are not included here.", "",
             "| Question | Score | Feedback |", "| --- | --- | --- |"]
    for r in rows:
        if r["score"] >= r["points"]:
            text = "Passed."
        else:
            text = " ".join(r["sentences"]) or "Not right: check your answer against the question's text."
        text = text.replace("|", "\\|")
        lines.append(f"| {r['question']} | {r['score']:g} / {r['points']:g} | {text} |")
    output = Path(output) if output else results_json.with_name("report.md")
    output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return output


def report_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="assignments.py report",
                                     description="Write report.md, the student's feedback, next to each results.json.")
    parser.add_argument("results", nargs="+", type=Path, help="results.json files written by otter run")
    args = parser.parse_args(argv)
    for path in args.results:
        print(write_report(path))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", help="folders to build (e.g. 01-the-spv); all by default")
    parser.add_argument("--no-check", action="store_true", help="skip otter's check that the solutions pass")
    parser.add_argument("--from", dest="folder", type=Path,
                        default=Path(os.environ.get("ASSIGNMENTS_DIR") or ASSIGNMENTS),
                        help="folder of masters, laid out as assignments/ is (default: $ASSIGNMENTS_DIR, "
                             "or the book's assignments/)")
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/ inside the folder of masters)")
    args = parser.parse_args(argv)
    available = masters(args.folder)
    if not available:
        parser.error(f"{args.folder} holds no master notebooks (NN-slug/psNN-slug.ipynb)")
    chosen = [m for m in available if not args.sets or m.parent.name in args.sets]
    unknown = set(args.sets) - {m.parent.name for m in chosen}
    if unknown or not chosen:
        parser.error(f"no problem set named {sorted(unknown) or args.sets}; "
                     f"there are {[m.parent.name for m in available]}")
    dist = args.dist or args.folder / "dist"
    for master in chosen:
        start = time.perf_counter()
        built = build(master, dist, check=not args.no_check)
        items = questions(read_notebook(master))
        auto = sum(q.points for q in items if not q.manual)
        manual = sum(q.points for q in items if q.manual)
        shown = built.folder.relative_to(ROOT) if built.folder.is_relative_to(ROOT) else built.folder
        print(f"{shown}: {len(items)} questions, {auto:g} points autograded, {manual:g} by hand "
              f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
