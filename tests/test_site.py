"""Tests for the static course site (``compass site``, :mod:`compass_widgets.site`)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import ipywidgets as w
import nbformat
import pytest
from bs4 import BeautifulSoup

import compass_widgets
from compass_widgets import (
    ContractPortfolio,
    DemandAnalyser,
    LearnerStore,
    Reflection,
    SelfCheck,
    cli,
    load_contacts,
    load_contracts,
)
from compass_widgets.site import (
    TOOL_NOTE,
    SiteError,
    build_site,
    render_widget,
    snapshot_outputs,
)

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
NOTEBOOKS = sorted(COURSE.glob("[0-9][0-9]-*.ipynb"))
SECRET = "Learner text that must never be published 7f3a"


def snapshot(widget: w.Widget) -> BeautifulSoup:
    state = w.Widget.get_manager_state()["state"]
    return BeautifulSoup(render_widget(widget.model_id, state), "html.parser")


def drawn_charts(soup: BeautifulSoup) -> list:
    """Inline SVG charts that have marks in them."""
    return [svg for svg in soup.find_all("svg")
            if svg.select(".role-mark path, .role-mark rect, .role-mark line, "
                          ".role-mark text, .role-mark symbol, .role-mark g")]


def readouts(soup: BeautifulSoup) -> dict[str, str]:
    """Each control's label and value, as shown in the snapshot."""
    found = {}
    for control in soup.select(".compass-snap-control"):
        label = control.select_one(".compass-snap-label").get_text().rstrip(":")
        found[label] = control.get_text(" ", strip=True).removeprefix(label + ":").strip()
    return found


# -- snapshots of real widgets -------------------------------------------------------------


def test_snapshot_of_demand_analyser_has_its_charts_and_controls():
    analyser = DemandAnalyser(load_contacts())
    analyser.service = "Housing repairs"
    soup = snapshot(analyser)
    charts = drawn_charts(soup)
    assert len(charts) == 2
    names = [svg["aria-label"] for svg in charts]
    assert names[0].startswith("Failure demand, month by month.")
    assert "Housing repairs" in names[0]
    assert names[1].startswith("Failure demand by service.")
    assert all(svg["role"] == "img" and svg.title.get_text() == svg["aria-label"]
               for svg in charts)
    shown = readouts(soup)
    assert shown["Service"] == "Housing repairs"
    assert shown["Channel"] == "All"
    assert shown["£ per minute"] == "0.5"
    assert "Value demand" in shown["Count it as"]
    chosen = soup.select_one(".compass-snap-chosen").get_text(" ", strip=True)
    assert chosen.startswith(analyser.kind_control.label)
    note = soup.select_one(".compass-snapshot-note")
    assert note.get_text() == BeautifulSoup(TOOL_NOTE, "html.parser").get_text()
    assert "make lab" in note.get_text()
    assert not soup.find("button") and not soup.find("input") and not soup.find("script")


def test_snapshot_follows_the_state_it_is_given():
    analyser = DemandAnalyser(load_contacts())
    before = readouts(snapshot(analyser))["Channel"]
    analyser.channel = "Email"
    after = readouts(snapshot(analyser))["Channel"]
    assert (before, after) == ("All", "Email")


def test_snapshot_of_self_check_shows_question_and_options_only(store_home):
    check = SelfCheck("02", "demo", "Is a chasing call failure demand?",
                      [("Yes", True, "It exists because something was not done."),
                       ("No", False, "Ask why the person had to call again.")],
                      store=LearnerStore(store_home))
    soup = snapshot(check)
    assert soup.find("strong").get_text() == "Is a chasing call failure demand?"
    assert [li.get_text() for li in soup.select(".compass-snap-options li")] == ["Yes", "No"]
    assert not soup.select(".compass-snap-chosen")
    text = soup.get_text()
    assert "Correct." not in text and "Not quite." not in text
    assert "something was not done" not in text  # the feedback gives the answer away
    assert "Check answer" not in text  # a button does nothing on a static page


