"""Requests per second and latency of the portal's busiest pages against a bare Flask app.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal \\
        .venv/bin/python bench/throughput.py --duration 10 --connections 16

The database must hold generated data (``bench/generate.py``). Both apps run
under gunicorn with the same settings (the shipped gunicorn.conf.py) and are driven by
``wrk`` in the same run: the bare app first and last (its mean is the
yardstick), the portal's pages in between (``bench/pages.py``: the landing
and round pages, also asked with the ETag they gave, as a phone that has them
already; every applicant and panellist page; the officer list). Signed-in
pages use session cookies minted as a sign-in would leave them
(``bench/minting.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bench.pages import TARGETS, Page, pages
from bench.serve import BENCH_SECRET, ROOT, bench_environment, gunicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PORTAL_PORT, BARE_PORT = 8101, 8102
TARGET_P99_MS = 250.0


def prepare(database_url: str) -> list[Page]:
    """Every page to measure, with cookies for people in the generated data (``bench/pages.py``)."""
    os.environ.update(bench_environment(database_url))
    from portal import create_app

    return pages(create_app())


def check(url: str, cookie: str) -> tuple[int, str]:
    """The page answers 200 (not a redirect to sign in): its size in bytes, gzipped as a browser gets it,
    and its ETag (empty when it has none)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Accept-Encoding": "gzip"})  # noqa: S310
    with opener.open(request, timeout=10) as response:
        assert response.status == 200, f"{url}: {response.status}"
        return len(response.read()), response.headers.get("ETag", "")


def check_not_modified(url: str, cookie: str, etag: str) -> None:
    """Asked again with the ETag it gave, the page answers 304."""
    assert etag, f"{url} gave no ETag"
    headers = {"Cookie": cookie, "Accept-Encoding": "gzip", "If-None-Match": etag}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310
    try:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    except urllib.error.HTTPError as answer:
        status = answer.code
    else:
        status = 200
    if status != 304:
        raise AssertionError(f"{url} answered {status} to its own ETag, not 304")


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def run_wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int, etag: str = "") -> dict[str, Any]:
    headers = ["-H", "Accept-Encoding: gzip"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    if etag:
        headers += ["-H", f"If-None-Match: {etag}"]
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
        for page in pages:
            url = f"http://127.0.0.1:{PORTAL_PORT}{page.path}"
            size, etag = check(url, page.cookie)
            if page.conditional:
                check_not_modified(url, page.cookie, etag)
            measured = run_wrk(url, page.cookie, etag=etag if page.conditional else "", **wrk)
            results[page.name] = {**measured, "gzip_bytes": size, "path": page.path, "kind": page.kind}
        last_bare = run_wrk(bare_url, "", **wrk)
    bare_rps = (first_bare["rps"] + last_bare["rps"]) / 2
    results["bare flask"] = {**last_bare, "rps": bare_rps, "runs": [first_bare["rps"], last_bare["rps"]]}
    print("| page | requests/s | p50 ms | p99 ms | ratio to bare | errors |\n|---|---:|---:|---:|---:|---:|")
    for name, row in results.items():
        ratio = row["rps"] / bare_rps
        row["ratio"] = round(ratio, 3)
        flag = ""
        target = TARGETS.get(row.get("kind", ""))
        if target is not None and ratio < target:
            flag = f" (below {target:.0%})"
        if row["p99_ms"] >= TARGET_P99_MS:
            flag += " (p99 over 250 ms)"
        # wrk's "Non-2xx or 3xx" count is of answers of 400 and above: a conditional page's 304s are not in it.
        print(
            f"| {name} | {row['rps']:.0f} | {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | "
            f"{ratio:.0%}{flag} | {row['non_2xx']} {row['socket_errors']} |"
        )
    print(json.dumps(results))


if __name__ == "__main__":
    main()
