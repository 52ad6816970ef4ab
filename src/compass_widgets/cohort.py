"""Autograde a whole cohort at once, using nbgrader's own converter and gradebook.

``nbgrader autograde`` grades one submission after another and shows no progress
(nbgrader issues #174 and #1456). Its ``Autograde`` converter handles each
submission in two halves:

1. **sanitise**: create the student and submission records, clear the outputs and
   put every read-only cell back from the gradebook;
2. **autograde**: run the clean notebook in a new kernel, then save the score of
   each grade cell (``SaveAutoGrades``) and any late penalty.

Running the kernel is the only slow part, and it does not touch the gradebook.
:func:`grade_cohort` splits the converter there:

- the **parent** process sanitises each submission with nbgrader's own code;
- **workers**, one for each core, run the clean notebooks with
  :class:`GuardedExecute` and the other preprocessors nbgrader runs before it saves
  grades. Workers never open the gradebook;
- as each worker finishes, the parent runs the rest of nbgrader's pipeline
  (``SaveAutoGrades``, ``AssignLatePenalties``, ``CheckCellMetadata``) on the run
  notebook and writes it to ``autograded/``.

So one process writes to ``gradebook.db``, one submission at a time, with the same
code as ``nbgrader autograde``: every grade, score and flag comes out the same.
Feedback is then made in parallel by nbgrader's ``GenerateFeedback``, which only
reads the gradebook, while nothing writes to it.

:class:`GuardedExecute` is nbgrader's ``Execute`` with three additions:

- a time limit for the whole submission as well as for each cell;
- a memory limit on the kernel (``RLIMIT_AS``, set in the kernel process);
- if the kernel dies (``os._exit``, a segmentation fault, the memory limit), the
  cells that did not run get an error output, so their checks score 0. A check
  with no output counts as passed in nbgrader, which once gave full marks to the
  checks after a crash (nbgrader issue #427). ``nbgrader autograde`` now stops
  and leaves such a submission ungraded (issue #1033); this module scores it.

A submission that never finishes is stopped at its time limit; a submission whose
grading process must be killed scores 0 for every check. Each problem is reported
with a reason, and the rest of the cohort is graded.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import logging
import math
import multiprocessing
import os
import re
import signal
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nbgrader.preprocessors import Execute
from traitlets import Float, Integer, default

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext
    from multiprocessing.process import BaseProcess

    from nbformat import NotebookNode

__all__ = [
    "CohortError",
    "CohortReport",
    "ExecutionReport",
    "GuardedExecute",
    "Progress",
    "SubmissionResult",
    "export_grades",
    "grade_cohort",
    "kernel_limits",
    "mark_not_run",
]

#: The columns of ``nbgrader export``, in its order; :func:`export_grades` adds more after.
NBGRADER_EXPORT_COLUMNS = (
    "assignment", "duedate", "timestamp", "student_id", "last_name", "first_name",
    "email", "raw_score", "late_submission_penalty", "score", "max_score",
)
_READY = "ready"  # what a worker says once it has loaded the course's configuration
_PR_SET_PDEATHSIG = 1
# nbgrader's OverwriteCells logs this (with four arguments) for each cell it puts back.
_CHANGED = "Attribute '%s' for cell %s has changed! (should be: %s, got: %s)"


class CohortError(Exception):
    """The cohort cannot be graded at all; the message says why and what to do."""


# --- running one notebook -------------------------------------------------------------


@dataclass
class ExecutionReport:
    """What went wrong while one notebook ran, cell by cell.

    Cells are named by their nbgrader ``grade_id``, or ``cell N`` (counting from 1).

    Attributes
    ----------
    timed_out : list of str
        Cells stopped because they ran longer than the per-cell timeout.
    out_of_memory : list of str
        Cells that raised ``MemoryError``.
    kernel_stopped : str or None
        The cell in which the kernel died, and how, for example
        ``"share_by_service: it exited with code 1"``.
    unresponsive : str or None
        The cell that went on running after it was interrupted at its timeout, so
        the kernel could run nothing else.
    time_limit : str or None
        The cell that was running when the submission's time limit stopped the run,
        or None.
    not_run : list of str
        Code cells that never ran because the kernel died or time ran out.
    seconds : float
        Wall-clock time of the run, kernel start and stop included.
    """

    timed_out: list[str] = field(default_factory=list)
    out_of_memory: list[str] = field(default_factory=list)
    kernel_stopped: str | None = None
    unresponsive: str | None = None
    time_limit: str | None = None
    not_run: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def problems(self, cell_timeout: float | None, time_limit: float | None,
                 memory_mb: int | None) -> list[str]:
        """Describe each problem in a sentence for the tutor.

        Examples
        --------
        >>> report = ExecutionReport(timed_out=["share_by_service"])
        >>> report.problems(cell_timeout=5, time_limit=60, memory_mb=None)
        ['a cell ran for more than 5 s and was stopped: share_by_service']
        """
        found: list[str] = []
        if self.timed_out:
            limit = f"more than {cell_timeout:g} s" if cell_timeout else "too long"
            found.append(f"a cell ran for {limit} and was stopped: {', '.join(self.timed_out)}")
        if self.out_of_memory:
            limit = f" (limit {memory_mb} MB)" if memory_mb else ""
            found.append(f"ran out of memory{limit} in: {', '.join(self.out_of_memory)}")
        if self.kernel_stopped:
            found.append(f"the kernel stopped in {self.kernel_stopped}")
        if self.unresponsive:
            found.append(f"a cell went on running after it was interrupted, so nothing "
                         f"after it could run: {self.unresponsive}")
        if self.time_limit:
            limit = f" of {time_limit:g} s" if time_limit else ""
            found.append(f"grading stopped at the time limit{limit} for a submission, "
                         f"in {self.time_limit}")
        if self.not_run:
            count = len(self.not_run)
            found.append(f"{count} cell{'s' if count != 1 else ''} did not run, so "
                         f"{'their checks score' if count != 1 else 'its check scores'} 0")
        return found


def _read_notebook(path: str | Path) -> NotebookNode:
    import nbformat

    # nbformat's functions carry no type hints.
    notebook: NotebookNode = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    return notebook


def _label(cell: NotebookNode, index: int) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return str(grade_id) if grade_id else f"cell {index + 1}"


def _error_output(ename: str, evalue: str) -> NotebookNode:
    from nbformat.v4 import new_output

    # nbformat's constructors carry no type hints.
    output: NotebookNode = new_output(  # type: ignore[no-untyped-call]
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )
    return output


def mark_not_run(cell: NotebookNode, reason: str) -> None:
    """Give a code cell that never ran an error output, so its check scores 0, not full marks.

    nbgrader scores a grade cell by its outputs: an error scores 0, and *no output at
    all scores full marks*. A check that never ran must therefore carry an error.

    Parameters
    ----------
    cell : NotebookNode
        A code cell; other cells are left alone.
    reason : str
        Why the cell did not run, in plain words.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell
    >>> cell = new_code_cell("assert answer == 42")
    >>> mark_not_run(cell, "the kernel stopped before this cell.")
    >>> cell.outputs[0].ename
    'CellNotRun'
    """
    if cell.get("cell_type") != "code":
        return
    cell.outputs = [_error_output("CellNotRun", f"This cell did not run: {reason}")]
    cell.execution_count = None


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped responding"
    if code >= 0:
        return f"it exited with code {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    if name == "SIGSEGV":
        return "it crashed with a segmentation fault (SIGSEGV)"
    if name == "SIGKILL":
        return "it was killed (SIGKILL), perhaps by the system for using too much memory"
    return f"it was stopped by {name}"


def _load_prctl() -> Callable[..., int] | None:
    """Return libc's ``prctl`` on Linux, to be called in a child before it runs the kernel."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        prctl: Callable[..., int] = libc.prctl
    except (OSError, AttributeError):
        return None
    return prctl


