"""What the browser tests share (dashboard_test.py, demo_words_test.py): whether Chromium, node
and npm are there (exit 77 otherwise, unless TILSYN_REQUIRE_BROWSER=1), playwright-core
installed from tests/http/package-lock.json into BUILD_DIR/browser-test (never into the source
tree), the screenshot folder, and running one of the .mjs scripts with node.
"""
import hashlib
import os
import shutil
import subprocess

from support.check import skip_unless_required

HERE = os.path.dirname(os.path.abspath(__file__))
CHROMIUM = os.environ.get("TILSYN_CHROMIUM", "/usr/bin/chromium")


def missing_tools():
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(CHROMIUM)
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            missing.append(tool)
    return missing


def skip_without_browser():
    """Exit 77 (or 1 with TILSYN_REQUIRE_BROWSER=1) when Chromium, node or npm is missing."""
    missing = missing_tools()
    if missing:
        skip_unless_required(f"the browser test needs {', '.join(missing)}, which is missing",
                             "TILSYN_REQUIRE_BROWSER", "see scripts/install-deps")


def artifact_dir(build_dir):
    """$TILSYN_ARTIFACTS, or BUILD_DIR/test-artifacts; made if missing."""
    artifacts = os.path.abspath(os.environ.get("TILSYN_ARTIFACTS")
                                or os.path.join(build_dir, "test-artifacts"))
    os.makedirs(artifacts, exist_ok=True)
    return artifacts


def install_playwright(build_dir, checks):
    """npm ci of tests/http/package-lock.json into BUILD_DIR/browser-test, skipped when that
    lock is already installed there. Returns the directory, which also gets the .mjs scripts
    (node resolves `import 'playwright-core'` next to the script, not the working directory)."""
    dest = os.path.join(build_dir, "browser-test")
    os.makedirs(dest, exist_ok=True)
    digest = hashlib.sha256()
    for name in ("package.json", "package-lock.json"):
        with open(os.path.join(HERE, name), "rb") as f:
            digest.update(f.read())
        shutil.copyfile(os.path.join(HERE, name), os.path.join(dest, name))
    for name in os.listdir(HERE):
        if name.endswith(".mjs"):
            shutil.copyfile(os.path.join(HERE, name), os.path.join(dest, name))
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


def run_node(test_dir, script, env, checks, timeout, log_tail):
    """Runs TEST_DIR/SCRIPT with node, the environment `env` added (CHROMIUM too), and requires
    that it passes within `timeout` seconds; log_tail() is the server's log, shown on failure."""
    env = dict(os.environ, CHROMIUM=CHROMIUM, **env)
    try:
        node = subprocess.run(["node", os.path.join(test_dir, script)], env=env, cwd=test_dir,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        checks.require(False, f"{script} finishes within {timeout} s")
    checks.require(node.returncode == 0, f"{script} passes",
                   f"exit {node.returncode}; serve's log ends:\n{log_tail()}")
