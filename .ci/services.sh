#!/usr/bin/env bash
# Installs and starts the servers the integration tests of `orderflow serve` use, on
# loopback only, and wrk for bench/serve.sh:
#   PostgreSQL  127.0.0.1:55432, role orderflow / orderflow, database erp (an "ERP" the
#               scheduled pull queries; the tests create their own schema in it)
#   SMTP        aiosmtpd (testdata/serve/smtpd.py): STARTTLS on 127.0.0.1:2525 and
#               implicit TLS on 127.0.0.1:2465, AUTH LOGIN/PLAIN as orderflow /
#               orderflow-smtp, a self-signed certificate ($DIR/smtp/cert.pem), every
#               message saved in the maildir $DIR/maildir
# DIR is $ORDERFLOW_SERVICES_DIR, default /tmp/orderflow-services; the tests read the
# same defaults (internal/servicetest). Idempotent: a server already answering is left
# as it is. `bash .ci/services.sh stop` stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${ORDERFLOW_SERVICES_DIR:-/tmp/orderflow-services}
PG_PORT=55432
SMTP_PORT=2525
SMTPS_PORT=2465
mkdir -p "$DIR"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

# PostgreSQL refuses to run as root: as root, run it as the postgres user.
as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop() {
  if [ -f "$DIR/smtp/smtpd.pid" ]; then kill "$(cat "$DIR/smtp/smtpd.pid")" 2>/dev/null || true; rm -f "$DIR/smtp/smtpd.pid"; fi
  if [ -d "$DIR/pg/data" ]; then as_pg "$(pg_bin)/pg_ctl" -D "$DIR/pg/data" -m fast stop >/dev/null 2>&1 || true; fi
}
if [ "${1:-}" = "stop" ]; then stop; exit 0; fi

echo "== services: installing postgresql, python3-aiosmtpd, wrk"
missing=()
[ -n "$(pg_bin)" ] || missing+=(postgresql)
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || missing+=(python3-aiosmtpd)
command -v wrk >/dev/null || missing+=(wrk)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >/dev/null
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

echo "== services: PostgreSQL on 127.0.0.1:$PG_PORT"
if ! listening "$PG_PORT"; then
  BIN=$(pg_bin)
  mkdir -p "$DIR/pg"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$DIR/pg"; fi
  if [ ! -f "$DIR/pg/data/PG_VERSION" ]; then
    as_pg "$BIN/initdb" -D "$DIR/pg/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi
  as_pg "$BIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/postgres.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $DIR/pg" start >/dev/null
  psql() { as_pg "$BIN/psql" -h "$DIR/pg" -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ -z "$(psql -c "SELECT 1 FROM pg_roles WHERE rolname = 'orderflow'")" ]; then
    psql -c "CREATE ROLE orderflow LOGIN PASSWORD 'orderflow'"
  fi
  if [ -z "$(psql -c "SELECT 1 FROM pg_database WHERE datname = 'erp'")" ]; then
    psql -c "CREATE DATABASE erp OWNER orderflow"
  fi
fi

echo "== services: SMTP on 127.0.0.1:$SMTP_PORT (STARTTLS) and :$SMTPS_PORT (TLS)"
if ! listening "$SMTP_PORT"; then
  mkdir -p "$DIR/smtp" "$DIR/maildir"
  if [ ! -f "$DIR/smtp/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=localhost" \
      -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
      -keyout "$DIR/smtp/key.pem" -out "$DIR/smtp/cert.pem" 2>/dev/null
  fi
  nohup /usr/bin/python3 testdata/serve/smtpd.py --port "$SMTP_PORT" --tls-port "$SMTPS_PORT" \
    --cert "$DIR/smtp/cert.pem" --key "$DIR/smtp/key.pem" --maildir "$DIR/maildir" \
    --pidfile "$DIR/smtp/smtpd.pid" >"$DIR/smtp/smtpd.log" 2>&1 &
  for _ in $(seq 1 50); do
    listening "$SMTP_PORT" && listening "$SMTPS_PORT" && break
    sleep 0.2
  done
  if ! listening "$SMTP_PORT"; then
    echo "services: the SMTP server did not start; its log:" >&2
    cat "$DIR/smtp/smtpd.log" >&2
    exit 1
  fi
fi

cat >"$DIR/services.env" <<ENV
ORDERFLOW_TEST_PG_DSN=postgres://orderflow:orderflow@127.0.0.1:$PG_PORT/erp?sslmode=disable
ORDERFLOW_TEST_SMTP=127.0.0.1:$SMTP_PORT
ORDERFLOW_TEST_SMTPS=127.0.0.1:$SMTPS_PORT
ORDERFLOW_TEST_SMTP_CA=$DIR/smtp/cert.pem
ORDERFLOW_TEST_MAILDIR=$DIR/maildir
ENV
echo "== services: ready (settings in $DIR/services.env)"
