"""A self-study learner's progress through the course, module by module.

Two sources are read, and nothing is written:

- the **course notebooks** (``course/NN-*.ipynb``) say what each module contains: its
  title and tools (from the notebook's ``compass`` metadata), and its self-checks
  and reflections, found by reading the code cells for ``SelfCheck("NN", "key",
  question, ...)`` and ``Reflection("NN", "key", prompt)`` calls (the code is parsed,
  never run);
- the **learner store** (:class:`~compass_widgets.store.LearnerStore`) says what the
  learner has done: ``check:<key>`` answers, ``reflection:<key>`` texts and
  ``tool:<Name>`` saved analyses.

A module is *finished* when every self-check in it has been answered correctly and
every reflection written (not blank); *started* when anything in it is saved; else
*not started*. Without the notebooks, the store alone is reported: a module can then
be started but never finished, since what it contains is unknown.

:func:`learner_progress` is the way in; the ``compass progress`` command prints its
:meth:`CourseProgress.table`, :meth:`CourseProgress.summary` and
:meth:`CourseProgress.next_step`. No widget or chart library is imported here.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store import LearnerStore

#: The course's interactive tools, whose saved state is ``tool:<name>`` in a module.
TOOL_NAMES = (
    "CompassSelfAssessment", "ContractPortfolio", "DemandAnalyser", "SituationSorter",
    "JourneyMap", "AssetMap", "ProcessAudit", "ImmuneResponse", "MeasureExplorer",
    "RouteChooser", "StewardshipSimulator",
)
SELF_ASSESSMENT = "CompassSelfAssessment"
NOT_STARTED, STARTED, FINISHED = "not started", "started", "finished"


# -- what the course contains ------------------------------------------------------------
@dataclass(frozen=True)
class ModuleContents:
    """What one course module asks of a learner, read from its notebook.

    Parameters
    ----------
    module : str
        The module number, such as ``"02"``.
    title : str
        The module's title.
    notebook : str
        The notebook's file name, such as ``"02-failure-demand.ipynb"``.
    checks : Mapping[str, str]
        ``{key: question}`` for each self-check, in notebook order.
    reflections : Mapping[str, str]
        ``{key: prompt}`` for each reflection, in notebook order.
    tools : tuple of str
        The course tools the module uses (from :data:`TOOL_NAMES`).
    """

    module: str
    title: str
    notebook: str
    checks: Mapping[str, str] = field(default_factory=dict)
    reflections: Mapping[str, str] = field(default_factory=dict)
    tools: tuple[str, ...] = ()


def _calls(source: str) -> Iterator[tuple[str, list[Any], dict[str, Any]]]:
    """Yield ``(name, literal args, literal keywords)`` for each function call in ``source``.

    An argument that is not a literal (a variable, an f-string) is given as None.
    """
    # IPython magics and shell lines are not Python; blank them so the rest parses.
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else "")
        yield name, [_literal(a) for a in node.args], {
            k.arg: _literal(k.value) for k in node.keywords if k.arg}


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None


def _argument(args: list[Any], keywords: dict[str, Any], index: int, name: str) -> Any:
    return args[index] if len(args) > index else keywords.get(name)


def read_notebook(path: str | Path) -> ModuleContents | None:
    r"""Return what a course notebook contains, or None if it is not a course module.

    Examples
    --------
    >>> import json, tempfile
    >>> cell = ('SelfCheck("02", "bin", "Is it failure demand?", [("Yes", True, "")])\n'
    ...         'Reflection("02", "start", "Where " "would you start?")')
    >>> nb = {"metadata": {"compass": {"module": "02", "title": "Failure demand",
    ...                                "tools": ["DemandAnalyser", "SelfCheck"]}},
    ...       "cells": [{"cell_type": "code", "source": cell}]}
    >>> path = Path(tempfile.mkdtemp()) / "02-failure-demand.ipynb"
    >>> _ = path.write_text(json.dumps(nb))
    >>> contents = read_notebook(path)
    >>> dict(contents.checks), dict(contents.reflections), contents.tools
    ({'bin': 'Is it failure demand?'}, {'start': 'Where would you start?'}, ('DemandAnalyser',))
    """
    path = Path(path)
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    meta = notebook.get("metadata", {}).get("compass") if isinstance(notebook, dict) else None
    if not isinstance(meta, dict) or not meta.get("module"):
        return None
    module = str(meta["module"])
    checks: dict[str, str] = {}
    reflections: dict[str, str] = {}
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        if "SelfCheck" not in source and "Reflection" not in source:
            continue
        for name, args, keywords in _calls(source):
            if name not in ("SelfCheck", "Reflection"):
                continue
            where = _argument(args, keywords, 0, "module")
            key = _argument(args, keywords, 1, "key")
            text = _argument(args, keywords, 2, "question" if name == "SelfCheck" else "prompt")
            if where != module or not isinstance(key, str):
                continue  # saved under another module, or a key made at run time
            found = checks if name == "SelfCheck" else reflections
            found[key] = text if isinstance(text, str) else ""
    tools = tuple(str(t) for t in meta.get("tools", []) if t in TOOL_NAMES)
    return ModuleContents(module, str(meta.get("title", "")), path.name, checks, reflections,
                          tools)


def read_course(course: str | Path) -> dict[str, ModuleContents]:
    """Return ``{module: contents}`` for every course notebook in ``course``, in module order.

    A folder with no course notebooks gives ``{}``.
    """
    found = {}
    for path in sorted(Path(course).glob("*.ipynb")):
        contents = read_notebook(path)
        if contents is not None and contents.module not in found:
            found[contents.module] = contents
    return dict(sorted(found.items()))


# -- what the learner has done -----------------------------------------------------------
@dataclass(frozen=True)
class ModuleProgress:
    """How far a learner has got in one module.

    ``checks`` and ``reflections`` are what the module contains (None when its
    notebook was not found); the other fields are what the store holds.

    Examples
    --------
    >>> p = ModuleProgress("02", "Failure demand", checks=("a", "b"), checks_correct=("a",),
    ...                    checks_answered=("a", "b"), reflections=("r",), saved=3)
    >>> p.status, p.checks_text, p.reflections_text
    ('started', '1 of 2', '0 of 1')
    >>> p.missing()
    "answer self-check 'b' correctly; write the reflection 'r'"
    """

    module: str
    title: str = ""
    notebook: str | None = None
    checks: tuple[str, ...] | None = None
    checks_answered: tuple[str, ...] = ()
    checks_correct: tuple[str, ...] = ()
    reflections: tuple[str, ...] | None = None
    reflections_written: tuple[str, ...] = ()
    tools: tuple[str, ...] = ()
    tools_used: tuple[str, ...] = ()
    statements_answered: tuple[int, int] | None = None
    saved: int = 0

    @property
    def status(self) -> str:
        """``"not started"``, ``"started"`` or ``"finished"``."""
        if not self.saved:
            return NOT_STARTED
        if self.checks is None or self.reflections is None:
            return STARTED  # without the notebook, what is left to do is unknown
        done = (set(self.checks) <= set(self.checks_correct)
                and set(self.reflections) <= set(self.reflections_written))
        return FINISHED if done else STARTED

    @property
    def checks_text(self) -> str:
        """Self-checks passed, such as ``"3 of 4"``."""
        if self.checks is None:
            return f"{len(self.checks_correct)} right of {len(self.checks_answered)} answered"
        return f"{len(set(self.checks_correct) & set(self.checks))} of {len(self.checks)}"

    @property
    def reflections_text(self) -> str:
        """Reflections written, such as ``"1 of 1"``."""
        if self.reflections is None:
            return f"{len(self.reflections_written)} written"
        written = set(self.reflections_written) & set(self.reflections)
        return f"{len(written)} of {len(self.reflections)}"

    @property
    def tools_text(self) -> str:
        """The tools whose work is saved, with the self-assessment's statements answered."""
        parts = []
        for tool in self.tools_used:
            if tool == SELF_ASSESSMENT and self.statements_answered:
                answered, total = self.statements_answered
                parts.append(f"{tool} ({answered} of {total} statements)")
            else:
                parts.append(tool)
        return ", ".join(parts) or "-"

    def missing(self) -> str:
        """Say what is left to finish the module ("" when finished or unknown)."""
        parts = []
        if self.checks is not None:
            left = [k for k in self.checks if k not in self.checks_correct]
            if left:
                keys = ", ".join(repr(k) for k in left)
                parts.append(f"answer self-check{'s' if len(left) > 1 else ''} {keys} correctly")
        if self.reflections is not None:
            left = [k for k in self.reflections if k not in self.reflections_written]
            if left:
                keys = ", ".join(repr(k) for k in left)
                parts.append(f"write the reflection{'s' if len(left) > 1 else ''} {keys}")
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Return the module's progress as JSON-able data."""
        return {
            "module": self.module, "title": self.title, "notebook": self.notebook,
            "status": self.status,
            "checks": {"expected": list(self.checks) if self.checks is not None else None,
                       "answered": list(self.checks_answered),
                       "correct": list(self.checks_correct)},
            "reflections": {"expected": (list(self.reflections)
                                         if self.reflections is not None else None),
                            "written": list(self.reflections_written)},
            "tools": {"in_module": list(self.tools), "used": list(self.tools_used)},
            "self_assessment": ({"answered": self.statements_answered[0],
                                 "statements": self.statements_answered[1]}
                                if self.statements_answered else None),
            "saved_entries": self.saved,
            "missing": self.missing(),
        }


