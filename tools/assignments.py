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

By default otter checks, while generating, that the solutions notebook passes every test. The
autograder archive lists the book's model package, installed from the repository set in
``_config.yml``, so that Docker-based grading (``otter grade``, Gradescope) can install it;
``otter run`` grades in the current environment (the one ``make`` installs).
"""

from __future__ import annotations

import argparse
import copy
import csv
import json
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
#: The Python the book is tested with; the autograder's Docker image uses it too.
PYTHON_VERSION = "3.11"

if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

from tools.set_repository import read_repository  # noqa: E402


# ------------------------------------------------------------------------------- the masters
def masters() -> list[Path]:
    """Every problem set's master notebook, in order: ``assignments/NN-slug/psNN-slug.ipynb``."""
    return sorted(p for p in ASSIGNMENTS.glob("[0-9][0-9]-*/ps[0-9][0-9]-*.ipynb")
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
        (archive,) = (work / "out" / "autograder").glob(f"{master.stem}-autograder_*.zip")
        shutil.copy2(archive, problem_set.autograder)
    write_questions_csv(problem_set.questions_csv, questions(read_notebook(master)))
    return problem_set


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sets", nargs="*", help="folders to build (e.g. 01-the-spv); all by default")
    parser.add_argument("--no-check", action="store_true", help="skip otter's check that the solutions pass")
    parser.add_argument("--dist", type=Path, default=DIST, help="output folder (default: assignments/dist)")
    args = parser.parse_args(argv)
    chosen = [m for m in masters() if not args.sets or m.parent.name in args.sets]
    unknown = set(args.sets) - {m.parent.name for m in chosen}
    if unknown or not chosen:
        parser.error(f"no problem set named {sorted(unknown) or args.sets}; "
                     f"there are {[m.parent.name for m in masters()]}")
    for master in chosen:
        start = time.perf_counter()
        built = build(master, args.dist, check=not args.no_check)
        items = questions(read_notebook(master))
        auto = sum(q.points for q in items if not q.manual)
        manual = sum(q.points for q in items if q.manual)
        shown = built.folder.relative_to(ROOT) if built.folder.is_relative_to(ROOT) else built.folder
        print(f"{shown}: {len(items)} questions, {auto:g} points autograded, {manual:g} by hand "
              f"({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
