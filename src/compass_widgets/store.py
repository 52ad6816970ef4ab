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

:meth:`LearnerStore.clear` empties one module for a fresh start (``compass reset``),
keeping a copy in ``backups/`` first; :meth:`LearnerStore.restore` puts it back.
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

    @property
    def backups(self) -> Path:
        """The folder that :meth:`clear` keeps backups in: ``<home>/backups``."""
        return self.home / "backups"

    def clear(self, module: str) -> Path:
        """Delete every saved answer of ``module``, keeping a backup first; return the backup.

        The module's file is copied, byte for byte and atomically, to
        ``backups/<module>-<time>.json`` and only then removed, all under the module's
        lock, so a kernel saving at the same moment either saves before the copy (and
        its answer is in the backup) or after the removal (into a fresh file).
        :meth:`restore` puts a backup back.

        Raises
        ------
        KeyError
            If ``module`` has no saved answers.

        Examples
        --------
        >>> import tempfile
        >>> store = LearnerStore(tempfile.mkdtemp())
        >>> store.save("02", "reflection:start", "With repairs.")
        >>> backup = store.clear("02")
        >>> store.answers("02"), backup.parent.name
        ({}, 'backups')
        >>> store.restore(backup)
        '02'
        >>> store.load("02", "reflection:start")
        'With repairs.'
        """
        path = self.path(module)
        if not path.is_file():
            raise KeyError(module)
        with self._locked(path):
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                raise KeyError(module) from None
            backup = self._back_up(path, raw)
            path.unlink()
        return backup

    def restore(self, backup: str | Path) -> str:
        """Put back the answers kept in ``backup`` (made by :meth:`clear`); return the module.

        Answers saved in the module since it was cleared are replaced; if there are
        any, they are first kept as a backup of their own, so nothing is lost.

        Raises
        ------
        ValueError
            If ``backup`` is not a backup made by :meth:`clear` (wrong name, or not
            a file of saved answers).
        FileNotFoundError
            If there is no file at ``backup``.
        """
        backup = Path(backup)
        module, dash, stamp = backup.stem.rpartition("-")
        if not dash or not module or not stamp.replace("T", "").isdigit():
            raise ValueError(f"{backup} is not a backup made by `compass reset`: its name "
                             "should be <module>-<time>.json, such as 02-20250101T120000000000"
                             ".json")
        raw = backup.read_bytes()
        try:
            entries = json.loads(raw.decode("utf-8"))["answers"]
            if not isinstance(entries, dict):
                raise TypeError("answers are not a mapping")
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{backup} is not a file of saved answers ({err}); it was left "
                             "as it is") from err
        path = self.path(module)
        self.home.mkdir(parents=True, exist_ok=True)
        with self._locked(path):
            if self._read(path):
                self._back_up(path, path.read_bytes())
            self._write_bytes(path, raw)
        return module

    def _back_up(self, path: Path, raw: bytes) -> Path:
        """Keep ``raw``, a module file's bytes, as ``backups/<module>-<time>.json``; return it."""
        self.backups.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
        backup = self.backups / f"{path.stem}-{stamp}.json"
        self._write_bytes(backup, raw)
        return backup

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
        self._write_bytes(path, payload.encode("utf-8"))

    def _write_bytes(self, path: Path, payload: bytes) -> None:
        """Write ``payload`` to ``path`` atomically: a flushed temporary file, then a rename."""
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
