"""Processes the fleet tests start and always stop: app instances, nginx, Redis servers."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx

STARTUP_SECONDS = 60  # a loaded 2-core machine has taken 16 s
STOP_SECONDS = 15


def free_port() -> int:
    """A loopback port nobody listens on right now (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_for(what: str, ready: Callable[[], bool], alive: Callable[[], bool], log: Path) -> None:
    """Poll `ready` until it holds; fail with the log if the process dies or time runs out."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what} exited:\n{log.read_text(errors='replace')[-3000:]}")
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} not ready in {STARTUP_SECONDS}s:\n{log.read_text()[-3000:]}")


def answers_live(url: str) -> bool:
    """Whether the app behind `url` (an instance, or nginx in front of one) says it is live."""
    try:
        return httpx.get(f"{url}/health/live", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


class ChildProcess:
    """A server this test started: whether it lives, SIGKILL, and stop for cleanup."""

    process: "subprocess.Popen[bytes] | None"

    def running(self) -> bool:
        """Whether its process is alive."""
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL: whatever it held in flight is lost with it."""
        if self.process is not None and self.running():
            self.process.kill()
            self.process.wait(STOP_SECONDS)

    def stop(self) -> None:
        """Terminate, or kill if it will not go; for cleanup."""
        if self.process is None or not self.running():
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()


@dataclass
class Instance(ChildProcess):
    """One app instance: `python -m app serve` on a loopback port (restartable)."""

    name: str
    port: int
    env: dict[str, str]
    workdir: Path
    process: "subprocess.Popen[bytes] | None" = None
    starts: int = 0
    startup_seconds: float = 0.0

    @property
    def url(self) -> str:
        """Where it answers directly (bypassing nginx)."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        """Its output, kept in the work directory."""
        return self.workdir / f"{self.name}.log"

    def start(self) -> None:
        """Start it on its port, through the production command, and wait until it is live."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        command = [sys.executable, "-m", "app", "serve", "--fd", str(listener.fileno())]
        with self.log.open("ab") as sink:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command,
                env=self.env,
                cwd=self.workdir,
                stdout=sink,
                stderr=subprocess.STDOUT,
                pass_fds=[listener.fileno()],
            )
        listener.close()
        self.starts += 1
        started = time.monotonic()
        wait_for(self.name, partial(answers_live, self.url), self.running, self.log)
        self.startup_seconds = time.monotonic() - started

    def terminate(self) -> float:
        """SIGTERM (graceful: in-flight requests finish) and wait; the seconds it took."""
        started = time.monotonic()
        if self.process is not None and self.running():
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(STOP_SECONDS * 2)
        return time.monotonic() - started


NGINX_CONF = """
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
daemon off;
events {{ worker_connections 512; }}
http {{
    access_log off;
    client_body_temp_path {work}/body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://app;
            proxy_set_header Host $host;
            # Replaced, not appended: the app trusts this proxy, so nothing a client
            # writes in X-Forwarded-For may survive.
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            # Idempotent requests move to the next instance when one fails; a POST moves
            # only if it never reached the instance (nginx's default, kept on purpose).
            proxy_next_upstream error timeout;
            proxy_next_upstream_tries 3;
            proxy_connect_timeout 1s;
            proxy_read_timeout 20s;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    """Debian's nginx (installed by `nox -s fleet` when missing)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if not found:
        raise RuntimeError("nginx is not installed: `apt-get install -y nginx`")
    return found


