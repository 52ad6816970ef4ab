"""Memory of a learner's Jupyter server, idle and after module 02, against a bare server.

Each server runs on a free loopback port with a temporary copy of ``course/`` and an
empty learner store, and is driven over its REST and kernel websocket APIs (as
JupyterLab drives it, and as the hub test does):

- baseline: a bare ``jupyter server``, idle, no notebook run;
- learner server, idle: the same server set up as on the cohort hub (the Jupyter
  config folders in ``deploy/jupyter/``), before any kernel;
- learner server after module 02: that server plus the kernel that ran
  ``02-failure-demand.ipynb`` top to bottom.

RSS counts every page a process can touch, shared libraries included, so adding the
server's and the kernel's RSS overstates what a second learner costs a little; PSS
shares each shared page out among the processes using it. deploy/README.md sizes a hub
from the RSS figure, the cautious one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))

from hubclient import Server  # noqa: E402

MB = 2**20
NOTEBOOK = "02-failure-demand.ipynb"
HUB_CONFIG = [ROOT / "deploy" / "jupyter" / "user", ROOT / "deploy" / "jupyter" / "common"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def memory(pids: list[int]) -> tuple[float, float]:
    """RSS and PSS of ``pids`` together, in MB."""
    rss = pss = 0
    for pid in pids:
        info = psutil.Process(pid).memory_full_info()
        rss, pss = rss + info.rss, pss + info.pss
    return rss / MB, pss / MB


class JupyterServer:
    """A ``jupyter server`` on a free port, serving ``root``, stopped on exit."""

    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.token = secrets.token_hex(16)
        port = free_port()
        cmd = [sys.executable, "-m", "jupyter_server", "--no-browser", f"--port={port}",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.token={self.token}",
               f"--ServerApp.root_dir={root}"]
        if os.geteuid() == 0:
            cmd.append("--allow-root")
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.server = Server(f"http://127.0.0.1:{port}", self.token)
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.server.request("GET", "/api/status", timeout=5).ok:
                    break
            except requests.ConnectionError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("jupyter server did not start")
            time.sleep(0.3)
        time.sleep(2)  # let extensions finish loading

    def pids(self) -> list[int]:
        """The server and every kernel it started."""
        server = psutil.Process(self.proc.pid)
        return [server.pid, *(child.pid for child in server.children(recursive=True))]

    def __enter__(self) -> JupyterServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        course = Path(scratch) / "course"
        shutil.copytree(ROOT / "course", course)
        base_env = {key: value for key, value in os.environ.items()
                    if key not in ("JUPYTER_CONFIG_PATH", "JUPYTER_CONFIG_DIR")}
        base_env["COMPASS_HOME"] = str(Path(scratch) / "store")
        hub_env = {**base_env, "JUPYTER_CONFIG_PATH": os.pathsep.join(map(str, HUB_CONFIG))}

        with JupyterServer(course, base_env) as bare:
            baseline = memory(bare.pids())

        with JupyterServer(course, hub_env) as learner:
            idle = memory(learner.pids())
            notebook = learner.server.read_notebook(NOTEBOOK)
            kernel = learner.server.start_kernel(NOTEBOOK)
            started = time.perf_counter()
            for cell in notebook["cells"]:
                if cell["cell_type"] == "code":
                    kernel.run(cell["source"], timeout=300)
            seconds = time.perf_counter() - started
            after = memory(learner.pids())
            kernel.shutdown()

    print("memory in MB (RSS / PSS), one server each, this run")
    rows = [
        ("baseline: bare jupyter server, idle", baseline),
        ("learner server (hub config), idle", idle),
        (f"learner server + kernel after module 02 ({seconds:.1f} s)", after),
    ]
    for name, (rss, pss) in rows:
        print(f"{name:<58} {rss:7.1f} / {pss:7.1f}   RSS ratio to baseline "
              f"{rss / baseline[0]:5.2f}")


if __name__ == "__main__":
    main()
