"""Time to build the static course site, with execution against ``--no-execute``.

Both builds run here, one after the other, into temporary folders: the build from
the stored outputs (``--no-execute``) is the baseline, and the ratio says what
running every notebook (for the tools' snapshots) costs on top. Per-notebook times
and page sizes come from the build with execution.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from compass_widgets.site import build_site

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    course = ROOT / "course"
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        stored = build_site(Path(folder) / "stored", course, execute=False)
        baseline = time.perf_counter() - start
        start = time.perf_counter()
        executed = build_site(Path(folder) / "executed", course, execute=True)
        seconds = time.perf_counter() - start
        print(f"{'page':<36} {'no-execute':>11} {'execute':>9} {'size':>9} {'snapshots':>9}")
        for plain, page in zip(stored.pages, executed.pages, strict=True):
            print(f"{page.file:<36} {plain.seconds:9.2f} s {page.seconds:7.2f} s "
                  f"{page.size / 1e3:6.0f} kB {page.snapshots:9d}")
        print(f"baseline: --no-execute build        {baseline:7.2f} s, "
              f"{stored.size / 1e6:.2f} MB in {len(stored.pages)} pages")
        print(f"build with execution                {seconds:7.2f} s, "
              f"{executed.size / 1e6:.2f} MB in {len(executed.pages)} pages")
        print(f"ratio (execute / no-execute)        {seconds / baseline:7.1f}")


if __name__ == "__main__":
    main()
