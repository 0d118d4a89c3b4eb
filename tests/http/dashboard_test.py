"""The dashboard in a real browser: starts a `tilsyn serve` (fixture.Server), drives frydenlund's
cycle to plan approval through the API, installs playwright-core (tests/http/package-lock.json)
into the build tree, runs dashboard_test.mjs against the server with Debian's Chromium, and then
checks through the API that the approval clicked in the browser was stored.

    /usr/bin/python3 tests/http/dashboard_test.py BUILD/tilsyn BUILD_DIR

Screenshots go to $TILSYN_ARTIFACTS (default BUILD_DIR/test-artifacts). Exits 77 (skipped) when
Chromium, node or npm is missing, unless TILSYN_REQUIRE_BROWSER=1, when that is a failure.
"""
import hashlib
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))  # tests/

import fixture  # noqa: E402  (tests/http/fixture.py, beside this script)
from support.check import Checks, skip_unless_required  # noqa: E402

CHROMIUM = os.environ.get("TILSYN_CHROMIUM", "/usr/bin/chromium")
CHIEF_EMAIL = "chief.syd@example.dk"


def missing_tools():
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            missing.append(tool)
    return missing


def install_playwright(build_dir, checks):
    """npm ci of tests/http/package-lock.json into BUILD_DIR/browser-test, skipped when that
    lock is already installed there. Returns the directory, which also gets the test script
    (node resolves `import 'playwright-core'` next to the script, not the working directory)."""
    dest = os.path.join(build_dir, "browser-test")
    os.makedirs(dest, exist_ok=True)
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        with open(os.path.join(HERE, name), "rb") as f:
            digest.update(f.read())
        shutil.copyfile(os.path.join(HERE, name), os.path.join(dest, name))
    shutil.copyfile(os.path.join(HERE, "dashboard_test.mjs"),
                    os.path.join(dest, "dashboard_test.mjs"))
    stamp = os.path.join(dest, "node_modules", ".tilsyn-lock-sha256")
    installed = os.path.join(dest, "node_modules", "playwright-core", "package.json")
    if os.path.exists(installed) and os.path.exists(stamp):
        with open(stamp, encoding="utf-8") as f:
            if f.read().strip() == digest.hexdigest():
                print(f"# playwright-core already installed in {dest}", flush=True)
                return dest
    print(f"# npm ci in {dest}", flush=True)
    result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                            cwd=dest, capture_output=True, text=True, timeout=240)
    checks.require(result.returncode == 0, f"npm ci in {dest}",
                   f"exit {result.returncode}:\n{result.stdout}{result.stderr}")
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(digest.hexdigest() + "\n")
    return dest


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tilsyn, build_dir = (os.path.abspath(a) for a in sys.argv[1:])

    missing = missing_tools()
    if missing:
        skip_unless_required(f"the browser test needs {', '.join(missing)}, which is missing",
                             "TILSYN_REQUIRE_BROWSER", "see scripts/install-deps")

    artifacts = os.path.abspath(os.environ.get("TILSYN_ARTIFACTS")
                                or os.path.join(build_dir, "test-artifacts"))
    os.makedirs(artifacts, exist_ok=True)
    checks = Checks()
    require = checks.require
    test_dir = install_playwright(build_dir, checks)

    server = fixture.Server(tilsyn, "sqlite")
    try:
        server.drive_to_plan_approval("frydenlund", "leader_frydenlund", "chief_syd")
        cycle = server.cycle["frydenlund"]
        status, body = server.api("GET", f"/api/v1/cycles/{cycle}", "admin")
        require(status == 200 and body["state"] == "PlanAwaitingApproval",
                f"setup: {cycle} awaits plan approval", (status, body))

        env = dict(os.environ,
                   BASE_URL=server.url,
                   CHIEF_TOKEN=server.tokens["chief_syd"],
                   CHIEF_EMAIL=CHIEF_EMAIL,
                   CYCLE_ID=cycle,
                   OTHER_CYCLE_ID=server.cycle["nordskole"],
                   NAUGHTY_NAME=fixture.NAUGHTY_NAME,
                   ARTIFACT_DIR=artifacts,
                   CHROMIUM=CHROMIUM)
        try:
            node = subprocess.run(["node", os.path.join(test_dir, "dashboard_test.mjs")],
                                  env=env, cwd=test_dir, timeout=200)
        except subprocess.TimeoutExpired:
            require(False, "the browser test finishes within 200 s")
        require(node.returncode == 0, "the browser test passes",
                f"exit {node.returncode}; serve's log ends:\n{server.serve.log_tail()}")

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
