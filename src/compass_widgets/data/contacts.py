"""The Hollins Vale contact log (``contacts.csv``): synthetic, for module 02.

See ``contacts.md`` for the data dictionary and the published ranges the
magnitudes follow. Written by ``generate.py``; never edit the CSV by hand.
"""

from __future__ import annotations

import datetime as dt
import random

SEED = 20250401


# service -> (share of contacts, [(reason, demand_type, weight), ...])
SERVICES: dict[str, tuple[float, list[tuple[str, str, float]]]] = {
    "Housing repairs": (
        0.28,
        [
            ("Report a new repair", "value", 30),
            ("Book a gas safety check", "value", 8),
            ("Chase a repair not yet done", "failure", 22),
            ("Repair not fixed first time", "failure", 14),
            ("Missed repair appointment", "failure", 10),
            ("Damp and mould reported again", "failure", 6),
        ],
    ),
    "Council tax": (
        0.20,
        [
            ("Set up a Direct Debit", "value", 15),
            ("Tell us about a move", "value", 15),
            ("Apply for a discount", "value", 10),
            ("Bill not understood", "failure", 18),
            ("Chase a refund", "failure", 10),
            ("Reminder after a letter went astray", "failure", 8),
        ],
    ),
    "Waste and recycling": (
        0.18,
        [
            ("Order a new bin", "value", 15),
            ("Book a bulky waste collection", "value", 20),
            ("Bin not collected", "failure", 30),
            ("Chase a bin order", "failure", 12),
        ],
    ),
    "Benefits": (
        0.18,
        [
            ("Make a new claim", "value", 20),
            ("Report a change in circumstances", "value", 15),
            ("Chase a claim decision", "failure", 20),
            ("Asked to send documents again", "failure", 12),
            ("Payment not received", "failure", 8),
        ],
    ),
    "Adult social care": (
        0.16,
        [
            ("Ask for a care assessment", "value", 20),
            ("Arrange equipment or adaptations", "value", 12),
            ("Chase an assessment", "failure", 18),
            ("Tell the story again to a new worker", "failure", 12),
            ("Care visit did not happen", "failure", 8),
        ],
    ),
}

CHANNELS = ("Phone", "Web form", "Email", "Face to face")
CHANNEL_WEIGHTS = {"value": (45, 32, 13, 10), "failure": (62, 12, 18, 8)}
REPEAT_PROBABILITY = {"value": 0.05, "failure": 0.55}
# (low, high, mode) minutes handled, for random.triangular
MINUTES = {"value": (2, 20, 6), "failure": (3, 35, 9)}
# Relative volume by calendar month: busier in January and March.
MONTH_VOLUME = {4: 1.0, 5: 0.95, 6: 0.9, 7: 0.9, 8: 0.85, 9: 1.0,
                10: 1.05, 11: 1.0, 12: 0.9, 1: 1.2, 2: 1.0, 3: 1.15}
REPAIRS_REDESIGN = dt.date(2025, 10, 1)


def _reason_weight(service: str, reason: str, demand_type: str, day: dt.date) -> float:
    """Return a reason's weight on a given day: the story the data tell.

    Housing repairs move to "fix it first time" in October, so their failure
    demand halves; missed bins spike around the new year; council tax bills go out
    in March, bringing both Direct Debits and confusion.
    """
    base = dict((r, w) for r, _, w in SERVICES[service][1])[reason]
    if service == "Housing repairs" and demand_type == "failure" and day >= REPAIRS_REDESIGN:
        base *= 0.5
    if reason == "Bin not collected" and day.month in (12, 1):
        base *= 2.0
    if service == "Council tax" and day.month in (3, 4) and reason in (
        "Bill not understood",
        "Set up a Direct Debit",
    ):
        base *= 2.0
    return base


def rows(n: int = 5000, seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic contact log as a list of CSV rows (strings).

    Parameters
    ----------
    n : int
        Number of contacts to generate.
    seed : int
        Seed for ``random.Random``; the same seed gives the same rows.

    Examples
    --------
    >>> sample = rows(n=3)
    >>> [r["contact_id"] for r in sample]
    ['C00001', 'C00002', 'C00003']
    >>> sample == rows(n=3)
    True
    """
    rng = random.Random(seed)
    start = dt.date(2025, 4, 1)
    days = [start + dt.timedelta(days=i) for i in range(365)]
    weekdays = [d for d in days if d.weekday() < 5]
    day_weights = [MONTH_VOLUME[d.month] for d in weekdays]
    services = list(SERVICES)
    service_weights = [SERVICES[s][0] for s in services]

    records = []
    for _ in range(n):
        day = rng.choices(weekdays, day_weights)[0]
        service = rng.choices(services, service_weights)[0]
        reasons = SERVICES[service][1]
        weights = [_reason_weight(service, r, t, day) for r, t, _ in reasons]
        reason, demand_type, _ = rng.choices(reasons, weights)[0]
        channel = rng.choices(CHANNELS, CHANNEL_WEIGHTS[demand_type])[0]
        repeat = rng.random() < REPEAT_PROBABILITY[demand_type]
        low, high, mode = MINUTES[demand_type]
        minutes = max(1, round(rng.triangular(low, high, mode)))
        records.append((day, service, reason, demand_type, channel, repeat, minutes))

    records.sort(key=lambda r: (r[0], r[1], r[2]))
    return [
        {
            "contact_id": f"C{i:05d}",
            "date": day.isoformat(),
            "channel": channel,
            "service": service,
            "reason": reason,
            "demand_type": demand_type,
            "repeat_contact": "yes" if repeat else "no",
            "minutes": str(minutes),
        }
        for i, (day, service, reason, demand_type, channel, repeat, minutes) in enumerate(
            records, start=1
        )
    ]
