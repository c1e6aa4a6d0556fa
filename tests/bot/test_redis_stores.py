"""Rasa's Redis tracker and lock store, built by Rasa from bot/endpoints.redis.yml after bot/serve.py's start-up has
read the environment, against a Redis of this test's own (a free port, password, TLS with a certificate made here):
the right password and CA work, a wrong password or an unknown CA is refused, and without the optional variables the
stores speak plain Redis without AUTH (as the scale-out tests' shared Redis)."""
from __future__ import annotations

import datetime
import ipaddress
import os
import secrets
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from bot import serve
from tests import stack
from tests.bot.helpers import run_apart

ENDPOINTS = str(stack.ROOT / "bot" / "endpoints.redis.yml")
PASSWORD = secrets.token_urlsafe(24)

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")


def self_signed(directory: Path, name: str) -> tuple[Path, Path]:
    """A CA-capable self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = directory / f"{name}.crt", directory / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def wait_for_port(port: int, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"redis-server exited with {proc.returncode}")
        try:
            redis.Redis(port=port, socket_timeout=1).ping()
            return
        except redis.AuthenticationError:
            return
        except (redis.ConnectionError, OSError):
            time.sleep(0.1)
    raise TimeoutError("redis-server did not listen")


def start_redis(directory: Path, *args: str) -> tuple[subprocess.Popen, int]:
    port = stack.free_port()
    proc = subprocess.Popen(["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--appendonly", "no", "--dir", str(directory), *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
    except Exception:
        proc.kill()
        raise
    return proc, port


@pytest.fixture(scope="module")
def redis_servers(tmp_path_factory):
    """One Redis with a password on a plain port and a TLS port; one without a password."""
    directory = tmp_path_factory.mktemp("redis")
    cert, key = self_signed(directory, "redis")
    tls_port = stack.free_port()
    guarded, plain_port = start_redis(directory, "--requirepass", PASSWORD, "--tls-port", str(tls_port),
                                      "--tls-cert-file", str(cert), "--tls-key-file", str(key),
                                      "--tls-ca-cert-file", str(cert), "--tls-auth-clients", "no")
    open_dir = directory / "open"
    open_dir.mkdir()
    unguarded, open_port = start_redis(open_dir)
    yield {"plain": plain_port, "tls": tls_port, "open": open_port, "ca": cert, "dir": directory}
    for proc in (guarded, unguarded):
        proc.terminate()
        proc.wait(10)


def stores(monkeypatch, port: int, **env: str) -> tuple[TrackerStore, LockStore]:
    """Rasa's stores from bot/endpoints.redis.yml, with only the given INTAKE_REDIS_* variables set."""
    for name in [n for n in os.environ if n.startswith("INTAKE_REDIS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("INTAKE_ACTIONS_URL", "http://127.0.0.1:9/webhook")
    monkeypatch.setenv("INTAKE_BOT_SECRET", stack.TEST_ENV["INTAKE_BOT_SECRET"])
    monkeypatch.setenv("INTAKE_REDIS_HOST", "127.0.0.1")
    monkeypatch.setenv("INTAKE_REDIS_PORT", str(port))
    monkeypatch.setenv("INTAKE_REDIS_DB", "3")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert serve.prepare_environment(os.environ) is None
    tracker_store = TrackerStore.create(read_endpoint_config(ENDPOINTS, "tracker_store"), Domain.empty())
    lock_store = LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))
    assert type(tracker_store).__name__ == "RedisTrackerStore" and type(lock_store).__name__ == "RedisLockStore"
    return tracker_store, lock_store


def round_trip(tracker_store: TrackerStore, lock_store: LockStore) -> list[str]:
    """Save a conversation, read it back, take a lock: what a turn does with the stores."""
    sender = f"redis-test-{secrets.token_hex(4)}"
    tracker = DialogueStateTracker.from_events(sender, [UserUttered("hallo")])
    run_apart(tracker_store.save(tracker))
    back = run_apart(tracker_store.retrieve(sender))
    assert lock_store.issue_ticket(sender) == 0
    return [event.text for event in back.events if isinstance(event, UserUttered)]


def test_the_right_password_is_let_in(monkeypatch, redis_servers):
    assert round_trip(*stores(monkeypatch, redis_servers["plain"], INTAKE_REDIS_PASSWORD=PASSWORD)) == ["hallo"]


@pytest.mark.parametrize("password", [None, "not-" + PASSWORD])
def test_a_wrong_or_missing_password_is_refused(monkeypatch, redis_servers, password):
    env = {"INTAKE_REDIS_PASSWORD": password} if password else {}
    tracker_store, lock_store = stores(monkeypatch, redis_servers["plain"], **env)
    with pytest.raises(redis.AuthenticationError):
        run_apart(tracker_store.save(DialogueStateTracker.from_events("x", [UserUttered("hallo")])))
    with pytest.raises(LockError, match="(?i)auth|WRONGPASS|password"):  # Rasa's wrapper of the same refusal
        lock_store.issue_ticket("x")


def test_without_the_optional_variables_plain_redis_without_auth(monkeypatch, redis_servers):
    assert round_trip(*stores(monkeypatch, redis_servers["open"])) == ["hallo"]


def test_tls_with_the_servers_ca_and_password(monkeypatch, redis_servers):
    tracker_store, lock_store = stores(monkeypatch, redis_servers["tls"], INTAKE_REDIS_PASSWORD=PASSWORD,
                                       INTAKE_REDIS_TLS="true", INTAKE_REDIS_CA_CERTS=str(redis_servers["ca"]))
    assert tracker_store.red.connection_pool.connection_class is redis.SSLConnection
    assert round_trip(tracker_store, lock_store) == ["hallo"]


def test_tls_refuses_a_server_its_ca_did_not_sign(monkeypatch, redis_servers, tmp_path):
    other_ca, _key = self_signed(tmp_path, "other")
    tracker_store, lock_store = stores(monkeypatch, redis_servers["tls"], INTAKE_REDIS_PASSWORD=PASSWORD,
                                       INTAKE_REDIS_TLS="true", INTAKE_REDIS_CA_CERTS=str(other_ca))
    with pytest.raises(redis.ConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
        run_apart(tracker_store.retrieve("x"))
    with pytest.raises(LockError, match="CERTIFICATE_VERIFY_FAILED"):
        lock_store.issue_ticket("x")


def test_tls_false_is_plain_redis(monkeypatch, redis_servers):
    tracker_store, lock_store = stores(monkeypatch, redis_servers["plain"], INTAKE_REDIS_PASSWORD=PASSWORD,
                                       INTAKE_REDIS_TLS="False")
    assert tracker_store.red.connection_pool.connection_class is redis.Connection
    assert round_trip(tracker_store, lock_store) == ["hallo"]


@pytest.mark.parametrize("env, variable", [
    ({"INTAKE_REDIS_TLS": "ja"}, "INTAKE_REDIS_TLS"),
    ({"INTAKE_REDIS_TLS": "true"}, "INTAKE_REDIS_CA_CERTS"),
    ({"INTAKE_REDIS_TLS": "true", "INTAKE_REDIS_CA_CERTS": "/nonexistent/ca.crt"}, "INTAKE_REDIS_CA_CERTS"),
])
def test_start_up_refuses_tls_settings_it_cannot_use(env, variable):
    environment = {"INTAKE_BOT_SECRET": stack.TEST_ENV["INTAKE_BOT_SECRET"], **env}
    problem = serve.prepare_environment(environment)
    assert problem and variable in problem and "\n" not in problem
