"""The `tilsyn` binary on one configuration and database."""
import os
import re
import subprocess

TOKEN = re.compile(r"tls_[0-9a-f]{64}")


def find_token(text):
    """The first API token (tls_ and 64 hex digits) in `text`, or None."""
    match = TOKEN.search(text)
    return match.group(0) if match else None


class Tilsyn:
    """Runs `tilsyn VERB --config CONFIG --db DB ...`."""

    def __init__(self, binary, config, db):
        self.binary = os.path.abspath(binary)
        self.config = config
        self.db = db

    def command(self, verb, *args):
        """The argument list of one command."""
        return [self.binary, verb, "--config", self.config, "--db", self.db, *args]

    def run(self, verb, *args, check=True, **kwargs):
        """Runs one command to its end and returns the CompletedProcess (text output). With
        check, an exit status other than 0 is an AssertionError naming the command and its
        stderr. Other keyword arguments go to subprocess.run (e.g. preexec_fn, timeout)."""
        result = subprocess.run(self.command(verb, *args), capture_output=True, text=True,
                                **kwargs)
        if check and result.returncode != 0:
            raise AssertionError(f"tilsyn {verb} {' '.join(args)}: exit {result.returncode}: "
                                 f"{result.stderr}")
        return result

    def add_user(self, email, role, *scope):
        """`user add`; returns the token it prints. scope: e.g. "--area", "syd"."""
        out = self.run("user", "add", "--email", email, "--role", role, *scope).stdout
        token = find_token(out)
        assert token, f"user add {email} printed no token: {out}"
        return token