def kernel_limits(memory_mb: int | None) -> Callable[[], None]:
    """Return a function for ``Popen(preexec_fn=...)`` that limits a kernel process.

    In the child, after ``fork`` and before the kernel starts, it sets the address
    space limit (``RLIMIT_AS``) to ``memory_mb`` megabytes, soft and hard, so the
    learner's code cannot raise it again; an allocation past it raises
    ``MemoryError`` in the kernel. On Linux it also asks for the kernel to be killed
    if the grading process that started it dies.

    Parameters
    ----------
    memory_mb : int or None
        The limit in megabytes (2**20 bytes), or None for no limit.

    Returns
    -------
    callable
        A function of no arguments.
    """
    limit: int | None = None
    if memory_mb:
        import resource

        limit = memory_mb * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)  # a child may not raise its hard limit
    prctl = _load_prctl()

    def apply() -> None:
        # The grading process ignores Ctrl+C; the kernel must not, or no cell could
        # be interrupted at its timeout.
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        if limit is not None:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        if prctl is not None:
            prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)

    return apply


# nbgrader has no type information, so mypy sees Execute as Any.
class GuardedExecute(Execute):  # type: ignore[misc]
    """nbgrader's ``Execute``, with a time limit for the whole notebook and a memory limit.

    Everything ``Execute`` does is kept: each cell may run for ``timeout`` seconds,
    then the kernel is interrupted and the cell gets a ``CellTimeoutError``; errors
    do not stop the run. On top of that:

    - ``deadline`` (a :func:`time.monotonic` time) caps every cell's timeout at the
      time left; once it has passed, no more cells run;
    - ``memory_limit_mb`` limits the kernel's address space (``RLIMIT_AS``);
    - if the kernel dies, the cell it died in and every later code cell get an error
      output, so their checks score 0 (see :func:`mark_not_run`);
    - the kernel is stopped at once when the run ends, not asked to shut down.

    After :meth:`preprocess`, ``report`` holds an :class:`ExecutionReport`.
    """

    memory_limit_mb = Integer(
        0, help="Address-space limit of the kernel process, in MB (0: no limit)."
    ).tag(config=True)
    deadline = Float(
        None, allow_none=True,
        help="time.monotonic() after which no more cells run (None: no limit).",
    )

    @default("shutdown_kernel")
    def _default_shutdown_kernel(self) -> str:
        # The outputs are all in by now; a graceful shutdown only waits.
        return "immediate"

    def _timeout_for(self, cell: NotebookNode) -> int | None:
        """Return the cell's timeout: nbgrader's, but never past the deadline."""
        timeout = int(self.timeout) if self.timeout and self.timeout > 0 else None
        if self.deadline is None:
            return timeout
        left = max(1, math.ceil(self.deadline - time.monotonic()))
        return left if timeout is None else min(timeout, left)

    def _out_of_time(self) -> bool:
        # A second's slack: a cell cut at the deadline finishes a moment before it.
        return self.deadline is not None and time.monotonic() >= self.deadline - 1.0

    def _kernel_exit_code(self) -> int | None:
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        if process is None:
            return None
        try:
            code = process.wait(timeout=2)
        except Exception:  # noqa: BLE001 (still running, or already reaped: say we do not know)
            return None
        return int(code) if code is not None else None

    def preprocess(
        self, nb: NotebookNode, resources: Any = None, km: Any = None
    ) -> tuple[NotebookNode, Any]:
        """Run every code cell of ``nb`` in a new kernel, within the limits.

        The same steps as ``ExecutePreprocessor.preprocess``, with the checks above
        between cells.
        """
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError

        started = time.monotonic()
        NotebookClient.__init__(self, nb, km)
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        self.timeout_func = self._timeout_for
        report = ExecutionReport()
        self.report = report
        timeout_ename = (self.error_on_timeout or {}).get("ename", "CellTimeoutError")
        with self.setup_kernel(preexec_fn=kernel_limits(self.memory_limit_mb or None)):
            assert self.kc is not None
            info_msg = self.wait_for_reply(self.kc.kernel_info())
            assert info_msg is not None
            self.nb.metadata["language_info"] = info_msg["content"]["language_info"]
            stopped: str | None = None
            for index, cell in enumerate(self.nb.cells):
                if cell.cell_type != "code":
                    continue
                if stopped is None and self._out_of_time():
                    report.time_limit = _label(cell, index)
                    stopped = "grading reached the time limit for this submission."
                if stopped is not None:
                    mark_not_run(cell, stopped)
                    report.not_run.append(_label(cell, index))
                    continue
                try:
                    self.preprocess_cell(cell, resources, index)
                except DeadKernelError:
                    how = _describe_exit(self._kernel_exit_code())
                    cell.outputs.append(_error_output(
                        "DeadKernelError", f"The kernel stopped while running this cell: {how}."
                    ))
                    report.kernel_stopped = f"{_label(cell, index)}: {how}"
                    stopped = "the kernel stopped in an earlier cell."
                    continue
                except CellTimeoutError:
                    # Interrupted at its timeout, the cell ran on (it ignores Ctrl+C, or is
                    # stuck in C code): nbgrader gives up on the whole submission here.
                    cell.outputs.append(_error_output(
                        "CellTimeoutError", "This cell went on running after it was "
                        "interrupted at its time limit, so it was stopped."
                    ))
                    report.unresponsive = _label(cell, index)
                    stopped = "an earlier cell would not stop when it was interrupted."
                    continue
                enames = {o.get("ename") for o in cell.outputs if o.output_type == "error"}
                if timeout_ename in enames and self._out_of_time():
                    # Cut short by the submission's limit, not by the cell timeout.
                    report.time_limit = _label(cell, index)
                    stopped = "grading reached the time limit for this submission."
                elif timeout_ename in enames:
                    report.timed_out.append(_label(cell, index))
                if "MemoryError" in enames:
                    report.out_of_memory.append(_label(cell, index))
        self.set_widgets_metadata()
        report.seconds = time.monotonic() - started
        return self.nb, self.resources


