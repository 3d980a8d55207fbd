"""How much a 25 MB upload raises a gunicorn worker's peak memory, for each storage backend.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/bench_portal .venv/bin/python bench/upload_memory.py

The database must hold generated data (``bench/generate.py``). For local
files and for S3 (a moto server on 127.0.0.1:8121) in turn, gunicorn serves
the portal with one worker (so the worker measured is the one that took the
upload) and ``MAX_UPLOAD_MB=30``. An applicant uploads a small PDF to warm
the worker up, then a 25 MB one; the worker's peak resident memory
(``VmHWM`` in ``/proc/<pid>/status``) is read before and after. Budget: it
rises by less than 30 MB.

With ``--photos`` it uploads, as photos and with local storage only, a
one-colour PNG of 49 megapixels (the decompression-bomb case, a few hundred
kilobytes on the wire) and one of 32 megapixels (the largest a preview is
made of), and reports how much each raised the worker's peak memory, how long
the upload took and whether a preview was made.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import struct
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import select

from bench.minting import session_cookie
from bench.serve import bench_environment, gunicorn

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PORT, S3_PORT = 8120, 8121
BIG_MB = 25


def peak_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))  # type: ignore[union-attr]


def worker_of(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    assert len(children) == 1, f"expected one worker, found {children}"
    return int(children[0])


def pdf(path: Path, megabytes: float) -> Path:
    with path.open("wb") as out:
        out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        chunk = os.urandom(1024 * 1024)
        for _ in range(int(megabytes)):
            out.write(chunk)
        out.write(os.urandom(int((megabytes % 1) * 1024 * 1024)))
        out.write(b"\n%%EOF\n")
    return path


def png(path: Path, width: int, height: int) -> Path:
    """A black RGB PNG, compressed row by row (never held whole)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(6)
    row = bytes(1 + width * 3)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))
    return path


def applicant(database_url: str) -> tuple[str, int]:
    os.environ.update(bench_environment(database_url))
    from portal import create_app
    from portal.extensions import db
    from portal.infra.database import writing
    from portal.models.applications import Application, ApplicationStatus
    from portal.models.organisations import Membership

    app = create_app()
    with app.app_context(), writing():
        draft, member = db.session.execute(
            select(Application.id, Membership.user_id)
            .join(Membership, Membership.organisation_id == Application.organisation_id)
            .where(Application.status == ApplicationStatus.DRAFT, Application.title.like("%(%)"))
            .order_by(Application.id.desc())
            .limit(1)
        ).one()
        cookie = session_cookie(app, db.session, member)
        db.session.commit()
        db.engine.dispose()
    return cookie, draft


def upload(
    client: requests.Session,
    base: str,
    application_id: int,
    path: Path,
    kind: str = "other",
    mime: str = "application/pdf",
) -> str:
    page = client.get(f"{base}/applications/{application_id}/evidence", timeout=30)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None, "no CSRF token on the evidence page"
    with path.open("rb") as stream:
        response = client.post(
            f"{base}/applications/{application_id}/evidence",
            data={"csrf_token": token.group(1) or token.group(2), "kind": kind},
            files={"file": (path.name, stream, mime)},
            allow_redirects=False,
            timeout=120,
        )
    assert response.status_code == 302, f"upload answered {response.status_code}: {response.text[:500]}"
    return client.get(f"{base}/applications/{application_id}/evidence", timeout=30).text


