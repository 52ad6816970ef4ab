"""A real JupyterHub for one cohort, driven as its learners and tutor would drive it.

``deploy/setup-cohort.sh`` creates two learners, a tutor and the grader as real Unix
accounts (removed again at the end) and the nbgrader exchange, in a scratch folder; it
runs twice, to show that the second run changes nothing. JupyterHub then starts from
``deploy/jupyterhub_config.py`` on free loopback ports, with configurable-http-proxy
from ``npm ci --prefix deploy``, PAM logins (the accounts' real Unix passwords) and
``CohortSpawner`` (``LocalProcessSpawner``: each server runs as its Unix user).

From there on everything goes through HTTP, with tokens, as a browser would:

- each person logs in through the hub's login form and starts a server;
- each learner runs module 02 of the course in their own server, top to bottom through
  the kernel's websocket, and the memory of their server plus its kernel is measured
  (written to ``test-artifacts/jupyterhub/memory.json`` and used in deploy/README.md);
- the tutor, in the formgrader service's kernel (running as the grader account),
  generates and releases assignment 02; each learner fetches it in their own server,
  answers it (learner A with the model answers, learner B with a written answer only),
  and submits; the tutor collects, grades (``compass grade`` if the command line has
  it, else ``nbgrader autograde``), generates and releases feedback; each learner
  fetches their own;
- scores are read back from the gradebook, and learner A's kernel tries, and fails,
  to read learner B's submission and to list the exchange's inbound folder;
- a learner's edits survive a server restart, a kernel that allocates more than the
  memory limit is ended while its server carries on, and stopping the hub ends every
  server, kernel and the proxy.

Needs root, for the accounts. Takes about two minutes on two cores.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import nbformat
import psutil
import pytest
import requests

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
sys.path.insert(0, str(DEPLOY))

from compass_hub import MemoryCgroup  # noqa: E402
from hubclient import Hub, Kernel, KernelDied, Server  # noqa: E402

pytestmark = pytest.mark.slow

ASSIGNMENT = "02-failure-demand"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
SOURCE_NOTEBOOK = REPO / "workbook" / "source" / ASSIGNMENT / NOTEBOOK
PROXY = DEPLOY / "node_modules" / ".bin" / "configurable-http-proxy"
ARTIFACTS = REPO / "test-artifacts" / "jupyterhub"
FORMGRADER = "formgrader-compass"
MB = 2**20
T = TypeVar("T")


# --- helpers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TraverseGrant:
    """Let the cohort's accounts pass through the folders on the way to this Python.

    A real hub installs its Python environment where every account can read it. On a
    developer's machine or in CI the interpreter may sit below ``/root`` (mode 0700,
    where pyenv puts it), which no other account may enter. For the length of the test
    only, each such folder gets a POSIX ACL letting the cohort's groups pass through
    (``x``: enter, not list); ``revoke`` puts the folder's mode back and drops the ACL.
    A folder that already has an ACL is not touched.
    """

    ACL = "system.posix_acl_access"

    def __init__(self, targets: list[Path], gids: list[int]) -> None:
        self.changed: list[tuple[Path, int]] = []
        folders: list[Path] = []
        for target in targets:
            for folder in [*reversed(target.parents), target]:
                if folder.is_dir() and folder not in folders:
                    folders.append(folder)
        try:
            for folder in folders:
                mode = folder.stat().st_mode
                if mode & stat.S_IXOTH:
                    continue
                if self.ACL in os.listxattr(folder):
                    raise RuntimeError(f"{folder} already has an ACL; not changing it")
                self._grant(folder, mode, gids)
                self.changed.append((folder, mode))
        except BaseException:
            self.revoke()
            raise

    def _grant(self, folder: Path, mode: int, gids: list[int]) -> None:
        # The kernel's ACL format: version 2, then (tag, permissions, id) per entry,
        # sorted by tag: owner, owning group, named groups, mask, others.
        undefined = 0xFFFFFFFF
        group_bits = (mode >> 3) & 7
        entries = [(0x01, (mode >> 6) & 7, undefined), (0x04, group_bits, undefined)]
        entries += [(0x08, 1, gid) for gid in sorted(set(gids))]
        entries += [(0x10, group_bits | 1, undefined), (0x20, mode & 7, undefined)]
        blob = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)
        os.setxattr(folder, self.ACL, blob)

    def revoke(self) -> None:
        while self.changed:
            folder, mode = self.changed.pop()
            with contextlib.suppress(OSError):
                os.removexattr(folder, self.ACL)
            os.chmod(folder, stat.S_IMODE(mode))


def snapshot(paths: list[Path], users: list[str]) -> list[tuple[Any, ...]]:
    """Owner, group, mode and size of everything under ``paths``, and the accounts."""
    found: list[tuple[Any, ...]] = []
    for root in paths:
        for path in [root, *sorted(root.rglob("*"))]:
            st = path.lstat()
            size = st.st_size if stat.S_ISREG(st.st_mode) else 0
            found.append((str(path), oct(st.st_mode), st.st_uid, st.st_gid, size))
    shadow = {line.split(":")[0]: line for line in Path("/etc/shadow").read_text().splitlines()}
    for user in users:
        found.append((tuple(pwd.getpwnam(user)), os.getgrouplist(user, 0), shadow[user]))
    return found


TIMINGS: list[tuple[str, float]] = []


def each_learner(cohort: Cohort, work: Callable[[str], T]) -> dict[str, T]:
    """Do ``work`` for both learners at once, as two people in a class would."""
    with ThreadPoolExecutor(len(cohort.learners)) as pool:
        done = {user: pool.submit(work, user) for user in cohort.learners}
        return {user: future.result() for user, future in done.items()}


def shell(kernel: Kernel, *args: str, cwd: Path | str) -> str:
    """Run a command in ``kernel`` (as its user, in their environment); return its output."""
    started = time.monotonic()
    code = (
        "import json, subprocess\n"
        f"_done = subprocess.run({list(args)!r}, cwd={str(cwd)!r}, capture_output=True, "
        "text=True)\n"
        "print(json.dumps({'rc': _done.returncode, 'out': _done.stdout + _done.stderr}))\n"
    )
    result = json.loads(kernel.run(code, timeout=300).strip().splitlines()[-1])
    TIMINGS.append((" ".join(args), round(time.monotonic() - started, 1)))
    assert result["rc"] == 0, f"{' '.join(args)} failed:\n{result['out']}"
    return str(result["out"])


def evaluate(kernel: Kernel, code: str) -> Any:
    """Run ``code`` in ``kernel``; it must print one JSON value last. Return that value."""
    return json.loads(kernel.run(code).strip().splitlines()[-1])


def nbgrader_meta(cell: dict[str, Any]) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}))


def without_fences(source: str) -> str:
    """A model answer as a learner would type it: the solution fences taken out."""
    fence = re.compile(r"\s*### (BEGIN|END) SOLUTION\s*$")
    return "\n".join(line for line in source.split("\n") if not fence.match(line))


def memory_of(pids: list[int]) -> dict[str, float]:
    """RSS and PSS of processes, in MB."""
    rss = pss = 0
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            info = psutil.Process(pid).memory_full_info()
            rss += info.rss
            pss += info.pss
    return {"rss_mb": round(rss / MB, 1), "pss_mb": round(pss / MB, 1)}


class PeakMemory:
    """Sample the total RSS of one account's processes in the background; keep the peak."""

    def __init__(self, uid: int) -> None:
        self.uid, self.rss = uid, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            total = 0
            for proc in psutil.process_iter(["uids", "memory_info"]):
                if proc.info["uids"] and proc.info["uids"].real == self.uid:
                    total += proc.info["memory_info"].rss
            self.rss = max(self.rss, total)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- the cohort and its hub ----------------------------------------------------------------