def _guarded(cls: type[Any]) -> type[Any]:
    """Return ``cls`` (an ``Execute`` class) with :class:`GuardedExecute`'s limits."""
    if issubclass(cls, GuardedExecute):
        return cls
    if cls is Execute:
        return GuardedExecute
    return type(f"Guarded{cls.__name__}", (GuardedExecute, cls), {})


def _split_autograde(preprocessors: Sequence[Any]) -> tuple[list[type[Any]], list[type[Any]]]:
    """Split ``Autograde.autograde_preprocessors`` into the worker's part and the parent's.

    Everything before ``SaveAutoGrades`` runs the notebook and tidies its outputs;
    ``SaveAutoGrades`` and everything after it write to the gradebook.
    """
    from nbgrader.preprocessors import SaveAutoGrades
    from traitlets.utils.importstring import import_item

    classes = [import_item(p) if isinstance(p, str) else p for p in preprocessors]
    for index, cls in enumerate(classes):
        if issubclass(cls, SaveAutoGrades):
            return classes[:index], classes[index:]
    raise CohortError("Autograde.autograde_preprocessors has no SaveAutoGrades, so no grades "
                      "would be saved. Check nbgrader_config.py.")


# --- nbgrader set-up ---------------------------------------------------------------------


def _load_app(course: Path, assignment: str, log_file: Path | None) -> Any:
    """Load the course's nbgrader configuration, as ``nbgrader autograde`` run there would."""
    from nbgrader.apps.autogradeapp import AutogradeApp

    app = AutogradeApp()
    app.initialize([f"--CourseDirectory.root={course}"])
    app.coursedir.assignment_id = assignment
    if log_file is not None:
        handler = logging.FileHandler(log_file, encoding="utf-8")
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s [%(process)d %(levelname)s] %(message)s", "%H:%M:%S"
        ))
        for old in list(app.log.handlers):
            app.log.removeHandler(old)
        app.log.addHandler(handler)
        app.log.propagate = False
    return app


@contextlib.contextmanager
def _warnings_to_log(log: logging.Logger) -> Iterator[None]:
    """Send Python warnings (SQLAlchemy's, from nbgrader) to the log, not over the progress."""
    with warnings.catch_warnings():

        def show(message: Warning | str, category: type[Warning], filename: str, lineno: int,
                 file: TextIO | None = None, line: str | None = None) -> None:
            log.warning("%s:%s: %s: %s", filename, lineno, category.__name__, message)

        warnings.showwarning = show
        yield


@contextlib.contextmanager
def _working_directory(path: str) -> Iterator[None]:
    """Run in ``path``, as nbgrader's converters do, and come back afterwards."""
    before = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


# --- the worker process --------------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    course: str
    assignment: str
    cell_timeout: float | None
    time_limit: float
    memory_mb: int | None
    log_file: str | None


@dataclass(frozen=True)
class _GradeJob:
    student: str
    notebooks: tuple[tuple[str, dict[str, Any]], ...]  # (autograded path, nbgrader resources)


@dataclass(frozen=True)
class _FeedbackJob:
    student: str
    force: bool


@dataclass
class _GradeDone:
    student: str
    reports: list[ExecutionReport]
    error: str | None = None


@dataclass
class _FeedbackDone:
    student: str
    error: str | None = None


def _write_atomically(path: str, text: str) -> None:
    temporary = f"{path}.compass-tmp"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


class _WorkerState:
    """What a worker keeps between jobs: the nbgrader app, converters and exporters."""

    def __init__(self, settings: _Settings) -> None:
        from nbgrader.converters import Autograde

        self.settings = settings
        self.app = _load_app(Path(settings.course), settings.assignment,
                             Path(settings.log_file) if settings.log_file else None)
        self.autograde = Autograde(coursedir=self.app.coursedir, parent=self.app)
        self.run_part, _ = _split_autograde(self.autograde.autograde_preprocessors)
        # The command line's limits, as config: GuardedExecute.preprocess reloads its
        # configuration (as ExecutePreprocessor does), which would undo plain attributes.
        self.config = copy.deepcopy(self.autograde.config)
        if settings.cell_timeout is not None:
            self.config.GuardedExecute.timeout = int(math.ceil(settings.cell_timeout))
        self.config.GuardedExecute.memory_limit_mb = settings.memory_mb or 0
        self.feedback: Any = None

    def grade(self, job: _GradeJob) -> _GradeDone:
        from nbgrader import utils

        deadline = time.monotonic() + self.settings.time_limit
        reports: list[ExecutionReport] = []
        for path, resources in job.notebooks:
            exporter = self.autograde.exporter_class(parent=self.autograde, config=self.config)
            guard: GuardedExecute | None = None
            for cls in self.run_part:
                if issubclass(cls, Execute):
                    guard = _guarded(cls)(parent=exporter)
                    guard.deadline = deadline
                    exporter.register_preprocessor(guard)
                else:
                    exporter.register_preprocessor(cls)
            try:
                with utils.setenv(NBGRADER_EXECUTION="autograde"):
                    output, _ = exporter.from_filename(path, resources=dict(resources))
            except Exception as error:  # noqa: BLE001 (reported to the parent, which records it)
                self.app.log.exception("Could not run %s", path)
                return _GradeDone(job.student, reports, _explain(error, self.settings))
            _write_atomically(path, output)
            reports.append(guard.report if guard is not None else ExecutionReport())
        return _GradeDone(job.student, reports)

    def make_feedback(self, job: _FeedbackJob) -> _FeedbackDone:
        from nbconvert.writers.files import FilesWriter
        from nbgrader.converters import GenerateFeedback
        from nbgrader.converters.base import NbGraderException

        coursedir = self.app.coursedir
        if self.feedback is None:
            # One converter and one HTML exporter for every job: loading the
            # templates is the slow part of making feedback.
            converter = GenerateFeedback(coursedir=coursedir, parent=self.app)
            converter.writer = FilesWriter(  # type: ignore[no-untyped-call]
                parent=converter, config=converter.config)
            converter.exporter = converter.exporter_class(parent=converter,
                                                          config=converter.config)
            for pp in converter.preprocessors:
                converter.exporter.register_preprocessor(pp)
            self.feedback = converter
        converter = self.feedback
        coursedir.student_id = job.student
        converter.force = job.force
        try:
            converter.init_notebooks()
            with _working_directory(coursedir.root):
                converter.convert_notebooks()
        except NbGraderException as error:
            return _FeedbackDone(job.student,
                                 f"nbgrader could not make feedback ({_one_line(error)})")
        except Exception as error:  # noqa: BLE001 (reported to the parent)
            self.app.log.exception("Could not make feedback for %s", job.student)
            return _FeedbackDone(job.student, _one_line(error))
        return _FeedbackDone(job.student)


