"""The long run of the generated bad registers (tests/test_bad_input.py): thousands of
examples instead of the few dozen of ``make test``.

    python tests/benchmarks/bench_bad_input.py [--examples 3000] [--publish]

``--publish`` records the count between ``<!-- fuzz:start -->`` and
``<!-- fuzz:end -->`` in docs/developer/benchmarks.md; ``make bench`` asks for it
(TOOLKIT_BENCH_PUBLISH=1).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

from publish import add_publish_option, replace_section  # noqa: E402

TEST = "tests/test_bad_input.py::test_generated_registers_are_always_explained"


def run(examples: int) -> tuple[int, str]:
    env = {**os.environ, "TOOLKIT_FUZZ_EXAMPLES": str(examples)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--hypothesis-show-statistics", TEST], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    return done.returncode, done.stdout + done.stderr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    add_publish_option(parser)
    args = parser.parse_args(argv)
    start = time.perf_counter()
    code, output = run(args.examples)
    elapsed = time.perf_counter() - start
    print(output)
    passing = re.search(r"(\d+) passing, (\d+) failing", output)
    tried = int(passing.group(1)) + int(passing.group(2)) if passing else 0
    verdict = "aucun plantage" if code == 0 else "ÉCHEC (voir la sortie de pytest)"
    text = (f"Registres mal formés générés et vérifiés par `check` et `status` : {tried} "
            f"({verdict}, {elapsed:.0f} s).")
    print(text)
    if args.publish and code == 0:
        replace_section("fuzz", text)
    return code


if __name__ == "__main__":
    sys.exit(main())
