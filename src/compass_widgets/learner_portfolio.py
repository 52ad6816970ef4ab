"""A learner's portfolio: one self-contained HTML file (and a PDF) of their work.

:func:`build_portfolio` gathers, from the learner store and the course notebooks:

- their **progress** (see :mod:`compass_widgets.progress`);
- their **reflections**, grouped by module, each under the prompt it answers (read
  from the notebook) with the date it was saved;
- their **self-assessment** (module 11, and module 00's baseline if there is one):
  the chart, its summary and the 100-day plan;
- the **charts of every analysis they saved** (``tool:<Name>`` in a module).

A tool's charts are made by building the tool again from its saved state, exactly
as the notebook does when it is reopened, and taking the charts it shows; so the
portfolio shows what the learner last saw, and no tool's logic is repeated here.
The tool is built on a copy of the module's saved answers, so making a portfolio
never changes them.

Every chart is drawn as inline SVG by vl-convert (no browser, no JavaScript) with
its title and its text summary (the chart's own description, which is the tool's
``summarise_*`` sentence) beside it. The file makes no request of any kind: no CDN,
no web fonts, no external CSS or JavaScript; :func:`external_references` checks
this before the file is written. All learner text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .progress import (
    SELF_ASSESSMENT,
    TOOL_NAMES,
    CourseProgress,
    ModuleContents,
    learner_progress,
    read_course,
)
from .store import LearnerStore

#: Modules whose self-assessment is shown, in order: the full one, then the baseline.
SELF_ASSESSMENT_MODULES = (("11", "Your self-assessment (module 11)"),
                           ("00", "Your baseline self-assessment (module 00)"))

Report = Callable[[str], None]

#: Where Debian and Ubuntu install Chromium (``apt-get install chromium``); tried first.
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Figure:
    """One chart of the portfolio: its title, its text summary and its SVG picture."""

    title: str
    summary: str
    svg: str


@dataclass(frozen=True)
class ToolWork:
    """A tool's saved analysis in one module, drawn as figures."""

    module: str
    tool: str
    figures: tuple[Figure, ...]
    problem: str = ""


@dataclass
class PortfolioResult:
    """What :func:`build_portfolio` made."""

    html: Path
    size: int
    figures: int
    pdf: Path | None = None
    notes: list[str] = field(default_factory=list)


# -- checks --------------------------------------------------------------------------------
_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|xlink:href|action|poster|srcset)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//)"""
    r"""|(?:url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:)?//)|(?:@import)""",
    re.IGNORECASE,
)


def external_references(text: str) -> list[str]:
    """Return every reference in an HTML text to something outside it (``[]`` if none).

    Looks for ``src``, ``href`` and the like, CSS ``url(...)`` pointing at another
    host, and ``@import``.

    Examples
    --------
    >>> external_references('<img src="https://cdn.example/x.png"><a href="#top">top</a>')
    ['src="https://']
    >>> external_references('<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    []
    """
    return [match.group(0) for match in _EXTERNAL.finditer(text)]


# -- the tools' charts ---------------------------------------------------------------------
def _make_tool(name: str, store: LearnerStore, module: str, saved: Any) -> Any:
    """Build the course tool ``name`` as its notebook does, restoring its saved state."""
    import compass_widgets as cw

    if name == "DemandAnalyser":
        return cw.DemandAnalyser(cw.load_contacts(), store=store, module=module)
    if name == "SituationSorter":
        return cw.SituationSorter(cw.load_vignettes(), store=store, module=module)
    if name == SELF_ASSESSMENT:
        quick = bool(saved.get("quick")) if isinstance(saved, dict) else module == "00"
        return cw.CompassSelfAssessment(quick=quick, store=store, module=module)
    return getattr(cw, name)(store=store, module=module)


def _chart_specs(widget: Any) -> list[dict[str, Any]]:
    """Return the spec of every chart in a widget, in the order the widget shows them."""
    import altair as alt

    found: list[dict[str, Any]] = []
    seen: set[int] = set()

    def walk(node: Any) -> None:
        if id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node, alt.JupyterChart):
            if node.spec:
                found.append(dict(node.spec))
            return
        for child in getattr(node, "children", ()) or ():
            walk(child)

    walk(widget)
    return found


def _title(spec: dict[str, Any]) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(str(t) for t in title)
    return str(title).strip()


def figure(spec: dict[str, Any]) -> Figure:
    """Draw a Vega-Lite spec as a :class:`Figure`: title, summary (its description) and SVG."""
    from .charts import chart_svg

    return Figure(_title(spec), str(spec.get("description", "")).strip(), chart_svg(spec))


