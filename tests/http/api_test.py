"""The HTTP API and the dashboard over real HTTP against a real `tilsyn serve`.

usage: api_test.py PATH/TO/tilsyn sqlite|postgres

`postgres` takes the server URL from TILSYN_TEST_PG_URL; when that is unset the test exits 77
(skipped), or fails when TILSYN_REQUIRE_POSTGRES=1.
"""
import csv
import datetime
import http.client
import io
import json
import os
import re
import socket
import sys
import unittest
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tests/
import fixture  # noqa: E402  (tests/http/fixture.py, beside this script)
from fixture import USERS, INSTITUTIONS, NAUGHTY_NAME, can_see  # noqa: E402
from support.database import backend_url  # noqa: E402
from support.words import danish_problem  # noqa: E402

SERVER = None
ALL_USERS = ["admin"] + list(USERS)


def setUpModule():
    global SERVER
    SERVER = fixture.Server(sys.argv[1], BACKEND)


def tearDownModule():
    if SERVER:
        SERVER.close()


def cycle_path(institution):
    return "/api/v1/cycles/" + SERVER.cycle[institution]


def assert_error(test, body, code, *context):
    """An error body: the stable `code`, and a Danish message for people with no raw id."""
    test.assertEqual(body["error"], code, (body, *context))
    test.assertIsNone(danish_problem(body["message"]), (body, *context))


class Authorization(unittest.TestCase):
    """Each role × each route × own and other area or institution."""

    def test_no_token_and_bad_token_are_401(self):
        for path in ["/api/v1/cycles", "/api/v1/cases", "/api/v1/institutions", "/api/v1/me",
                     cycle_path("frydenlund")]:
            status, headers, body = SERVER.request("GET", path)
            self.assertEqual(status, 401, path)
            self.assertIn("Bearer", headers.get("www-authenticate", ""), path)
            self.assertEqual(json.loads(body)["field"], "Authorization")
            assert_error(self, json.loads(body), "token_missing", path)
            status, _, body = SERVER.request("GET", path, token="tls_" + "0" * 64)
            self.assertEqual(status, 401, path)
            assert_error(self, json.loads(body), "token_invalid", path)
        status, _, _ = SERVER.request("GET", "/api/v1/cycles",
                                      headers={"Authorization": "Basic YWRtaW46YWRtaW4="})
        self.assertEqual(status, 401)
        status, _, _ = SERVER.request("POST", cycle_path("frydenlund") + "/events",
                                      body={"event": "report_submitted"})
        self.assertEqual(status, 401)

    def test_me_names_the_caller(self):
        for user in ALL_USERS:
            status, body = SERVER.api("GET", "/api/v1/me", user)
            self.assertEqual(status, 200)
            if user != "admin":
                email, role, area, inst = USERS[user]
                self.assertEqual((body["email"], body["role"]), (email, role))
                self.assertEqual(body["area"], area or "")
                self.assertEqual(body["institution"], inst or "")

    def test_lists_hold_exactly_what_each_role_may_see(self):
        for user in ALL_USERS:
            expected = {SERVER.cycle[i] for i in INSTITUTIONS if can_see(user, i)}
            status, body = SERVER.api("GET", "/api/v1/cycles?workflow=quality_report&all=true",
                                      user)
            self.assertEqual(status, 200, user)
            self.assertEqual({c["id"] for c in body["cycles"]}, expected, user)
            self.assertEqual(body["count"], len(expected))
            status, body = SERVER.api("GET", "/api/v1/institutions", user)
            self.assertEqual(status, 200)
            self.assertEqual({i["id"] for i in body["institutions"]},
                             {i for i in INSTITUTIONS if can_see(user, i)}, user)
            status, body = SERVER.api("GET", "/api/v1/cases?status=all", user)
            self.assertEqual(status, 200)
            for case in body["cases"]:
                self.assertTrue(can_see(user, case["institution"]), (user, case))

    def test_a_cycle_outside_reach_is_404_as_if_absent(self):
        for user in ALL_USERS:
            for inst in INSTITUTIONS:
                status, body = SERVER.api("GET", cycle_path(inst), user)
                if can_see(user, inst):
                    self.assertEqual(status, 200, (user, inst))
                    self.assertEqual(body["id"], SERVER.cycle[inst])
                else:
                    self.assertEqual(status, 404, (user, inst))
                    absent_status, absent = SERVER.api("GET", "/api/v1/cycles/qr/nowhere/2020-01-01",
                                                       user)
                    self.assertEqual(absent_status, 404)
                    self.assertEqual(set(body), set(absent))  # same shape: nothing leaks

    def test_events_by_role_and_reach(self):
        """404 outside reach, 403 for a role the event is not for, else the payload is checked
        (a bad one here, so nothing changes)."""
        cases = [("report_submitted", {"url": 5}, {"leader"}),
                 ("conversation_scheduled", {"date": "2026-02-30"}, {"area_chief"}),
                 ("board_statement_submitted", {"assessment": 1}, {"leader", "board"}),
                 ("cycle_cancelled", {"reason": ""}, {"admin"})]
        for user in ALL_USERS:
            role = "admin" if user == "admin" else USERS[user][1]
            for inst in INSTITUTIONS:
                before = SERVER.api("GET", cycle_path(inst), "admin")[1]
                for event, data, roles in cases:
                    status, body = SERVER.event(inst, user, event, data)
                    if not can_see(user, inst):
                        expected = 404
                    elif role not in roles:
                        expected = 403
                    else:
                        expected = 400
                    self.assertEqual(status, expected, (user, inst, event, body))
                    code = {404: "not_found", 403: "role_not_allowed"}.get(expected)
                    if code:
                        assert_error(self, body, code, user, inst, event)
                    else:
                        self.assertIn(body["error"], ("bad_value", "bad_date", "field_required"))
                        self.assertIsNone(danish_problem(body["message"]), body)
                    if expected == 400:
                        self.assertTrue(body["field"].startswith("data."), body)
                after = SERVER.api("GET", cycle_path(inst), "admin")[1]
                self.assertEqual(after["state"], before["state"])
                self.assertEqual(len(after["history"]), len(before["history"]))