def _one_line(error: BaseException, limit: int = 200) -> str:
    """Name an error in one line: its type and the first line of its message."""
    lines = str(error).strip().splitlines()
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _explain(error: BaseException, settings: _Settings) -> str:
    from nbclient.exceptions import DeadKernelError

    text = _one_line(error)
    if isinstance(error, (DeadKernelError, RuntimeError)) and "kernel" in str(error).lower():
        hint = (f"; is the memory limit of {settings.memory_mb} MB too low for the kernel "
                "to start?") if settings.memory_mb else ""
        return f"the kernel could not start or stopped at once ({text}){hint}"
    return f"the notebook could not be run ({text})"


def _worker_main(connection: Connection, settings: _Settings) -> None:
    """Run grading and feedback jobs sent by the parent, one at a time, until told to stop."""
    # Ctrl+C reaches every process in the terminal's group: let the parent decide.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if settings.log_file:
        # Kernels inherit these, so their start-up chatter goes to the log, not the screen.
        log_fd = os.open(settings.log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        os.close(log_fd)
    state = _WorkerState(settings)
    connection.send(_READY)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        result: _GradeDone | _FeedbackDone
        if isinstance(job, _GradeJob):
            result = state.grade(job)
        else:
            result = state.make_feedback(job)
        try:
            connection.send(result)
        except (BrokenPipeError, OSError):
            return


# --- the pool of workers ---------------------------------------------------------------------


@dataclass
class _Worker:
    process: BaseProcess
    connection: Connection
    job: _GradeJob | _FeedbackJob | None = None
    started: float = 0.0
    ready: bool = False


@dataclass
class _Lost:
    """A job whose worker died or was killed: no result came back."""

    job: _GradeJob | _FeedbackJob
    reason: str


class _Pool:
    """Worker processes, each running one job at a time; a stuck or dead one is replaced."""

    def __init__(self, size: int, settings: _Settings) -> None:
        # On Linux, fork is cheapest (workers share nbgrader's imports with the parent)
        # and safe here: the parent starts no threads and holds no gradebook connection
        # when it forks. Elsewhere fork is unsafe or missing: spawn.
        self.context: BaseContext = multiprocessing.get_context(
            "fork" if sys.platform.startswith("linux") else "spawn"
        )
        self.settings = settings
        self.workers = [self._start(index) for index in range(size)]

    def _start(self, index: int) -> _Worker:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child_end, self.settings),
            name=f"compass-grade-{index}", daemon=True,
        )
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def idle(self) -> list[_Worker]:
        return [w for w in self.workers if w.job is None]

    def busy(self) -> list[_Worker]:
        return [w for w in self.workers if w.job is not None]

    def send(self, worker: _Worker, job: _GradeJob | _FeedbackJob) -> None:
        worker.job = job
        worker.started = time.monotonic()
        try:
            worker.connection.send(job)
        except (BrokenPipeError, OSError):
            pass  # the worker has died: wait() notices and reports the job as lost

    def _limit(self, job: _GradeJob | _FeedbackJob) -> float:
        if isinstance(job, _GradeJob):
            # A worker stops a submission at its time limit within a second or two;
            # one that has not answered well after that is stuck.
            return self.settings.time_limit + min(30.0, max(5.0, self.settings.time_limit / 4))
        return max(120.0, self.settings.time_limit)

    def _replace(self, worker: _Worker) -> None:
        worker.connection.close()
        index = self.workers.index(worker)
        self.workers[index] = self._start(index)

    def wait(self, timeout: float) -> list[_GradeDone | _FeedbackDone | _Lost]:
        """Return the jobs finished within ``timeout`` seconds; kill workers past their limit."""
        busy = self.busy()
        if not busy:
            time.sleep(min(timeout, 0.05))
            return []
        now = time.monotonic()
        soonest = min(w.started + self._limit(w.job) for w in busy if w.job is not None)
        waiting: list[Any] = [w.connection for w in busy] + [w.process.sentinel for w in busy]
        ready = set(wait(waiting, timeout=max(0.0, min(timeout, soonest - now))))
        finished: list[_GradeDone | _FeedbackDone | _Lost] = []
        for worker in busy:
            job = worker.job
            assert job is not None
            if worker.connection in ready:
                try:
                    message = worker.connection.recv()
                    if message == _READY:
                        worker.ready = True
                        if not worker.connection.poll():
                            continue
                        message = worker.connection.recv()
                    finished.append(message)
                    worker.job = None
                    continue
                except (EOFError, OSError):
                    pass  # it died while sending: handled as a death below
            if worker.connection in ready or worker.process.sentinel in ready:
                worker.process.join(timeout=5)
                code = worker.process.exitcode
                if not worker.ready:
                    raise CohortError("A grading process stopped before it was ready ("
                                      f"{_describe_exit(code).removeprefix('it ')}); "
                                      f"see the log, {self.settings.log_file}.")
                finished.append(_Lost(job, "the grading process stopped unexpectedly: "
                                      + _describe_exit(code)))
                self._replace(worker)
            elif time.monotonic() > worker.started + self._limit(job):
                worker.process.kill()  # its kernel dies with it (see kernel_limits)
                worker.process.join(timeout=5)
                finished.append(_Lost(job, "grading did not finish within "
                                      f"{self._limit(job):g} s, so it was stopped"))
                self._replace(worker)
        return finished

    def close(self, now: bool = False) -> None:
        """Stop the workers: when idle, or ``now``, killing any still at work."""
        for worker in self.workers:
            if now and worker.job is not None:
                worker.process.kill()  # its kernel dies with it (see kernel_limits)
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.connection.send(None)
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(timeout=5)
            worker.connection.close()
        self.workers = []


# --- progress ----------------------------------------------------------------------------------


