#!/usr/bin/env bash
# A/B of one proxy jar under two sets of flags (e.g. the access log on and off) on the same two nginx origins,
# both proxies running the whole time, each cell alternating A, B, A, B, ... (wrk -t1, 8 s a run, after a 20 s
# JIT warm-up of each). Prints each run and the median of A, of B, and B/A per cell.
#
#   benchmarks/load/ab-flags.sh [--jar JAR] [--jar-b JAR_B] [--runs N] "FLAGS_A" "FLAGS_B" [CELL ...]
#   a cell: "50 small", "200 64k"; --jar-b runs side B from another jar (an A/B of two builds).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" JAR_B="" RUNS=5
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --jar-b) JAR_B="$2"; shift 2 ;; --runs) RUNS="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
A_FLAGS="$1"; B_FLAGS="$2"; shift 2
CELLS=("$@"); [ ${#CELLS[@]} -gt 0 ] || CELLS=("50 small" "200 small")
. benchmarks/load/lib.sh
need nginx wrk curl python3
JAR=$(proxy_jar "$JAR")
JAR_B=$(readlink -f "${JAR_B:-$JAR}")
origins 64k 1m
PA=$(port); PB=$(port)
# shellcheck disable=SC2086
start A java ${JAVA_OPTS:-} -jar "$JAR" --listen "127.0.0.1:$PA" --backend "127.0.0.1:$B1" --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 $A_FLAGS
# shellcheck disable=SC2086
start B java ${JAVA_OPTS:-} -jar "$JAR_B" --listen "127.0.0.1:$PB" --backend "127.0.0.1:$B1" --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 $B_FLAGS
ready "http://127.0.0.1:$PA/small"; ready "http://127.0.0.1:$PB/small"
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg); A: $JAR '$A_FLAGS'; B: $JAR_B '$B_FLAGS'"
for cell in "${CELLS[@]}"; do
  read -r c size <<<"$cell"
  for p in $PA $PB; do wrk -t1 -c"$c" -d20s "http://127.0.0.1:$p/$size" >/dev/null; done
  : >"$W/cell.txt"
  for r in $(seq "$RUNS"); do
    for side in A B; do
      p=$PA; [ $side = B ] && p=$PB
      rps=$(wrk -t1 -c"$c" -d8s "http://127.0.0.1:$p/$size" | awk '/Requests\/sec/ { print $2 }')
      echo "c$c $size run $r $side $rps" | tee -a "$W/cell.txt"
      sleep 1
    done
  done
  awk -v cell="c$c $size" '{ v[$5, ++n[$5]] = $6 }
    function med(s,   a, k, i, j, t) { k = n[s]; for (i = 1; i <= k; i++) a[i] = v[s, i] + 0
      for (i = 2; i <= k; i++) { t = a[i]; j = i - 1; while (j > 0 && a[j] > t) { a[j + 1] = a[j]; j-- } a[j + 1] = t }
      return (k % 2) ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2 }
    END { printf "%s: A %.0f, B %.0f req/s (medians of %d), B/A %.3f\n", cell, med("A"), med("B"), n["A"], med("B") / med("A") }' "$W/cell.txt"
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
