"""The demo database in a real browser, read as its people read it (part of issue 12).

Serves scripts/demo-data's database (support.demo), checks through the API that the observer's
listing marks its task (`"observing": true`), runs demo_words_test.mjs with Debian's Chromium,
and then checks:
  - every page each role reached (admin, director, an area chief, a leader, a board, the
    observer; the login and not-found pages) shows no raw id (the workflows' steps, events,
    states and fields, the goals, reasons, roles and kinds, the configuration's tilbud and
    areas) and none of support.words.ENGLISH_ON_SCREEN;
  - between them the roles opened a cycle or case in every state the demo has;
  - the written feedback the observer sent through the form is recorded, by the observer.

    /usr/bin/python3 tests/http/demo_words_test.py BUILD/tilsyn BUILD_DIR

Screenshots (each role's overview at 1366 and 390 px, the observer's task) go to
$TILSYN_ARTIFACTS (default BUILD_DIR/test-artifacts). Exits 77 (skipped) when Chromium, node or
npm is missing, unless TILSYN_REQUIRE_BROWSER=1.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))  # tests/

import browser  # noqa: E402  (tests/http/browser.py, beside this script)
from support import words  # noqa: E402
from support.check import Checks  # noqa: E402
from support.demo import OBSERVED, OBSERVED_DIALOGUE, OBSERVER, PEOPLE, DemoWorld  # noqa: E402

FEEDBACK = ("Trygge overgange mellem leg og samling; børnene blev hørt. Vi så lidt ventetid "
            "ved garderoben.")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tilsyn, build_dir = (os.path.abspath(a) for a in sys.argv[1:])
    browser.skip_without_browser()
    artifacts = browser.artifact_dir(build_dir)
    checks = Checks()
    require, check = checks.require, checks.check
    test_dir = browser.install_playwright(build_dir, checks)

    began = time.monotonic()
    world = DemoWorld(tilsyn)
    print(f"# the demo world served in {time.monotonic() - began:.1f} s", flush=True)
    try:
        status, body = world.api("GET", "/api/v1/institutions", "admin")
        require(status == 200, "api: the institutions are listed", (status, body))
        institutions = {i["id"]: i for i in body["institutions"]}
        areas = {i["area"] for i in body["institutions"]}
        names = {i["name"] for i in body["institutions"]}
        observed, observer = institutions[OBSERVED], institutions[OBSERVER]
        choices = sum(1 for i in body["institutions"]
                      if i["kind"] == observed["kind"] and i["id"] != OBSERVED)

        # The observer's listing marks the task; nobody else's does.
        status, body = world.api("GET", "/api/v1/cycles", "observer")
        require(status == 200, "api: the observer's listing answers 200", (status, body))
        marked = [c["id"] for c in body["cycles"] if c["observing"]]
        check(marked == [OBSERVED_DIALOGUE],
              f"api: the observer's listing marks {OBSERVED_DIALOGUE} \"observing\": true, only it",
              marked)
        for who in ("observed", "chief_nord", "admin"):
            status, body = world.api("GET", "/api/v1/cycles", who)
            check(status == 200 and not any(c["observing"] for c in body["cycles"]),
                  f"api: {who}'s listing marks nothing observing", body)
        status, body = world.api("GET", f"/api/v1/cycles/{OBSERVED_DIALOGUE}", "observer")
        check(status == 200 and body["observing"] and body["round"] == 1
              and body["observer"] == OBSERVER
              and body["your_events"] == ["observation_feedback_submitted"],
              "api: the observer reaches the dialogue: observing, round 1, it observes, and may "
              "send only its feedback", body)
        status, body = world.api("GET", "/api/v1/cycles?all=true", "admin")
        states = {c["state"] for c in body["cycles"]}

        pages_file = os.path.join(artifacts, "demo-pages.json")
        env = dict(BASE_URL=world.url,
                   TOKENS=json.dumps(world.tokens),
                   OBSERVED_DIALOGUE=OBSERVED_DIALOGUE,
                   OBSERVED_NAME=observed["name"],
                   OBSERVER_NAME=observer["name"],
                   OBSERVER_CHOICES=str(choices),
                   FEEDBACK=FEEDBACK,
                   ARTIFACT_DIR=artifacts,
                   PAGES_FILE=pages_file)
        began = time.monotonic()
        browser.run_node(test_dir, "demo_words_test.mjs", env, checks, 240, world.serve.log_tail)
        print(f"# the browser part took {time.monotonic() - began:.1f} s", flush=True)

        # What every page showed.
        with open(pages_file, encoding="utf-8") as f:
            pages = json.load(f)
        ids = words.screen_ids() | set(institutions) | areas
        for page in pages:
            problems = words.screen_problems(page["text"], ids, names)
            check(not problems, f"{page['who']}: {page['path']} shows no raw id or English word",
                  "\n".join(problems))
        for who in ["logged out", "observed", *PEOPLE.keys(), "admin"]:
            check(any(p["who"] == who for p in pages), f"{who}'s pages were read")
        seen = {p["state"] for p in pages if p["state"]}
        check(states <= seen, "a cycle or case of every state of the demo was opened",
              f"not opened: {sorted(states - seen)}")

        # The feedback sent through the form is recorded, as the observer's.
        status, body = world.api("GET", f"/api/v1/cycles/{OBSERVED_DIALOGUE}", "chief_nord")
        require(status == 200, "api: the area chief reads the dialogue", (status, body))
        check(body["state"] == "AwaitingLearningConversation",
              "api: the dialogue waits for its learning conversation after the feedback",
              body["state"])
        sent = [e for e in body["history"] if e["event"] == "observation_feedback_submitted"]
        check(len(sent) == 1 and sent[0]["actor"] == PEOPLE["observer"][0]
              and sent[0]["data"] == {"observer_institution": OBSERVER, "feedback": FEEDBACK},
              "api: the written feedback is recorded once, by the observer, for its tilbud", sent)
    finally:
        world.close()
    print(f"# screenshots in {artifacts}", flush=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