def _duration(seconds: float) -> str:
    """Write a duration for people: ``8 s``, ``2 min 5 s``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


class Progress:
    """Show how a long job is going on a stream: done of total, failures, time left.

    On a terminal it keeps one line up to date; otherwise (a log file, a pipe, CI) it
    writes one plain line for each item as it finishes.

    Parameters
    ----------
    total : int
        How many items there are.
    what : str
        What is being done, for example ``"Grading 02-failure-demand"``.
    stream : TextIO
        Where to write, usually ``sys.stderr``.
    tty : bool, optional
        Whether ``stream`` is a terminal; by default, ask it.
    clock : callable, optional
        Returns the time in seconds (for tests).

    Examples
    --------
    >>> import io
    >>> out, now = io.StringIO(), iter([0.0, 10.0, 20.0]).__next__
    >>> progress = Progress(2, "Grading ps1", out, clock=now)
    >>> progress.done("ada", "graded")
    >>> progress.done("ben", "failed: no notebook", failed=True)
    >>> print(out.getvalue(), end="")
    [1/2; about 10 s left] ada: graded
    [2/2, 1 failed] ben: failed: no notebook
    """

    def __init__(self, total: int, what: str, stream: TextIO, tty: bool | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.what, self.stream = total, what, stream
        self.tty = stream.isatty() if tty is None else tty
        self.clock = clock
        self.started = clock()
        self.count = self.failed = self.problems = 0
        self._shown = False

    def _left(self, now: float) -> str:
        if self.count == 0:
            return "time left not known yet"
        if self.count >= self.total:
            return "finishing"
        rate = (now - self.started) / self.count
        return f"about {_duration(rate * (self.total - self.count))} left"

    def _counts(self) -> str:
        parts = []
        if self.problems:
            parts.append(f"{self.problems} with problems")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts)

    def show(self) -> None:
        """Redraw the status line (terminals only); call it now and then."""
        if not self.tty:
            return
        counts = self._counts()
        line = (f"{self.what}: {self.count} of {self.total} done"
                f"{', ' + counts if counts else ''}, {self._left(self.clock())}")
        self.stream.write("\r\x1b[2K" + line)
        self.stream.flush()
        self._shown = True

    def done(self, item: str, outcome: str, *, failed: bool = False,
             problem: bool = False) -> None:
        """Record that ``item`` has finished, and how."""
        self.count += 1
        self.failed += failed
        self.problems += problem
        if self.tty:
            if failed or problem:  # keep these on screen, above the status line
                self.stream.write(f"\r\x1b[2K{item}: {outcome}\n")
            self.show()
            return
        counts = self._counts()
        status = f"{self.count}/{self.total}{', ' + counts if counts else ''}"
        if self.count < self.total:
            status += f"; {self._left(self.clock())}"
        self.stream.write(f"[{status}] {item}: {outcome}\n")
        self.stream.flush()

    def close(self) -> None:
        """End the status line, so what follows starts on a new line."""
        if self.tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()


# --- results ------------------------------------------------------------------------------------


@dataclass
class SubmissionResult:
    """How one learner's submission went.

    Attributes
    ----------
    student : str
        The learner's nbgrader student id.
    status : str
        ``"graded"`` (scores are in the gradebook, perhaps with problems),
        ``"failed"`` (nbgrader could not grade it: nothing was scored), or
        ``"skipped"`` (already graded; use ``force`` to grade again).
    problems : list of str
        Reasons, for the tutor: a loop stopped, a kernel crash, edited read-only cells.
    seconds : float
        Time spent running the notebooks.
    score, max_score : float or None
        From the gradebook, after grading (written answers count once a tutor marks them).
    needs_manual_grade : bool
        Whether something still waits for a tutor.
    """

    student: str
    status: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    score: float | None = None
    max_score: float | None = None
    needs_manual_grade: bool = False


@dataclass
class CohortReport:
    """The outcome of :func:`grade_cohort`, and what its summary says.

    Attributes
    ----------
    assignment : str
        The assignment graded.
    results : list of SubmissionResult
        One per submission found, in student order.
    jobs : int
        Worker processes used.
    timings : dict of str to float
        Seconds from the start to the end of ``grading``, spent on ``feedback``, and in
        ``total``.
    feedback_errors : dict of str to str
        Learners whose feedback could not be made, and why.
    feedback_made : int
        How many learners' feedback was made or brought up to date.
    released : bool
        Whether feedback was released to the exchange.
    release_error : str or None
        Why feedback could not be released, if it was asked for and failed.
    exported : Path or None
        The CSV file written, if any.
    log_file : Path or None
        The full nbgrader and kernel log.
    """

    assignment: str
    results: list[SubmissionResult]
    jobs: int
    timings: dict[str, float] = field(default_factory=dict)
    feedback_errors: dict[str, str] = field(default_factory=dict)
    feedback_made: int = 0
    released: bool = False
    release_error: str | None = None
    exported: Path | None = None
    log_file: Path | None = None

    def by_status(self, status: str) -> list[SubmissionResult]:
        """Return the results with the given status."""
        return [r for r in self.results if r.status == status]

    @property
    def ok(self) -> bool:
        """Whether every submission was graded or skipped, and all feedback made."""
        return not (self.by_status("failed") or self.feedback_errors or self.release_error)

    def summary(self) -> str:
        """Say what happened, for the tutor, in a few lines of plain text."""
        graded, failed = self.by_status("graded"), self.by_status("failed")
        skipped = self.by_status("skipped")
        lines = [f"{self.assignment}: graded {len(graded)}, failed {len(failed)}, "
                 f"skipped {len(skipped)} (already graded), with {self.jobs} "
                 f"process{'es' if self.jobs != 1 else ''}."]
        if self.results:
            width = max(len(r.student) for r in self.results)
            for r in self.results:
                if r.status == "graded" and r.score is not None:
                    score = f"{r.score:g} of {r.max_score:g}"
                    if r.needs_manual_grade:
                        score += " (a tutor still has to mark part of it)"
                else:
                    score = r.status
                lines.append(f"  {r.student:<{width}}  {score}")
                for problem in r.problems:
                    lines.append(f"  {'':<{width}}    - {problem}")
        if failed:
            lines.append("Failed submissions have no scores; fix the cause and run again "
                         "(see the log).")
        t = self.timings
        run = [r.seconds for r in graded if r.seconds]
        timing = f"Time: {_duration(t.get('total', 0.0))} in all"
        if run:
            longest = max(graded, key=lambda r: r.seconds)
            timing += (f"; notebooks ran for {sum(run) / len(run):.1f} s each on average "
                       f"(longest {longest.seconds:.1f} s, {longest.student}); "
                       f"{t.get('total', 0.0) / len(run):.2f} s per submission overall")
        if "feedback" in t:
            timing += f"; feedback {t['feedback']:.1f} s"
        lines.append(timing + ".")
        if "feedback" in t:
            lines.append(f"Feedback made for {self.feedback_made} learner"
                         f"{'s' if self.feedback_made != 1 else ''}"
                         f"{'; released to the exchange' if self.released else ''}.")
        for student, error in sorted(self.feedback_errors.items()):
            lines.append(f"  no feedback for {student}: {error}")
        if self.release_error:
            lines.append(f"Feedback was not released: {self.release_error}")
        if self.exported is not None:
            lines.append(f"Grades exported to {self.exported}.")
        if self.log_file is not None:
            lines.append(f"Full log: {self.log_file}")
        return "\n".join(lines)


# --- export --------------------------------------------------------------------------------------


def _cell_order(course_source: Path) -> dict[str, int]:
    """Return grade_id -> position in the source notebook, for ordering CSV columns."""
    order: dict[str, int] = {}
    for path in sorted(course_source.glob("*.ipynb")):
        try:
            notebook = _read_notebook(path)
        except Exception:  # noqa: BLE001 (order is a nicety: fall back to names)
            continue
        for cell in notebook.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id is not None:
                order.setdefault(f"{path.stem}/{grade_id}", len(order))
    return order


def _text(value: Any) -> str:
    """Format a value as ``nbgrader export`` does: ``str()``, and None as empty."""
    return "" if value is None else str(value)


def export_grades(db_url: str, course_id: str, assignment: str, destination: Path,
                  source_dir: Path | None = None) -> int:
    """Write one assignment's grades to a CSV file for a learning management system.

    The first columns are exactly those of ``nbgrader export`` (same names, order and
    formatting), for every learner in the gradebook, one row each; learners with no
    submission score 0, as there. Then come ``needs_manual_grade`` and, for each
    graded part, ``<part>`` (its score, empty until marked) and ``<part>_max``.
    A part is named by its ``grade_id``, or ``<notebook>/<grade_id>`` when the
    assignment has several notebooks.

    Parameters
    ----------
    db_url : str
        The gradebook, for example ``sqlite:///course/gradebook.db``.
    course_id : str
        The nbgrader course id.
    assignment : str
        The assignment to export.
    destination : Path
        The CSV file to write.
    source_dir : Path, optional
        ``source/<assignment>``, to put the parts in the notebook's order.

    Returns
    -------
    int
        The number of rows written (learners).
    """
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(db_url, course_id) as gradebook:
        record = gradebook.find_assignment(assignment)
        parts = [(nb.name, cell.name, cell.max_score)
                 for nb in record.notebooks for cell in nb.grade_cells]
        order = _cell_order(source_dir) if source_dir is not None else {}
        parts.sort(key=lambda p: (order.get(f"{p[0]}/{p[1]}", len(order)), p[0], p[1]))
        several = len({nb for nb, _, _ in parts}) > 1
        names = [f"{nb}/{cell}" if several else cell for nb, cell, _ in parts]
        header = [*NBGRADER_EXPORT_COLUMNS, "needs_manual_grade"]
        for name in names:
            header += [name, f"{name}_max"]
        rows = 0
        with open(destination, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for student in gradebook.students:
                row = {
                    "assignment": record.name, "duedate": record.duedate,
                    "student_id": student.id, "last_name": student.last_name,
                    "first_name": student.first_name, "email": student.email,
                    "max_score": record.max_score,
                }
                scores: dict[tuple[str, str], float | None] = {}
                try:
                    submission = gradebook.find_submission(assignment, student.id)
                except MissingEntry:
                    row.update(timestamp="", raw_score=0.0, late_submission_penalty=0.0,
                               score=0.0, needs_manual_grade="")
                else:
                    penalty = submission.late_submission_penalty
                    row.update(timestamp=submission.timestamp, raw_score=submission.score,
                               late_submission_penalty=penalty,
                               score=max(0.0, submission.score - penalty),
                               needs_manual_grade=submission.needs_manual_grade)
                    for notebook in submission.notebooks:
                        for grade in notebook.grades:
                            has_score = grade.auto_score is not None \
                                or grade.manual_score is not None
                            scores[(notebook.name, grade.name)] = \
                                grade.score if has_score else None
                line = [_text(row[key]) for key in (*NBGRADER_EXPORT_COLUMNS,
                                                      "needs_manual_grade")]
                for nb, cell, max_score in parts:
                    line += [_text(scores.get((nb, cell))), _text(max_score)]
                writer.writerow(line)
                rows += 1
    return rows


# --- the parent --------------------------------------------------------------------------------


class _ChangeCatcher(logging.Handler):
    """Collect the read-only cells nbgrader's OverwriteCells puts back."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.changes: list[tuple[str, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == _CHANGED and isinstance(record.args, tuple) and len(record.args) == 4:
            attr, name, _, got = record.args
            self.changes.append((str(attr), str(name), str(got)))


