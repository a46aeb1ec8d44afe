#!/usr/bin/env bash
# Shared by scripts/run.sh and scripts/test.sh: make sure the system packages the project needs are there.
# Installs with apt-get when running as root on Debian/Ubuntu; otherwise says exactly what to run.

# True when PostgreSQL's server binaries (initdb, pg_ctl, postgres) can be found the way the host finds them.
samverkan_has_postgres() {
  local dir
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    return 0
  fi
  if command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    if [[ -n "$dir" && -x "$dir/initdb" && -x "$dir/postgres" ]]; then
      return 0
    fi
  fi
  for dir in /usr/lib/postgresql/*/bin; do
    if [[ -x "$dir/initdb" && -x "$dir/postgres" ]]; then
      return 0
    fi
  done
  return 1
}

samverkan_apt_updated=0
samverkan_apt_install() {
  if [[ $samverkan_apt_updated -eq 0 ]]; then
    apt-get update -qq
    samverkan_apt_updated=1
  fi
  # policy-rc.d keeps Debian from starting the postgresql cluster service: Samverkan runs its own private server.
  local policy=/usr/sbin/policy-rc.d created_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod +x "$policy"
    created_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
  local status=$?
  if [[ $created_policy -eq 1 ]]; then
    rm -f "$policy"
  fi
  return $status
}

# samverkan_require_package CHECK_COMMAND "DEBIAN_PACKAGE..." WHAT (one package, or several separated by spaces)
samverkan_require_package() {
  local check=$1 package=$2 what=$3
  local -a packages
  read -ra packages <<<"$package"
  if $check; then
    return 0
  fi
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "==> $what is missing: installing the Debian package '$package'"
    samverkan_apt_install "${packages[@]}"
    if $check; then
      return 0
    fi
    echo "error: installed '$package' but $what is still not found." >&2
    return 1
  fi
  echo "error: $what is missing." >&2
  echo "  Debian/Ubuntu: sudo apt-get install -y $package" >&2
  echo "  (then run this script again)" >&2
  return 1
}

samverkan_has_chromium() {
  command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]
}

# Node.js and npm: the browser tests start a real OpenID Connect provider (npm's oidc-provider) with them.
samverkan_has_node() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1
}
