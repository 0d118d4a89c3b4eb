"""Documents on events over real HTTP against a real `tilsyn serve`: uploads through the API
(multipart/form-data) read back byte for byte, every bad input refused in Danish with the
database as it was, downloads only within reach and always as an attachment, `audit verify`
proving every stored file (and naming the one whose chunk was altered), and the public page of
published plans with its JSON and Atom feed showing exactly the file the area chief approved.

usage: documents_test.py PATH/TO/tilsyn sqlite|postgres
"""
import hashlib
import http.client
import json
import os
import random
import socket
import sqlite3
import subprocess
import sys
import unittest
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
import fixture  # noqa: E402  (tests/http/fixture.py, beside this script)
from support import api  # noqa: E402
from support.database import backend_url  # noqa: E402
from support.words import danish_problem  # noqa: E402

SERVER = None
PUBLIC = "/kommune/planer"  # publication.path of this test's configuration
ATOM = "{http://www.w3.org/2005/Atom}"


def pdf(size, seed):
    """A PDF (by its content) of `size` bytes: a header, random bytes, an end marker."""
    rng = random.Random(seed)
    head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
    tail = b"\n%%EOF\n"
    return head + rng.randbytes(size - len(head) - len(tail)) + tail


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b'<script>alert(1)</script></svg>\n')


def setUpModule():
    global SERVER
    SERVER = fixture.Server(sys.argv[1], BACKEND)
    # Small limits, so that "over the limit" is quick to send; and the public page's path.
    with open(SERVER.config, "a", encoding="utf-8") as f:
        f.write("documents:\n  max_file_mb: 1\n  max_event_mb: 2\n  max_files: 4\n"
                f"publication:\n  path: {PUBLIC}\n  title: Udviklingsplaner i Testkommune\n"
                "  supervision_cases: true\n")
    SERVER.stop()
    SERVER.launch()


def tearDownModule():
    if SERVER:
        SERVER.close()


def multipart(fields, files, boundary="----tilsyn-test-7f3a"):
    """A multipart/form-data body: fields {name: text}, files [(field, filename bytes, data)]."""
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n"
                .encode() + value.encode() + b"\r\n")
    for field, filename, data in files:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\""
                .encode() + filename + b"\"\r\nContent-Type: application/pdf\r\n\r\n" + data +
                b"\r\n")
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def raw(method, path, user=None, body=None, headers=None):
    """One request; (status, headers with lower-case names, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=60)
    sent = dict(headers or {})
    if user:
        sent["Authorization"] = "Bearer " + SERVER.tokens[user]
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def upload(institution, user, event, files, data=None, cycle=None):
    """POSTs an event with documents; (status, answer as JSON)."""
    fields = {"event": event}
    if data is not None:
        fields["data"] = json.dumps(data)
    body, content_type = multipart(fields, files)
    status, _, answer = raw("POST", f"/api/v1/cycles/{cycle or SERVER.cycle[institution]}/events",
                            user, body, {"Content-Type": content_type})
    return status, json.loads(answer)


def sql(query):
    """Runs SQL on the test's database; the rows."""
    if SERVER.database.path:
        with sqlite3.connect(SERVER.database.path) as db:
            return db.execute(query).fetchall()
    out = subprocess.run(["psql", "-qAt", "-F", "\t", SERVER.db, "-c", query], check=True,
                         capture_output=True, text=True).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def snapshot():
    """What an upload would change: documents, chunks, the audit trail, the states."""
    return (sql("SELECT COUNT(*) FROM documents"), sql("SELECT COUNT(*) FROM document_chunks"),
            sql("SELECT COUNT(*) FROM events"), sql("SELECT id, state FROM cycles ORDER BY id"))


