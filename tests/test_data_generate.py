"""Tests for compass_widgets.data.generate: the shipped data are reproducible and tell a story."""

from __future__ import annotations

import csv
import datetime as dt

from compass_widgets.data import contacts, generate
from compass_widgets.datasets import CONTACT_COLUMNS, shipped_path


def test_regenerating_gives_every_shipped_file_byte_for_byte(tmp_path):
    written = generate.main(tmp_path)
    shipped = sorted(p.name for p in shipped_path("contacts.csv").parent.glob("*.csv"))
    assert sorted(p.name for p in written) == shipped  # one generator writes every dataset
    for path in written:
        assert path.read_bytes() == shipped_path(path.name).read_bytes(), path.name


def test_same_seed_same_rows_and_other_seed_other_rows():
    assert contacts.rows(n=50) == contacts.rows(n=50)
    assert contacts.rows(n=50, seed=1) != contacts.rows(n=50)


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


def test_shipped_file_is_unix_utf8_with_the_documented_header():
    raw = shipped_path("contacts.csv").read_bytes()
    assert b"\r\n" not in raw
    assert raw.decode("utf-8").splitlines()[0] == ",".join(CONTACT_COLUMNS)
