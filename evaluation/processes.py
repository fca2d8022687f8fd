"""Real processes for tests that need servers: `rasa run`, the action server, PostgreSQL, Redis and
nginx with `deploy/nginx.conf`.

Each is started from the project's own virtual environment or Debian's packages, on loopback, with
its files in a temporary directory, and stopped by the test session that started it.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "mlops-assistant.tar.gz"
RASA = ROOT / ".venv" / "bin" / "rasa"
# What `make serve` runs: Rasa with assistant/runtime.py applied (python -m assistant).
ASSISTANT = [str(ROOT / ".venv" / "bin" / "python"), "-m", "assistant"]
ACTIONS_PORT = 5055  # the port endpoints.yml names; tests never bind it (make serve may be running)
STARTUP_SECONDS = 240
INSTALL_SERVICES = (
    "install Debian's packages: apt-get install postgresql redis-server nginx-light (make services does it as root)"
)
NGINX_CONF = ROOT / "deploy" / "nginx.conf"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def endpoints_for(actions_port: int, directory: Path, name: str = "endpoints.yml") -> Path:
    """A copy of endpoints.yml that sends action calls to `actions_port` instead of 5055."""
    text = (ROOT / "endpoints.yml").read_text()
    replaced = re.sub(r"(action_endpoint:\s*\n\s*url:\s*\"?http://[^:/\"]+:)5055\b", rf"\g<1>{actions_port}", text)
    if replaced == text:
        raise RuntimeError("endpoints.yml has no action_endpoint url on port 5055 to replace")
    path = directory / name
    path.write_text(replaced)
    return path


def wait_for(url: str, process: subprocess.Popen, seconds: float = STARTUP_SECONDS) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before {url} answered")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except Exception:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def stop(process: Optional[subprocess.Popen], sig: int = signal.SIGTERM, seconds: float = 20) -> None:
    """Stops a process started with `start_new_session` and everything it started."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, sig)
    try:
        process.wait(seconds)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_for_port(process: subprocess.Popen, port: int, name: str, log: Path, seconds: float = 30) -> None:
    """Returns when `port` accepts connections; raises when `process` exits or `seconds` pass first."""
    deadline = time.time() + seconds
    while not port_open(port):
        if process.poll() is not None or time.time() > deadline:
            raise RuntimeError(f"{name} did not start; see {log}")
        time.sleep(0.1)


def _spawn(command: List[str], env: Dict[str, str], log: Path, user: Optional[str] = None) -> subprocess.Popen:
    if user:
        command = ["runuser", "-u", user, "--"] + command
    with open(log, "a") as output:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )


class ActionServer:
    """`python -m actions` on a free port; `RasaServer(..., actions=this)` sends its action calls there."""

    def __init__(self, env: Dict[str, str], logs: Path, port: Optional[int] = None) -> None:
        self.env, self.log, self.port = env, logs / "actions.log", port or free_port()
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> ActionServer:
        if port_open(self.port):
            raise RuntimeError(f"Port {self.port} is taken: stop the other action server first")
        self.process = _spawn([sys.executable, "-m", "actions", "--port", str(self.port)], self.env, self.log)
        wait_for(f"http://127.0.0.1:{self.port}/health", self.process, 60)
        return self

    def kill(self) -> None:
        stop(self.process, signal.SIGKILL)

    def stop(self) -> None:
        stop(self.process)


