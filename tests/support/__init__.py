"""Support for Tilsyn's process-level tests and benchmarks: the helpers the HTTP, reliability
and bench scripts share, one implementation of each.

  support.ports     a free loopback port
  support.check     "ok - ..." / "not ok - ..." check lines, skipping (exit 77)
  support.cli       the `tilsyn` binary on one configuration and database
  support.database  SQLite or a fresh PostgreSQL database for a test
  support.serve     starting, restarting, killing and stopping `tilsyn serve`
  support.api       HTTP requests to a running `serve`
  support.smtp      an aiosmtpd server that records what it receives
  support.mail      reading delivered messages (a Maildir or a folder of .eml files)
  support.config    configuration generation (small test world, large synthetic ones)

Scripts put the tests/ folder on sys.path before importing the package:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

Shell scripts source tests/support/lib.sh, which runs these modules with `support_py MODULE`.
Standard library only, except support.smtp (aiosmtpd) and what the tests themselves import.
The Debian Python (/usr/bin/python3) runs them: that is where aiosmtpd and icalendar are.
"""
import os

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCE_DIR = os.path.dirname(TESTS_DIR)
PYTHON = "/usr/bin/python3"
