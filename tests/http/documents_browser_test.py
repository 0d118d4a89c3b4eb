"""Documents in a real browser: a leader uploads a PDF with the quality report through the
cycle page's form, the area chief finds it under »Dokumenter« (type, size, date) and downloads
it, and the download is the same bytes; then the API shows the one document with its SHA-256.

    /usr/bin/python3 tests/http/documents_browser_test.py BUILD/tilsyn BUILD_DIR

Screenshots (1366 and 390 px) go to $TILSYN_ARTIFACTS (default BUILD_DIR/test-artifacts).
Exits 77 (skipped) without Chromium, node or npm, unless TILSYN_REQUIRE_BROWSER=1.
"""
import hashlib
import os
import random
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
    require = checks.require
    test_dir = browser.install_playwright(build_dir, checks)

    server = fixture.Server(tilsyn, "sqlite")
    try:
        rng = random.Random(16)
        content = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" +
                   rng.randbytes(300_000) + b"\n%%EOF\n")
        pdf_path = os.path.join(server.tmp, "Kvalitetsrapport 2026.pdf")
        with open(pdf_path, "wb") as f:
            f.write(content)
        cycle = server.cycle["frydenlund"]
        # Nordskolen's plan approved, for the public page (without login).
        server.drive_to_plan_approval("nordskole", "leader_nordskole", "chief_nord")
        status, answer = server.event("nordskole", "chief_nord", "plan_approved", {})
        require(status == 200, "api: Nordskolen's plan is approved", answer)
        env = dict(BASE_URL=server.url,
                   LEADER_TOKEN=server.tokens["leader_frydenlund"],
                   CHIEF_TOKEN=server.tokens["chief_syd"],
                   CYCLE_ID=cycle,
                   PDF_PATH=pdf_path,
                   ARTIFACT_DIR=artifacts)
        browser.run_node(test_dir, "documents_browser_test.mjs", env, checks, 200,
                         server.serve.log_tail)
        status, body = server.api("GET", f"/api/v1/cycles/{cycle}", "admin")
        require(status == 200, "api: the cycle answers 200", status)
        documents = body["documents"]
        require(len(documents) == 1, "api: the cycle has the one document uploaded", documents)
        require(documents[0]["sha256"] == hashlib.sha256(content).hexdigest(),
                "api: the stored document is the uploaded file (SHA-256)", documents[0])
        require(documents[0]["type"] == "application/pdf", "api: its type is PDF", documents[0])
        require(body["state"] == "AwaitingBoardStatement",
                "api: the report was recorded with it", body["state"])
    finally:
        server.close()
    print(f"# screenshots in {artifacts}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
