#!/usr/bin/python3
"""Write a synthetic Tilsyn configuration for benchmarks and tests.

    bench/make_config.py [--institutions N] [--out FILE] [--csv]
                         [--transport T] [--sender S] [--first CYCLE=DATE] [--drop-cycle CYCLE]

Same organisation, calendar, mail and cycles as config/aarhus.yaml (the cycles block is read
from it), 20 areas area-01..area-20 and N institutions inst-00001... with kinds cycling
school/daycare/youth, one flow-style mapping per line. With --csv the institutions go to
NAME.csv beside FILE (header id,name,kind,area,leader_name,leader_email,board_name,board_email;
RFC 4180 quoting, CRLF) and the config says `institutions_csv: NAME.csv`. The other options
edit the result: another mail transport or sender, a cycle's first start moved, a cycle left
out. Deterministic: the same arguments give the same bytes. The generator is
tests/support/config.py (write_big_config); this is its command line.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
from support import config  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--institutions", type=int, default=10000, metavar="N")
    parser.add_argument("--out", default="tilsyn-bench.yaml", metavar="FILE")
    parser.add_argument("--csv", action="store_true",
                        help="put the institutions in NAME.csv beside FILE")
    config.add_edit_arguments(parser)
    args = parser.parse_args(argv)
    if not 0 <= args.institutions <= config.MAX_INSTITUTIONS:
        parser.error(f"--institutions must be between 0 and {config.MAX_INSTITUTIONS}")
    config.write_big_config(args.out, args.institutions, args.csv)
    try:
        config.apply_edit_arguments(args.out, args)
    except ValueError as e:
        parser.error(str(e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
