"""The Traditional Chinese (Taiwan) edition: the same notebooks and pages, translated with gettext.

One source of truth, the English notebooks and pages. Sphinx extracts every paragraph, heading and
table cell into message catalogs; ``book/locales/zh_TW/LC_MESSAGES/<page>.po`` holds each page's
translations (as the Python documentation's translations are kept); a second build with
``language: zh_TW`` reads them. The notebooks run again in that build, with
``GPU_FINANCE_LANGUAGE=zh_TW``, so the model's charts, tables and numbers come out in Chinese too
(the package's own catalog, ``src/gpu_finance/locale``). The edition is published beside the
English one, in ``_build/html/zh-TW/``.

Usage::

    python tools/zh_edition.py update   # after changing English text: refresh the catalogs
    python tools/zh_edition.py stat     # untranslated and fuzzy entries, per catalog
    python tools/zh_edition.py build    # -> _build/zh-TW/_build/html (make book copies it to _build/html/zh-TW)

A changed English paragraph becomes a "fuzzy" entry after ``update``; the build shows it in English
until it is translated again, and the tests fail until then (0 untranslated, 0 fuzzy).
"""

from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
LANGUAGE = "zh_TW"
#: The edition's folder in the published site, and its ``lang``.
SITE_FOLDER = "zh-TW"
LOCALES = ROOT / "book" / "locales"
CATALOGS = LOCALES / LANGUAGE / "LC_MESSAGES"
GETTEXT_OUTPUT = ROOT / "_build" / "gettext-build"
TEMPLATES = GETTEXT_OUTPUT / "_build" / "gettext"
#: The book's build folder (``make book``); the benchmark builds into another.
BUILD = ROOT / "_build"
#: The edition's own execution cache: the cache keys on code only, and the code is the same in
#: both editions, but the outputs (chart titles, numbers) are not.
CACHE_NAME = f".jupyter_cache_{LANGUAGE}"
#: The package's catalog, which writes the charts' and tables' Chinese.
PACKAGE_CATALOG = ROOT / "src" / "gpu_finance" / "locale" / LANGUAGE / "LC_MESSAGES" / "gpu_finance.po"


def cache_dir(build_dir: Path = BUILD) -> Path:
    """The execution cache for the package's catalog as it is now: a changed translation of a chart's
    title runs the notebooks again (a new cache folder changes the configuration, so every page is
    read again). Older ones are removed."""
    import hashlib

    digest = hashlib.sha256(PACKAGE_CATALOG.read_bytes()).hexdigest()[:12]
    current = build_dir / f"{CACHE_NAME}_{digest}"
    for old in build_dir.glob(f"{CACHE_NAME}*"):
        if old != current and old.is_dir():
            shutil.rmtree(old)
    return current
from gpu_finance.i18n import LANGUAGE_ENV_VAR  # noqa: E402  (tells the package which language to write)


