"""SMTP for the tests: an aiosmtpd server (Debian's python3-aiosmtpd) in this process that
records every message it accepts, and a probe for a server's greeting.

    python3 -m support.smtp greets PORT    exit 0 when 127.0.0.1:PORT answers 220
"""
import collections
import email
import email.policy
import socket
import sys
import threading

from support.ports import LOOPBACK, free_port

Received = collections.namedtuple("Received", "message_id recipients subject")


class Recorder:
    """An aiosmtpd handler that records each message it accepts (thread-safe)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self._messages.append(Received(str(message["Message-ID"] or ""),
                                           tuple(envelope.rcpt_tos),
                                           str(message["Subject"] or "")))
        return "250 OK"

    def messages(self):
        """What was received so far: Received(message_id, recipients, subject), in order."""
        with self._lock:
            return list(self._messages)


class SmtpServer:
    """aiosmtpd with a Recorder on 127.0.0.1:PORT (a free one by default), running from
    construction until stop(); also a context manager."""

    def __init__(self, port=None):
        from aiosmtpd.controller import Controller  # only the tests that use it need aiosmtpd

        self.port = port or free_port()
        self.recorder = Recorder()
        self._controller = Controller(self.recorder, hostname=LOOPBACK, port=self.port)
        self._controller.start()

    def messages(self):
        return self.recorder.messages()

    def stop(self):
        if self._controller:
            self._controller.stop()
            self._controller = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def greets(port, timeout=2):
    """Whether an SMTP server answers 220 on 127.0.0.1:PORT (and then says QUIT)."""
    try:
        with socket.create_connection((LOOPBACK, port), 1) as s:
            s.settimeout(timeout)
            ok = s.recv(3) == b"220"
            s.sendall(b"QUIT\r\n")
            return ok
    except OSError:
        return False


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "greets":
        sys.exit(__doc__)
    sys.exit(0 if greets(int(sys.argv[2])) else 1)
