"""gunicorn's settings for the portal: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Chosen by measurement (bench/README.md, "Server settings"): on a 2-core
machine with PostgreSQL beside it, threaded workers answered the deadline
rush with the lowest 99th-percentile wait. A page spends part of its time
waiting for PostgreSQL (and, on uploads, for the storage service); a thread
waiting there lets another request in the same process use the core, where
a sync worker would sit idle. More processes than that only add memory and
connections: Python holds one core per process at a time.

Every setting can be changed from the environment, so a bigger host does not
need its own copy of this file.
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

# Uploads stream to storage and previews run in a child process limited to
# well under this, so 30 s is only ever reached by a stuck request.
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
