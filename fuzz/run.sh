#!/usr/bin/env bash
# Run every fuzz target (or those named) for a given time, then minimise what they found.
#
#   fuzz/run.sh [--time SECONDS] [--jobs N] [TARGET...]
#
# --time   seconds per target (default 3600)
# --jobs   targets run at once (default 1); each is one libFuzzer process
# Needs cargo-fuzz (`cargo install cargo-fuzz`); the stable toolchain is enough with
# RUSTC_BOOTSTRAP=1, which this script sets. Corpora are seeded on first use (fuzz/seed.sh).
# Each run is bounded: an input taking over 120 s of wall-clock time (generous: the sanitizer is slow, and
# targets run at once share the cores) is a timeout, one using over 2 GB an out-of-memory finding, both
# kept like crashes. Leak detection is off: the threads a load starts register thread-local
# destructors that LeakSanitizer reports as leaks. Logs go to fuzz/logs/TARGET.log. Every
# finding is copied to tests/fuzz-regressions/ (crashes minimised first), which `cargo test`
# replays; the script then exits 1.
set -euo pipefail
self="$(realpath "$0")"
cd "$(dirname "$self")"
export RUSTC_BOOTSTRAP=1

time=3600
jobs=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    -h|--help) sed -n '2,14p' "$self"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo fuzz list)
[ -d corpus/"${targets[0]}" ] || ./seed.sh
mkdir -p logs
cargo fuzz build -O

run_one() {
  local t="$1"
  mkdir -p "corpus/$t" "artifacts/$t"
  # CPU time is recorded too: targets run at once share the cores.
  /usr/bin/time -f '%U %S' -o "logs/$t.cpu" cargo fuzz run -O "$t" "corpus/$t" -- \
    -max_total_time="$time" -timeout=120 -rss_limit_mb=2048 -detect_leaks=0 -print_final_stats=1 \
    >"logs/$t.log" 2>&1 || true
}

running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

found=0
printf '%-18s %9s %14s %10s %8s %9s\n' target cpu-min executions exec/s corpus findings
for t in "${targets[@]}"; do
  log="logs/$t.log"
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  artifacts=(artifacts/"$t"/crash-* artifacts/"$t"/timeout-* artifacts/"$t"/oom-* artifacts/"$t"/leak-*)
  n=0
  for a in "${artifacts[@]}"; do
    [ -e "$a" ] || continue
    n=$((n + 1))
    kind=$(basename "$a" | cut -d- -f1)
    out="../tests/fuzz-regressions/$t-$(basename "$a")"
    case "$t" in terraform_sources) out="$out.tf" ;; esac
    if [ "$kind" = crash ]; then
      cargo fuzz tmin -O "$t" "$a" >"logs/$t-tmin.log" 2>&1 || true
      min=$(ls -t artifacts/"$t"/minimized-from-* 2>/dev/null | head -1)
      cp "${min:-$a}" "$out"
    else
      cp "$a" "$out"
    fi
  done
  found=$((found + n))
  cpu=$(tail -1 "logs/$t.cpu" 2>/dev/null | awk '{ printf "%d", ($1 + $2) / 60 }')
  printf '%-18s %9s %14s %10s %8s %9s\n' "$t" "${cpu:-?}" "${execs:-?}" "${rate:-?}" "$(ls "corpus/$t" | wc -l)" "$n"
done
[ "$found" -eq 0 ] || { echo "$found finding(s) copied to tests/fuzz-regressions/"; exit 1; }
