#!/usr/bin/env bash
# Load benchmark of the reserved area: 50 signed-in clients over a database of 100,000 reports,
# on the list, show, search and file pages at once, each kind with its own latency figures.
#
#   bench/tickets/load.sh                      # 100,000 reports, 20 s of load
#   REPORTS=20000 DURATION=10 bench/tickets/load.sh
#
# Installs wrk (Debian) when missing, builds the service in release mode, seeds the database
# with bench/tickets/seed.py, starts `respi-tickets serve --demo` on a free loopback port, signs
# the clients in through the login form (sessions.py) and runs one wrk per kind of page, all at
# the same time: list 20 clients, show 20, search 5, file 5. Then the same with the file load
# alone, once with durable commits (synchronous=FULL, the default) and once without (NORMAL),
# to show what durability costs. The peer of every figure is /healthz under the same load: the
# service's own floor. Everything stops by itself; files stay in bench/.work/tickets-load.
set -euo pipefail
cd "$(dirname "$0")/../.."

REPORTS="${REPORTS:-100000}"
DURATION="${DURATION:-20}"
WORK="${WORK:-bench/.work/tickets-load}"

if ! command -v wrk >/dev/null; then
  echo "Installazione di wrk (Debian)…" >&2
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q wrk >/dev/null
fi
cargo build --release --quiet -p respi-tickets
rm -rf "$WORK" && mkdir -p "$WORK/data" "$WORK/content"
# The seeded database is kept between runs (remove it after a change of the migrations); each
# run works on a copy, since the demo adds its accounts and filings to it.
seeded="bench/.work/tickets/load-$REPORTS.sqlite3"
if [ ! -f "$seeded" ]; then
  echo "Database di prova con $REPORTS segnalazioni…" >&2
  mkdir -p "$(dirname "$seeded")"
  python3 bench/tickets/seed.py "$seeded" --reports "$REPORTS" --seed 1 --until 2026-12-01 >&2
fi
cp "$seeded" "$WORK/data/tickets-demo.sqlite3"

server_pid=""
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null; server_pid=""; }
trap stop_server EXIT

# Starts the service (extra settings as arguments: NAME=VALUE) and sets $base and $accounts.
start_server() {
  local log="$WORK/server.log"
  env RESPI_TICKETS_DATABASE="$WORK/data/tickets.sqlite3" \
    RESPI_TICKETS_CONTENT_DIR="$WORK/content" \
    RESPI_TICKETS_SITE_CONFIG=site.toml \
    RESPI_TICKETS_STATIC_DIR=themes/respi/static \
    RESPI_TICKETS_REPORTS__ATTACHMENT_DIR="$WORK/data/attachments" \
    RESPI_TICKETS_BIND=127.0.0.1:0 \
    RESPI_TICKETS_LOGIN__IP_BURST=1000 \
    RESPI_TICKETS_LOGIN__SECOND_FACTOR_ROLES='[]' \
    RUST_LOG=error "$@" \
    target/release/respi-tickets serve --demo >"$log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 600); do
    grep -q "in ascolto su" "$log" && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.1
  done
  base="$(sed -n 's/^Area riservata in ascolto su \(http:[^ ]*\)\/$/\1/p' "$log")"
  accounts="$(awk '$1 == "demo.sportello" || $1 == "demo.coordinamento" { printf "%s%s:%s", sep, $1, $2; sep = "," }' "$log")"
}

# Runs one wrk per "kind:clients" argument at the same time; prints their RESULT lines.
run_load() {
  local pids=() kind clients
  for spec in "$@"; do
    kind="${spec%%:*}"; clients="${spec##*:}"
    local who="$WORK/sessions.txt"
    [ "$kind" = file ] && who="$WORK/file-sessions.txt"
    wrk -t1 -c"$clients" -d"${DURATION}s" --timeout 10s -s bench/tickets/load.lua "$base" \
      -- "$kind" "$who" "$WORK/file-bodies.txt" >"$WORK/wrk-$kind.txt" 2>&1 &
    pids+=($!)
  done
  wait "${pids[@]}"
  for spec in "$@"; do
    grep '^RESULT' "$WORK/wrk-${spec%%:*}.txt" | sed "s/^RESULT - /RESULT ${spec%%:*} /"
  done
}

print_table() {
  printf '%-8s %9s %9s %9s %9s %9s %9s %7s\n' pagina richieste "al sec." "p50 ms" "p90 ms" "p99 ms" "max ms" errori
  awk '{ printf "%-8s %9d %9.1f %9.2f %9.2f %9.2f %9.2f %7d\n", $2, $3, $4, $5, $6, $7, $8, $9 }'
}

start_server
python3 bench/tickets/sessions.py "$base" "$accounts" --clients 50 --out "$WORK"
echo "== Carico misto: 50 clienti per ${DURATION} s su $REPORTS segnalazioni (synchronous=FULL)"
mixed="$(run_load list:20 show:20 search:5 file:5)"
echo "$mixed" | print_table
floor="$(run_load health:50)"
echo "$floor" | print_table
p99() { echo "$1" | awk -v k="$2" '$2 == k { print $7 }'; }
errors="$(echo "$mixed" | awk '{ s += $9 } END { print s }')"
awk -v l="$(p99 "$mixed" list)" -v s="$(p99 "$mixed" show)" -v h="$(p99 "$floor" health)" -v e="$errors" 'BEGIN {
  printf "p99 elenco %.1f ms, scheda %.1f ms (obiettivo < 50 ms); /healthz da solo %.1f ms: rapporto elenco/healthz %.1f\n", l, s, h, l / h
  printf "errori: %d (obiettivo 0)\n", e
}'

echo "== Solo invio di segnalazioni, 10 clienti: costo di synchronous=FULL rispetto a NORMAL"
full="$(run_load file:10)"
stop_server
start_server RESPI_TICKETS_POOL__DURABLE_COMMITS=false
python3 bench/tickets/sessions.py "$base" "$accounts" --clients 10 --out "$WORK"
normal="$(run_load file:10)"
stop_server
{ echo "$full" | sed 's/RESULT file/RESULT FULL/'; echo "$normal" | sed 's/RESULT file/RESULT NORMAL/'; } | print_table
awk -v f="$(echo "$full" | awk '{ print $4 }')" -v n="$(echo "$normal" | awk '{ print $4 }')" \
  'BEGIN { printf "invii al secondo FULL/NORMAL: %.2f\n", f / n }'
