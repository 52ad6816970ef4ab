"""Build a read-only static website of the course: ``compass site``.

The site is for people who want to read the course before they install it. It has
one page per course notebook (``course/00-*.ipynb`` to ``course/12-*.ipynb``) and the
course map (``course/README.md``) as its home page, and it is built offline with
nbconvert. A page loads no JavaScript and nothing from the internet: it opens from
disk (``file://``) or from any static host.

Each page shows the notebook's text, its code cells (without prompts) and their
outputs; charts are inline SVG pictures with the chart's title and description as
their accessible name. The interactive tools cannot run on a static page, so by
default every notebook is run first (in a fresh kernel, in its own folder, with an
empty temporary learner store, so that no one's answers reach the site) and each
tool is shown as a *snapshot* of how it looks when the notebook has just run: its
charts, its text, and each control's label and value, with a line saying how to use
it for real. :func:`render_widget` makes a snapshot from the widget state the run
leaves behind, for any widget (there is no code for particular tools). A self-check
shows its question and options, never the feedback; a reflection shows its prompt.

With ``execute=False`` the stored outputs are used as they are, and each tool is
replaced by that line alone.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEMPLATE_DIR = Path(__file__).resolve().parent / "site_template"
STYLESHEET = "site.css"
DOWNLOADS = "notebooks"
#: A file in the site folder that marks it as one this module made (and may replace).
MARKER = ".compass-site"
TOOL_NOTE = ("This is an interactive tool: open the notebook in JupyterLab "
             "(<code>make lab</code>) to use it.")

_MODEL_REF = "IPY_MODEL_"
_BOXES = {"BoxModel", "HBoxModel", "VBoxModel", "GridBoxModel"}
_PANES = {"TabModel", "AccordionModel", "StackModel"}
_TEXT_VALUES = {"HTMLModel", "HTMLMathModel"}
#: Choice controls whose options are all on show in the live tool.
_OPTIONS_SHOWN = {"RadioButtonsModel", "ToggleButtonsModel", "SelectModel",
                  "SelectMultipleModel"}
#: Controls where a learner types: their value is never shown, only their placeholder.
_TYPED = {"TextModel", "TextareaModel", "PasswordModel", "ComboboxModel"}
_NOTEBOOK = re.compile(r"^\d\d-[\w-]+\.ipynb$")
_NOTEBOOK_LINK = re.compile(r"\]\((\d\d-[\w-]+)\.ipynb(#[^)\s]*)?\)")


class SiteError(RuntimeError):
    """The site could not be built; the message names the notebook (and cell) and what to do."""


# -- widget snapshots -----------------------------------------------------------------


def render_widget(model_id: str, state: Mapping[str, Any]) -> str:
    r"""Return a static HTML snapshot of a widget, from the widget state a front end keeps.

    The snapshot walks the model tree from ``model_id``: boxes show their children
    (tabs and accordions every pane, under its title); charts (any model whose
    ``spec`` is a Vega-Lite spec, such as altair's ``JupyterChart``) become inline SVG
    whose accessible name is the chart's title and description; HTML and Label
    widgets show their value; each control shows its label and current value in a
    greyed, disabled look. Buttons are left out (they do nothing on a static page),
    and so is anything a learner typed: a text box shows its placeholder only. When
    the widget has any control, a line says how to use the tool for real.

    Parameters
    ----------
    model_id : str
        The model to show, from a ``application/vnd.jupyter.widget-view+json`` output.
    state : mapping
        Model id -> ``{"model_name": ..., "state": {...}}``: the ``"state"`` part of
        ``ipywidgets.Widget.get_manager_state()`` or of an executed notebook's
        ``widgets`` metadata.

    Examples
    --------
    >>> import ipywidgets as w
    >>> box = w.VBox([w.HTML("<p>Pick one</p>"),
    ...               w.Dropdown(options=["Housing", "Waste"], description="Service")])
    >>> snapshot = render_widget(box.model_id, w.Widget.get_manager_state()["state"])
    >>> "<p>Pick one</p>" in snapshot
    True
    >>> 'Service:</span> <span class="compass-snap-value">Housing</span>' in snapshot
    True
    """
    walker = _Walker(state)
    body = walker.render(model_id)
    note = f'<p class="compass-snapshot-note">{TOOL_NOTE}</p>' if walker.controls else ""
    label = "Snapshot of an interactive tool" if walker.controls else "Snapshot of a widget"
    return (f'<div class="compass-snapshot" role="group" aria-label="{label}">'
            f"{note}{body}</div>")


def labelled_svg(svg: str, name: str) -> str:
    """Give a chart's SVG picture an accessible name: ``role="img"``, ``aria-label``, ``<title>``.

    Examples
    --------
    >>> print(labelled_svg('<svg width="10"><g/></svg>', 'It fell.'))
    <svg role="img" aria-label="It fell." width="10"><title>It fell.</title><g/></svg>
    """
    if not name or "aria-label=" in svg[: svg.find(">")]:
        return svg
    text = html.escape(name, quote=True)
    opened = re.sub(r"<svg\b", f'<svg role="img" aria-label="{text}"', svg, count=1)
    end = opened.find(">", opened.find("<svg")) + 1
    return f"{opened[:end]}<title>{text}</title>{opened[end:]}"


class _Walker:
    """Renders one widget tree; remembers whether it met any control."""

    def __init__(self, state: Mapping[str, Any]) -> None:
        self.state = state
        self.controls = 0
        self._seen: set[str] = set()

    def model(self, ref: object) -> tuple[str, dict[str, Any]] | None:
        """Return (model name, state) for a model id or ``IPY_MODEL_`` reference."""
        if not isinstance(ref, str):
            return None
        entry = self.state.get(ref.removeprefix(_MODEL_REF))
        if not isinstance(entry, Mapping):
            return None
        values = dict(entry.get("state", {}))
        return str(entry.get("model_name") or values.get("_model_name") or ""), values

    def hidden(self, values: Mapping[str, Any]) -> bool:
        layout = self.model(values.get("layout"))
        return layout is not None and (layout[1].get("display") == "none"
                                       or layout[1].get("visibility") == "hidden")

    def render(self, ref: object) -> str:
        found = self.model(ref)
        if found is None or str(ref) in self._seen:
            return ""
        self._seen.add(str(ref))
        name, values = found
        if self.hidden(values):
            return ""
        spec = values.get("spec")
        if isinstance(spec, dict) and "vega-lite" in str(spec.get("$schema", "")):
            return self.chart(spec)
        if name in _PANES:
            return self.panes(values)
        if name in _BOXES or isinstance(values.get("children"), list):
            kind = "hbox" if name == "HBoxModel" else "vbox"
            inner = "".join(self.render(child) for child in values.get("children", []))
            return f'<div class="compass-snap-{kind}">{inner}</div>' if inner else ""
        if name == "OutputModel":
            return self.outputs(values.get("outputs", []))
        if name in _TEXT_VALUES or name == "LabelModel":
            text = str(values.get("value") or "")
            if not text.strip():
                return ""
            # HTML widgets hold HTML made by the course's own tools; a Label holds text.
            body = text if name in _TEXT_VALUES else html.escape(text)
            described = _described(values)
            return f"<div>{described} {body}</div>" if described else f"<div>{body}</div>"
        if "ButtonModel" in name or "description" not in values:
            return ""  # buttons do nothing here; layouts and styles show nothing
        return self.control(name, values)

    def chart(self, spec: dict[str, Any]) -> str:
        from .charts import chart_svg, chart_text

        svg = labelled_svg(chart_svg(spec), chart_text(spec))
        return f'<div class="compass-snap-chart">{svg}</div>'

    def panes(self, values: Mapping[str, Any]) -> str:
        titles = list(values.get("titles") or [])
        parts = []
        for number, child in enumerate(values.get("children", [])):
            title = titles[number] if number < len(titles) and titles[number] else ""
            inner = self.render(child)
            heading = (f'<p class="compass-snap-title">{html.escape(str(title))}</p>'
                       if title else "")
            if heading and not inner:  # a pane some tools fill only when it is opened
                inner = ('<p class="compass-snapshot-note">Shown when this part is opened '
                         "in JupyterLab.</p>")
            if inner:
                parts.append(f'<section class="compass-snap-pane">{heading}{inner}</section>')
        return f'<div class="compass-snap-panes">{"".join(parts)}</div>' if parts else ""

    def outputs(self, outputs: Iterable[Mapping[str, Any]]) -> str:
        parts = []
        for output in outputs:
            data = output.get("data", {})
            if "image/svg+xml" in data:
                parts.append(labelled_svg(_joined(data["image/svg+xml"]),
                                          _joined(data.get("text/plain", ""))))
            elif "text/html" in data:
                parts.append(_joined(data["text/html"]))
            elif "text/plain" in data or output.get("output_type") == "stream":
                text = _joined(data.get("text/plain", output.get("text", "")))
                parts.append(f"<pre>{html.escape(text)}</pre>")
        return "".join(parts)

    def control(self, name: str, values: Mapping[str, Any]) -> str:
        self.controls += 1
        label = _described(values)
        if name in _TYPED:
            hint = str(values.get("placeholder") or "a box to type in")
            shown = f'<span class="compass-snap-text">{html.escape(hint)}</span>'
        elif "_options_labels" in values:
            options = [str(option) for option in values.get("_options_labels", [])]
            index = values.get("index")
            chosen = set(index if isinstance(index, list | tuple) else [index])
            if name in _OPTIONS_SHOWN:
                items = "".join(
                    f'<li class="compass-snap-chosen">{html.escape(option)}'
                    '<span class="compass-visually-hidden"> (chosen)</span></li>'
                    if number in chosen else f"<li>{html.escape(option)}</li>"
                    for number, option in enumerate(options))
                shown = f'<ul class="compass-snap-options">{items}</ul>'
            else:
                picked = [options[i] for i in sorted(chosen - {None})
                          if isinstance(i, int) and 0 <= i < len(options)]
                shown = _value(", ".join(picked) if picked else "none chosen")
        else:
            shown = _value(_readout(values))
        return (f'<div class="compass-snap-control" aria-disabled="true">{label} '
                f"{shown}</div>")


def _described(values: Mapping[str, Any]) -> str:
    text = str(values.get("description") or "").strip()
    if not text:
        return ""
    if values.get("description_allow_html"):  # keep its words, not its markup
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    text = html.escape(text)
    return f'<span class="compass-snap-label">{text.rstrip(":")}:</span>'


def _value(text: str) -> str:
    return f'<span class="compass-snap-value">{html.escape(text)}</span>'


def _readout(values: Mapping[str, Any]) -> str:
    """Return a control's current value as short text (sliders use their readout format)."""
    value = values.get("value")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return " to ".join(_formatted(part, values) for part in value)
    return "" if value is None else _formatted(value, values)


def _formatted(value: object, values: Mapping[str, Any]) -> str:
    pattern = str(values.get("readout_format") or "")
    if isinstance(value, int | float) and pattern:
        try:
            return format(value, pattern)
        except ValueError:
            pass
    return str(value)


def _joined(text: object) -> str:
    return "".join(text) if isinstance(text, list) else str(text)


# -- preparing a notebook ----------------------------------------------------------------


def _tool_names() -> set[str]:
    """Names of the course's interactive tools (the widgets ``compass_widgets`` exports)."""
    from . import _EXPORTS

    return {name for name, module in _EXPORTS.items() if module.startswith("widgets.")}


def snapshot_outputs(nb: Any) -> int:
    """Replace every widget view in ``nb`` by a static snapshot, in place; return how many.

    A view that also carries an SVG picture (a chart from the course's renderer)
    keeps the picture. With no widget state (a notebook that was not run), a course
    tool stored as its text (``DemandAnalyser(...)``) becomes the line saying how to
    use it. SVG pictures get their accessible name from the output's text. The
    notebook's widget state is removed, so the page carries no widget JavaScript.
    """
    state = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    tools = _tool_names()
    count = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            view = data.pop(WIDGET_VIEW, None)
            text = _joined(data.get("text/plain", ""))
            if "image/svg+xml" in data:
                data["image/svg+xml"] = labelled_svg(_joined(data["image/svg+xml"]), text)
            elif view is not None:
                model_id = str(view.get("model_id", ""))
                snapshot = (render_widget(model_id, state) if model_id in state else
                            f'<div class="compass-snapshot"><p class="compass-snapshot-note">'
                            f"{TOOL_NOTE}</p></div>")
                output["data"] = {"text/html": snapshot}
                count += 1
            elif "text/html" not in data and text.split("(", 1)[0] in tools:
                output["data"] = {"text/html": f'<div class="compass-snapshot" role="group" '
                                  f'aria-label="An interactive tool"><p class="compass-'
                                  f'snapshot-note">{TOOL_NOTE}</p></div>'}
                count += 1
    nb.metadata.pop("widgets", None)
    return count


def execute_notebook(nb: Any, path: Path, timeout: int = 600) -> None:
    """Run ``nb`` (read from ``path``) top to bottom, keeping widget state; raise SiteError.

    The kernel runs in the notebook's folder with a fresh, empty learner store
    (``COMPASS_HOME``) that is thrown away afterwards, so nobody's saved answers
    reach the site.
    """
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    kernel = nb.metadata.get("kernelspec", {}).get("name", "python3")
    running: dict[str, int] = {}

    def started(cell: Any, cell_index: int) -> None:
        running["cell"] = cell_index

    with tempfile.TemporaryDirectory(prefix="compass-site-home-") as home:
        env = dict(os.environ, COMPASS_HOME=home,
                   # kernel specs that run plain "python" get this environment's
                   PATH=os.pathsep.join([str(Path(sys.executable).parent),
                                         os.environ.get("PATH", "")]))
        client = NotebookClient(nb, timeout=timeout, kernel_name=kernel,
                                store_widget_state=True, record_timing=False,
                                on_cell_start=started,
                                resources={"metadata": {"path": str(path.parent)}})
        log_path = Path(home) / "kernel-stderr.log"
        # The kernel's own messages (warnings about its transport, a crash) go to a
        # log, not into the progress lines; a kernel that dies has its last words quoted.
        with log_path.open("wb") as log:
            try:
                client.execute(env=env, stderr=log)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as error:
                message = _failure(nb, path, running.get("cell"), error)
                if isinstance(error, DeadKernelError):
                    log.flush()
                    last = log_path.read_text(errors="replace").strip().splitlines()[-5:]
                    message += "".join(f"\n  kernel: {line}" for line in last)
                raise SiteError(message) from None


def _failure(nb: Any, path: Path, index: int | None, error: Exception) -> str:
    """Say which notebook and cell failed, why, and what to do."""
    where = "a cell"
    if index is not None:
        lines = nb.cells[index].source.strip().splitlines() or [""]
        where = f"cell {index + 1} of {len(nb.cells)} (`{lines[0][:60]}`)"
    ename = getattr(error, "ename", None)
    if ename:
        reason = f"{ename}: {getattr(error, 'evalue', '')}"
    else:
        lines = str(error).strip().splitlines()
        reason = f"{type(error).__name__}: {lines[0] if lines else 'the kernel stopped'}"
    return (f"{path}: {where} failed while building the site: {reason}. Nothing was "
            "published. Fix the notebook (run it in JupyterLab to see the whole error), "
            "or build from the stored outputs with --no-execute.")


# -- pages -------------------------------------------------------------------------------


@dataclass
class Page:
    """One page of the site."""

    name: str
    file: str
    title: str
    source: Path | None = None
    executed: bool = False
    size: int = 0
    seconds: float = 0.0
    snapshots: int = 0


@dataclass
class SiteReport:
    """What :func:`build_site` made."""

    out: Path
    pages: list[Page] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def index(self) -> Path:
        """The home page."""
        return self.out / "index.html"

    @property
    def size(self) -> int:
        """Bytes in every file of the site."""
        return sum(f.stat().st_size for f in self.out.rglob("*") if f.is_file())

    def summary(self) -> str:
        """One line for the end of ``compass site``."""
        return (f"{self.index}: {len(self.pages)} pages, {self.size / 1e6:.1f} MB, "
                f"built in {self.seconds:.1f} s")


def notebook_title(nb: Any, fallback: str) -> str:
    r"""Return the text of a notebook's first ``#`` heading (or ``fallback``).

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 02 · Demand\nText")])
    >>> notebook_title(nb, "02-failure-demand")
    '02 · Demand'
    """
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return re.sub(r"[*_`]", "", line[2:]).strip()
    return fallback


def _link_pages(nb: Any, pages: set[str]) -> None:
    """Point markdown links to course notebooks at their pages."""
    def page(match: re.Match[str]) -> str:
        stem, anchor = match.group(1), match.group(2) or ""
        return f"]({stem}.html{anchor})" if stem in pages else match.group(0)

    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = _NOTEBOOK_LINK.sub(page, cell.source)


def _nav(pages: list[Page], number: int) -> str:
    """Home, previous and next links for page ``number`` (0 is the home page), and its .ipynb."""
    links = [('<a class="compass-home" href="index.html">Course home</a>'
              if number else '<a class="compass-home" href="index.html" aria-current="page">'
              'Course home</a>')]
    if number > 1:
        before = pages[number - 1]
        links.append(f'<a rel="prev" href="{before.file}">Previous: '
                     f"{html.escape(before.title)}</a>")
    if number + 1 < len(pages):
        after = pages[number + 1]
        links.append(f'<a rel="next" href="{after.file}">Next: {html.escape(after.title)}</a>')
    source = pages[number].source
    if source is not None:
        links.append(f'<a class="compass-download" href="{DOWNLOADS}/{source.name}" download>'
                     f"Download the notebook ({source.name})</a>")
    items = "".join(f"<li>{link}</li>" for link in links)
    return f'<nav class="compass-nav" aria-label="Course"><ul>{items}</ul></nav>'


def _with_contents(page_html: str) -> str:
    """Put a table of contents, made from the page's ``##`` headings, in its place.

    Each heading gets an id made from its text (unique in the page) to link to.

    Examples
    --------
    >>> page = "<!--compass-toc--><main><h2>1. Two kinds</h2><h2>Sources</h2></main>"
    >>> print(_with_contents(page))  # doctest: +NORMALIZE_WHITESPACE
    <nav aria-labelledby="compass-toc-title" class="compass-toc"><h2 id="compass-toc-title">On
    this page</h2><ul><li><a href="#1-two-kinds">1. Two kinds</a></li><li><a
    href="#sources">Sources</a></li></ul></nav><main><h2 id="1-two-kinds">1. Two kinds</h2><h2
    id="sources">Sources</h2></main>
    """
    from bs4 import BeautifulSoup, Comment

    soup = BeautifulSoup(page_html, features="html.parser")
    taken = {str(tag["id"]) for tag in soup.select("[id]")} | {"compass-toc-title"}
    items = []
    for heading in soup.select("main h2"):
        for anchor in heading.select("a.anchor-link"):
            anchor.decompose()
        text = heading.get_text(" ", strip=True)
        if not heading.get("id"):
            slug = re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "section"
            unique, number = slug, 1
            while unique in taken:
                number += 1
                unique = f"{slug}-{number}"
            taken.add(unique)
            heading["id"] = unique
        items.append(f'<li><a href="#{html.escape(str(heading["id"]), quote=True)}">'
                     f"{html.escape(text)}</a></li>")
    if items:
        contents = BeautifulSoup(
            '<nav class="compass-toc" aria-labelledby="compass-toc-title">'
            '<h2 id="compass-toc-title">On this page</h2>'
            f"<ul>{''.join(items)}</ul></nav>", features="html.parser")
    for comment in soup.find_all(
            string=lambda s: isinstance(s, Comment) and s.strip() == "compass-toc"):
        comment.replace_with(contents if items else "")
        break
    return str(soup)


def _exporter() -> Any:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(  # type: ignore[no-untyped-call]
        template_name="lab",
        extra_template_paths=[str(TEMPLATE_DIR)],
        template_file="page.html.j2",
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
        # Nothing from a CDN: the page template leaves these out; empty them as well.
        mathjax_url="",
        require_js_url="",
        jquery_url="",
        jupyter_widgets_base_url="",
        widget_renderer_url="",
    )
    exporter.mermaid_js_url = ""
    exporter.mermaid_layout_elk_js_url = ""
    return exporter


def _render(exporter: Any, nb: Any, pages: list[Page], number: int, out: Path) -> int:
    page = pages[number]
    nb.metadata["title"] = page.title
    footer = ("Built from the compass course notebooks. Data in the examples are "
              "synthetic unless a source is given. To use the interactive tools, open "
              "the course in JupyterLab (<code>make lab</code>).")
    resources = {"metadata": {"name": page.name},
                 "compass": {"stylesheet": STYLESHEET, "nav": _nav(pages, number),
                             "footer": footer}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    text = _with_contents(body)
    (out / page.file).write_text(text, encoding="utf-8")
    return len(text.encode())


def _home_notebook(course: Path, pages: list[Page]) -> Any:
    import nbformat

    readme = course / "README.md"
    if readme.is_file():
        text = readme.read_text(encoding="utf-8")
    else:
        rows = "\n".join(f"- [{page.title}]({page.name}.ipynb)" for page in pages[1:])
        text = f"# The compass course\n\n## Modules\n\n{rows}\n"
    cell = nbformat.v4.new_markdown_cell(text)  # type: ignore[no-untyped-call]
    nb = nbformat.v4.new_notebook(cells=[cell])  # type: ignore[no-untyped-call]
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _course_notebooks(course: Path) -> list[Path]:
    found = sorted(p for p in course.glob("*.ipynb") if _NOTEBOOK.match(p.name))
    if not found:
        raise SiteError(f"{course}: no course notebooks (NN-name.ipynb) here. Give the course "
                        "folder with --course PATH.")
    return found


def _staging(out: Path) -> Path:
    """Check ``out`` may be (re)written and return an empty folder beside it to build in."""
    if out.exists() and not (out / MARKER).is_file() and (
            not out.is_dir() or any(out.iterdir())):
        raise SiteError(f"{out} exists and is not a site built by `compass site`; "
                        "choose another --out folder, or empty this one.")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a website is for reading
    return staging


def _publish(staging: Path, out: Path) -> None:
    """Put the finished site in place of any earlier one."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old)


def build_site(
    out: Path,
    course: Path,
    execute: bool = True,
    timeout: int = 600,
    progress: Callable[[str], None] | None = None,
) -> SiteReport:
    r"""Build the static site of ``course`` in ``out`` and return what was made.

    The site is built in a folder beside ``out`` and moved into place only when
    every page is done, so a notebook that fails leaves any earlier site as it was.

    Parameters
    ----------
    out : Path
        The site folder. If it exists, it must be empty or an earlier site.
    course : Path
        The folder with the course notebooks and ``README.md`` (the course map).
    execute : bool
        Run each notebook first and show its tools as snapshots (the default); if
        False, use the stored outputs only (faster; tools show a line only).
    timeout : int
        Longest time one cell may run, in seconds.
    progress : callable, optional
        Called with each piece of a progress line (``"[3/13] 02-failure-demand: "``,
        ``"executing ... "``, ``"rendered (0.4 MB)\n"``).

    Raises
    ------
    SiteError
        A notebook failed to run (the message names it and the cell), or ``out``
        is a folder this function did not make.
    """
    import nbformat

    started = time.perf_counter()
    say = progress or (lambda text: None)
    course = Path(course)
    out = Path(out).resolve()
    paths = _course_notebooks(course)
    notebooks = [nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
                 for path in paths]
    pages = [Page("index", "index.html", "The compass course")]
    pages += [Page(path.stem, f"{path.stem}.html", notebook_title(nb, path.stem), source=path)
              for path, nb in zip(paths, notebooks, strict=True)]
    stems = {page.name for page in pages[1:]}
    exporter = _exporter()
    staging = _staging(out)
    try:
        (staging / DOWNLOADS).mkdir()
        shutil.copyfile(TEMPLATE_DIR / STYLESHEET, staging / STYLESHEET)
        for number, (page, nb) in enumerate(zip(pages[1:], notebooks, strict=True), start=1):
            assert page.source is not None
            begun = time.perf_counter()
            say(f"[{number}/{len(paths)}] {page.name}: ")
            if execute:
                say("executing ... ")
                execute_notebook(nb, page.source, timeout=timeout)
                page.executed = True
            page.snapshots = snapshot_outputs(nb)
            _link_pages(nb, stems)
            shutil.copyfile(page.source, staging / DOWNLOADS / page.source.name)
            page.size = _render(exporter, nb, pages, number, staging)
            page.seconds = time.perf_counter() - begun
            say(f"rendered ({page.size / 1e6:.1f} MB)\n")
        home = pages[0]
        begun = time.perf_counter()
        say("home page (index.html): ")
        nb = _home_notebook(course, pages)
        home.title = notebook_title(nb, home.title)
        _link_pages(nb, stems)
        home.size = _render(exporter, nb, pages, 0, staging)
        home.seconds = time.perf_counter() - begun
        say(f"rendered ({home.size / 1e6:.1f} MB)\n")
        (staging / MARKER).write_text(json.dumps(
            {"pages": [page.file for page in pages], "executed": execute}) + "\n")
        _publish(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return SiteReport(out=out, pages=pages, seconds=time.perf_counter() - started)
