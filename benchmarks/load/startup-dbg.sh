#!/usr/bin/env bash
# Start-up time of the proxy: milliseconds from `java -jar` to the first 200 it serves (GET /small through
# it to a local nginx origin), N times; prints each and the median.
#
#   benchmarks/load/startup.sh [--jar JAR] [--runs N] [--java-opts "FLAGS"]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" RUNS=7 OPTS="${JAVA_OPTS:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --runs) RUNS="$2"; shift 2 ;; --java-opts) OPTS="$2"; shift 2 ;;
    -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. benchmarks/load/lib.sh
need nginx curl python3
JAR=$(proxy_jar "$JAR")
origins
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), JAVA_OPTS='$OPTS'" >&2
ms=()
for _ in $(seq "$RUNS"); do
  P=$(port)
  # shellcheck disable=SC2086
  ms+=("$(python3 /tmp/conns2.py startup "$P" -- java $OPTS -jar "$JAR" --listen "127.0.0.1:$P" \
    --backend "127.0.0.1:$B1" --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --access-log off)")
done
echo "start-up to first served request (ms): ${ms[*]}"
printf '%s\n' "${ms[@]}" | sort -n | awk '{ a[NR] = $1 } END { print "median " a[int((NR + 1) / 2)] " ms, min " a[1] ", max " a[NR] }'