@dataclass
class Nginx(ChildProcess):
    """nginx on a loopback port in front of `upstreams`; its files live in `work`."""

    upstreams: list[int]
    work: Path
    port: int = field(default_factory=free_port)
    process: "subprocess.Popen[bytes] | None" = None
    drained: set[int] = field(default_factory=set)

    @property
    def url(self) -> str:
        """The fleet's front door."""
        return f"http://127.0.0.1:{self.port}"

    def _write(self) -> Path:
        self.work.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(
            f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=2s"
            + (" down;" if port in self.drained else ";")
            for port in self.upstreams
        )
        conf = self.work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(work=self.work, servers=servers, port=self.port))
        return conf

    def start(self) -> None:
        """Write the configuration, check it, start nginx and wait until it answers."""
        conf = self._write()
        command = [nginx_binary(), "-p", str(self.work), "-e", str(self.work / "startup.log")]
        subprocess.run([*command, "-t", "-c", str(conf)], check=True, capture_output=True)  # noqa: S603
        log = self.work / "nginx.out"
        with log.open("wb") as sink:
            self.process = subprocess.Popen(  # noqa: S603 - the system nginx, our arguments
                [*command, "-c", str(conf)], stdout=sink, stderr=subprocess.STDOUT
            )
        wait_for("nginx", partial(answers_live, self.url), self.running, log)

    def drain(self, port: int, out: bool) -> None:
        """Take the instance on `port` out of rotation (or put it back): rewrite and reload.

        What an orchestrator does before stopping an instance; nginx reloads gracefully
        (old workers finish their requests), and SIGTERM then lets the instance finish its own.
        """
        if out:
            self.drained.add(port)
        else:
            self.drained.discard(port)
        self._write()
        if self.process is not None:
            self.process.send_signal(signal.SIGHUP)
        time.sleep(0.5)  # the new workers take over; the old ones finish what they hold

    def stop(self) -> None:
        """Graceful quit (SIGQUIT), then kill if it lingers."""
        if self.process is None or not self.running():
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(STOP_SECONDS)


def instance_env(
    *,
    postgres_url: str,
    # fusion:mysql begin
    mysql_url: str,
    # fusion:mysql end
    redis_url: str,
    run_name: str,
    key_file: Path,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """The environment every instance of one fleet shares (same servers, key, prefix)."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "POSTGRES_URL": postgres_url,
        # fusion:mysql begin
        "MYSQL_URL": mysql_url,
        # fusion:mysql end
        "REDIS_URL": redis_url,
        "REDIS_KEY_PREFIX": f"{run_name}:",
        # fusion:mongo begin
        # No MongoDB server here: each instance embeds its own (products are not shared,
        # so the fleet's writes are categories, which live in PostgreSQL).
        "MONGO_URL": "memory://",
        "MONGO_DATABASE": run_name,
        # fusion:mongo end
        "JWT_PRIVATE_KEY_FILE": str(key_file),
        "BCRYPT_ROUNDS": "4",
        "POOL_SIZE": "3",
        "MAX_OVERFLOW": "5",
        "TRUSTED_PROXIES": "127.0.0.1",
        "SERVER_GRACEFUL_TIMEOUT_SECONDS": "10",
        **(extra or {}),
    }


@dataclass
class RedisProcess(ChildProcess):
    """A throwaway redis-server or redis-sentinel on a loopback port (no persistence)."""

    name: str
    binary: str
    conf: str
    work: Path
    port: int = field(default_factory=free_port)
    process: "subprocess.Popen[bytes] | None" = None
    # A TLS-only server: `port` is its tls-port, and no plain port is opened.
    tls: bool = False

    def start(self) -> None:
        """Write its configuration and start it; wait until it answers (PING, or a TLS port)."""
        self.work.mkdir(parents=True, exist_ok=True)
        conf = self.work / f"{self.name}.conf"
        listen = f"port 0\ntls-port {self.port}" if self.tls else f"port {self.port}"
        base = f'{listen}\nbind 127.0.0.1\ndir {self.work}\nsave ""\nappendonly no\n'
        conf.write_text(base + self.conf.format(port=self.port))
        log = self.work / f"{self.name}.log"
        with log.open("wb") as sink:
            self.process = subprocess.Popen(  # noqa: S603 - the system's redis binaries
                [self.binary, str(conf)], stdout=sink, stderr=subprocess.STDOUT
            )
        wait_for(self.name, self.accepts if self.tls else self.answers, self.running, log)

    def accepts(self) -> bool:
        """Whether its port accepts connections (a TLS server answers nothing in clear)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def answers(self) -> bool:
        """Whether it answers PING."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as connection:
                connection.sendall(b"PING\r\n")
                return connection.recv(16).startswith(b"+PONG")
        except OSError:
            return False


def redis_binary(name: str) -> str:
    """`redis-server` or `redis-sentinel` (Debian packages; `nox -s failover` installs them)."""
    found = shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} is not installed: `apt-get install -y redis-sentinel`")
    return found