class BadInput(unittest.TestCase):
    def post_raw(self, body, headers=None, inst="nordskole"):
        return SERVER.request("POST", cycle_path(inst) + "/events", SERVER.tokens["admin"], body,
                              headers or {"Content-Type": "application/json"})

    def test_malformed_json_says_where(self):
        status, _, body = self.post_raw('{"event": "report_submitted",\n "data": {"url": }}')
        self.assertEqual(status, 400)
        error = json.loads(body)
        self.assertEqual(error["field"], "body")
        assert_error(self, error, "bad_json")
        self.assertIn("linje 2", error["message"])
        for bad in ['', '[]', '"text"', '{"event": 5}', '{"data": {}}',
                    '{"event": "report_submitted", "data": []}',
                    '{"event": "report_submitted", "extra": 1}']:
            status, _, body = self.post_raw(bad)
            self.assertEqual(status, 400, bad)
            error = json.loads(body)
            self.assertIn(error["error"], ("bad_json", "bad_value", "field_required",
                                           "unknown_field"), bad)
            self.assertIsNone(danish_problem(error["message"]), (bad, error))

    def test_oversized_body_is_413_and_nothing_changes(self):
        big = json.dumps({"event": "cycle_cancelled", "data": {"reason": "x" * (1 << 20)}})
        status, _, body = self.post_raw(big)
        self.assertEqual(status, 413)
        error = json.loads(body)
        assert_error(self, error, "too_large")
        self.assertIn("1048576", error["message"])
        self.assertEqual(SERVER.api("GET", cycle_path("nordskole"), "admin")[1]["state"],
                         "ReportInPreparation")

    def test_oversized_headers_are_431(self):
        status, _, body = SERVER.request("GET", "/api/v1/me", SERVER.tokens["admin"],
                                         headers={"X-Padding": "p" * 9000})
        self.assertEqual(status, 431)
        assert_error(self, json.loads(body), "too_large")

    def test_unknown_event_lists_the_allowed_ones(self):
        status, body = SERVER.event("nordskole", "admin", "report_eaten")
        self.assertEqual(status, 400)
        assert_error(self, body, "unknown_event")
        self.assertEqual(body["field"], "event")
        self.assertIn("report_submitted", body["allowed_events"])

    def test_event_in_the_wrong_state_is_409_with_the_allowed_events(self):
        status, body = SERVER.event("nordskole", "chief_nord", "conversation_scheduled",
                                    {"date": "2026-12-01"})
        self.assertEqual(status, 409)
        assert_error(self, body, "not_allowed_in_state")
        self.assertIn("»Kvalitetsrapport under udarbejdelse«", body["message"])
        self.assertEqual(body["state"], "ReportInPreparation")
        self.assertEqual(body["allowed_events"], ["report_submitted", "cycle_cancelled"])

    def test_bad_queries_are_400_naming_the_parameter(self):
        for query, field in [("areaa=syd", "areaa"), ("area=atlantis", "area"),
                             ("overdue=yes", "overdue"), ("state=Sleeping", "state"),
                             ("kind=zoo", "kind"), ("institution=nowhere", "institution")]:
            status, body = SERVER.api("GET", "/api/v1/cycles?" + query, "admin")
            self.assertEqual(status, 400, query)
            self.assertEqual(body["field"], field, query)
            assert_error(self, body, "unknown_field" if field == "areaa" else "bad_value", query)
        status, body = SERVER.api("GET", "/api/v1/cases?status=pending", "admin")
        self.assertEqual((status, body["field"]), (400, "status"))

    def test_unknown_route_and_wrong_method(self):
        status, body = SERVER.api("GET", "/api/v1/nothing", "admin")
        self.assertEqual(status, 404)
        assert_error(self, body, "not_found")
        status, headers, body = SERVER.request("DELETE", "/api/v1/cycles", SERVER.tokens["admin"])
        self.assertEqual(status, 405)
        assert_error(self, json.loads(body), "method_not_allowed")
        self.assertEqual(headers["allow"], "GET")
        self.assertEqual(SERVER.request("GET", cycle_path("nordskole") + "/events",
                                        SERVER.tokens["admin"])[0], 405)

    def test_garbage_on_the_socket_is_400(self):
        with socket.create_connection(("127.0.0.1", SERVER.port), timeout=10) as s:
            s.sendall(b"HELLO THERE\r\n\r\n")
            answer = b""
            while b"}" not in answer:  # the server closes after its answer
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
            self.assertIn(b" 400 ", answer)
            assert_error(self, json.loads(answer.split(b"\r\n\r\n", 1)[1]), "bad_request")


