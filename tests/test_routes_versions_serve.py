"""Real `ivr serve` servers on one records database follow `ivr routes publish` and `rollback`
within 2 seconds, and keep serving the last good version while the database is away."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from helpers import ROOT, ROUTES, Served, fetch_health, post_voice, served_together, wait_for
from records_helpers import database  # noqa: F401

GREETING = "迷惑メール相談のご案内です。"
NEW_GREETING = "迷惑メール相談の、新しいご案内です。"
SHIPPED = ROUTES.read_text("utf-8")
FOLLOW_WITHIN = 2.0  # seconds from a publish to every worker of every server serving it


def server_env(database: str) -> dict[str, str]:
    """The server's settings for a records database URL (SQLite as IVR_RECORDS_DB)."""
    if database.startswith("sqlite:///"):
        return {"IVR_RECORDS_DB": database.removeprefix("sqlite:///")}
    return {"DATABASE_URL": database}


def ivr(database: str, *args: str) -> subprocess.CompletedProcess:
    """`ivr routes …` as an operator runs it, against `database`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "IVR_RECORDS_DB")}
    return subprocess.run([sys.executable, "-m", "ivr", "routes", *args, "--database", database],
                          capture_output=True, text=True, timeout=120, env=env)


def published_at(database: str) -> float:
    """When the last publish or rollback was made, on this process's monotonic clock."""
    from ivr.records.database import make_engine
    from ivr.records.versions import VersionStore

    engine = make_engine(database)
    try:
        at = VersionStore(engine).audit(limit=1)[0].at.timestamp()
    finally:
        engine.dispose()
    return time.monotonic() - (time.time() - at)


def greeting(server: Served) -> str:
    return post_voice(server.port)


def follow(servers: list[Served], words: str, since: float) -> list[float]:
    """Seconds from `since` (the publish) until each server answers with `words`; then, from
    FOLLOW_WITHIN after `since` on, every answer of every server (whichever worker takes it) must."""
    lags = []
    for server in servers:
        wait_for(lambda s=server: words in greeting(s), 10)
        lags.append(round(time.monotonic() - since, 2))
    time.sleep(max(0.0, since + FOLLOW_WITHIN - time.monotonic()))
    for server in servers:
        answers = [greeting(server) for _ in range(24)]
        assert all(words in a for a in answers), f"a worker still serves the old routes {lags}"
    print(f"followed in {lags} s")
    return lags