@dataclass
class Cohort:
    work: Path
    learners: tuple[str, str]
    tutor: str
    grader: str
    groups: tuple[str, str]
    passwords: dict[str, str]
    setup_env: dict[str, str]
    setup_runs: list[list[tuple[Any, ...]]]
    hub: Hub = field(init=False)
    process: subprocess.Popen[bytes] | None = None

    @property
    def exchange(self) -> Path:
        return self.work / "srv" / "exchange"

    @property
    def grader_home(self) -> Path:
        return self.work / "srv" / "compass-grader"

    @property
    def course_root(self) -> Path:
        return self.grader_home / "workbook"

    @property
    def accounts(self) -> list[str]:
        return [*self.learners, self.tutor, self.grader]

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    def uids(self) -> set[int]:
        found = set()
        for user in self.accounts:
            with contextlib.suppress(KeyError):
                found.add(pwd.getpwnam(user).pw_uid)
        return found

    def processes(self) -> list[psutil.Process]:
        """Every process running as one of the cohort's accounts.

        A zombie has already ended (only its exit status waits for its parent to
        collect it, which on a loaded machine can take a moment), so it does not count.
        """
        uids = self.uids()
        return [p for p in psutil.process_iter(["uids", "cmdline", "status"])
                if p.info["uids"] and p.info["uids"].real in uids
                and p.info["status"] != psutil.STATUS_ZOMBIE]

    def stop_hub(self) -> None:
        """Stop the hub as systemd would (SIGTERM); it stops servers and the proxy."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def clean_up_processes(self) -> None:
        """Force-end what the hub left behind (a test has failed if there is any)."""
        for proc in self.processes():
            with contextlib.suppress(psutil.NoSuchProcess):
                proc.kill()
        for user in self.learners + (self.tutor,):
            with contextlib.suppress(OSError, RuntimeError):
                MemoryCgroup(user).remove()
        with contextlib.suppress(OSError, RuntimeError):
            MemoryCgroup("x").parent.rmdir()


def remove_accounts(users: list[str], groups: tuple[str, str]) -> None:
    for user in users:
        subprocess.run(["userdel", "--remove", user], capture_output=True, check=False)
    for group in groups:
        subprocess.run(["groupdel", group], capture_output=True, check=False)


def run_setup(env: dict[str, str], roster: Path) -> None:
    done = subprocess.run(["bash", str(DEPLOY / "setup-cohort.sh"), str(roster)],
                          env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module")
def cohort() -> Iterator[Cohort]:
    if os.geteuid() != 0:
        pytest.skip("needs root: it creates Unix accounts and starts servers as them")
    assert PROXY.exists(), "configurable-http-proxy is missing: run `npm ci --prefix deploy`"
    suffix = secrets.token_hex(2)
    work = Path(tempfile.mkdtemp(prefix="compass-hub-"))
    work.chmod(0o755)
    learners = (f"ann{suffix}", f"ben{suffix}")
    names = {"tutor": f"tess{suffix}", "grader": f"grader{suffix}"}
    groups = (f"learners{suffix}", f"tutors{suffix}")
    env = {
        "COMPASS_REPO": str(REPO),
        "COMPASS_LEARNERS_GROUP": groups[0],
        "COMPASS_TUTORS_GROUP": groups[1],
        "COMPASS_GRADER_USER": names["grader"],
        "COMPASS_GRADER_HOME": str(work / "srv" / "compass-grader"),
        "COMPASS_EXCHANGE": str(work / "srv" / "exchange"),
        "COMPASS_HOME_BASE": str(work / "home"),
        "COMPASS_HUB_STATE": str(work / "state"),
        "COMPASS_PASSWORD_FILE": str(work / "passwords.txt"),
        "COMPASS_HUB_ENV_FILE": str(work / "hub.env"),
    }
    roster = work / "roster.txt"
    roster.write_text(f"# a test cohort\nlearner {learners[0]}\nlearner {learners[1]}\n"
                      f"tutor {names['tutor']}\n")
    with contextlib.ExitStack() as stack:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
        stack.callback(remove_accounts, [*learners, *names.values()], groups)

        run_setup(env, roster)
        watched = [work / "home", work / "srv"]
        accounts = [*learners, *names.values()]
        first = snapshot(watched, accounts)
        run_setup(env, roster)
        passwords = dict(line.split() for line in (work / "passwords.txt").read_text().splitlines())
        cohort = Cohort(work, learners, names["tutor"], names["grader"], groups, passwords,
                        env, [first, snapshot(watched, accounts)])

        gids = [pwd.getpwnam(user).pw_gid for user in cohort.accounts]
        grant = TraverseGrant(
            [Path(sys.executable).resolve(), Path(sys.base_prefix), Path(sys.prefix), REPO, work],
            gids,
        )
        stack.callback(grant.revoke)
        check = subprocess.run(
            ["runuser", "-u", learners[0], "--", sys.executable, "-c",
             "import compass_widgets, jupyterhub, nbgrader"],
            capture_output=True, text=True, check=False,
        )
        assert check.returncode == 0, f"a learner cannot use this Python: {check.stderr}"

        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(ARTIFACTS / "hub.log", "wb")  # noqa: SIM115 (closed by the stack)
        stack.callback(log.close)
        stack.callback(lambda: (ARTIFACTS / "timings.json").write_text(json.dumps(TIMINGS)))
        port = free_port()
        hub_env = {
            **os.environ, **env,
            "COMPASS_HUB_URL": f"http://127.0.0.1:{port}",
            "COMPASS_HUB_API_PORT": str(free_port()),
            "COMPASS_PROXY_API_PORT": str(free_port()),
            "COMPASS_FORMGRADER_PORT": str(free_port()),
        }
        cohort.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(DEPLOY / "jupyterhub_config.py")],
            cwd=work / "state", env=hub_env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, start_new_session=True,
            # A hub started from a background shell would inherit an ignored SIGINT, and
            # pass it to every server; the spawner stops servers with SIGINT first.
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        stack.callback(cohort.clean_up_processes)
        stack.callback(cohort.stop_hub)
        cohort.hub = Hub(f"http://127.0.0.1:{port}")
        deadline = time.monotonic() + 120
        while True:
            assert cohort.process.poll() is None, "the hub stopped: see test-artifacts/jupyterhub"
            assert time.monotonic() < deadline, "the hub did not start in 120 s"
            with contextlib.suppress(OSError):
                if requests.get(f"{cohort.hub.url}/hub/api/", timeout=5).ok:
                    break
            time.sleep(0.5)
        yield cohort


@pytest.fixture(scope="module")
def tokens(cohort: Cohort) -> dict[str, str]:
    """A hub API token for each person, from logging in with their Unix password."""
    return {user: cohort.hub.login(user, cohort.passwords[user], note="test")
            for user in [*cohort.learners, cohort.tutor]}


@pytest.fixture(scope="module")
def servers(cohort: Cohort, tokens: dict[str, str]) -> dict[str, Server]:
    """Everyone's server, started together as at the start of a session."""
    for user, token in tokens.items():
        reply = cohort.hub.api("POST", f"/users/{user}/server", token)
        assert reply.status_code in (201, 202), reply.text
    for user, token in tokens.items():
        cohort.hub.wait_for_server(user, token, timeout=180)
    return {user: Server(f"{cohort.hub.url}/user/{user}", token) for user, token in tokens.items()}


