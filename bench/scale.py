"""Officer pages at 200, 2,000 and 20,000 applications: time and SQL statements per page.

    .venv/bin/python bench/scale.py --sizes 200 2000 20000

For each size a scratch PostgreSQL database (``bench_scale_<size>_<pid>``) is
created, migrated and filled by ``bench/generate.py``, the officer pages are
rendered in process through the test client (median of ``--repeat`` runs,
after one warm-up), the peak memory of the round's applications CSV export
is measured (``bench/export_memory.py``), and the database is dropped. Budget: at the largest size
each page costs at most twice what it costs at the smallest, and runs the
same number of statements.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, select

from bench.minting import session_cookie
from bench.serve import ROOT, bench_environment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
PAGES = {
    "officer home": "/officer/",
    "applications list": "/officer/rounds/{round_id}/applications",
    "applications list, filtered": "/officer/rounds/{round_id}/applications?status=with_panel&q=group",
    "applications list, flagged by the panel": "/officer/rounds/{round_id}/applications?flagged=y",
    "applications list, by reference": "/officer/rounds/{round_id}/applications?sort=reference",
    "applications list, by amount": "/officer/rounds/{round_id}/applications?sort=amount",
    "applications list, by group": "/officer/rounds/{round_id}/applications?sort=group",
    "results": "/officer/rounds/{round_id}/results",
    "budget": "/officer/rounds/{round_id}/budget",
    "audit log": "/officer/audit",
}
# Later pages, reached as a person reaches them: by following "Next" from the first page this many times.
FOLLOWED = {
    "applications list, next page": ("applications list", 1),
    "applications list, page 20 (or the last)": ("applications list", 19),
    "results, page 2": ("results", 1),
    "audit log, page 2": ("audit log", 1),
}
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


def follow(client: Any, path: str, times: int) -> str:
    """The address reached by following the "Next" link of ``path`` ``times`` times (or to the last page,
    when a small round has fewer)."""
    for _ in range(times):
        found = NEXT_LINK.search(client.get(path).get_data(as_text=True))
        if not found:
            break
        path = html.unescape(found.group(1))
    return path


def scratch(name: str, create: bool) -> None:
    tool = "createdb" if create else "dropdb"
    subprocess.run([tool, "-h", "127.0.0.1", "-U", "postgres", *([] if create else ["--if-exists"]), name], check=True)


def fill(url: str, size: int) -> dict[str, Any]:
    env = bench_environment(url)
    python, flask = str(ROOT / ".venv/bin/python"), str(ROOT / ".venv/bin/flask")
    subprocess.run([flask, "--app", "portal", "db", "upgrade"], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [python, str(ROOT / "bench/generate.py"), "--applications", str(size)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    # Statistics, as autovacuum keeps them on a database in use: without them the planner guesses the
    # freshly loaded tables are empty and picks plans no real round would get.
    database = url.rsplit("/", 1)[1]
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", "ANALYZE", database], check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(url: str, round_id: int, repeat: int) -> dict[str, dict[str, float]]:
    os.environ.update(bench_environment(url))
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing
    from portal.models.users import Role, RoleGrant, User

    app = create_app()
    with app.app_context(), writing():
        officer = db.session.scalar(select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER))
        assert officer is not None
        cookie = session_cookie(app, db.session, officer)
        db.session.commit()
        engine = db.engine
    client = app.test_client()
    name, value = cookie.split("=", 1)
    client.set_cookie(name, value)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    found: dict[str, dict[str, float]] = {}
    targets = {page: path.format(round_id=round_id) for page, path in PAGES.items()}
    targets |= {page: follow(client, targets[start], times) for page, (start, times) in FOLLOWED.items()}
    for page, target in targets.items():
        assert client.get(target).status_code == 200, target
        times = []
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            response = client.get(target)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        found[page] = {"ms": round(statistics.median(times), 1), "queries": len(statements)}
    engine.dispose()
    return found


def export_memory(url: str, round_id: int) -> dict[str, Any]:
    """Peak memory of the applications CSV export of the whole round (bench/export_memory.py)."""
    done = subprocess.run(
        [
            str(ROOT / ".venv/bin/python"),
            str(ROOT / "bench/export_memory.py"),
            "--url",
            f"/officer/rounds/{round_id}/applications.csv",
        ],
        env=bench_environment(url),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 2_000, 20_000])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    results: dict[int, dict[str, dict[str, float]]] = {}
    exports: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        name = f"bench_scale_{size}_{os.getpid()}"  # two runs at once (two worktrees) never share one
        scratch(name, create=False)
        scratch(name, create=True)
        try:
            url = f"{SERVER}/{name}"
            started = time.perf_counter()
            summary = fill(url, size)
            print(f"{size} applications generated in {time.perf_counter() - started:.0f} s", file=sys.stderr)
            results[size] = measure(url, summary["round_id"], args.repeat)
            exports[size] = export_memory(url, summary["round_id"])
        finally:
            scratch(name, create=False)
    smallest, largest = min(results), max(results)
    header = " | ".join(f"{size:,} ms (queries)" for size in results)
    print(f"| page | {header} | {largest:,} over {smallest:,} |\n|---|{'---:|' * (len(results) + 1)}")
    for page in [*PAGES, *FOLLOWED]:
        cells = " | ".join(f"{results[size][page]['ms']} ({results[size][page]['queries']:.0f})" for size in results)
        ratio = results[largest][page]["ms"] / results[smallest][page]["ms"]
        print(f"| {page} | {cells} | {ratio:.2f} times |")
    for size, report in exports.items():
        print(
            f"applications CSV at {size:,}: peak {report['peak_rss_mb']} MB, "
            f"{report['raised_by_mb']} MB over the warmed-up app, {report['bytes_written']:,} bytes"
        )
    print(json.dumps({"pages": results, "csv_export": exports}))


if __name__ == "__main__":
    main()
