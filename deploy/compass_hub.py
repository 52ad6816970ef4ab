"""The JupyterHub spawner for a compass cohort.

``CohortSpawner`` is JupyterHub's ``LocalProcessSpawner`` (each single-user server runs
as its own Unix user, so file permissions keep learners apart) with three additions:

- **The course, copied into each home on every start**, by ``copy_course.py`` run as
  the user: missing files only, never over the learner's work.
- **Each user's own environment**: ``COMPASS_HOME`` (where their answers are saved),
  the Jupyter and nbgrader configuration in ``deploy/jupyter/``, and a ``PATH`` that
  starts with the course's Python environment.
- **``Spawner.mem_limit`` enforced.** ``LocalProcessSpawner`` only passes the limit on
  in ``MEM_LIMIT``. Here each server, and every kernel or terminal it starts, runs in a
  memory cgroup of its own with that limit, below the hub's cgroup (cgroup v1, or v2
  with ``Delegate=yes`` in the hub's systemd unit). A kernel that goes over is ended
  by the kernel's OOM killer; the server, the hub and other learners go on. When the
  server stops, anything still running in its cgroup is ended.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, List, Unicode

HERE = Path(__file__).resolve().parent
CGROUP_ROOT = Path("/sys/fs/cgroup")


class MemoryCgroup:
    """A memory cgroup for one user's server, made below the hub's own cgroup.

    Parameters
    ----------
    name : str
        The user's name; the cgroup is ``<hub's cgroup>/compass-users/<name>``.
    root : Path
        Where the cgroup file systems are mounted.
    """

    def __init__(self, name: str, root: Path = CGROUP_ROOT) -> None:
        self.version, self.hub_dir = self.hub_cgroup(root)
        self.parent = self.hub_dir / "compass-users"
        self.path = self.parent / name

    @staticmethod
    def hub_cgroup(root: Path = CGROUP_ROOT) -> tuple[int, Path]:
        """Return (cgroup version, folder) of this process's memory cgroup.

        On cgroup v2 the hub moves itself into a leaf named ``hub`` (see
        ``_delegate_memory_v2``); the folder returned is then still the one above it.
        """
        v2_path = None
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if "memory" in controllers.split(","):
                return 1, root / "memory" / path.lstrip("/")
            if controllers == "":
                v2_path = path
        if v2_path is not None and "memory" in _read(root / "cgroup.controllers").split():
            folder = root / v2_path.lstrip("/")
            if folder.name == "hub" and (folder.parent / "compass-users").is_dir():
                folder = folder.parent
            return 2, folder
        raise RuntimeError("no memory cgroup controller is available on this machine")

    @property
    def procs_file(self) -> Path:
        """The file a process writes its id to, to join the cgroup."""
        return self.path / "cgroup.procs"

    def pids(self) -> list[int]:
        """Return the ids of the processes in the cgroup (empty if it does not exist)."""
        try:
            return [int(pid) for pid in self.procs_file.read_text().split()]
        except FileNotFoundError:
            return []

    def create(self, limit: int) -> None:
        """Make the cgroup (ending any process left in it) and set its limit in bytes."""
        if self.version == 2:
            self._delegate_memory_v2()
        self.path.mkdir(parents=True, exist_ok=True)
        self.end_processes()
        if self.version == 1:
            # The limit covers memory and swap together where swap is accounted.
            _write(self.path / "memory.limit_in_bytes", str(limit))
            _write(self.path / "memory.memsw.limit_in_bytes", str(limit), missing_ok=True)
        else:
            _write(self.path / "memory.max", str(limit))
            _write(self.path / "memory.swap.max", "0", missing_ok=True)

    def limit(self) -> int:
        """Return the limit in bytes that the kernel enforces."""
        name = "memory.limit_in_bytes" if self.version == 1 else "memory.max"
        return int(_read(self.path / name))

    def usage(self) -> dict[str, int]:
        """Return the cgroup's memory use now and at its peak, in bytes."""
        if self.version == 1:
            return {"now": int(_read(self.path / "memory.usage_in_bytes")),
                    "peak": int(_read(self.path / "memory.max_usage_in_bytes"))}
        peak = self.path / "memory.peak"
        return {"now": int(_read(self.path / "memory.current")),
                "peak": int(_read(peak)) if peak.exists() else 0}

    def oom_kills(self) -> int:
        """Return how many processes the kernel has ended in this cgroup for memory."""
        name = "memory.oom_control" if self.version == 1 else "memory.events"
        for line in _read(self.path / name).splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def end_processes(self, grace: float = 5.0) -> None:
        """Send SIGTERM to every process in the cgroup, then SIGKILL after ``grace`` s."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            for pid in self.pids():
                try:
                    os.kill(pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + grace
            while self.pids() and time.monotonic() < deadline:
                time.sleep(0.1)
            if not self.pids():
                return

    def remove(self) -> None:
        """End what is left in the cgroup and delete it."""
        if not self.path.exists():
            return
        self.end_processes()
        for _ in range(50):
            try:
                self.path.rmdir()
                return
            except FileNotFoundError:
                return
            except OSError:  # busy until the last process is reaped
                time.sleep(0.1)
        self.path.rmdir()

    def _delegate_memory_v2(self) -> None:
        # cgroup v2 lets a cgroup hand a controller to its children only if it holds
        # no processes itself. The hub's systemd unit (Delegate=yes) owns its cgroup,
        # so the hub moves its own processes into a leaf, "hub", and delegates memory.
        for folder in (self.hub_dir, self.parent):
            control = folder / "cgroup.subtree_control"
            folder.mkdir(exist_ok=True)
            if "memory" in _read(control).split():
                continue
            if folder == self.hub_dir and folder != CGROUP_ROOT:
                # (The root cgroup is exempt from the rule, and holds every process.)
                leaf = folder / "hub"
                leaf.mkdir(exist_ok=True)
                for pid in _read(folder / "cgroup.procs").split():
                    try:
                        _write(leaf / "cgroup.procs", pid)
                    except ProcessLookupError:
                        pass
            _write(control, "+memory")


def _read(path: Path) -> str:
    return path.read_text().strip()


def _write(path: Path, value: str, missing_ok: bool = False) -> None:
    try:
        with open(path, "w") as out:
            out.write(value)
    except FileNotFoundError:
        if not missing_ok:
            raise
    except OSError:
        if not missing_ok:
            raise


# --- the spawner -------------------------------------------------------------------------

class CohortSpawner(LocalProcessSpawner):  # type: ignore[misc]
    """Start each user's server as that user, with the course and a memory limit."""

    course_source = Unicode(
        "", config=True,
        help="Folder copied into each user's home on every start (missing files only).",
    )
    course_folder = Unicode(
        "compass-course", config=True,
        help="Name of the course folder in each home.",
    )
    compass_home = Unicode(
        "{home}/.compass", config=True,
        help="COMPASS_HOME for each user: where their answers are saved. "
        "{home} and {username} are filled in.",
    )
    config_dirs = List(
        Unicode(), config=True,
        help="Jupyter config folders put first in each server's JUPYTER_CONFIG_PATH.",
    )
    python_bin = Unicode(
        os.path.dirname(sys.executable), config=True,
        help="bin folder of the Python environment the servers run in.",
    )
    require_mem_limit = Bool(
        True, config=True,
        help="Refuse to start a server if mem_limit is set but cannot be enforced.",
    )

    def _home(self) -> str:
        return pwd.getpwnam(self.user.name).pw_dir

    def get_env(self) -> dict[str, str]:
        """Add the course's PATH, COMPASS_HOME and Jupyter config folders."""
        env: dict[str, str] = super().get_env()
        home = self._home()
        env["PATH"] = os.pathsep.join([self.python_bin, "/usr/local/bin", "/usr/bin", "/bin"])
        env["COMPASS_HOME"] = self.compass_home.format(home=home, username=self.user.name)
        if self.config_dirs:
            env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(self.config_dirs)
        env.pop("VIRTUAL_ENV", None)
        return env

    async def start(self) -> Any:
        """Copy the course, make the memory cgroup, then start the server."""
        if self.course_source:
            await self._copy_course()
        self._cgroup = None
        if self.mem_limit:
            try:
                cgroup = MemoryCgroup(self.user.name)
                await asyncio.to_thread(cgroup.create, int(self.mem_limit))
                self._cgroup = cgroup
                self.log.info("Memory limit for %s: %s bytes in %s",
                              self.user.name, self.mem_limit, cgroup.path)
            except (OSError, RuntimeError) as err:
                if self.require_mem_limit:
                    raise RuntimeError(
                        f"cannot enforce mem_limit for {self.user.name}: {err}. "
                        "Run the hub as root with a memory cgroup it may manage "
                        "(see deploy/README.md), or set "
                        "CohortSpawner.require_mem_limit = False."
                    ) from err
                self.log.warning("mem_limit NOT enforced for %s: %s", self.user.name, err)
        return await super().start()

    def make_preexec_fn(self, name: str) -> Callable[[], None]:
        """Join the user's memory cgroup (as root), then become the user."""
        become_user = super().make_preexec_fn(name)
        cgroup = getattr(self, "_cgroup", None)
        procs = str(cgroup.procs_file) if cgroup is not None else None

        def preexec() -> None:
            if procs is not None:
                with open(procs, "w") as out:
                    out.write(str(os.getpid()))
            become_user()

        return preexec

    async def stop(self, now: bool = False) -> None:
        """Stop the server, then end anything it left running and drop its cgroup."""
        await super().stop(now=now)
        if self.mem_limit:
            try:
                await asyncio.to_thread(MemoryCgroup(self.user.name).remove)
            except (OSError, RuntimeError) as err:
                self.log.warning("Could not remove the memory cgroup of %s: %s",
                                 self.user.name, err)

    async def _copy_course(self) -> None:
        user = pwd.getpwnam(self.user.name)
        dest = os.path.join(user.pw_dir, self.course_folder)
        proc = await asyncio.create_subprocess_exec(
            os.path.join(self.python_bin, "python"), str(HERE / "copy_course.py"),
            self.course_source, dest,
            user=user.pw_uid, group=user.pw_gid,
            extra_groups=os.getgrouplist(user.pw_name, user.pw_gid),
            cwd=user.pw_dir,
            env={"HOME": user.pw_dir, "USER": user.pw_name, "LANG": "C.UTF-8"},
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
        if proc.returncode != 0:
            self.log.error("Course copy for %s failed: %s", self.user.name,
                           err.decode(errors="replace"))
        else:
            self.log.info("Course copy for %s: %s", self.user.name,
                          out.decode().strip() or "nothing new")
