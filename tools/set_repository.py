"""Point the book at its published repository: one setting, used everywhere.

The repository's address lives in one place, ``repository.url`` in ``_config.yml``. From it,
Jupyter Book makes the launch buttons (Binder, Colab) and the repository link on every page. The
chapter notebooks also need it in their first (hidden) cell, which installs the model package where
it is missing (Colab). This tool writes the address into both, so they cannot disagree; a test
fails if they do.

Usage (or ``make set-repository URL=...``)::

    python tools/set_repository.py https://github.com/OWNER/REPO [--branch main]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "_config.yml"
CHAPTERS = ROOT / "chapters"
INSTALL_TAG = "install-if-missing"


def install_cell_source(url: str, branch: str) -> str:
    """The first code cell of every chapter: installs what the chapter needs only where it is missing.

    That is the light install of ``gpu_finance`` (the model and its charts, no website toolchain)
    and ``myst-nb``, whose ``glue`` the chapters use to hand numbers to the text."""
    return (
        "# Colab and other hosted notebooks: install the book's model package if it is missing,\n"
        "# with myst-nb (the chapter's glue() hands numbers to the text).\n"
        "# Where they are installed (your computer, Binder, the book's build) this does nothing.\n"
        "import importlib.util\n"
        "\n"
        f'BOOK_REPOSITORY = "{url}"\n'
        f'BOOK_BRANCH = "{branch}"\n'
        'if importlib.util.find_spec("gpu_finance") is None or importlib.util.find_spec("myst_nb") is None:\n'
        '    %pip install --quiet "gpu-finance @ git+{BOOK_REPOSITORY}@{BOOK_BRANCH}" myst-nb\n'
    )


def install_cell(url: str, branch: str) -> dict:
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": INSTALL_TAG,
        "metadata": {"tags": ["remove-cell", INSTALL_TAG]},
        "outputs": [],
        "source": install_cell_source(url, branch).splitlines(keepends=True),
    }


def read_repository() -> tuple[str, str]:
    """``(url, branch)`` from ``_config.yml``."""
    import yaml

    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    repository = config.get("repository") or {}
    return str(repository["url"]), str(repository.get("branch", "main"))


def write_config(url: str, branch: str) -> None:
    text = CONFIG.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^(repository:\n  url: ).*$", rf"\g<1>{url}", text)
    if count != 1:
        raise SystemExit("could not find 'repository:\\n  url:' in _config.yml")
    text = re.sub(r"(?m)^(  branch: ).*$", rf"\g<1>{branch}", text, count=1)
    CONFIG.write_text(text, encoding="utf-8")


def write_notebook(path: Path, url: str, branch: str) -> None:
    """Replace the notebook's install cell where it is, or put one right after the title cell."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    cells = notebook["cells"]
    found = [i for i, c in enumerate(cells) if INSTALL_TAG in c.get("metadata", {}).get("tags", [])]
    at = found[0] if found else 1
    cells[:] = [c for i, c in enumerate(cells) if i not in found]
    cells.insert(at, install_cell(url, branch))
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", help="e.g. https://github.com/OWNER/REPO (default: keep _config.yml's)")
    parser.add_argument("--branch", default=None, help="branch the launch buttons open (default: keep)")
    args = parser.parse_args(argv)
    current_url, current_branch = read_repository()
    url = (args.url or current_url).rstrip("/")
    branch = args.branch or current_branch
    if not re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", url):
        parser.error(f"url={url!r} is not a GitHub repository address like https://github.com/OWNER/REPO")
    write_config(url, branch)
    for path in sorted(CHAPTERS.glob("*.ipynb")):
        write_notebook(path, url, branch)
    print(f"repository set to {url} (branch {branch}) in _config.yml and {len(list(CHAPTERS.glob('*.ipynb')))} notebooks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
