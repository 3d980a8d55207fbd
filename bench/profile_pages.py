"""Each page's cost in process: milliseconds per request and SQL statements, with an optional profile.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal \\
        .venv/bin/python bench/profile_pages.py --repeat 200 [--profile "task list"]

The database must hold generated data (``bench/generate.py``). Requests go
through Flask's test client (one thread, no server, no network), so the time
is the portal's own: routing, the session lookup, SQL round trips to the
database, loading objects, rendering and gzip. ``--profile NAME`` runs that
page under pyinstrument and prints where its time goes.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.pages import Page, pages
from bench.serve import BENCH_SECRET, bench_environment


def headers(page: Page, etag: str | None) -> dict[str, str]:
    found = {"Accept-Encoding": "gzip"}
    if page.cookie:
        found["Cookie"] = page.cookie
    if page.conditional and etag:
        found["If-None-Match"] = etag
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--profile", default="", help="the name of a page to profile with pyinstrument")
    parser.add_argument("--statements", action="store_true", help="print each page's SQL statements")
    args = parser.parse_args()
    os.environ.update(bench_environment(args.database_url, SECRET_KEY=BENCH_SECRET))
    from portal import create_app
    from portal.extensions import db

    app = create_app()
    visited = pages(app)
    client = app.test_client(use_cookies=False)
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
    print("| page | status | ms per request | SQL statements |\n|---|---:|---:|---:|")
    for page in visited:
        first = client.get(page.path, headers=headers(page, None))
        etag = first.headers.get("ETag")
        statements.clear()
        response = client.get(page.path, headers=headers(page, etag))
        queries = len(statements)
        if args.statements:
            print(f"\n{page.name}:\n" + "\n".join(" ".join(s.split())[:300] for s in statements) + "\n")
        if args.profile == page.name:
            from pyinstrument import Profiler

            with Profiler() as profiler:
                for _ in range(args.repeat):
                    client.get(page.path, headers=headers(page, etag))
            print(profiler.output_text(unicode=True, color=False, show_all=False))
        started = time.perf_counter()
        for _ in range(args.repeat):
            client.get(page.path, headers=headers(page, etag))
        elapsed = (time.perf_counter() - started) * 1000 / args.repeat
        print(f"| {page.name} | {response.status_code} | {elapsed:.1f} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
