"""Numbers per student: build each problem set in one variant per student, and grade a variant.

A master declares the inputs that vary before its first question, one line each, in a code cell
(the *assumptions cell*)::

    assumed_volatility = 0.5  # VARIANT 0.40..0.70 step 0.05

The value is the open practice set's; the range is a grid, from the low end to the high end in
steps (a whole-number grid gives whole numbers). Questions refer to the input by its name, the
solutions use the name, and every test that depends on it (public or hidden) starts, inside its
``with g.graded(...):``, with a line that holds the value and a check that the notebook still has it::

        s = 0.5  # VARIANT assumed_volatility
        assert abs(g.number(assumed_volatility, "assumed_volatility", "a fraction per year") - s) <= 1e-06, "..."

(the test takes ``assumed_volatility`` as one of its parameters, so otter passes it the notebook's
value). Without a roster nothing changes: ``tools/assignments.py`` builds the open set, with the
default values, as before.

With a roster, each student gets values drawn from the grid, deterministically from the course's
seed, the student's id and the set's name (a SHA-256 of the three, and of the input's name, picks
one grid point per input). The build rewrites a copy of the master, the declaration and every
``# VARIANT`` line of the tests, and runs ``tools.assignments.build`` on it::

    dist/NN-slug/variants/variants.csv                        student, input, value (for the instructor)
    dist/NN-slug/variants/<student>/student/psNN-slug.ipynb   that student's notebook (hand it out with
    dist/NN-slug/variants/<student>/student/grading_checks.py the checks beside it)
    dist/NN-slug/variants/<student>/solutions/psNN-slug.ipynb its solutions, for the instructor
    dist/NN-slug/variants/<student>/psNN-slug-autograder.zip  its autograder (hidden tests with its values)

Both notebooks record ``{"sbs_variant": {"student": id, "set": name}}`` in their metadata; ``grade``
reads it and runs ``otter run`` with that student's autograder. Usage::

    python tools/variants.py build --roster roster.csv --seed COURSESEED [01-the-spv ...] [--no-check]
    python tools/variants.py grade SUBMISSION.ipynb -o graded/alice [--dist DIST] [--student ID]
    python tools/variants.py show --roster roster.csv --seed COURSESEED   # the draw only, no build

The roster is a CSV with a header; the student ids are its ``student`` column (or ``student_id``,
``id``, ``email``, else its first column). An id may hold letters, digits and ``. _ @ + -``.
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import inspect
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))

from tools import assignments  # noqa: E402

#: The notebook metadata key that ties a student's notebook to its variant.
METADATA_KEY = "sbs_variant"
#: A declaration, in a code cell before the first question: ``name = default  # VARIANT low..high step s``.
_DECLARATION = re.compile(r"^(?P<name>[A-Za-z_]\w*) = (?P<value>\S+?)(?P<gap>\s+)# VARIANT "
                          r"(?P<low>-?\d+(?:\.\d+)?)\.\.(?P<high>-?\d+(?:\.\d+)?) step (?P<step>\d+(?:\.\d+)?)\s*$")
#: A test's use of a declared input: ``local = value  # VARIANT name``.
_USE = re.compile(r"^(?P<indent>\s*)(?P<local>[A-Za-z_]\w*) = (?P<value>[^#]+?)(?P<gap>\s+)# VARIANT (?P<name>[A-Za-z_]\w*)\s*$")
#: What a student id may hold (it names a folder).
_STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")


# ------------------------------------------------------------------------------- declarations
@dataclass(frozen=True)
class VariantInput:
    """One input a master lets vary: its name, its open-set value and its grid ``low..high step``."""

    name: str
    default: float | int
    low: Decimal
    high: Decimal
    step: Decimal

    @property
    def whole(self) -> bool:
        return all(v == v.to_integral_value() for v in (self.low, self.high, self.step))

    @property
    def grid(self) -> list[float | int]:
        """Every value the input can take, from ``low`` to ``high``."""
        count = int((self.high - self.low) / self.step)
        points = [self.low + i * self.step for i in range(count + 1)]
        return [int(p) if self.whole else float(p) for p in points]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text.splitlines(keepends=True)


def _literal(text: str) -> float | int:
    value = json.loads(text)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"a VARIANT value must be a number, not {text!r}")
    return value


def _first_question(notebook: dict) -> int:
    return next((i for i, c in enumerate(notebook["cells"]) if c["cell_type"] == "raw"
                 and _source(c).lstrip().upper().startswith("# BEGIN QUESTION")), len(notebook["cells"]))


def declared(notebook: dict) -> dict[str, VariantInput]:
    """The inputs a master declares (``name = value  # VARIANT low..high step s``), by name.

    Raises ``ValueError`` if a declaration is not on its grid, its range is empty, a name is
    declared twice, or a test uses (``# VARIANT name``) an input that is not declared or with
    another value than the declaration's."""
    found: dict[str, VariantInput] = {}
    for cell in notebook["cells"][:_first_question(notebook)]:
        if cell["cell_type"] != "code":
            continue
        for line in _source(cell).splitlines():
            m = _DECLARATION.match(line)
            if not m:
                continue
            name = m["name"]
            if name in found:
                raise ValueError(f"the input {name!r} is declared twice")
            item = VariantInput(name, _literal(m["value"]), Decimal(m["low"]), Decimal(m["high"]), Decimal(m["step"]))
            if item.step <= 0 or item.high < item.low:
                raise ValueError(f"{name}: the range {m['low']}..{m['high']} step {m['step']} is empty")
            if not any(abs(item.default - point) < 1e-12 for point in item.grid):
                raise ValueError(f"{name}: its value {item.default!r} is not on its grid {item.grid}")
            found[name] = item
    for name, value in uses(notebook):
        if name not in found:
            raise ValueError(f"a test uses the input {name!r} (# VARIANT {name}), which no cell before the "
                             "first question declares")
        if abs(value - found[name].default) > 1e-12:
            raise ValueError(f"a test holds {name} = {value!r}, but its declaration says {found[name].default!r}")
    return found


def uses(notebook: dict) -> list[tuple[str, float | int]]:
    """Every ``local = value  # VARIANT name`` line of the master's code cells: ``(name, value)``."""
    found = []
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for line in _source(cell).splitlines():
            m = _USE.match(line)
            if m and not _DECLARATION.match(line.strip()):
                found.append((m["name"], _literal(m["value"].strip())))
    return found


# ------------------------------------------------------------------------------- the draw
def draw(inputs: dict[str, VariantInput], seed: str, student: str, set_name: str) -> dict[str, float | int]:
    """One student's values: for each input, the grid point that a SHA-256 of (course seed, student
    id, set name, input name) picks. The same four strings always give the same value."""
    values = {}
    for name, item in inputs.items():
        digest = hashlib.sha256("\x1f".join([str(seed), str(student), set_name, name]).encode("utf-8")).hexdigest()
        grid = item.grid
        values[name] = grid[int(digest, 16) % len(grid)]
    return values


def rewrite(notebook: dict, values: dict[str, float | int]) -> dict:
    """A copy of the master with the student's ``values``: in the declarations (whose comment then
    tells the student to keep the value) and in every test line ``local = value  # VARIANT name``."""
    inputs = declared(notebook)
    unknown = set(values) - set(inputs)
    if unknown:
        raise ValueError(f"values for inputs the master does not declare: {sorted(unknown)}")
    result = copy.deepcopy(notebook)
    for index, cell in enumerate(result["cells"]):
        if cell["cell_type"] != "code":
            continue
        lines = []
        for line in _source(cell).splitlines(keepends=True):
            end = "\n" if line.endswith("\n") else ""
            body = line[: len(line) - len(end)]
            declaration = _DECLARATION.match(body) if index < _first_question(result) else None
            use = _USE.match(body)
            if declaration and declaration["name"] in values:
                body = f"{declaration['name']} = {values[declaration['name']]!r}  # your value: keep it (the grader checks it)"
            elif use and not declaration and use["name"] in values:
                body = f"{use['indent']}{use['local']} = {values[use['name']]!r}{use['gap']}# VARIANT {use['name']}"
            lines.append(body + end)
        _set_source(cell, "".join(lines))
    return result


# ------------------------------------------------------------------------------- roster and build
def read_roster(path: Path) -> list[str]:
    """The student ids of a roster CSV (column ``student``, ``student_id``, ``id`` or ``email``, else
    the first), in order, each once."""
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    if not rows:
        raise ValueError(f"{path}: the roster has no students (a header line, then one student a line)")
    columns = {c.strip().lower(): c for c in rows[0]}
    column = next((columns[c] for c in ("student", "student_id", "id", "email") if c in columns), next(iter(rows[0])))
    students: list[str] = []
    for row in rows:
        student = (row.get(column) or "").strip()
        if not student:
            continue
        if not _STUDENT_ID.match(student):
            raise ValueError(f"{path}: the student id {student!r} may hold only letters, digits and . _ @ + - "
                             "(it names a folder)")
        if student not in students:
            students.append(student)
    if not students:
        raise ValueError(f"{path}: no student ids in the column {column!r}")
    return students


def variants_folder(master: Path, dist: Path) -> Path:
    return Path(dist) / master.parent.name / "variants"


def _tag(path: Path, student: str, set_name: str) -> None:
    notebook = assignments.read_notebook(path)
    notebook["metadata"][METADATA_KEY] = {"student": student, "set": set_name}
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_variants(master: Path, students: list[str], seed: str, dist: Path = assignments.DIST, *,
                   check: bool = True) -> dict[str, assignments.ProblemSet]:
    """Build one variant of ``master`` per student into ``dist/NN-slug/variants/<student>/``.

    Returns each student's :class:`tools.assignments.ProblemSet` (its ``student``, ``solutions``
    and ``autograder`` paths). Also writes ``variants.csv`` (student, input, value). A master that
    declares no input gets one copy per student all the same (their metadata still name them)."""
    master = Path(master).resolve()
    notebook = assignments.read_notebook(master)
    inputs = declared(notebook)
    folder = variants_folder(master, Path(dist).resolve())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    built: dict[str, assignments.ProblemSet] = {}
    rows = []
    with tempfile.TemporaryDirectory(prefix="sbs-variants-") as scratch:
        options: dict = {"check": check}
        if "wheel" in inspect.signature(assignments.build).parameters and hasattr(assignments, "build_wheel"):
            options["wheel"] = assignments.build_wheel(Path(scratch) / "wheel")  # one wheel for every student
        for student in students:
            values = draw(inputs, seed, student, master.stem)
            rows += [(student, name, value) for name, value in values.items()]
            stage = Path(scratch) / student / master.parent.name
            stage.mkdir(parents=True)
            copy_path = stage / master.name
            copy_path.write_text(json.dumps(rewrite(notebook, values), indent=1, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
            out = assignments.build(copy_path, Path(scratch) / student / "dist", **options)
            target = folder / student
            shutil.copytree(out.folder, target)
            problem_set = assignments.ProblemSet(master, target)
            for path in (problem_set.student, problem_set.solutions):
                _tag(path, student, master.stem)
            built[student] = problem_set
    with (folder / "variants.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "input", "value"])
        writer.writerows(rows)
    return built


# ------------------------------------------------------------------------------- grading
class VariantError(ValueError):
    """A submission that cannot be matched to a built variant."""


def submission_variant(notebook_path: Path) -> dict:
    """The ``sbs_variant`` metadata of a submitted notebook: ``{"student": ..., "set": ...}``."""
    try:
        notebook = json.loads(Path(notebook_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise VariantError(f"{notebook_path}: not a notebook that can be read ({error})") from None
    found = notebook.get("metadata", {}).get(METADATA_KEY)
    if not isinstance(found, dict) or not found.get("student") or not found.get("set"):
        raise VariantError(f"{notebook_path} has no '{METADATA_KEY}' metadata: it is not a per-student notebook "
                           "built by tools/variants.py. Grade an open-set notebook with otter run and the set's "
                           "own autograder, or ask the student for the notebook they were given.")
    return found


def find_autograder(dist: Path, set_name: str, student: str) -> Path:
    """The autograder built for ``student`` in the set ``set_name`` (``psNN-slug``) under ``dist``."""
    folders = [p for p in Path(dist).glob("[0-9][0-9]-*") if f"ps{p.name}" == set_name]
    if not folders:
        raise VariantError(f"no problem set {set_name!r} in {dist}: build its variants first "
                           "(python tools/variants.py build --roster ... --seed ...)")
    variants = variants_folder(folders[0] / f"{set_name}.ipynb", dist)
    archive = variants / student / f"{set_name}-autograder.zip"
    if not archive.is_file():
        known = sorted(p.name for p in variants.iterdir() if p.is_dir()) if variants.is_dir() else []
        raise VariantError(f"no variant of {set_name} for the student {student!r} in {variants}"
                           + (f" (built for: {', '.join(known)})" if known else " (no variants built)"))
    return archive


def grade(submission: Path, output: Path, dist: Path = assignments.DIST, *, student: str | None = None) -> dict:
    """Grade a student's notebook with the autograder of its variant; return otter's ``results.json``.

    The variant is the notebook's ``sbs_variant`` metadata, unless ``student`` names the student
    who handed it in (from the course's records): then that student's autograder grades it, so
    that editing the metadata gains nothing. Writes ``results.json`` and ``report.md`` into ``output``."""
    meta = submission_variant(submission)
    who = student or meta["student"]
    archive = find_autograder(dist, meta["set"], who)
    results = assignments.grade(submission, archive, output)
    assignments.write_report(Path(output) / "results.json")
    return results


# ------------------------------------------------------------------------------- the commands
def _chosen(folder: Path, sets: list[str], parser: argparse.ArgumentParser) -> list[Path]:
    available = assignments.masters(folder)
    if not available:
        parser.error(f"{folder} holds no master notebooks (NN-slug/psNN-slug.ipynb)")
    chosen = [m for m in available if not sets or m.parent.name in sets]
    unknown = set(sets) - {m.parent.name for m in chosen}
    if unknown or not chosen:
        parser.error(f"no problem set named {sorted(unknown) or sets}; there are {[m.parent.name for m in available]}")
    return chosen


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="variants.py", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    default_folder = Path(os.environ.get("ASSIGNMENTS_DIR") or assignments.ASSIGNMENTS)
    for name in ("build", "show"):
        sub = commands.add_parser(name, help="build each student's variant" if name == "build"
                                  else "print each student's values (no build)")
        sub.add_argument("sets", nargs="*", help="folders to build (e.g. 01-the-spv); all by default")
        sub.add_argument("--roster", type=Path, required=True, help="CSV of students (a 'student' column)")
        sub.add_argument("--seed", required=True, help="the course's seed: any text, kept private")
        sub.add_argument("--from", dest="folder", type=Path, default=default_folder,
                         help="folder of masters (default: $ASSIGNMENTS_DIR, or the book's assignments/)")
        sub.add_argument("--dist", type=Path, help="output folder (default: dist/ inside the folder of masters)")
        if name == "build":
            sub.add_argument("--no-check", action="store_true", help="skip otter's check that each variant's solutions pass")
    sub = commands.add_parser("grade", help="grade a student's notebook with its variant's autograder")
    sub.add_argument("submission", type=Path, help="the notebook the student handed in")
    sub.add_argument("-o", "--output", type=Path, required=True, help="folder for results.json and report.md")
    sub.add_argument("--dist", type=Path, default=None, help="where the variants were built (default: assignments/dist)")
    sub.add_argument("--student", help="the student who handed it in, if the course's records say so "
                                       "(graded with that student's values whatever the metadata says)")
    args = parser.parse_args(argv)

    if args.command == "grade":
        dist = args.dist or Path(os.environ.get("ASSIGNMENTS_DIR") or assignments.ASSIGNMENTS) / "dist"
        try:
            meta = submission_variant(args.submission)
            if args.student and args.student != meta["student"]:
                print(f"note: {args.submission} says it is {meta['student']}'s; graded as {args.student}'s, "
                      "as you asked", file=sys.stderr)
            results = grade(args.submission, args.output, dist, student=args.student)
        except VariantError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        rows = assignments.feedback(results)
        print(f"{args.output / 'results.json'}: {sum(r['score'] for r in rows):g} / "
              f"{sum(r['points'] for r in rows):g} points autograded; report.md beside it")
        return 0

    try:
        students = read_roster(args.roster)
    except (OSError, ValueError) as error:
        parser.error(str(error))
    chosen = _chosen(args.folder, args.sets, parser)
    if args.command == "show":
        writer = csv.writer(sys.stdout)
        writer.writerow(["set", "student", "input", "value"])
        for master in chosen:
            inputs = declared(assignments.read_notebook(master))
            for student in students:
                for name, value in draw(inputs, args.seed, student, master.stem).items():
                    writer.writerow([master.stem, student, name, value])
        return 0
    dist = args.dist or args.folder / "dist"
    for master in chosen:
        start = time.perf_counter()
        build_variants(master, students, args.seed, dist, check=not args.no_check)
        folder = variants_folder(master, dist)
        shown = folder.relative_to(ROOT) if folder.resolve().is_relative_to(ROOT) else folder
        names = ", ".join(declared(assignments.read_notebook(master))) or "none declared"
        print(f"{shown}: {len(students)} students (inputs: {names}) ({time.perf_counter() - start:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
