"""``toolkit intake`` of a 200-message mbox: first run (200 complaints registered, 200
dossiers) and second run (nothing registered), each the real command in a new process.

    python tests/benchmarks/bench_intake.py [--count 200] [--publish]

Goal: under 10 s for the first run. The mbox is written with the standard ``mailbox``
package (tests/helpers/mail_files.py). ``--publish`` replaces the lines between
``<!-- bench-intake:start -->`` and ``<!-- bench-intake:end -->`` in docs/developer/benchmarks.md;
``make bench`` asks for it (TOOLKIT_BENCH_PUBLISH=1).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

from helpers.mail_files import numbered_complaints, write_mbox  # noqa: E402
from helpers.register_files import toolkit_script  # noqa: E402
from publish import add_publish_option, replace_section  # noqa: E402

from toolkit.register.template import create_register  # noqa: E402

GOAL_S = 10.0


def timed_intake(register: Path, mbox: Path) -> tuple[float, str]:
    argv = [toolkit_script(), "intake", "--register", str(register), "--today", "2026-11-20",
            str(mbox)]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout.splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    add_publish_option(parser)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        register = create_register(folder / "registre.xlsx", [])
        mbox = write_mbox(folder / "Inbox.mbox", numbered_complaints(args.count))
        first, first_line = timed_intake(register, mbox)
        second, second_line = timed_intake(register, mbox)
    text = (f"`toolkit intake` d'un mbox de {args.count} courriels (nouveau processus) : "
            f"premier passage {first:.1f} s ({first_line}), second passage {second:.1f} s "
            f"({second_line}) ; objectif : moins de {GOAL_S:.0f} s.")
    if hasattr(os, "getloadavg"):  # the machine may be shared: say how busy it was
        text += (f" Charge moyenne de la machine pendant la mesure : {os.getloadavg()[0]:.1f} "
                 f"pour {os.cpu_count()} cœurs.")
    print(text)
    if args.publish:
        replace_section("bench-intake", text)
    return 0 if first < GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
