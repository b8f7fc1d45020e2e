"""A throw-away PostgreSQL server of the load test's own, on loopback, that it may restart.

Uses Debian's PostgreSQL binaries (/usr/lib/postgresql/*/bin, as `.ci/setup.d/postgres.sh`
installs them). As root, the server runs as the `postgres` user, which initdb requires.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from ivr.operators.server import free_port


def binaries() -> Path | None:
    """The newest PostgreSQL bin directory installed, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: [int(x) for x in p.split("/")[4].split(".") if x.isdigit()])
    return Path(found[-1]).parent if found else None


class PostgresServer:
    """initdb, start, restart and stop a server whose data lives in a scratch directory."""

    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL is not installed (.ci/setup.d/postgres.sh installs it)")
        self.dir = Path(tempfile.mkdtemp(prefix="ivr-loadtest-pg-"))
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run("initdb", "-D", str(self.dir / "data"), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--no-locale")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "ivr")
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ivr"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def _ctl(self, action: str, *extra: str) -> None:
        self._run("pg_ctl", "-D", str(self.dir / "data"), "-l", str(self.dir / "server.log"),
                  "-w", "-t", "60", *extra, action)

    def start(self) -> None:
        self._ctl("start", "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} "
                  "-c fsync=off")

    def stop_server(self) -> None:
        """Stop the server (fast: open connections are cut), keeping its data."""
        self._ctl("stop", "-m", "fast")

    def restart(self, down: float = 0.0) -> None:
        """Stop, stay down `down` seconds, start again."""
        self.stop_server()
        time.sleep(down)
        self.start()

    def processes(self) -> list[int]:
        """The postmaster's pid and those of every process it started."""
        postmaster = int((self.dir / "data" / "postmaster.pid").read_text().split()[0])
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # ended meanwhile
            if int(fields[1]) == postmaster:
                children.append(int(stat.parent.name))
        return [postmaster, *children]

    def pause(self) -> list[int]:
        """Stop every process of the server (SIGSTOP): connections stay open and nothing answers."""
        stopped = self.processes()
        for pid in stopped:
            os.kill(pid, signal.SIGSTOP)
        return stopped

    @staticmethod
    def resume(stopped: list[int]) -> None:
        """Let the processes `pause` stopped go on (SIGCONT)."""
        for pid in stopped:
            try:
                os.kill(pid, signal.SIGCONT)
            except ProcessLookupError:
                pass

    def stop(self) -> None:
        try:
            self._ctl("stop", "-m", "immediate")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)
