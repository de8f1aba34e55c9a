#!/usr/bin/env bash
# Builds the proxy jar (unless --jar is given) and measures it beside nginx and HAProxy with the shared
# peer benchmark (../shared/bench/peer-bench.sh, or $PEER_BENCH), on loopback.
#
#   benchmarks/load/peer-bench.sh [--jar JAR] [--name NAME] [--proxy-args "ARGS"] [PEER-BENCH OPTIONS...]
#
# Everything after the options above goes to peer-bench.sh unchanged; without any, the matrix of the
# project's tables is used: wrk -t1, c50 and c200, small/64k/1m, 8 s x 3 runs, 20 s JIT warm-up, against
# nginx with 2 workers (tuned) and HAProxy with 2 threads. JVM flags come from $JAVA_OPTS (default: none).
# The machine must be quiet: no build, test or other benchmark running.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
JAR=""
NAME="loadstone"
PROXY_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --name) NAME="$2"; shift 2 ;;
    --proxy-args) PROXY_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
PEER_BENCH="${PEER_BENCH:-$ROOT/../shared/bench/peer-bench.sh}"
[ -x "$PEER_BENCH" ] || [ -f "$PEER_BENCH" ] || { echo "peer-bench.sh not found at $PEER_BENCH (set PEER_BENCH)" >&2; exit 2; }
if [ -z "$JAR" ]; then
  ./mvnw -q -pl lb-netty -am package -DskipTests >&2
  JAR="$ROOT/lb-netty/target/lb-proxy.jar"
fi
[ -f "$JAR" ] || { echo "no jar at $JAR" >&2; exit 2; }
JAR=$(readlink -f "$JAR")
if [ $# -eq 0 ]; then
  set -- --duration 8 --runs 3 --threads 1 --conns "50 200" --sizes "small 64k 1m" \
    --candidate-warmup 20 --peers "nginx-w2-tuned haproxy-t2"
fi
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'), nproc $(nproc), $(java -version 2>&1 | head -1)," \
  "JAVA_OPTS='${JAVA_OPTS:-}', proxy args '$PROXY_ARGS', load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec bash "$PEER_BENCH" --candidate-name "$NAME" \
  --candidate "java ${JAVA_OPTS:-} -jar $JAR --listen {HOST}:{PORT} --backend {HOST}:{B1} --backend {HOST}:{B2} --admin 127.0.0.1:0 $PROXY_ARGS" \
  "$@"
