#!/usr/bin/env bash
# Idle keep-alive connections: throughput of 50 active connections (wrk -t1 -c50, small responses) without
# and with N idle keep-alive client connections held open (default 10,000; each made one request first),
# and the proxy's RSS and heap (after a full GC) before and after the idle ones open, per connection.
# Runs: R without, R with, R without again (default R = 3, 8 s each), after a 20 s JIT warm-up. The heap is
# fixed and touched up front (JAVA_OPTS default: -Xms256m -Xmx256m -XX:+AlwaysPreTouch) so RSS moves only
# with what the connections hold outside the heap; the heap part is read after a full GC.
#
#   benchmarks/load/idle.sh [--jar JAR] [--idle N] [--runs R] [--proxy-args "ARGS"]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" IDLE=10000 RUNS=3 PROXY_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --idle) IDLE="$2"; shift 2 ;; --runs) RUNS="$2"; shift 2 ;;
    --proxy-args) PROXY_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
need_fds=$((IDLE + 2048)) # per process: the proxy holds IDLE client connections, the holder IDLE sockets
[ "$(ulimit -n)" -ge $need_fds ] || ulimit -n $need_fds 2>/dev/null || { echo "cannot raise the descriptor limit to $need_fds (ulimit -n)" >&2; exit 2; }
. benchmarks/load/lib.sh
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}"
need nginx wrk curl jcmd python3
JAR=$(proxy_jar "$JAR")
origins
P=$(port)
# shellcheck disable=SC2086
start proxy java ${JAVA_OPTS:-} -jar "$JAR" --listen "127.0.0.1:$P" --backend "127.0.0.1:$B1" \
  --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --access-log off --idle-timeout 10m --max-connections $((IDLE + 1000)) $PROXY_ARGS
ready "http://127.0.0.1:$P/small"
JP=$(java_pid "$REPLY")
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), $JAVA_OPTS, $IDLE idle" >&2
wrk -t1 -c50 -d20s "http://127.0.0.1:$P/small" >/dev/null
measure() { # label -> appends "label rps" lines
  local r rps
  for r in $(seq "$RUNS"); do
    rps=$(wrk -t1 -c50 -d8s "http://127.0.0.1:$P/small" | awk '/Requests\/sec/ { print $2 }')
    echo "$1 $rps" | tee -a "$W/rps.txt" >&2
    sleep 1
  done
}
mem() { jcmd "$JP" GC.run >/dev/null; echo "$(rss_kib "$JP") $(jcmd "$JP" GC.heap_info | awk '{ for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print v; exit } }')"; }
measure without
read -r rss0 heap0 <<<"$(mem)"
mkfifo "$W/hold.in"
python3 benchmarks/load/conns.py hold "$P" "$IDLE" <"$W/hold.in" >"$W/hold.out" 2>&1 &
HOLDER=$!
exec 7>"$W/hold.in"
for _ in $(seq 600); do grep -q '^held' "$W/hold.out" && break; kill -0 $HOLDER 2>/dev/null || { cat "$W/hold.out" >&2; exit 1; }; sleep 0.1; done
grep -q '^held' "$W/hold.out" || { echo "the idle connections did not open within 60 s" >&2; exit 1; }
read -r rss1 heap1 <<<"$(mem)"
measure with
exec 7>&-
wait $HOLDER
measure without
awk -v rss0="$rss0" -v rss1="$rss1" -v h0="$heap0" -v h1="$heap1" -v n="$IDLE" -v held="$(cat "$W/hold.out" | tr '\n' ' ')" '
  function med(a, k,   i, j, t) { for (i = 2; i <= k; i++) { t = a[i]; j = i - 1; while (j > 0 && a[j] > t) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
    return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
  { if ($1 == "with") w[++nw] = $2; else o[++no] = $2 }
  END { mw = med(w, nw); mo = med(o, no)
    printf "50 active connections: %.0f req/s without idle connections, %.0f with %d idle (x%.3f); %s\n", mo, mw, n, mw / mo, held
    printf "per idle connection: RSS %+.1f KiB (%d -> %d MiB), heap after GC %+.1f KiB (%d -> %d MiB)\n",
      (rss1 - rss0) / n, rss0 / 1024, rss1 / 1024, (h1 - h0) / n, h0 / 1024, h1 / 1024 }' "$W/rps.txt"
