"""A student's first session, in a real JupyterLab: open the prologue, run every cell, see the
charts drawn (offline: the renderer carries its own script) and drive the live panel.

Runs one notebook only: every chapter uses the same renderer and panel machinery, and each
notebook's code is already executed by nbval and by the book's build.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.website import ROOT, drive_the_deal_panel

pytestmark = pytest.mark.browser

NOTEBOOK = "chapters/00-the-deal.ipynb"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    pytest.importorskip("jupyterlab", reason="JupyterLab is in the [lab] extra (make test installs it)")
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter-home")
    # A copy of the notebook, so that JupyterLab's autosave can never write outputs into the repo.
    # Render every cell, not only those in view, so that the panel is in the page to drive.
    tracker = home / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    work = tmp_path_factory.mktemp("notebooks")
    (work / "chapters").mkdir()
    shutil.copy(ROOT / NOTEBOOK, work / NOTEBOOK)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"), "JUPYTER_DATA_DIR": str(home / "data"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces")}
    env.pop(  # the notebook must render as a student's kernel does, not as the book's build
        "GPU_FINANCE_SITE", None)
    command = [str(Path(sys.executable).with_name("jupyter")), "lab", "--no-browser", "--allow-root",
               f"--port={port}", "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={work}", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"JupyterLab did not start: {server.stderr.read().decode()[-2000:]}")
            time.sleep(0.5)
    else:
        server.kill()
        raise AssertionError("JupyterLab did not answer within 60 s")
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


def _accept_kernel_dialog(page) -> None:
    """JupyterLab sometimes asks which kernel to start; the notebook's own (Python 3) is right."""
    try:
        page.locator(".jp-Dialog button:has-text('Select')").click(timeout=5_000)
    except Exception:  # no dialog this time  # noqa: BLE001
        pass


def test_prologue_runs_in_jupyterlab_with_charts_and_a_working_live_panel(browser, jupyterlab):
    base, token = jupyterlab
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        page.goto(f"{base}/lab/tree/{NOTEBOOK}?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        _accept_kernel_dialog(page)
        page.click("div.lm-MenuBar-itemLabel:has-text('Run')")
        page.click("li.lm-Menu-item:has-text('Run All Cells')")
        # Every chart the notebook shows is drawn, with no network: the first carries the script.
        page.wait_for_function(
            """() => { const charts = [...document.querySelectorAll('.jp-Notebook .sbs-chart')];
                       return charts.length >= 6 && charts.every(c => c.querySelector('svg')); }""",
            timeout=60_000,
        )
        assert page.locator(".jp-Notebook .sbs-chart:has-text('could not be drawn')").count() == 0
        # The live panel: move the debt-share slider to zero and watch its chart's title change.
        drive_the_deal_panel(page)
        assert errors == [], f"errors in JupyterLab's console: {errors}"  # e.g. an extension that cannot load
    except Exception:
        page.screenshot(path=str(ROOT / "_build" / "jupyterlab-failure.png"))
        raise
    finally:
        page.close()
