"""Copy the course into a learner's home: missing files only, never over their work.

The hub runs this as the learner (not as root) before each server start, so a
symbolic link planted in a home cannot make it write anywhere else::

    python copy_course.py SOURCE DEST

Files the learner lacks are copied from SOURCE; a file that is already in DEST is never
replaced, so edited notebooks survive, a notebook the learner deletes comes back fresh
at the next start, and modules added to the course later reach everyone. The copy is
private to the learner (files 0600, folders 0700). Standard library only.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

SKIP_NAMES = {".ipynb_checkpoints", "__pycache__"}


def copy_missing(source: Path, dest: Path) -> list[str]:
    """Copy each file under ``source`` that ``dest`` lacks; never replace one.

    Returns the copied paths, relative to ``dest``. Hidden files and folders and
    Jupyter's checkpoints are left out. Each file is created with ``O_EXCL``, so a
    file (or link) that appears while the copy runs is left alone too.

    >>> import tempfile
    >>> src, dst = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> _ = (src / "01.ipynb").write_text("course"), (dst / "01.ipynb").write_text("mine")
    >>> _ = (src / "02.ipynb").write_text("course")
    >>> copy_missing(src, dst), (dst / "01.ipynb").read_text()
    (['02.ipynb'], 'mine')
    """
    copied: list[str] = []
    for folder, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_NAMES and not d.startswith("."))
        relative = Path(folder).relative_to(source)
        target_dir = dest / relative
        if target_dir.is_symlink() or (target_dir.exists() and not target_dir.is_dir()):
            print(f"kept {target_dir}: it is not a folder", file=sys.stderr)
            dirs[:] = []
            continue
        target_dir.mkdir(parents=True, exist_ok=True)
        for name in sorted(files):
            if name in SKIP_NAMES or name.startswith("."):
                continue
            target = target_dir / name
            try:
                out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue
            with open(Path(folder) / name, "rb") as src, os.fdopen(out, "wb") as dst:
                shutil.copyfileobj(src, dst)
            copied.append(str(relative / name))
    return copied


def main(argv: list[str]) -> int:
    """Copy SOURCE into DEST as described above; return the exit code."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    os.umask(0o077)
    copied = copy_missing(Path(argv[0]), Path(argv[1]))
    print(f"copied {len(copied)} files into {argv[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
