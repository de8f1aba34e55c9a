#!/usr/bin/env bash
# Memory under large downloads: the proxy with a small heap (default -Xmx128m) while C connections
# (default 200) download 1 MiB bodies back to back for S seconds (default 60) with wrk. Prints failed
# requests (wrk socket errors + non-2xx), requests/s, peak RSS (VmHWM), RSS at the end, and the heap after a
# full GC at the end.
#
#   benchmarks/load/memory.sh [--jar JAR] [--heap 128m] [--conns 200] [--seconds 60] [--proxy-args "ARGS"]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" HEAP=128m CONNS=200 SECS=60 PROXY_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --heap) HEAP="$2"; shift 2 ;; --conns) CONNS="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;; --proxy-args) PROXY_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. benchmarks/load/lib.sh
need nginx wrk curl jcmd python3
JAR=$(proxy_jar "$JAR")
origins 1m
P=$(port)
# shellcheck disable=SC2086
start proxy java -Xmx"$HEAP" ${JAVA_OPTS:-} -jar "$JAR" --listen "127.0.0.1:$P" --backend "127.0.0.1:$B1" \
  --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --access-log off $PROXY_ARGS
ready "http://127.0.0.1:$P/1m"
JP=$(java_pid "$REPLY")
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), -Xmx$HEAP ${JAVA_OPTS:-}, $CONNS connections x ${SECS}s of 1 MiB" >&2
out=$(wrk -t1 -c"$CONNS" -d"${SECS}s" --timeout 10s "http://127.0.0.1:$P/1m")
echo "$out" >"$W/wrk.txt"
rps=$(awk '/Requests\/sec/ { print $2 }' <<<"$out")
errs=$(awk '/Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } /Non-2xx/ { e += $5 } END { print e + 0 }' <<<"$out")
total=$(awk '/requests in/ { print $1 }' <<<"$out")
rss=$(rss_kib "$JP"); hwm=$(hwm_kib "$JP")
jcmd "$JP" GC.run >/dev/null
heap=$(jcmd "$JP" GC.heap_info | awk '/used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?$/, "", v); print int(v / 1024) "MiB"; exit } }')
echo "requests $total, failed $errs, $rps req/s; RSS peak $((hwm / 1024)) MiB, at the end $((rss / 1024)) MiB; heap after full GC $heap of $HEAP"
