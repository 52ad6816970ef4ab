"""Fixtures shared by the tests. (The temporary learner store is set up in the root conftest.py.)"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def store_home(tmp_path: Path) -> Path:
    """An empty learner-store folder."""
    return tmp_path / "home"


@pytest.fixture
def tiny_contacts() -> pd.DataFrame:
    """Eight contacts, small enough to work out every figure by hand.

    Repairs: 4 contacts, 3 failure (share 0.75), failure minutes 10 + 20 + 30 = 60.
    Waste:   4 contacts, 1 failure (share 0.25), failure minutes 5.
    Overall: 4 of 8 failure (0.5); failure minutes 65.
    """
    return pd.DataFrame({
        "contact_id": [f"C{i}" for i in range(1, 9)],
        "date": pd.to_datetime(["2025-04-03", "2025-04-10", "2025-05-02", "2025-05-20",
                                "2025-04-04", "2025-04-11", "2025-05-05", "2025-05-21"]),
        "channel": ["Phone", "Phone", "Email", "Phone", "Web form", "Phone", "Web form", "Email"],
        "service": ["Repairs"] * 4 + ["Waste"] * 4,
        "reason": ["New repair", "Chase repair", "Chase repair", "Not fixed",
                   "New bin", "Bin missed", "New bin", "Bulky waste"],
        "demand_type": ["value", "failure", "failure", "failure",
                        "value", "failure", "value", "value"],
        "repeat_contact": [False, True, True, False, False, True, False, False],
        "minutes": [8.0, 10.0, 20.0, 30.0, 4.0, 5.0, 6.0, 7.0],
    })


@pytest.fixture
def write(tmp_path: Path):
    """Write a learner's file (text in an encoding, or raw bytes) and return its path."""

    def write(text: str | bytes, name: str = "learner.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
        return path

    return write
