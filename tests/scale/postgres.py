"""A throwaway PostgreSQL server from Debian's package, on a free loopback port, for the
scale tests' run archive. PostgreSQL refuses to run as root: then it runs as ``postgres``."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from app.embedded_server import ServerStartError, free_port, stop_process_group

PG_BIN = Path("/usr/lib/postgresql/15/bin")
DATABASE = "runs"


@dataclass
class Postgres:
    url: str  # for SQLAlchemy (psycopg 3)
    dsn: str  # for psycopg itself
    process: subprocess.Popen
    folder: Path

    def stop(self) -> None:
        stop_process_group(self.process)
        shutil.rmtree(self.folder, ignore_errors=True)


def _as_owner(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def start_postgres(timeout: float = 60.0) -> Postgres:
    """initdb a fresh cluster in a temporary folder, start it, create the database."""
    folder = Path(tempfile.mkdtemp(prefix="pg-archive-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    subprocess.run(
        _as_owner([str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=folder,
    )
    port = free_port()
    command = [str(PG_BIN / "postgres"), "-D", str(data), "-p", str(port), "-k", str(sockets)]
    command += ["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"]
    process = subprocess.Popen(
        _as_owner(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True, cwd=folder,
    )  # fmt: skip
    dsn = f"host=127.0.0.1 port={port} user=postgres"
    deadline = time.monotonic() + timeout
    while True:
        try:
            with psycopg.connect(f"{dsn} dbname=postgres", autocommit=True) as connection:
                connection.execute(f"CREATE DATABASE {DATABASE}")
            break
        except psycopg.OperationalError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop_process_group(process)
                shutil.rmtree(folder, ignore_errors=True)
                raise ServerStartError(f"PostgreSQL did not start on port {port}") from None
            time.sleep(0.2)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/{DATABASE}"
    return Postgres(url, f"{dsn} dbname={DATABASE}", process, folder)