@dataclass
class _Prepared:
    student: str
    job: _GradeJob
    problems: list[str]  # found while sanitising, such as edited read-only cells


class _Cohort:
    """The parent's side: prepares submissions, hands them out, records results."""

    def __init__(self, app: Any, settings: _Settings, force: bool) -> None:
        from nbconvert.writers.files import FilesWriter
        from nbgrader.converters import Autograde

        self.app = app
        self.settings = settings
        converter = Autograde(coursedir=app.coursedir, parent=app)
        converter.force = force
        converter.writer = FilesWriter(  # type: ignore[no-untyped-call]
                parent=converter, config=converter.config)
        converter.exporter = converter.exporter_class(parent=converter, config=converter.config)
        self.converter = converter
        _, self.save_part = _split_autograde(converter.autograde_preprocessors)
        self._release_checksums: dict[str, dict[str, str]] = {}

    # The steps below are those of nbgrader's BaseConverter.convert_notebooks and
    # Autograde.convert_single_notebook, in the same order, split where the kernel runs.

    def find(self) -> list[tuple[str, str]]:
        """Return (student, submitted folder) for every submission, in nbgrader's order."""
        from nbgrader.converters.base import NbGraderException

        converter = self.converter
        converter._sanitizing = True
        try:
            converter.init_notebooks()
        except NbGraderException as error:
            raise CohortError(
                f"No submissions found for {self.settings.assignment} in "
                f"{converter._format_source(self.settings.assignment, '*')} "
                "(run nbgrader collect first, or check the assignment name)."
            ) from error
        regexp = converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)",
                                          escape=True)
        found = []
        for folder in sorted(converter.assignments):
            match = re.match(regexp, folder)
            if match is None:
                raise CohortError(f"Cannot tell whose submission {folder} is.")
            found.append((match.group("student_id"), folder))
        return found

    def _expected_checksums(self, notebook_id: str, submitted: str) -> dict[str, str]:
        """Checksums of the read-only cells as released (what an honest learner hands in)."""
        from nbgrader import utils

        if notebook_id not in self._release_checksums:
            coursedir = self.app.coursedir
            release = Path(coursedir.format_path(coursedir.release_directory, ".",
                                                 self.settings.assignment))
            sums: dict[str, str] = {}
            path = release / f"{notebook_id}.ipynb"
            if path.exists():
                for cell in _read_notebook(path).cells:
                    if "grade_id" in cell.get("metadata", {}).get("nbgrader", {}):
                        sums[cell.metadata.nbgrader.grade_id] = utils.compute_checksum(cell)
            self._release_checksums[notebook_id] = sums
        if self._release_checksums[notebook_id]:
            return self._release_checksums[notebook_id]
        # No release folder: trust the checksums the learner's copy was given.
        sums = {}
        for cell in _read_notebook(submitted).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if "grade_id" in meta and "checksum" in meta:
                sums[meta["grade_id"]] = meta["checksum"]
        return sums

    def prepare(self, student: str, folder: str) -> _Prepared | SubmissionResult:
        """Sanitise one submission (nbgrader's first half); write its student and submission."""
        from nbgrader.converters.base import BaseConverter

        converter, assignment = self.converter, self.settings.assignment
        converter._sanitizing = True
        converter.notebooks = sorted(converter.assignments[folder])
        catcher = _ChangeCatcher()
        self.app.log.addHandler(catcher)
        try:
            if not converter.init_destination(assignment, student):
                return SubmissionResult(student, "skipped", ["already graded"])
            converter.run_pre_convert_hook()
            converter.init_assignment(assignment, student)
            notebooks = []
            edited: list[str] = []
            for submitted in list(converter.notebooks):
                catcher.changes.clear()
                converter._sanitizing = True
                converter._init_preprocessors()
                BaseConverter.convert_single_notebook(converter, submitted)
                notebook_id = Path(submitted).stem
                expected = self._expected_checksums(notebook_id, submitted)
                for attr, name, got in catcher.changes:
                    # Cells with hidden tests always differ from the gradebook's copy,
                    # which still has the tests; only a change from the release counts.
                    if not (attr == "checksum" and expected.get(name) == got) \
                            and name not in edited:
                        edited.append(name)
                path = os.path.join(converter.writer.build_directory, Path(submitted).name)
                converter._sanitizing = False
                resources = converter.init_single_notebook_resources(path)
                notebooks.append((path, _plain(resources)))
        except Exception as error:
            return self._failed(student, error)
        finally:
            self.app.log.removeHandler(catcher)
            converter._sanitizing = True
        problems = []
        if edited:
            problems.append("read-only cells were edited, and put back before grading: "
                            + ", ".join(edited))
        return _Prepared(student, _GradeJob(student, tuple(notebooks)), problems)

    def _failed(self, student: str, error: BaseException) -> SubmissionResult:
        import sqlalchemy
        from nbgrader.nbgraderformat import SchemaTooNewError, SchemaTooOldError

        self.app.log.error("Could not grade %s: %s", student, error, exc_info=error)
        self._remove(student)
        if isinstance(error, (sqlalchemy.exc.OperationalError, SchemaTooOldError,
                              SchemaTooNewError)):
            # nbgrader stops the whole run for these too: nothing else would work.
            raise CohortError(f"nbgrader cannot go on ({_one_line(error)}). "
                              "Back up gradebook.db, then try `nbgrader db upgrade` or "
                              "`nbgrader update .`; see the log for details.") from error
        return SubmissionResult(student, "failed",
                                [f"nbgrader could not grade it ({_one_line(error)})"])

    def _remove(self, student: str) -> None:
        """Remove a half-graded submission, as nbgrader does, so the next run grades it."""
        from nbgrader.utils import rmtree

        dest = os.path.normpath(self.converter._format_dest(self.settings.assignment, student))
        if os.path.exists(dest):
            self.app.log.warning("Removing failed assignment: %s", dest)
            rmtree(dest)

    def record(self, prepared: _Prepared, reports: list[ExecutionReport],
               lost: str | None = None) -> SubmissionResult:
        """Save the grades of run notebooks (nbgrader's second half), in this process only."""
        import nbformat
        from nbgrader.converters.base import BaseConverter

        converter, assignment = self.converter, self.settings.assignment
        problems = list(prepared.problems)
        if lost is not None:
            # The worker is gone, and with it any outputs: no check passes.
            problems.append(f"{lost}; every check scores 0")
            for path, _ in prepared.job.notebooks:
                notebook = _read_notebook(path)
                for cell in notebook.cells:
                    mark_not_run(cell, lost + ".")
                _write_atomically(path, nbformat.writes(notebook))  # type: ignore[no-untyped-call]
        for report in reports:
            for problem in report.problems(self.settings.cell_timeout,
                                           self.settings.time_limit, self.settings.memory_mb):
                if problem not in problems:
                    problems.append(problem)
        try:
            converter._sanitizing = False
            converter.exporter._preprocessors = []
            for pp in self.save_part:
                converter.exporter.register_preprocessor(pp)
            converter.notebooks = [path for path, _ in prepared.job.notebooks]
            for path, _ in prepared.job.notebooks:
                BaseConverter.convert_single_notebook(converter, path)
            converter.set_permissions(assignment, prepared.student)
            converter.run_post_convert_hook()
        except Exception as error:
            return self._failed(prepared.student, error)
        finally:
            converter._sanitizing = True
        return SubmissionResult(prepared.student, "graded", problems,
                                sum(r.seconds for r in reports))

    def grade_all(self, submissions: Sequence[tuple[str, str]], pool: _Pool,
                  progress: Progress) -> list[SubmissionResult]:
        """Grade every submission: prepare here, run in the pool, record here as each ends.

        The parent prepares a few submissions ahead of the workers, so none waits for
        work; results are recorded in the order they arrive, one at a time.
        """
        todo = deque(submissions)
        ready: deque[_Prepared] = deque()
        running: dict[str, _Prepared] = {}
        results: dict[str, SubmissionResult] = {}

        def finish(result: SubmissionResult) -> None:
            results[result.student] = result
            progress.done(result.student, _outcome(result), failed=result.status == "failed",
                          problem=bool(result.problems) and result.status == "graded")

        try:
            while todo or ready or pool.busy():
                for worker in pool.idle():
                    if not ready:
                        break
                    prepared = ready.popleft()
                    running[prepared.student] = prepared
                    pool.send(worker, prepared.job)
                lookahead = bool(todo) and len(ready) < len(pool.workers)
                for done in pool.wait(0.0 if lookahead else 1.0):
                    if isinstance(done, _Lost):
                        finish(self.record(running.pop(done.job.student), [], lost=done.reason))
                    elif isinstance(done, _GradeDone) and done.error is not None:
                        running.pop(done.student)
                        self._remove(done.student)
                        finish(SubmissionResult(done.student, "failed", [done.error]))
                    elif isinstance(done, _GradeDone):
                        finish(self.record(running.pop(done.student), done.reports))
                progress.show()
                if lookahead:
                    outcome = self.prepare(*todo.popleft())
                    if isinstance(outcome, _Prepared):
                        ready.append(outcome)
                    else:
                        finish(outcome)
        except BaseException:
            # Interrupted: leave no half-graded submission behind, or the next run would
            # skip it (nbgrader does the same).
            pool.close(now=True)
            for student in [*running, *(p.student for p in ready)]:
                with contextlib.suppress(Exception):
                    self._remove(student)
            raise
        finally:
            progress.close()
        return [results[student] for student in sorted(results)]

    def add_scores(self, results: list[SubmissionResult]) -> None:
        """Read each graded learner's score back from the gradebook."""
        from nbgrader.api import Gradebook, MissingEntry

        coursedir = self.app.coursedir
        with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
            for result in results:
                if result.status == "failed":
                    continue
                try:
                    submission = gradebook.find_submission(self.settings.assignment,
                                                           result.student)
                except MissingEntry:
                    continue
                result.score = float(submission.score)
                result.max_score = float(submission.max_score)
                result.needs_manual_grade = bool(submission.needs_manual_grade)


