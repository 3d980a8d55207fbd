"""Several hosts: the deadline rush through nginx onto two gunicorn instances, one of them killed part-way.

    .venv/bin/python bench/multihost.py --applicants 200

Starts, all on this machine and each as it would run on its own host:

- PostgreSQL: a scratch database (``bench_multihost``) filled as bench/rush.py fills its own;
- Redis (Debian's ``redis-server``, its own process on a free port, nothing on disk) for rate limits;
- the S3 server (moto, in a process of its own) holding the files, with a bucket of its own;
- TWO gunicorn instances (ports 8172 and 8173) with the same ``SECRET_KEY`` and
  ``RATELIMIT_STORAGE_URI=redis://…``, as two hosts behind a balancer;
- nginx in front, running deploy/nginx/portal.conf (TLS included) rendered
  with these ports and paths (bench/nginx.py), as the current user;
- an SMTP sink that records every message it accepts with its Message-ID;
- TWO outbox workers sending to it, each started with the command of
  deploy/systemd/portal-outbox.service (``flask --app portal outbox send --loop``).

First it shows the rate limits counted across hosts: sign-in requests for one
address from one IP, alternately straight to each instance, are refused at
the combined count. Then it runs the rush (bench/rush.py's people; a request
that fails is made again after a second, up to twice, as a person taps again)
through nginx. When 40 % of the applicants have started, it SIGKILLs one
gunicorn instance (master and workers) and one outbox worker. After the
rush it waits for the outbox to drain (a message the dead worker had
claimed waits for its claim to lapse, five minutes) and checks: every draft
sent exactly once (one "application submitted" audit entry each), every
confirmation email delivered (distinct Message-IDs = applications),
duplicates by Message-ID counted, and the latency before and after the kill.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from bench import nginx
from bench.rush import Tally, drop_database, percentile, prepare, run_people, verify
from bench.serve import ROOT, bench_environment, gunicorn
from portal.infra.rate_limits import EMAILS_PER_ADDRESS_AND_IP
from tests.fixtures.redis import RedisServer, free_port

DATABASE = "bench_multihost"
HTTP_PORT, HTTPS_PORT, PORT_A, PORT_B = 8170, 8171, 8172, 8173
BUCKET = "bench-multihost"
CONFIRMATION = "We have your application"
SIGN_IN_CHECK_ADDRESS = "limit.check@example.org"
SIGN_IN_CHECK_IP = "198.51.100.77"


class Sink:
    """An SMTP server that accepts everything and keeps (Message-ID, subject) for each message."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[tuple[str, str, tuple[str, ...]]] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        await asyncio.sleep(self.delay)  # a real relay takes a while, so workers hold their claims a while
        content = envelope.original_content or b""
        message = email.message_from_bytes(content)
        with self.lock:
            self.received.append(
                (str(message.get("Message-ID", "")), str(message.get("Subject", "")), tuple(envelope.rcpt_tos))
            )
        return "250 Message accepted"


@contextmanager
def smtp_sink(delay: float) -> Iterator[tuple[Sink, int]]:
    sink = Sink(delay)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield sink, controller.port
    finally:
        controller.stop()


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    server = RedisServer(folder)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@contextmanager
def s3_server() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(url, timeout=1)
                break
            except requests.RequestException:
                time.sleep(0.2)
        import boto3

        client = boto3.session.Session(region_name="eu-west-2").client("s3", endpoint_url=url)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def unit_command(unit: str) -> list[str]:
    """The command a systemd unit in deploy/systemd/ runs, with this checkout in place of /srv/portal."""
    for line in (ROOT / "deploy" / "systemd" / unit).read_text().splitlines():
        if line.startswith("ExecStart="):
            return [word.replace("/srv/portal", str(ROOT)) for word in shlex.split(line.removeprefix("ExecStart="))]
    raise ValueError(f"{unit} has no ExecStart")


