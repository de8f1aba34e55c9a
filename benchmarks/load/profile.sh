#!/usr/bin/env bash
# Where the proxy's time and allocation go: a JFR recording (settings=profile) of the proxy under wrk
# (-t1 -c50 small responses by default), after a JIT warm-up, then JFR's own views of it: hot methods
# (execution samples, top frames) and allocation by site. `jfr view` comes from JDK 21+ (here Temurin 25
# reads the JDK 17 recording); set JFR=path/to/jfr otherwise.
#
#   benchmarks/load/profile.sh [--jar JAR] [--conns 50] [--path /small] [--seconds 30] [--proxy-args "ARGS"]
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" CONNS=50 URLPATH=/small SECS=30 PROXY_ARGS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;; --conns) CONNS="$2"; shift 2 ;; --path) URLPATH="$2"; shift 2 ;;
    --seconds) SECS="$2"; shift 2 ;; --proxy-args) PROXY_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
JFR=${JFR:-$(ls /usr/lib/jvm/temurin-2*/bin/jfr 2>/dev/null | tail -1)}
[ -x "$JFR" ] || { echo "no jfr with 'view' (JDK 21+) found: set JFR=" >&2; exit 2; }
. benchmarks/load/lib.sh
need nginx wrk curl jcmd python3
JAR=$(proxy_jar "$JAR")
origins 64k 1m
P=$(port)
# shellcheck disable=SC2086
start proxy java ${JAVA_OPTS:-} -jar "$JAR" --listen "127.0.0.1:$P" --backend "127.0.0.1:$B1" \
  --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --access-log off $PROXY_ARGS
ready "http://127.0.0.1:$P$URLPATH"
JP=$(java_pid "$REPLY")
echo "commit $(git rev-parse --short HEAD), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c$CONNS $URLPATH" >&2
wrk -t1 -c"$CONNS" -d20s "http://127.0.0.1:$P$URLPATH" >/dev/null
jcmd "$JP" JFR.start name=p settings=profile filename="$W/proxy.jfr" >/dev/null
wrk -t1 -c"$CONNS" -d"${SECS}s" "http://127.0.0.1:$P$URLPATH" | awk '/Requests\/sec/'
jcmd "$JP" JFR.stop name=p >/dev/null
"$JFR" view --width 160 hot-methods "$W/proxy.jfr" | head -40
"$JFR" view --width 160 allocation-by-site "$W/proxy.jfr" | head -30
cp "$W/proxy.jfr" /tmp/proxy-profile.jfr && echo "recording: /tmp/proxy-profile.jfr" >&2
