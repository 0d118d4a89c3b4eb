#!/usr/bin/env python3
"""Sessions in the database and access that follows the organisation, against real `serve`
processes: two nodes on one database (a session made on one works on the other; a restart keeps
it; logout on one ends it on both), login CSRF, and a person disabled by hand, removed from the
configuration (SIGHUP) or given a new token, losing the API, the dashboard, feeds and
`event --as` at once, with the data unchanged and the audit trail intact.

Usage: access_test.py TILSYN_BINARY sqlite|postgres
"""
import os
import re
import sys
import time
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fixture import Server  # noqa: E402
from support.database import backend_url  # noqa: E402
from support.serve import Serve  # noqa: E402

SERVER = None
NODE_B = None
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def setUpModule():
    global SERVER, NODE_B
    SERVER = Server(sys.argv[1], backend_url(sys.argv[2]))
    NODE_B = Serve(SERVER.tilsyn, SERVER.tmp, name="serve-b")
    NODE_B.start()


def tearDownModule():
    if NODE_B:
        NODE_B.close()
    if SERVER:
        SERVER.close()


def request(port, method, path, **kwargs):
    from support import api
    return api.request(port, method, path, **kwargs)


def login(port, user, origin=None):
    """POST /login with USER's token on the node at PORT; the session cookie ("name=value")."""
    headers = dict(FORM, **({"Origin": origin} if origin else {}))
    status, answer, body = request(port, "POST", "/login", body="token=" + SERVER.tokens[user],
                                   headers=headers)
    assert status == 303, (status, body[:300])
    return answer["set-cookie"].split(";")[0]


def page(port, cookie, path="/"):
    return request(port, "GET", path, headers={"Cookie": cookie})


def signed_in(port, cookie):
    status, headers, _ = page(port, cookie)
    if status == 303:
        assert headers["location"] == "/login", headers
        return False
    assert status == 200, status
    return True


def csrf_of(port, cookie):
    _, _, body = page(port, cookie)
    return re.search(r'name="csrf" value="([0-9a-f]{64})"', body).group(1)


