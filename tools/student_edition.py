"""Build the student edition: the same book with every exercise's solution left out.

The normal edition shows worked solutions in dropdowns; for coursework, this edition removes them
(sphinx-exercise's ``hide_solutions``), drops the notebook download button, the page sources and
the Binder and Colab launch buttons (the notebooks they would give hold the solutions), and marks
the title. It reuses the normal
build's execution cache, so no notebook runs twice.

Usage (or ``make student``)::

    python tools/student_edition.py        # -> _build/student/_build/html
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "_build" / "student"
HTML = OUTPUT / "_build" / "html"


def student_config() -> dict:
    """The book's ``_config.yml`` with solutions, sources and the download button removed."""
    config = copy.deepcopy(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    config["title"] = f"{config['title']} (student edition)"
    config.setdefault("execute", {})["cache"] = str(ROOT / "_build" / ".jupyter_cache")
    # Jupyter Book finds local extensions relative to the configuration file, which is written
    # elsewhere: give it the book's own folders.
    extensions = config.setdefault("sphinx", {}).get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {name: str((ROOT / path).resolve()) for name, path in extensions.items()}
    sphinx = config["sphinx"].setdefault("config", {})
    sphinx["gpu_finance_edition"] = "student"  # drops the source and notebook download buttons
    sphinx["hide_solutions"] = True
    sphinx["html_copy_source"] = False
    return config


def build() -> Path:
    """Build the student edition with warnings as errors; return its HTML folder."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    config_path = OUTPUT / "_config.yml"
    config_path.write_text(yaml.safe_dump(student_config(), sort_keys=False), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
               "--config", str(config_path), "--path-output", str(OUTPUT),
               "--builder", "html", "-W", "-n", "--keep-going"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"the student edition did not build:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return HTML


if __name__ == "__main__":
    print(f"student edition in {build()}")
