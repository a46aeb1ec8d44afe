#!/usr/bin/env bash
# Runs the end-to-end benchmarks and prints a table: scripts/bench.sh [--quick] [scenario ...]
# Scenarios: ingest, alerts (default: all). Needs the PostgreSQL server binaries (installed when missing and root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
  else
    echo "PostgreSQL server binaries are missing: sudo apt-get install postgresql postgresql-contrib" >&2
    exit 1
  fi
fi
# The host runs as deployed (deploy/Dockerfile): published with ReadyToRun, workstation GC.
rid="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')"
echo "Publishing the host (Release, ReadyToRun, $rid) to artifacts/bench-host"
dotnet publish src/Samverkan.Host/Samverkan.Host.csproj -c Release -r "$rid" --self-contained false \
  -p:PublishReadyToRun=true -p:UseAppHost=false -o artifacts/bench-host -nologo -v:q >/dev/null
export SAMVERKAN_BENCH_HOST="$PWD/artifacts/bench-host/Samverkan.Host.dll"
exec dotnet run -c Release --project benchmarks/Samverkan.Benchmarks -- "$@"
