#!/usr/bin/env bash
# Checkov and vpclint side by side on the same generated Terraform plans.
#
#   benches/checkov-compare.sh [RESOURCES ...]     (default: 1000 10000 30000)
#
# Installs Checkov into a temporary virtual environment (or uses CHECKOV_VENV if it holds one),
# generates one set of `terraform show -json` plans per size with the bench generator, runs both
# tools on them and prints wall time and peak RSS (/usr/bin/time) as a Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=${CHECKOV_VENV:-$work/venv}
if [ ! -x "$venv/bin/checkov" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet checkov
fi
cargo build --release --quiet --bin vpclint --example generate
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 30000)

# Peak RSS (KB) and wall seconds of a command, its output discarded.
measure() {
    local start end
    start=$(date +%s.%N)
    /usr/bin/time -f "%M" -o "$work/rss" "$@" > /dev/null 2> "$work/stderr" || true
    end=$(date +%s.%N)
    echo "$(echo "$end - $start" | bc) $(tail -n 1 "$work/rss")"
}

checkov_version=$("$venv/bin/checkov" --version 2> /dev/null | tail -n 1)
echo "Checkov $checkov_version, vpclint $(./target/release/vpclint --version | awk '{print $2}'), $(date +%Y-%m-%d)"
echo
echo "| resources | plan MB | Checkov wall | Checkov peak RSS | vpclint wall | vpclint peak RSS | wall ratio |"
echo "|---:|---:|---:|---:|---:|---:|---:|"
for n in "${sizes[@]}"; do
    dir="$work/tf-$n"
    ./target/release/examples/generate terraform "$n" "$dir" 2> /dev/null
    mapfile -t plans < <(find "$dir" -name plan.json | sort)
    resources=$(python3 -c 'import json,sys; print(sum(len(json.load(open(p))["resource_changes"]) for p in sys.argv[1:]))' "${plans[@]}")
    mb=$(du -cm "${plans[@]}" | tail -n 1 | cut -f 1)
    args=()
    for p in "${plans[@]}"; do args+=(-f "$p"); done
    read -r c_wall c_rss < <(measure env BC_SKIP_MAPPING=TRUE "$venv/bin/checkov" --framework terraform_plan \
        --skip-download --quiet --compact --output json "${args[@]}")
    read -r v_wall v_rss < <(measure ./target/release/vpclint check --format json --fail-on never "$dir")
    printf "| %d | %d | %.2f s | %d MB | %.3f s | %d MB | %.0fx |\n" "$resources" "$mb" "$c_wall" \
        $((c_rss / 1024)) "$v_wall" $((v_rss / 1024)) "$(echo "$c_wall / $v_wall" | bc -l)"
done
