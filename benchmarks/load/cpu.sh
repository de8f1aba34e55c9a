#!/usr/bin/env bash
# CPU time each proxy spends per request (user and system microseconds, from /proc/PID/stat), beside HAProxy
# with the same thread count, under the same wrk load (-t1). Throughput on a shared 2-core machine moves with
# whatever else runs; CPU per request moves much less, so this is the number to compare changes by.
#
#   benchmarks/load/cpu.sh [--jar JAR] [--jar-b JAR] [--threads 2] [--conns 50] [--path /small]
#                          [--seconds 10] [--runs 3] [--proxy-args "ARGS"] [--proxy-args-b "ARGS"]
# Side b runs when --jar-b or --proxy-args-b is given (the same jar with other flags, by default).
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" JAR_B="" THREADS=2 CONNS=50 URLPATH=/small SECS=10 RUNS=3 PROXY_ARGS="--access-log off" PROXY_ARGS_B=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --jar-b) JAR_B="$2"; shift 2 ;; --threads) THREADS="$2"; shift 2 ;;
    --conns) CONNS="$2"; shift 2 ;; --path) URLPATH="$2"; shift 2 ;; --seconds) SECS="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;; --proxy-args) PROXY_ARGS="$2"; shift 2 ;; --proxy-args-b) PROXY_ARGS_B="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. benchmarks/load/lib.sh
need nginx haproxy wrk curl python3
JAR=$(proxy_jar "$JAR")
[ -n "$PROXY_ARGS_B" ] && [ -z "$JAR_B" ] && JAR_B=$JAR
PROXY_ARGS_B=${PROXY_ARGS_B:-$PROXY_ARGS}
origins 64k 1m
HP=$(port)
cat >"$W/haproxy.cfg" <<CONF
global
  nbthread $THREADS
  maxconn 4096
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
  http-reuse always
frontend fe
  bind 127.0.0.1:$HP
  default_backend origins
backend origins
  balance roundrobin
  server o1 127.0.0.1:$B1
  server o2 127.0.0.1:$B2
CONF
start haproxy "$HAPROXY" -db -f "$W/haproxy.cfg"; HPID=$REPLY
declare -A PORT PID
TARGETS=(haproxy)
PORT[haproxy]=$HP PID[haproxy]=$HPID
for t in a b; do
  j=$JAR args=$PROXY_ARGS; [ $t = b ] && j=$JAR_B args=$PROXY_ARGS_B
  [ -n "$j" ] || continue
  p=$(port)
  # shellcheck disable=SC2086
  start "proxy-$t" java ${JAVA_OPTS:-} -jar "$j" --listen "127.0.0.1:$p" --backend "127.0.0.1:$B1" \
    --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --io-threads "$THREADS" $args
  ready "http://127.0.0.1:$p$URLPATH"
  PORT[$t]=$p PID[$t]=$(java_pid "$REPLY")
  TARGETS+=("$t")
done
ready "http://127.0.0.1:$HP$URLPATH"
for t in "${TARGETS[@]}"; do # JIT warm-up (HAProxy gets the same, for its caches)
  wrk -t1 -c"$CONNS" -d20s "http://127.0.0.1:${PORT[$t]}$URLPATH" >/dev/null
done
ticks() { awk '{print $14, $15}' "/proc/$1/stat"; } # utime stime, in clock ticks
HZ=$(getconf CLK_TCK)
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c$CONNS $URLPATH ${SECS}s x $RUNS, $THREADS threads; a: $PROXY_ARGS; b: $PROXY_ARGS_B" >&2
printf '%-8s %4s %10s %10s %10s %10s\n' target run req/s user-us/req sys-us/req total-us/req
for r in $(seq "$RUNS"); do
  for t in "${TARGETS[@]}"; do
    read -r u0 s0 < <(ticks "${PID[$t]}")
    n=$(wrk -t1 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:${PORT[$t]}$URLPATH" | awk '/requests in/ {print $1}')
    read -r u1 s1 < <(ticks "${PID[$t]}")
    awk -v t="$t" -v r="$r" -v n="$n" -v s="$SECS" -v u=$((u1 - u0)) -v k=$((s1 - s0)) -v hz="$HZ" \
      'BEGIN { printf "%-8s %4d %10.0f %10.1f %10.1f %10.1f\n", t, r, n / s, u * 1e6 / hz / n, k * 1e6 / hz / n, (u + k) * 1e6 / hz / n }'
  done
done