@contextmanager
def outbox_worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """The email worker, started exactly as deploy/systemd/portal-outbox.service starts it."""
    command = unit_command("portal-outbox.service")
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a process and its children (a gunicorn master and its workers), as a host dying would."""
    children = subprocess.run(["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False)
    for pid in [process.pid, *(int(line) for line in children.stdout.split())]:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


def sign_in_limit_across_hosts(attempts: int) -> list[tuple[str, int]]:
    """Ask for sign-in emails for one address from one IP, alternately on each instance."""
    results = []
    for number in range(attempts):
        name, port = ("A", PORT_A) if number % 2 == 0 else ("B", PORT_B)
        client = requests.Session()
        # The instances trust one proxy (TRUSTED_PROXIES=1), as behind nginx: this is the person's address.
        headers = {"X-Forwarded-For": SIGN_IN_CHECK_IP}
        base = f"http://127.0.0.1:{port}"
        page = client.get(f"{base}/sign-in", headers=headers, timeout=30)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        assert found, "no CSRF token on the sign-in page"
        response = client.post(
            f"{base}/sign-in",
            data={"csrf_token": found.group(1), "email": SIGN_IN_CHECK_ADDRESS, "next": ""},
            headers=headers,
            allow_redirects=False,
            timeout=30,
        )
        results.append((name, response.status_code))
    return results


def applicant_addresses(url: str, draft_ids: list[int]) -> set[str]:
    """The email addresses of the groups' members who sent the rush's drafts."""
    from sqlalchemy import create_engine, select

    from portal.models.applications import Application
    from portal.models.organisations import Membership
    from portal.models.users import User

    engine = create_engine(url)
    with engine.connect() as connection:
        addresses = set(
            connection.scalars(
                select(User.email)
                .join(Membership, Membership.user_id == User.id)
                .join(Application, Application.organisation_id == Membership.organisation_id)
                .where(Application.id.in_(draft_ids))
            )
        )
    engine.dispose()
    return addresses


def outbox_pending(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from portal.models.outbox import OutboxMessage
    from portal.services.messages.outbox import is_pending

    engine = create_engine(url)
    with engine.connect() as connection:
        pending = connection.scalar(select(func.count()).select_from(OutboxMessage).where(is_pending()))
    engine.dispose()
    return int(pending or 0)


def wait_for_outbox(url: str, limit_seconds: float) -> float:
    started = time.monotonic()
    while outbox_pending(url) and time.monotonic() - started < limit_seconds:
        time.sleep(2)
    return time.monotonic() - started


def load_average() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applicants", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50, help="applicants active at once")
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of applicants started before the kill")
    parser.add_argument("--smtp-delay", type=float, default=0.2, help="seconds the SMTP sink takes per message")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    print("load before:", load_average(), file=sys.stderr)
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-multihost-")))
        redis_url = stack.enter_context(redis_server(folder))
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "bench",
                "AWS_SECRET_ACCESS_KEY": "bench",
                "AWS_DEFAULT_REGION": "eu-west-2",
                "AWS_CONFIG_FILE": "/nonexistent/aws-config",
                "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        s3_url = stack.enter_context(s3_server())
        sink, smtp_port = stack.enter_context(smtp_sink(args.smtp_delay))
        settings = {
            "STORAGE_URL": f"s3://{BUCKET}/uploads",
            "S3_ENDPOINT_URL": s3_url,
            "RATELIMIT_STORAGE_URI": redis_url,
            "TRUSTED_PROXIES": "1",
            "MAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        }
        setting = prepare(args.applicants, DATABASE, **settings)
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}"
        if not args.keep:
            stack.callback(drop_database, DATABASE)
        env = bench_environment(url, **settings)
        host_a = stack.enter_context(gunicorn("wsgi:app", PORT_A, env, extra=("--timeout", "120")))
        stack.enter_context(gunicorn("wsgi:app", PORT_B, env, extra=("--timeout", "120")))
        conf = nginx.prepare(
            folder / "nginx",
            upstreams=[f"127.0.0.1:{PORT_A}", f"127.0.0.1:{PORT_B}"],
            http_port=HTTP_PORT,
            https_port=HTTPS_PORT,
        )
        checked_site = nginx.check(conf)
        assert checked_site.returncode == 0, checked_site.stderr
        stack.enter_context(nginx.running(conf, HTTPS_PORT))
        worker_a = stack.enter_context(outbox_worker(env))
        stack.enter_context(outbox_worker(env))

        limit_attempts = sign_in_limit_across_hosts(8)

        tally = Tally(f"https://127.0.0.1:{HTTPS_PORT}", retries=2, verify=str(folder / "nginx" / "site.crt"))
        kill_at = int(args.applicants * args.kill_at)
        killed: dict[str, float] = {}
        kill_lock = threading.Lock()

        def on_applicant(number: int) -> None:
            with kill_lock:
                if number < kill_at or killed:
                    return
                killed["at"] = time.perf_counter()
            kill_hard(host_a)
            kill_hard(worker_a)

        started = time.perf_counter()
        run_people(tally, setting, args.concurrency, on_applicant)
        rush_seconds = time.perf_counter() - started
        print("load after the rush:", load_average(), file=sys.stderr)
        drained_after = wait_for_outbox(url, limit_seconds=480)
        time.sleep(2)
        checked = verify(setting["draft_ids"], setting["last_email_before"])
        # The outbox's count covers every round's confirmations (the generator's too); the sink's, below, the rush's.
        checked.pop("confirmation_emails", None)
        still_pending = outbox_pending(url)
        error_log = (folder / "nginx" / "error.log").read_text()
        failovers = Counter(
            reason
            for line in error_log.splitlines()
            if "upstream" in line
            for reason in [re.sub(r".*\] \d+#\d+: \*\d+ (.*?)(?: while| \().*", r"\1", line)]
        )
        addresses = applicant_addresses(url, setting["draft_ids"])

    confirmations = [
        message_id
        for message_id, subject, recipients in sink.received
        if subject.startswith(CONFIRMATION) and addresses.intersection(recipients)
    ]
    by_id = Counter(confirmations)
    every_message = Counter(message_id for message_id, _, _ in sink.received)
    kill_time = killed.get("at", float("inf"))
    before = [seconds for when, seconds in tally.timeline if when < kill_time]
    after = [seconds for when, seconds in tally.timeline if when >= kill_time]
    allowed_emails = int(EMAILS_PER_ADDRESS_AND_IP.split()[0])
    refused_at = next((n + 1 for n, (_, status) in enumerate(limit_attempts) if status == 429), None)
    report = {
        "applicants": args.applicants,
        "rush_seconds": round(rush_seconds, 1),
        "requests": len(tally.latencies),
        "statuses": dict(tally.statuses),
        "taps_again": tally.retried,
        "taps_again_for": dict(tally.retried_for),
        "nginx_upstream_errors": dict(failovers),
        "errors": tally.problems[:20],
        "killed_after_applicants_started": kill_at,
        "p50_ms_before_kill": percentile(before, 0.5),
        "p99_ms_before_kill": percentile(before, 0.99),
        "requests_before_kill": len(before),
        "p50_ms_one_host_down": percentile(after, 0.5),
        "p99_ms_one_host_down": percentile(after, 0.99),
        "requests_one_host_down": len(after),
        "sign_in_limit_across_hosts": [f"{host}:{status}" for host, status in limit_attempts],
        "sign_in_allowed_per_address_and_ip": allowed_emails,
        "sign_in_refused_at_attempt": refused_at,
        "outbox_drained_seconds": round(drained_after, 1),
        "outbox_still_pending": still_pending,
        "confirmation_emails_received": len(confirmations),
        "confirmation_distinct_message_ids": len(by_id),
        "confirmation_duplicates_by_message_id": len(confirmations) - len(by_id),
        "all_emails_received": sum(every_message.values()),
        "all_emails_duplicates_by_message_id": sum(every_message.values()) - len(every_message),
        **checked,
    }
    print(json.dumps(report, indent=1))
    ok = (
        checked["application_statuses"] == {"submitted": args.applicants}
        and checked["submitted_audit_entries"] == args.applicants
        and not checked["sent_more_than_once"]
        and len(by_id) == args.applicants
        and still_pending == 0
        and refused_at == allowed_emails + 1
        and not tally.problems
    )
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
