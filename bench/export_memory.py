"""Peak memory of an export, measured by ``/usr/bin/time -v``.

    # any export function: called as function(session, **arguments), its result consumed chunk by chunk
    DATABASE_URL=… .venv/bin/python bench/export_memory.py --callable portal.services.opendata.threesixty:grants_json

    # or any export page, fetched through the app as a signed-in officer
    DATABASE_URL=… .venv/bin/python bench/export_memory.py --url /officer/rounds/1/applications.csv

The script runs itself again under ``/usr/bin/time -v`` and reports the
process's peak resident memory, the memory it had before the export began
(the app loaded and warmed up by one small request), and the bytes written.
The budget (DESIGN §11) is a peak under 200 MB for 100,000 awards.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def kilobytes_now() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_export(args: argparse.Namespace) -> dict[str, Any]:
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing

    app = create_app()
    written = 0
    with app.app_context(), writing():
        if args.url:
            from sqlalchemy import select

            from bench.minting import session_cookie
            from portal.models.users import Role, RoleGrant, User

            officer = db.session.scalar(select(User.id).join(RoleGrant).where(RoleGrant.role == Role.OFFICER))
            assert officer is not None
            cookie = session_cookie(app, db.session, officer)
            db.session.commit()
            client = app.test_client()
            name, value = cookie.split("=", 1)
            client.set_cookie(name, value)
            client.get("/officer/").close()  # warm up templates and the connection pool
            before = kilobytes_now()
            started = time.perf_counter()
            response = client.get(args.url, buffered=False)
            assert response.status_code == 200, f"{args.url}: {response.status_code}"
            for chunk in response.response:
                written += len(chunk)
            response.close()
        else:
            module, _, attribute = args.callable.partition(":")
            export = getattr(importlib.import_module(module), attribute)
            arguments = json.loads(args.arguments)
            before = kilobytes_now()
            started = time.perf_counter()
            result = export(db.session, **arguments)
            chunks = [result] if isinstance(result, str | bytes) else result
            for chunk in chunks:
                written += len(chunk)
    return {
        "export": args.url or args.callable,
        "bytes_written": written,
        "seconds": round(time.perf_counter() - started, 2),
        "rss_before_export_mb": round(before / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--callable", help="module:function taking (session, **arguments)")
    which.add_argument("--url", help="an export page, fetched as an officer")
    parser.add_argument("--arguments", default="{}", help="JSON object of keyword arguments for --callable")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(run_export(args)))
        return
    command = ["/usr/bin/time", "-v", sys.executable, __file__, "--inner", *sys.argv[1:]]
    done = subprocess.run(command, capture_output=True, text=True, env=os.environ, check=False)
    if done.returncode != 0:
        sys.exit(done.stderr[-3000:])
    report = json.loads(done.stdout.strip().splitlines()[-1])
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr).group(1))  # type: ignore[union-attr]
    report["peak_rss_mb"] = round(peak_kb / 1024, 1)
    report["raised_by_mb"] = round(report["peak_rss_mb"] - report["rss_before_export_mb"], 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
