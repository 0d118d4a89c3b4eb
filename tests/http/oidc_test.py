"""Sign-in with the municipality's accounts, in a real browser against a real OpenID provider:
npm oidc-provider (tests/http/oidc_provider.mjs) on loopback, started by oidc_test.mjs, and a
`tilsyn serve` whose configuration names it (auth.oidc). A configured person signs in and lands
on the overview; an unknown person gets a Danish page naming whom to ask; a wrong audience, an
expired ID token, a bad signature, a wrong nonce and a replayed state are refused; a rotated
signing key is fetched and works. Then the log and /metrics are checked: each refusal logged
with its reason and counted, no token in the log.

    /usr/bin/python3 tests/http/oidc_test.py BUILD/tilsyn BUILD_DIR
"""
import os
import re
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))  # tests/

import browser  # noqa: E402
from support import api  # noqa: E402
from support.check import Checks  # noqa: E402
from support.cli import Tilsyn  # noqa: E402
from support.config import overdue_start, small_config  # noqa: E402
from support.ports import free_port  # noqa: E402
from support.serve import Serve  # noqa: E402

CLIENT_ID = "tilsyn-test"
SECRET_ENV = "TILSYN_TEST_OIDC_SECRET"


def main():
    tilsyn, build_dir = (os.path.abspath(a) for a in sys.argv[1:3])
    browser.skip_without_browser()
    artifacts = browser.artifact_dir(build_dir)
    checks = Checks()
    require = checks.require
    test_dir = browser.install_playwright(build_dir, checks)

    tmp = tempfile.mkdtemp(prefix="tilsyn-oidc-")
    serve_port, provider_port = free_port(), free_port()
    base = f"http://127.0.0.1:{serve_port}"
    issuer = f"http://127.0.0.1:{provider_port}"
    secret = "s3cret-" + os.urandom(8).hex()
    config = small_config(overdue_start()).replace('dashboard_url: "http://127.0.0.1:8080"',
                                                   f'dashboard_url: "{base}"')
    config += (f"auth:\n  oidc: {{ issuer: \"{issuer}\", client_id: {CLIENT_ID}, "
               f"client_secret_env: {SECRET_ENV}, scopes: [openid, email], claim: email }}\n")
    path = os.path.join(tmp, "config.yaml")
    with open(path, "w", encoding="utf-8") as f:
        f.write(config)
    os.makedirs(os.path.join(tmp, "mail"))
    cli = Tilsyn(tilsyn, path, "sqlite:" + os.path.join(tmp, "t.db"))
    cli.run("migrate")
    os.environ[SECRET_ENV] = secret
    serve = Serve(cli, tmp, listen=f"127.0.0.1:{serve_port}")
    try:
        serve.start()
        env = dict(BASE_URL=base, ISSUER=issuer, PROVIDER_PORT=str(provider_port),
                   CLIENT_ID=CLIENT_ID, CLIENT_SECRET=secret,
                   REDIRECT_URI=base + "/login/oidc/callback", ARTIFACT_DIR=artifacts,
                   PERSON="chief.syd@example.dk", STRANGER="fremmed@example.dk",
                   DIRECTOR="director@example.dk")
        browser.run_node(test_dir, "oidc_test.mjs", env, checks, 240, serve.log_tail)

        log = serve.log_tail(10**7)
        for reason in ["the ID token is meant for another client (aud)",
                       "the ID token has expired (exp)",
                       "the ID token's signature is not valid",
                       "the ID token's nonce is not the one this sign-in sent",
                       "the state is not the one this browser started",
                       "fremmed@example.dk is not an active person of the directory"]:
            checks.check(f"at /login/oidc/callback: {reason}" in log,
                         f"serve logs the refusal: {reason}")
        checks.check("signed in with the provider: chief.syd@example.dk (area_chief)" in log,
                     "serve logs the sign-in")
        checks.check(secret not in log and not re.search(r"eyJ[A-Za-z0-9_-]{20,}", log),
                     "no client secret or token in the log")
        _, _, metrics = api.request(serve_port, "GET", "/metrics")
        failed = int(re.search(r"^tilsyn_sign_ins_failed_total (\d+)$", metrics, re.M).group(1))
        checks.check(failed >= 6, "the refused sign-ins are counted in /metrics", failed)
        checks.check(serve.stop() == 0, "serve stops cleanly")
    finally:
        serve.close()
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"# screenshots in {artifacts}", flush=True)
    return checks.exit_code()


if __name__ == "__main__":
    sys.exit(main())
