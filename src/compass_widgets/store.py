"""The learner store: answers, self-check results and reflections, kept on disk.

Everything a learner types or chooses is saved under ``COMPASS_HOME`` (by default
``~/.compass``), one JSON file per module, so it survives kernel and server
restarts. Three promises:

- **Atomic writes.** A save writes a temporary file in the same folder, flushes it
  to disk and renames it over the old one, so a crash mid-save leaves the
  previous version intact.
- **One writer at a time.** Saves take an exclusive lock on ``<module>.lock`` and
  re-read the file under it, so two kernels saving different answers to the same
  module both keep theirs.
- **Never silently overwritten.** A file that cannot be read (damaged, or edited
  by hand into invalid JSON) is moved aside to ``<module>.damaged-<time>.json``
  and a warning names both paths; the learner's other modules are untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_FORMAT = 1


class StoreWarning(UserWarning):
    """A saved file could not be read and was set aside."""


def default_home() -> Path:
    """Return the store folder: ``$COMPASS_HOME`` if set, else ``~/.compass``."""
    env = os.environ.get("COMPASS_HOME")
    return Path(env).expanduser() if env else Path.home() / ".compass"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class LearnerStore:
    """Saved answers for one learner, grouped by module.

    Parameters
    ----------
    home : str or Path, optional
        Folder to keep the files in; default :func:`default_home`.

    Examples
    --------
    >>> import tempfile
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> store.save("02", "reflection", "Start with repairs.")
    >>> LearnerStore(store.home).load("02", "reflection")
    'Start with repairs.'
    """

    def __init__(self, home: str | Path | None = None) -> None:
        self.home = Path(home) if home is not None else default_home()

    def path(self, module: str) -> Path:
        """Return the JSON file that holds ``module``'s answers."""
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in module)
        if not safe:
            raise ValueError("a module name is needed, such as '02'")
        return self.home / f"{safe}.json"

    def load(self, module: str, key: str, default: Any = None) -> Any:
        """Return the saved value of ``key`` in ``module``, or ``default``."""
        entry = self._read(self.path(module)).get(key)
        return default if entry is None else entry["value"]

    def answers(self, module: str) -> dict[str, Any]:
        """Return every saved value of ``module`` as ``{key: value}``."""
        return {key: entry["value"] for key, entry in self._read(self.path(module)).items()}

    def saved_at(self, module: str, key: str) -> str | None:
        """Return when ``key`` was last saved (ISO 8601, UTC), or None."""
        entry = self._read(self.path(module)).get(key)
        return None if entry is None else str(entry["saved_at"])

    def save(self, module: str, key: str, value: Any) -> None:
        """Save ``value`` (anything JSON can hold) under ``key`` in ``module``, atomically.

        Raises
        ------
        TypeError, ValueError
            If ``value`` cannot be written as JSON (a ValueError for a value that
            contains itself); nothing is saved then.
        """
        json.dumps(value)  # refuse what cannot be stored before touching the file
        path = self.path(module)
        self.home.mkdir(parents=True, exist_ok=True)
        with self._locked(path):
            # Holding the lock, any temporary file of this module is a writer's that died.
            for stale in path.parent.glob(f".{path.stem}.*.tmp"):
                stale.unlink(missing_ok=True)
            entries = self._read(path)
            entries[key] = {"value": value, "saved_at": _now()}
            self._write(path, entries)

    def modules(self) -> list[str]:
        """Return the modules with saved answers, sorted."""
        if not self.home.is_dir():
            return []
        return sorted(p.stem for p in self.home.glob("*.json") if ".damaged-" not in p.name)

    @contextlib.contextmanager
    def _locked(self, path: Path) -> Iterator[None]:
        with open(path.with_suffix(".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        try:
            data = json.loads(raw.decode("utf-8"))
            entries = data["answers"]
            if not isinstance(entries, dict) or not all(
                isinstance(e, dict) and "value" in e for e in entries.values()
            ):
                raise ValueError("answers are not a mapping of saved entries")
            return entries
        except (ValueError, KeyError, TypeError) as err:
            aside = self._set_aside(path)
            warnings.warn(
                f"Your saved answers in {path} could not be read ({err}). The file was kept "
                f"as {aside} and nothing in it was deleted; this module starts empty. Ask a "
                "tutor to help recover it, or copy answers from it by hand.",
                StoreWarning,
                stacklevel=3,
            )
            return {}

    def _set_aside(self, path: Path) -> Path:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        aside = path.with_name(f"{path.stem}.damaged-{stamp}.json")
        os.replace(path, aside)
        return aside

    def _write(self, path: Path, entries: dict[str, Any]) -> None:
        payload = json.dumps({"format": _FORMAT, "answers": entries}, indent=2, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