class RasaServer:
    """`rasa run` with the project's credentials and endpoints, on a port of its own, calling `actions`;
    on loopback unless `interface` says otherwise (then `python -m assistant` wants REST_TOKEN, and
    RASA_AUTH_TOKEN for the HTTP API, in `env`); with the HTTP API unless `api` is False."""

    def __init__(
        self,
        env: Dict[str, str],
        logs: Path,
        name: str = "rasa",
        actions: Optional[ActionServer] = None,
        interface: str = "127.0.0.1",
        api: bool = True,
    ) -> None:
        if not MODEL.exists():
            raise RuntimeError(f"{MODEL} is missing: run `make train` (the make targets that run servers do)")
        self.env, self.log = env, logs / f"{name}.log"
        self.endpoints = str(endpoints_for(actions.port, logs, f"endpoints-{name}.yml")) if actions else "endpoints.yml"
        self.port = free_port()
        self.interface = interface
        self.api = api
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def launch(self) -> RasaServer:
        """Starts the server without waiting for it (see `ready`)."""
        self.process = _spawn(
            [
                *ASSISTANT,
                "run",
                "--model",
                str(MODEL),
                "--interface",
                self.interface,
                "--port",
                str(self.port),
                *(["--enable-api"] if self.api else []),
                "--credentials",
                "credentials.yml",
                "--endpoints",
                self.endpoints,
            ],
            self.env,
            self.log,
        )
        return self

    def ready(self) -> RasaServer:
        assert self.process is not None, "launch() first"
        wait_for(f"{self.url}/webhooks/rest/", self.process)
        return self

    def start(self) -> RasaServer:
        return self.launch().ready()

    def stop(self) -> None:
        stop(self.process)


def _debian_postgres_bin() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("postgres")
    return Path(on_path).parent if on_path else None