def _book_config() -> dict:
    config = copy.deepcopy(yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8")))
    # Jupyter Book finds local extensions relative to the configuration file, which is written
    # elsewhere: give it the book's own folders.
    extensions = config.setdefault("sphinx", {}).get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {name: str((ROOT / path).resolve()) for name, path in extensions.items()}
    config["sphinx"].setdefault("config", {})
    return config


def gettext_config() -> dict:
    """The book's configuration for extracting its text: no notebook runs, one catalog per page, no
    build-specific ids."""
    config = _book_config()
    # Nothing runs: what the notebooks print is not translated here (book/_ext/sbs_i18n.py), and the
    # text around a glued number is the same without it. So extraction takes seconds, and never
    # shares an execution cache with a build running at the same time.
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    sphinx = config["sphinx"]["config"]
    sphinx["gettext_compact"] = False
    sphinx["gettext_uuid"] = False
    sphinx["gettext_location"] = True  # to leave out the API's docstrings (see _without_docstrings)
    sphinx["gettext_last_translator"] = "The Shadow Balance Sheets authors"
    sphinx["gettext_language_team"] = "Traditional Chinese (Taiwan)"
    return config


def _catalog(name: str) -> dict[str, str]:
    """The translations of ``book/locales/zh_TW/LC_MESSAGES/<name>.po``, by English text."""
    from babel.messages.pofile import read_po

    with (CATALOGS / f"{name}.po").open("rb") as handle:
        return {message.id: message.string for message in read_po(handle)
                if message.id and message.string and not message.fuzzy}


def toc_captions() -> list[str]:
    """The sidebar's part captions in ``_toc.yml``, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [part["caption"] for part in toc.get("parts", []) if "caption" in part]


def edition_toc() -> dict:
    """``_toc.yml`` with its part captions translated (Sphinx reads the table of contents before
    it loads the catalogs, so they cannot be translated as the pages are). A caption without a
    translation stops the build."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    translations = _catalog("toc")
    missing = [caption for caption in toc_captions() if caption not in translations]
    if missing:
        raise SystemExit(f"captions without a translation in {CATALOGS / 'toc.po'}: {missing}")
    for part in toc.get("parts", []):
        if "caption" in part:
            part["caption"] = translations[part["caption"]]
    return toc


def edition_config(build_dir: Path = BUILD) -> dict:
    """The book's configuration for the zh_TW edition."""
    config = _book_config()
    config["title"] = "影子資產負債表"
    config["author"] = "《影子資產負債表》作者群"
    config.setdefault("execute", {})["cache"] = str(cache_dir(build_dir))
    sphinx = config["sphinx"]["config"]
    sphinx["language"] = LANGUAGE
    sphinx["locale_dirs"] = [str(LOCALES)]
    sphinx["gettext_compact"] = False
    # The page sources would be the English notebooks: not copied, and their buttons go (sbs_i18n).
    sphinx["html_copy_source"] = False
    return config


def _jupyter_book(config: dict, output: Path, builder: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    output.mkdir(parents=True, exist_ok=True)
    config_path = output / "_config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
               "--config", str(config_path), "--path-output", str(output), *builder]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)


def extract() -> Path:
    """Write the English text's message templates (``.pot``, one per page, and ``toc.pot`` for the
    sidebar's captions); return their folder. Read afresh every time (a few seconds: nothing runs)."""
    shutil.rmtree(GETTEXT_OUTPUT, ignore_errors=True)
    result = _jupyter_book(gettext_config(), GETTEXT_OUTPUT, ["--builder", "custom", "--custom-builder", "gettext"])
    if result.returncode != 0:
        raise SystemExit(f"the text could not be extracted:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    for template in TEMPLATES.rglob("*.pot"):
        _without_docstrings(template)
    _write_toc_template(TEMPLATES / "toc.pot")
    return TEMPLATES


#: A message's position in a page (``book/api/loan.md``), as opposed to a docstring's
#: (``src/gpu_finance/loan.py:docstring of ...``) or an autosummary table's (``loan.md:24:<autosummary>``).
_PAGE_POSITION = re.compile(r"\.(?:md|ipynb)$")


def _without_docstrings(template: Path) -> None:
    """Drop the messages that come from the package's docstrings (the API pages): docstrings are
    the code's own documentation and stay in English, like the code. Drop the source positions too,
    so a catalog changes only when its text does."""
    from babel.messages.pofile import read_po, write_po

    with template.open("rb") as handle:
        catalog = read_po(handle)
    for message in list(catalog):
        if not message.id:
            continue
        if message.locations and not any(_PAGE_POSITION.search(path) for path, _ in message.locations):
            del catalog[message.id]
        else:
            message.locations = []
    with template.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)


def _write_toc_template(template: Path) -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    catalog = Catalog(project="Shadow Balance Sheets")
    for caption in toc_captions():
        catalog.add(caption)
    with template.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)


