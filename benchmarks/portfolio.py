"""How long `compass portfolio` takes, and how big the file is, for a learner who used every tool.

The store is filled as the notebooks would fill it: each of the eleven course tools
used in its module with one choice changed, self-checks answered, reflections and a
100-day plan written. Measured in the same run:

- the full portfolio (every tool rebuilt from its saved state, every chart drawn as
  SVG by vl-convert, the HTML written);
- baseline 1, the same charts drawn with altair's own ``chart.save(..., format="svg")``
  from the same specs (read with ``alt.Chart.from_dict``, which validates them, as
  altair does by default): what drawing them costs anyway;
- baseline 2, rebuilding the tools alone, without drawing;
- the portfolio of an empty store (the fixed cost).

Prints medians of a few runs, the ratio of the portfolio to baseline 1, and sizes.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REPEATS = 3


def median_seconds(run: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    import altair as alt
    from tests.learner_support import COURSE, use_every_tool

    from compass_widgets import learner_portfolio as lp
    from compass_widgets.progress import learner_progress
    from compass_widgets.store import LearnerStore

    quiet: lp.Report = lambda line: None  # noqa: E731
    home = Path(tempfile.mkdtemp(prefix="compass-bench-home-"))
    store = LearnerStore(home)
    start = time.perf_counter()
    used = use_every_tool(store)
    print(f"filling the store by using all {len(used)} tools: "
          f"{time.perf_counter() - start:.1f} s")
    out = Path(tempfile.mkdtemp(prefix="compass-bench-out-"))

    full = median_seconds(lambda: lp.build_portfolio(out / "full.html", store, COURSE,
                                                     report=quiet))
    size = (out / "full.html").stat().st_size

    progress = learner_progress(store, COURSE)
    steps = list(lp._steps(store, progress))

    def rebuild() -> list[dict[str, object]]:
        specs = []
        for module, tool in steps:
            with tempfile.TemporaryDirectory() as scratch:
                copy = LearnerStore(scratch)
                copy.path(module).write_bytes(store.path(module).read_bytes())
                widget = lp._make_tool(tool, copy, module, copy.load(module, f"tool:{tool}"))
                specs.extend(lp._chart_specs(widget))
                widget.close()
        return specs

    specs = rebuild()
    rebuilding = median_seconds(rebuild)

    def altair_svg() -> None:
        for spec in specs:
            # altair's default: the spec is validated against the schema as it is read.
            alt.Chart.from_dict(spec).save(io.StringIO(), format="svg")

    drawing = median_seconds(altair_svg)
    empty_home = LearnerStore(tempfile.mkdtemp(prefix="compass-bench-empty-"))
    empty = median_seconds(lambda: lp.build_portfolio(out / "empty.html", empty_home, COURSE,
                                                      report=quiet))
    empty_size = (out / "empty.html").stat().st_size

    print(f"median of {REPEATS} runs; {len(steps)} saved analyses, {len(specs)} charts")
    rows = [
        ("portfolio, every tool saved", full),
        ("baseline 1: same charts, altair chart.save(svg)", drawing),
        ("baseline 2: rebuilding the tools only", rebuilding),
        ("portfolio of an empty store", empty),
    ]
    for name, seconds in rows:
        print(f"{name:<50} {seconds:7.2f} s   ratio to baseline 1 {seconds / drawing:5.2f}")
    print(f"{'portfolio size, every tool saved':<50} {size / 1024:7.1f} KB "
          f"({size / len(specs) / 1024:.1f} KB a chart)")
    print(f"{'portfolio size, empty store':<50} {empty_size / 1024:7.1f} KB")


if __name__ == "__main__":
    main()
