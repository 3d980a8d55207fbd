"""Start and stop gunicorn for a benchmark, with the same settings for the portal and the bare app."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
# The settings shipped for production; the environment (WEB_CONCURRENCY,
# GUNICORN_THREADS, GUNICORN_WORKER_CLASS) changes them for a comparison.
CONFIG = str(ROOT / "gunicorn.conf.py")
# A fixed key so cookies minted by the benchmark are accepted by the workers.
BENCH_SECRET = "bench-only-secret-key-not-for-any-real-portal-0001"  # noqa: S105 (benchmarks only)


def bench_environment(database_url: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DATABASE_URL": database_url,
            "SECRET_KEY": BENCH_SECRET,
            "PORTAL_ENV": "development",
            "MAIL_URL": "console",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(
    app: str, port: int, env: dict[str, str], *, chdir: Path = ROOT, extra: tuple[str, ...] = ()
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve ``app`` (``module:variable``) on 127.0.0.1:``port`` until the block ends."""
    assert 8100 <= port <= 8199, "benchmarks use ports 8100-8199"
    command = [GUNICORN, "-c", CONFIG, "-b", f"127.0.0.1:{port}", "--chdir", str(chdir), *extra, app]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(port, process)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(port: int, process: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"gunicorn on port {port} stopped: {stderr[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn on port {port} did not answer within {timeout} s")