@pytest.fixture
def files(tmp_path) -> dict[str, Path]:
    edited = tmp_path / "edited.yaml"
    edited.write_text(SHIPPED.replace(f"greeting: {GREETING}", f"greeting: {NEW_GREETING}"), "utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(SHIPPED.replace("        desk: ipa\n", "        desk: ipa_\n", 1), "utf-8")
    seed = tmp_path / "routes.yaml"
    seed.write_text(SHIPPED, "utf-8")
    return {"edited": edited, "broken": broken, "seed": seed}


def test_two_servers_follow_a_publish_and_a_rollback(database, files, tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    env = server_env(database)
    with served_together(Served(tmp_path / "a", files["seed"], **env),
                         Served(tmp_path / "b", files["seed"], **env)) as servers:
        assert [fetch_health(s.port)["routes"]["version"] for s in servers] == [1, 1]
        published = ivr(database, "publish", str(files["edited"]), "-m", "あいさつを変更")
        assert published.returncode == 0, published.stderr
        since = published_at(database)
        assert published.stdout.startswith("published version 2 ")
        follow(servers, NEW_GREETING, since)
        assert [fetch_health(s.port)["routes"]["version"] for s in servers] == [2, 2]

        refused = ivr(database, "publish", str(files["broken"]), "-m", "ipa の修正")
        assert refused.returncode == 1 and "unknown desk 'ipa_'" in refused.stderr
        time.sleep(FOLLOW_WITHIN)
        assert all(NEW_GREETING in greeting(s) for s in servers for _ in range(6))
        assert [fetch_health(s.port)["routes"]["version"] for s in servers] == [2, 2]

        rolled = ivr(database, "rollback", "1", "-m", "元に戻す")
        assert rolled.returncode == 0, rolled.stderr
        since = published_at(database)
        follow(servers, GREETING, since)
        assert [fetch_health(s.port)["routes"]["version"] for s in servers] == [1, 1]
        history = ivr(database, "history").stdout.splitlines()
        assert history[1].split()[0] == "2" and history[2].split()[:2] == ["*", "1"]
        audit = [line.split()[3:7] for line in ivr(database, "audit").stdout.splitlines()[1:]]
        assert audit == [["rollback", "2", "->", "1"], ["refused", "2", "kept", "ipa"],
                         ["publish", "1", "->", "2"], ["publish", "-", "->", "1"]]
        for server in servers:
            assert "Traceback" not in server.log()


def test_a_database_moved_away_keeps_the_last_version_serving(files, tmp_path):
    """SQLite: the records' folder is moved away and back, while two workers serve."""
    folder = tmp_path / "db"
    folder.mkdir()
    database = f"sqlite:///{folder / 'records.sqlite3'}"
    (tmp_path / "serve").mkdir()
    with Served(tmp_path / "serve", files["seed"], **server_env(database)) as server:
        assert ivr(database, "publish", str(files["edited"]), "-m", "two").returncode == 0
        follow([server], NEW_GREETING, time.monotonic())
        folder.rename(tmp_path / "away")
        away = wait_for(lambda: fetch_health(server.port)["published"]["error"], 5)
        assert away["error"] == "the database cannot be reached"  # never the path: the log has it
        for _ in range(20):
            assert NEW_GREETING in greeting(server)
        assert fetch_health(server.port)["routes"]["version"] == 2
        # New workers (SIGHUP) serve the version served last, not the one read at boot.
        before = set(server.workers())
        server.process.send_signal(signal.SIGHUP)
        wait_for(lambda: len(set(server.workers()) - before) == 2, 20)
        for _ in range(20):
            assert NEW_GREETING in greeting(server)
        assert fetch_health(server.port)["routes"]["version"] == 2
        (tmp_path / "away").rename(folder)
        wait_for(lambda: fetch_health(server.port)["published"]["error"] is None, 5)
        assert ivr(database, "rollback", "1", "-m", "back").returncode == 0
        follow([server], GREETING, time.monotonic())


def test_a_stopped_database_keeps_the_last_version_serving(files, tmp_path):
    """PostgreSQL: the database server stops and starts again, while two workers serve."""
    sys.path.insert(0, str(ROOT / "loadtest"))
    import pgserver

    if pgserver.binaries() is None:
        pytest.skip("PostgreSQL is not installed (.ci/setup.d/postgres.sh installs it)")
    postgres = pgserver.PostgresServer()
    try:
        (tmp_path / "serve").mkdir()
        with Served(tmp_path / "serve", files["seed"], **server_env(postgres.url)) as server:
            assert ivr(postgres.url, "publish", str(files["edited"]), "-m", "two").returncode == 0
            follow([server], NEW_GREETING, time.monotonic())
            postgres.stop_server()
            away = wait_for(lambda: fetch_health(server.port)["published"]["error"], 5)
            assert away["error"]
            for _ in range(20):
                assert NEW_GREETING in greeting(server)
            assert fetch_health(server.port)["routes"]["version"] == 2
            postgres.start()
            wait_for(lambda: fetch_health(server.port)["published"]["error"] is None, 10)
            assert ivr(postgres.url, "rollback", "1", "-m", "back").returncode == 0
            follow([server], GREETING, time.monotonic())
    finally:
        postgres.stop()


class StallingProxy:
    """A TCP relay to PostgreSQL that can stop passing bytes, as a database that hangs does."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.flowing = threading.Event()
        self.flowing.set()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                self.flowing.wait()
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.flowing.set()
        self.listener.close()
        for end in self.sockets:
            end.close()


@pytest.fixture
def postgresql():
    """A fresh schema in the CI's PostgreSQL (skipped without one)."""
    from records_helpers import postgres_url

    yield from postgres_url()


def test_a_database_that_hangs_never_holds_a_call(files, tmp_path, postgresql):
    """PostgreSQL stops answering (packets go nowhere): calls are answered as fast as before,
    /healthz says the database does not answer, and a publish is followed once it does."""
    from sqlalchemy.engine import make_url

    real = make_url(postgresql)
    proxy = StallingProxy((real.host, real.port or 5432))
    through = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        (tmp_path / "serve").mkdir()
        with Served(tmp_path / "serve", files["seed"], **server_env(through)) as server:
            proxy.flowing.clear()
            stalled = time.monotonic()
            slowest = 0.0
            while time.monotonic() - stalled < 6:
                started = time.monotonic()
                assert GREETING in greeting(server)
                slowest = max(slowest, time.monotonic() - started)
                time.sleep(0.05)
            assert slowest < 1.0, f"a call waited {slowest:.2f} s on the database"
            assert wait_for(lambda: fetch_health(server.port)["published"]["error"], 10)
            proxy.flowing.set()
            assert ivr(postgresql, "publish", str(files["edited"]), "-m", "two").returncode == 0
            since = time.monotonic()
            wait_for(lambda: NEW_GREETING in greeting(server), 15)
            print(f"followed {time.monotonic() - since:.1f} s after the database answered again")
    finally:
        proxy.close()
