"""The static course site (``compass site``) in a real Chromium, opened from disk.

A one-module copy of the course is built with execution (so the page has stored
charts and a tool's snapshot), and its page is opened from ``file://`` with every
request that is not a local file aborted and recorded: the charts must be drawn
(SVG with a size and marks), the stylesheet applied, no script present, and nothing
asked of the network. The same page is then checked at a phone's width and as printed.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from compass_widgets.site import build_site

pytestmark = pytest.mark.browser

COURSE = Path(__file__).resolve().parents[2] / "course"
MODULE = "02-failure-demand"
LOCAL_SCHEMES = {"file", "data", "about", "blob"}

_SVGS_JS = """() => [...document.querySelectorAll('svg')].map(svg => {
    const box = svg.getBoundingClientRect();
    return {width: box.width, height: box.height,
            marks: svg.querySelectorAll('.role-mark > *').length,
            label: svg.getAttribute('aria-label') || '',
            inSnapshot: svg.closest('.compass-snapshot') !== null};
})"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    course = tmp_path_factory.mktemp("site-course") / "course"
    course.mkdir()
    for name in ("README.md", f"{MODULE}.ipynb"):
        shutil.copy2(COURSE / name, course / name)
    out = course.parent / "_site"
    build_site(out, course)
    return out


@pytest.fixture
def offline_page(chromium: Any) -> Any:
    """A page that may load local files only; ``page.outside`` lists what was refused."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900},
                                   service_workers="block")
    outside: list[str] = []
    requested: list[str] = []

    def route(route: Any) -> None:
        if urlsplit(route.request.url).scheme in LOCAL_SCHEMES:
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort("blockedbyclient")

    def refuse_socket(socket: Any) -> None:
        outside.append(socket.url)
        socket.close()

    context.route("**/*", route)
    context.route_web_socket(lambda url: True, refuse_socket)
    page = context.new_page()
    page.on("request", lambda request: requested.append(request.url))
    page.outside = outside
    page.requested = requested
    try:
        yield page
    finally:
        context.close()


def test_site_page_from_disk_draws_its_charts_and_asks_nothing_of_the_network(
        built_site, offline_page, artifacts):
    page = offline_page
    page.goto((built_site / f"{MODULE}.html").as_uri(), wait_until="load")
    svgs = page.evaluate(_SVGS_JS)
    stored = [svg for svg in svgs if not svg["inSnapshot"]]
    snapshot = [svg for svg in svgs if svg["inSnapshot"]]
    assert len(stored) == 2, svgs  # the module's two stored charts
    assert len(snapshot) == 2, svgs  # and the DemandAnalyser's two, from its snapshot
    for svg in svgs:
        assert svg["width"] > 100 and svg["height"] > 50, svg
        assert svg["marks"] > 0, svg
        assert svg["label"].startswith("Failure demand"), svg
    assert page.evaluate("document.scripts.length") == 0
    # the local stylesheet is in use: a control in a snapshot has the disabled look
    control = page.locator(".compass-snap-control").first
    assert control.evaluate("el => getComputedStyle(el).cursor") == "not-allowed"
    assert page.get_by_text("This is an interactive tool").first.is_visible()
    page.screenshot(path=str(artifacts / "site-02-desktop.png"), full_page=True)
    assert page.outside == [], f"requests that tried to leave the machine: {page.outside}"
    assert all(urlsplit(url).scheme in LOCAL_SCHEMES for url in page.requested), page.requested
    assert any(url.endswith("/site.css") for url in page.requested)


def test_site_page_fits_a_phone_and_prints_without_navigation(built_site, offline_page,
                                                              artifacts):
    page = offline_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto((built_site / f"{MODULE}.html").as_uri(), wait_until="load")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page is {width} px wide on a 375 px phone screen"
    for svg in page.evaluate(_SVGS_JS):
        assert 0 < svg["width"] <= 375 and svg["height"] > 0, svg
    page.screenshot(path=str(artifacts / "site-02-phone.png"), full_page=True)
    page.emulate_media(media="print")
    assert not page.locator(".compass-header").is_visible()
    assert not page.locator(".compass-toc").is_visible()
    assert page.locator("main h1").is_visible()
    assert page.outside == []
