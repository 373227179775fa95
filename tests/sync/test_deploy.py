"""The files of `deploy/` as docs/deploy.md installs them, run here: gunicorn with
`deploy/gunicorn.conf.py` and two workers on PostgreSQL and Redis, a `retaguarda worker`, and
nginx with `deploy/nginx.conf` and a certificate made here, in front (and `retaguarda serve`
behind the same proxy); the systemd units checked by systemd itself. Only the site's own
values (names, addresses, paths) are replaced.
"""

from __future__ import annotations

import configparser
import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from queue_setup import LEDGER, SPREADSHEET, Google, book, ledger_ids, posting, wait_for

from retaguarda.sync.emulator import create_emulator
from retaguarda.sync.emulator.server import serving
from retaguarda.sync.google_api import gspread_client
from retaguarda.sync.settings import Settings
from retaguarda.sync.sources import add_source
from retaguarda.sync.users import FINANCEIRO, add_user, set_password

ROOT = Path(__file__).parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
#: where docs/deploy.md puts the virtual environment; the units name its programs
INSTALLED_BIN = "/opt/retaguarda/.venv/bin/"
#: names the service's environment file may hold that are not the service's own settings
OUTSIDE_NAMES = {"XLWINGS_LICENSE_KEY"}
#: the moment the test's webhooks are signed at (the services run on the real clock; the
#: test never reads it, and widens the service's window to take this moment instead)
SIGNED_AT = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
PASSWORD = "senha-de-teste-longa"
#: Debian's nginx (.ci/run installs it), also where /usr/sbin is not on the PATH
NGINX = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")


def setting_names() -> set[str]:
    """Every environment variable the service reads: RETAGUARDA_ + each setting, and aliases."""
    names = set()
    for name, field in Settings.model_fields.items():
        names.add(f"RETAGUARDA_{name.upper()}")
        aliases = getattr(field.validation_alias, "choices", ())
        names.update(a for a in aliases if isinstance(a, str) and a.isupper())
    return names


def environment_file() -> dict[str, str]:
    """deploy/retaguarda.env as systemd reads it: NAME=value lines, # for comments."""
    values = {}
    for line in (DEPLOY / "retaguarda.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


# --- the files themselves ---------------------------------------------------------------------


def test_every_name_in_the_environment_file_is_a_setting_the_service_reads():
    text = (DEPLOY / "retaguarda.env").read_text(encoding="utf-8")
    named = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))
    assert "RETAGUARDA_DATABASE_URL" in named
    assert named - setting_names() - OUTSIDE_NAMES == set()


def test_the_deploy_guide_names_every_setting():
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert {name for name in setting_names() if f"`{name}`" not in guide} == set()


@pytest.mark.parametrize("name", ["retaguarda.service", "retaguarda-worker.service"])
def test_the_units_run_programs_of_the_installed_environment(name):
    service = unit(name)["Service"]
    program, *arguments = service["ExecStart"].split()
    assert program.startswith(INSTALLED_BIN)
    assert (BIN / program.removeprefix(INSTALLED_BIN)).exists()  # installed by pip, here
    assert service["EnvironmentFile"] == "/etc/retaguarda/retaguarda.env"
    if name == "retaguarda.service":
        assert arguments == ["--config", "/etc/retaguarda/gunicorn.conf.py"]
    else:
        assert arguments == ["worker"]
        assert service["KillSignal"] == "SIGINT"  # huey's graceful stop


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="sem systemd-analyze")
def test_systemd_finds_nothing_wrong_in_the_units(tmp_path):
    names = ["retaguarda.service", "retaguarda-worker.service"]
    for name in names:
        text = (DEPLOY / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text.replace(INSTALLED_BIN, f"{BIN}/"), encoding="utf-8")
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in names)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (checked.returncode, checked.stderr) == (0, "")