class Uploads(unittest.TestCase):

    def assert_refused(self, status, answer, expected_status, code):
        self.assertEqual(status, expected_status, answer)
        self.assertEqual(answer["error"], code, answer)
        self.assertIsNone(danish_problem(answer["message"]), answer)

    def test_a_report_with_two_documents_reads_back_byte_for_byte(self):
        report = pdf(900_000, 1)  # four chunks
        status, answer = upload("frydenlund", "leader_frydenlund", "report_submitted",
                                [("dokument", "Kvalitetsrapport 2026.pdf".encode(), report),
                                 ("dokument", "Forside æøå.png".encode(), PNG)])
        self.assertEqual(status, 200, answer)
        self.assertEqual(answer["state"], "AwaitingBoardStatement")
        docs = answer["documents"]
        self.assertEqual([d["name"] for d in docs], ["Kvalitetsrapport 2026.pdf", "Forside æøå.png"])
        self.assertEqual([d["type"] for d in docs], ["application/pdf", "image/png"])
        self.assertEqual([d["size"] for d in docs], [len(report), len(PNG)])
        self.assertEqual([d["sha256"] for d in docs],
                         [hashlib.sha256(report).hexdigest(), hashlib.sha256(PNG).hexdigest()])
        # The audit entry records them.
        _, detail = SERVER.api("GET", "/api/v1/cycles/" + SERVER.cycle["frydenlund"], "chief_syd")
        self.assertEqual([d["id"] for d in detail["documents"]], [d["id"] for d in docs])
        for document, content in zip(docs, [report, PNG]):
            for user in ["leader_frydenlund", "board_frydenlund", "chief_syd", "director", "admin"]:
                status, headers, body = raw("GET", document["url"], user)
                self.assertEqual(status, 200, user)
                self.assertEqual(body, content, (user, document["name"]))
                self.assertEqual(headers["content-type"], document["type"])
                self.assertEqual(headers["x-content-type-options"], "nosniff")
                self.assertTrue(headers["content-disposition"].startswith("attachment;"))
                self.assertIn("filename*=UTF-8''", headers["content-disposition"])
                self.assertEqual(int(headers["content-length"]), len(content))
        status, _, _ = raw("GET", docs[0]["url"], "chief_nord")
        self.assertEqual(status, 404, "an area chief of another area")
        status, _, _ = raw("GET", docs[0]["url"], "leader_nordskole")
        self.assertEqual(status, 404, "another tilbud's leader")
        status, _, _ = raw("GET", docs[0]["url"])
        self.assertEqual(status, 401, "no token")
        status, _, _ = raw("GET", docs[0]["url"].replace("/documents/", "/documents/9"), "admin")
        self.assertEqual(status, 404, "no such document")
        # The public page never serves a report.
        status, _, _ = raw("GET", f"{PUBLIC}/dokumenter/{docs[0]['id']}")
        self.assertEqual(status, 404)

        # A name with a quote and a semicolon comes back as one safe file name.
        status, answer = upload("frydenlund", "leader_frydenlund", "board_statement_submitted",
                                [("dokument", b'Udtalelse \\"endelig\\"; v2.pdf', pdf(5000, 2))],
                                {"assessment": "Godt arbejde.", "on_behalf_of_board": True})
        self.assertEqual(status, 200, answer)
        status, headers, _ = raw("GET", answer["documents"][0]["url"], "leader_frydenlund")
        self.assertEqual(status, 200)
        disposition = headers["content-disposition"]
        self.assertIn('filename="Udtalelse _endelig__ v2.pdf"', disposition)
        self.assertEqual(disposition.count(";"), 2, disposition)

        # audit verify proves every stored file...
        out = SERVER.tilsyn.run("audit", "verify", check=False)
        self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        self.assertRegex(out.stdout, r"audit trail intact: \d+ events, \d+ documents")
        # ... and names the file when its stored chunks are altered (two swapped), and is
        # intact again once they are put back.
        doc_id = docs[0]["id"]

        def swap_chunks():
            where = f"WHERE document_id = {doc_id} AND piece ="
            sql(f"UPDATE document_chunks SET piece = -1 {where} 0")
            sql(f"UPDATE document_chunks SET piece = 0 {where} 2")
            sql(f"UPDATE document_chunks SET piece = 2 {where} -1")

        swap_chunks()
        out = SERVER.tilsyn.run("audit", "verify", check=False)
        self.assertEqual(out.returncode, 1, out.stdout)
        self.assertIn("BROKEN", out.stdout)
        self.assertIn('"Kvalitetsrapport 2026.pdf"', out.stdout)
        swap_chunks()
        out = SERVER.tilsyn.run("audit", "verify", check=False)
        self.assertEqual(out.returncode, 0, out.stdout)

    def test_bad_uploads_are_refused_in_danish_and_change_nothing(self):
        before = snapshot()
        cases = [
            # (event, files, data, user, status, code)
            ("report_submitted", [("dokument", b"rapport.pdf", HTML)], None, "leader_frydenlund",
             415, "document_type"),
            ("report_submitted", [("dokument", b"rapport.pdf", SVG)], None, "leader_frydenlund",
             415, "document_type"),
            ("report_submitted", [("dokument", b"../../etc/rapport.pdf", pdf(4000, 3))], None,
             "leader_frydenlund", 400, "document_name"),
            ("report_submitted", [("dokument", b"C:\\rapport.pdf", pdf(4000, 3))], None,
             "leader_frydenlund", 400, "document_name"),
            ("report_submitted", [("dokument", b"rap\x01port.pdf", pdf(4000, 3))], None,
             "leader_frydenlund", 400, "document_name"),
            ("report_submitted", [("dokument", b"stor.pdf", pdf(1_100_000, 4))], None,
             "leader_frydenlund", 413, "too_large"),
            ("report_submitted", [("dokument", f"del{i}.pdf".encode(), pdf(800_000, 5 + i))
                                  for i in range(3)], None, "leader_frydenlund", 413, "too_large"),
            # more files than documents.max_files (4), refused as the fifth arrives
            ("report_submitted", [("dokument", f"lille{i}.pdf".encode(), pdf(2000, 20 + i))
                                  for i in range(5)], None, "leader_frydenlund", 413, "too_large"),
            # a state that does not allow the event
            ("plan_submitted", [("dokument", b"plan.pdf", pdf(4000, 6))], {}, "leader_frydenlund",
             409, "not_allowed_in_state"),
            # an event that carries no documents
            ("conversation_scheduled", [("dokument", b"plan.pdf", pdf(4000, 6))],
             {"date": "2026-12-01"}, "chief_syd", 400, "documents_not_allowed"),
        ]
        for event, files, data, user, status_expected, code in cases:
            status, answer = upload("frydenlund", user, event, files, data)
            self.assert_refused(status, answer, status_expected, code)
            self.assertEqual(snapshot(), before, (event, code))
        # Another area's cycle: as if absent.
        status, answer = upload(None, "chief_nord", "conversation_scheduled",
                                [("dokument", b"plan.pdf", pdf(4000, 7))], {"date": "2026-12-01"},
                                cycle=SERVER.cycle["boernehus"])
        self.assert_refused(status, answer, 404, "not_found")
        self.assertEqual(snapshot(), before)
        # Someone without a (valid) token: 401 at once, whatever the body's size, and the body
        # is not read into the server.
        body, content_type = multipart({"event": "report_submitted"},
                                       [("dokument", b"rapport.pdf", pdf(1_500_000, 30))])
        path = f"/api/v1/cycles/{SERVER.cycle['frydenlund']}/events"
        for headers, code in [({}, "token_missing"),
                              ({"Authorization": "Bearer tls_" + "0" * 64}, "token_invalid")]:
            status, _, answer = raw("POST", path, None, body,
                                    {"Content-Type": content_type, **headers})
            self.assert_refused(status, json.loads(answer), 401, code)
        self.assertEqual(snapshot(), before)

    def test_a_truncated_body_stores_nothing(self):
        before = snapshot()
        path = f"/api/v1/cycles/{SERVER.cycle['nordskole']}/events"
        body, content_type = multipart({"event": "report_submitted"},
                                       [("dokument", b"rapport.pdf", pdf(300_000, 8))])
        # The whole HTTP body, but the multipart ends without its closing delimiter.
        cut = body[: len(body) - 200]
        status, _, answer = raw("POST", path, "leader_nordskole", cut,
                                {"Content-Type": content_type})
        self.assertEqual(status, 400)
        self.assertEqual(json.loads(answer)["error"], "bad_request")
        self.assertIsNone(danish_problem(json.loads(answer)["message"]))
        self.assertEqual(snapshot(), before)
        # The connection closes half way through the body.
        sock = socket.create_connection(("127.0.0.1", SERVER.port), timeout=30)
        sock.sendall((f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                      f"{SERVER.tokens['leader_nordskole']}\r\nContent-Type: {content_type}\r\n"
                      f"Content-Length: {len(body)}\r\n\r\n").encode() + body[: len(body) // 2])
        sock.close()
        status, _, _ = raw("GET", "/healthz")
        self.assertEqual(status, 200)
        self.assertEqual(snapshot(), before)


class Publication(unittest.TestCase):

    def test_the_public_page_shows_exactly_the_approved_plan(self):
        inst, leader, chief = "nordskole", "leader_nordskole", "chief_nord"
        # The committee's theme for the period, which the first development point serves.
        period = SERVER.start.year
        status, answer = SERVER.api("POST", "/api/v1/themes", "admin",
                                    {"id": "laeselyst", "period": period, "age_band": "6-18",
                                     "title": "Læselyst for alle"})
        self.assertEqual(status, 201, answer)
        status, answer = SERVER.api("POST", "/api/v1/themes/publish", "admin",
                                    {"period": period, "age_band": "6-18"})
        self.assertEqual(status, 200, answer)
        for user, event, data in [
                (leader, "report_submitted", {}),
                (leader, "board_statement_submitted",
                 {"assessment": "Enig.", "on_behalf_of_board": True}),
                (chief, "conversation_scheduled", {"date": "2026-11-20"}),
                (chief, "conversation_held",
                 {"development_points": [{"title": "Mere læsning", "goal": "learning",
                                          "theme": "laeselyst"},
                                         {"title": "Trivsel i frikvarteret", "goal": "wellbeing"}],
                  "supervision_points": [{"title": "Fravær i udskolingen", "reason": "concern",
                                          "goal": "wellbeing"}]})]:
            status, answer = SERVER.event(inst, user, event, data)
            self.assertEqual(status, 200, (event, answer))
        draft = pdf(20_000, 10)
        status, first = upload(inst, leader, "plan_submitted", [("dokument", b"plan-v1.pdf", draft)],
                               {"text": "Første udkast."})
        self.assertEqual(status, 200, first)
        # Nothing is published before the approval.
        status, _, body = raw("GET", f"{PUBLIC}/planer.json")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["plans"], [])
        self.assertEqual(json.loads(body)["supervision_cases"], [], "the case is not resolved")
        status, _, _ = raw("GET", f"{PUBLIC}/dokumenter/{first['documents'][0]['id']}")
        self.assertEqual(status, 404, "a draft is not reachable")
        status, answer = SERVER.event(inst, chief, "plan_returned", {"comment": "Mere konkret."})
        self.assertEqual(status, 200, answer)
        final = pdf(30_000, 11)
        status, second = upload(inst, leader, "plan_submitted",
                                [("dokument", "Udviklingsplan 2027.pdf".encode(), final)],
                                {"text": "Endelig plan."})
        self.assertEqual(status, 200, second)
        status, approved = SERVER.event(inst, chief, "plan_approved", {})
        self.assertEqual(status, 200, approved)

        status, headers, body = raw("GET", f"{PUBLIC}/planer.json")
        self.assertEqual(status, 200)
        plans = json.loads(body)["plans"]
        self.assertEqual([p["institution"]["id"] for p in plans], ["nordskole"])
        plan = plans[0]
        self.assertEqual(plan["cycle"], SERVER.cycle[inst])
        self.assertEqual([g["title"] for g in plan["goals"]],
                         ["Læring og udvikling", "Sundhed og trivsel"])
        self.assertEqual([(p["title"], p["goal"], p["theme"]) for p in plan["points"]],
                         [("Mere læsning", "learning", "laeselyst"),
                          ("Trivsel i frikvarteret", "wellbeing", "")])
        self.assertEqual(plan["themes"], [{"id": "laeselyst", "title": "Læselyst for alle"}])
        self.assertEqual([d["sha256"] for d in plan["documents"]],
                         [hashlib.sha256(final).hexdigest()])
        status, headers, content = raw("GET", plan["documents"][0]["url"])
        self.assertEqual(status, 200)
        self.assertEqual(content, final, "exactly the approved file")
        self.assertTrue(headers["content-disposition"].startswith("attachment;"))
        status, _, _ = raw("GET", f"{PUBLIC}/dokumenter/{first['documents'][0]['id']}")
        self.assertEqual(status, 404, "the returned draft stays unreachable")

        status, headers, body = raw("GET", f"{PUBLIC}/planer.atom")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("application/atom+xml"))
        feed = ET.fromstring(body)
        entries = feed.findall(ATOM + "entry")
        self.assertEqual(len(entries), 1)
        self.assertIn("Nordskolen", entries[0].find(ATOM + "title").text)
        enclosure = [link for link in entries[0].findall(ATOM + "link")
                     if link.get("rel") == "enclosure"]
        self.assertEqual(len(enclosure), 1)
        self.assertEqual(int(enclosure[0].get("length")), len(final))
        self.assertTrue(enclosure[0].get("href").endswith(plan["documents"][0]["url"]))
        self.assertIn("Læring og udvikling", entries[0].find(ATOM + "summary").text)
        self.assertIn("Politisk besluttede temaer: Læselyst for alle",
                      entries[0].find(ATOM + "summary").text)

        status, _, page = raw("GET", PUBLIC)
        self.assertEqual(status, 200)
        page = page.decode()
        self.assertIn("Udviklingsplan 2027.pdf", page)
        self.assertIn("Sundhed og trivsel", page)
        self.assertIn("Læselyst for alle", page)
        self.assertNotIn("plan-v1.pdf", page)
        self.assertNotIn("Frydenlund", page)

        # The supervision case: its action plan is published once the case is resolved (and
        # only with publication.supervision_cases), with the point it was opened for.
        case = SERVER.cycle[inst] + "/tilsyn-1"
        action_plan = pdf(25_000, 12)
        status, submitted = upload(inst, leader, "action_plan_submitted",
                                   [("dokument", b"handleplan.pdf", action_plan)], {}, cycle=case)
        self.assertEqual(status, 200, submitted)
        status, _, body = raw("GET", f"{PUBLIC}/planer.json")
        self.assertEqual(json.loads(body)["supervision_cases"], [], "not before it is resolved")
        status, _, _ = raw("GET", f"{PUBLIC}/dokumenter/{submitted['documents'][0]['id']}")
        self.assertEqual(status, 404)
        status, answer = api.post_event(SERVER.port, SERVER.tokens[chief], case,
                                        "supervision_resolved", {"note": "Fraværet er faldet."})
        self.assertEqual(status, 200, answer)
        status, _, body = raw("GET", f"{PUBLIC}/planer.json")
        published = json.loads(body)
        self.assertEqual(len(published["plans"]), 1)
        [resolved] = published["supervision_cases"]
        self.assertEqual(resolved["cycle"], case)
        self.assertEqual(resolved["points"],
                         [{"title": "Fravær i udskolingen", "goal": "wellbeing", "theme": ""}])
        status, _, content = raw("GET", resolved["documents"][0]["url"])
        self.assertEqual((status, content), (200, action_plan))
        status, _, page = raw("GET", PUBLIC)
        self.assertIn("Afsluttede tilsynssager", page.decode())
        self.assertIn("handleplan.pdf", page.decode())
        feed = ET.fromstring(raw("GET", f"{PUBLIC}/planer.atom")[2])
        titles = [e.find(ATOM + "title").text for e in feed.findall(ATOM + "entry")]
        self.assertIn("Handleplan efter tilsyn: Nordskolen", titles)

        # The approval pinned the file, the resolution the action plan; audit verify checks
        # them with the rest.
        out = SERVER.tilsyn.run("audit", "verify", check=False)
        self.assertEqual(out.returncode, 0, out.stdout)

        # Without the setting (the default) no case is public: not listed, not downloadable.
        with open(SERVER.config, encoding="utf-8") as f:
            text = f.read()
        with open(SERVER.config, "w", encoding="utf-8") as f:
            f.write(text.replace("  supervision_cases: true\n", ""))
        SERVER.stop()
        SERVER.launch()
        status, _, body = raw("GET", f"{PUBLIC}/planer.json")
        self.assertNotIn("supervision_cases", json.loads(body))
        self.assertEqual(len(json.loads(body)["plans"]), 1)
        status, _, _ = raw("GET", resolved["documents"][0]["url"])
        self.assertEqual(status, 404, "a case's file is not public without the setting")
        self.assertNotIn("handleplan.pdf", raw("GET", PUBLIC)[2].decode())

        # A cycle cancelled after its approval publishes nothing any more.
        status, answer = SERVER.event(inst, "admin", "cycle_cancelled",
                                      {"reason": "Tilbuddet er lagt sammen med et andet."})
        self.assertEqual(status, 200, answer)
        status, _, body = raw("GET", f"{PUBLIC}/planer.json")
        self.assertEqual(json.loads(body)["plans"], [])
        status, _, _ = raw("GET", plan["documents"][0]["url"])
        self.assertEqual(status, 404, "a cancelled cycle's plan is not public")


if __name__ == "__main__":
    BACKEND = backend_url(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)
