"""Tests for compass_widgets.data.generate: the shipped data are reproducible and tell a story."""

from __future__ import annotations

import csv
import datetime as dt

from compass_widgets.data import generate
from compass_widgets.datasets import shipped_path


def test_regenerating_gives_every_shipped_file_byte_for_byte(tmp_path):
    written = generate.main(tmp_path)
    shipped = sorted(p.name for p in shipped_path("contacts.csv").parent.glob("*.csv"))
    assert sorted(p.name for p in written) == shipped  # one generator writes every dataset
    for path in written:
        assert path.read_bytes() == shipped_path(path.name).read_bytes(), path.name


def _repairs_share(before: bool) -> float:
    """Failure share of Housing repairs before / from October 2025, read with the csv module."""
    with shipped_path("contacts.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["service"] == "Housing repairs"
                and (dt.date.fromisoformat(r["date"]) < dt.date(2025, 10, 1)) == before]
    assert len(rows) > 300  # enough contacts on each side for the share to mean something
    return sum(r["demand_type"] == "failure" for r in rows) / len(rows)


def test_housing_repairs_failure_share_falls_after_the_october_redesign():
    before, after = _repairs_share(before=True), _repairs_share(before=False)
    assert before - after >= 0.10, (before, after)


