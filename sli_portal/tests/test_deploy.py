"""What an operator installs (deploy/), run for real.

- nginx from Debian, configured by deploy/nginx/sli-portal.conf (its documented values replaced
  by test ports and paths), in front of gunicorn with production settings, on a throw-away
  PostgreSQL database and a throw-away self-signed certificate: the redirect to HTTPS, secure
  cookies, the client's address reaching the sign-in lock-out, /healthz over plain HTTP.
- A restore drill: deploy/backup.sh of a database with the demo and its files, deploy/restore.sh
  into a new database and media folder, then every table's rows and every file compared.

Those are integration tests: they need PostgreSQL (DATABASE_URL, whose server they create databases on),
Redis (REDIS_URL), nginx, openssl and PostgreSQL's client tools; .ci/run provides all of them,
and there a missing one fails the test. Nothing is written into the checkout.

The rest reads the files alone and runs everywhere: the numbers in deploy/ that must match the
portal's (upload size, the worker's stop timeout, the variables in env.example).
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

import conftest
from priorities import evidence
from sli_portal.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PYTHON = sys.executable
COMMAND_TIMEOUT = 300  # migrate, collectstatic, load_demo (with its PDF renders), backup, restore
HTTP_TIMEOUT = 30

# The addresses a client connects from: all of 127.0.0.0/8 is the loopback on Linux, so nginx
# sees a client address that differs from its own (127.0.0.1, which gunicorn sees).
CLIENT = "127.0.0.2"
ANOTHER_CLIENT = "127.0.0.3"
# What a client writes into X-Forwarded-For itself, to look like someone else every time.
SPOOFED = "203.0.113.66"
PASSWORD = "a-long-test-password-" + "x" * 8


# --- Services and processes ----------------------------------------------------------------------


def _require_tools(*names: str) -> None:
    for name in names:
        if shutil.which(name) is None:
            conftest.require_service(name, "apt-get install nginx openssl postgresql-client")


def _server_url() -> urllib.parse.SplitResult:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        conftest.require_service(
            "PostgreSQL", "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>; its server is used"
        )
    return urllib.parse.urlsplit(url)


def _redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        conftest.require_service("Redis", "set REDIS_URL=redis://127.0.0.1:6379/15")
    return url


def _connect(url: str):
    return psycopg2.connect(url, connect_timeout=10)


@contextlib.contextmanager
def throwaway_database(label: str):
    """A new, empty database on DATABASE_URL's server, dropped afterwards; yields its URL."""
    server = _server_url()
    name = f"sli_deploy_{label}_{secrets.token_hex(4)}"
    admin = server._replace(path="/postgres").geturl()
    try:
        connection = _connect(admin)
    except psycopg2.OperationalError as error:
        conftest.require_service("PostgreSQL", f"{admin} does not answer ({error})")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield server._replace(path=f"/{name}").geturl()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{_tail(log)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds} s:\n{_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _production_env(tmp: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The settings of deploy/env.example, on test databases, ports and folders."""
    env = {key: value for key, value in os.environ.items() if key not in ("SQLITE_TEST_NAME", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url,
        EMAIL_URL="smtp://127.0.0.1:1025",
        TRUST_X_FORWARDED_PROTO="1",
        NUM_PROXIES="1",
        SECURE_SSL_REDIRECT="1",
        REQUIRE_2FA="1",
        VAR_DIR=str(tmp / "var"),
        MEDIA_ROOT=str(tmp / "media"),
        STATIC_ROOT=str(tmp / "static"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


# --- nginx in front of gunicorn ------------------------------------------------------------------


def render_site(*, http_port: int, https_port: int, app_port: int, static_root: Path, cert: Path, key: Path) -> str:
    """deploy/nginx/sli-portal.conf with the values its header lists replaced by the test's."""
    text = (DEPLOY / "nginx" / "sli-portal.conf").read_text()
    replacements = {
        "sli.example.org": "localhost",
        "/etc/ssl/certs/sli-portal.crt": str(cert),
        "/etc/ssl/private/sli-portal.key": str(key),
        "/var/lib/sli-portal/static/": f"{static_root}/",
        "127.0.0.1:8000": f"127.0.0.1:{app_port}",
        "listen 80": f"listen 127.0.0.1:{http_port}",
        "listen 443": f"listen 127.0.0.1:{https_port}",
    }
    for documented, value in replacements.items():
        assert documented in text, f"deploy/nginx/sli-portal.conf no longer contains {documented!r}"
        text = text.replace(documented, value)
    # Not every test machine has IPv6; the IPv4 listeners above stand for both.
    return "\n".join(line for line in text.splitlines() if "listen [::]" not in line)


def nginx_wrapper(tmp: Path, site: Path) -> str:
    """An nginx.conf that includes the site as Debian's includes sites-enabled/, with every path
    nginx writes in the test's folder. One process (master_process off), as the test's user: a
    root master's workers would drop to `nobody` and could not read the test's private folder."""
    return f"""
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log info;
master_process off;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/client_body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


class _LocalhostHTTPSConnection(http.client.HTTPSConnection):
    """Connects to 127.0.0.1 and asks for `localhost` in the TLS handshake (SNI), as a browser
    at https://localhost does: nginx refuses the handshake for any other name."""

    def connect(self):
        http.client.HTTPConnection.connect(self)
        self.sock = self._context.wrap_socket(self.sock, server_hostname="localhost")


class Stack:
    """nginx on http_port and https_port, gunicorn behind it, and the database they use."""

    def __init__(self, *, http_port: int, https_port: int, cert: Path, database_url: str, static_root: Path):
        self.http_port = http_port
        self.https_port = https_port
        self.database_url = database_url
        self.static_root = static_root
        self.tls = ssl.create_default_context(cafile=str(cert))

    def request(
        self,
        method: str,
        path: str,
        *,
        https: bool = True,
        source: str = CLIENT,
        host: str = "localhost",
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> tuple[http.client.HTTPResponse, bytes]:
        if https:
            conn = _LocalhostHTTPSConnection(
                "127.0.0.1", self.https_port, timeout=HTTP_TIMEOUT, source_address=(source, 0), context=self.tls
            )
        else:
            conn = http.client.HTTPConnection(
                "127.0.0.1", self.http_port, timeout=HTTP_TIMEOUT, source_address=(source, 0)
            )
        try:
            conn.request(method, path, body=body, headers={"Host": host, **(headers or {})})
            response = conn.getresponse()
            return response, response.read()
        finally:
            conn.close()

    def sign_in(self, username: str, password: str, *, source: str, forwarded_for: str | None = None):
        """The sign-in form as a browser posts it: the CSRF cookie and token from the page first."""
        page, html = self.request("GET", "/accounts/login/", source=source)
        assert page.status == 200, page.status
        cookie = _cookie(page, "csrftoken")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
        origin = f"https://localhost:{self.https_port}"
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Origin": origin,
            "Referer": f"{origin}/accounts/login/",
        }
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        form = {"csrfmiddlewaretoken": token, "username": username, "password": password}
        body = urllib.parse.urlencode(form).encode()
        return self.request("POST", "/accounts/login/", source=source, headers=headers, body=body)[0]

    def access_attempts(self, username: str) -> list[tuple[str, int]]:
        """django-axes's record of failed sign-ins for the user: (client address, failures)."""
        with contextlib.closing(_connect(self.database_url)) as connection, connection.cursor() as cursor:
            cursor.execute(
                "SELECT ip_address, failures_since_start FROM axes_accessattempt WHERE username = %s ORDER BY id",
                [username],
            )
            return [(str(ip), failures) for ip, failures in cursor.fetchall()]


def _cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {response.headers.get_all('Set-Cookie')}")


def _set_cookie_attributes(response: http.client.HTTPResponse) -> dict[str, set[str]]:
    """Each cookie the response sets, by name, with its attributes in lower case."""
    cookies = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name_value, *attributes = (part.strip() for part in header.split(";"))
        cookies[name_value.split("=", 1)[0]] = {attribute.split("=", 1)[0].lower() for attribute in attributes}
    return cookies


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    _require_tools("nginx", "openssl")
    redis_url = _redis_url()
    tmp = tmp_path_factory.mktemp("stack")
    cert, key = tmp / "localhost.crt", tmp / "localhost.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]
        + ["-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    http_port, https_port, app_port = _free_port(), _free_port(), _free_port()

    with throwaway_database("nginx") as database_url:
        env = _production_env(
            tmp,
            database_url,
            REDIS_URL=redis_url,
            # The test's origin carries its port; in production the origin is https://<host>.
            CSRF_TRUSTED_ORIGINS=f"https://localhost:{https_port}",
            PORTAL_BASE_URL=f"https://localhost:{https_port}",
        )
        _manage(env, "migrate", "--noinput")
        _manage(env, "collectstatic", "--noinput")
        create_users = (
            "from django.contrib.auth import get_user_model; User = get_user_model(); "
            f"[User.objects.create_user(name, f'{{name}}@example.org', {PASSWORD!r}) "
            "for name in ('locked-out', 'signs-in')]"
        )
        _manage(env, "shell", "-c", create_users)

        site = tmp / "sli-portal.conf"
        site.write_text(
            render_site(
                http_port=http_port,
                https_port=https_port,
                app_port=app_port,
                static_root=tmp / "static",
                cert=cert,
                key=key,
            )
        )
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_wrapper(tmp, site))
        gunicorn_log, nginx_log = tmp / "gunicorn.log", tmp / "nginx-error.log"
        processes = []
        try:
            with gunicorn_log.open("w") as log:
                processes.append(
                    subprocess.Popen(
                        [PYTHON, "-m", "gunicorn", "sli_portal.wsgi", "--bind", f"127.0.0.1:{app_port}"]
                        + ["--workers", "2", "--graceful-timeout", "5"],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
            _wait_for_port(app_port, processes[0], gunicorn_log)
            processes.append(
                subprocess.Popen(
                    ["nginx", "-p", str(tmp), "-c", str(conf), "-g", "daemon off;"],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
            _wait_for_port(https_port, processes[1], nginx_log)
            _wait_for_port(http_port, processes[1], nginx_log)
            yield Stack(
                http_port=http_port,
                https_port=https_port,
                cert=cert,
                database_url=database_url,
                static_root=tmp / "static",
            )
        finally:
            for process in reversed(processes):
                _stop(process)


@pytest.mark.integration
def test_plain_http_is_redirected_to_https(stack):
    response, _ = stack.request("GET", "/accounts/login/?next=/", https=False)

    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/accounts/login/?next=/"


@pytest.mark.integration
def test_the_sign_in_page_over_https_sets_only_secure_cookies(stack):
    response, _ = stack.request("GET", "/accounts/login/")

    assert response.status == 200
    cookies = _set_cookie_attributes(response)
    assert "csrftoken" in cookies
    assert all("secure" in attributes for attributes in cookies.values()), cookies


@pytest.mark.integration
def test_signing_in_through_the_proxy_sets_a_secure_session_cookie(stack):
    response = stack.sign_in("signs-in", PASSWORD, source=CLIENT)

    assert response.status == 302, "signed in"
    session = _set_cookie_attributes(response)["sessionid"]
    assert {"secure", "httponly"} <= session


@pytest.mark.integration
def test_https_responses_carry_hsts(stack):
    response, _ = stack.request("GET", "/accounts/login/")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.integration
def test_the_lock_out_counts_the_address_nginx_saw_not_one_the_client_wrote(stack):
    statuses = [
        stack.sign_in("locked-out", "wrong password", source=CLIENT, forwarded_for=SPOOFED).status
        for _ in range(5)  # AXES_FAILURE_LIMIT
    ]
    # The form again, with its error, four times; the fifth wrong password locks the sign-in.
    assert statuses == [200, 200, 200, 200, 429]

    # Neither the address the client wrote nor nginx's own (which gunicorn sees) is recorded.
    assert stack.access_attempts("locked-out") == [(CLIENT, 5)]
    # From that address even the right password is refused now ...
    assert stack.sign_in("locked-out", PASSWORD, source=CLIENT, forwarded_for=SPOOFED).status in (403, 429)
    # ... while the same person from another address, writing the same header, signs in.
    assert stack.sign_in("locked-out", PASSWORD, source=ANOTHER_CLIENT, forwarded_for=SPOOFED).status == 302


@pytest.mark.integration
def test_healthz_answers_over_plain_http(stack):
    # Needs settings.SECURE_REDIRECT_EXEMPT to cover healthz: without it Django's own redirect to
    # HTTPS (SECURE_SSL_REDIRECT) answers 301 here.
    response, body = stack.request("GET", "/healthz", https=False)

    assert response.status == 200
    assert json.loads(body) == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.integration
def test_healthz_answers_over_https(stack):
    response, body = stack.request("GET", "/healthz")

    assert response.status == 200
    assert json.loads(body)["status"] == "ok"


@pytest.mark.integration
def test_a_request_for_another_host_name_is_dropped(stack):
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        stack.request("GET", "/healthz", https=False, host="sli.attacker.example")


@pytest.mark.integration
def test_static_files_come_from_nginx_with_a_year_of_cache(stack):
    manifest = json.loads((stack.static_root / "staticfiles.json").read_text())
    hashed = next(name for name in manifest["paths"].values() if name.endswith(".css"))

    response, body = stack.request("GET", f"/static/{hashed}")

    assert response.status == 200
    assert body == (stack.static_root / hashed).read_bytes()
    # nginx's header (deploy/nginx/sli-portal.conf); WhiteNoise would say max-age=315360000.
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.integration
def test_media_files_are_not_served_from_disk(stack):
    response, _ = stack.request("GET", "/media/evidence/anything.pdf")

    assert response.status == 404


@pytest.mark.integration
def test_a_request_larger_than_the_portal_accepts_is_refused_by_nginx(stack):
    conn = _LocalhostHTTPSConnection(
        "127.0.0.1", stack.https_port, timeout=HTTP_TIMEOUT, source_address=(CLIENT, 0), context=stack.tls
    )
    try:
        # Headers only: nginx answers from Content-Length, before any of the body is sent.
        conn.putrequest("POST", "/accounts/login/", skip_host=True)
        conn.putheader("Host", "localhost")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str(14 * 1024 * 1024))
        conn.endheaders()
        response = conn.getresponse()
    finally:
        conn.close()

    assert response.status == 413


# --- Backups that restore ------------------------------------------------------------------------


def _run_script(script: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(DEPLOY / script), *args], env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT
    )


def _script_env(database_url: str, media_root: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media_root))
    return env


def _row_counts(url: str) -> dict[str, int]:
    with contextlib.closing(_connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables"
            " WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
        return counts


def _sequences(url: str) -> dict[str, int | None]:
    with contextlib.closing(_connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'")
        return dict(cursor.fetchall())


def _file_hashes(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


class Drill:
    def __init__(self, **paths):
        self.__dict__.update(paths)


@pytest.fixture(scope="module")
def drill(tmp_path_factory):
    """The demo in a new database, backed up by backup.sh and restored by restore.sh into
    another new database and an empty media folder."""
    _require_tools("pg_dump", "pg_restore", "psql", "tar", "sha256sum", "python3")
    _server_url()
    tmp = tmp_path_factory.mktemp("drill")
    media, restored_media, backups = tmp / "media", tmp / "restored-media", tmp / "backups"
    with throwaway_database("source") as source, throwaway_database("restored") as restored:
        # The embedded default's settings on the source database: Celery eager, so the demo's
        # snapshots are rendered into MEDIA_ROOT as it loads.
        env = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "SQLITE_TEST_NAME")}
        env.update(
            DATABASE_URL=source,
            VAR_DIR=str(tmp / "var"),
            MEDIA_ROOT=str(media),
            STATIC_ROOT=str(tmp / "static"),
            LOG_LEVEL="WARNING",
        )
        _manage(env, "migrate", "--noinput")
        _manage(env, "load_demo")

        backed_up = _run_script("backup.sh", str(backups), env=_script_env(source, media))
        assert backed_up.returncode == 0, backed_up.stderr
        backup = Path(backed_up.stdout.strip().splitlines()[-1])
        restore = _run_script("restore.sh", str(backup), env=_script_env(restored, restored_media))
        assert restore.returncode == 0, restore.stderr
        yield Drill(
            source=source, restored=restored, media=media, restored_media=restored_media, backup=backup, tmp=tmp
        )


@pytest.mark.integration
def test_the_restored_database_has_every_table_with_the_same_rows(drill):
    source = _row_counts(drill.source)

    assert source["programmes_region"] >= 1 and source["priorities_quarterlyupdate"] > 0, "the demo was loaded"
    assert _row_counts(drill.restored) == source


@pytest.mark.integration
def test_the_restored_sequences_continue_where_the_source_stopped(drill):
    # Otherwise the first new row after a restore would collide with a restored one.
    assert _sequences(drill.restored) == _sequences(drill.source)


@pytest.mark.integration
def test_the_restored_files_are_the_same_files(drill):
    source = _file_hashes(drill.media)

    assert any(name.startswith("evidence/") for name in source), "the demo's evidence files"
    assert any(name.endswith(".pdf") and name.startswith("snapshots/") for name in source), "rendered snapshots"
    assert _file_hashes(drill.restored_media) == source


@pytest.mark.integration
def test_the_backup_is_readable_by_its_owner_alone_and_lists_its_sums(drill):
    assert drill.backup.name.startswith("sli-portal-")
    assert drill.backup.stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in drill.backup.iterdir()} == {
        "database.dump": 0o600,
        "media.tar.gz": 0o600,
        "backup-info.txt": 0o600,
        "SHA256SUMS": 0o600,
    }
    sums = dict(reversed(line.split()) for line in (drill.backup / "SHA256SUMS").read_text().splitlines())
    assert sums["database.dump"] == hashlib.sha256((drill.backup / "database.dump").read_bytes()).hexdigest()
    assert set(sums) == {"database.dump", "media.tar.gz", "backup-info.txt"}
    assert "postgres@" not in (drill.backup / "backup-info.txt").read_text(), "no credentials"


@pytest.mark.integration
def test_a_restore_into_a_database_that_holds_tables_is_refused(drill):
    refused = _run_script("restore.sh", str(drill.backup), env=_script_env(drill.restored, drill.tmp / "empty-media"))

    assert refused.returncode == 3
    assert "add --force" in refused.stderr
    assert not (drill.tmp / "empty-media").exists(), "nothing changed"


@pytest.mark.integration
def test_a_restore_into_a_media_folder_that_holds_files_is_refused(drill):
    with throwaway_database("empty") as empty:
        refused = _run_script("restore.sh", str(drill.backup), env=_script_env(empty, drill.restored_media))

        assert refused.returncode == 3
        assert "MEDIA_ROOT" in refused.stderr
        assert _row_counts(empty) == {}, "nothing restored"


@pytest.mark.integration
def test_a_forced_restore_replaces_what_the_database_holds(drill):
    with contextlib.closing(_connect(drill.restored)) as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_region SET name = 'Changed since the backup'")
        connection.commit()

    forced = _run_script(
        "restore.sh", "--force", str(drill.backup), env=_script_env(drill.restored, drill.restored_media)
    )

    assert forced.returncode == 0, forced.stderr
    with contextlib.closing(_connect(drill.restored)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM programmes_region WHERE name = 'Changed since the backup'")
        assert cursor.fetchone()[0] == 0
    assert _row_counts(drill.restored) == _row_counts(drill.source)


@pytest.mark.integration
def test_a_damaged_backup_is_refused(drill):
    damaged = drill.tmp / "damaged"
    shutil.copytree(drill.backup, damaged)
    dump = damaged / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))

    with throwaway_database("damaged") as empty:
        refused = _run_script("restore.sh", str(damaged), env=_script_env(empty, drill.tmp / "damaged-media"))

        assert refused.returncode == 1
        assert "damaged" in refused.stderr
        assert _row_counts(empty) == {}


@pytest.mark.integration
def test_with_the_files_in_a_bucket_the_backup_holds_the_database_and_says_where_the_files_are(drill):
    env = _script_env(drill.source, drill.media)
    env.update(AWS_STORAGE_BUCKET_NAME="sli-files", AWS_S3_ENDPOINT_URL="https://s3.example.org")

    backed_up = _run_script("backup.sh", str(drill.tmp / "bucket-backups"), env=env)

    assert backed_up.returncode == 0, backed_up.stderr
    backup = Path(backed_up.stdout.strip().splitlines()[-1])
    assert sorted(path.name for path in backup.iterdir()) == ["SHA256SUMS", "backup-info.txt", "database.dump"]
    info = (backup / "backup-info.txt").read_text()
    assert "media: not included: in the bucket sli-files at https://s3.example.org" in info
    assert "the bucket's own versioning or replication" in backed_up.stderr


@pytest.mark.integration
def test_a_restore_of_files_for_a_portal_whose_files_are_in_a_bucket_is_refused(drill):
    env = _script_env(drill.restored, drill.tmp / "bucket-media")
    env.update(AWS_STORAGE_BUCKET_NAME="sli-files")

    refused = _run_script("restore.sh", str(drill.backup), env=env)

    assert refused.returncode == 2
    assert "in the bucket sli-files" in refused.stderr and "--no-media" in refused.stderr
    assert not (drill.tmp / "bucket-media").exists(), "nothing unpacked"


# --- The files alone -----------------------------------------------------------------------------


def _unit_setting(unit: str, name: str) -> str:
    return re.search(rf"^{name}=(.*)$", (DEPLOY / unit).read_text(), re.MULTILINE)[1]


def test_nginx_accepts_the_largest_request_the_portal_does(settings):
    size = re.search(r"client_max_body_size (\d+)m;", (DEPLOY / "nginx" / "sli-portal.conf").read_text())[1]

    # An evidence file or attachment at its limit, with its form's other fields at theirs.
    largest = evidence.MAX_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    assert largest <= int(size) * 1024 * 1024 < largest + 1024 * 1024, "within a megabyte of the largest"


def test_stopping_the_worker_waits_longer_than_the_longest_task():
    celery_app.loader.import_default_modules()  # what a worker does on start: finds every task
    longest = max(task.time_limit or 0 for task in celery_app.tasks.values())

    assert longest >= 660, "the e-bulletin's hard limit, at least"
    assert int(_unit_setting("sli-portal-worker.service", "TimeoutStopSec")) > longest


def test_every_unit_runs_as_the_portal_user_with_the_environment_file():
    for unit in ("sli-portal-web.service", "sli-portal-worker.service", "sli-portal-beat.service"):
        assert _unit_setting(unit, "User") == "sli-portal", unit
        assert _unit_setting(unit, "EnvironmentFile") == "/etc/sli-portal/env", unit
        assert _unit_setting(unit, "ReadWritePaths") == "/var/lib/sli-portal", unit


def test_env_example_lists_every_variable_the_settings_read():
    source = (ROOT / "sli_portal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+|_bool)\(\s*"([A-Z0-9_]+)"', source))
    read |= set(re.findall(r'"([A-Z0-9_]+)" in env\b', source))
    example = (DEPLOY / "env.example").read_text()
    listed = set(re.findall(r"^#?([A-Z0-9_]+)=", example, re.MULTILINE))
    not_for_production = set(re.search(r"Not for production: (.*)", example, re.DOTALL)[1].split()) & read

    assert {"DATABASE_URL", "SECRET_KEY", "NUM_PROXIES"} <= read, "the pattern still finds the settings' variables"
    assert read - listed - not_for_production == set()


def test_the_nginx_site_has_every_value_the_tests_replace(tmp_path):
    site = render_site(
        http_port=8080, https_port=8443, app_port=8001, static_root=tmp_path, cert=tmp_path / "c", key=tmp_path / "k"
    )

    assert "example.org" not in site
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
