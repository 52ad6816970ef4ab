"""What importing the library costs, against importing its heavy dependencies.

Each measurement is a fresh interpreter (`python -X importtime` is too noisy to
sum), repeated; the baseline is importing pandas, altair and ipywidgets in the
same run. Prints medians and ratios.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

REPEATS = 7
CASES = {
    "baseline: import pandas, altair, ipywidgets": "import pandas, altair, ipywidgets",
    "import compass_widgets": "import compass_widgets",
    "from compass_widgets import DemandAnalyser (everything)":
        "from compass_widgets import DemandAnalyser",
    "python with no imports": "pass",
}


def seconds(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def main() -> None:
    results = {name: statistics.median(seconds(code) for _ in range(REPEATS))
               for name, code in CASES.items()}
    empty = results["python with no imports"]
    base = results["baseline: import pandas, altair, ipywidgets"] - empty
    print(f"median of {REPEATS} fresh interpreters, start-up ({empty:.3f} s) subtracted")
    for name, total in results.items():
        if name == "python with no imports":
            continue
        cost = total - empty
        print(f"{name:<58} {cost:7.3f} s   ratio to baseline {cost / base:5.2f}")


if __name__ == "__main__":
    main()
