"""A throw-away PostgreSQL cluster for the hub's tests, and the ``hub_store`` parameter (SQLite, PostgreSQL).

One cluster per test session (per pytest-xdist worker), started on first need
on a Unix socket in a temporary folder (no TCP port), with fsync off (it is
thrown away). PostgreSQL refuses to run as root: as root (here and in CI) the
cluster is made and run by the ``postgres`` user (``runuser``) in a folder it
owns. Each test gets a database of its own, copied from a migrated template
(``CREATE DATABASE … TEMPLATE``: a few milliseconds). No PostgreSQL installed
fails the tests that need it, saying what to install; nothing is skipped.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

TEMPLATE = "hub_template"
WAIT = "600"
"""Seconds initdb and pg_ctl may take before the tests give up: a guard against a hang, never a verdict. On a
busy machine (two cores, several suites at once) a cluster's start took 57 s, against pg_ctl's own default of 60."""

INSTALL = "PostgreSQL is not installed: `apt-get install postgresql` (Debian 12: PostgreSQL 15); .ci/run does it"


def pg_bin() -> Path:
    """The folder of the newest PostgreSQL's programs (initdb, pg_ctl)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail(INSTALL, pytrace=False)
    return Path(found[-1]).parent


class PgCluster:
    """initdb + pg_ctl in a temporary folder; :meth:`url` of a database; :meth:`new_database` per test."""

    def __init__(self) -> None:
        self.bin = pg_bin()
        self.root = Path(tempfile.mkdtemp(prefix="desk-pg-"))  # short: a socket path has ~100 characters
        self.data = self.root / "data"
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        os.chmod(self.root, 0o700)
        self._numbers = itertools.count(1)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale", "-N")
        options = (
            f"-k {self.root} -c listen_addresses='' -F -c full_page_writes=off -c synchronous_commit=off"
            " -c max_connections=200 -c shared_buffers=32MB"
        )
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-l", log, "-w", "-t", WAIT, "-o", options, "start")
        import psycopg

        from db.pg import migrations

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            migrations.migrate(conn)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=int(WAIT) + 60, cwd=self.root)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            pytest.fail(f"{program} failed ({done.returncode}): {done.stderr or done.stdout}\n{tail}", pytrace=False)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def new_database(self) -> str:
        """A fresh migrated database's URL."""
        import psycopg

        name = f"hub_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        from desk.sync.store import close_pools

        close_pools()
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "-t", WAIT, "stop")
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_cluster():
    cluster = PgCluster()
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster):
    """A fresh hub database of its own for this test (its pools closed after it)."""
    from desk.sync.store import close_pools

    yield pg_cluster.new_database()
    close_pools()


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_store(request) -> str:
    """The ``[hub] database`` a test's hub gets: "" (the home's SQLite) or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return ""
    return request.getfixturevalue("pg_url")
