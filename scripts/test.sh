#!/usr/bin/env bash
# Runs the whole test suite as CI does: installs missing system packages (as root), builds the solution in
# Release with warnings as errors, runs every test project, writes TRX files to artifacts/test-results and
# ends with one line "N passed, N failed, N skipped". Exits non-zero on any failure or when no test ran.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# Tests start their own PostgreSQL; a connection string from the environment must not leak into them.
unset ConnectionStrings__Samverkan

samverkan_require_package samverkan_has_postgres postgresql "PostgreSQL (server binaries initdb, pg_ctl, postgres)"
if [[ -d tests/Samverkan.Browser.Tests ]]; then
  samverkan_require_package samverkan_has_chromium chromium "Chromium (for the browser tests)"
  samverkan_require_package samverkan_has_node "nodejs npm" "Node.js and npm (the browser tests' OpenID Connect provider)"
fi

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

echo "==> Building (Release, warnings as errors)"
dotnet build Samverkan.sln -c Release -warnaserror -nologo -clp:NoSummary -v:q

echo "==> Testing"
set +e
dotnet test Samverkan.sln -c Release --no-build --nologo -v:q --logger "trx" --results-directory "$results"
test_status=$?
set -e

summary="$(python3 - "$results" <<'PY' 2>/dev/null || true
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("{*}ResultSummary/{*}Counters")
    if counters is None:
        continue
    get = lambda name: int(counters.get(name, "0"))
    passed += get("passed")
    failed += get("failed") + get("error") + get("timeout") + get("aborted")
    skipped += get("notExecuted")
print(f"{passed} {failed} {skipped}")
PY
)"
if [[ -z "$summary" ]]; then
  # No python3: count with grep over the same TRX counters.
  passed=0 failed=0 skipped=0
  for trx in "$results"/*.trx; do
    [[ -e $trx ]] || continue
    counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n1)"
    value() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$counters"; }
    passed=$((passed + $(value passed)))
    failed=$((failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted)))
    skipped=$((skipped + $(value notExecuted)))
  done
  summary="$passed $failed $skipped"
fi
read -r passed failed skipped <<<"$summary"

echo "TRX files: $results"
echo "$passed passed, $failed failed, $skipped skipped"
if [[ $test_status -ne 0 || $failed -ne 0 ]]; then
  exit 1
fi
if [[ $passed -eq 0 ]]; then
  echo "error: no test ran" >&2
  exit 1
fi
