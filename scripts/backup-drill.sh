#!/usr/bin/env bash
# The backup and restore drill (docs/operations.md, "Backup and restore"): a Samverkan host under load on a private
# PostgreSQL server that archives its WAL; a base backup (pg_basebackup) taken while the load goes on; a restore point
# after a known set of acknowledged registrations; more load; the deployment lost. The backup is restored to a new
# server up to the restore point, a new host is started on it, and the drill checks that every registration
# acknowledged before the point is there exactly once (and none sent after it), that the audit chain verifies, and that
# a deadline pending in the backup fires on the restored host. Prints a table of the results; exits non-zero on any
# failure. Every process it starts (PostgreSQL servers, hosts) is stopped when it ends, and its folders are deleted.
#
# The drill is the test BackupDrillTests in tests/Samverkan.Host.Tests (so the test suite runs it too); this script
# installs what it needs (as root: postgresql), builds in Release and runs that one test with its output shown.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# The drill starts its own PostgreSQL servers; a connection string from the environment must not leak into it.
unset ConnectionStrings__Samverkan

samverkan_require_package samverkan_has_postgres postgresql "PostgreSQL (server binaries initdb, pg_ctl, postgres, pg_basebackup)"

echo "==> Building (Release, warnings as errors)"
dotnet build tests/Samverkan.Host.Tests -c Release -warnaserror -nologo -clp:NoSummary -v:q

# The drill stops what it starts; if it is interrupted (Ctrl+C) or killed, this stops what it left: it writes each
# process it starts (PostgreSQL servers, hosts) and its folder into this file.
export SAMVERKAN_DRILL_LEFTOVERS
SAMVERKAN_DRILL_LEFTOVERS="$(mktemp)"
stop_leftovers() {
  local kind value
  local -A stopped=()
  local -a hosts=() servers=() folders=()
  while read -r kind value; do
    case $kind in
      stopped) stopped[$value]=1 ;;
      host) hosts+=("$value") ;;
      postgres) servers+=("$value") ;;
      folder) folders+=("$value") ;;
    esac
  done <"$SAMVERKAN_DRILL_LEFTOVERS"
  for value in "${hosts[@]}"; do
    [[ -n ${stopped[$value]:-} ]] || kill -KILL "$value" 2>/dev/null || true
  done
  for value in "${servers[@]}"; do
    [[ -n ${stopped[$value]:-} ]] || kill -INT "$value" 2>/dev/null || true # fast shutdown
  done
  for value in "${servers[@]}"; do
    [[ -z ${stopped[$value]:-} ]] || continue
    for _ in $(seq 1 300); do kill -0 "$value" 2>/dev/null || break; sleep 0.1; done
  done
  for value in "${folders[@]}"; do
    if [[ $value == */samverkan-drill-* && -d $value ]]; then
      rm -rf -- "$value"
    fi
  done
  rm -f -- "$SAMVERKAN_DRILL_LEFTOVERS"
}
trap stop_leftovers EXIT

echo "==> Backup drill"
dotnet test tests/Samverkan.Host.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~Samverkan.Host.Tests.BackupDrillTests" \
  --logger "console;verbosity=detailed"
