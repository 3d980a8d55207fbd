"""gunicorn's settings for the portal: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Chosen by measurement (bench/README.md, "Server settings"). In the deadline
rush on a 2-core machine with PostgreSQL beside it, threaded workers, one
process per core with 4 threads each, answered within about 210 ms at the
median and 750 ms at the 99th percentile: inside the targets (300 ms and
1 s). Plain sync workers were a little quicker (about 180 ms and 500 ms), and
8 threads or 3 processes slower. Threads are kept all the same: a sync
worker that spends longer than ``timeout`` on one request is killed as stuck,
and some requests are long by nature (an officer's 2 GB postcode file, a
recording checked with ffprobe); a threaded worker keeps telling gunicorn it
is alive while one of its threads works.

Every setting can be changed from the environment, so a bigger host (or one
whose database is elsewhere) does not need its own copy of this file.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
# One process per core, measured best with PostgreSQL on the same machine;
# with the database on its own host, WEB_CONCURRENCY can be raised.
workers = _int("WEB_CONCURRENCY", multiprocessing.cpu_count())
threads = _int("GUNICORN_THREADS", 4)

# How long a worker may go without telling the master it is alive before it is
# restarted as stuck; a threaded worker tells it while its threads work, so a
# long upload is not cut off.
timeout = 30
graceful_timeout = 30
# Behind nginx, which keeps its own connections to the browser.
keepalive = 5
# A worker replaced after this many requests (spread so they do not all
# restart at once) cannot grow without bound.
max_requests = 5000
max_requests_jitter = 500
# The proxy in front sets X-Forwarded-*; trust it only from this address.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"


def on_starting(server: object) -> None:
    """Tell the workers how many of them there are, with any command-line override applied:
    the rate-limit safety check (portal/config.py) reads WEB_CONCURRENCY, and the
    workers load the app after this, inheriting the master's environment."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)  # type: ignore[attr-defined]
