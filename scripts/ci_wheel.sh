#!/usr/bin/env bash
# CI step (called by .ci/run): the wheel as an office installs it.
#  1. build the wheel and check it carries the shipped files (put there by hatchling's
#     force-include, pyproject.toml) and no build script;
#  2. install it with its runtime dependencies only into a fresh venv outside the checkout,
#     and run the smoke test (every command, default encoding and cp850);
#  3. install the lowest versions the dependencies allow (uv --resolution lowest-direct)
#     into another venv and run the smoke test once more (cp850 only, to keep CI short).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
work=$(mktemp -d "${TMPDIR:-/tmp}/toolkit-ci-XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "== wheel"
"$PYTHON" -m pip wheel --quiet --no-deps . -w "$work/dist"
wheel=$(ls "$work"/dist/toolkit_reclamations-*.whl)
"$PYTHON" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
expected = {f"toolkit/resources/letters/{t}.docx"
            for t in ("accuse", "complements", "confirmation", "reponse", "suivi")}
expected |= {"toolkit/resources/notebooks/rapport_mensuel.ipynb",
             "toolkit/resources/register/exemple_registre.xlsx"}
missing = expected - set(names)
# A build script at the wheel's top (setup.py) or anywhere (the templates' builder), and the
# notebook's jupytext pair, are not shipped; toolkit/cli/commands/setup.py is a command module.
unwanted = [n for n in names if n.startswith(("tests/", "letters/", "notebooks/"))
            or n == "setup.py"
            or n.endswith(("build_templates.py", "rapport_mensuel.py"))]
assert not missing and not unwanted, (missing, unwanted)
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, shipped files present")
PY

echo "== runtime-only install, smoke test"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel"
if "$work/venv/bin/python" -m pip show pytest jupyterlab ruff papermill >/dev/null 2>&1; then
    echo "a development tool came with the runtime install" >&2; exit 1
fi
(cd "$work" && "$PYTHON" "$OLDPWD/scripts/smoke_installed.py" --toolkit "$work/venv/bin/toolkit")

echo "== lowest allowed versions of the direct dependencies, smoke test"
"$PYTHON" -m venv "$work/uv"
"$work/uv/bin/python" -m pip install --quiet uv
"$work/uv/bin/uv" venv --quiet --python "$PYTHON" "$work/lowest"
# The dependencies must be direct requirements for lowest-direct to apply to them.
"$work/uv/bin/uv" pip install --quiet --python "$work/lowest/bin/python" \
    --resolution lowest-direct -r pyproject.toml
"$work/uv/bin/uv" pip install --quiet --python "$work/lowest/bin/python" --no-deps "$wheel"
(cd "$work" && "$PYTHON" "$OLDPWD/scripts/smoke_installed.py" \
    --toolkit "$work/lowest/bin/toolkit" --only-encoding cp850)
