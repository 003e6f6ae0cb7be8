#!/usr/bin/env bash
# mohalla vs PocketBase, side by side: creates, updates, realtime; RUNS times.
# Each (run, test, system) gets a fresh server on a fresh data dir; the two
# systems alternate (run 1 mohalla first, run 2 PocketBase first, ...).
# Everything binds to 127.0.0.1. Builds, data and results live under $WORK.
#
#   ./run.sh                 # 2 runs, results table on stdout
#   RUNS=1 TESTS=realtime ./run.sh
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${WORK:-$(mktemp -d)}
MOHALLA=${MOHALLA:-$(command -v mohalla)}
RUNS=${RUNS:-2}
TESTS=${TESTS:-"creates updates realtime"}
PORT=${PORT:-18090}
MOHALLA_FLAGS=${MOHALLA_FLAGS:-}
LOADGEN_FLAGS=${LOADGEN_FLAGS:-} # more loadgen flags, e.g. "-d 30s" (then raise BENCH_LIMIT)
BENCH_LIMIT=${BENCH_LIMIT:-20} # seconds, per loadgen run
export MOHALLA_JWT_SECRET=${MOHALLA_JWT_SECRET:-peer-bench-secret-0123456789abcdefghijk} # 40 chars

mkdir -p "$WORK/bin"
(cd "$HERE" && go build -o "$WORK/bin/pbserver" ./pbserver && go build -o "$WORK/bin/loadgen" ./loadgen)
LOADGEN=$WORK/bin/loadgen
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=$WORK/results-$STAMP.jsonl
LOGS=$WORK/logs-$STAMP
mkdir -p "$LOGS"

{
	echo "# $(go version); $(nproc) cores; $(uname -sr)"
	echo "# pocketbase $(cd "$HERE" && go list -m -f '{{.Version}}' github.com/pocketbase/pocketbase)," \
		"its modernc.org/sqlite $(cd "$HERE" && go list -m -f '{{.Version}}' modernc.org/sqlite)"
	echo "# mohalla $MOHALLA sha256 $(sha256sum "$MOHALLA" | cut -c1-16)," \
		"built with $(go version -m "$MOHALLA" | awk '$1=="dep" && $2=="modernc.org/sqlite" {print $2" "$3}')"
} | tee "$RESULTS"

SERVER_PID=
stop_server() {
	if [[ -n $SERVER_PID ]]; then
		kill -TERM "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
		SERVER_PID=
	fi
}
trap stop_server EXIT

# start_server SYS DIR LOG: starts one server in the background, waits until it answers.
start_server() {
	local sys=$1 dir=$2 log=$3 health
	rm -rf "$dir"
	mkdir -p "$dir"
	if [[ $sys == mohalla ]]; then
		"$MOHALLA" serve --addr "127.0.0.1:$PORT" --data "$dir" --limit-read off --limit-write off --limit-search off --limit-live off --max-streams 0 --max-streams-per-ip 0 $MOHALLA_FLAGS >"$log" 2>&1 &
		health=/readyz
	else
		"$WORK/bin/pbserver" serve --http "127.0.0.1:$PORT" --dir "$dir" >"$log" 2>&1 &
		health=/api/health
	fi
	SERVER_PID=$!
	for _ in $(seq 100); do
		if curl -fs -o /dev/null "http://127.0.0.1:$PORT$health" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	echo "$sys did not start; see $log" >&2
	return 1
}

for run in $(seq "$RUNS"); do
	if ((run % 2)); then order="mohalla pocketbase"; else order="pocketbase mohalla"; fi
	for test in $TESTS; do
		for sys in $order; do
			dir=$WORK/data/$sys-$test-$run
			start_server "$sys" "$dir" "$LOGS/$sys-$test-$run.log"
			token=
			if [[ $sys == mohalla ]]; then
				token=$("$MOHALLA" token --sub owner1 --role shop_owner --email owner1@example.com --data "$dir")
			fi
			echo "== run $run: $test on $sys (server pid $SERVER_PID, $(cat /proc/$SERVER_PID/comm))" >&2
			timeout "$BENCH_LIMIT" "$LOADGEN" "$test" -sys "$sys" -base "http://127.0.0.1:$PORT" \
				-token "$token" -run "$run" -pid "$SERVER_PID" -out "$RESULTS" $LOADGEN_FLAGS
			stop_server
			rm -rf "$dir"
			sleep 1
		done
	done
done

echo
echo "results: $RESULTS (server logs: $LOGS)"
echo
"$LOADGEN" report -in "$RESULTS"
