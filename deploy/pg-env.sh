# Sourced by backup.sh and restore.sh: reads the portal's environment file and turns
# DATABASE_URL into libpq's PG* variables, so the password never appears on a command line
# (where `ps` shows it to every user of the host).
# shellcheck shell=bash

# load_env_file FILE: the systemd EnvironmentFile (deploy/env.example), as shell variables.
load_env_file() {
  [ -r "$1" ] || { echo "Cannot read $1" >&2; exit 2; }
  set -a
  # shellcheck disable=SC1090
  . "$1"
  set +a
}

# pg_env_from_url URL: exports PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (and PGSSLMODE
# from ?sslmode=) from a postgres:// URL. Python parses it: percent-encoded passwords, IPv6
# hosts and a socket directory as the host all follow the URL rules Django's settings use.
pg_env_from_url() {
  local exports
  exports=$(python3 - "$1" <<'PY'
import shlex
import sys
from urllib.parse import parse_qs, unquote, urlsplit

url = urlsplit(sys.argv[1])
if url.scheme not in ("postgres", "postgresql", "pgsql"):
    sys.exit(f"DATABASE_URL must be a postgres:// URL (this script backs up PostgreSQL), not {url.scheme}://")
values = {
    "PGHOST": unquote(url.hostname or ""),
    "PGPORT": str(url.port or ""),
    "PGUSER": unquote(url.username or ""),
    "PGPASSWORD": unquote(url.password or ""),
    "PGDATABASE": unquote(url.path.lstrip("/")),
    "PGSSLMODE": parse_qs(url.query).get("sslmode", [""])[0],
}
if not values["PGDATABASE"]:
    sys.exit("DATABASE_URL names no database")
for name, value in values.items():
    if value:
        print(f"export {name}={shlex.quote(value)}")
PY
  ) || exit 2
  eval "$exports"
}
