"""Tests for ``compass portfolio`` (compass_widgets.learner_portfolio): one self-contained file."""

from __future__ import annotations

import contextlib
import io
import re
from html.parser import HTMLParser

import pytest

from compass_widgets import cli, learner_portfolio
from compass_widgets.learner_portfolio import external_references, find_chromium, print_pdf
from compass_widgets.store import LearnerStore

from .learner_support import COURSE, HOSTILE, use_every_tool

HOSTILE_PLAN = '<img src="https://example.org/track.png"> then ask residents'


class Page(HTMLParser):
    """The parts of an HTML page the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture(scope="module")
def every_tool_home(tmp_path_factory):
    """A learner store where each of the eleven tools was used, with reflections and a plan."""
    home = tmp_path_factory.mktemp("every-tool-home")
    store = LearnerStore(home)
    used = use_every_tool(store)
    from compass_widgets import CompassSelfAssessment

    full = CompassSelfAssessment(store=store, module="11")
    full.plan_boxes["days-31-60"].value = HOSTILE_PLAN
    return home, used


@pytest.fixture(scope="module")
def every_tool_portfolio(every_tool_home, tmp_path_factory):
    """The portfolio of that store, made by ``compass portfolio``: (html, stdout, stderr, code)."""
    home, _ = every_tool_home
    before = {p.name: p.read_bytes() for p in home.glob("*.json")}
    out = tmp_path_factory.mktemp("portfolio") / "my portfolio.html"
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COMPASS_HOME", str(home))
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = cli.main(["portfolio", "--out", str(out), "--course", str(COURSE)])
    after = {p.name: p.read_bytes() for p in home.glob("*.json")}
    assert after == before, "making a portfolio changed the learner's saved answers"
    return out, stdout.getvalue(), stderr.getvalue(), code


def _sections(text: str) -> dict[str, str]:
    """Return ``{h3 heading: the HTML under it, up to the next heading}``."""
    parts = re.split(r"<h3>(.*?)</h3>", text)
    return {Page(parts[i]).plain: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def test_the_command_reports_each_step_then_the_file_and_its_size(every_tool_portfolio):
    out, stdout, stderr, code = every_tool_portfolio
    assert code == 0
    steps = [line for line in stderr.splitlines() if line.startswith("[")]
    assert steps[0].startswith("[1/14] progress: ")
    assert steps[1] == "[2/14] reflections: 2"
    assert steps[2] == "[3/14] charts: CompassSelfAssessment (module 11) ..."
    assert "[6/14] charts: DemandAnalyser (module 02) ..." in steps
    assert len([s for s in steps if "] charts: " in s]) == 12
    size = out.stat().st_size
    assert stdout.strip() == (f"Portfolio written to {out.resolve()} ({size / 1024:.1f} KB, "
                              "25 charts).")


def test_a_chart_with_marks_for_every_saved_tool(every_tool_home, every_tool_portfolio):
    _, used = every_tool_home
    text = every_tool_portfolio[0].read_text(encoding="utf-8")
    sections = _sections(text)
    for tool, module in used.items():
        if tool == "CompassSelfAssessment":
            heading = f"Your self-assessment (module {module})"
        else:
            heading = next(h for h in sections if h.startswith(f"{tool}, module {module}"))
        html = sections[heading]
        svgs = re.findall(r"<svg.*?</svg>", html, re.DOTALL)
        assert svgs, f"no chart for {tool}"
        assert all('class="mark-' in svg and "<path" in svg for svg in svgs), tool
    assert "<svg" in sections["Your baseline self-assessment (module 00)"]


def test_every_chart_has_its_title_and_summary_beside_it(every_tool_portfolio):
    page = Page(every_tool_portfolio[0].read_text(encoding="utf-8"))
    figures = page.named("figure")
    assert len(figures) == 25 == len(page.named("svg"))
    assert len(page.named("figcaption")) == 25
    text = every_tool_portfolio[0].read_text(encoding="utf-8")
    for caption in re.findall(r"<figcaption>(.*?)</figcaption>", text, re.DOTALL):
        title, summary = re.fullmatch(r"<strong>(.+?)</strong>(.+)", caption, re.DOTALL).groups()
        assert len(title) > 5 and len(summary) > 20
    assert "Failure demand was 57% of 902 contacts (Waste and recycling" in page.plain


def test_reflections_are_escaped_under_their_prompts(every_tool_portfolio):
    text = every_tool_portfolio[0].read_text(encoding="utf-8")
    page = Page(text)
    assert not page.named("script")  # the learner's <script> is text, not a tag
    assert not page.named("b")
    assert HOSTILE in " ".join(page.text)  # shown exactly as written
    reflections = _sections(text)["Module 02: Value demand and failure demand"]
    assert "Which failure demand would you expect in a service you commission" in Page(
        reflections).plain
    assert re.search(r"Saved \d{1,2} \w+ \d{4}", Page(reflections).plain)
    assert "We buy hours of care by the minute." in page.plain


def test_the_self_assessment_and_100_day_plan(every_tool_portfolio):
    text = every_tool_portfolio[0].read_text(encoding="utf-8")
    full = Page(_sections(text)["Your self-assessment (module 11)"]).plain
    assert "You answered 2 of 36 statements" in full
    plan = Page(_sections(text)["Your 100-day plan"]).plain
    assert "Days 1 to 30 Ask ten residents what a good week looks like." in plan
    assert f"Days 31 to 60 {HOSTILE_PLAN}" in plan
    assert not Page(text).named("img")
    baseline = Page(_sections(text)["Your baseline self-assessment (module 00)"]).plain
    assert "You answered all 8 statements" in baseline


def test_nothing_is_loaded_from_outside_the_file(every_tool_portfolio):
    text = every_tool_portfolio[0].read_text(encoding="utf-8")
    page = Page(text)
    for name in ("script", "link", "iframe", "img", "object", "embed", "video", "audio"):
        assert not page.named(name), name
    for _, attrs in page.tags:
        for key in ("src", "href", "xlink:href", "action", "srcset", "poster"):
            value = (attrs.get(key) or "").strip().lower()
            assert not re.match(r"([a-z][a-z0-9+.-]*:)?//", value), (key, value)
    style = " ".join(page.styles)
    assert "@import" not in style and not re.search(r"url\(", style)
    assert "@font-face" not in style
    assert external_references(text) == []


def test_the_progress_table(every_tool_portfolio):
    page = Page(every_tool_portfolio[0].read_text(encoding="utf-8"))
    assert "1 of 13 modules finished, 11 started, 1 not started" in page.plain
    assert "02 Value demand and failure demand started 3 of 4 1 of 1 DemandAnalyser" in page.plain


def test_print_css_keeps_charts_whole_and_sections_on_new_pages(every_tool_portfolio):
    style = " ".join(Page(every_tool_portfolio[0].read_text(encoding="utf-8")).styles)
    assert "@media print" in style and "@page" in style
    assert re.search(r"section\s*\{[^}]*break-before:\s*page", style)
    assert re.search(r"figure\s*\{[^}]*break-inside:\s*avoid", style)


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_the_portfolio_prints_to_a_pdf(every_tool_portfolio, tmp_path):
    pdf = print_pdf(every_tool_portfolio[0], tmp_path / "portfolio.pdf", find_chromium() or "")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    assert data.rstrip().endswith(b"%%EOF")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 5  # a page for progress, reflections, self-assessment and the analyses


def test_an_empty_store_gets_a_short_portfolio_that_says_what_to_do(store_home, tmp_path,
                                                                     monkeypatch, capsys):
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    out = tmp_path / "empty.html"
    assert cli.main(["portfolio", "--out", str(out), "--course", str(COURSE)]) == 0
    stdout, stderr = capsys.readouterr()
    assert "0 charts" in stdout and "nothing saved yet" in stderr
    page = Page(out.read_text(encoding="utf-8"))
    assert "Nothing saved yet" in page.plain and "compass lab" in page.plain
    assert "00-orientation.ipynb" in page.plain
    assert not page.named("svg")
    assert out.stat().st_size < 5000


def test_a_tool_that_cannot_be_rebuilt_is_reported_not_fatal(store_home, tmp_path, monkeypatch,
                                                             capsys):
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    store = LearnerStore(store_home)
    store.save("03", "tool:OldTool", {"x": 1})
    store.save("07", "tool:ImmuneResponse", "not the saved state of a tool")
    store.save("03", "reflection:standardise-personalise", "Sort the work first.")
    out = tmp_path / "p.html"
    assert cli.main(["portfolio", "--out", str(out), "--course", str(COURSE)]) == 0
    page = Page(out.read_text(encoding="utf-8"))
    assert "OldTool is not one of the course's tools" in page.plain
    assert "Sort the work first." in page.plain
    assert len(page.named("svg")) == 2  # ImmuneResponse starts from its defaults
    assert "[3/4] charts: OldTool (module 03) ..." in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(find_chromium() is None, reason="Chromium is not installed")
def test_out_ending_in_pdf_makes_the_html_and_the_pdf(store_home, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    LearnerStore(store_home).save("00", "reflection:starting-point", "Buying hours.")
    assert cli.main(["portfolio", "--out", str(tmp_path / "mine.pdf")]) == 0
    stdout = capsys.readouterr().out
    assert (tmp_path / "mine.html").is_file()
    assert (tmp_path / "mine.pdf").read_bytes().startswith(b"%PDF-")
    assert f"PDF written to {(tmp_path / 'mine.pdf').resolve()}" in stdout


def test_without_chromium_the_html_is_kept_and_the_learner_told(store_home, tmp_path,
                                                                monkeypatch, capsys):
    monkeypatch.setenv("COMPASS_HOME", str(store_home))
    monkeypatch.setattr(learner_portfolio, "find_chromium", lambda: None)
    LearnerStore(store_home).save("00", "reflection:starting-point", "Buying hours.")
    assert cli.main(["portfolio", "--out", str(tmp_path / "mine.html"), "--pdf"]) == 1
    stdout, stderr = capsys.readouterr()
    assert "No PDF was made: Chromium was not found" in stderr
    assert "print it to PDF from there" in stderr
    assert (tmp_path / "mine.html").is_file() and not (tmp_path / "mine.pdf").exists()
    assert "Portfolio written to" in stdout


def test_external_references_finds_what_a_browser_would_fetch():
    assert external_references('<link href="//cdn.example/a.css">') == ['href="//']
    assert external_references("<style>@import 'x.css';</style>")
    assert external_references("<div style=\"background: url('https://x.example/a.png')\">")
    assert external_references('<a href="#reflections">x</a><svg xmlns="http://www.w3.org/2000'
                               '/svg"></svg>') == []


def test_find_chromium_prefers_debian_then_path(monkeypatch, tmp_path):
    monkeypatch.setattr(learner_portfolio, "DEBIAN_CHROMIUM", tmp_path / "no-chromium")
    fake = tmp_path / "google-chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(fake)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert find_chromium() is None
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(learner_portfolio, "DEBIAN_CHROMIUM", fake.with_name("chromium-deb"))
    fake.with_name("chromium-deb").write_text("#!/bin/sh\n")
    fake.with_name("chromium-deb").chmod(0o755)
    assert find_chromium() == str(fake.with_name("chromium-deb"))


def test_the_portfolio_module_path_is_not_public():
    import compass_widgets

    assert "build_portfolio" not in compass_widgets.__all__
    assert "learner_progress" not in compass_widgets.__all__
