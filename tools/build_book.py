"""``make book``: the website in both languages, the English edition and the Traditional Chinese one.

The two editions build at the same time (each runs every notebook once, in its own language), with
warnings as errors; then the Chinese edition goes into the English site at ``_build/html/zh-TW``.
Either edition failing fails the build. ``SBS_ZH=0`` builds the English edition only.

Usage (or ``make book``)::

    python tools/build_book.py            # into _build
    python tools/build_book.py DIR        # into DIR/ instead (the benchmark's clean build)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools import zh_edition  # noqa: E402



def main(build_dir: Path = zh_edition.BUILD) -> int:
    english_command = [str(Path(sys.executable).with_name("jupyter-book")), "build", str(ROOT),
                       "--builder", "html", "-W", "-n", "--keep-going"]
    if build_dir != zh_edition.BUILD:
        english_command += ["--path-output", str(build_dir.parent)]
    chinese_command = [sys.executable, str(ROOT / "tools" / "zh_edition.py"), "build", str(build_dir)]
    english_only = os.environ.get("SBS_ZH") == "0"
    published = build_dir / "html" / zh_edition.SITE_FOLDER
    if english_only:  # its pages offer no switch: no Chinese edition left from an earlier build either
        shutil.rmtree(published, ignore_errors=True)
        return subprocess.run(english_command, cwd=ROOT).returncode
    chinese = subprocess.Popen(chinese_command, cwd=ROOT)
    try:
        english = subprocess.run(english_command, cwd=ROOT).returncode
        chinese_status = chinese.wait()
    finally:
        if chinese.poll() is None:  # interrupted: stop the other build too
            chinese.terminate()
            chinese.wait()
    if english != 0 or chinese_status != 0:
        print(f"the book did not build: English edition exit {english}, Chinese edition exit {chinese_status}",
              file=sys.stderr)
        return 1
    print(f"Traditional Chinese edition in {zh_edition.publish(build_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]).resolve() / "_build" if len(sys.argv) > 1 else zh_edition.BUILD))
