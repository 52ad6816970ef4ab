"""One Ashworth service process, step by step (``process_steps.csv``): synthetic, for module 06.

The process is "Asking the council for help because you are about to become
homeless" in the fictional borough of Ashworth. Each step says what happens, who
does it, which features matter for trauma-informed practice, and a starting score
from 0 to 3 against each of the six principles of the UK working definition of
trauma-informed practice (Office for Health Improvement and Disparities, 2022).

See ``process_steps.md`` for the data dictionary. The steps and scores were
written by the course team as a worked example; none describes a real council.
Never edit the CSV by hand: write it with :func:`rows` through
``compass_widgets.data.generate.write_csv``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..datasets import Column, Schema, load_table, shipped_path
from ..errors import CompassDataError

if TYPE_CHECKING:
    import pandas as pd

#: Kept so that every dataset module has the same shape. These rows are written by
#: hand, not drawn at random, so nothing here uses it.
SEED = 20221102

#: The six principles (column name, label), in the order the working definition lists them.
PRINCIPLES: tuple[tuple[str, str], ...] = (
    ("safety", "Safety"),
    ("trust", "Trust"),
    ("choice", "Choice"),
    ("collaboration", "Collaboration"),
    ("empowerment", "Empowerment"),
    ("cultural_consideration", "Cultural consideration"),
)
PRINCIPLE_IDS = tuple(name for name, _ in PRINCIPLES)

#: Features that can echo past harm (column name, what happens to the person).
RISK_FEATURES: tuple[tuple[str, str], ...] = (
    ("retell_story", "has to tell their story again"),
    ("unexplained_wait", "waits without being told what happens next"),
    ("sanction_warning", "is warned of a sanction or a loss"),
)
#: Features that help a person feel safe and in control (column name, what happens).
PROTECTIVE_FEATURES: tuple[tuple[str, str], ...] = (
    ("choice_offered", "is offered a choice"),
    ("known_person_present", "can have someone they know with them"),
    ("own_language", "gets information in their own language"),
)
FEATURE_IDS = tuple(name for name, _ in RISK_FEATURES + PROTECTIVE_FEATURES)

PROCESS = "Asking the council for help because you are about to become homeless"

_SCORE_HINT = ("Score each principle as a whole number from 0 (not at all) to 3 (fully), "
               "such as 2.")

SCHEMA: Schema = Schema("process_steps.csv", (
    Column("step", "number", minimum=1, what="a step number (1 or more)",
           hint="Number the steps 1, 2, 3 and so on, in the order a person meets them."),
    Column("step_name"),
    Column("description"),
    Column("who"),
    *(Column(name, "yesno") for name in FEATURE_IDS),
    *(Column(name, "number", minimum=0, maximum=3, what="a score from 0 to 3", hint=_SCORE_HINT)
      for name in PRINCIPLE_IDS),
), item="step")

# (step_name, who, description, features present, scores in PRINCIPLE_IDS order)
_STEPS: list[tuple[str, str, str, set[str], tuple[int, int, int, int, int, int]]] = [
    ("Getting in touch", "Customer service adviser (council)",
     "You phone the housing options line, fill in the online form or walk in to the Ashworth "
     "Customer Hub in Millbrook. An adviser takes your name, address and why you are calling.",
     {"choice_offered"}, (2, 2, 2, 1, 1, 1)),
    ("Waiting for a call back", "Housing options team (council)",
     "You are told an officer will call you back within five working days. Nobody says when, "
     "who will call or what happens if you miss the call.",
     {"unexplained_wait"}, (1, 1, 0, 0, 0, 1)),
    ("Proving who you are", "Housing options officer (council)",
     "You are asked to bring your passport, bank statements, tenancy agreement and the notice "
     "from your landlord. The letter says your case may be closed if they are not in within "
     "seven days.",
     {"sanction_warning"}, (1, 1, 0, 1, 0, 1)),
    ("Telling your story", "Housing options officer (council)",
     "In an open-plan office you are asked, in detail, why you are losing your home: money, "
     "relationships, health, any violence. You told the adviser much of this already.",
     {"retell_story"}, (0, 1, 1, 1, 1, 1)),
    ("A support worker joins", "Support worker (Station Fields Advice Centre, voluntary sector)",
     "If you ask, a support worker you already know from the advice centre can join your calls "
     "and meetings, and help you prepare for them.",
     {"choice_offered", "known_person_present"}, (2, 2, 3, 3, 2, 2)),
    ("Agreeing a housing plan", "Housing options officer (council)",
     "You and the officer write a personal housing plan: what the council will do and what you "
     "will do. The officer explains, face to face, that help can end if you do not follow it, "
     "and what you can do if that happens.",
     {"sanction_warning", "choice_offered"}, (2, 2, 2, 2, 2, 2)),
    ("Evidence from your GP or the police", "GP surgery or police (health and justice)",
     "You are asked for letters from your GP or the police about your health or the violence "
     "you have faced. To get them you go through it all again with someone else.",
     {"retell_story"}, (1, 1, 1, 1, 0, 1)),
    ("Waiting for a decision", "Housing options team (council)",
     "You wait for the council to decide whether it has a duty to house you. Weeks pass with "
     "no news; when you call, nobody can tell you how long it will take.",
     {"unexplained_wait"}, (1, 0, 0, 0, 0, 1)),
    ("Being told the decision", "Housing options team (council)",
     "A letter tells you the decision. It is written in legal language, in English only, and "
     "your right to ask for a review is on the last page.",
     set(), (2, 1, 1, 2, 1, 0)),
    ("Moving into temporary accommodation", "Temporary accommodation team (council)",
     "You are offered one room, the same day, in Canal Side, far from your children's school in "
     "Hollins Vale. You are told that if you refuse it you may not be offered another.",
     {"sanction_warning"}, (1, 1, 0, 1, 0, 1)),
    ("Settling in and check-in visits", "Named housing officer (council)",
     "A named officer visits every week. An interpreter is booked when you need one, and your "
     "support worker can be there too.",
     {"known_person_present", "own_language"}, (2, 3, 2, 2, 2, 3)),
    ("Reviewing your case", "Named housing officer (council)",
     "After eight weeks the officer you know reviews your case with you. You go over what has "
     "changed since you first asked for help, and you can bring someone with you.",
     {"retell_story", "known_person_present", "choice_offered"}, (2, 2, 2, 3, 2, 2)),
]


def rows(seed: int = SEED) -> list[dict[str, str]]:
    """Return the process as a list of CSV rows (strings), one per step, in order.

    Parameters
    ----------
    seed : int
        Accepted for the same signature as every dataset module; the rows are
        written by hand, so it changes nothing.

    Examples
    --------
    >>> steps = rows()
    >>> len(steps), steps[0]["step_name"], steps[0]["safety"]
    (12, 'Getting in touch', '2')
    >>> steps == rows()
    True
    """
    records = []
    for number, (name, who, description, features, scores) in enumerate(_STEPS, start=1):
        record = {"step": str(number), "step_name": name, "description": description,
                  "who": who}
        record |= {feature: "yes" if feature in features else "no" for feature in FEATURE_IDS}
        record |= {p: str(score) for p, score in zip(PRINCIPLE_IDS, scores, strict=True)}
        records.append(record)
    return records


def _whole(frame: pd.DataFrame, column: str, path: Path, hint: str) -> None:
    """Raise for the first row whose ``column`` is not a whole number."""
    values = frame[column]
    bad = values != values.round()
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raw = values.iloc[position]
        raise CompassDataError(f"'{raw:g}' is not a whole number", file=path, column=column,
                               row=position + 2, hint=hint)


def _unique(frame: pd.DataFrame, column: str, path: Path, what: str, hint: str) -> None:
    """Raise for the first row that repeats an earlier value of ``column``."""
    repeated = frame[column].duplicated()
    if repeated.any():
        position = int(repeated.to_numpy().argmax())
        value = frame[column].iloc[position]
        value = f"{value:g}" if isinstance(value, float) else value
        raise CompassDataError(f"{what} '{value}' appears twice", file=path, column=column,
                               row=position + 2, hint=hint)


def load_process_steps(path: str | Path | None = None) -> pd.DataFrame:
    """Load a service process, step by step: the shipped synthetic one, or your own CSV.

    The file needs the columns ``step, step_name, description, who``, the six
    features ``retell_story, unexplained_wait, sanction_warning, choice_offered,
    known_person_present, own_language`` (yes or no) and the six principles
    ``safety, trust, choice, collaboration, empowerment, cultural_consideration``
    (whole numbers from 0 to 3); see ``data/process_steps.md``. Step numbers and
    step names must each be different. Extra columns are kept.

    Parameters
    ----------
    path : str or Path, optional
        A CSV file. Leave it out for the course's synthetic Ashworth process.

    Returns
    -------
    pandas.DataFrame
        One row per step, in the file's order; ``step`` and the scores as whole
        numbers (int), the features as bool.

    Raises
    ------
    CompassDataError
        Naming the file, column and first bad row, and what to do.

    Examples
    --------
    >>> steps = load_process_steps()
    >>> len(steps), int(steps["step"].max()), steps["retell_story"].dtype.name
    (12, 12, 'bool')
    """
    frame = load_table(path, SCHEMA)
    where = shipped_path(SCHEMA.shipped) if path is None else Path(path)
    _whole(frame, "step", where, "Number the steps 1, 2, 3 and so on.")
    for name in PRINCIPLE_IDS:
        _whole(frame, name, where, _SCORE_HINT)
    _unique(frame, "step", where, "step number",
            "Give each step its own number, in the order a person meets them.")
    _unique(frame, "step_name", where, "the step name",
            "Give each step its own name, such as 'Waiting for a decision (second time)'.")
    for name in ("step", *PRINCIPLE_IDS):
        frame[name] = frame[name].astype(int)
    return frame
