#!/usr/bin/env bash
# Build benchmark: `respi build` (with its built-in search index) against `hugo` followed by
# the `pagefind` CLI, on the same generated corpus (bench/corpus.py).
#
#   bench/build.sh                 # 1,000 and 10,000 pages
#   bench/build.sh 1000            # one size
#   RUNS=5 bench/build.sh 1000     # more runs per tool (at least 3)
#
# Environment: RUNS (timed runs per tool, default 3), SEED (corpus seed, default 1),
# WORK (corpora, outputs and logs; default bench/.work, ignored by git).
#
# Shared machines are noisy, so the two sides run alternately, each run right after the
# other's: the ratios between them are the figures to read, not the absolute times. Each
# figure is the median of the runs. Besides wall time the table shows CPU time (user + system),
# which moves less when other processes compete for the processors.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH")"
WORK="${WORK:-$BENCH/.work}"
RUNS="${RUNS:-3}"
SEED="${SEED:-1}"
SIZES=("$@")
[[ ${#SIZES[@]} -gt 0 ]] || SIZES=(1000 10000)

if ((RUNS < 3)); then
  echo "build.sh: RUNS must be at least 3 (medians of fewer runs say little)" >&2
  exit 2
fi
for n in "${SIZES[@]}"; do
  [[ "$n" =~ ^[0-9]+$ ]] || { echo "usage: bench/build.sh [PAGES ...]" >&2; exit 2; }
done

log() { printf '%s\n' "$*" >&2; }

# --- tools --------------------------------------------------------------------------------

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

apt_install() {
  log "installing $* (apt)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

# GNU time, not the shell keyword: it reports the peak resident set size.
[[ -x /usr/bin/time ]] || apt_install time
command -v hugo >/dev/null || apt_install hugo
command -v npm >/dev/null || apt_install nodejs npm

# Pagefind from the npm registry, at the version pinned in tools/package-lock.json (the same
# version as the pagefind crate respi links). The npm package is a Node wrapper around a
# native binary from the platform package (@pagefind/linux-x64); the benchmark runs that binary
# directly, so Node's start-up is not counted against Pagefind.
if ! compgen -G "$BENCH/tools/node_modules/@pagefind/*/bin/pagefind*" >/dev/null; then
  log "installing pagefind (npm)"
  npm ci --prefix "$BENCH/tools" --no-audit --no-fund >/dev/null
fi
PAGEFIND="$(compgen -G "$BENCH/tools/node_modules/@pagefind/*/bin/pagefind*" | grep -v '\.sha256$' | head -n1)"
[[ -x "$PAGEFIND" ]] || { log "build.sh: no Pagefind binary for this platform under bench/tools"; exit 1; }

# respi in release mode. The target directory may be shared with other checkouts, whose builds
# replace target/release/respi: the binary is copied away as soon as cargo has linked it.
mkdir -p "$WORK"
log "building respi (cargo build --release)"
TARGET_DIR="$(cd "$REPO" && cargo metadata --format-version 1 --no-deps |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
(cd "$REPO" && cargo build --release -p respi-generator --quiet)
cp "$TARGET_DIR/release/respi" "$WORK/respi"
RESPI="$WORK/respi"
NOSEARCH=0
[[ "$("$RESPI" build --help)" == *--no-search* ]] && NOSEARCH=1

HUGO_VERSION="$(hugo version | awk '{print $2}')"
PAGEFIND_VERSION="$("$PAGEFIND" --version | awk '{print $2}')"
RESPI_VERSION="$(cd "$REPO" && git rev-parse --short HEAD)$(cd "$REPO" && git diff --quiet HEAD -- generator themes Cargo.lock || echo '+changes')"

# --- runs ---------------------------------------------------------------------------------

# timed LABEL LOG CMD...: runs CMD under GNU time and appends "LABEL wall cpu rss_kb" to
# $RESULTS. A failed command stops the benchmark with its output: a build that fails measures
# nothing.
timed() {
  local label="$1" logfile="$2"
  shift 2
  local tf="$WORK/time.out"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$tf" "$@" >"$logfile" 2>&1; then
    log "build.sh: '$label' failed; its output ($logfile):"
    tail -n 40 "$logfile" >&2
    exit 1
  fi
  read -r wall user sys rss <"$tf"
  local cpu
  cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')"
  echo "$label $wall $cpu $rss" >>"$RESULTS"
  printf '  %-14s wall %7.2f s  cpu %7.2f s  peak %7.1f MB\n' "$label" "$wall" "$cpu" "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" >&2
}

run_respi() {
  rm -rf "$OUT/respi"
  timed respi "$LOGS/respi.log" "$RESPI" --root "$CORPUS/respi" build --output "$OUT/respi"
}

# For reference only, outside the ratios: the same build without the search index, which shows
# how the time and memory of a build divide between the site and its index.
run_respi_nosearch() {
  [[ "$NOSEARCH" == 1 ]] || return 0
  rm -rf "$OUT/respi-nosearch"
  timed respi-nosearch "$LOGS/respi-nosearch.log" "$RESPI" --root "$CORPUS/respi" build --no-search --output "$OUT/respi-nosearch"
}

run_hugo() {
  # Hugo does not empty its destination: start from nothing, as respi does.
  rm -rf "$OUT/hugo"
  timed hugo "$LOGS/hugo.log" hugo --quiet --source "$CORPUS/hugo" --destination "$OUT/hugo"
  timed pagefind "$LOGS/pagefind.log" "$PAGEFIND" --site "$OUT/hugo"
}

summary() {
  python3 - "$RESULTS" "$1" <<'EOF'
import statistics
import sys

path, size = sys.argv[1], int(sys.argv[2])
runs = {}
for line in open(path):
    label, wall, cpu, rss = line.split()
    runs.setdefault(label, []).append((float(wall), float(cpu), int(rss) / 1024))
# Hugo and Pagefind of the same run add up; the sums are then taken as one more series.
runs["hugo+pagefind"] = [
    (h[0] + p[0], h[1] + p[1], h[2]) for h, p in zip(runs["hugo"], runs["pagefind"])
]
med = {k: [statistics.median(x[i] for x in v) for i in range(3)] for k, v in runs.items()}
print(f"\n{size} pages, median of {len(runs['respi'])} runs")
print(f"  {'':16} {'wall (s)':>9} {'cpu (s)':>9} {'peak RSS (MB)':>14}")
for k in ["respi", "hugo", "pagefind", "hugo+pagefind", "respi-nosearch"]:
    if k not in med:
        continue
    wall, cpu, rss = med[k]
    note = {"hugo+pagefind": "  (Hugo's peak)", "respi-nosearch": "  (reference, not in the ratios)"}.get(k, "")
    print(f"  {k:16} {wall:9.2f} {cpu:9.2f} {rss:14.1f}{note}")
r, hp = med["respi"], med["hugo+pagefind"]
print(f"  ratio time   respi / (hugo + pagefind): wall {r[0] / hp[0]:.2f}  cpu {r[1] / hp[1]:.2f}  (target <= 0.5)")
print(f"  ratio memory respi / hugo:              {r[2] / med['hugo'][2]:.2f}  (target <= 0.5)")
EOF
}

log "respi $RESPI_VERSION · hugo $HUGO_VERSION · pagefind $PAGEFIND_VERSION · $(nproc) CPUs"
REPORT="$WORK/report.txt"
: >"$REPORT"
for n in "${SIZES[@]}"; do
  CORPUS="$WORK/corpus-$n"
  OUT="$WORK/out-$n"
  LOGS="$WORK/logs-$n"
  RESULTS="$WORK/results-$n.txt"
  mkdir -p "$OUT" "$LOGS"
  : >"$RESULTS"
  log ""
  log "== $n pages"
  python3 "$BENCH/corpus.py" --pages "$n" --seed "$SEED" --out "$CORPUS"
  # One untimed round first: it reads the corpus into the page cache and checks that both
  # sides build it, so that no timed run pays for a cold disk.
  log "warm-up"
  run_respi
  run_hugo
  : >"$RESULTS"
  for ((i = 1; i <= RUNS; i++)); do
    log "run $i/$RUNS"
    # Alternate which side goes first, so neither always follows the other's disk writes.
    if ((i % 2)); then run_respi; run_hugo; else run_hugo; run_respi; fi
    run_respi_nosearch
  done
  {
    echo "raw runs ($n pages): tool wall_s cpu_s peak_rss_kb"
    sed 's/^/  /' "$RESULTS"
    summary "$n"
  } | tee -a "$REPORT"
done
echo ""
echo "respi $RESPI_VERSION, hugo $HUGO_VERSION, pagefind $PAGEFIND_VERSION (native binary), $(nproc) CPUs"
echo "(report also in $REPORT)"