def test_snapshot_of_reflection_shows_its_prompt_not_what_was_written(store_home):
    store = LearnerStore(store_home)
    Reflection("02", "demo", "Where would you start?", store=store).text = SECRET
    reflection = Reflection("02", "demo", "Where would you start?", store=store)
    assert reflection.text == SECRET  # the widget holds it ...
    soup = snapshot(reflection)
    text = soup.get_text(" ", strip=True)
    assert "Where would you start?" in text
    assert SECRET not in str(soup)  # ... the snapshot does not
    assert readouts(soup)["Reflection"].startswith("Write your reflection here.")


def test_snapshot_of_tabs_shows_every_pane_under_its_title():
    portfolio = ContractPortfolio(load_contracts())
    soup = snapshot(portfolio)
    titles = [p.get_text() for p in soup.select(".compass-snap-pane > .compass-snap-title")]
    assert titles == list(portfolio.tables.titles)
    panes = soup.select(".compass-snap-pane")
    selected = portfolio.tables.selected_index
    assert panes[selected].select("table tbody tr")  # the pane on show has its table
    for pane in panes:  # a pane filled only when opened says so
        assert pane.select("table") or "Shown when this part is opened" in pane.get_text()
    assert drawn_charts(soup)


def test_hidden_widgets_are_left_out():
    shown = w.HTML("<p>on show</p>")
    hidden = w.HTML("<p>hidden away</p>", layout=w.Layout(display="none"))
    text = snapshot(w.VBox([shown, hidden])).get_text()
    assert "on show" in text and "hidden away" not in text


def test_control_text_is_escaped():
    soup = snapshot(w.VBox([w.Dropdown(options=["<b>bold</b>"], description="Pick <i>")]))
    assert not soup.find("b") and not soup.find("i")
    assert readouts(soup) == {"Pick <i>": "<b>bold</b>"}


# -- preparing notebooks -------------------------------------------------------------------


def test_stored_tool_outputs_become_the_note_without_execution():
    nb = nbformat.read(COURSE / "02-failure-demand.ipynb", as_version=4)
    stored = [o for c in nb.cells for o in c.get("outputs", [])
              if o.get("data", {}).get("text/plain", "").startswith(("DemandAnalyser(",
                                                                      "SelfCheck("))]
    assert stored
    replaced = snapshot_outputs(nb)
    assert replaced >= len(stored)
    for output in stored:
        assert list(output["data"]) == ["text/html"]
        assert TOOL_NOTE in output["data"]["text/html"]
    svgs = [o["data"]["image/svg+xml"] for c in nb.cells for o in c.get("outputs", [])
            if "image/svg+xml" in o.get("data", {})]
    assert svgs and all(svg.startswith('<svg role="img" aria-label="Failure demand')
                        for svg in svgs)


@pytest.fixture
def small_course(tmp_path: Path) -> Path:
    """A copy of the course with its map and two modules."""
    course = tmp_path / "course"
    course.mkdir()
    for name in ("README.md", "00-orientation.ipynb", "02-failure-demand.ipynb"):
        shutil.copy2(COURSE / name, course / name)
    return course


def test_no_execute_build_uses_stored_outputs(small_course, tmp_path):
    lines: list[str] = []
    report = build_site(tmp_path / "_site", small_course, execute=False,
                        progress=lines.append)
    out = tmp_path / "_site"
    assert sorted(p.name for p in out.glob("*.html")) == [
        "00-orientation.html", "02-failure-demand.html", "index.html"]
    assert len(report.pages) == 3 and report.index == out / "index.html"
    progress = "".join(lines)
    assert "[2/2] 02-failure-demand: rendered (0.1 MB)\n" in progress
    assert "executing" not in progress
    page = (out / "02-failure-demand.html").read_text()
    assert TOOL_NOTE in page
    nb = nbformat.read(small_course / "02-failure-demand.ipynb", as_version=4)
    stored = sum("image/svg+xml" in o.get("data", {})
                 for c in nb.cells for o in c.get("outputs", []))
    assert stored > 0 and page.count("<svg") == stored
    # the course map links to the pages, and to a module not in this copy as it was
    home = BeautifulSoup((out / "index.html").read_text(), "html.parser")
    hrefs = {a["href"] for a in home.select("main a[href]")}
    assert {"00-orientation.html", "02-failure-demand.html",
            "01-commissioning-cycle.ipynb"} <= hrefs


