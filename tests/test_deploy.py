"""The example deployment files in deploy/ are sound: nginx accepts the site, and every
systemd unit runs a command the portal has (bench/multihost.py runs them for real)."""

from __future__ import annotations

import configparser
import getpass
import grp
import json
import os
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from bench import nginx

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
ENV_EXAMPLE = ROOT / "deploy" / "portal.env.example"


def read_unit(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text())
    return parser


def exec_start(path: Path) -> list[str]:
    return shlex.split(read_unit(path)["Service"]["ExecStart"])


SERVICES = sorted(UNITS.glob("*.service"))
TIMERS = sorted(UNITS.glob("*.timer"))


def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    if shutil.which("nginx") is None and not Path(nginx.NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    conf = nginx.prepare(tmp_path, upstreams=["127.0.0.1:8001", "127.0.0.1:8002"], http_port=8080, https_port=8443)

    checked = nginx.check(conf)

    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_site_balances_several_instances_and_never_resends_a_post() -> None:
    site = nginx.SITE.read_text()
    assert site.count("    server 10.0.0.") >= 2
    assert "proxy_next_upstream error timeout" in site
    assert "non_idempotent" not in site.split("proxy_next_upstream ", 1)[1].split(";", 1)[0]
    assert "X-Forwarded-For $proxy_add_x_forwarded_for" in site
    assert "X-Forwarded-Proto $scheme" in site


def test_the_upload_limit_in_the_site_matches_the_portals(app: Flask) -> None:
    site = nginx.SITE.read_text()
    limit_mb = app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    reference_mb = app.config["REFERENCE_DATA_MAX_MB"] + 1

    assert f"client_max_body_size {limit_mb}m;" in site
    assert f"client_max_body_size {reference_mb}m;" in site


@pytest.mark.parametrize("unit", SERVICES, ids=lambda path: path.name)
def test_each_service_runs_a_command_the_portal_has(unit: Path, app: Flask) -> None:
    command = exec_start(unit)
    program = Path(command[0])
    assert program.parent == Path("/srv/portal/.venv/bin")
    assert (ROOT / ".venv" / "bin" / program.name).exists()
    if program.name == "gunicorn":
        # gunicorn.conf.py at the repository root holds the workers and timeouts.
        assert command[1:3] == ["-c", "gunicorn.conf.py"]
        module, _, variable = command[-1].partition(":")
        assert (ROOT / f"{module}.py").exists()
        assert variable == "app"
        return
    assert program.name == "flask"
    assert command[1:3] == ["--app", "portal"]
    # Click checks the group, the command and every option before it shows the help.
    result = app.test_cli_runner().invoke(args=[*command[3:], "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


@pytest.mark.parametrize("timer", TIMERS, ids=lambda path: path.name)
def test_each_timer_starts_a_service_that_exists(timer: Path) -> None:
    assert (UNITS / timer.name.replace(".timer", ".service")).exists()
    assert read_unit(timer)["Timer"]["OnCalendar"]


def test_every_periodic_command_has_a_timer() -> None:
    timed = {" ".join(exec_start(UNITS / t.name.replace(".timer", ".service"))[3:5]) for t in TIMERS}
    assert timed == {
        "reports remind",
        "events remind",
        "reminders drafts",
        "retention run",
        "storage sweep",
        "budget check",
    }


def test_the_environment_example_holds_no_secrets() -> None:
    values = dict(
        line.split("=", 1) for line in ENV_EXAMPLE.read_text().splitlines() if line and not line.startswith("#")
    )
    for name in ("SECRET_KEY", "BANK_DETAILS_KEYS", "AWS_SECRET_ACCESS_KEY"):
        assert values[name] == "CHANGE-ME"
    assert "CHANGE-ME" in values["DATABASE_URL"]
    assert "CHANGE-ME" in values["MAIL_URL"]
    assert values["PORTAL_ENV"] == "production"
    assert values["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert values["TRUSTED_PROXIES"] == "1"


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed; the tests above still check every ExecStart")
    user, group = getpass.getuser(), grp.getgrgid(os.getgid()).gr_name
    env_file = tmp_path / "portal.env"
    env_file.write_text(ENV_EXAMPLE.read_text())
    rendered = []
    for unit in [*SERVICES, *TIMERS]:
        name = unit.name.replace("@.service", "@8000.service")
        text = unit.read_text().replace("/srv/portal", str(ROOT)).replace("/etc/portal/portal.env", str(env_file))
        text = text.replace("User=portal", f"User={user}").replace("Group=portal", f"Group={group}")
        (tmp_path / name).write_text(text)
        rendered.append(str(tmp_path / name))

    checked = subprocess.run([analyze, "verify", "--man=no", *rendered], capture_output=True, text=True, check=False)

    assert checked.returncode == 0, checked.stderr + checked.stdout


def run_gunicorn_settings(env: dict[str, str]) -> dict[str, object]:
    """gunicorn.conf.py as gunicorn reads it, in a child process with ``env``."""
    script = (
        "import json, runpy; s = runpy.run_path('gunicorn.conf.py'); "
        "print(json.dumps({k: s[k] for k in ('worker_class', 'workers', 'threads', 'timeout')}))"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout))


def test_the_shipped_gunicorn_settings_are_threaded_and_follow_the_environment() -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WEB_CONCURRENCY", "GUNICORN_"))}
    shipped = run_gunicorn_settings(base)
    assert shipped["worker_class"] == "gthread"
    assert shipped["workers"] == os.cpu_count()
    changed = run_gunicorn_settings({**base, "WEB_CONCURRENCY": "6", "GUNICORN_THREADS": "2"})
    assert (changed["workers"], changed["threads"]) == (6, 2)


def test_gunicorn_accepts_the_settings_file() -> None:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    done = subprocess.run(
        [str(gunicorn), "-c", "gunicorn.conf.py", "--check-config", "wsgi:app"],
        cwd=ROOT,
        env={**os.environ, "PORTAL_ENV": "development"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


def test_the_workers_are_told_how_many_there_are_with_the_command_line_applied(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # gunicorn resolves the file, the environment and its command line before on_starting, and the
    # workers load the app after it: the rate-limit check then sees the real count.
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    server = SimpleNamespace(cfg=SimpleNamespace(workers=5))
    settings["on_starting"](server)
    assert os.environ["WEB_CONCURRENCY"] == "5"
