#!/bin/sh
# Report search latency of the reserved area on a synthetic database.
#
#   bench/tickets/search.sh              # 100,000 reports, 5 rounds of the query list
#   REPORTS=10000 ROUNDS=3 bench/tickets/search.sh
#
# Seeds the database once (bench/tickets/seed.py, kept in $WORK), then runs the `search`
# bench of respi-tickets (release profile): it rebuilds the search index, times the rebuild,
# and runs the fixed query list, printing median, p90, p99 and max latency.
set -eu
cd "$(dirname "$0")/../.."
REPORTS="${REPORTS:-100000}"
ROUNDS="${ROUNDS:-5}"
WORK="${WORK:-bench/.work/tickets}"
# Absolute: cargo runs the bench from the crate's folder.
DB="$(pwd)/$WORK/reports-$REPORTS.sqlite3"
mkdir -p "$WORK"
if [ ! -f "$DB" ]; then
    echo "Database di esempio con $REPORTS segnalazioni: $DB"
    python3 bench/tickets/seed.py "$DB" --reports "$REPORTS" --seed 1
fi
cargo bench --quiet -p respi-tickets --bench search -- "$DB" "$ROUNDS"