@dataclass(frozen=True)
class CourseProgress:
    """A learner's progress through every module.

    Parameters
    ----------
    modules : tuple of ModuleProgress
        Course modules in order, then any module found only in the store.
    home : Path
        The learner store's folder.
    course : Path or None
        The course folder the notebooks were read from; None if none was found.
    """

    modules: tuple[ModuleProgress, ...]
    home: Path
    course: Path | None = None

    def count(self, status: str) -> int:
        """Return how many modules have ``status``."""
        return sum(1 for m in self.modules if m.status == status)

    def summary(self) -> str:
        """Return a one-line summary of the whole course.

        Examples
        --------
        >>> done = ModuleProgress("00", checks=("a",), checks_answered=("a",),
        ...                       checks_correct=("a",), reflections=(), saved=1)
        >>> CourseProgress((done, ModuleProgress("01", checks=("b",), reflections=("r",))),
        ...                Path("home")).summary()
        '1 of 2 modules finished, 0 started, 1 not started; 1 of 2 self-checks passed, 0 of 1 reflections written.'
        """  # noqa: E501
        n = len(self.modules)
        known = [m for m in self.modules if m.checks is not None and m.reflections is not None]
        checks = sum(len(set(m.checks_correct) & set(m.checks or ())) for m in known)
        all_checks = sum(len(m.checks or ()) for m in known)
        written = sum(len(set(m.reflections_written) & set(m.reflections or ())) for m in known)
        all_written = sum(len(m.reflections or ()) for m in known)
        text = (f"{self.count(FINISHED)} of {n} module{'s' if n != 1 else ''} finished, "
                f"{self.count(STARTED)} started, {self.count(NOT_STARTED)} not started")
        if known:
            text += (f"; {checks} of {all_checks} self-checks passed, {written} of "
                     f"{all_written} reflections written")
        return text + "."

    def next_step(self) -> str:
        """Suggest what to do next: the first module not finished, and what it still needs."""
        if self.course is None:
            return ("The course notebooks were not found, so what is left to do is unknown. "
                    "Run this from the compass folder, or give --course PATH.")
        for m in self.modules:
            if m.checks is None:
                continue
            where = f"module {m.module}" + (f" ({m.notebook})" if m.notebook else "")
            if m.status == NOT_STARTED:
                return f"Next step: open {where} and work through it."
            if m.status == STARTED:
                return f"Next step: in {where}, {m.missing()}."
        return ("Every module is finished. Make a portfolio of your work with "
                "`compass portfolio --out portfolio.html`.")

    def table(self) -> str:
        """Return the progress as a plain-text table, one row per module."""
        head = ("Module", "Title", "Status", "Self-checks", "Reflections", "Tools used")
        rows = [(m.module, _clip(m.title or "(not in the course folder)", 44), m.status,
                 m.checks_text, m.reflections_text, m.tools_text) for m in self.modules]
        widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head) - 1)]

        def line(row: tuple[str, ...]) -> str:
            cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=False)]
            return "  ".join([*cells, str(row[-1])]).rstrip()

        rule = "  ".join("-" * w for w in widths) + "  " + "-" * len(head[-1])
        return "\n".join([line(head), rule, *(line(r) for r in rows)])

    def to_dict(self) -> dict[str, Any]:
        """Return the whole progress as JSON-able data (what ``--json`` prints)."""
        return {
            "home": str(self.home),
            "course": str(self.course) if self.course is not None else None,
            "summary": {"modules": len(self.modules), "finished": self.count(FINISHED),
                        "started": self.count(STARTED), "not_started": self.count(NOT_STARTED),
                        "text": self.summary()},
            "next_step": self.next_step(),
            "modules": [m.to_dict() for m in self.modules],
        }


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def module_progress(store: LearnerStore, module: str,
                    contents: ModuleContents | None = None) -> ModuleProgress:
    """Return how far the learner has got in ``module``, from what ``store`` holds.

    Examples
    --------
    >>> import tempfile
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> store.save("02", "check:bin", {"answer": "Yes", "correct": True})
    >>> store.save("02", "reflection:start", "  ")
    >>> p = module_progress(store, "02", ModuleContents("02", "Failure demand", "02.ipynb",
    ...                     {"bin": "?"}, {"start": "?"}))
    >>> p.status, p.checks_text, p.reflections_text
    ('started', '1 of 1', '0 of 1')
    """
    saved = store.answers(module)
    answered, correct, written, used = [], [], [], []
    for key, value in saved.items():
        kind, _, name = key.partition(":")
        if kind == "check" and isinstance(value, dict) and value.get("answer") is not None:
            answered.append(name)
            if value.get("correct") is True:
                correct.append(name)
        elif kind == "reflection" and isinstance(value, str) and value.strip():
            written.append(name)
        elif kind == "tool" and name:
            used.append(name)
    order = {name: i for i, name in enumerate(TOOL_NAMES)}
    used.sort(key=lambda name: (order.get(name, len(order)), name))
    statements = _statements_answered(saved.get(f"tool:{SELF_ASSESSMENT}"))
    if contents is not None:
        answered = _in_order(answered, contents.checks)
        correct = _in_order(correct, contents.checks)
        written = _in_order(written, contents.reflections)
    return ModuleProgress(
        module=module,
        title=contents.title if contents else "",
        notebook=contents.notebook if contents else None,
        checks=tuple(contents.checks) if contents else None,
        checks_answered=tuple(answered), checks_correct=tuple(correct),
        reflections=tuple(contents.reflections) if contents else None,
        reflections_written=tuple(written),
        tools=contents.tools if contents else (),
        tools_used=tuple(used),
        statements_answered=statements,
        saved=len(saved),
    )