def server_pid(user: str) -> int:
    """The process id of ``user``'s single-user server."""
    uid = pwd.getpwnam(user).pw_uid
    for proc in psutil.process_iter(["uids", "cmdline"]):
        if proc.info["uids"].real == uid and any(
                "jupyterhub-singleuser" in part for part in proc.info["cmdline"] or []):
            return int(proc.pid)
    raise LookupError(f"no server running as {user}")


def kernel_pid(user: str, kernel_id: str) -> int:
    uid = pwd.getpwnam(user).pw_uid
    for proc in psutil.process_iter(["uids", "cmdline"]):
        if proc.info["uids"].real == uid and any(
                kernel_id in part for part in proc.info["cmdline"] or []):
            return int(proc.pid)
    raise LookupError(f"no kernel {kernel_id} running as {user}")


@pytest.fixture(scope="module")
def idle_memory(cohort: Cohort, servers: dict[str, Server]) -> dict[str, dict[str, float]]:
    """Memory of each learner's server just after it started, before any kernel."""
    time.sleep(2)  # let start-up settle (extensions finish loading lazily)
    return {user: memory_of([server_pid(user)]) for user in cohort.learners}


@pytest.fixture(scope="module")
def module02_run(
    cohort: Cohort, servers: dict[str, Server], idle_memory: dict[str, dict[str, float]]
) -> dict[str, dict[str, Any]]:
    """Each learner runs course module 02 top to bottom in their own server.

    Returns, per learner: memory of the server and the notebook's kernel afterwards (RSS
    and PSS, in MB), the cgroup's use and peak, and what the kernel reported about
    itself. The kernel is shut down afterwards, as closing the notebook does.
    """

    def run(user: str) -> dict[str, Any]:
        server = servers[user]
        path = f"compass-course/{ASSIGNMENT}.ipynb"
        notebook = server.read_notebook(path)
        kernel = server.start_kernel(path)
        started = time.monotonic()
        for cell in notebook["cells"]:
            if cell["cell_type"] == "code":
                kernel.run(cell["source"], timeout=180)
        seconds = time.monotonic() - started
        about = evaluate(kernel, (
            "import json, os\n"
            "from compass_widgets.store import LearnerStore\n"
            "LearnerStore().save('02', 'hub-test', 'saved from the hub')\n"
            "print(json.dumps({'uid': os.getuid(), 'cwd': os.getcwd(),"
            " 'compass_home': os.environ['COMPASS_HOME'],"
            " 'store': str(LearnerStore().path('02')),"
            " 'mem_limit': int(os.environ['MEM_LIMIT'])}))"
        ))
        pids = [server_pid(user), kernel_pid(user, kernel.id)]
        cgroup = MemoryCgroup(user)
        result = {
            "seconds": round(seconds, 1),
            "server_and_kernel": memory_of(pids),
            "server": memory_of(pids[:1]),
            "kernel": memory_of(pids[1:]),
            "server_idle": idle_memory[user],
            "cgroup_mb": {k: round(v / MB, 1) for k, v in cgroup.usage().items()},
            "pids": pids,
            "cgroup_pids": cgroup.pids(),
            "about": about,
        }
        kernel.shutdown()
        return result

    return each_learner(cohort, run)


