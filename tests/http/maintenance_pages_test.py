"""The dashboard's pages of issue 18 in a real browser (Debian's Chromium, playwright-core):
the workload heat map (/workload) as the administrator, an area chief and a leader (refused),
and what a new configuration would change (/diff) as the administrator: a configuration with
an error (located, nothing compared) and one whose due expression moves the next cycle. Each
page at 1366 and 390 px, none wider than the phone's screen; screenshots in $TILSYN_ARTIFACTS.

    /usr/bin/python3 tests/http/maintenance_pages_test.py BUILD/tilsyn BUILD_DIR

Exits 77 (skipped) without Chromium, node or npm, unless TILSYN_REQUIRE_BROWSER=1.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))  # tests/

import browser  # noqa: E402
import fixture  # noqa: E402
from support.check import Checks  # noqa: E402


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    tilsyn, build_dir = (os.path.abspath(a) for a in sys.argv[1:])
    browser.skip_without_browser()
    artifacts = browser.artifact_dir(build_dir)
    checks = Checks()
    test_dir = browser.install_playwright(build_dir, checks)
    server = fixture.Server(tilsyn, "sqlite")
    try:
        with open(server.config, encoding="utf-8") as f:
            current = f.read()
        checks.require("quality_report + 4 weeks" in current, "setup: the configuration's "
                       "board statement is due 4 weeks after the report")
        env = dict(BASE_URL=server.url,
                   ADMIN_TOKEN=server.tokens["admin"],
                   CHIEF_TOKEN=server.tokens["chief_syd"],
                   LEADER_TOKEN=server.tokens["leader_frydenlund"],
                   NEW_YAML=current.replace("quality_report + 4 weeks",
                                            "quality_report + 5 weeks"),
                   BAD_YAML=current.replace("quality_report + 4 weeks",
                                            "quality_report + 4 wekes"),
                   ARTIFACT_DIR=artifacts)
        browser.run_node(test_dir, "maintenance_pages_test.mjs", env, checks, 240,
                         server.serve.log_tail)
    finally:
        server.close()
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
