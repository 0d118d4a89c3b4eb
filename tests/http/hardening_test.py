#!/usr/bin/env python3
"""The attacks of issue 15 against a real `tilsyn serve`, each a regression test: 600 idle
keep-alive connections and 600 half-sent headers while /healthz keeps answering 200; a hidden
second request in a body framed by a Transfer-Encoding other than `chunked`; 1,000 spellings of
one listing sharing one cache entry, with serve's memory bounded; a repeated query parameter;
and a guesser of tokens logged, counted and slowed down.

Usage: hardening_test.py TILSYN_BINARY
"""
import os
import random
import re
import socket
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fixture import Server  # noqa: E402
from support import api  # noqa: E402

SERVER = None


def setUpModule():
    global SERVER
    SERVER = Server(sys.argv[1], "sqlite")


def tearDownModule():
    if SERVER:
        SERVER.close()


def healthz_status():
    status, _, _ = api.request(SERVER.port, "GET", "/healthz", timeout=5)
    return status


def rss_kib():
    with open(f"/proc/{SERVER.serve.process.pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def metric(name):
    _, _, text = api.request(SERVER.port, "GET", "/metrics")
    return int(re.search(rf"^{name} (\d+)$", text, re.M).group(1))


def raw_exchange(data, timeout=10):
    """Sends raw bytes on a new connection; everything the server answers until it closes."""
    with socket.create_connection((api.HOST, SERVER.port), timeout=timeout) as s:
        s.sendall(data)
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return received
            received += chunk


class Connections(unittest.TestCase):
    def hold(self, count, payload):
        sockets = []
        try:
            for _ in range(count):
                s = socket.create_connection((api.HOST, SERVER.port), timeout=10)
                if payload:
                    s.sendall(payload)
                sockets.append(s)
            return sockets
        except Exception:
            for s in sockets:
                s.close()
            raise

    def test_600_idle_keep_alive_connections_leave_healthz_answering(self):
        request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
        sockets = self.hold(600, request)
        try:
            for _ in range(3):
                self.assertEqual(healthz_status(), 200)
        finally:
            for s in sockets:
                s.close()

    def test_600_half_sent_headers_leave_healthz_answering(self):
        sockets = self.hold(600, b"GET /api/v1/cycles HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        try:
            for _ in range(3):
                self.assertEqual(healthz_status(), 200)
        finally:
            for s in sockets:
                s.close()


class Framing(unittest.TestCase):
    HIDDEN = b"GET /api/v1/me HTTP/1.1\r\nHost: x\r\n\r\n"

    def test_a_body_framed_other_than_chunked_is_refused_and_hides_no_request(self):
        body = self.HIDDEN
        for coding in [b"Transfer-Encoding: identity\r\nContent-Length: %d\r\n" % len(body),
                       b"Transfer-Encoding: gzip, chunked\r\n",
                       b"Transfer-Encoding: chunked, identity\r\n",
                       b"Transfer-Encoding: xchunked\r\n",
                       b"Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n",
                       b"Transfer-Encoding: chunked\r\nContent-Length: 3\r\n"]:
            answer = raw_exchange(b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\n" + coding +
                                  b"\r\n" + body)
            statuses = re.findall(rb"^HTTP/1\.1 (\d{3})", answer, re.M)
            self.assertEqual(statuses, [b"400"], (coding, answer[:300]))

    def test_chunked_still_works(self):
        answer = raw_exchange(b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\n"
                              b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                              b"2\r\n{}\r\n0\r\n\r\n")
        self.assertEqual(re.findall(rb"^HTTP/1\.1 (\d{3})", answer, re.M), [b"401"])


class Listings(unittest.TestCase):
    def spelling(self, rng):
        """One spelling of `area=syd&overdue=true`: order and percent-escapes vary."""
        def escape(text):
            return "".join(f"%{ord(c):02X}" if rng.random() < 0.5 else c for c in text)
        parts = [f"{escape('area')}={escape('syd')}", f"{escape('overdue')}={escape('true')}"]
        rng.shuffle(parts)
        return "/api/v1/cycles?" + "&".join(parts)

    def test_1000_spellings_of_one_listing_share_one_cache_entry(self):
        token = SERVER.tokens["director"]
        rng = random.Random(15)
        first = api.request(SERVER.port, "GET", "/api/v1/cycles?area=syd&overdue=true", token)
        self.assertEqual(first[0], 200)
        before_bytes = metric("tilsyn_listing_cache_bytes")
        before_rss = rss_kib()
        conn = api.connect(SERVER.port)
        try:
            for _ in range(1000):
                status, _, body = api.request(SERVER.port, "GET", self.spelling(rng), token,
                                              connection=conn)
                self.assertEqual((status, body), (200, first[2]))
        finally:
            conn.close()
        self.assertEqual(metric("tilsyn_listing_cache_bytes"), before_bytes)
        self.assertLess(rss_kib() - before_rss, 4 * 1024)  # KiB: no growth per spelling

    def test_a_repeated_query_parameter_is_400(self):
        status, body = SERVER.api("GET", "/api/v1/cycles?area=syd&area=nord", "director")
        self.assertEqual(status, 400)
        self.assertEqual((body["error"], body["field"]), ("bad_value", "area"))


class Guessing(unittest.TestCase):
    def test_zz_bad_tokens_are_logged_without_the_secret_counted_and_slowed(self):
        guess = "tls_" + "ab" * 32
        failed = metric("tilsyn_sign_ins_failed_total")
        statuses = [api.request(SERVER.port, "GET", "/api/v1/me", guess)[0] for _ in range(10)]
        self.assertEqual(statuses, [401] * 10)
        self.assertEqual(metric("tilsyn_sign_ins_failed_total"), failed + 10)
        status, headers, body = api.request(SERVER.port, "GET", "/api/v1/me", guess)
        self.assertEqual(status, 429)
        self.assertIn('"too_many_attempts"', body)
        self.assertGreaterEqual(int(headers["retry-after"]), 1)
        # The dashboard's login is slowed for the same address, even with a good token.
        status, _, page = api.request(SERVER.port, "POST", "/login",
                                      body="token=" + SERVER.tokens["director"],
                                      headers={"Content-Type":
                                               "application/x-www-form-urlencoded"})
        self.assertEqual(status, 429)
        self.assertIn("For mange forkerte forsøg", page)
        self.assertGreaterEqual(metric("tilsyn_sign_ins_slowed_total"), 2)
        log = SERVER.serve.log_tail(200000)
        self.assertIn("sign-in refused from 127.0.0.1 at /api/v1/me", log)
        self.assertNotIn(guess, log)
        self.assertNotIn(guess[4:20], log)
        time.sleep(int(headers["retry-after"]) + 0.2)  # the wait is real time for a client
        self.assertEqual(SERVER.api("GET", "/api/v1/me", "director")[0], 200)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