def update() -> None:
    """Extract the English text and merge it into the zh_TW catalogs (new entries empty, changed
    ones fuzzy), with sphinx-intl."""
    templates = extract()
    command = [str(Path(sys.executable).with_name("sphinx-intl")), "update", "--pot-dir", str(templates),
               "--locale-dir", str(LOCALES), "--language", LANGUAGE, "--line-width", "-1"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit(f"sphinx-intl could not update the catalogs:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")


def untranslated() -> dict[str, tuple[int, int]]:
    """Untranslated and fuzzy entries per catalog with any (the edition is published with none)."""
    from babel.messages.pofile import read_po

    left = {}
    for path in sorted(CATALOGS.rglob("*.po")):
        with path.open("rb") as handle:
            entries = [message for message in read_po(handle) if message.id]
        counts = (sum(1 for m in entries if not m.string), sum(1 for m in entries if m.fuzzy))
        if any(counts):
            left[str(path.relative_to(CATALOGS))] = counts
    return left


def compile_catalogs() -> list[Path]:
    """Compile every catalog whose ``.mo`` is missing or differs from its ``.po``; return those.

    Sphinx compiles a catalog only when the ``.po`` is newer than the ``.mo``, so a ``.mo`` that a
    copy or a checkout left newer than a changed ``.po`` would be read stale: the content decides
    here, and an unchanged catalog keeps its file (its pages are not read again)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(LOCALES.rglob("*.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle, LANGUAGE)
        compiled = io.BytesIO()
        write_mo(compiled, catalog, use_fuzzy=False)
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.read_bytes() != compiled.getvalue():
            mo.write_bytes(compiled.getvalue())
            written.append(mo)
    return written


def build(build_dir: Path = BUILD) -> Path:
    """Build the zh_TW edition with warnings as errors, in ``build_dir/zh-TW``; return its HTML folder.
    The log is kept beside it (``build.log``)."""
    output = build_dir / SITE_FOLDER
    # The theme's and the exercises' words are in every page, and Sphinx does not track them: a
    # change to them writes every page again.
    everything = ["--all"] if {mo.stem for mo in compile_catalogs()} & {"sphinx", "exercise"} else []
    # The live edition runs the English notebooks: it is left out of this edition.
    env = {**os.environ, LANGUAGE_ENV_VAR: LANGUAGE, "SBS_LITE": "0"}
    output.mkdir(parents=True, exist_ok=True)
    toc_path = output / "_toc.yml"
    toc_path.write_text(yaml.safe_dump(edition_toc(), sort_keys=False, allow_unicode=True), encoding="utf-8")
    result = _jupyter_book(edition_config(build_dir), output,
                           ["--toc", str(toc_path), "--builder", "html", "-W", "-n", "--keep-going", *everything],
                           env=env)
    (output / "build.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise SystemExit(f"the zh_TW edition did not build:\n{result.stdout[-6000:]}\n{result.stderr[-4000:]}")
    return output / "_build" / "html"


def publish(build_dir: Path = BUILD) -> Path:
    """Put the built edition into the English site, ``_build/html/zh-TW`` (replacing an older one)."""
    target = build_dir / "html" / SITE_FOLDER
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(build_dir / SITE_FOLDER / "_build" / "html", target)
    return target


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "build"
    if action == "update":
        update()
    elif action == "extract":
        print(extract())
    elif action == "stat":
        left = untranslated()
        for name, (empty, fuzzy) in left.items():
            print(f"{name}: {empty} untranslated, {fuzzy} fuzzy")
        print("every entry translated" if not left else f"{len(left)} catalogs to finish")
        sys.exit(1 if left else 0)
    elif action == "build":
        folder = Path(sys.argv[2]) if len(sys.argv) > 2 else BUILD
        print(f"zh_TW edition in {build(folder)}")
    else:
        raise SystemExit(f"unknown action {action!r}: use update, stat, extract or build")