def test_build_replaces_an_earlier_site_but_never_a_folder_of_other_things(small_course,
                                                                           tmp_path):
    out = tmp_path / "_site"
    build_site(out, small_course, execute=False)
    (out / "stale.html").write_text("from an earlier build")
    build_site(out, small_course, execute=False)
    assert not (out / "stale.html").exists()
    assert (out / "index.html").is_file()

    precious = tmp_path / "documents"
    precious.mkdir()
    (precious / "letter.txt").write_text("keep me")
    with pytest.raises(SiteError, match="is not a site built by `compass site`"):
        build_site(precious, small_course, execute=False)
    assert [p.name for p in precious.iterdir()] == ["letter.txt"]
    assert not [p for p in tmp_path.iterdir() if "building" in p.name]


def test_cli_site_builds_with_progress_and_a_summary(small_course, tmp_path, capsys):
    out = tmp_path / "public"
    assert cli.main(["site", "--course", str(small_course), "--out", str(out),
                     "--no-execute"]) == 0
    captured = capsys.readouterr()
    assert "[1/2] 00-orientation: rendered (" in captured.err
    assert re.search(rf"{re.escape(str(out / 'index.html'))}: 3 pages, [\d.]+ MB, built in "
                     r"[\d.]+ s", captured.out)


def test_cli_site_without_a_course_says_what_to_do(tmp_path, capsys):
    assert cli.main(["site", "--course", str(tmp_path / "missing"), "--no-execute"]) == 2
    assert "--course PATH" in capsys.readouterr().err


