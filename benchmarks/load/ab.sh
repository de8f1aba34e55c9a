#!/usr/bin/env bash
# A/B of two proxy jars on the same loopback origins, interleaved run by run (wrk -t1, 8 s per run): both
# proxies run for the whole time, each with a JIT warm-up first, and each cell alternates A, B, A, B, ...
# Uses the nginx origin configs of a peer-bench work directory (its origin1/, origin2/ and www/).
#
#   benchmarks/load/ab.sh JAR_A JAR_B PEER_BENCH_WORKDIR [RUNS] [CELLS...]   cells: "c50 small" style
set -euo pipefail
A="$1"; B="$2"; W="$3"; RUNS="${4:-5}"; shift 4 || shift $#
CELLS=("$@"); [ ${#CELLS[@]} -gt 0 ] || CELLS=("50 small" "200 64k")
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT
nginx -c "$W/origin1/nginx.conf" & PIDS+=($!)
nginx -c "$W/origin2/nginx.conf" & PIDS+=($!)
java -jar "$A" --listen 127.0.0.1:8091 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --admin 127.0.0.1:0 ${AB_ARGS_A:-} >/dev/null 2>&1 & PIDS+=($!)
java -jar "$B" --listen 127.0.0.1:8092 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --admin 127.0.0.1:0 ${AB_ARGS_B:-} >/dev/null 2>&1 & PIDS+=($!)
for port in 8091 8092; do
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/small" >/dev/null && break; sleep 0.2; done
done
path() { case "$1" in small) echo /small ;; *) echo "/$1" ;; esac; }
echo "load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for cell in "${CELLS[@]}"; do
  set -- $cell; c="$1"; size="$2"
  for port in 8091 8092; do wrk -t1 -c"$c" -d20s "http://127.0.0.1:$port$(path "$size")" >/dev/null; done # JIT warm-up
  for r in $(seq "$RUNS"); do
    for port in 8091 8092; do
      rps=$(wrk -t1 -c"$c" -d8s "http://127.0.0.1:$port$(path "$size")" | awk '/Requests\/sec/ {print $2}')
      echo "c$c $size run $r $([ $port = 8091 ] && echo A || echo B) $rps"
      sleep 1
    done
  done
done
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