def test_the_proxy_limits_bodies_as_the_service_does():
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    limits = re.findall(r"client_max_body_size (\d+)([km]);", site)
    scale = {"k": 1024, "m": 1024 * 1024}
    assert [int(n) * scale[unit] for n, unit in limits] == [16 * 1024 * 1024, 256 * 1024]
    defaults = Settings.model_fields
    assert defaults["max_request_bytes"].default == 16 * 1024 * 1024
    assert defaults["max_webhook_bytes"].default == 256 * 1024


# --- the service as deployed, on this machine --------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (the test's HTTPS client trusts it alone)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(datetime(2020, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2100, 1, 1, tzinfo=UTC))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def nginx_site(folder: Path, *, https: int, http: int, upstream: int) -> Path:
    """deploy/nginx.conf with this machine's ports and certificate, inside a main
    configuration that keeps nginx's files in `folder`."""
    cert, key = certificate(folder)
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    for old, new in [
        ("/etc/letsencrypt/live/retaguarda.exemplo.com.br/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/retaguarda.exemplo.com.br/privkey.pem", str(key)),
        ("retaguarda.exemplo.com.br", "127.0.0.1"),
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("server 127.0.0.1:8000;", f"server 127.0.0.1:{upstream};"),
    ]:
        assert old in site
        site = site.replace(old, new)
    (folder / "retaguarda.conf").write_text(site, encoding="utf-8")
    user = "user root root;\n" if os.geteuid() == 0 else ""  # nginx's default, nobody, is not
    main = folder / "nginx.conf"  # allowed into this test's temporary folder
    main.write_text(
        f"{user}worker_processes 1;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log;\n"
        "events { worker_connections 64; }\n"
        f"http {{\n  access_log off;\n  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n  include {folder}/retaguarda.conf;\n}}\n",
        encoding="utf-8",
    )
    return main


def signed(secret: str, events: list[dict[str, object]]) -> tuple[bytes, dict[str, str]]:
    """A webhook body and its headers, signed as the Apps Script signs (docs/google-sheets.md)."""
    body = json.dumps(events).encode()
    stamp = str(int(SIGNED_AT.timestamp()))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-Retaguarda-Timestamp": stamp,
        "X-Retaguarda-Signature": f"sha256={mac}",
    }


def edit(event_id: str, cell: str) -> dict[str, object]:
    return {"spreadsheetId": SPREADSHEET, "sheet": LEDGER.sheet, "range": cell, "eventId": event_id}