@pytest.mark.slow
def test_a_notebook_that_fails_stops_the_build_and_names_the_cell(small_course, tmp_path,
                                                                   capsys):
    path = small_course / "00-orientation.ipynb"  # the first to run: the test stays short
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(1, nbformat.v4.new_code_cell("raise ValueError('no contact log today')"))
    nbformat.write(nb, path)
    out = tmp_path / "_site"
    with pytest.raises(SiteError) as raised:
        build_site(out, small_course)
    message = str(raised.value)
    assert message.startswith(f"{path}: cell 2 of {len(nb.cells)} "
                              "(`raise ValueError('no contact log today')`) failed")
    assert "ValueError: no contact log today" in message
    assert "Nothing was published" in message
    assert not out.exists()
    # and from the command line: a non-zero exit, the same message
    assert cli.main(["site", "--course", str(small_course), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "00-orientation.ipynb: cell 2 of" in err and "ValueError" in err
    assert not out.exists()


# -- the whole site, built once with execution -----------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # Saved answers in the store of whoever builds the site must not reach it.
    store = LearnerStore()
    store.save("02", "reflection:failure-demand", SECRET)
    store.save("02", "check:missed-bin", {"answer": "Failure demand", "correct": True})
    out = tmp_path_factory.mktemp("site") / "_site"
    build_site(out, COURSE)
    return out


def pages(site: Path) -> dict[str, BeautifulSoup]:
    return {p.name: BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(site.glob("*.html"))}


def charts_in(soup: BeautifulSoup) -> list:
    return [svg for svg in soup.find_all("svg") if svg.select(".role-mark > *")]


@pytest.mark.slow
def test_site_has_a_page_per_notebook_and_a_home_page(site):
    assert sorted(pages(site)) == sorted(["index.html", *(f"{p.stem}.html" for p in NOTEBOOKS)])
    for path in NOTEBOOKS:
        download = site / "notebooks" / path.name
        assert download.read_bytes() == path.read_bytes()


@pytest.mark.slow
def test_every_page_has_its_title_navigation_and_contents(site):
    for name, soup in pages(site).items():
        h1 = soup.find("main").find("h1")
        assert h1 is not None and soup.title.get_text() == h1.get_text(strip=True), name
        nav = soup.select(".compass-header .compass-nav a")
        assert nav[0].get_text() == "Course home" and nav[0]["href"] == "index.html"
        for link in soup.select("a[href]"):
            href = link["href"]
            if href.startswith(("http://", "https://", "mailto:")):
                continue
            target, _, anchor = href.partition("#")
            if target:
                assert (site / target).is_file(), f"{name}: link to missing {href}"
            if anchor and not target:
                assert soup.find(id=anchor), f"{name}: link to missing #{anchor}"
        if name == "index.html":
            continue
        rels = {a.get("rel", [""])[0] for a in nav if "compass-download" not in a.get("class", [])}
        assert rels == ({"next"} if name.startswith("00") else
                        {"prev"} if name.startswith("12") else {"prev", "next"}) | {""}
        nb = nbformat.read(COURSE / name.replace(".html", ".ipynb"), as_version=4)
        sections = [line[3:].strip() for cell in nb.cells if cell.cell_type == "markdown"
                    for line in cell.source.splitlines() if line.startswith("## ")]
        toc = [a.get_text() for a in soup.select(".compass-toc li a")]
        assert [re.sub(r"[*_`]", "", s) for s in sections] == toc, name
        downloads = soup.select(".compass-nav a.compass-download")
        assert len(downloads) == 2, name  # in the navigation at the top and the bottom
        for download in downloads:
            assert download["href"] == f"notebooks/{name.replace('.html', '.ipynb')}"
            assert download.has_attr("download")


@pytest.mark.slow
def test_pages_load_nothing_from_outside_and_no_javascript(site):
    for name, soup in pages(site).items():
        assert not soup.find("script"), name
        for tag in soup.find_all(src=True):
            assert not re.match(r"(https?:)?//", tag["src"]), f"{name}: {tag}"
        for tag in soup.find_all("link"):
            assert not re.match(r"(https?:)?//", tag.get("href", "")), f"{name}: {tag}"
        for style in soup.find_all("style"):
            assert "@import" not in style.get_text() and "url(http" not in style.get_text()
    css = (site / "site.css").read_text()
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


@pytest.mark.slow
def test_code_is_shown_without_prompts(site):
    soup = pages(site)["02-failure-demand.html"]
    code = [pre.get_text() for pre in soup.select(".jp-InputArea-editor pre")]
    assert any("DemandAnalyser(contacts" in text for text in code)
    assert not soup.select(".jp-InputPrompt") and "In\xa0[" not in soup.get_text()


@pytest.mark.slow
def test_every_stored_chart_and_every_tool_snapshot_is_on_its_page(site):
    found = pages(site)
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        stored = sum("image/svg+xml" in o.get("data", {})
                     for c in nb.cells for o in c.get("outputs", []))
        soup = found[f"{path.stem}.html"]
        snapshots = soup.select(".compass-snapshot")
        in_snapshots = sum(len(charts_in(s)) for s in snapshots)
        assert len(charts_in(soup)) - in_snapshots == stored, path.name
        assert len(charts_in(soup)) > 0, path.name
        widgets = [tool for tool in nb.metadata["compass"]["tools"]
                   if issubclass(getattr(compass_widgets, tool), w.Widget)]
        if widgets:
            with_charts = [s for s in snapshots if charts_in(s)]
            assert with_charts, f"{path.name}: no snapshot of {widgets} with its charts"
            for svg in charts_in(soup):
                assert svg["role"] == "img" and len(svg["aria-label"]) > 20, path.name
        assert all("make lab" in s.get_text() for s in snapshots
                   if s.select(".compass-snap-control")), path.name


@pytest.mark.slow
def test_no_answers_and_no_learner_data_are_published(site):
    for name, soup in pages(site).items():
        text = soup.get_text(" ")
        assert "Correct." not in text and "Not quite." not in text, name
        assert SECRET not in str(soup), name
        assert "compass-test-home" not in str(soup) and "compass-site-home" not in str(soup)
        for control in soup.select(".compass-snap-control"):
            if control.select_one(".compass-snap-label").get_text() == "Your answer:":
                assert not control.select(".compass-snap-chosen"), name