def measure(backend: str, database_url: str, cookie: str, application_id: int, folder: Path) -> dict[str, Any]:
    extra = {"MAX_UPLOAD_MB": "30"}
    if backend == "local":
        extra["STORAGE_URL"] = f"file://{folder / 'uploads'}"
    else:
        extra |= {
            "STORAGE_URL": "s3://bench-uploads/portal",
            "S3_ENDPOINT_URL": f"http://127.0.0.1:{S3_PORT}",
            "AWS_ACCESS_KEY_ID": "bench",
            "AWS_SECRET_ACCESS_KEY": "bench",
            "AWS_DEFAULT_REGION": "eu-west-2",
        }
    env = bench_environment(database_url, **extra)
    base = f"http://127.0.0.1:{PORT}"
    small, big = pdf(folder / "small.pdf", 0.1), pdf(folder / "big.pdf", BIG_MB)
    with gunicorn("wsgi:app", PORT, env, extra=("-w", "1", "--timeout", "120")) as server:
        worker = worker_of(server.pid)
        client = requests.Session()
        name, value = cookie.split("=", 1)
        client.cookies.set(name, value, domain="127.0.0.1", path="/")
        upload(client, base, application_id, small)
        before = peak_kb(worker)
        upload(client, base, application_id, big)
        after = peak_kb(worker)
    return {
        "backend": backend,
        "peak_before_mb": round(before / 1024, 1),
        "peak_after_mb": round(after / 1024, 1),
        "raised_by_mb": round((after - before) / 1024, 1),
        "file_mb": round(big.stat().st_size / 1024 / 1024, 1),
    }


def measure_photos(database_url: str, cookie: str, application_id: int, folder: Path) -> list[dict[str, Any]]:
    env = bench_environment(database_url, MAX_UPLOAD_MB="30", STORAGE_URL=f"file://{folder / 'uploads'}")
    base = f"http://127.0.0.1:{PORT}"
    small = png(folder / "small.png", 400, 300)
    results = []
    for name, (width, height) in {"bomb-49mp.png": (8_100, 6_050), "large-32mp.png": (6_500, 4_900)}.items():
        picture = png(folder / name, width, height)
        with gunicorn("wsgi:app", PORT, env, extra=("-w", "1", "--timeout", "120", "--no-control-socket")) as server:
            worker = worker_of(server.pid)
            client = requests.Session()
            cookie_name, value = cookie.split("=", 1)
            client.cookies.set(cookie_name, value, domain="127.0.0.1", path="/")
            upload(client, base, application_id, small, "photo", "image/png")
            before = peak_kb(worker)
            started = time.monotonic()
            page = upload(client, base, application_id, picture, "photo", "image/png")
            seconds = time.monotonic() - started
            after = peak_kb(worker)
        results.append(
            {
                "picture": name,
                "file_kb": round(picture.stat().st_size / 1024),
                "upload_seconds": round(seconds, 2),
                "raised_by_mb": round((after - before) / 1024, 1),
                "preview": f"Preview of {name}" in page,
            }
        )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--backends", nargs="+", default=["local", "s3"])
    parser.add_argument("--photos", action="store_true", help="measure big photo uploads instead")
    args = parser.parse_args()
    cookie, application_id = applicant(args.database_url)
    if args.photos:
        with tempfile.TemporaryDirectory() as tmp:
            rows = measure_photos(args.database_url, cookie, application_id, Path(tmp))
        for row in rows:
            print(
                f"{row['picture']} ({row['file_kb']} KB): {row['upload_seconds']} s, worker peak memory "
                f"+{row['raised_by_mb']} MB, preview {'made' if row['preview'] else 'not made'}"
            )
        print(json.dumps(rows))
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        server = None
        if "s3" in args.backends:
            import boto3
            from moto.server import ThreadedMotoServer

            server = ThreadedMotoServer(ip_address="127.0.0.1", port=S3_PORT, verbose=False)
            server.start()
            s3 = boto3.client(
                "s3",
                endpoint_url=f"http://127.0.0.1:{S3_PORT}",
                region_name="eu-west-2",
                aws_access_key_id="bench",
                aws_secret_access_key="bench",  # noqa: S106 (moto accepts any key)
            )
            s3.create_bucket(Bucket="bench-uploads", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        try:
            for backend in args.backends:
                results.append(measure(backend, args.database_url, cookie, application_id, folder))
        finally:
            if server is not None:
                server.stop()
    for row in results:
        verdict = "within" if row["raised_by_mb"] < 30 else "OVER"
        raised = row["raised_by_mb"]
        print(f"{row['backend']}: a {row['file_mb']} MB upload raised peak memory by {raised} MB ({verdict})")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