class FromAddress(requests.adapters.HTTPAdapter):
    """Connections made from `address` (any of 127.0.0.0/8 is this machine)."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        super().init_poolmanager(*args, **kwargs, source_address=(self.address, 0))  # type: ignore[arg-type]


def niceness(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat[stat.rindex(")") + 2 :].split()[16])


def children(pid: int) -> int:
    """How many processes `pid` started (gunicorn's workers)."""
    count = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            if f"\nPPid:\t{pid}\n" in status.read_text():
                count += 1
        except OSError:
            continue
    return count


@pytest.fixture
def google(tmp_path) -> Iterator[Google]:
    app = create_emulator(key_out=tmp_path / "key.json", quota=None)
    with serving(app) as base_url:
        state = app.extensions["sheets_emulator"]
        state.add_spreadsheet(SPREADSHEET, "Filial SP", book(3))
        yield Google(state, base_url, tmp_path / "key.json")


@pytest.fixture
def queue_name() -> Iterator[str]:
    """A queue of the test's own on the machine's Redis, emptied afterwards."""
    name = f"t{uuid.uuid4().hex[:12]}"
    yield name
    client = redis.Redis(host="127.0.0.1", port=6379)
    for key in client.scan_iter(match=f"*{name}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """The processes a test starts, stopped at its end whatever happened."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.terminate()
    for process in started:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.skipif(NGINX is None, reason="sem nginx (apt-get install nginx-light)")
@pytest.mark.parametrize("store_url", ["postgresql"], indirect=True)
@pytest.mark.parametrize("server", ["gunicorn", "serve"])
def test_the_deployed_service_syncs_a_signed_edit_behind_nginx(
    server, store, store_url, google, queue_name, processes, tmp_path
):
    source = add_source(store, team="Filial SP", google=SPREADSHEET)
    add_user(store, "ana", role=FINANCEIRO)
    set_password(store, "ana", PASSWORD)
    assert source.webhook_secret is not None
    https, http, upstream = free_port(), free_port(), free_port()

    # the environment file as shipped, with this machine's addresses instead of the examples
    shipped = environment_file()
    site = {
        "RETAGUARDA_DATABASE_URL": store_url,
        "RETAGUARDA_QUEUE_URL": "redis://127.0.0.1:6379/0",
        "RETAGUARDA_QUEUE_NAME": queue_name,
        "RETAGUARDA_SECRET_KEY": secrets.token_hex(32),
        "RETAGUARDA_PUBLIC_URL": f"https://127.0.0.1:{https}",
        "GOOGLE_APPLICATION_CREDENTIALS": str(google.key),
    }
    assert set(site) <= set(shipped)
    testing = {  # the emulator instead of Google, syncs at once, the test's signing moment
        "RETAGUARDA_GOOGLE_API_URL": google.base_url,
        "RETAGUARDA_DEBOUNCE": "0",
        "RETAGUARDA_POLL_INTERVAL": "0",
        "RETAGUARDA_WRITE_BACK": "false",
        "RETAGUARDA_WEBHOOK_TOLERANCE": str(100 * 365 * 24 * 3600),
    }
    outside = {k: v for k, v in os.environ.items() if not k.startswith("RETAGUARDA_")}
    today = {"RETAGUARDA_TODAY": os.environ["RETAGUARDA_TODAY"]}  # the tests' fixed day
    env = {**outside, **shipped, **site, **testing, **today}
    env["RUNTIME_DIRECTORY"] = str(tmp_path)  # systemd's, for RuntimeDirectory=

    def start(name: str, command: list[object]) -> subprocess.Popen:
        with (tmp_path / f"{name}.log").open("wb") as log:  # the process keeps its own copy
            process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=tmp_path)
        processes.append(process)
        return process

    worker = None
    if server == "gunicorn":  # the unit's command line, on the test's port, with 2 workers
        config = ["--config", DEPLOY / "gunicorn.conf.py"]
        bind = ["--bind", f"127.0.0.1:{upstream}", "--workers", "2"]
        web = start("gunicorn", [BIN / "gunicorn", *config, *bind])
        worker = start("worker", [BIN / "retaguarda", "worker"])
    else:  # the embedded default behind the same proxy: waitress, syncing in its own threads
        listen = ["--host", "127.0.0.1", "--port", str(upstream)]
        web = start("serve", [BIN / "retaguarda", "serve", *listen])

    main = nginx_site(tmp_path, https=https, http=http, upstream=upstream)
    nginx = [str(NGINX), "-p", str(tmp_path), "-c", str(main), "-e", str(tmp_path / "error.log")]
    tested = subprocess.run([*nginx, "-t"], capture_output=True, text=True, timeout=30)
    assert tested.returncode == 0, tested.stderr
    start("nginx", [*nginx, "-g", "daemon off;"])

    client = requests.Session()
    client.verify = str(tmp_path / "cert.pem")
    client.trust_env = False  # the machine's CA bundle variables would replace `verify`
    base = f"https://127.0.0.1:{https}"

    def login_page() -> bool:
        try:
            # the first request waits for a worker to load the app (seconds, on 2 cores)
            return client.get(f"{base}/login", timeout=30).status_code == 200
        except requests.ConnectionError:  # until nginx listens (then 502 until the server does)
            return False

    wait_for(login_page, timeout=40)
    if server == "gunicorn":
        assert children(web.pid) == 2

    # plain HTTP is sent to HTTPS
    plain = client.get(f"http://127.0.0.1:{http}/pendencias", allow_redirects=False, timeout=5)
    assert plain.status_code == 301
    assert plain.headers["Location"] == "https://127.0.0.1/pendencias"

    # the dashboard: a login through the proxy, its cookie for HTTPS only
    page = client.get(f"{base}/login", timeout=5)
    assert "Entrar" in page.text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None
    answer = client.post(
        f"{base}/login",
        data={"csrf_token": token.group(1), "name": "ana", "password": PASSWORD},
        headers={"Referer": f"{base}/login"},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 302, answer.text
    assert answer.headers["Location"].startswith("/")
    assert "Secure" in answer.headers["Set-Cookie"]
    assert client.get(f"{base}/", timeout=10).status_code == 200

    # the service sees the address the client came from (127.0.0.2, as nginx saw it), not
    # the X-Forwarded-For the client wrote itself: a failed login is logged (and counted
    # against the login's limit) for 127.0.0.2
    outsider = requests.Session()
    outsider.mount("https://", FromAddress("127.0.0.2"))
    outsider.verify, outsider.trust_env = client.verify, False
    page = outsider.get(f"{base}/login", timeout=10)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text)
    assert token is not None
    answer = outsider.post(
        f"{base}/login",
        data={"csrf_token": token.group(1), "name": "intruso", "password": "chute"},
        headers={"Referer": f"{base}/login", "X-Forwarded-For": "198.51.100.66"},
        timeout=10,
    )
    assert answer.status_code == 401
    log = tmp_path / f"{server}.log"
    wait_for(lambda: "login recusado para 'intruso' de 127.0.0.2" in log.read_text(), timeout=5)

    # a signed edit: accepted, and the store follows the sheet
    body, headers = signed(source.webhook_secret, [edit("e1", "F3")])
    answer = client.post(f"{base}/webhooks/google-sheets", data=body, headers=headers, timeout=10)
    assert (answer.status_code, answer.json()) == (202, {"accepted": ["e1"], "repeated": []})
    wait_for(lambda: len(ledger_ids(store)) == 3, timeout=20)

    sheet = gspread_client(google.key, google.base_url).open_by_key(SPREADSHEET)
    sheet.worksheet(LEDGER.sheet).append_row(posting(4, "25,00"), value_input_option="RAW")
    body, headers = signed(source.webhook_secret, [edit("e2", "F5")])
    answer = client.post(f"{base}/webhooks/google-sheets", data=body, headers=headers, timeout=10)
    assert answer.status_code == 202
    wait_for(lambda: len(ledger_ids(store)) == 4, timeout=20)

    # a body over the webhooks' limit is refused by the proxy, before the service reads it
    too_big = json.dumps([edit(f"e{n}", "A" * 500) for n in range(600)]).encode()
    assert len(too_big) > 256 * 1024
    answer = client.post(
        f"{base}/webhooks/google-sheets", data=too_big, headers=headers, timeout=10
    )
    assert answer.status_code == 413
    assert "nginx" in answer.text  # nginx's page, not the service's JSON

    if server == "gunicorn":
        # gunicorn's access log: a refused webhook has its line, the accepted ones none
        body, headers = signed("not the secret", [edit("e3", "F6")])
        answer = client.post(
            f"{base}/webhooks/google-sheets", data=body, headers=headers, timeout=10
        )
        assert answer.status_code == 401
        web_log = tmp_path / "gunicorn.log"
        refused = re.compile(r'"POST /webhooks/google-sheets HTTP/1\.\d" 401 ')
        wait_for(lambda: refused.search(web_log.read_text()) is not None, timeout=5)
        assert '" 202 ' not in web_log.read_text()
        # the worker syncs at a lower CPU priority than the service (RETAGUARDA_WORKER_NICE)
        assert worker is not None
        assert niceness(worker.pid) == max(10, os.nice(0))

    if worker is not None:  # it stops as its unit stops it (KillSignal=SIGINT)
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=20) == 0