def _in_order(keys: list[str], expected: Mapping[str, str]) -> list[str]:
    """Return ``keys`` in the notebook's order, then any the notebook no longer has."""
    order = {key: i for i, key in enumerate(expected)}
    return sorted(keys, key=lambda k: (order.get(k, len(order)), k))


def _statements_answered(saved: Any) -> tuple[int, int] | None:
    """Return (answered, in the form) for a saved self-assessment, or None."""
    if not isinstance(saved, Mapping):
        return None
    from .data.compass_statements import load_compass_statements
    from .models.self_assessment import SelfAssessment

    assessment = SelfAssessment.from_dict(load_compass_statements(), saved)
    return assessment.answered_count, assessment.statement_count


def learner_progress(store: LearnerStore | None = None,
                     course: str | Path | None = None) -> CourseProgress:
    """Return the learner's progress through the course.

    Parameters
    ----------
    store : LearnerStore, optional
        The learner's answers; by default the learner's own store.
    course : str or Path, optional
        The folder of course notebooks. If it is missing or holds no course
        notebook, only what the store holds is reported (``course`` is then None).

    Examples
    --------
    >>> import tempfile
    >>> store = LearnerStore(tempfile.mkdtemp())
    >>> store.save("00", "reflection:starting-point", "We buy hours of care.")
    >>> progress = learner_progress(store, course=tempfile.mkdtemp())
    >>> progress.course is None, [(m.module, m.status) for m in progress.modules]
    (True, [('00', 'started')])
    """
    store = store if store is not None else LearnerStore()
    contents = read_course(course) if course is not None and Path(course).is_dir() else {}
    names = list(contents) + [m for m in store.modules() if m not in contents]
    return CourseProgress(
        modules=tuple(module_progress(store, m, contents.get(m)) for m in names),
        home=store.home,
        course=Path(course) if contents and course is not None else None,
    )