class Workflow(unittest.TestCase):
    def test_a_supervision_point_opens_a_case_and_sharpened_follow_up_comes_first(self):
        inst = "boernehus"
        # The daycare's leader is a person of the configuration without a token: `user add`
        # gives it one, and `user token` replaces it.
        SERVER.cli("user", "add", "--email", "leder.boernehus@example.dk", "--role", "leader",
                   "--institution", inst)
        token = re.search(r"tls_[0-9a-f]{64}",
                          SERVER.cli("user", "token", "--email", "leder.boernehus@example.dk"))
        SERVER.tokens["leader_boernehus"] = token.group(0)
        steps = [("leader_boernehus", "report_submitted", {}),
                 ("leader_boernehus", "board_statement_submitted",
                  {"assessment": "Fint.", "on_behalf_of_board": True}),
                 ("chief_syd", "conversation_scheduled", {"date": "2026-12-01"}),
                 ("chief_syd", "conversation_held",
                  {"development_points": [{"title": "Sprog", "goal": "learning"}],
                   "supervision_points": [{"title": "Normering", "reason": "law",
                                           "goal": "wellbeing"}]})]
        for user, event, data in steps:
            status, body = SERVER.event(inst, user, event, data)
            self.assertEqual(status, 200, (event, body))
        self.assertEqual(body["state"], "PlanInPreparation")
        self.assertEqual(body["allowed_events"], ["plan_submitted", "cycle_cancelled"])
        self.assertEqual(len(body["opened_cases"]), 1)
        case_id = body["opened_cases"][0]

        status, cases = SERVER.api("GET", "/api/v1/cases", "chief_syd")
        self.assertIn(case_id, [c["id"] for c in cases["cases"]])
        self.assertEqual(SERVER.api("GET", "/api/v1/cases", "chief_nord")[1]["cases"], [])
        status, listed = SERVER.api("GET", "/api/v1/cycles?area=syd", "chief_syd")
        first = listed["cycles"][0]
        self.assertTrue(first["sharpened"])
        self.assertEqual(first["institution"], inst)

        status, detail = SERVER.api("GET", "/api/v1/cycles/" + SERVER.cycle[inst], "chief_syd")
        self.assertEqual(detail["points"]["supervision"][0]["title"], "Normering")
        self.assertEqual([c["id"] for c in detail["cases"]], [case_id])
        self.assertEqual([h["event"] for h in detail["history"]][-4:],
                         ["report_submitted", "board_statement_submitted",
                          "conversation_scheduled", "conversation_held"])
        statuses = {(d["step"], d["kind"]): d["status"] for d in detail["deadlines"]}
        # Cycles started 16 weeks ago; the report was due after 10.
        self.assertEqual(statuses[("quality_report", "due")], "late")
        self.assertEqual(statuses[("development_plan", "due")], "coming")
        # The case itself, with its own events route.
        status, case = SERVER.api("GET", "/api/v1/cycles/" + case_id, "leader_boernehus")
        self.assertEqual((status, case["workflow"], case["parent"]),
                         (200, "supervision", SERVER.cycle[inst]))
        self.assertEqual(SERVER.api("GET", "/api/v1/cycles/" + case_id, "chief_nord")[0], 404)
        status, body = SERVER.api("POST", "/api/v1/cycles/" + urllib.parse.quote(case_id, safe="")
                                  + "/events", "leader_boernehus",
                                  {"event": "action_plan_submitted", "data": {"text": "Plan"}})
        self.assertEqual(status, 200, body)

    def test_overdue_filter_and_keep_alive(self):
        conn = http.client.HTTPConnection("127.0.0.1", SERVER.port, timeout=10)
        for _ in range(3):
            status, _, body = SERVER.request("GET", "/api/v1/cycles?overdue=true",
                                             SERVER.tokens["director"], connection=conn)
            self.assertEqual(status, 200)
            for cycle in json.loads(body)["cycles"]:
                self.assertTrue(cycle["overdue"])
                self.assertLess(cycle["next_due"], datetime.date.today().isoformat())
        conn.close()


