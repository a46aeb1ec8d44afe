#!/usr/bin/env bash
# Runs Samverkan on this machine: the host on http://localhost:5080 with a private PostgreSQL server
# (unless ConnectionStrings__Samverkan is set). Extra arguments go to the host, e.g. --urls http://127.0.0.1:6000.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib.sh
source "$root/scripts/lib.sh"

if [[ -z "${ConnectionStrings__Samverkan:-}" ]]; then
  samverkan_require_package samverkan_has_postgres postgresql "PostgreSQL (server binaries initdb, pg_ctl, postgres)" || {
    echo "  or point Samverkan at an existing server: export ConnectionStrings__Samverkan='Host=...;Database=samverkan;Username=...;Password=...'" >&2
    exit 1
  }
fi

export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
exec dotnet run --project "$root/src/Samverkan.Host" --launch-profile http -- "$@"
