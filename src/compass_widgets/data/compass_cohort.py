"""A past cohort's self-assessment scores (``compass_cohort.csv``): synthetic and anonymised.

Thirty learners, one row each, with a score from 1 to 5 for each of the eight
dimensions of the course's self-assessment (see ``compass_statements.py``). A
learner compares their own scores with this cohort in module 11. No real person's
answers are in it: each learner's answers were drawn at random, statement by
statement, and averaged per dimension, as the tool does. A tutor can load their own
cohort's scores instead with :func:`load_compass_cohort`. See ``compass_cohort.md``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from .compass_statements import _STATEMENTS, DIMENSION_IDS, first_repeat

if TYPE_CHECKING:
    import pandas as pd

SEED = 20160401

#: Number of learners: the Commissioning Academy ran courses of up to 30 people.
LEARNERS = 30

#: How far each dimension sits above or below a learner's own level, on average: an
#: assumption for the exercise (most organisations find power and governance hardest).
OFFSETS = {"purpose": 0.2, "relationships": 0.3, "place": 0.0, "power": -0.5,
           "governance": -0.5, "measurement": -0.3, "contracting": -0.2, "workforce": -0.1}

SCHEMA: Schema = Schema("compass_cohort.csv", (
    Column("learner"),
    *(Column(dimension, "number", minimum=1, maximum=5, what="a score from 1 to 5",
             hint="Write each dimension score as a number from 1 to 5, such as 3.25.")
      for dimension in DIMENSION_IDS),
), item="learner")


def rows(n: int = LEARNERS, seed: int = SEED) -> list[dict[str, str]]:
    """Return the synthetic cohort as a list of CSV rows (strings), one per learner.

    Each learner has a level drawn between 1.6 and 4.2 (most often 2.6). For each
    statement they answer a whole number from 1 to 5 near their level plus the
    dimension's offset; a dimension's score is the mean of its answers.

    Parameters
    ----------
    n : int
        Number of learners.
    seed : int
        Seed for ``random.Random``; the same seed gives the same rows.

    Examples
    --------
    >>> cohort = rows(n=2)
    >>> [row["learner"] for row in cohort]
    ['L01', 'L02']
    >>> cohort == rows(n=2)
    True
    """
    rng = random.Random(seed)
    records = []
    for number in range(1, n + 1):
        level = rng.triangular(1.6, 4.2, 2.6)
        record = {"learner": f"L{number:02d}"}
        for dimension in DIMENSION_IDS:
            centre = level + OFFSETS[dimension] + rng.gauss(0, 0.3)
            answers = [min(5, max(1, round(rng.gauss(centre, 0.7))))
                       for _ in _STATEMENTS[dimension]]
            record[dimension] = f"{sum(answers) / len(answers):.2f}"
        records.append(record)
    return records


def load_compass_cohort(path: str | Path | None = None) -> pd.DataFrame:
    """Load a cohort's dimension scores: the shipped synthetic cohort, or a tutor's own CSV.

    The file needs a ``learner`` column (a code, never a name) and one column per
    dimension: ``purpose, relationships, place, power, governance, measurement,
    contracting, workforce``, each a score from 1 to 5. Learner codes must be
    different. Extra columns are kept. See ``data/compass_cohort.md``.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic cohort of 30.

    Returns
    -------
    pandas.DataFrame
        One row per learner; the scores as float.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> cohort = load_compass_cohort()
    >>> len(cohort), cohort["power"].between(1, 5).all()
    (30, np.True_)
    """
    frame = load_table(path, SCHEMA)
    first_repeat(frame, "learner", shipped_path(SCHEMA.shipped) if path is None else Path(path),
                 "the learner code", "Give each learner their own code, such as 'L31'.")
    return frame
