"""The deadline rush: 200 applicants saving and sending in the round's last minutes.

    .venv/bin/python bench/rush.py --applicants 200

A scratch PostgreSQL database (``bench_rush``) is migrated and filled by
``bench/generate.py``; the round is set to close in a few minutes and the
first 200 drafts are made sendable (every section answered; the groups
hold their money through a partner, so no bank statement is needed). Then,
against gunicorn with the shipped gunicorn.conf.py (WEB_CONCURRENCY, GUNICORN_THREADS and
GUNICORN_WORKER_CLASS compare other settings), at the same time:

- each applicant opens the dashboard and task list, saves two sections from
  the forms the pages serve (CSRF tokens and revisions included), opens
  check-your-answers and sends; one in five taps "Send" twice at once;
- panellists open their review pages, save drafts and submit reviews;
- an officer pages through the applications list and results (by their
  "Next" links), the budget and the work queue;
- panellists and the officer read each page for 1 to 3 seconds first.

``--busy N`` keeps N other processes spinning on the CPU throughout, for the
figure "with the machine busy".

Then the database is checked: every draft was sent exactly once (one
"submitted" audit entry, one confirmation email each), and no request
answered with an error (any status of 400 or more, or a failed connection).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from sqlalchemy import func, select, update

from bench.minting import session_cookie
from bench.serve import ROOT, bench_environment, gunicorn

PORT = 8111
DATABASE = "bench_rush"
URL = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
BASE = f"http://127.0.0.1:{PORT}"
# Seconds a panellist or the officer spends reading a page before the next
# one. Without a pause, 21 people would each ask for a page the moment the
# last arrived, which is a load test of its own, not a deadline hour.
READING = (1.0, 3.0)
SERVER_SETTINGS = ("GUNICORN_WORKER_CLASS", "WEB_CONCURRENCY", "GUNICORN_THREADS")


class Form(HTMLParser):
    """The fields of the POST form that holds a given submit button, with the values a person would send."""

    def __init__(self, button: tuple[str, str] | None) -> None:
        super().__init__()
        self.button, self.depth, self.found = button, 0, False
        self.current: list[tuple[str, str]] = []
        self.radios: dict[str, str] = {}
        self.checked_radios: set[str] = set()
        self.result: list[tuple[str, str]] | None = None
        self.textarea: str | None = None
        self.select: str | None = None
        self.selected = False
        self.in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.in_form, self.current, self.found = True, [], self.button is None
            self.radios, self.checked_radios = {}, set()
        if not self.in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "radio":
                self.radios.setdefault(name, a.get("value", ""))
                if "checked" in a:
                    self.current.append((name, a.get("value", "")))
                    self.checked_radios.add(name)
            elif kind == "checkbox":
                if "checked" in a:
                    self.current.append((name, a.get("value", "y")))
            elif kind not in {"submit", "file", "button"}:
                value = a.get("value", "")
                if not value and kind == "text":
                    value = "Bench answer"
                self.current.append((name, value))
        elif (tag == "button" and name and self.button == (name, a.get("value", ""))) or (
            tag == "button" and self.button is None
        ):
            self.found = True
        elif tag == "textarea" and name:
            self.textarea = name
            self.current.append((name, ""))
        elif tag == "select" and name:
            self.select, self.selected = name, False
        elif tag == "option" and self.select and not self.selected and ("selected" in a or a.get("value")):
            self.current.append((self.select, a.get("value", "")))
            self.selected = True

    def handle_data(self, data: str) -> None:
        if self.textarea and self.current:
            name, value = self.current[-1]
            self.current[-1] = (name, value + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:
            name, value = self.current[-1]
            self.current[-1] = (name, value.strip() or "Bench comment on this criterion, long enough to count.")
            self.textarea = None
        elif tag == "select":
            self.select = None
        elif tag == "form" and self.in_form:
            self.in_form = False
            if self.found and self.result is None:
                unset = [(n, v) for n, v in self.radios.items() if n not in self.checked_radios]
                self.result = self.current + unset + ([self.button] if self.button else [])


def form_of(html: str, button: tuple[str, str] | None = None) -> list[tuple[str, str]]:
    parser = Form(button)
    parser.feed(html)
    assert parser.result is not None, f"no form with {button}"
    return parser.result


NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')
# A failure a person would tap again after: no answer, or the proxy's "try again".
RETRYABLE = {502, 503, 504}


class Tally:
    """Every request the people make against ``base``, with its status and how long it took.

    With ``retries``, a request that fails (no answer, or 502/503/504) is made
    again after a second, as a person taps again; only the last try counts as
    the request's result, and ``retried`` counts the taps again.
    """

    def __init__(self, base: str = BASE, *, retries: int = 0, verify: bool | str = True) -> None:
        self.base, self.retries, self.verify = base, retries, verify
        self.lock = threading.Lock()
        self.statuses: Counter[str] = Counter()
        self.problems: list[str] = []
        self.latencies: list[float] = []
        # (when it started, seconds) for each request, to compare periods of a run.
        self.timeline: list[tuple[float, float]] = []
        self.retried = 0
        self.retried_for: Counter[str] = Counter()

    def request(self, client: requests.Session, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            started = time.perf_counter()
            try:
                response = client.request(
                    method, self.base + path, timeout=120, allow_redirects=True, verify=self.verify, **kwargs
                )
            except requests.RequestException as exc:
                if last:
                    with self.lock:
                        self.problems.append(f"{method} {path}: {exc}")
                        self.statuses["failed"] += 1
                else:
                    self._tap_again(f"{method} {type(exc).__name__}")
                continue
            if response.status_code in RETRYABLE and not last:
                self._tap_again(f"{method} {response.status_code}")
                continue
            elapsed = time.perf_counter() - started
            with self.lock:
                self.latencies.append(elapsed)
                self.timeline.append((started, elapsed))
                self.statuses[str(response.status_code)] += 1
                if response.status_code >= 400:
                    self.problems.append(f"{method} {path}: {response.status_code}")
            return response
        return None

    def _tap_again(self, reason: str) -> None:
        with self.lock:
            self.retried += 1
            self.retried_for[reason] += 1
        time.sleep(1)

    def path_of(self, response: requests.Response) -> str:
        return response.url.removeprefix(self.base)


def client_with(cookie: str) -> requests.Session:
    client = requests.Session()
    name, value = cookie.split("=", 1)
    client.cookies.set(name, value, domain="127.0.0.1", path="/")
    return client


def percentile(latencies: list[float], share: float) -> int:
    """Milliseconds within which ``share`` of the requests were answered."""
    ordered = sorted(latencies)
    return round(ordered[min(int(len(ordered) * share), len(ordered) - 1)] * 1000) if ordered else 0


def applicant(tally: Tally, cookie: str, application_id: int, double_tap: bool, rng: random.Random) -> None:
    client = client_with(cookie)
    tally.request(client, "GET", "/dashboard")
    tally.request(client, "GET", f"/applications/{application_id}")
    for section in ("about-your-group", "your-idea"):
        time.sleep(rng.uniform(0, 1.5))  # reading and typing
        page = tally.request(client, "GET", f"/applications/{application_id}/{section}")
        if page is not None and page.status_code == 200:
            tally.request(client, "POST", tally.path_of(page), data=form_of(page.text, ("action", "later")))
    page = tally.request(client, "GET", f"/applications/{application_id}/check-your-answers")
    if page is None or page.status_code != 200:
        return
    data = form_of(page.text)
    path = f"/applications/{application_id}/check-your-answers"
    if double_tap:
        second = client_with(cookie)
        second.cookies.update(client.cookies)  # the same browser's session, CSRF token included
        with ThreadPoolExecutor(2) as both:
            list(both.map(lambda c: tally.request(c, "POST", path, data=data), (client, second)))
    else:
        tally.request(client, "POST", path, data=data)


def panellist(tally: Tally, cookie: str, application_ids: list[int], stop: threading.Event) -> None:
    client = client_with(cookie)
    rng = random.Random(cookie)
    for application_id in application_ids:
        if stop.is_set():
            return
        time.sleep(rng.uniform(*READING))
        page = tally.request(client, "GET", f"/panel/applications/{application_id}")
        if page is None or page.status_code != 200 or 'value="submit"' not in page.text:
            continue
        tally.request(client, "POST", tally.path_of(page), data=form_of(page.text, ("action", "draft")))
        page = tally.request(client, "GET", f"/panel/applications/{application_id}")
        if page is not None and page.status_code == 200:
            tally.request(client, "POST", tally.path_of(page), data=form_of(page.text, ("action", "submit")))


def officer(tally: Tally, cookie: str, round_id: int, stop: threading.Event) -> None:
    client = client_with(cookie)
    rng = random.Random(round_id)
    lists = [f"/officer/rounds/{round_id}/applications", f"/officer/rounds/{round_id}/results"]
    pages = [f"/officer/rounds/{round_id}/budget", "/officer/"]
    while not stop.is_set():
        for start in lists:
            # The first three pages, by their "Next 50" links, as the officer would page on.
            path: str | None = start
            for _ in range(3):
                if path is None or stop.is_set():
                    break
                time.sleep(rng.uniform(*READING))
                page = tally.request(client, "GET", path)
                found = NEXT_LINK.search(page.text) if page is not None and page.status_code == 200 else None
                path = html.unescape(found.group(1)) if found else None
        for path in pages:
            time.sleep(rng.uniform(*READING))
            tally.request(client, "GET", path)


def run_people(
    tally: Tally, setting: dict[str, Any], concurrency: int, on_applicant: Callable[[int], None] | None = None
) -> None:
    """The rush itself: every applicant (``concurrency`` at once), with the panellists and the
    officer working until the last applicant is done. ``on_applicant(n)`` is called as the
    n-th applicant starts."""
    stop = threading.Event()
    background = [threading.Thread(target=officer, args=(tally, setting["officer"], setting["round_id"], stop))]
    background += [
        threading.Thread(target=panellist, args=(tally, cookie, ids, stop)) for cookie, ids in setting["panellists"]
    ]
    for thread in background:
        thread.start()

    def one(n: int, cookie: str, application_id: int) -> None:
        if on_applicant is not None:
            on_applicant(n)
        applicant(tally, cookie, application_id, n % 5 == 0, random.Random(n))

    try:
        with ThreadPoolExecutor(concurrency) as pool:
            jobs = [
                pool.submit(one, n, cookie, application_id)
                for n, (cookie, application_id) in enumerate(setting["applicants"])
            ]
            for job in jobs:
                job.result()
    finally:
        stop.set()
        for thread in background:
            thread.join()


def scratch_database(database: str) -> str:
    """A new, empty PostgreSQL database (dropped first if a run left one); its URL."""
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", database], check=True)
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}"


def drop_database(database: str) -> None:
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", "--force", database], check=True)


def prepare(applicants: int, database: str = DATABASE, **settings: str) -> dict[str, Any]:
    """Migrate and fill a scratch database, make the drafts sendable and mint everyone's cookies.
    ``settings`` are extra environment variables for the portal (S3 storage, say)."""
    url = scratch_database(database)
    env = bench_environment(url, **settings)
    subprocess.run([str(ROOT / ".venv/bin/flask"), "--app", "portal", "db", "upgrade"], env=env, check=True)
    done = subprocess.run(
        [str(ROOT / ".venv/bin/python"), str(ROOT / "bench/generate.py"), "--applications", str(applicants * 4)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    round_id = json.loads(done.stdout.strip().splitlines()[-1])["round_id"]
    os.environ.update(env)
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing
    from portal.models.applications import Application, ApplicationStatus
    from portal.models.base import utcnow
    from portal.models.funding import Round
    from portal.models.organisations import Membership, Organisation, OrganisationKind
    from portal.models.outbox import OutboxMessage
    from portal.models.panels import Assignment
    from portal.models.users import Role, RoleGrant, User

    app = create_app()
    with app.app_context(), writing():
        session = db.session
        drafts = session.execute(
            select(Application.id, Application.organisation_id, Membership.user_id)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .where(
                Application.status == ApplicationStatus.DRAFT,
                Application.round_id == round_id,
                Application.title.like("%(%)"),  # generated, not the demo's own draft
            )
            .order_by(Application.id)
            .limit(applicants)
        ).all()
        assert len(drafts) == applicants, f"only {len(drafts)} drafts"
        session.execute(
            update(Organisation)
            .where(Organisation.id.in_([d.organisation_id for d in drafts]))
            .values(partner_organisation="Bench partner trust", kind=OrganisationKind.UNCONSTITUTED)
        )
        grant_round = session.get(Round, round_id)
        assert grant_round is not None
        grant_round.closes_at = utcnow() + timedelta(minutes=10)
        reviews: dict[int, list[int]] = {}
        for application_id, panellist_id in session.execute(
            select(Assignment.application_id, Assignment.panellist_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(Application.status == ApplicationStatus.WITH_PANEL)
        ):
            reviews.setdefault(panellist_id, []).append(application_id)
        officer_id = session.scalar(select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER))
        assert officer_id is not None
        setting = {
            "round_id": round_id,
            "applicants": [(session_cookie(app, session, d.user_id), d.id) for d in drafts],
            "panellists": [(session_cookie(app, session, p), ids) for p, ids in list(reviews.items())[:20]],
            "officer": session_cookie(app, session, officer_id),
            "draft_ids": [d.id for d in drafts],
            # Emails before the rush (the demo's and the generated data's) are not counted.
            "last_email_before": session.scalar(select(func.max(OutboxMessage.id))) or 0,
        }
        session.commit()
        db.engine.dispose()
    return setting


def verify(draft_ids: list[int], last_email_before: int) -> dict[str, Any]:
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing
    from portal.models.applications import Application
    from portal.models.audit import AuditEntry
    from portal.models.outbox import OutboxMessage

    app = create_app()
    with app.app_context(), writing():
        session = db.session
        statuses = Counter(
            str(s) for s in session.scalars(select(Application.status).where(Application.id.in_(draft_ids)))
        )
        audits = Counter(
            session.scalars(
                select(AuditEntry.object_id).where(
                    AuditEntry.action == "application submitted", AuditEntry.object_id.in_(draft_ids)
                )
            )
        )
        references = session.scalar(
            select(func.count(func.distinct(Application.reference))).where(Application.id.in_(draft_ids))
        )
        confirmations = session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.subject.like("We have your application%"), OutboxMessage.id > last_email_before)
        )
        db.engine.dispose()
    return {
        "application_statuses": dict(statuses),
        "submitted_audit_entries": sum(audits.values()),
        "sent_more_than_once": [k for k, v in audits.items() if v > 1],
        "distinct_references": references,
        "confirmation_emails": confirmations,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50, help="applicants active at once")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--busy", type=int, default=0, help="keep this many other processes spinning on the CPU throughout"
    )
    args = parser.parse_args()
    setting = prepare(args.applicants)
    tally = Tally()
    env = bench_environment(URL)
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    load_before = os.getloadavg()
    started = time.perf_counter()
    try:
        with gunicorn("wsgi:app", PORT, env, extra=("--timeout", "120")):
            run_people(tally, setting, args.concurrency)
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
        checked = verify(setting["draft_ids"], setting["last_email_before"])
    finally:
        for spinner in spinners:
            spinner.kill()
        if not args.keep:
            drop_database(DATABASE)
    report = {
        "server": {name: env.get(name, "") for name in SERVER_SETTINGS},
        "busy_processes": args.busy,
        "load_average_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
        "seconds": round(elapsed, 1),
        "requests": len(tally.latencies),
        "statuses": dict(tally.statuses),
        "errors": tally.problems[:20],
        "p50_ms": percentile(tally.latencies, 0.5),
        "p99_ms": percentile(tally.latencies, 0.99),
        **checked,
    }
    print(json.dumps(report, indent=1))
    ok = (
        not tally.problems
        and checked["application_statuses"] == {"submitted": args.applicants}
        and checked["submitted_audit_entries"] == args.applicants
        and checked["confirmation_emails"] == args.applicants
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
