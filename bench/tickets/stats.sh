#!/bin/sh
# Statistics page latency on a database of 100,000 seeded reports (bench/README.md).
#   bench/tickets/stats.sh            # 100,000 reports, 50 requests per page
#   REPORTS=20000 REQUESTS=20 bench/tickets/stats.sh
set -eu
cd "$(dirname "$0")/../.."
REPORTS=${REPORTS:-100000}
REQUESTS=${REQUESTS:-50}
WORK=${WORK:-bench/.work/tickets}
mkdir -p "$WORK"
cargo build --quiet --release -p respi-tickets
database="$WORK/stats-$REPORTS.sqlite3"
# The seeded database is kept between runs; remove it after a change of the migrations.
if [ ! -f "$database" ]; then
    python3 bench/tickets/seed.py "$database" --reports "$REPORTS" --seed 1 --until 2026-12-01
fi
python3 bench/tickets/stats.py --binary target/release/respi-tickets \
    --database "$database" --requests "$REQUESTS" --since 2024-12-01 --until 2026-11-30