def tool_work(store: LearnerStore, module: str, tool: str) -> ToolWork:
    """Build ``tool`` from what ``module`` saved and draw its charts.

    The tool is built on a temporary copy of the module's answers, so nothing the
    tool does while it starts can change the learner's own store.
    """
    if tool not in TOOL_NAMES:
        return ToolWork(module, tool, (), f"{tool} is not one of the course's tools, so it "
                        "cannot be drawn.")
    with tempfile.TemporaryDirectory(prefix="compass-portfolio-") as scratch:
        copy = LearnerStore(scratch)
        try:
            shutil.copyfile(store.path(module), copy.path(module))
            saved = copy.load(module, f"tool:{tool}")
            widget = _make_tool(tool, copy, module, saved)
            specs = _chart_specs(widget)
        except Exception as error:  # a tool that cannot start must not stop the portfolio
            return ToolWork(module, tool, (), f"{tool} could not be rebuilt from what was saved "
                            f"in module {module} ({type(error).__name__}: {error}).")
        widget.close()
    return ToolWork(module, tool, tuple(figure(spec) for spec in specs))


# -- HTML ----------------------------------------------------------------------------------
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1a1a1a; line-height: 1.5; max-width: 60em; margin: 2em auto;
       padding: 0 1.5em; }
h1 { font-size: 1.8em; margin-bottom: 0.2em; }
h2 { border-bottom: 2px solid #444; padding-bottom: 0.2em; margin-top: 2em; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.made { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; font-size: 0.92em; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
.prompt { font-weight: bold; margin-bottom: 0.2em; }
.when { color: #555; font-size: 0.9em; margin: 0; }
.answer { white-space: pre-wrap; border-left: 4px solid #888; padding: 0.3em 0.8em;
          margin: 0.3em 0 1.2em 0; }
.reflection, .plan-dimension { break-inside: avoid; page-break-inside: avoid; }
figure { display: flex; flex-flow: row wrap; gap: 1em 1.5em; align-items: flex-start;
         margin: 1em 0 1.5em 0; break-inside: avoid; page-break-inside: avoid; }
figure .chart { flex: 0 1 auto; max-width: 100%; overflow: hidden; }
figure .chart svg { max-width: 100%; height: auto; }
figcaption { flex: 1 1 16em; max-width: 32em; }
figcaption strong { display: block; margin-bottom: 0.3em; }
.problem { color: #8a1c1c; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; }
  section { break-before: page; page-break-before: always; }
  section:first-of-type { break-before: auto; page-break-before: auto; }
  figure { display: block; }
  figcaption { max-width: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def _date(iso: str | None) -> str:
    if not iso:
        return "date not known"
    try:
        when = dt.datetime.fromisoformat(iso).astimezone()
    except ValueError:
        return "date not known"
    return f"{when.day} {when:%B %Y}"


def _figure_html(fig: Figure) -> str:
    label = _e(fig.title or "Chart")
    return (f'<figure><div class="chart" role="img" aria-label="{label}">{fig.svg}</div>'
            f"<figcaption><strong>{_e(fig.title)}</strong>{_e(fig.summary)}</figcaption>"
            "</figure>")


def _progress_html(progress: CourseProgress) -> str:
    rows = "".join(
        f"<tr><td>{_e(m.module)}</td><td>{_e(m.title or '(not in the course folder)')}</td>"
        f"<td>{_e(m.status)}</td><td>{_e(m.checks_text)}</td><td>{_e(m.reflections_text)}</td>"
        f"<td>{_e(m.tools_text)}</td></tr>"
        for m in progress.modules)
    return (f"<section id='progress'><h2>Progress</h2><p>{_e(progress.summary())}</p>"
            f"<p>{_e(progress.next_step())}</p>"
            "<table><thead><tr><th>Module</th><th>Title</th><th>Status</th><th>Self-checks "
            "passed</th><th>Reflections written</th><th>Tools used</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section>")


def _reflections_html(store: LearnerStore, progress: CourseProgress,
                      contents: dict[str, ModuleContents]) -> tuple[str, int]:
    parts, count = [], 0
    for m in progress.modules:
        if not m.reflections_written:
            continue
        prompts = contents[m.module].reflections if m.module in contents else {}
        title = f"Module {m.module}" + (f": {m.title}" if m.title else "")
        items = []
        for key in m.reflections_written:
            text = store.load(m.module, f"reflection:{key}", "")
            when = _date(store.saved_at(m.module, f"reflection:{key}"))
            prompt = prompts.get(key) or f"Reflection '{key}'"
            items.append(f"<div class='reflection'><p class='prompt'>{_e(prompt)}</p>"
                         f"<p class='when'>Saved {_e(when)}</p>"
                         f"<div class='answer'>{_e(text)}</div></div>")
            count += 1
        parts.append(f"<h3>{_e(title)}</h3>{''.join(items)}")
    body = "".join(parts) or ("<p>No reflections written yet. Each module ends with a "
                              "reflection prompt: what you write there is saved and shown "
                              "here.</p>")
    return f"<section id='reflections'><h2>Your reflections</h2>{body}</section>", count


def _plan_html(store: LearnerStore, module: str) -> str:
    from .models.self_assessment import PLAN_PERIODS, load_saved_self_assessment

    saved = load_saved_self_assessment(store, module)
    if saved is None or not saved.plan.dimensions:
        return ("<p>No 100-day plan written yet in this module.</p>" if module == "11" else "")
    parts = []
    for dimension in saved.plan.dimensions:
        rows = "".join(
            f"<tr><th scope='row'>{_e(label)}</th>"
            f"<td class='answer'>{_e(saved.plan.text(dimension, period))}</td></tr>"
            for period, label, _ in PLAN_PERIODS if saved.plan.text(dimension, period).strip())
        parts.append(f"<div class='plan-dimension'><h4>{_e(dimension)}</h4>"
                     f"<table>{rows}</table></div>")
    return f"<h3>Your 100-day plan</h3>{''.join(parts)}"


def _tool_html(work: ToolWork) -> str:
    if work.problem:
        return f"<p class='problem'>{_e(work.problem)}</p>"
    return "".join(_figure_html(f) for f in work.figures)


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang='en-GB'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>\n")


def _steps(store: LearnerStore, progress: CourseProgress) -> Iterator[tuple[str, str]]:
    """Yield ``(module, tool)`` for every saved analysis to draw, self-assessments first."""
    used = {m.module: m.tools_used for m in progress.modules}
    for module, _ in SELF_ASSESSMENT_MODULES:
        if SELF_ASSESSMENT in used.get(module, ()):
            yield module, SELF_ASSESSMENT
    for m in progress.modules:
        for tool in m.tools_used:
            if tool != SELF_ASSESSMENT or m.module not in dict(SELF_ASSESSMENT_MODULES):
                yield m.module, tool


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def portfolio_html(store: LearnerStore | None = None, course: str | Path | None = None,
                   report: Report = _stderr) -> tuple[str, int]:
    """Return the portfolio as HTML text, and how many charts it holds.

    ``report`` is called with a line of progress for each step, such as
    ``"[3/9] charts: DemandAnalyser (module 02)"``.
    """
    store = store if store is not None else LearnerStore()
    today = dt.date.today()
    made = f"Made with compass on {today.day} {today:%B %Y}."
    progress = learner_progress(store, course)
    if not any(m.saved for m in progress.modules):
        report("[1/1] nothing saved yet: a short portfolio that says where to start")
        body = ("<h1>Your commissioning portfolio</h1>"
                f"<p class='made'>{_e(made)}</p>"
                "<section><h2>Nothing saved yet</h2>"
                f"<p>No answers were found in your learner store ({_e(store.home)}).</p>"
                "<p>Open the course with <code>compass lab</code> and start with "
                "<code>00-orientation.ipynb</code>. Your self-check answers, reflections, "
                "self-assessment and the analyses you make with the course's tools are "
                "saved as you go. Then run <code>compass portfolio</code> again to gather "
                "them here.</p></section>")
        return _page("Your commissioning portfolio", body), 0
    contents = read_course(progress.course) if progress.course is not None else {}
    steps = list(_steps(store, progress))
    total = 2 + len(steps)
    report(f"[1/{total}] progress: {progress.summary()}")
    sections = [_progress_html(progress)]
    reflections, written = _reflections_html(store, progress, contents)
    report(f"[2/{total}] reflections: {written}")
    sections.append(reflections)
    figures = 0
    assessments, tools = [], []
    titles = {m.module: m.title for m in progress.modules}
    for number, (module, tool) in enumerate(steps, start=3):
        report(f"[{number}/{total}] charts: {tool} (module {module}) ...")
        work = tool_work(store, module, tool)
        figures += len(work.figures)
        if tool == SELF_ASSESSMENT and module in dict(SELF_ASSESSMENT_MODULES):
            heading = dict(SELF_ASSESSMENT_MODULES)[module]
            assessments.append(f"<h3>{_e(heading)}</h3>{_tool_html(work)}"
                               f"{_plan_html(store, module)}")
        else:
            title = f"{tool}, module {module}" + (
                f": {titles[module]}" if titles.get(module) else "")
            tools.append(f"<h3>{_e(title)}</h3>{_tool_html(work)}")
    if assessments:
        sections.append("<section id='self-assessment'><h2>Your self-assessment and 100-day "
                        f"plan</h2>{''.join(assessments)}</section>")
    if tools:
        sections.append("<section id='analyses'><h2>Your analyses</h2><p>The charts of the "
                        "analyses you saved with the course's tools, as you last left them, "
                        "each with what it shows in words. They are drawn from the course's "
                        "own synthetic data: where you loaded a file of your own into a "
                        "tool, open that notebook to see it with your data."
                        f"</p>{''.join(tools)}</section>")
    body = ("<h1>Your commissioning portfolio</h1>"
            f"<p class='made'>{_e(made)}</p>" + "".join(sections))
    return _page("Your commissioning portfolio", body), figures


def find_chromium() -> str | None:
    """Return the Chromium (or Chrome) program to print with, or None if there is none."""
    if os.access(DEBIAN_CHROMIUM, os.X_OK):
        return str(DEBIAN_CHROMIUM)
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: Path, pdf: Path, chromium: str, timeout: float = 180.0) -> Path:
    """Print the HTML file ``page`` to ``pdf`` with headless Chromium, offline.

    Raises
    ------
    RuntimeError
        If Chromium fails or leaves no PDF.
    """
    with tempfile.TemporaryDirectory(prefix="compass-chromium-") as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--no-pdf-header-footer",
               f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
               page.resolve().as_uri()]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired as error:
            raise RuntimeError(f"Chromium took more than {timeout:.0f} s to print "
                               f"{page}") from error
    if done.returncode != 0 or not pdf.is_file() or not pdf.read_bytes()[:4] == b"%PDF":
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise RuntimeError(f"Chromium could not print {page} to {pdf} (exit code "
                           f"{done.returncode}): {' '.join(tail)}")
    return pdf


def build_portfolio(out: str | Path, store: LearnerStore | None = None,
                    course: str | Path | None = None, pdf: bool = False,
                    report: Report = _stderr) -> PortfolioResult:
    """Write the learner's portfolio to ``out`` (HTML), and print it to PDF if asked.

    Parameters
    ----------
    out : str or Path
        The file to write. If it ends in ``.pdf``, the HTML is written beside it
        (same name, ``.html``) and a PDF is made too.
    store : LearnerStore, optional
        The learner's answers; by default the learner's own store.
    course : str or Path, optional
        The folder of course notebooks, for titles and prompts.
    pdf : bool
        Also print the HTML to PDF (``out`` with ``.pdf``) with Chromium.
    report : callable
        Called with a line of progress for each step; by default printed to stderr.

    Returns
    -------
    PortfolioResult
        The HTML file, its size in bytes, the number of charts, the PDF (None if
        none was made) and notes on anything that could not be done.

    Raises
    ------
    RuntimeError
        If the HTML would refer to anything outside itself (it never should).
    """
    out = Path(out)
    want_pdf = pdf or out.suffix.lower() == ".pdf"
    page = out.with_suffix(".html") if out.suffix.lower() == ".pdf" else out
    text, figures = portfolio_html(store, course, report)
    outside = external_references(text)
    if outside:
        raise RuntimeError(f"the portfolio would load {outside[0]!r} from outside the file; "
                           "nothing was written")
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(text, encoding="utf-8")
    result = PortfolioResult(page, page.stat().st_size, figures)
    if want_pdf:
        chromium = find_chromium()
        if chromium is None:
            result.notes.append(
                "No PDF was made: Chromium was not found (looked for /usr/bin/chromium, and "
                "for chromium, chromium-browser and google-chrome on PATH). Open "
                f"{page} in a web browser and print it to PDF from there, or install "
                "Chromium and run this again.")
        else:
            report(f"printing to PDF with {chromium} ...")
            try:
                result.pdf = print_pdf(page, page.with_suffix(".pdf"), chromium)
            except RuntimeError as error:
                result.notes.append(f"No PDF was made: {error}. The HTML is kept.")
    return result
