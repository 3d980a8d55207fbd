"""Requests per second and latency of the portal's busiest pages against a bare Flask app.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal \\
        .venv/bin/python bench/throughput.py --duration 10 --connections 16

The database must hold generated data (``bench/generate.py``). Both apps run
under gunicorn with the same settings (2 sync workers) and are driven by
``wrk`` in the same run: the bare app first and last (its mean is the
yardstick), the portal's pages in between. Signed-in pages use session
cookies minted as a sign-in would leave them (``bench/minting.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bench.minting import session_cookie
from bench.serve import BENCH_SECRET, ROOT, bench_environment, gunicorn
from portal.models.applications import Application, ApplicationStatus
from portal.models.organisations import Membership
from portal.models.panels import Assignment, PanelMember
from portal.models.users import Role, RoleGrant, User

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PORTAL_PORT, BARE_PORT = 8101, 8102
APPLICANT_AND_PANELLIST = {"applicant dashboard", "task list", "panellist review"}
TARGET_RATIO, TARGET_P99_MS = 0.40, 250.0


def prepare(database_url: str) -> list[tuple[str, str, str]]:
    """(name, path, cookie) for each page, with cookies for people in the generated data."""
    os.environ.update(bench_environment(database_url))
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing

    app = create_app()
    with app.app_context(), writing():
        session = db.session
        draft, member = session.execute(
            select(Application.id, Membership.user_id)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .where(Application.status == ApplicationStatus.DRAFT, Application.title.like("%(%)"))
            .order_by(Application.id)
            .limit(1)
        ).one()
        reviewed, panellist = session.execute(
            select(Assignment.application_id, Assignment.panellist_id)
            .join(PanelMember, PanelMember.user_id == Assignment.panellist_id)
            .join(Application, Application.id == Assignment.application_id)
            .where(
                Application.status == ApplicationStatus.WITH_PANEL,
                PanelMember.onboarded_at.is_not(None),
                Assignment.no_conflict_confirmed_at.is_not(None),
            )
            .order_by(Assignment.id)
            .limit(1)
        ).one()
        officer = session.scalar(
            select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER).order_by(User.id).limit(1)
        )
        round_id = session.scalar(select(Application.round_id).where(Application.id == draft))
        assert officer is not None
        assert round_id is not None
        people = {"a": member, "p": panellist, "o": officer}
        cookies = {who: session_cookie(app, session, user_id) for who, user_id in people.items()}
        session.commit()
    return [
        ("landing page", "/", ""),
        ("applicant dashboard", "/dashboard", cookies["a"]),
        ("task list", f"/applications/{draft}", cookies["a"]),
        ("panellist review", f"/panel/applications/{reviewed}", cookies["p"]),
        ("officer applications", f"/officer/rounds/{round_id}/applications", cookies["o"]),
    ]


def check(url: str, cookie: str) -> int:
    """The page answers 200 (not a redirect to sign in); its size in bytes, gzipped as a browser gets it."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})  # noqa: S310
    with opener.open(request, timeout=10) as response:
        assert response.status == 200, f"{url}: {response.status}"
        return len(response.read())


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def run_wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict[str, Any]:
    headers = ["-H", "Accept-Encoding: gzip"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", *headers, url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    p50 = milliseconds(re.search(r"\s50%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    p99 = milliseconds(re.search(r"\s99%\s+(\S+)", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: (.*)", output)
    return {
        "rps": rps,
        "p50_ms": p50,
        "p99_ms": p99,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    assert args.database_url.startswith("postgresql"), "give a PostgreSQL --database-url"
    pages = prepare(args.database_url)
    env = bench_environment(args.database_url, SECRET_KEY=BENCH_SECRET)
    wrk = {"duration": args.duration, "connections": args.connections, "threads": args.threads}
    results: dict[str, Any] = {}
    with gunicorn("bare_app:app", BARE_PORT, env, chdir=ROOT / "bench"), gunicorn("wsgi:app", PORTAL_PORT, env):
        bare_url = f"http://127.0.0.1:{BARE_PORT}/"
        first_bare = run_wrk(bare_url, "", **wrk)
        for name, path, cookie in pages:
            url = f"http://127.0.0.1:{PORTAL_PORT}{path}"
            size = check(url, cookie)
            results[name] = {**run_wrk(url, cookie, **wrk), "gzip_bytes": size, "path": path}
        last_bare = run_wrk(bare_url, "", **wrk)
    bare_rps = (first_bare["rps"] + last_bare["rps"]) / 2
    results["bare flask"] = {**last_bare, "rps": bare_rps, "runs": [first_bare["rps"], last_bare["rps"]]}
    print("| page | requests/s | p50 ms | p99 ms | ratio to bare | errors |\n|---|---:|---:|---:|---:|---:|")
    for name, row in results.items():
        ratio = row["rps"] / bare_rps
        row["ratio"] = round(ratio, 3)
        flag = ""
        if name in APPLICANT_AND_PANELLIST and ratio < TARGET_RATIO:
            flag = " (below 40 %)"
        if row["p99_ms"] >= TARGET_P99_MS:
            flag += " (p99 over 250 ms)"
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{ratio:.0%}{flag} | {row['non_2xx']} {row['socket_errors']} |"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