def _plain(resources: Any) -> dict[str, Any]:
    """Copy nbgrader's resources into plain dicts, to send to a worker."""
    if isinstance(resources, dict):
        return {str(k): _plain(v) for k, v in resources.items()}
    return resources  # type: ignore[no-any-return]


def _outcome(result: SubmissionResult) -> str:
    if result.status == "graded":
        return "graded" + (f", with problems: {'; '.join(result.problems)}"
                           if result.problems else "")
    return f"{result.status}: {'; '.join(result.problems)}"


def grade_cohort(
    assignment: str,
    course: Path,
    *,
    jobs: int | None = None,
    time_limit: float = 600.0,
    cell_timeout: float | None = None,
    memory_mb: int | None = 4096,
    force: bool = False,
    feedback: bool = True,
    release_feedback: bool = False,
    export: Path | None = None,
    progress_stream: TextIO | None = None,
    log_file: Path | None = None,
) -> CohortReport:
    """Autograde every submission of an assignment in parallel, then make feedback.

    The gradebook ends up as ``nbgrader autograde ASSIGNMENT`` would leave it, except
    that a submission whose kernel dies or that runs out of time is scored (checks
    that did not run score 0) instead of being left ungraded.

    Parameters
    ----------
    assignment : str
        The assignment id, as in ``submitted/<student>/<assignment>/``.
    course : Path
        The nbgrader course directory (with ``nbgrader_config.py`` and ``gradebook.db``).
    jobs : int, optional
        Worker processes; by default one for each core.
    time_limit : float
        Wall-clock seconds for each submission, kernel start-up included.
    cell_timeout : float, optional
        Seconds each cell may run; by default the course's ``ExecutePreprocessor.timeout``.
    memory_mb : int or None
        Address-space limit of each kernel, in MB; None for no limit.
    force : bool
        Grade again submissions that are already graded (``nbgrader autograde --force``).
    feedback : bool
        Make feedback with ``nbgrader generate_feedback`` for every learner graded.
    release_feedback : bool
        Then release it through the exchange (``nbgrader release_feedback``).
    export : Path, optional
        Write the assignment's grades to this CSV file (see :func:`export_grades`).
    progress_stream : TextIO, optional
        Where progress goes; by default ``sys.stderr``.
    log_file : Path, optional
        Where nbgrader's and the kernels' messages go (each run is added at the end);
        by default ``<course>/compass-grade-<assignment>.log``.

    Returns
    -------
    CohortReport
        What happened to each submission, with timings; ``summary()`` says it in words.

    Raises
    ------
    CohortError
        If the course, the assignment or its submissions cannot be found.
    """
    began = time.monotonic()
    course = Path(course).resolve()
    if not (course / "nbgrader_config.py").is_file() and not (course / "gradebook.db").exists():
        raise CohortError(f"{course} is not an nbgrader course folder (it has no "
                          "nbgrader_config.py). Give the course folder with --course.")
    log_file = Path(log_file) if log_file else course / f"compass-grade-{assignment}.log"
    with open(log_file, "a", encoding="utf-8") as log:
        log.write(f"\n=== compass grade {assignment}, {time.strftime('%Y-%m-%d %H:%M:%S')} ===\n")
    stream = progress_stream if progress_stream is not None else sys.stderr

    app = _load_app(course, assignment, log_file)
    with _warnings_to_log(app.log):
        coursedir = app.coursedir
        _check_gradebook(coursedir, assignment)
        if cell_timeout is None:
            configured = Execute(parent=app).timeout  # the course's setting, or nbgrader's
            cell_timeout = float(configured) if configured and configured > 0 else None
        settings = _Settings(str(course), assignment, cell_timeout, float(time_limit),
                             memory_mb or None, str(log_file))
        cohort = _Cohort(app, settings, force)
        submissions = cohort.find()
        size = max(1, min(jobs or os.cpu_count() or 1, len(submissions)))
        report = CohortReport(assignment, [], size, log_file=log_file)
        stream.write(f"Grading {len(submissions)} submission"
                     f"{'s' if len(submissions) != 1 else ''} of {assignment} with {size} "
                     f"process{'es' if size != 1 else ''} (log: {log_file})\n")
        stream.flush()

        pool = _Pool(size, settings)  # before any gradebook connection is open
        try:
            with _working_directory(coursedir.root):
                report.results = cohort.grade_all(
                    submissions, pool, Progress(len(submissions), f"Grading {assignment}", stream)
                )
            report.timings["grading"] = time.monotonic() - began
            if feedback:
                started = time.monotonic()
                if _make_feedback(pool, report, stream):
                    report.timings["feedback"] = time.monotonic() - started
        finally:
            pool.close()

        if release_feedback:
            report.release_error = _release_feedback(app)
            report.released = report.release_error is None
        if export is not None:
            report.exported = Path(export).resolve()
            export_grades(coursedir.db_url, coursedir.course_id, assignment, report.exported,
                          Path(coursedir.format_path(coursedir.source_directory, ".", assignment)))
        cohort.add_scores(report.results)
        report.timings["total"] = time.monotonic() - began
        return report


