"""The dashboard in a real browser: starts a `tilsyn serve` (fixture.Server), drives frydenlund's
cycle to plan approval through the API, installs playwright-core (tests/http/package-lock.json)
into the build tree, runs dashboard_test.mjs against the server with Debian's Chromium, and then
checks through the API that the approval clicked in the browser was stored.

    /usr/bin/python3 tests/http/dashboard_test.py BUILD/tilsyn BUILD_DIR

Screenshots go to $TILSYN_ARTIFACTS (default BUILD_DIR/test-artifacts). Exits 77 (skipped) when
Chromium, node or npm is missing, unless TILSYN_REQUIRE_BROWSER=1, when that is a failure.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))  # tests/

import browser  # noqa: E402  (tests/http/browser.py, beside this script)
import fixture  # noqa: E402  (tests/http/fixture.py, beside this script)
from support.check import Checks  # noqa: E402

CHIEF_EMAIL = "chief.syd@example.dk"
CHIEF_NAME = "Sara Syd"  # that chief's name in support/config.py's small configuration


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tilsyn, build_dir = (os.path.abspath(a) for a in sys.argv[1:])

    browser.skip_without_browser()
    artifacts = browser.artifact_dir(build_dir)
    checks = Checks()
    require = checks.require
    test_dir = browser.install_playwright(build_dir, checks)

    server = fixture.Server(tilsyn, "sqlite")
    try:
        server.drive_to_plan_approval("frydenlund", "leader_frydenlund", "chief_syd")
        cycle = server.cycle["frydenlund"]
        status, body = server.api("GET", f"/api/v1/cycles/{cycle}", "admin")
        require(status == 200 and body["state"] == "PlanAwaitingApproval",
                f"setup: {cycle} awaits plan approval", (status, body))

        env = dict(BASE_URL=server.url,
                   CHIEF_TOKEN=server.tokens["chief_syd"],
                   CHIEF_EMAIL=CHIEF_EMAIL,
                   CHIEF_NAME=CHIEF_NAME,
                   CYCLE_ID=cycle,
                   OTHER_CYCLE_ID=server.cycle["nordskole"],
                   NAUGHTY_NAME=fixture.NAUGHTY_NAME,
                   ARTIFACT_DIR=artifacts)
        browser.run_node(test_dir, "dashboard_test.mjs", env, checks, 200, server.serve.log_tail)

        # The click in the browser must have gone all the way to the database.
        status, body = server.api("GET", f"/api/v1/cycles/{cycle}", "admin")
        require(status == 200, f"api: GET /api/v1/cycles/{cycle} answers 200", (status, body))
        require(body["state"] == "AwaitingPublication",
                "api: the cycle is in state AwaitingPublication after the browser's approval",
                body.get("state"))
        approvals = [e for e in body["history"] if e["event"] == "plan_approved"]
        require(len(approvals) == 1, "api: the history has exactly one plan_approved event",
                body["history"])
        require(approvals[0]["actor"] == CHIEF_EMAIL,
                f"api: plan_approved was recorded as done by {CHIEF_EMAIL}", approvals[0])
        require(approvals[0]["state_before"] == "PlanAwaitingApproval"
                and approvals[0]["state_after"] == "AwaitingPublication",
                "api: plan_approved moved PlanAwaitingApproval → AwaitingPublication", approvals[0])
        other = server.cycle["nordskole"]
        status, body = server.api("GET", f"/api/v1/cycles/{other}", "admin")
        require(status == 200 and body["state"] == "ReportInPreparation",
                "api: the nord cycle the chief could not see is untouched", (status, body))
    finally:
        server.close()
    print(f"# screenshots in {artifacts}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
