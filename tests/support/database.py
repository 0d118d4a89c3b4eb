"""The database of a test: a new SQLite file, or a new database on the PostgreSQL server the
suite runs (TILSYN_TEST_PG_URL, started by scripts/test or scripts/pg-test-server).
"""
import os
import secrets
import subprocess
import urllib.parse

from support.check import skip_unless_required


def backend_url(argument):
    """The backend a test was asked for: "sqlite", or a PostgreSQL server URL.

    "postgres" means the server of TILSYN_TEST_PG_URL; when that is unset the script exits 77
    (skipped), or 1 when TILSYN_REQUIRE_POSTGRES=1. A postgresql:// URL is taken as it is.
    """
    if argument != "postgres":
        return argument
    url = os.environ.get("TILSYN_TEST_PG_URL", "")
    if not url:
        skip_unless_required("no PostgreSQL server (TILSYN_TEST_PG_URL unset)",
                             "TILSYN_REQUIRE_POSTGRES",
                             "start one with scripts/pg-test-server start DIR")
    return url


class Database:
    """A fresh database: `sqlite:DIRECTORY/NAME.db`, or on a PostgreSQL server a new database
    with a unique name (so that concurrent runs can share the server), dropped by drop()."""

    def __init__(self, backend, directory, name="tilsyn"):
        self.admin_url = None
        self.pg_name = None
        self.path = None
        if backend == "sqlite":
            self.path = os.path.join(directory, name + ".db")
            self.url = "sqlite:" + self.path
        else:
            self.admin_url = backend
            self.pg_name = f"{name}_{secrets.token_hex(4)}"
            self.psql(f"CREATE DATABASE {self.pg_name}")
            parts = urllib.parse.urlsplit(backend)
            self.url = urllib.parse.urlunsplit(parts._replace(path="/" + self.pg_name))

    def psql(self, sql):
        """Runs SQL on the server through the URL it was given (its own database)."""
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", self.admin_url, "-c", sql],
                       check=True, capture_output=True)

    def drop(self):
        """Drops a PostgreSQL database (best effort); a SQLite file goes with its folder."""
        if self.pg_name:
            try:
                self.psql(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
            except subprocess.CalledProcessError:
                pass
            self.pg_name = None
