"""The example nginx site (deploy/nginx/portal.conf), rendered for this machine and run without root.

Used by bench/multihost.py, which balances two gunicorn instances through
it, and by tests/test_deploy.py, which checks it with ``nginx -t``. Only
addresses and paths change; every proxy, failover and upload setting is the
file's own.
"""

from __future__ import annotations

import datetime
import re
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "portal.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def _replace(pattern: str, replacement: str, text: str, *, count: int = 0) -> str:
    changed, found = re.subn(pattern, replacement, text, count=count, flags=re.MULTILINE)
    assert found, f"the site no longer has {pattern!r}: update bench/nginx.py"
    return changed


def render_site(
    *,
    root: Path,
    upstreams: Sequence[str],
    http_port: int,
    https_port: int,
    certificate: Path,
    key: Path,
    site: Path = SITE,
) -> str:
    """The site with this machine's paths, the given ``host:port`` upstreams, and local ports."""
    text = site.read_text()
    servers = re.findall(r"^(\s*)server \S+:\d+( .*;)$", text, flags=re.MULTILINE)
    assert servers, "the site's upstream lists no servers"
    indent, options = servers[0]
    lines = "\n".join(f"{indent}server {address}{options}" for address in upstreams)
    text = _replace(r"^\s*server \S+:\d+ .*;\n(?:\s*server \S+:\d+ .*;\n)*", lines + "\n", text, count=1)
    text = text.replace("/srv/portal/", f"{root}/")
    text = _replace(r"^\s*listen \[::\]:.*;\n", "", text)
    text = _replace(r"listen 80;", f"listen 127.0.0.1:{http_port};", text)
    text = _replace(r"listen 443 ssl", f"listen 127.0.0.1:{https_port} ssl", text)
    text = _replace(r"ssl_certificate \S+;", f"ssl_certificate {certificate};", text)
    text = _replace(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", text)
    return text


def wrapper_conf(prefix: Path, site: Path) -> str:
    """A whole nginx.conf that keeps everything under ``prefix`` (no root needed) and includes ``site``."""
    return f"""
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    include {site};
}}
"""


def self_signed(folder: Path, name: str = "127.0.0.1") -> tuple[Path, Path]:
    """A throwaway certificate and key for ``name``, so the site's TLS server runs as written."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "site.crt", folder / "site.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def prepare(prefix: Path, *, upstreams: Sequence[str], http_port: int, https_port: int) -> Path:
    """Write the rendered site, a certificate and the wrapper into ``prefix``; return the wrapper's path."""
    prefix.mkdir(parents=True, exist_ok=True)
    certificate, key = self_signed(prefix)
    site = prefix / "portal.conf"
    site.write_text(
        render_site(
            root=ROOT,
            upstreams=upstreams,
            http_port=http_port,
            https_port=https_port,
            certificate=certificate,
            key=key,
        )
    )
    conf = prefix / "nginx.conf"
    conf.write_text(wrapper_conf(prefix, site))
    return conf


def check(conf: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on ``conf``: exit status 0 and "syntax is ok" when the site is sound."""
    prefix = conf.parent
    return subprocess.run(
        [NGINX, "-t", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True,
        text=True,
        check=False,
    )


@contextmanager
def running(conf: Path, https_port: int) -> Iterator[subprocess.Popen[bytes]]:
    """nginx in the foreground as the current user until the block ends."""
    prefix = conf.parent
    command = [NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log"), "-g", "daemon off;"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"nginx stopped: {process.stderr.read().decode() if process.stderr else ''}")
            try:
                import ssl

                context = ssl.create_default_context(cafile=str(prefix / "site.crt"))
                with urllib.request.urlopen(f"https://127.0.0.1:{https_port}/healthz", timeout=2, context=context):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGQUIT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