class Observability(unittest.TestCase):
    def test_healthz_needs_no_token(self):
        status, body = SERVER.api("GET", "/healthz")
        self.assertEqual((status, body["status"]), (200, "ok"))

    def test_metrics_count_events_and_requests(self):
        SERVER.event("nordskole", "chief_nord", "conversation_scheduled", {"date": "2026-12-01"})
        status, headers, text = SERVER.request("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/plain; version=0.0.4"))
        values = dict(re.findall(r"^(tilsyn_[a-z_]+(?:\{[^}]*\})?) (\S+)$", text, re.M))
        self.assertGreaterEqual(float(values["tilsyn_events_refused_total"]), 1)
        for name in ["tilsyn_events_applied_total", "tilsyn_reminders_sent_total",
                     "tilsyn_escalations_sent_total", "tilsyn_outbox_pending",
                     "tilsyn_outbox_failed"]:
            self.assertIn(name, values)
        count = float(values["tilsyn_http_request_duration_seconds_count"])
        self.assertGreater(count, 0)
        self.assertEqual(float(values['tilsyn_http_request_duration_seconds_bucket{le="+Inf"}']),
                         count)

    def test_openapi_describes_the_real_routes(self):
        status, doc = SERVER.api("GET", "/api/v1/openapi.json")
        self.assertEqual(status, 200)
        self.assertTrue(doc["openapi"].startswith("3."))
        routes = {("/healthz", "get"), ("/metrics", "get"), ("/api/v1/openapi.json", "get"),
                  ("/api/v1/me", "get"), ("/api/v1/cycles", "get"),
                  ("/api/v1/cycles/{id}", "get"), ("/api/v1/cycles/{id}/events", "post"),
                  ("/api/v1/events", "post"), ("/api/v1/documents/{id}", "get"),
                  ("/api/v1/cases", "get"), ("/api/v1/institutions", "get"),
                  ("/api/v1/themes", "get"), ("/api/v1/themes", "post"),
                  ("/api/v1/themes/publish", "post"),
                  ("/feeds/{secret}.ics", "get")}
        documented = {(path, method) for path, item in doc["paths"].items() for method in item}
        self.assertEqual(documented, routes)
        for path, method in sorted(documented):
            real = path.replace("{id}", "1" if path.startswith("/api/v1/documents/")
                                else SERVER.cycle["nordskole"])
            body = {"event": "report_eaten"} if method == "post" else None
            status, _, text = SERVER.request(method.upper(), real, SERVER.tokens["admin"], body)
            responses = doc["paths"][path][method]["responses"]
            self.assertIn(str(status), responses, (path, method, text[:200]))
            if status >= 400 and text.startswith("{"):
                for key in doc["components"]["schemas"]["Error"]["required"]:
                    self.assertIn(key, json.loads(text), (path, method, key))
            if status == 200 and "application/json" in responses["200"].get("content", {}):
                schema = responses["200"]["content"]["application/json"]["schema"]
                answer = json.loads(text)
                for key in schema.get("required", []):
                    self.assertIn(key, answer, (path, key))
            if "security" not in doc["paths"][path][method]:
                status, _, _ = SERVER.request(method.upper(), real, None, body)
                self.assertEqual(status, 401, (path, method))


