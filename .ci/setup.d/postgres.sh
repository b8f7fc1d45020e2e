# Sourced by .ci/run (set -euo pipefail, as root, from the repository root).
# Installs PostgreSQL from Debian's packages, starts a throw-away server on 127.0.0.1 and
# exports IVR_TEST_DATABASE_URL so the record tests run against it as well as SQLite.

export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql >/dev/null; }; then
  ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || { echo "cannot install postgresql" >&2; exit 1; }
  echo "apt-get failed; using the PostgreSQL already installed" >&2
fi

pg_bin="$(dirname "$(ls -d /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")"
pg_dir="$(mktemp -d /tmp/ivr-pg.XXXXXX)"
pg_port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
chown postgres:postgres "$pg_dir"
runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust \
  --encoding=UTF8 --no-locale >/dev/null
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $pg_dir -c fsync=off" start >/dev/null
runuser -u postgres -- "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ivr_test
export IVR_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$pg_port/ivr_test"
echo "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port (data in $pg_dir)"
unset pg_bin pg_dir pg_port
