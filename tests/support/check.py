"""Check lines for the process tests, in the form the suite prints everywhere:

    ok - WHAT
    not ok - WHAT
        | detail line
        | ...

and the skip convention: exit status 77 (ctest's SKIP_RETURN_CODE) when something the test
needs is missing, unless an environment variable says it is required.
"""
import os
import sys

SKIP = 77
DETAIL_LINES = 20


class Checks:
    """Counts checks; prints one line each, with up to DETAIL_LINES lines of detail on failure."""

    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        """Prints the check; returns whether it passed."""
        print(("ok - " if ok else "not ok - ") + what, flush=True)
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            for line in str(detail).splitlines()[:DETAIL_LINES]:
                print("    | " + line, flush=True)
        return bool(ok)

    def require(self, ok, what, detail=""):
        """A check the rest depends on: when it fails, the script ends with exit status 1."""
        if not self.check(ok, what, detail):
            sys.exit(1)

    def exit_code(self):
        """Prints "# N failed"; returns 0 when nothing failed, else 1."""
        print(f"# {self.failed} failed", flush=True)
        return 1 if self.failed else 0


def skip_unless_required(message, required_by, hint=""):
    """Ends the script because `message` (something it needs is missing): exit 77 (skipped),
    or exit 1 when the environment variable `required_by` is 1."""
    if os.environ.get(required_by) == "1":
        print(f"not ok - {message} ({required_by}=1){'; ' + hint if hint else ''}", flush=True)
        sys.exit(1)
    print(f"skipped: {message}; set {required_by}=1 to make this a failure", flush=True)
    sys.exit(SKIP)
