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
    python tools/assignments.py pdf submissions/*.ipynb        # their written answers, one PDF each

The tests are otter's exception-based tests (``tests: {ok_format: false}`` in each master's
config): each is a function that receives the student's answers as arguments and calls the checks
of ``assignments/grading_checks.py`` (shipped beside every notebook and in the autograder), so a
rebound built-in changes nothing and a failure is one plain sentence. ``report`` turns an
``otter run`` ``results.json`` into ``report.md`` beside it: one line per autograded question,
its score and those sentences, never a test's code.

By default otter checks, while generating, that the solutions notebook passes every test.
``otter run`` grades in the current environment (the one ``make`` installs). For Docker-based
grading (Gradescope, ``otter grade``) the archive pins the environment to the exact build: it
carries a wheel of ``gpu_finance`` built from the working tree at generation time (offline, by
:func:`build_wheel`) and the book's ``constraints.txt``, and its ``environment.yml`` installs the
wheel (checked against its SHA-256) under those constraints, with the packages the model imports
at run time pinned to the versions in ``constraints.txt`` (:func:`grading_requirements`).
``pdf`` writes the written answers of submissions to PDF for grading by hand (Chromium, no LaTeX).
"""

from __future__ import annotations

import argparse
import copy
import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = ROOT / "assignments"
DIST = ASSIGNMENTS / "dist"
#: Files every problem set ships beside its notebook (to students and to the autograder): the
#: checks its tests call (``import grading_checks as g``).
SUPPORT_FILES = (ASSIGNMENTS / "grading_checks.py",)
#: The Python the book is tested with; the autograder's Docker image uses it too.
PYTHON_VERSION = "3.11"
#: The exact versions the book is tested with (pip constraints); the autograder ships a copy.
CONSTRAINTS = ROOT / "constraints.txt"
#: Where Gradescope's image unpacks the autograder archive (otter's ``autograder_dir`` is
#: ``/autograder``): the archive's ``files/`` (``files:`` and ``autograder_files:``) land here.
GRADESCOPE_FILES = "/autograder/source/files"
#: The packages the model imports when it runs; they and their own run-time requirements are
#: pinned, by name, to their versions in ``constraints.txt`` in the autograder's environment.
RUNTIME_PACKAGES = ("numpy", "pandas", "scipy", "numpy-financial", "altair")

if str(ROOT) not in sys.path:  # run as a script: make ``tools`` importable
    sys.path.insert(0, str(ROOT))


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


# ------------------------------------------------------------------------------- the grading environment
#: Wheels built in this process, by the digest of the tree they were built from.
_WHEELS: dict[str, Path] = {}


def _tree_digest(source: Path) -> str:
    """A digest of what goes into the wheel: the project's metadata files and its package sources."""
    digest = hashlib.sha256()
    paths = [source / name for name in ("pyproject.toml", "README.md", "LICENSE")]
    paths += sorted(p for p in (source / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts
                    and not any(part.endswith(".egg-info") for part in p.parts))
    for path in paths:
        if path.is_file():
            digest.update(path.relative_to(source).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_wheel(dest: Path, source: Path = ROOT) -> Path:
    """Build the model package's wheel from the working tree as it is now, with pip and the project's
    own build backend (``pip wheel --no-deps``), in a copy of the tree so the repository is left as it
    is; built once per process for the same tree, and copied into ``dest``.

    Parameters
    ----------
    dest : Path
        The folder to write the wheel into (created if missing).
    source : Path
        The project's root folder (the one with ``pyproject.toml``); the repository by default.

    Returns
    -------
    Path
        The wheel, ``dest/<name>-<version>-py3-none-any.whl``.
    """
    source = Path(source)
    if not (source / "pyproject.toml").is_file():
        raise ValueError(f"source={str(source)!r} has no pyproject.toml; give the project's root folder")
    key = _tree_digest(source)
    wheel = _WHEELS.get(key)
    if wheel is None or not wheel.is_file():
        scratch = Path(tempfile.mkdtemp(prefix="sbs-wheel-"))
        tree = scratch / "tree"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (source / name).is_file():
                shutil.copy2(source / name, tree / name)
        shutil.copytree(source / "src", tree / "src",
                        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
        environment = {**os.environ, "SOURCE_DATE_EPOCH": "315532800"}  # fixed dates in the archive
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                              "--disable-pip-version-check", "-w", str(scratch / "wheel"), str(tree)],
                             capture_output=True, text=True, env=environment)
        if run.returncode != 0:
            raise RuntimeError(f"pip could not build the model's wheel:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")
        (wheel,) = (scratch / "wheel").glob("*.whl")
        _WHEELS[key] = wheel
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy2(wheel, dest / wheel.name))


def read_constraints(path: Path = CONSTRAINTS) -> dict[str, str]:
    """The pins of a pip constraints file: normalised name -> ``name==version`` as written there."""
    pins = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        found = re.fullmatch(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)", line.split("#", 1)[0].strip())
        if found:
            pins[canonicalize_name(found.group(1))] = f"{found.group(1)}=={found.group(2)}"
    return pins


def runtime_pins(packages: tuple[str, ...] = RUNTIME_PACKAGES, constraints: Path = CONSTRAINTS) -> list[str]:
    """``name==version`` for each of ``packages`` and everything they require at run time (as
    installed here, markers evaluated for this Python), the versions taken from ``constraints``.

    Raises ValueError if ``constraints`` pins no version of one of them (it must be refreshed:
    see its first lines)."""
    from importlib import metadata

    from packaging.requirements import Requirement

    pins = read_constraints(constraints)
    found: dict[str, str] = {}
    queue = list(packages)
    while queue:
        name = canonicalize_name(queue.pop(0))
        if name in found:
            continue
        if name not in pins:
            raise ValueError(f"constraints={str(constraints)!r} pins no version of {name!r}, which the model "
                             "needs at run time; refresh it (pip freeze, see its first lines)")
        found[name] = pins[name]
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            requires = []
        for spec in requires:
            requirement = Requirement(spec)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                queue.append(requirement.name)
    return [found[name] for name in sorted(found)]


def wheel_sha256(wheel: Path) -> str:
    return hashlib.sha256(Path(wheel).read_bytes()).hexdigest()


def grading_requirements(wheel: Path, constraints: Path = CONSTRAINTS, files: str = GRADESCOPE_FILES) -> list[str]:
    """The pip requirements of the Docker grading image (Gradescope, ``otter grade``), in order.

    The archive carries ``wheel`` and ``constraints`` in ``files/``, which the image unpacks to
    ``files`` (``/autograder/source/files``): every install is constrained to the versions the
    book is tested with; the model package is the wheel, checked against its SHA-256 (a changed
    file fails the install); the packages the model imports at run time are pinned by name
    (:func:`runtime_pins`). otter adds its own ``otter-grader[grading,plugins]==<its version>``
    first, and writes the list into the pip section of the archive's ``environment.yml``, which
    conda (mamba) hands to ``pip install -r``."""
    wheel, constraints = Path(wheel), Path(constraints)
    return [f"-c {files}/{constraints.name}",
            f"gpu-finance @ file://{files}/{wheel.name}#sha256={wheel_sha256(wheel)}",
            *runtime_pins(constraints=constraints)]


def _staged_master(master: Path, stage: Path, wheel: Path | None = None) -> Path:
    """A copy of the master whose config pins the grading image's environment to this build.

    Unless the master lists its own ``requirements``, the wheel (built from the working tree if
    ``wheel`` is None) and ``constraints.txt`` go into the autograder only (``autograder_files``)
    and the requirements are :func:`grading_requirements`."""
    notebook = read_notebook(master)
    config = assignment_config(notebook)
    config.setdefault("python_version", PYTHON_VERSION)
    if "requirements" not in config:
        wheel = Path(wheel) if wheel is not None else build_wheel(stage / "wheel")
        shutil.copy2(wheel, stage / wheel.name)
        shutil.copy2(CONSTRAINTS, stage / CONSTRAINTS.name)
        config["requirements"] = grading_requirements(stage / wheel.name, stage / CONSTRAINTS.name)
        config["autograder_files"] = sorted({*config.get("autograder_files", []), wheel.name, CONSTRAINTS.name})
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


def build(master: Path, dist: Path = DIST, *, check: bool = True, wheel: Path | None = None) -> ProblemSet:
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
    wheel : Path or None
        The model package's wheel to ship in the autograder archive; None builds one from the
        working tree now (:func:`build_wheel`, a few seconds, once per process).
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
        wheel = Path(wheel) if wheel is not None else build_wheel(work / "wheel")
        staged = _staged_master(master, work / "master", wheel)
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


# ------------------------------------------------------------------------------- grading
#: How many times a grading run is started when its kernel dies while starting (a port race).
KERNEL_START_ATTEMPTS = 3


def grade(notebook: Path, autograder: Path, output: Path) -> dict:
    """Grade one notebook as ``otter run -a AUTOGRADER NOTEBOOK -o OUTPUT`` does (this is the
    function the command calls); return its ``results.json``.

    A kernel picks free TCP ports and then binds them; when several kernels start at once (a test
    suite's workers, a loop over submissions), another process can take a port in between and the
    new kernel dies with "Address already in use". Only that is retried, up to
    :data:`KERNEL_START_ATTEMPTS` times.
    """
    import contextlib
    import io

    from otter.run import main as otter_run

    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    for attempt in range(KERNEL_START_ATTEMPTS):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                otter_run(str(Path(notebook).resolve()), autograder=str(autograder),
                          output_dir=str(output.resolve()), no_logo=True)
            break
        except RuntimeError as error:
            if "Kernel died before replying" not in str(error) or attempt == KERNEL_START_ATTEMPTS - 1:
                raise
    return json.loads((output / "results.json").read_text(encoding="utf-8"))


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


# ------------------------------------------------------------------------------- written answers
def _chromium() -> str | None:
    """Debian's Chromium (or ``$CHROMIUM``), found as the site's tests find it
    (:func:`tools.website.chromium_path`); None lets Playwright use its own (``playwright install
    chromium``, as otter's Gradescope image has)."""
    from tools.website import chromium_path

    return chromium_path()


def _local_mathjax_url() -> str | None:
    """MathJax 2 from the ``jupyter-server-mathjax`` package (installed with the lab extra), as a file URL."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        return None
    script = Path(jupyter_server_mathjax.__file__).parent / "static" / "MathJax.js"
    return script.as_uri() + "?config=TeX-AMS-MML_HTMLorMML-full,Safe" if script.is_file() else None


def written_answers_html(notebook: Path) -> str:
    """The written (hand-graded) questions of a student's notebook and the answers under them, as one
    HTML page: otter's filtered export (the cells between ``<!-- BEGIN QUESTION -->`` and ``<!-- END
    QUESTION -->``, which ``otter assign`` puts around each question with ``manual: true``), one
    question a page, headed by the notebook's file name. Math is typeset by a local MathJax."""
    import nbconvert
    import nbformat
    from otter.export.exporters.base_exporter import TEMPLATE_DIR
    from otter.export.exporters.via_html import PDFViaHTMLExporter

    notebook = Path(notebook)
    if not notebook.is_file():
        raise ValueError(f"notebook={str(notebook)!r} is not a file")
    nb = PDFViaHTMLExporter.load_notebook(str(notebook), filtering=True, pagebreaks=True)
    if not nb.cells:
        raise ValueError(f"notebook={str(notebook)!r} has no written question (no '<!-- BEGIN QUESTION -->' "
                         "marker): give a student notebook generated by make assignments")
    title = f"Written answers: {notebook.stem}"
    shown = f"{notebook.resolve().parent.name}/{notebook.name}"  # submissions/<student>/psNN-slug.ipynb
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"# {title}\n\nFile: `{shown}`"))
    nb.metadata["title"] = title
    options = dict(template_name="via_html", extra_template_basedirs=[str(TEMPLATE_DIR)], exclude_input_prompt=True,
                   exclude_output_prompt=True)
    mathjax = _local_mathjax_url()
    if mathjax:
        options["mathjax_url"] = mathjax
    html, _ = nbconvert.HTMLExporter(**options).from_notebook_node(nb)
    return html


def written_answers_pdf(notebook: Path, output: Path | None = None, *, chromium: str | None = None) -> Path:
    """Write the written answers of a student's notebook to a PDF for grading by hand (Gradescope).

    :func:`written_answers_html` printed by headless Chromium, offline: no LaTeX, and every request
    to another host is refused (the page's scripts that nbconvert loads from a CDN are not needed;
    MathJax is local).

    Parameters
    ----------
    notebook : Path
        A student's submission (the generated student notebook, answered).
    output : Path or None
        Where to write the PDF; ``<notebook>.pdf`` beside the notebook by default.
    chromium : str or None
        The browser's executable; ``$CHROMIUM``, ``chromium`` on the ``PATH`` or Playwright's own.

    Returns
    -------
    Path
        The PDF.
    """
    from playwright.sync_api import sync_playwright

    notebook = Path(notebook)
    output = Path(output) if output else notebook.with_suffix(".pdf")
    html = written_answers_html(notebook)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sbs-written-") as scratch:
        page_file = Path(scratch) / "written.html"
        page_file.write_text(html, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium or _chromium(),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:")
                           else route.abort())
                page.goto(page_file.as_uri(), wait_until="load")
                page.evaluate("() => new Promise(done => (window.MathJax && MathJax.Hub) ? "
                              "MathJax.Hub.Queue(() => done(true)) : done(false))")
                page.pdf(path=str(output), format="Letter", print_background=True,
                         margin={"top": "0.6in", "bottom": "0.6in", "left": "0.6in", "right": "0.6in"})
            finally:
                browser.close()
    return output


def pdf_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="assignments.py pdf",
                                     description="Write each submission's written answers to a PDF, for grading by hand.")
    parser.add_argument("notebooks", nargs="+", type=Path, help="student notebooks (answered)")
    parser.add_argument("-o", "--output", type=Path,
                        help="folder for the PDFs (default: beside each notebook, same name, .pdf)")
    args = parser.parse_args(argv)
    names = [n.name for n in args.notebooks]
    for notebook in args.notebooks:
        output = None
        if args.output:  # submissions/<student>/psNN.ipynb, all named alike: <student>-psNN.pdf
            name = notebook.stem if names.count(notebook.name) == 1 else f"{notebook.resolve().parent.name}-{notebook.stem}"
            output = args.output / f"{name}.pdf"
        print(written_answers_pdf(notebook, output))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["report"]:
        return report_main(argv[1:])
    if argv[:1] == ["pdf"]:
        return pdf_main(argv[1:])
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
