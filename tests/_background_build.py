"""Build the book for one test run, in the background: ``python -m tests._background_build RUN_DIR PID``.

Started by ``tests/conftest.py`` (by one test process only, even when pytest-xdist runs several), it
runs the README's build command with its output in ``RUN_DIR/build.log`` and writes the exit code to
``RUN_DIR/build.status`` when done, which the ``built_site`` fixture of every test process waits for.
It stops the build if the test run (process ``PID``) ends first.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from tools.website import BUILD_COMMAND, ROOT


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process with that number
        return True
    return True


def main(run_dir: Path, pid: int) -> int:
    with (run_dir / "build.log").open("w", encoding="utf-8") as log:
        build = subprocess.Popen(BUILD_COMMAND, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        while build.poll() is None:
            if not _alive(pid):
                build.kill()
                build.wait()
                return 1
            time.sleep(0.5)
    partial = run_dir / "build.status.partial"
    partial.write_text(str(build.returncode), encoding="utf-8")
    partial.replace(run_dir / "build.status")  # appears whole, never half-written
    return build.returncode


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), int(sys.argv[2])))