class Postgres:
    """A throwaway PostgreSQL cluster on a free loopback port; database `rasa`, user `rasa`, trust auth."""

    def __init__(self, logs: Path) -> None:
        self.bin = _debian_postgres_bin()
        if self.bin is None or not (self.binaries / "initdb").exists():
            raise RuntimeError(f"PostgreSQL is not installed: {INSTALL_SERVICES}")
        self.user = "postgres" if os.geteuid() == 0 else None  # PostgreSQL refuses to run as root
        self.dir = Path(tempfile.mkdtemp(prefix="mlops-assistant-pg-"))
        if self.user:
            shutil.chown(self.dir, self.user, self.user)
        self.data = self.dir / "data"
        self.port = free_port()
        self.log = logs / "postgres.log"
        self.process: Optional[subprocess.Popen] = None
        self._run([str(self.binaries / "initdb"), "-D", str(self.data), "-U", "rasa", "--auth=trust", "-E", "UTF8"])

    @property
    def url(self) -> str:
        return f"postgresql://rasa@127.0.0.1:{self.port}/rasa"

    @property
    def binaries(self) -> Path:
        assert self.bin is not None, INSTALL_SERVICES
        return self.bin

    def _run(self, command: List[str]) -> None:
        if self.user:
            command = ["runuser", "-u", self.user, "--"] + command
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def start(self) -> Postgres:
        self.process = _spawn(
            [
                str(self.binaries / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-k",
                str(self.dir),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
                "-c",
                "fsync=off",
            ],
            os.environ.copy(),
            self.log,
            self.user,
        )
        deadline = time.time() + 60
        while not port_open(self.port):
            if self.process.poll() is not None or time.time() > deadline:
                raise RuntimeError(f"PostgreSQL did not start; see {self.log}")
            time.sleep(0.2)
        for _ in range(100):  # the port opens before the cluster accepts logins
            if (
                subprocess.run(
                    [
                        str(self.binaries / "psql"),
                        "-h",
                        "127.0.0.1",
                        "-p",
                        str(self.port),
                        "-U",
                        "rasa",
                        "-d",
                        "postgres",
                        "-c",
                        "select 1",
                    ],
                    capture_output=True,
                ).returncode
                == 0
            ):
                break
            time.sleep(0.2)
        subprocess.run(
            [
                str(self.binaries / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "rasa",
                "-d",
                "postgres",
                "-c",
                "create database rasa",
            ],
            capture_output=True,
        )
        return self

    def stop(self) -> None:
        stop(self.process, signal.SIGINT, 30)  # SIGINT: PostgreSQL's fast shutdown

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    """A Redis server on a free loopback port, nothing saved to disk."""

    def __init__(self, logs: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(f"Redis is not installed: {INSTALL_SERVICES}")
        self.binary: str = binary
        self.port = free_port()
        self.log = logs / "redis.log"
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/1"

    def start(self) -> Redis:
        self.process = _spawn(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            os.environ.copy(),
            self.log,
        )
        _wait_for_port(self.process, self.port, "Redis", self.log)
        return self

    def stop(self) -> None:
        stop(self.process)


class Nginx:
    """nginx with `deploy/nginx.conf` (or the configuration `conf`, written alike) on a free loopback
    port, in front of `upstreams` instead of the compose file's rasa-1 and rasa-2; its files in a
    temporary directory."""

    def __init__(self, logs: Path, upstreams: List[str], conf: Optional[str] = None) -> None:
        binary = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.path.exists(p)), None)
        if binary is None:
            raise RuntimeError(f"nginx is not installed: {INSTALL_SERVICES}")
        self.binary: str = binary
        self.dir = Path(tempfile.mkdtemp(prefix="mlops-assistant-nginx-"))
        self.port = free_port()
        self.log = logs / "nginx.log"
        text = NGINX_CONF.read_text() if conf is None else conf
        for name, address in zip(("rasa-1:5005", "rasa-2:5005"), upstreams):
            text = text.replace(f"server {name} ", f"server {address} ")
        text = text.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        text = text.replace("error_log /dev/stderr", f"error_log {self.log}").replace(
            "access_log /dev/stdout", "access_log off"
        )
        self.conf = self.dir / "nginx.conf"
        self.conf.write_text(text)
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Nginx:
        self.process = _spawn(
            [
                self.binary,
                "-c",
                str(self.conf),
                "-p",
                str(self.dir),
                "-g",
                f"pid {self.dir / 'nginx.pid'}; daemon off;",
            ],
            os.environ.copy(),
            self.log,
        )
        _wait_for_port(self.process, self.port, "nginx", self.log)
        return self

    def remove(self) -> None:
        stop(self.process, signal.SIGQUIT)  # SIGQUIT: nginx's graceful shutdown
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """PostgreSQL, Redis, the action server and two Rasa servers, and ways to talk to them.

    `channels`: more environment for the Rasa servers, e.g. a Twilio auth token to turn SMS on."""

    def __init__(self, logs: Path, channels: Optional[Dict[str, str]] = None) -> None:
        self.logs = logs
        self.postgres = Postgres(logs).start()
        self.redis = Redis(logs).start()
        self.env = {
            **os.environ,
            "TRACKER_STORE_URL": self.postgres.url,
            "LOCK_STORE_URL": self.redis.url,
            "RASA_TELEMETRY_ENABLED": "false",
            # both servers sign web chat sessions alike, as docker-compose.yml and the Helm values have them
            "WEBCHAT_SESSION_SECRET": "test-webchat-session-secret-shared-by-both-servers",
        }
        for variable in ("REST_TOKEN", "SOCKETIO_JWT_KEY", "TWILIO_AUTH_TOKEN", "SLACK_BOT_TOKEN", "RASA_AUTH_TOKEN"):
            self.env.pop(variable, None)
        self.env.update(channels or {})
        self.actions = ActionServer(self.env, logs).start()
        self.servers = [RasaServer(self.env, logs, f"rasa-{n}", actions=self.actions).launch() for n in (1, 2)]
        for server in self.servers:
            server.ready()
        self.database = sa.create_engine(self.postgres.url, pool_pre_ping=True)

    def events(self, sender: str) -> List[Dict]:
        """The rows PostgreSQL holds for one conversation, in the order they were stored."""
        with self.database.connect() as connection:
            rows = connection.execute(
                sa.text("select id, type_name, timestamp, data from events where sender_id = :s order by id"),
                {"s": sender},
            )
            return [dict(row._mapping) for row in rows]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()
        self.actions.kill()
        self.redis.stop()
        self.database.dispose()
        self.postgres.remove()