class Dashboard(unittest.TestCase):
    def login(self, user):
        status, headers, _ = SERVER.request(
            "POST", "/login", body="token=" + SERVER.tokens[user],
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        self.assertEqual(status, 303)
        cookie = headers["set-cookie"]
        for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"]:
            self.assertIn(attribute, cookie)
        return cookie.split(";")[0]

    def page(self, path, cookie):
        return SERVER.request("GET", path, headers={"Cookie": cookie})

    def test_login_required_and_bad_token_refused(self):
        status, headers, _ = SERVER.request("GET", "/")
        self.assertEqual((status, headers["location"]), (303, "/login"))
        status, _, body = SERVER.request("POST", "/login", body="token=tls_nope",
                                         headers={"Content-Type":
                                                  "application/x-www-form-urlencoded"})
        self.assertEqual(status, 401)
        self.assertIn("Adgangskoden er ikke gyldig", body)
        status, headers, _ = self.page("/", "tilsyn_session=" + "f" * 64)  # unknown or expired
        self.assertEqual((status, headers["location"]), (303, "/login"))

    def test_overview_shows_the_area_and_escapes_names(self):
        cookie = self.login("chief_syd")
        status, headers, body = self.page("/forloeb", cookie)
        self.assertEqual(status, 200)
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        self.assertIn("Område Syd", body)
        self.assertNotIn("Nordskolen", body)
        self.assertNotIn("<script>alert(1)</script>", body)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Børnehus", body)
        self.assertNotIn("http://", body.replace(SERVER.url, ""))  # nothing from outside
        status, _, _ = self.page("/cycles/" + SERVER.cycle["nordskole"], cookie)
        self.assertEqual(status, 404)

    def test_forms_need_the_csrf_token(self):
        cookie = self.login("leader_frydenlund")
        path = "/cycles/" + SERVER.cycle["frydenlund"]
        status, _, body = self.page(path, cookie)
        self.assertEqual(status, 200)
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', body).group(1)
        before = SERVER.api("GET", cycle_path("frydenlund"), "admin")[1]
        form = {"cycle": SERVER.cycle["frydenlund"], "event": "report_submitted", "url": ""}
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        for bad in [None, "0" * 64]:
            sent = dict(form, **({"csrf": bad} if bad else {}))
            status, _, body = SERVER.request("POST", "/event", body=urllib.parse.urlencode(sent),
                                             headers=headers)
            self.assertEqual(status, 403)
            self.assertIn("CSRF", body)
        after = SERVER.api("GET", cycle_path("frydenlund"), "admin")[1]
        self.assertEqual(len(after["history"]), len(before["history"]))
        # From another origin, even with the token.
        status, _, _ = SERVER.request("POST", "/event", body=urllib.parse.urlencode(
            dict(form, csrf=csrf)), headers=dict(headers, Origin="http://evil.example"))
        self.assertEqual(status, 403)
        if before["state"] == "ReportInPreparation":
            status, headers_back, _ = SERVER.request(
                "POST", "/event", body=urllib.parse.urlencode(dict(form, csrf=csrf)),
                headers=headers)
            self.assertEqual(status, 303)
            self.assertIn("/cycles/", headers_back["location"])
            after = SERVER.api("GET", cycle_path("frydenlund"), "admin")[1]
            self.assertEqual(after["state"], "AwaitingBoardStatement")
            self.assertEqual(after["history"][-1]["actor"], "leder.frydenlund@example.dk")
        # A refused form shows the error on the page, and changes nothing.
        status, _, body = SERVER.request("POST", "/event", body=urllib.parse.urlencode(
            {"csrf": csrf, "cycle": SERVER.cycle["frydenlund"], "event": "plan_published",
             "url": "https://example.dk"}), headers=headers)
        self.assertEqual(status, 409)
        message = re.search(r'<p class="error" role="alert"[^>]*>([^<]*)</p>', body).group(1)
        self.assertIn("»Registrér offentliggørelse« er ikke muligt nu", message)
        self.assertIsNone(danish_problem(message), message)

    def test_political_report_page(self):
        year = SERVER.start.year
        cookie = self.login("chief_syd")
        status, _, body = self.page(f"/report?year={year}", cookie)
        self.assertEqual(status, 200)
        self.assertIn(f"Politisk rapport {year}", body)
        self.assertIn('data-area="syd"', body)
        self.assertNotIn('data-area="nord"', body)  # an area chief sees its own area only
        status, headers, text = self.page(f"/report.csv?year={year}", cookie)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/csv"))
        # Excel in Denmark: a byte-order mark, ';', Danish headers, areas by name.
        self.assertTrue(text.startswith("\ufeffÅr;Aldersgruppe;Område;"), text[:40])
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=";"))
        self.assertEqual({row[2] for row in rows[1:]}, {"Område Syd", "I alt"})
        self.assertEqual(self.page("/report?year=20x6", cookie)[0], 400)
        status, _, body = self.page("/report", self.login("leader_frydenlund"))
        self.assertEqual(status, 403)
        # The configuration's role titles (tests/support/config.py, as config/aarhus.yaml).
        self.assertIn("Den politiske rapport er for Administrator, Direktør for Børn og Unge og "
                      "Børn og Unge-chef.", body)
        status, _, body = self.page(f"/report?year={year}", self.login("director"))
        self.assertIn('data-area="nord"', body)

    def test_logout_ends_the_session(self):
        cookie = self.login("director")
        _, _, body = self.page("/", cookie)
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', body).group(1)
        status, _, _ = SERVER.request("POST", "/logout", body="csrf=" + csrf, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        self.assertEqual(status, 303)
        self.assertEqual(self.page("/", cookie)[0], 303)


class Feeds(unittest.TestCase):
    """Calendar feeds parse with python3-icalendar and hold what concerns the person."""

    def fetch(self, url):
        path = urllib.parse.urlsplit(url).path
        status, headers, body = SERVER.request("GET", path)
        return status, headers, body

    def create(self, email):
        out = SERVER.cli("feed", "create", "--email", email)
        return re.search(r"http://\S+/feeds/[0-9a-f]{64}\.ics", out).group(0)

    def events(self, body):
        import icalendar
        calendar = icalendar.Calendar.from_ical(body)
        return [c for c in calendar.walk() if c.name == "VEVENT"]

    def test_feeds_hold_the_deadlines_that_concern_the_person(self):
        chief = self.create("chief.syd@example.dk")
        status, headers, body = self.fetch(chief)
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/calendar"))
        events = self.events(body)
        self.assertTrue(events)
        uids = [str(e["UID"]) for e in events]
        self.assertEqual(len(uids), len(set(uids)))
        for event in events:
            self.assertTrue(str(event["UID"]).startswith("qr/"), event["UID"])
            inst = str(event["UID"]).split("/")[1]
            self.assertEqual(INSTITUTIONS[inst], "syd")
            self.assertTrue(str(event["SUMMARY"]).startswith("Frist: "))
        self.assertIn(NAUGHTY_NAME, " ".join(str(e["SUMMARY"]) for e in events))
        # A leader: its own institution, the steps it acts on only.
        leader = self.create("leder.nordskole@example.dk")
        events = self.events(self.fetch(leader)[2])
        self.assertTrue(events)
        for event in events:
            self.assertTrue(str(event["UID"]).startswith(SERVER.cycle["nordskole"] + "/"))
            self.assertNotIn("Godkendelse", str(event["SUMMARY"]))  # the area chief's step
        # Revoked: gone.
        self.assertIn("1 calendar feed of leder.nordskole@example.dk revoked",
                      SERVER.cli("feed", "revoke", "--email", "leder.nordskole@example.dk"))
        self.assertEqual(self.fetch(leader)[0], 404)
        self.assertEqual(self.fetch(chief)[0], 200)
        for bad in ["/feeds/nothing.ics", "/feeds/" + "a" * 64 + ".ics", "/feeds/" + "A" * 64 + ".ics"]:
            self.assertEqual(SERVER.request("GET", bad)[0], 404, bad)
        result = SERVER.tilsyn.run("feed", "create", "--email", "nobody@example.dk", check=False)
        self.assertEqual(result.returncode, 2)
        self.assertIn("no user nobody@example.dk", result.stderr)

    def test_dashboard_makes_and_revokes_a_feed(self):
        status, headers, _ = SERVER.request(
            "POST", "/login", body="token=" + SERVER.tokens["director"],
            headers={"Content-Type": "application/x-www-form-urlencoded"})
        cookie = headers["set-cookie"].split(";")[0]
        _, _, page = SERVER.request("GET", "/calendar", headers={"Cookie": cookie})
        csrf = re.search(r'name="csrf" value="([0-9a-f]{64})"', page).group(1)
        form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
        status, _, page = SERVER.request("POST", "/calendar", body=f"csrf={csrf}&action=create",
                                         headers=form)
        self.assertEqual(status, 200)
        url = re.search(r'<code id="feed-url">([^<]+)</code>', page).group(1)
        self.assertEqual(self.fetch(url)[0], 200)
        self.assertEqual(SERVER.request("POST", "/calendar", body="action=revoke",
                                        headers=form)[0], 403)  # no CSRF token
        status, _, page = SERVER.request("POST", "/calendar", body=f"csrf={csrf}&action=revoke",
                                         headers=form)
        self.assertIn("1 kalender-link tilbagekaldt", page)
        self.assertEqual(self.fetch(url)[0], 404)


class Restart(unittest.TestCase):
    def test_zz_sigterm_exits_0_and_no_second_admin(self):
        self.assertEqual(SERVER.stop(), 0)
        again = SERVER.launch()
        self.assertNotIn("tls_", again)
        self.assertEqual(SERVER.api("GET", "/api/v1/me", "admin")[0], 200)


if __name__ == "__main__":
    BACKEND = backend_url(sys.argv[2] if len(sys.argv) > 2 else "sqlite")
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    sys.exit(0 if result.wasSuccessful() else 1)
