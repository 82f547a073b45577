#!/usr/bin/env bash
# What `make test` needs besides Rust: PostgreSQL on 127.0.0.1:5432 (the store runs its tests on
# both databases), Debian's headless Chromium (pages are tested in a real browser) and Python's
# feedparser and xmlschema (feeds and sitemaps are judged by parsers of another ecosystem).
# Node.js with the browser checks' packages (tests/e2e/browser).
# Starts or installs them where it can (as root with apt); otherwise says what is missing.
set -euo pipefail

pg_up() { (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; }
can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "$@" >/dev/null
}

if [ -z "${PORTAL_TEST_POSTGRES_URL:-}" ] && ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    can_apt || { echo "test-deps: PostgreSQL is not running on 127.0.0.1:5432 (or set PORTAL_TEST_POSTGRES_URL)" >&2; exit 1; }
    echo "test-deps: installing PostgreSQL"
    apt_install postgresql
  fi
  echo "test-deps: starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start || true
  for _ in $(seq 1 60); do pg_up && break; sleep 1; done
  pg_up || { echo "test-deps: PostgreSQL did not start" >&2; exit 1; }
fi
# Trust auth on loopback for the tests' role, as on the development machines.
if [ -z "${PORTAL_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null \
  && ! psql -h 127.0.0.1 -U postgres -d postgres -c 'select 1' >/dev/null 2>&1 && can_apt; then
  hba="$(ls /etc/postgresql/*/main/pg_hba.conf | sort -V | tail -1)"
  sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main reload
  sleep 1
fi

if [ -z "${CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  can_apt || { echo "test-deps: install Debian's chromium (or set CHROMIUM to a Chromium binary)" >&2; exit 1; }
  echo "test-deps: installing chromium"
  apt_install chromium
fi

# The accessibility checks (tests/e2e/accessibility.rs) drive that Chromium from Node with
# playwright-core and inject axe-core, both pinned in tests/e2e/browser/package-lock.json.
# playwright-core downloads no browser. Installed again only when the lock file changed.
browser_dir="$(cd "$(dirname "$0")/.." && pwd)/tests/e2e/browser"
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  can_apt || { echo "test-deps: install Node.js and npm (the browser checks run on Node)" >&2; exit 1; }
  echo "test-deps: installing nodejs and npm"
  apt_install nodejs npm
fi
if [ ! -f "$browser_dir/node_modules/.package-lock.json" ] \
  || [ "$browser_dir/package-lock.json" -nt "$browser_dir/node_modules/.package-lock.json" ] \
  || ! (cd "$browser_dir" && node -e "require.resolve('playwright-core'); require.resolve('axe-core')" 2>/dev/null); then
  echo "test-deps: installing the browser checks' Node packages (npm ci in tests/e2e/browser)"
  (cd "$browser_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

# Python's feedparser and xmlschema judge the hub's feeds and sitemaps (tests/e2e/feeds.rs runs
# tests/e2e/feeds_check.py with `python3`, or $PYTHON). Installed with that interpreter's pip;
# where pip may not install into it (Debian's own Python refuses, PEP 668), Debian's packages.
py="${PYTHON:-python3}"
py_ok() { "$py" -c 'import feedparser, xmlschema' >/dev/null 2>&1; }
if ! py_ok; then
  if command -v "$py" >/dev/null; then
    echo "test-deps: installing feedparser and xmlschema for $py"
    PIP_ROOT_USER_ACTION=ignore "$py" -m pip install --quiet --disable-pip-version-check \
      feedparser xmlschema >/dev/null 2>&1 || true
  fi
  if ! py_ok && can_apt; then
    echo "test-deps: installing Debian's python3-feedparser and python3-xmlschema"
    apt_install python3 python3-feedparser python3-xmlschema
  fi
  py_ok || { echo "test-deps: $py cannot import feedparser and xmlschema (pip install feedparser xmlschema, or set PYTHON)" >&2; exit 1; }
fi

# Scratch databases of earlier runs (each store and end-to-end test makes its own and drops it
# when it passes; a failed test keeps its database for inspection): drop them before this run
# makes new ones, so that they do not pile up on a development machine.
if [ -z "${PORTAL_TEST_POSTGRES_URL:-}" ] && command -v psql >/dev/null; then
  psql -h 127.0.0.1 -U postgres -d postgres -Atc \
    "select datname from pg_database where datname like 'portal\_store\_test\_%' or datname like 'portal\_e2e\_%'" 2>/dev/null |
    while read -r db; do
      psql -h 127.0.0.1 -U postgres -d postgres -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
    done
fi
