"""`tilsyn serve` as a test drives it: started (and restarted) on a loopback port, killed with
SIGKILL, stopped with SIGTERM. Its stdout and stderr are appended to files, so that a restart
keeps the earlier runs' output.
"""
import os
import re
import signal
import subprocess
import time

# What serve logs once its HTTP server is bound (adapters/daemon/serve.cpp).
LISTENING = re.compile(r"HTTP API and dashboard on http://127\.0\.0\.1:(\d+)/")


class ServeError(AssertionError):
    """serve did not start listening."""


class Serve:
    """One `tilsyn serve` process at a time.

    tilsyn: a support.cli.Tilsyn (binary, configuration, database). listen: the address; the
    default port 0 lets serve choose, `port` and `url` say which after start(). node: a stable
    node name (--node), as a deployment gives each host. Output goes to DIRECTORY/NAME.out and
    NAME.err; serve runs in DIRECTORY, so relative paths of the configuration resolve there.
    """

    def __init__(self, tilsyn, directory, listen="127.0.0.1:0", node=None, name="serve"):
        self.tilsyn = tilsyn
        self.directory = directory
        self.listen = listen
        self.node = node
        self.stdout_path = os.path.join(directory, name + ".out")
        self.stderr_path = os.path.join(directory, name + ".err")
        self.process = None
        self.port = None
        self.url = None

    def start(self, timeout=60):
        """Starts serve and waits until it listens; returns what it printed on stdout in the
        meantime (the administrator's token on a database's first run). ServeError, with the
        end of its log, when it exits or does not listen within `timeout` seconds."""
        out_offset = _size(self.stdout_path)
        err_offset = _size(self.stderr_path)
        args = ["--listen", self.listen] + (["--node", self.node] if self.node else [])
        with open(self.stdout_path, "a") as out, open(self.stderr_path, "a") as err:
            self.process = subprocess.Popen(self.tilsyn.command("serve", *args), stdout=out,
                                            stderr=err, cwd=self.directory)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = LISTENING.search(_read_from(self.stderr_path, err_offset))
            if match:
                self.port = int(match.group(1))
                self.url = f"http://127.0.0.1:{self.port}"
                return _read_from(self.stdout_path, out_offset)
            if self.process.poll() is not None:
                break
            time.sleep(0.02)
        raise ServeError("serve did not start listening:\n" + self.log_tail())

    @property
    def running(self):
        return self.process is not None and self.process.poll() is None

    def kill9(self):
        """SIGKILL, and waits for it."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self, timeout=60):
        """SIGTERM; returns serve's exit status, or None when it had to be killed after
        `timeout` seconds (or was not running)."""
        if self.process is None:
            return None
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            code = None
        self.process = None
        return code

    def close(self):
        """Kills serve if it still runs (for `finally:` blocks)."""
        if self.running:
            self.process.kill()
            self.process.wait()
        self.process = None

    def log_tail(self, chars=4000):
        """The end of what serve wrote on stderr (its log)."""
        text = _read_from(self.stderr_path, 0)
        return text[-chars:]


def _size(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _read_from(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
