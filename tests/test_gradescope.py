"""The autograder archive as Gradescope uses it: a pinned environment and the image's own entry point.

``make assignments`` writes ``psNN-slug-autograder.zip``. Gradescope builds a Docker image from it
(``setup.sh``: conda creates the environment of ``environment.yml``, whose pip section installs
otter, the model package and its pins), then, for each submission, unpacks the archive into
``/autograder/source``, puts the submission into ``/autograder/submission`` and runs
``/autograder/run_autograder`` (which runs ``source/run_otter.py``, i.e. otter's
``otter.run.run_autograder.main("/autograder")``), and reads ``/autograder/results/results.json``.

These tests check the archive's environment (the wheel of ``gpu_finance`` built from this working
tree, checked by its SHA-256, and the versions of ``constraints.txt``), install that wheel offline
into a fresh virtual environment, and play the grading run the way the image does, minus Docker:
the same folders in a temporary directory, the archive's own ``run_otter.py`` pointed at it, in
the current environment (which ``make`` installs from the same ``constraints.txt``, so
``setup.sh``'s installs are skipped). The last test turns a submission's written answers into the
PDF that is graded by hand.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
import warnings
import zipfile
from pathlib import Path

import pytest
import yaml
from packaging.utils import canonicalize_name

from tools import assignments

ROOT = Path(__file__).resolve().parents[1]
SET = "01-the-spv"
(MASTER,) = [m for m in assignments.masters() if m.parent.name == SET]
#: What Gradescope writes beside the submission (the fields otter may read: the submitters).
SUBMISSION_METADATA = {"id": 1, "created_at": "2026-11-30T12:00:00.000000-08:00", "assignment": {"title": MASTER.stem},
                       "users": [{"email": "student@example.edu", "id": 1, "name": "A Student", "sid": "S001"}]}


def run_like_gradescope(archive: Path, submission: Path, where: Path) -> dict:
    """Grade ``submission`` with ``archive`` as Gradescope's image does, in ``where/autograder``
    instead of ``/autograder``; returns ``results/results.json``. The recipe, in shell::

        mkdir -p $W/autograder/source $W/autograder/submission $W/autograder/results
        python -m zipfile -e psNN-slug-autograder.zip $W/autograder/source
        cp submission.ipynb $W/autograder/submission/
        echo '{}' > $W/autograder/submission_metadata.json
        sed "s|\\"/autograder\\"|\\"$W/autograder\\"|" $W/autograder/source/run_otter.py > $W/run_otter.py
        .venv/bin/python $W/run_otter.py
    """
    autograder = where / "autograder"
    for folder in ("source", "submission", "results"):
        (autograder / folder).mkdir(parents=True)
    with zipfile.ZipFile(archive) as unpacked:
        unpacked.extractall(autograder / "source")
    shutil.copy2(submission, autograder / "submission")
    (autograder / "submission_metadata.json").write_text(json.dumps(SUBMISSION_METADATA), encoding="utf-8")
    entry = (autograder / "source" / "run_otter.py").read_text(encoding="utf-8")
    assert 'run_autograder("/autograder")' in entry, "the image's entry point grades in /autograder"
    script = where / "run_otter.py"
    script.write_text(entry.replace('"/autograder"', json.dumps(str(autograder))), encoding="utf-8")
    run = subprocess.run([sys.executable, str(script)], cwd=where, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((autograder / "results" / "results.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Problem set 1, generated as ``make assignments`` does (without otter's own check run)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # traitlets', as otter imports it
        return assignments.build(MASTER, tmp_path_factory.mktemp("dist"), check=False)


@pytest.fixture(scope="module")
def archive(built):
    with zipfile.ZipFile(built.autograder) as unpacked:
        environment = yaml.safe_load(unpacked.read("environment.yml"))
        files = {name: unpacked.read(name) for name in unpacked.namelist() if name.startswith("files/")}
    (pip,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    return environment, pip, files


def _wheel(files: dict[str, bytes]) -> tuple[str, bytes]:
    (name,) = [n for n in files if n.endswith(".whl")]
    return name.removeprefix("files/"), files[name]


def test_the_archive_pins_the_environment_to_this_build(archive):
    import hashlib

    import otter

    environment, pip, files = archive
    wheel_name, wheel = _wheel(files)
    assert f"python={assignments.PYTHON_VERSION}" in environment["dependencies"]
    assert pip[0] == f"otter-grader[grading,plugins]=={otter.__version__}"
    assert pip[1] == f"-c {assignments.GRADESCOPE_FILES}/constraints.txt", "every install under the book's pins"
    assert files["files/constraints.txt"] == (ROOT / "constraints.txt").read_bytes()
    assert pip[2] == (f"gpu-finance @ file://{assignments.GRADESCOPE_FILES}/{wheel_name}"
                      f"#sha256={hashlib.sha256(wheel).hexdigest()}"), "the wheel shipped, checked by its hash"
    pinned = dict(line.split("==") for line in pip[3:])
    constraints = assignments.read_constraints()
    for name in ("numpy", "pandas", "scipy", "numpy-financial", "altair", "python-dateutil", "tzdata"):
        (spelled,) = [p for p in pinned if canonicalize_name(p) == name]
        assert f"{spelled}=={pinned[spelled]}" == constraints[name]
    assert not any("git+" in line or "@main" in line for line in pip), "nothing from a moving branch"


def test_the_wheel_is_the_working_tree(archive):
    import io
    import tomllib

    _, _, files = archive
    wheel_name, wheel = _wheel(files)
    assert wheel_name == "gpu_finance-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(io.BytesIO(wheel)) as unpacked:
        names = set(unpacked.namelist())
        package = ROOT / "src" / "gpu_finance"
        expected = {p for p in package.rglob("*.py") if "__pycache__" not in p.parts} | set(package.glob("data/*.csv"))
        for path in expected:
            name = path.relative_to(ROOT / "src").as_posix()
            assert name in names, f"{name} is not in the wheel"
            assert unpacked.read(name) == path.read_bytes(), f"{name} differs from the working tree"
        metadata = unpacked.read("gpu_finance-0.1.0.dist-info/METADATA").decode()
        record = unpacked.read("gpu_finance-0.1.0.dist-info/RECORD").decode()
    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {str(Requirement(line.removeprefix("Requires-Dist: "))) for line in metadata.splitlines()
                if line.startswith("Requires-Dist: ") and "extra ==" not in line}
    assert declared == {str(Requirement(r)) for r in project["dependencies"]}
    assert {line.split(",")[0] for line in record.splitlines()} == names


def test_the_wheel_installs_offline_into_a_fresh_venv(archive, tmp_path):
    """The requirement the image installs (hash and all), with pip, offline; the model imports from it
    (its dependencies borrowed from the current environment, which has the pinned versions)."""
    _, pip, files = archive
    wheel_name, wheel = _wheel(files)
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / wheel_name).write_bytes(wheel)
    requirement = pip[2].replace(assignments.GRADESCOPE_FILES, str(tmp_path / "files"))
    (tmp_path / "requirements.txt").write_text(requirement + "\n", encoding="utf-8")
    fresh = tmp_path / "venv"
    venv.create(fresh)  # without pip of its own: the current pip installs into it (--python)
    python = fresh / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                              "--disable-pip-version-check", "-q", "-r", str(tmp_path / "requirements.txt")],
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stderr
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    here = subprocess.run([sys.executable, "-c", "import numpy, os; print(os.path.dirname(os.path.dirname(numpy.__file__)))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "zz_borrowed_dependencies.pth").write_text(here + "\n", encoding="utf-8")  # after the venv's own
    probe = ("import gpu_finance as g; print(g.__file__); print(g.FACTS_AS_OF); "
             "print(round(g.annuity_payment(100.0, 0.1, 5), 6))")
    run = subprocess.run([str(python), "-I", "-c", probe], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    location, facts_as_of, payment = run.stdout.split()
    assert Path(location).is_relative_to(site), "gpu_finance is imported from the wheel, not from the repository"
    import gpu_finance

    assert facts_as_of == gpu_finance.FACTS_AS_OF
    assert float(payment) == round(gpu_finance.annuity_payment(100.0, 0.1, 5), 6)


def test_the_gradescope_run_gives_full_marks_to_the_solutions_and_zero_to_a_blank_notebook(built, tmp_path):
    autograded = {q.name: q.points for q in assignments.questions(assignments.read_notebook(MASTER)) if not q.manual}
    for who, notebook, expected in (("solutions", built.solutions, 1.0), ("blank", built.student, 0.0)):
        results = run_like_gradescope(built.autograder, notebook, tmp_path / who)
        scored = {t["name"]: (t["score"], t["max_score"]) for t in results["tests"] if "max_score" in t}
        assert scored == {name: (expected * points, points) for name, points in autograded.items()}, who
        for test in results["tests"]:  # Gradescope's format: a name, and visibility it knows
            assert test["name"] and test.get("visibility", "visible") in {"visible", "hidden", "after_due_date",
                                                                           "after_published"}
        if "score" in results:
            assert results["score"] == pytest.approx(expected * sum(autograded.values()))


def test_written_answers_become_a_pdf_offline(built, tmp_path):
    if not assignments._chromium():
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed (apt-get install -y chromium)")
        pytest.skip("Chromium is not installed (apt-get install -y chromium)")
    notebook = json.loads(built.student.read_text(encoding="utf-8"))
    written = [q for q in assignments.questions(assignments.read_notebook(MASTER)) if q.manual]
    answers = iter(f"My answer {i}: the ratio is $L/D$." for i in range(len(written)))
    for cell in notebook["cells"]:
        if cell["cell_type"] == "markdown" and "Type your answer here" in "".join(cell["source"]):
            cell["source"] = next(answers)
    submission = tmp_path / "A Student" / built.student.name
    submission.parent.mkdir()
    submission.write_text(json.dumps(notebook), encoding="utf-8")

    html = assignments.written_answers_html(submission)
    for i in range(len(written)):
        assert f"My answer {i}" in html
    assert "Question 1 " not in html and "Question 5 " not in html, "only the written questions"
    assert "cdnjs" not in html.split("Load mathjax")[1][:400], "MathJax is local"

    result = subprocess.run([sys.executable, str(ROOT / "tools" / "assignments.py"), "pdf", str(submission),
                             "-o", str(tmp_path / "pdfs")], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pdf = (tmp_path / "pdfs" / built.student.with_suffix(".pdf").name).read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) >= len(written), "a page per written question"
    assert f"Written answers: {built.student.stem}".encode() in pdf
