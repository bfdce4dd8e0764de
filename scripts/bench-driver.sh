#!/usr/bin/env bash
# bench-driver.sh: the cost of the standalone goroguard command, as ratios to a no-op analyzer run
# through the same driver, and the cost of the golangci-lint plugin beside golangci-lint's
# standard linters. One run measures everything and prints a Markdown table (README's figures).
#
# usage: scripts/bench-driver.sh [-gcl DIR | -no-gcl] TARGET...
#   TARGET   std, or a module directory (analysed as ./...); e.g. std /tmp/tune/nomad
#   -gcl DIR the module for the golangci-lint comparison (default: the last TARGET)
#   -no-gcl  skip the golangci-lint comparison (it builds golangci-lint v2.15.0 with the plugin,
#            about 2 minutes the first time, from the Go module proxy)
#
# Each goroguard run gets a freshly salted binary (bytes appended to the executable change the
# tool ID go vet keys its cache with), so go vet's result cache never answers; the build cache
# (compiled cgo, export data) stays warm, as for a user's second run: a first, unmeasured no-op
# run per target fills it. Wall time and the peak RSS
# of the largest single process come from /usr/bin/time -v; the peak of the whole process tree
# (the driver, the go command and the vet tool processes running at once) is sampled with ps every
# 0.2 s. golangci-lint runs with an empty lint cache each time, after an unmeasured warm-up run. Heavy: wrap it in
# `flock /tmp/heavy.lock` on a shared machine.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gcl_target="" ; do_gcl=1
while [ $# -gt 0 ]; do
	case $1 in
	-gcl) gcl_target=$2; shift 2 ;;
	-no-gcl) do_gcl=0; shift ;;
	-h|-help|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: $0 [-gcl DIR | -no-gcl] TARGET..." >&2; exit 2; }
targets=("$@")
[ -n "$gcl_target" ] || gcl_target=${targets[$((${#targets[@]} - 1))]}
[ -x /usr/bin/time ] || { echo "$0: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/goroguard" ./cmd/goroguard && go build -tags goroguard_noop -o "$work/noop" ./cmd/goroguard)

# peak_tree PID: prints the peak, in KiB, of the summed RSS of PID and all its descendants.
peak_tree() {
	local top=$1 peak=0 total
	while kill -0 "$top" 2>/dev/null; do
		total=$(ps -e -o pid=,ppid=,rss= | awk -v top="$top" '
			{ parent[$1] = $2; rss[$1] = $3 }
			END {
				sum = 0
				for (p in parent) { q = p; while (q != "" && q != 0 && q != 1) { if (q == top) { sum += rss[p]; break }; q = parent[q] } }
				print sum
			}')
		[ "$total" -gt "$peak" ] && peak=$total
		sleep 0.2
	done
	echo "$peak"
}

# measure LABEL DIR CMD...: runs CMD in DIR; sets wall (s), maxrss (KiB, largest process) and
# treerss (KiB, whole tree).
measure() {
	local label=$1 dir=$2; shift 2
	local log="$work/$label.time"
	(cd "$dir" && exec /usr/bin/time -v -o "$log" "$@" >"$work/$label.out" 2>&1) &
	local pid=$!
	treerss=$(peak_tree "$pid")
	wait "$pid" || true
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
	maxrss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$log")
	local status; status=$(awk -F': ' '/Exit status/ { print $2 }' "$log")
	echo "  $label: ${wall}s, largest process $((maxrss / 1024)) MiB, process tree $((treerss / 1024)) MiB, exit $status" >&2
}

# salted BIN: a copy of BIN with a unique tail, so go vet's cache misses.
salted() {
	local out="$work/$(basename "$1").$RANDOM$RANDOM"
	cp "$1" "$out" && printf 'goroguard-bench-salt %s' "$(date +%s%N)" >>"$out"
	echo "$out"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f MiB", k / 1024 }'; }

rows=()
for t in "${targets[@]}"; do
	if [ "$t" = std ]; then dir=$work; pat=std; name=std; else dir=$t; pat=./...; name=$(basename "$t"); fi
	echo "goroguard $pat in $dir" >&2
	# Warm-up, not measured: fills the build cache (cgo, export data) that every later run shares.
	measure "warmup-$name" "$dir" "$(salted "$work/noop")" "$pat"
	measure "noop-$name" "$dir" "$(salted "$work/noop")" "$pat"
	nw=$wall nm=$maxrss nt=$treerss
	GOROGUARD_DEBUG=1 measure "goroguard-$name" "$dir" "$(salted "$work/goroguard")" "$pat"
	# The command's own errors (packages that do not type-check) and timings, for the record.
	grep -A3 '^goroguard:' "$work/goroguard-$name.out" | head -20 >&2 || true
	rows+=("| \`goroguard $pat\` on $name | ${wall} s, $(ratio "$wall" "$nw") the no-op floor (${nw} s) | $(mib "$maxrss") ($(ratio "$maxrss" "$nm")) | $(mib "$treerss") ($(ratio "$treerss" "$nt")) |")
done

if [ "$do_gcl" = 1 ]; then
	echo "golangci-lint ${gcl_target}: building golangci-lint with the plugin" >&2
	(cd "$root" && GOROGUARD_BENCH_GCL_DIR="$work" go test -count=1 -run '^TestBenchGolangciBinary$' ./cmd/goroguard >&2)
	cat >"$work/standard.yml" <<'YML'
version: "2"
linters:
  default: standard
YML
	cat >"$work/plugin.yml" <<'YML'
version: "2"
linters:
  default: standard
  enable: [goroguard]
  settings:
    custom:
      goroguard:
        type: module
YML
	# Warm-up, not measured: golangci-lint's package loading fills the build cache.
	GOLANGCI_LINT_CACHE="$work/gcl-cache-warmup" measure "gcl-warmup" "$gcl_target" "$work/custom-gcl" run --config "$work/plugin.yml" --issues-exit-code 0 --output.text.path /dev/null ./...
	for cfg in standard plugin; do
		GOLANGCI_LINT_CACHE="$work/gcl-cache-$cfg" measure "gcl-$cfg" "$gcl_target" "$work/custom-gcl" run --config "$work/$cfg.yml" --issues-exit-code 0 --output.text.path /dev/null ./...
		eval "gw_$cfg=\$wall gm_$cfg=\$maxrss"
	done
	rows+=("| golangci-lint standard linters + goroguard plugin on $(basename "$gcl_target") | ${gw_plugin} s, $(ratio "$gw_plugin" "$gw_standard") the standard linters alone (${gw_standard} s) | $(mib "$gm_plugin") ($(ratio "$gm_plugin" "$gm_standard")) | |")
fi

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
echo
echo "Measured by \`scripts/bench-driver.sh ${targets[*]}\` on $cpu, $(nproc) CPUs, $(go version | awk '{print $3, $4}'), $(date -u +%Y-%m-%d)."
echo
echo "| run | wall time | largest process (peak RSS) | all processes at once (peak RSS) |"
echo "|---|---|---|---|"
printf '%s\n' "${rows[@]}"
