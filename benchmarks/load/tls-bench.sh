#!/usr/bin/env bash
# TLS cells beside nginx and HAProxy, on loopback, with one certificate (ECDSA P-256, made here) and one
# thread budget for all three:
#   ka-small  HTTPS keep-alive, 6-byte responses       (wrk -t1 -c50)
#   ka-64k    HTTPS keep-alive, 64 KiB responses       (wrk -t1 -c50)
#   handshake a new TLS connection per request         (wrk -t1 -c50, Connection: close; req/s = handshakes/s)
#   h2-small  HTTP/2 over TLS, 10 streams a connection (h2load -t1 -c50 -m10)
#
#   benchmarks/load/tls-bench.sh [--jar JAR] [--threads N] [--duration S] [--runs N] [--warmup S]
#                                [--cells "ka-small ka-64k handshake h2-small"] [--proxy-args "ARGS"]
#                                [--targets "nginx haproxy loadstone"]
#
# Defaults: 2 threads (nginx 2 workers, HAProxy nbthread 2, the proxy --io-threads 2), 8 s x 3 runs,
# interleaved, medians; 20 s warm-up per cell for the proxy (the JIT), 2 s for the peers. Origins: two
# nginx with 1 worker each, plain HTTP. Needs wrk, h2load (nghttp2-client), nginx, haproxy, openssl.
# The machine must be quiet: no build, test or other benchmark running.
set -euo pipefail
cd "$(dirname "$0")/../.."
JAR="" THREADS=2 DURATION=8 RUNS=3 WARMUP=20 PROXY_ARGS=""
CELLS="ka-small ka-64k handshake h2-small"
TARGETS="nginx haproxy loadstone"
while [ $# -gt 0 ]; do
  case "$1" in
    --jar) JAR="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --cells) CELLS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --proxy-args) PROXY_ARGS="$2"; shift 2 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

. benchmarks/load/lib.sh
need wrk h2load openssl nginx haproxy curl
[[ " $TARGETS " != *" loadstone "* ]] || JAR=$(proxy_jar "$JAR")
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null
cat "$W/cert.pem" "$W/key.pem" >"$W/haproxy.pem"
origins 64k

declare -A PORT
PORT[nginx]=$(port); mkdir -p "$W/nginx"
nginx_conf "$W/nginx" "$THREADS" "upstream o { server 127.0.0.1:$B1; server 127.0.0.1:$B2; keepalive 1024; keepalive_requests 100000000; }
  server { listen 127.0.0.1:${PORT[nginx]} ssl http2 backlog=4096; ssl_certificate $W/cert.pem; ssl_certificate_key $W/key.pem;
    ssl_protocols TLSv1.2 TLSv1.3; ssl_session_tickets on; ssl_session_cache shared:SSL:10m;
    location / { proxy_pass http://o; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_buffer_size 64k; proxy_buffers 16 64k; proxy_busy_buffers_size 256k; } }" >"$W/nginx/nginx.conf"
start nginx "$NGINX" -c "$W/nginx/nginx.conf"

PORT[haproxy]=$(port)
cat >"$W/haproxy.cfg" <<EOF
global
  nbthread $THREADS
  maxconn 8192
  ssl-default-bind-options ssl-min-ver TLSv1.2
defaults
  mode http
  option http-keep-alive
  timeout connect 5s
  timeout client 120s
  timeout server 120s
  timeout http-keep-alive 120s
frontend fe
  bind 127.0.0.1:${PORT[haproxy]} ssl crt $W/haproxy.pem alpn h2,http/1.1
  default_backend be
backend be
  balance roundrobin
  http-reuse always
  server o1 127.0.0.1:$B1
  server o2 127.0.0.1:$B2
EOF
start haproxy "$HAPROXY" -f "$W/haproxy.cfg"

PORT[loadstone]=$(port)
if [[ " $TARGETS " == *" loadstone "* ]]; then
# shellcheck disable=SC2086
start loadstone java ${JAVA_OPTS:-} -jar "$JAR" --listen "127.0.0.1:${PORT[loadstone]}" --backend "127.0.0.1:$B1" \
  --backend "127.0.0.1:$B2" --admin 127.0.0.1:0 --io-threads "$THREADS" --access-log off \
  --tls-cert "$W/cert.pem" --tls-key "$W/key.pem" $PROXY_ARGS
fi
for t in $TARGETS; do ready "https://127.0.0.1:${PORT[$t]}/small"; done
for t in $TARGETS; do ready "https://127.0.0.1:${PORT[$t]}/64k"; done

run() { # target cell seconds -> REPLY="rps p99_ms errors"
  local base="https://127.0.0.1:${PORT[$1]}" out
  case "$2" in
    ka-small) out=$(wrk -t1 -c50 -d"$3s" --latency "$base/small" 2>&1) ;;
    ka-64k) out=$(wrk -t1 -c50 -d"$3s" --latency "$base/64k" 2>&1) ;;
    handshake) out=$(wrk -t1 -c50 -d"$3s" --latency -H 'Connection: close' "$base/small" 2>&1) ;;
    h2-small) out=$(h2load -t1 -c50 -m10 -D"$3" "$base/small" 2>&1) ;;
  esac
  printf '### %s %s %ss\n%s\n' "$1" "$2" "$3" "$out" >>"$W/runs.log"
  if [ "$2" = h2-small ]; then
    REPLY=$(printf '%s\n' "$out" | awk '/^finished in/ { gsub(",", ""); r = $4 } /^requests:/ { f = $10 } END { printf "%.0f - %s", r, f + 0 }')
  else
    REPLY=$(printf '%s\n' "$out" | awk '/Requests\/sec/ { r = $2 } $1 == "99%" { v = $2; m = 1
        if (v ~ /us$/) m = 0.001; else if (v ~ /ms$/) m = 1; else if (v ~ /s$/) m = 1000; sub(/[a-z]+$/, "", v); p = v * m }
      /Socket errors/ { gsub(",", ""); e += $4 + $6 + $8 + $10 } /Non-2xx/ { e += $5 }
      END { printf "%.0f %.2f %d", r, p, e }')
  fi
}

echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'), nproc $(nproc), threads $THREADS, load $(cut -d' ' -f1-3 /proc/loadavg)," \
  "$($NGINX -v 2>&1 | sed 's/.*: //'), HAProxy $($HAPROXY -v | head -1 | awk '{print $3}'), $(java -version 2>&1 | head -1)" >&2
grep -m1 -iE "openssl|jdk provider|tls provider" "$W/loadstone.log" >&2 || true
echo "target,cell,run,rps,p99_ms,errors" >"$W/results.csv"
for c in $CELLS; do
  for t in $TARGETS; do w=2; [ "$t" = loadstone ] && w=$WARMUP; log "warm-up $t $c ${w}s"; run "$t" "$c" "$w"; done
  for r in $(seq "$RUNS"); do
    for t in $TARGETS; do
      run "$t" "$c" "$DURATION"; read -r rps p99 err <<<"$REPLY"
      echo "$t,$c,$r,$rps,$p99,$err" >>"$W/results.csv"; log "$c run $r $t: $rps req/s p99 $p99 ms errors $err"
      sleep 1
    done
  done
done
for p in "${PIDS[@]}"; do kill -0 "$p" 2>/dev/null || { echo "a server died during the run (logs in $W)" >&2; exit 1; }; done

echo "| cell | nginx-w$THREADS | haproxy-t$THREADS | loadstone (--io-threads $THREADS) | loadstone x best peer | p99 ms nginx / haproxy / loadstone | errors |"
echo "|---|---:|---:|---:|---:|---|---:|"
awk -F, 'NR > 1 { k = $2 SUBSEP $1; n = ++cnt[k]; r[k, n] = $4; p[k, n] = $5; e[k] += $6; if (!($2 in s)) { s[$2] = 1; cells[++nc] = $2 } }
  function med(k, a,   v, n, i, j, t) { n = cnt[k]; for (i = 1; i <= n; i++) v[i] = (a == "r") ? r[k, i] + 0 : p[k, i]
      for (i = 2; i <= n; i++) { t = v[i]; j = i - 1; while (j > 0 && v[j] > t) { v[j + 1] = v[j]; j-- } v[j + 1] = t }
      return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  END { for (i = 1; i <= nc; i++) { c = cells[i]; a = med(c SUBSEP "nginx", "r"); b = med(c SUBSEP "haproxy", "r"); l = med(c SUBSEP "loadstone", "r")
      best = a > b ? a : b; gl += log(l / best); ng++
      printf "| %s | %.0f | %.0f | %.0f | %.2f | %s / %s / %s | %d |\n", c, a, b, l, l / best,
        p[c SUBSEP "nginx", 1] == "-" ? "-" : med(c SUBSEP "nginx", "p"), p[c SUBSEP "haproxy", 1] == "-" ? "-" : med(c SUBSEP "haproxy", "p"),
        p[c SUBSEP "loadstone", 1] == "-" ? "-" : med(c SUBSEP "loadstone", "p"), e[c SUBSEP "nginx"] + e[c SUBSEP "haproxy"] + e[c SUBSEP "loadstone"] }
    printf "| geomean x best peer | | | | %.2f | | |\n", exp(gl / ng) }' "$W/results.csv" | tee "$W/results.md"
log "raw runs: $W/results.csv, tool output: $W/runs.log"