@pytest.fixture(scope="module")
def hub_memory(cohort: Cohort, module02_run: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Memory of the hub, its proxy and the formgrader service, and the report file."""
    assert cohort.process is not None
    hub = psutil.Process(cohort.process.pid)
    proxy = [p.pid for p in hub.children() if "configurable-http-proxy" in " ".join(p.cmdline())]
    grader_uid = pwd.getpwnam(cohort.grader).pw_uid
    formgrader = [p.pid for p in psutil.process_iter(["uids"]) if p.info["uids"].real == grader_uid]
    report = {
        "mem_limit_mb": MemoryCgroup(cohort.learners[0]).limit() / MB,
        "learners": {user: {k: v for k, v in run.items() if k not in ("pids", "cgroup_pids")}
                     for user, run in module02_run.items()},
        "hub_and_proxy": memory_of([hub.pid, *proxy]),
        "formgrader_service_idle": memory_of(formgrader),
    }
    (ARTIFACTS / "memory.json").write_text(json.dumps(report, indent=2))
    print("\nlearner server memory after running module 02:", json.dumps(report, indent=2))
    return report


@pytest.fixture(scope="module")
def grader_kernel(cohort: Cohort, tokens: dict[str, str]) -> Kernel:
    """A kernel in the formgrader service, opened by the tutor through the hub."""
    formgrader = Server(f"{cohort.hub.url}/services/{FORMGRADER}", tokens[cohort.tutor])
    return formgrader.start_kernel()


@pytest.fixture(scope="module")
def learner_kernels(servers: dict[str, Server], cohort: Cohort) -> dict[str, Kernel]:
    """A kernel in each learner's own server (its folder: their home)."""
    return {user: servers[user].start_kernel() for user in cohort.learners}


def grade_command() -> list[str]:
    """``compass grade`` if this checkout's command line has it, else nbgrader's autograde."""
    compass = Path(sys.executable).parent / "compass"
    done = subprocess.run([str(compass), "grade", "--help"], capture_output=True, check=False)
    if done.returncode == 0:
        return ["compass", "grade", ASSIGNMENT]
    return ["nbgrader", "autograde", ASSIGNMENT]


@pytest.fixture(scope="module")
def released(cohort: Cohort, grader_kernel: Kernel, hub_memory: dict[str, Any]) -> None:
    """The tutor generates and releases assignment 02 from the formgrader service."""
    shell(grader_kernel, "nbgrader", "generate_assignment", ASSIGNMENT, cwd=cohort.course_root)
    shell(grader_kernel, "nbgrader", "release_assignment", ASSIGNMENT, cwd=cohort.course_root)


@pytest.fixture(scope="module")
def submitted(
    cohort: Cohort, released: None, servers: dict[str, Server],
    learner_kernels: dict[str, Kernel],
) -> dict[str, Path]:
    """Each learner fetches, answers and submits 02; returns their submission folders."""
    source = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    model = {nbgrader_meta(c)["grade_id"]: without_fences(c.source)
             for c in source.cells if nbgrader_meta(c).get("solution")}
    own_words = ("I would start with the service whose contacts are most often chasing "
                 "earlier ones, and ask why, before anyone forecasts more calls.")
    answers = dict(zip(cohort.learners, [model, {"redesign_first": own_words}], strict=True))
    inbound = cohort.exchange / "compass" / "inbound"

    def answer_and_submit(user: str) -> Path:
        home = cohort.home(user)
        shell(learner_kernels[user], "nbgrader", "fetch_assignment", ASSIGNMENT, cwd=home)
        path = f"{ASSIGNMENT}/{NOTEBOOK}"
        notebook = servers[user].read_notebook(path)
        for cell in notebook["cells"]:
            grade_id = nbgrader_meta(cell).get("grade_id")
            if grade_id in answers[user]:
                cell["source"] = answers[user][grade_id]
        servers[user].write_notebook(path, notebook)
        shell(learner_kernels[user], "nbgrader", "submit", ASSIGNMENT, cwd=home)
        (folder,) = inbound.glob(f"{user}+{ASSIGNMENT}+*")
        return folder

    return each_learner(cohort, answer_and_submit)


@pytest.fixture(scope="module")
def graded(
    cohort: Cohort, submitted: dict[str, Path], grader_kernel: Kernel
) -> dict[str, dict[str, float | None]]:
    """The tutor collects, grades and returns feedback; scores from the gradebook."""
    root = cohort.course_root
    shell(grader_kernel, "nbgrader", "collect", ASSIGNMENT, cwd=root)
    with PeakMemory(pwd.getpwnam(cohort.grader).pw_uid) as peak:
        shell(grader_kernel, *grade_command(), cwd=root)
    report = json.loads((ARTIFACTS / "memory.json").read_text())
    report["formgrader_service_peak_while_grading"] = {"rss_mb": round(peak.rss / MB, 1)}
    (ARTIFACTS / "memory.json").write_text(json.dumps(report, indent=2))
    shell(grader_kernel, "nbgrader", "generate_feedback", ASSIGNMENT, cwd=root)
    shell(grader_kernel, "nbgrader", "release_feedback", ASSIGNMENT, cwd=root)
    learners = list(cohort.learners)
    return dict(evaluate(grader_kernel, (
        "import json\n"
        "from nbgrader.api import Gradebook\n"
        f"with Gradebook('sqlite:///{root}/gradebook.db', 'compass') as gb:\n"
        f"    scores = {{s: {{g.name: g.auto_score for g in gb.find_submission_notebook("
        f"{ASSIGNMENT!r}, {ASSIGNMENT!r}, s).grades}} for s in {learners!r}}}\n"
        "print(json.dumps(scores))\n"
    )))


@pytest.fixture(scope="module")
def feedback(
    cohort: Cohort, graded: dict[str, Any], learner_kernels: dict[str, Kernel]
) -> dict[str, Path]:
    """Each learner fetches their feedback in their own server; returns the HTML files."""

    def fetch(user: str) -> Path:
        home = cohort.home(user)
        shell(learner_kernels[user], "nbgrader", "fetch_feedback", ASSIGNMENT, cwd=home)
        (page,) = (home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html")
        return page

    return each_learner(cohort, fetch)


# --- set-up ----------------------------------------------------------------------------------


def test_setup_script_is_idempotent_and_hands_out_passwords(cohort: Cohort) -> None:
    first, second = cohort.setup_runs
    assert first == second
    assert sorted(cohort.passwords) == sorted([*cohort.learners, cohort.tutor])
    assert all(len(password) == 16 for password in cohort.passwords.values())
    assert stat.S_IMODE((cohort.work / "passwords.txt").stat().st_mode) == 0o600


def test_exchange_homes_and_course_directory_are_private(cohort: Cohort) -> None:
    def mode(path: Path) -> int:
        return stat.S_IMODE(path.stat().st_mode) | (path.stat().st_mode & stat.S_ISGID)

    course = cohort.exchange / "compass"
    assert mode(cohort.exchange) & 0o777 == 0o777 and cohort.exchange.stat().st_mode & stat.S_ISVTX
    assert mode(course) == 0o755 and mode(course / "outbound") == 0o755
    assert mode(course / "inbound") == 0o2733
    assert mode(course / "feedback") == 0o711
    grader_uid = pwd.getpwnam(cohort.grader).pw_uid
    assert {(course / d).stat().st_uid for d in ("", "inbound", "outbound", "feedback")} == {
        grader_uid}
    for user in cohort.accounts:
        assert mode(cohort.home(user)) == 0o700, user
    assert (cohort.course_root / "source" / ASSIGNMENT / NOTEBOOK).is_file()


# --- logging in and starting servers ----------------------------------------------------------


def test_only_the_right_password_logs_in(cohort: Cohort, tokens: dict[str, str]) -> None:
    learner = cohort.learners[0]
    # Each refusal takes 3 s (pam_faildelay), so try both at once. The grader account
    # has no password and is in neither group.
    attempts = {learner: "not-" + cohort.passwords[learner], cohort.grader: ""}
    with ThreadPoolExecutor(2) as pool:
        tries = [pool.submit(cohort.hub.login, user, password)
                 for user, password in attempts.items()]
    for attempt in tries:
        with pytest.raises(PermissionError):
            attempt.result()


def test_hub_groups_and_the_tutors_view_of_the_cohort(
    cohort: Cohort, tokens: dict[str, str]
) -> None:
    for user in cohort.learners:
        assert cohort.hub.api("GET", "/user", tokens[user]).json()["groups"] == ["learners"]
    assert cohort.hub.api("GET", "/user", tokens[cohort.tutor]).json()["groups"] == ["tutors"]
    listed = cohort.hub.api("GET", "/users", tokens[cohort.tutor])
    assert listed.ok and sorted(u["name"] for u in listed.json()) == sorted(cohort.learners)
    assert cohort.hub.api("GET", "/users", tokens[cohort.learners[0]]).status_code == 403


def test_servers_run_as_their_users_with_the_course_and_a_memory_limit(
    cohort: Cohort, servers: dict[str, Server], module02_run: dict[str, dict[str, Any]]
) -> None:
    course = sorted(p.name for p in (REPO / "course").iterdir() if not p.name.startswith("."))
    for user in cohort.learners:
        run, home = module02_run[user], cohort.home(user)
        limit = run["about"].pop("mem_limit")
        assert run["about"] == {
            "uid": pwd.getpwnam(user).pw_uid,
            "cwd": str(home / "compass-course"),
            "compass_home": str(home / ".compass"),
            "store": str(home / ".compass" / "02.json"),
        }
        assert (home / ".compass" / "02.json").stat().st_uid == pwd.getpwnam(user).pw_uid
        assert sorted(os.listdir(home / "compass-course")) == course
        # The server and the notebook's kernel were both in the user's memory cgroup.
        # The limit the spawner announces (MEM_LIMIT) is the one the kernel enforces.
        assert set(run["pids"]) <= set(run["cgroup_pids"])
        assert MemoryCgroup(user).limit() == limit


def test_learners_have_no_formgrader_and_tutors_have_one(
    cohort: Cohort, servers: dict[str, Server], tokens: dict[str, str]
) -> None:
    learner = cohort.learners[0]
    assert servers[learner].request("GET", "/formgrader").status_code == 404
    # JupyterLab hides nbgrader's tutor tools (page_config.json in deploy/jupyter/user).
    lab = servers[learner].request("GET", "/lab").text
    page_config = json.loads(re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', lab, re.S
    ).group(1))
    hidden = {f"@jupyter/nbgrader:{name}" for name in ("formgrader", "create-assignment")}
    assert hidden <= set(page_config["disabledExtensions"])
    # ...and, as `compass lab` does, asks the internet for no news.
    assert servers[learner].request("GET", "/lab/api/news").json() == {"news": []}
    service = f"/services/{FORMGRADER}/formgrader/manage_assignments"
    as_learner = Server(cohort.hub.url, tokens[learner]).request("GET", service)
    assert as_learner.status_code == 403
    as_tutor = Server(cohort.hub.url, tokens[cohort.tutor]).request("GET", service)
    assert as_tutor.status_code == 200 and "formgrader" in as_tutor.text.lower()


# --- memory ------------------------------------------------------------------------------------


def test_memory_of_a_learner_server_after_module_02(
    cohort: Cohort, hub_memory: dict[str, Any]
) -> None:
    limit = hub_memory["mem_limit_mb"]
    for user, run in hub_memory["learners"].items():
        total = run["server_and_kernel"]["rss_mb"]
        # Real figures: a kernel with pandas and altair loaded alone is over 100 MB.
        assert run["kernel"]["rss_mb"] > 100 and total > 150, (user, run)
        # A quarter of the limit is left for a learner's own data and a second notebook.
        assert total < 0.75 * limit, (
            f"module 02 now takes {total} MB of a {limit} MB limit: raise COMPASS_MEM_LIMIT "
            "and the sizing in deploy/README.md"
        )


# --- the nbgrader round trip --------------------------------------------------------------------


def test_model_answer_earns_full_marks_and_an_unanswered_release_none(
    graded: dict[str, dict[str, float | None]]
) -> None:
    source = nbformat.read(SOURCE_NOTEBOOK, as_version=4)
    auto = {nbgrader_meta(c)["grade_id"]: float(nbgrader_meta(c)["points"])
            for c in source.cells
            if nbgrader_meta(c).get("grade") and not nbgrader_meta(c).get("solution")}
    written = [nbgrader_meta(c)["grade_id"] for c in source.cells
               if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")]
    model, other = graded.values()
    assert {g: model[g] for g in auto} == auto
    assert {g: other[g] for g in auto} == dict.fromkeys(auto, 0.0)
    # Both wrote something in part E, so it waits for the tutor.
    assert written and all(model[g] is None and other[g] is None for g in written)


def test_each_learner_fetches_their_own_feedback(
    cohort: Cohort, feedback: dict[str, Path], graded: dict[str, dict[str, float | None]]
) -> None:
    for user, page in feedback.items():
        assert page.stat().st_uid == pwd.getpwnam(user).pw_uid
        text = page.read_text(encoding="utf-8")
        assert ASSIGNMENT in text
    model, other = (feedback[u].read_text(encoding="utf-8") for u in cohort.learners)
    assert model.count("Your answer passed every check.") == 4
    assert "Your answer passed every check." not in other


def test_the_assignments_tab_shows_each_learner_their_submission(
    cohort: Cohort, servers: dict[str, Server], feedback: dict[str, Path]
) -> None:
    # What JupyterLab's Assignments tab asks the server: it finds the course and the
    # exchange through the hub's nbgrader settings, with no set-up by the learner.
    for user in cohort.learners:
        reply = servers[user].request("GET", "/assignments", params={"course_id": "compass"})
        listing = reply.json()
        assert listing["success"], listing
        ours = [a for a in listing["value"] if a["assignment_id"] == ASSIGNMENT]
        assert {a["course_id"] for a in ours} == {"compass"}
        assert "submitted" in {a["status"] for a in ours}, ours


def test_learners_cannot_read_each_others_submissions(
    cohort: Cohort, submitted: dict[str, Path], feedback: dict[str, Path],
    learner_kernels: dict[str, Kernel],
) -> None:
    ann, ben = cohort.learners
    inbound = cohort.exchange / "compass" / "inbound"
    solutions = cohort.course_root / "source" / ASSIGNMENT / NOTEBOOK
    probes = {
        "list inbound": f"os.listdir({str(inbound)!r})",
        "list ben's submission": f"os.listdir({str(submitted[ben])!r})",
        "read ben's submission": f"open({str(submitted[ben] / NOTEBOOK)!r}).read()",
        "list feedback": f"os.listdir({str(cohort.exchange / 'compass' / 'feedback')!r})",
        "read ben's home": f"open({str(cohort.home(ben) / ASSIGNMENT / NOTEBOOK)!r}).read()",
        "read the solutions": f"open({str(solutions)!r}).read()",
    }
    code = ["import json, os", "found = {}"]
    for name, probe in probes.items():
        code += ["try:", f"    {probe}", f"    found[{name!r}] = 'allowed'",
                 "except PermissionError:", f"    found[{name!r}] = 'denied'"]
    code.append("print(json.dumps(found))")
    assert evaluate(learner_kernels[ann], "\n".join(code)) == dict.fromkeys(probes, "denied")
    # Ann can still read her own submission; the grader's group can too.
    own = submitted[ann]
    assert evaluate(learner_kernels[ann], f"print(len(open({str(own / NOTEBOOK)!r}).read()))")
    assert stat.S_IMODE(own.stat().st_mode) == 0o770
    assert own.stat().st_gid == pwd.getpwnam(cohort.grader).pw_gid


# --- the learner's work and the memory limit, under pressure ------------------------------------


def test_restarting_a_server_keeps_the_learners_work(
    cohort: Cohort, servers: dict[str, Server], tokens: dict[str, str],
    feedback: dict[str, Path],
) -> None:
    user = cohort.learners[0]
    path = "compass-course/00-orientation.ipynb"
    notebook = servers[user].read_notebook(path)
    notebook["cells"].append(nbformat.v4.new_markdown_cell("My own note: keep this."))
    servers[user].write_notebook(path, notebook)
    assert servers[user].request("DELETE", "/api/contents/compass-course/README.md").ok
    cohort.hub.stop_server(user, tokens[user])
    cohort.hub.start_server(user, tokens[user])
    kept = servers[user].read_notebook(path)
    assert kept["cells"][-1]["source"] == "My own note: keep this."
    assert servers[user].request("GET", "/api/contents/compass-course/README.md").ok


def test_a_kernel_over_the_limit_is_stopped_and_the_server_goes_on(
    cohort: Cohort, servers: dict[str, Server], feedback: dict[str, Path]
) -> None:
    user = cohort.learners[1]
    cgroup = MemoryCgroup(user)
    kills = cgroup.oom_kills()
    kernel = servers[user].start_kernel()
    with pytest.raises(KernelDied):
        kernel.run(f"hog = b'x' * {cgroup.limit() + 256 * MB}", timeout=120)
    assert cgroup.oom_kills() > kills
    assert servers[user].request("GET", "/api/status").ok
    assert servers[cohort.learners[0]].request("GET", "/api/status").ok


def test_stopping_the_hub_ends_every_server_kernel_and_the_proxy(
    cohort: Cohort, servers: dict[str, Server], feedback: dict[str, Path]
) -> None:
    assert cohort.processes()  # servers, kernels and the formgrader are running
    assert cohort.process is not None
    proxy = [p for p in psutil.Process(cohort.process.pid).children()
             if "configurable-http-proxy" in " ".join(p.cmdline())]
    started = time.monotonic()
    cohort.stop_hub()
    assert time.monotonic() - started < 60
    assert cohort.process.returncode == 0
    assert cohort.processes() == []
    assert proxy and not any(p.is_running() for p in proxy)
    for user in cohort.learners:
        assert not MemoryCgroup(user).path.exists()
    with pytest.raises(requests.ConnectionError):
        servers[cohort.learners[0]].request("GET", "/api/status", timeout=5)
