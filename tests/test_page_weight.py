"""Page weight (DESIGN §11): every applicant and panellist page arrives in one round trip.

Each page an applicant or panellist can open (every GET line of the access
matrix outside the officer and admin journeys, as the person it is for) must
be at most 14 KB gzip-compressed, and with every portal asset it references
(CSS, JavaScript, images, and what the CSS itself pulls in) at most 30 KB. No
page or stylesheet may make the browser request or submit to another origin
(a link a person follows, such as a shared resource's web page, may go
elsewhere, over https only), assets are
fingerprinted and cached for a year, and text responses are compressed.
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from portal.infra.assets import IMMUTABLE
from tests.access import OK, World, collect
from tests.access.world import build_world
from tests.test_access_matrix import rules_by_endpoint, url_in

HTML_BUDGET = 14 * 1024
PAGE_BUDGET = 30 * 1024
GZIP = {"Accept-Encoding": "gzip"}
# The journeys of applicants and panellists; officers and admins work on laptops.
JOURNEYS = {"main", "auth", "eligibility", "apply", "panel"}
# One person per test: the app context (and with it the signed-in user) outlives a request in tests.
ROLES = ("applicant_a", "panellist")
# Attributes whose value the browser fetches or submits to.
FETCHED = {"src", "href", "action", "formaction", "poster", "data", "srcset", "imagesrcset"}
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)|@import\s+['\"]([^'\"]+)['\"]")

MATRIX, _ = collect()


class References(HTMLParser):
    """Every URL a page fetches (assets) or may navigate to (links, forms)."""

    def __init__(self) -> None:
        super().__init__()
        self.assets: set[str] = set()
        self.all: set[str] = set()
        self.links: set[str] = set()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if "style" in values or (tag == "script" and not values.get("src")) or tag == "style":
            self.inline.append(tag)
        for name, value in attrs:
            if name not in FETCHED or not value:
                continue
            urls = [part.strip().split(" ")[0] for part in value.split(",")] if "srcset" in name else [value]
            self.all.update(urls)
            is_link = tag == "a" or (tag == "link" and values.get("rel") in {"canonical", "alternate"})
            if is_link:
                self.links.update(urls)
            elif tag != "form" and name != "formaction":
                self.assets.update(urls)


def same_origin(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in {"mailto", "tel"}:
        return True
    return not parts.scheme and not parts.netloc


def body(response: Any) -> bytes:
    data = response.get_data()
    return gzip.decompress(data) if response.headers.get("Content-Encoding") == "gzip" else data


def compressed_size(response: Any) -> int:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        return len(data)
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def pages(app: Flask, world: World, role: str) -> list[tuple[str, str]]:
    """(endpoint, url) for every page of the applicant and panellist journeys ``role`` may GET."""
    methods = rules_by_endpoint(app)
    found = []
    for endpoint, (arguments, expected, *_) in MATRIX.items():
        if endpoint.split(".")[0] in JOURNEYS and "GET" in methods[endpoint] and expected[role] == OK:
            found.append((endpoint, url_in(app, endpoint, arguments(world))))
    return found


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def client_as(app: Flask, sign_in_as: Any, world: World, role: str) -> FlaskClient:
    client = app.test_client()
    if role != "anonymous":
        sign_in_as(client, world.people[role])
    return client


def asset_sizes(client: FlaskClient, urls: set[str], problems: list[str], page: str) -> dict[str, int]:
    """Compressed size of each portal asset, following CSS url()s; checks cache headers on the way."""
    sizes: dict[str, int] = {}
    queue = sorted(urls)
    while queue:
        url = queue.pop()
        if url in sizes or url.startswith(("#", "data:")):
            continue
        if not same_origin(url):
            problems.append(f"{page} asks for {url} from another origin")
            continue
        response = client.get(url, headers=GZIP)
        if response.status_code != 200:
            problems.append(f"{page}: {url} answered {response.status_code}")
            continue
        if url.startswith("/static/"):
            if "v=" not in urlsplit(url).query:
                problems.append(f"{page}: {url} is not fingerprinted")
            if response.headers.get("Cache-Control") != IMMUTABLE:
                problems.append(f"{page}: {url} is not cached long: {response.headers.get('Cache-Control')}")
        sizes[url] = compressed_size(response)
        if response.mimetype == "text/css":
            for match in CSS_URL.finditer(body(response).decode()):
                queue.append(match.group(1) or match.group(2))
        response.close()
    return sizes


# Pages each walk must reach, so a broken world cannot pass by checking nothing.
MUST_SEE = {
    "applicant_a": {"main.index", "apply.dashboard", "apply.task_list", "apply.section", "apply.evidence"},
    "panellist": {"panel.home", "panel.review", "panel.conflict", "panel.time"},
}


@pytest.mark.parametrize("role", ROLES)
def test_applicant_and_panellist_pages_fit_their_budgets(app: Flask, sign_in_as: Any, world: World, role: str) -> None:
    checked, problems = [], []
    for endpoint, url in pages(app, world, role):
        client = client_as(app, sign_in_as, world, role)
        response = client.get(url, headers=GZIP)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()
            continue
        checked.append(endpoint)
        html = body(response)
        if response.headers.get("Content-Encoding") != "gzip":
            problems.append(f"{url} was not compressed")
        html_size = compressed_size(response)
        parser = References()
        parser.feed(html.decode())
        elsewhere = {ref for ref in parser.all if not same_origin(ref)}
        outbound = {ref for ref in parser.links & elsewhere if urlsplit(ref).scheme == "https"}
        problems.extend(f"{url}: asks for or sends to {ref} on another origin" for ref in elsewhere - outbound)
        problems.extend(f"{url}: inline <{tag}> content" for tag in parser.inline)
        total = html_size + sum(asset_sizes(client, parser.assets, problems, url).values())
        if html_size > HTML_BUDGET:
            problems.append(f"{url}: HTML is {html_size} bytes compressed, over {HTML_BUDGET}")
        if total > PAGE_BUDGET:
            problems.append(f"{url}: page with its assets is {total} bytes compressed, over {PAGE_BUDGET}")
    assert problems == []
    # The walk really covered the journeys: the pages people spend their time on are among them.
    assert MUST_SEE[role] <= set(checked)


def test_text_is_compressed_only_for_browsers_that_accept_it(client: FlaskClient) -> None:
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers.get("Vary", "")
    packed = client.get("/", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    refused = client.get("/", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers


def test_static_files_are_compressed_with_a_weak_etag(app: Flask, client: FlaskClient) -> None:
    digest = app.extensions["portal.asset_hashes"]["css/portal.css"]
    url = f"/static/css/portal.css?v={digest}"
    plain = client.get(url)
    original = plain.get_data()
    plain.close()
    packed = client.get(url, headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.get_data()) == original
    assert packed.headers["Cache-Control"] == IMMUTABLE
    assert packed.headers["ETag"].startswith("W/")
    # The weak tag still revalidates: the browser is told its copy is current.
    again = client.get(url, headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304
    again.close()


def test_tiny_and_binary_responses_are_left_alone(client: FlaskClient) -> None:
    health = client.get("/healthz", headers=GZIP)
    assert "Content-Encoding" not in health.headers
