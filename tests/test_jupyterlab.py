"""The chapters in a real JupyterLab: cells run, explorer changes reach the kernel, keys work.

The server.  `jupyter-lab` from the virtual environment, started on 127.0.0.1 at a free port with
a random token and temporary Jupyter config, data, runtime, IPython and home folders (nothing from
the user's home leaks in; the "news" announcement is off in the temporary page_config.json; the
extension manager is read-only, so the server does not ask PyPI).  Its root folder holds a copy of
the chapters under test and nothing else, so the repository's notebooks are never written (nor
autosaved); the kernels import this checkout's lib (`lib/` first on PYTHONPATH).  It is stopped by
its PID (terminate, kill after 20 s, then its process group, i.e. its kernels) when the module's
tests end, pass or fail.

Each notebook (the explorers' tour; chapter 6, three explorers; chapter 9, an explorer and the
in-page trainer) is opened in headless Chromium (Debian's, through Playwright;
every request not to this server is aborted and recorded, and so is a websocket elsewhere) at
/lab/workspaces/<nb>/tree/chapters/<nb>.ipynb — a workspace of its own, or JupyterLab would
reopen the previous test's notebook.  Once the kernel is idle the test runs Run → Run All Cells
from the menu bar, as a reader does, and waits until the kernel is idle and every code cell has
an execution count.  It asserts:

* no cell output is an error, nor a stderr stream with a traceback; every explorer rendered;
* the kernel sent no error and no stderr outside a cell: the page listens to the kernel's iopub
  channel from the start.  That is where a dropped front-end change shows: ipywidgets'
  `_handle_msg` raises, the comm package's "Comm" logger writes the traceback to the kernel's
  sys.stderr, and ipykernel sends it as a stderr stream whose parent is the comm message (JupyterLab
  files it in its log console, out of sight).  The old `Explorer.set_state` bug did that for every
  slider step ("ValueError: a state string starts with 'bp1.'").  The server's own stderr must not
  mention Traceback, Error or Exception either;
* no console error in the browser, no request but to 127.0.0.1.

Then it moves controls and reads the new values back FROM THE KERNEL: it selects the last cell,
presses Escape, B, Enter, types a `print(json.dumps(...))` of the explorer's `selected`,
`W[k][i][j]`, `g` and `readouts()`, presses Shift+Enter and parses the cell's output.  The weight
and the loss, and every other number the explorer shows (its data-bpx / data-value attributes),
must equal the kernel's to 1e-9 relative (the check's relative error, rounding noise, excepted):

* keyboard: focus the weight slider, ArrowRight ×4.  The weight must increase and the notebook's
  active cell stay put (in command mode JupyterLab binds ArrowRight to "next heading", and took
  the key before the fix in explorer_view.js); Tab must move the focus to the explorer's next
  control; "A" on the slider must not insert a cell, nor Ctrl+A in the state field select every
  cell.  ArrowDown on the weight menu picks another weight, not another cell;
* mouse: a click at three quarters of the weight slider (≈ 2 on [-4, 4]), and another activation
  picked from the "hidden g" menu (Playwright's select_option, what a mouse pick fires);
* chapter 9's trainer: ArrowLeft ×2 on its η slider (the notebook's active cell stays put), then
  "one epoch": the kernel's `boundary.eta` equals the slider's readout, and the lib's loss after
  one epoch with the kernel's settings equals the page's to 1e-9 relative.

The kernel is shut down after each notebook.  Marker `jupyterlab` (`make lab`, part of
`make test`); about a minute on two cores.  Outside CI a missing Chromium or Playwright skips it
with the reason; under CI=true it fails.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bookpage import chromium_path

pytestmark = pytest.mark.jupyterlab

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
TOL = 1e-9  # relative (absolute below 1); the page keeps full precision in data-value
IN_CI = os.environ.get("CI") == "true"
SERVER_START_S = 90
RUN_ALL_MS = 120_000

# ipywidgets' start-up probe for widgets the kernel already has, refused by a kernel that has not
# imported ipywidgets yet (see listen_to_iopub), and the replies to that probe's later messages.
CONTROL_PROBE_MISSED = "No such comm target registered: jupyter.widget.control"
NO_SUCH_COMM = re.compile(r"No such comm: ([0-9a-f-]+)")

# Lines of the server's (and so the kernels') stderr that report a failure.
STDERR_PROBLEM = re.compile(r"Traceback|Error|Exception|\[E ")


def _skip_or_fail(msg: str):
    if IN_CI:
        pytest.fail(msg)
    pytest.skip(msg)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ the server


@dataclass
class LabServer:
    url: str
    token: str
    proc: subprocess.Popen
    root: Path
    stderr_path: Path

    def stderr(self, start: int = 0) -> str:
        return self.stderr_path.read_bytes()[start:].decode("utf-8", "replace")

    def stderr_size(self) -> int:
        return self.stderr_path.stat().st_size

    def api(self, method: str, path: str) -> object:
        req = urllib.request.Request(
            f"{self.url}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None


def _jupyter_lab() -> str:
    exe = Path(sys.executable).with_name("jupyter-lab")
    return str(exe) if exe.is_file() else (shutil.which("jupyter-lab") or "jupyter-lab")


def _stop(proc: subprocess.Popen) -> None:
    """Terminate the server by its PID, kill it after a timeout, then any kernel it left behind."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    try:  # the server ran in its own session: its group holds only it and its kernels
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    (root / "chapters").mkdir(parents=True)
    for name in NOTEBOOKS:
        shutil.copy2(CHAPTERS / f"{name}.ipynb", root / "chapters")
    dirs = {d: base / d for d in ("config", "data", "runtime", "ipython", "home")}
    for d in dirs.values():
        d.mkdir()
    (dirs["config"] / "labconfig").mkdir()
    (dirs["config"] / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    env = dict(os.environ)
    env.update(
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        IPYTHONDIR=str(dirs["ipython"]),
        HOME=str(dirs["home"]),
        PYTHONPATH=os.pathsep.join([str(ROOT / "lib"), *filter(None, [os.environ.get("PYTHONPATH")])]),
        JUPYTER_PLATFORM_DIRS="1",
    )
    env.pop("JUPYTER_CONFIG_PATH", None)
    env.pop("JUPYTER_PATH", None)
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [
        _jupyter_lab(),
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LabApp.extension_manager=readonly",  # the default one asks PyPI
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: read cells' state, not pixels
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # CI containers run as root
    stdout_path, stderr_path = base / "server.out", base / "server.err"
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=out, stderr=err, start_new_session=True)
    server = LabServer(f"http://127.0.0.1:{port}", token, proc, root, stderr_path)
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter-lab exited with {proc.returncode}:\n{server.stderr()[-3000:]}")
            try:
                server.api("GET", "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"jupyter-lab did not answer in {SERVER_START_S} s:\n{server.stderr()[-3000:]}"
                    )
                time.sleep(0.3)
        yield server
    finally:
        _stop(proc)


@pytest.fixture(scope="module")
def lab_browser(request):
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _skip_or_fail("Playwright is not installed (pip install -r requirements-dev.txt)")
    if chromium_path() is None:
        _skip_or_fail("Chromium not found: `make chromium` installs it (apt-get install chromium)")
    return request.getfixturevalue("browser")  # tests/bookpage.py's session-wide Chromium


# ------------------------------------------------------------------ one notebook in the browser

# JupyterLab's own objects, exposed by --LabApp.expose_app_in_browser.
_NOTEBOOK_JS = "() => window.jupyterapp.shell.currentWidget"
_CELLS_JS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return {
    status: kernel ? kernel.status : null,
    active: panel.content.activeCellIndex,
    cells: panel.content.widgets.map((cell) => {
      const m = cell.model;
      return {
        type: m.type,
        count: m.type === "code" ? m.executionCount : null,
        outputs: m.type === "code" ? m.outputs.toJSON() : [],
        source: m.sharedModel.getSource(),
      };
    }),
  };
}"""


@dataclass
class LabNotebook:
    server: LabServer
    name: str
    page: object  # playwright.sync_api.Page
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    stderr_start: int = 0

    def state(self) -> dict:
        return self.page.evaluate(_CELLS_JS)

    def wait_idle_kernel(self, timeout_ms: float = 60_000) -> None:
        self.page.wait_for_function(
            """() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                       const s = p && p.sessionContext && p.sessionContext.session;
                       return !!(s && s.kernel && s.kernel.status === 'idle'); }""",
            timeout=timeout_ms,
        )

    def run_all(self) -> float:
        """Run → Run All Cells from the menu bar; wait until every code cell ran (or one failed)."""
        t0 = time.monotonic()
        self.page.get_by_role("menuitem", name="Run", exact=True).click()
        self.page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
        self.page.wait_for_function(
            """() => {
              const panel = window.jupyterapp.shell.currentWidget;
              const kernel = panel.sessionContext.session.kernel;
              const code = panel.content.widgets.filter((c) => c.model.type === 'code');
              const done = code.every((c) => c.model.executionCount !== null);
              const failed = code.some(
                (c) => c.model.outputs.toJSON().some((o) => o.output_type === 'error'));
              const queued = panel.content.node.querySelector('.jp-InputPrompt') &&
                [...panel.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                  .some((p) => p.textContent.includes('*'));
              return kernel.status === 'idle' && !queued && (done || failed);
            }""",
            timeout=RUN_ALL_MS,
            polling=250,
        )
        return time.monotonic() - t0

    def problems_after_run(self) -> list[str]:
        problems = []
        for n, cell in enumerate(self.state()["cells"]):
            if cell["type"] != "code":
                continue
            where = f"{self.name} cell {n} ({cell['source'][:60]!r})"
            if cell["count"] is None:
                problems.append(f"{where} did not run")
            for out in cell["outputs"]:
                if out["output_type"] == "error":
                    problems.append(f"{where}: {out['ename']}: {out['evalue']}")
                elif out.get("name") == "stderr" and "Traceback" in "".join(out.get("text", "")):
                    problems.append(f"{where}: traceback on stderr: {''.join(out['text'])[-500:]}")
        return problems

    def listen_to_iopub(self) -> None:
        """Record the kernel's error messages and stderr streams, whichever request caused them.

        An exception in a comm handler (ipywidgets' `_handle_msg`, i.e. a front-end change that
        Python refused) is logged by the comm package's "Comm" logger; in a kernel that logger
        writes to sys.stderr, which ipykernel forwards on iopub as a stderr stream whose parent
        is the comm message, not a cell: JupyterLab puts it in its log console, nowhere in sight.
        """
        self.page.evaluate(
            """() => {
              const kernel = window.jupyterapp.shell.currentWidget.sessionContext.session.kernel;
              window.__bpKernelErrors = [];
              // ipywidgets' manager opens a comm to "jupyter.widget.control" when it meets a
              // kernel, to restore widgets the kernel already has.  In a kernel that has not yet
              // imported ipywidgets that probe finds no target and the manager goes on without it:
              // a benign start-up race, told apart by the probe's comm id (recorded here).
              window.__bpControlProbes = [];
              kernel.anyMessage.connect((_, { msg, direction }) => {
                if (direction === "send" && msg.header.msg_type === "comm_open"
                    && msg.content.target_name === "jupyter.widget.control") {
                  window.__bpControlProbes.push(msg.content.comm_id);
                }
              });
              kernel.iopubMessage.connect((_, msg) => {
                const type = msg.header.msg_type;
                const parent = (msg.parent_header && msg.parent_header.msg_type) || "?";
                if (type === "error") {
                  const text = `${msg.content.ename}: ${msg.content.evalue}`;
                  window.__bpKernelErrors.push({ parent, text });
                } else if (type === "stream" && msg.content.name === "stderr") {
                  window.__bpKernelErrors.push({ parent, text: msg.content.text });
                }
              });
            }"""
        )

    def kernel_problems(self) -> list[str]:
        """Errors and tracebacks the kernel sent, and any stderr caused by a widget (comm) message."""
        found = self.page.evaluate("() => window.__bpKernelErrors")
        probes = set(self.page.evaluate("() => window.__bpControlProbes"))
        probe_failed = any(e["text"].strip() == CONTROL_PROBE_MISSED for e in found)

        def benign(text: str) -> bool:
            # The probe's comm, and its later messages, meet no target.  Its id is known when the
            # probe was sent after the listener started; when it was sent before, the probe's own
            # failure above says which race this was (a lost explorer comm would still fail the
            # test: every move is read back from the kernel).
            m = NO_SUCH_COMM.fullmatch(text.strip())
            return text.strip() == CONTROL_PROBE_MISSED or bool(
                m and (m[1] in probes or (probe_failed and not probes))
            )

        return [
            f"kernel {e['parent']}: {e['text'][-1500:]}"
            for e in found
            if e["parent"] != "execute_request" or STDERR_PROBLEM.search(e["text"])
            if not benign(e["text"])
        ]

    def server_stderr_problems(self) -> list[str]:
        return [
            line for line in self.server.stderr(self.stderr_start).splitlines() if STDERR_PROBLEM.search(line)
        ]

    def kernel(self, code: str) -> dict:
        """Run `code` (which prints one JSON line) in a new cell at the end, as a reader would:
        select the last cell, Escape, B (insert below), Enter, type, Shift+Enter.  Returns the JSON."""
        before = self.state()
        n = len(before["cells"])
        last = self.page.locator(".jp-Notebook .jp-Cell").nth(n - 1)
        last.scroll_into_view_if_needed()
        last.locator(".jp-InputPrompt").first.click()  # selects the cell without editing it
        self.page.keyboard.press("Escape")
        self.page.keyboard.press("b")
        self.page.wait_for_function(f"() => ({_NOTEBOOK_JS})().content.widgets.length === {n + 1}")
        after = self.state()
        n = after["active"]  # the new cell
        assert after["cells"][n]["type"] == "code" and after["cells"][n]["source"] == "", (
            f"{self.name}: 'B' did not insert an empty code cell: {after['cells'][n]}"
        )
        self.page.keyboard.press("Enter")  # edit mode in the new cell
        self.page.wait_for_function(
            """() => document.activeElement &&
                     document.activeElement.closest('.jp-Cell.jp-mod-active .cm-content')"""
        )
        self.page.keyboard.insert_text(code)
        self.page.keyboard.press("Shift+Enter")
        self.page.wait_for_function(
            f"""() => {{ const p = ({_NOTEBOOK_JS})(); const c = p.content.widgets[{n}].model;
                       return c.executionCount !== null &&
                              p.sessionContext.session.kernel.status === 'idle'; }}""",
            timeout=30_000,
        )
        outputs = self.state()["cells"][n]["outputs"]
        errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o["output_type"] == "error"]
        assert not errors, f"{self.name}: the read-back cell failed: {errors}"
        text = "".join("".join(o.get("text", "")) for o in outputs if o.get("name") == "stdout")
        return json.loads(text.strip().splitlines()[-1])

    def close(self) -> None:
        self.page.context.close()
        try:
            for s in self.server.api("GET", "/api/sessions"):
                self.server.api("DELETE", f"/api/sessions/{s['id']}")
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass


@pytest.fixture
def open_notebook(lab_server, lab_browser):
    opened = []

    def _open(name: str) -> LabNotebook:
        context = lab_browser.new_context(viewport={"width": 1400, "height": 1000}, service_workers="block")
        page = context.new_page()
        nb = LabNotebook(lab_server, name, page, stderr_start=lab_server.stderr_size())
        opened.append(nb)
        local = (lab_server.url + "/", "data:", "blob:", "about:")

        def route(r):
            if r.request.url.startswith(local):
                r.continue_()
            else:
                nb.foreign_requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        page.on(
            "websocket", lambda ws: ws.url.startswith("ws://127.0.0.1:") or nb.foreign_requests.append(ws.url)
        )
        page.on("console", lambda m: m.type == "error" and nb.console_errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: nb.console_errors.append(f"uncaught: {e}"))
        # A workspace of its own: the server keeps the layout of the default workspace, which
        # would reopen the notebooks of the previous tests (with new kernels) next to this one.
        page.goto(
            f"{lab_server.url}/lab/workspaces/{name}/tree/chapters/{name}.ipynb?token={lab_server.token}"
        )
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        assert page.locator(".jp-NotebookPanel").count() == 1, "another notebook opened with this one"
        nb.wait_idle_kernel()
        nb.listen_to_iopub()
        return nb

    yield _open
    for nb in opened:
        nb.close()


# ------------------------------------------------------------------ reading and moving explorers

READ_EXPLORER_JS = """async (root) => {
  for (const fig of root.querySelectorAll(".bpx-panel[data-stale]")) {
    fig.scrollIntoView();
    for (let n = 0; n < 100 && fig.hasAttribute("data-stale"); n++) {
      await new Promise((r) => requestAnimationFrame(r));
    }
  }
  const values = {};
  for (const e of root.querySelectorAll("[data-bpx]")) {
    values[e.getAttribute("data-bpx")] = Number(e.getAttribute("data-value"));
  }
  const menu = root.querySelector('select[data-bpx-control="weight-select"]');
  return { values, selected: menu.value.split(",").map(Number) };
}"""


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def page_numbers(root) -> dict:
    return root.evaluate(READ_EXPLORER_JS)


def kernel_view(nb: LabNotebook, var: str) -> dict:
    """The explorer `var` as the kernel sees it: its selected weight, the weight's value, readouts."""
    return nb.kernel(
        "import json\n"
        f"_k, _i, _j = {var}.selected\n"
        f'print(json.dumps({{"selected": list({var}.selected), "w": {var}.W[_k][_i][_j], '
        f'"g": {var}.g, "readouts": {var}.readouts()}}))'
    )


def assert_kernel_equals_page(nb: LabNotebook, var: str, root, what: str) -> dict:
    shown = page_numbers(root)
    seen = kernel_view(nb, var)
    where = f"{nb.name}, {var}, {what}"
    assert seen["selected"] == shown["selected"], (
        f"{where}: the kernel has selected={seen['selected']}, the page {shown['selected']}"
    )
    k, i, j = shown["selected"]
    w_page = shown["values"][f"W:{k}:{i}:{j}"]
    assert _close(seen["w"], w_page), f"{where}: kernel {var}.W[{k}][{i}][{j}] = {seen['w']}, page {w_page}"
    assert _close(seen["readouts"]["loss"], shown["values"]["loss"]), (
        f"{where}: kernel loss {seen['readouts']['loss']}, page {shown['values']['loss']}"
    )
    # And every other number the explorer shows (its panels off screen caught up first).
    compared = 0
    for key, value in shown["values"].items():
        if key.startswith("check.rel"):
            continue  # a ratio of rounding noise (see test_browser_explorers.NOISY)
        assert key in seen["readouts"], f"{where}: the page shows {key!r}, unknown to readouts()"
        assert _close(seen["readouts"][key], value), (
            f"{where}: {key} kernel {seen['readouts'][key]}, page {value}"
        )
        compared += 1
    assert compared >= 5, f"{where}: only {compared} numbers compared"
    return seen


def focus_in(root) -> str:
    """The focused control of the explorer `root` ("" if the focus is outside it)."""
    return root.evaluate(
        """(root) => { const e = document.activeElement;
                       if (!e || !root.contains(e)) return "";
                       return e.getAttribute("data-bpx-control") || e.tagName.toLowerCase(); }"""
    )


def explorer_root(nb: LabNotebook, var: str):
    """The explorer displayed by the cell that assigns `var` (`var = ...` then `var` on its own)."""
    cells = nb.state()["cells"]
    index = [n for n, c in enumerate(cells) if re.search(rf"^{var}\s*=", c["source"], re.M)]
    assert len(index) == 1, f"{nb.name}: no single cell defines {var}"
    return nb.page.locator(".jp-Notebook .jp-Cell").nth(index[0]).locator(".bpx")


def drive_explorer(nb: LabNotebook, var: str) -> None:
    """Keyboard, then mouse, on the explorer bound to `var`; the kernel must follow each move."""
    page = nb.page
    root = explorer_root(nb, var)
    assert root.count() == 1, f"{nb.name}: the cell of {var} shows {root.count()} explorers"
    root.scroll_into_view_if_needed()
    before = assert_kernel_equals_page(nb, var, root, "after Run All")

    # 1. Keyboard: ArrowRight ×4 on the weight slider moves the weight, not the notebook.
    slider = root.locator('input[data-bpx-control="weight"]')
    slider.focus()
    active = nb.state()["active"]
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    page.wait_for_timeout(200)
    assert nb.state()["active"] == active, (
        f"{nb.name}, {var}: ArrowRight on the weight slider moved the notebook's active cell "
        f"from {active} to {nb.state()['active']} (JupyterLab took the key)"
    )
    shown = page_numbers(root)
    k, i, j = shown["selected"]
    assert shown["values"][f"W:{k}:{i}:{j}"] > before["w"] + 0.02, (
        f"{nb.name}, {var}: ArrowRight ×4 did not move the weight slider "
        f"({before['w']} → {shown['values'][f'W:{k}:{i}:{j}']})"
    )
    # Tab still moves the focus on (to the next control), and leaves the active cell alone.
    slider.focus()
    assert focus_in(root) == "weight"
    page.keyboard.press("Tab")
    after_tab = focus_in(root)
    assert after_tab not in ("", "weight"), (
        f"{nb.name}, {var}: Tab on the weight slider should focus the explorer's next control, "
        f"not {after_tab or 'something outside the explorer'}"
    )
    assert nb.state()["active"] == active, f"{nb.name}, {var}: Tab moved the notebook's active cell"
    # Command-mode letters do nothing to the notebook from a control ("A" inserts a cell above),
    # and Ctrl+A in the state field selects its text, not every cell.
    n_cells = len(nb.state()["cells"])
    slider.focus()
    page.keyboard.press("a")
    state_field = root.locator(".bpx-state-text")
    state_field.focus()  # which selects the text: collapse the selection, then Ctrl+A
    state_field.evaluate("(e) => e.setSelectionRange(0, 0)")
    page.keyboard.press("Control+a")
    assert len(nb.state()["cells"]) == n_cells, f"{nb.name}, {var}: 'A' on the slider inserted a cell"
    selected = state_field.evaluate("(e) => e.selectionEnd - e.selectionStart === e.value.length")
    marked = page.locator(".jp-Notebook .jp-Cell.jp-mod-selected").count()
    assert selected and marked <= 1, (
        f"{nb.name}, {var}: Ctrl+A in the state field selected {marked} cells, not its text"
    )
    moved = assert_kernel_equals_page(nb, var, root, "after ArrowRight ×4 on the weight slider")
    assert moved["w"] > before["w"], f"{nb.name}, {var}: the kernel's weight did not increase"

    # 2. Keyboard on a menu: ArrowDown on the weight menu picks the next weight.
    menu = root.locator('select[data-bpx-control="weight-select"]')
    options = [o.get_attribute("value") for o in menu.locator("option").all()]
    menu.focus()
    active = nb.state()["active"]
    start = menu.input_value()
    page.keyboard.press("ArrowDown" if start != options[-1] else "ArrowUp")
    page.wait_for_timeout(200)
    assert nb.state()["active"] == active, (
        f"{nb.name}, {var}: ArrowDown on the weight menu moved the notebook"
    )
    assert menu.input_value() != start, (
        f"{nb.name}, {var}: ArrowDown on the weight menu did not pick a weight"
    )
    assert_kernel_equals_page(nb, var, root, "after ArrowDown on the weight menu")

    # 3. Mouse: a click at three quarters of the slider's width, and a pick from the g menu.
    # Playwright's click scrolls the slider into view and waits until it is what the mouse hits.
    box = slider.bounding_box()
    slider.click(position={"x": 0.75 * box["width"], "y": box["height"] / 2})
    g_menu = root.locator("select").filter(has=page.locator('option[value="tanh"]')).first
    g_new = "tanh" if g_menu.input_value() != "tanh" else "relu"
    g_menu.select_option(g_new)
    clicked = assert_kernel_equals_page(nb, var, root, "after a click on the slider and g = " + g_new)
    assert clicked["g"] == g_new, f"{nb.name}, {var}: the kernel has g = {clicked['g']}, the page {g_new}"
    assert clicked["w"] > 0.5, (
        f"{nb.name}, {var}: a click at 3/4 of [-4, 4] should give ≈ 2, got {clicked['w']}"
    )


@contextmanager
def kernel_log_on_failure(nb: LabNotebook):
    """On a failed assertion, add what the kernels logged (ipywidgets' dropped messages) to it."""
    try:
        yield
    except AssertionError as err:
        logged = nb.kernel_problems() + nb.server_stderr_problems()
        if not logged:
            raise
        raise AssertionError(
            f"{err}\nwhat the kernel reported (ipywidgets drops a change its handler refused):\n  "
            + "\n  ".join(logged[:6])
        ) from err


def run_notebook(open_notebook, name: str, n_explorers: int, explorers: list[str]) -> LabNotebook:
    """Open `name`, Run All Cells, check the run; then drive the explorers bound to `explorers`."""
    t0 = time.monotonic()
    nb = open_notebook(name)
    seconds = nb.run_all()
    problems = nb.problems_after_run()
    assert not problems, f"{name} in JupyterLab:\n  " + "\n  ".join(problems)
    try:  # the views render once their model and the explorers' module reached the page
        nb.page.wait_for_function(
            f"document.querySelectorAll('.bpx').length >= {n_explorers}", timeout=30_000
        )
    except Exception:
        pass  # reported just below
    n = nb.page.locator(".bpx").count()
    assert n == n_explorers, f"{name}: {n} explorers rendered, expected {n_explorers}"
    for var in explorers:
        with kernel_log_on_failure(nb):
            drive_explorer(nb, var)
    driving = time.monotonic() - t0 - seconds
    print(f"{name}: Run All Cells took {seconds:.1f} s, driving its widgets {driving:.1f} s")
    return nb


def final_checks(nb: LabNotebook) -> None:
    problems = nb.console_errors + [f"request not to the server: {u}" for u in nb.foreign_requests]
    problems += nb.kernel_problems()
    problems += [f"server stderr: {line}" for line in nb.server_stderr_problems()]
    assert not problems, f"{nb.name} in JupyterLab:\n  " + "\n  ".join(problems)


# ------------------------------------------------------------------ the tests

NOTEBOOKS = ["00_explorers_tour", "06_hidden_units", "09_full_algorithm"]


def test_the_tour_in_jupyterlab(open_notebook):
    # The tour's six explorers, in page order; two of them driven (all six render and run).
    nb = run_notebook(open_notebook, "00_explorers_tour", 6, ["full", "check"])
    final_checks(nb)


def test_hidden_units_in_jupyterlab(open_notebook):
    nb = run_notebook(open_notebook, "06_hidden_units", 3, ["slider_explorer"])
    final_checks(nb)


def test_full_algorithm_trainer_in_jupyterlab(open_notebook):
    nb = run_notebook(open_notebook, "09_full_algorithm", 1, ["whole"])
    page = nb.page
    # The in-page trainer's η slider (a native range input): keyboard, then one epoch of training.
    root = page.locator(".bpt").first
    root.scroll_into_view_if_needed()
    eta = root.locator('input[id$="-eta"]')
    start = int(eta.input_value())
    eta.focus()
    active = nb.state()["active"]
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(300)
    assert nb.state()["active"] == active, "ArrowLeft on the trainer's η slider moved the notebook"
    assert int(eta.input_value()) == start - 2, "ArrowLeft ×2 did not move the η slider two steps"
    shown_eta = float(root.locator(".bpt-value").first.text_content())
    root.locator(".bpt-step").click()
    page.wait_for_function("document.querySelector('.bpt').dataset.epoch === '1'")
    page_loss = float(root.get_attribute("data-loss"))
    seen = nb.kernel(
        "import json\nfrom backprop.trainer_widget import STATE_KEYS, run_state\n"
        "state = {k: getattr(boundary, k) for k in STATE_KEYS}\n"
        'print(json.dumps({"eta": boundary.eta, "loss": float(run_state(state, 1).history.loss[-1])}))'
    )
    assert seen["eta"] == shown_eta, f"the kernel has η = {seen['eta']}, the slider shows {shown_eta}"
    assert abs(seen["loss"] - page_loss) <= 1e-9 * seen["loss"], (
        f"one epoch in the page gives the loss {page_loss}, the lib (in the kernel) {seen['loss']}"
    )
    final_checks(nb)