def wait_for_log(serve, text, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in serve.log_tail(200000):
            return
        time.sleep(0.05)
    raise AssertionError(f"serve never logged {text!r}:\n{serve.log_tail()}")


class TwoNodes(unittest.TestCase):
    def test_a_session_is_seen_by_both_nodes_survives_a_restart_and_ends_on_both(self):
        a, b = SERVER.serve, NODE_B
        cookie = login(a.port, "chief_syd")
        self.assertTrue(signed_in(a.port, cookie))
        self.assertTrue(signed_in(b.port, cookie))  # made on A, works on B
        _, _, body = page(b.port, cookie)
        self.assertIn("Område Syd", body)

        self.assertEqual(SERVER.stop(), 0)
        SERVER.launch()
        self.assertTrue(signed_in(SERVER.serve.port, cookie))  # a restart keeps it

        status, _, _ = request(b.port, "POST", "/logout", body="csrf=" + csrf_of(b.port, cookie),
                               headers=dict(FORM, Cookie=cookie))
        self.assertEqual(status, 303)
        self.assertFalse(signed_in(b.port, cookie))
        self.assertFalse(signed_in(SERVER.serve.port, cookie))  # logout on B ends it on A

    def test_login_from_another_site_is_refused(self):
        port = SERVER.serve.port
        status, headers, body = request(port, "POST", "/login",
                                        body="token=" + SERVER.tokens["director"],
                                        headers=dict(FORM, Origin="http://evil.example"))
        self.assertEqual(status, 403)
        self.assertNotIn("set-cookie", headers)
        self.assertIn("anden hjemmeside", body)
        # Our own origin, and none (a form some browsers post without one), sign in.
        login(port, "director", origin=f"http://127.0.0.1:{port}")
        login(port, "director")


class AccessFollowsTheOrganisation(unittest.TestCase):
    def state(self, institution):
        status, answer = SERVER.api("GET", "/api/v1/cycles/" + SERVER.cycle[institution], "admin")
        self.assertEqual(status, 200)
        return answer["state"], len(answer["history"])

    def feed(self, email):
        out = SERVER.cli("feed", "create", "--email", email)
        url = re.search(r"http://\S+/feeds/[0-9a-f]{64}\.ics", out).group(0)
        return urllib.parse.urlsplit(url).path

    def event_as(self, email, institution):
        return SERVER.tilsyn.run("event", SERVER.cycle[institution], "report_submitted",
                                 "--as", email, check=False)

    def assert_no_access(self, user, cookie, feed, institution):
        port = SERVER.serve.port
        email = SERVER_USERS[user]
        status, _ = SERVER.api("GET", "/api/v1/me", user)
        self.assertEqual(status, 401)
        self.assertFalse(signed_in(port, cookie))
        self.assertFalse(signed_in(NODE_B.port, cookie))
        self.assertEqual(request(port, "GET", feed)[0], 404)
        before = self.state(institution)
        result = self.event_as(email, institution)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("deaktiveret", result.stderr)
        self.assertEqual(self.state(institution), before)  # the data as it was

    def test_disable_and_enable_by_hand(self):
        email = SERVER_USERS["leader_frydenlund"]
        cookie = login(SERVER.serve.port, "leader_frydenlund")
        feed = self.feed(email)
        self.assertEqual(request(SERVER.serve.port, "GET", feed)[0], 200)
        out = SERVER.cli("user", "disable", "--email", email)
        self.assertIn("disabled", out)
        self.assert_no_access("leader_frydenlund", cookie, feed, "frydenlund")
        self.assertIn("already disabled", SERVER.cli("user", "disable", "--email", email))

        SERVER.cli("user", "enable", "--email", email)
        self.assertEqual(SERVER.api("GET", "/api/v1/me", "leader_frydenlund")[0], 200)
        self.assertEqual(request(SERVER.serve.port, "GET", feed)[0], 200)
        self.assertFalse(signed_in(SERVER.serve.port, cookie))  # ended for good
        self.assertIn("audit trail intact", SERVER.cli("audit", "verify"))

    def test_a_new_token_ends_the_sessions(self):
        cookie = login(SERVER.serve.port, "board_frydenlund")
        self.assertTrue(signed_in(NODE_B.port, cookie))
        out = SERVER.cli("user", "token", "--email", SERVER_USERS["board_frydenlund"])
        old = SERVER.tokens["board_frydenlund"]
        SERVER.tokens["board_frydenlund"] = re.search(r"tls_[0-9a-f]{64}", out).group(0)
        self.assertFalse(signed_in(SERVER.serve.port, cookie))
        self.assertFalse(signed_in(NODE_B.port, cookie))
        status, _, _ = request(SERVER.serve.port, "GET", "/api/v1/me", token=old)
        self.assertEqual(status, 401)
        self.assertEqual(SERVER.api("GET", "/api/v1/me", "board_frydenlund")[0], 200)

    def test_zz_removed_from_the_configuration_on_sighup(self):
        email = SERVER_USERS["leader_nordskole"]
        cookie = login(SERVER.serve.port, "leader_nordskole")
        feed = self.feed(email)
        self.assertEqual(SERVER.api("GET", "/api/v1/me", "leader_nordskole")[0], 200)
        with open(SERVER.config, encoding="utf-8") as f:
            text = f.read()
        with open(SERVER.config, "w", encoding="utf-8") as f:
            f.write(text.replace(email, "ny.leder.nordskole@example.dk"))
        SERVER.serve.process.send_signal(1)  # SIGHUP
        wait_for_log(SERVER.serve, f"{email} (leader) is gone from the configuration: disabled")
        self.assert_no_access("leader_nordskole", cookie, feed, "nordskole")
        # `migrate` on the same configuration finds nothing more to do.
        self.assertIn("0 disabled", SERVER.cli("migrate"))
        self.assertIn("audit trail intact", SERVER.cli("audit", "verify"))


SERVER_USERS = {}

if __name__ == "__main__":
    from fixture import USERS
    SERVER_USERS.update({name: user[0] for name, user in USERS.items()})
    unittest.main(argv=sys.argv[:1], verbosity=2)
