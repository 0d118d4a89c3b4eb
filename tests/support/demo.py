"""The demo world, as `scripts/run` shows it: config/aarhus.yaml (with its mail going to a
folder of the test), a fresh SQLite database filled by scripts/demo-data, tokens for the people
a test logs in as, and `tilsyn serve` on a free loopback port.
"""
import os
import shutil
import subprocess
import tempfile

from support import SOURCE_DIR, api
from support.cli import Tilsyn, find_token
from support.config import SHIPPED_CONFIG, set_transport
from support.database import Database
from support.serve import Serve

DEMO_DATA = os.path.join(SOURCE_DIR, "scripts", "demo-data")

# Who scripts/demo-data leaves where (tests/cli/demo_data.sh checks the states).
OBSERVED = "boernehaven-skovbrynet"  # its dialogue waits for its observation by OBSERVER
OBSERVER = "boernehaven-trige-bakke"
OBSERVED_DIALOGUE = f"learning-dialogue/{OBSERVED}/2026-09-07"


def leader(institution):
    return (f"leder.{institution}@example.dk", "leader", "--institution", institution)


def board(institution):
    return (f"bestyrelse.{institution}@example.dk", "board", "--institution", institution)


# name -> (email, role, scope...): people of config/aarhus.yaml, each given a token.
PEOPLE = {
    "director": ("mette.holm@example.dk", "director"),
    "chief_nord": ("chief.nord@example.dk", "area_chief", "--area", "nord"),
    "leader_beder": leader("beder-skole"),  # a school under sharpened follow-up
    "board_beder": board("beder-skole"),
    "observer": leader(OBSERVER),
    "observed": leader(OBSERVED),
}


class DemoWorld:
    """The demo database served; `tokens` maps "admin" and each name of PEOPLE to a token."""

    def __init__(self, tilsyn):
        self.tmp = tempfile.mkdtemp(prefix="tilsyn-demo-")
        self.config = os.path.join(self.tmp, "aarhus.yaml")
        with open(SHIPPED_CONFIG, encoding="utf-8") as f:
            text = set_transport(f.read(), "file:mail")
        with open(self.config, "w", encoding="utf-8") as f:
            f.write(text)
        os.symlink(os.path.join(os.path.dirname(SHIPPED_CONFIG), "templates"),
                   os.path.join(self.tmp, "templates"))
        os.makedirs(os.path.join(self.tmp, "mail"))
        self.database = Database("sqlite", self.tmp, "demo")
        self.tilsyn = Tilsyn(tilsyn, self.config, self.database.url)
        self.tilsyn.run("migrate")
        demo = subprocess.run([DEMO_DATA, "--config", self.config, "--db", self.database.url],
                              capture_output=True, text=True, cwd=SOURCE_DIR,
                              env=dict(os.environ, TILSYN_BIN=self.tilsyn.binary))
        if demo.returncode != 0:
            raise AssertionError(f"scripts/demo-data: exit {demo.returncode}: {demo.stderr}")
        self.tokens = {"admin": find_token(demo.stdout.splitlines()[-1])}
        for name, (email, role, *scope) in PEOPLE.items():
            self.tokens[name] = self.tilsyn.add_user(email, role, *scope)
        self.serve = Serve(self.tilsyn, self.tmp)
        self.serve.start()

    @property
    def url(self):
        return self.serve.url

    def api(self, method, path, user, body=None):
        """A request as USER (a name of `tokens`); (status, the answer parsed as JSON)."""
        return api.call(self.serve.port, method, path, self.tokens[user], body)

    def close(self):
        self.serve.stop(timeout=30)
        self.database.drop()
        shutil.rmtree(self.tmp, ignore_errors=True)