def _check_gradebook(coursedir: Any, assignment: str) -> None:
    """Fail early, in plain words, if there is no gradebook or no such assignment in it."""
    from nbgrader.api import Gradebook, MissingEntry

    if coursedir.db_url.startswith("sqlite:///") \
            and not os.path.exists(coursedir.db_url.removeprefix("sqlite:///")):
        raise CohortError(f"No gradebook at {coursedir.db_url.removeprefix('sqlite:///')}: "
                          f"run `nbgrader generate_assignment {assignment}` first.")
    with Gradebook(coursedir.db_url, coursedir.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise CohortError(f"The gradebook has no assignment {assignment!r}: run "
                              f"`nbgrader generate_assignment {assignment}` first.") from None


def _make_feedback(pool: _Pool, report: CohortReport, stream: TextIO) -> bool:
    """Make every learner's feedback in the workers; nothing writes to the gradebook now.

    Returns whether there was any to make.
    """
    jobs = deque(_FeedbackJob(r.student, force=r.status == "graded")
                 for r in report.results if r.status != "failed")
    if not jobs:
        return False
    progress = Progress(len(jobs), f"Feedback for {report.assignment}", stream)
    while jobs or pool.busy():
        for worker in pool.idle():
            if jobs:
                pool.send(worker, jobs.popleft())
        for done in pool.wait(1.0):
            error: str | None
            if isinstance(done, _Lost):
                student, error = done.job.student, done.reason
            else:
                student, error = done.student, done.error
            if error is None:
                report.feedback_made += 1
                progress.done(student, "feedback made")
            else:
                report.feedback_errors[student] = error
                progress.done(student, f"no feedback: {error}", failed=True)
        progress.show()
    progress.close()
    return True


def _release_feedback(app: Any) -> str | None:
    """Release feedback through the exchange, as ``nbgrader release_feedback`` does.

    Returns None when it worked, else why it did not.
    """
    from nbgrader.auth import Authenticator
    from nbgrader.exchange import ExchangeFactory

    app.coursedir.student_id = "*"
    exchange = ExchangeFactory(parent=app)
    releaser = exchange.ReleaseFeedback(coursedir=app.coursedir,
                                        authenticator=Authenticator(parent=app), parent=app)
    try:
        releaser.start()
    except Exception as error:  # noqa: BLE001 (ExchangeError, or a missing file or folder)
        app.log.exception("Could not release feedback")
        return (f"{_one_line(error)}. Check the exchange folder "
                "(Exchange.root in nbgrader_config.py) and the log.")
    return None
