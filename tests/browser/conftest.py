"""Browser tests: the real portal served over HTTP, driven by the machine's
Chromium through Playwright, with axe-core checking every page."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium); .ci/run installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread, for the browser to use."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``new_page(viewport)``: a page in a fresh browser context (no cookies)."""
    contexts: list[Any] = []

    def _new_page(viewport: dict[str, int] = PHONE, **options: Any) -> Any:
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield _new_page
    for context in contexts:
        context.close()


_axe = Axe()
# Only violations come back: the passes and inapplicable rules are many times larger.
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now (injected once per document)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe.axe_script)
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    return list(results["violations"])


def describe(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}: " + "; ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in violations
    )


def assert_accessible(page: Any) -> None:
    """axe-core finds no WCAG 2.2 A or AA violation on the page as it is now."""
    found = axe_violations(page)
    assert found == [], f"{page.url}: {describe(found)}"
