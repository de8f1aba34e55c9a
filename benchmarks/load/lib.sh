# Shared by the load scripts here: process groups that are stopped on exit, free ports, readiness, and two
# nginx origins (1 worker each, plain HTTP) serving /small ("hello\n") and random files of given sizes.
# Source it after `set -euo pipefail`; it sets W (the work directory) and B1/B2 once origins start.
W=$(mktemp -d /tmp/loadstone-bench.XXXXXX); chmod 755 "$W"
PIDS=()
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
HAPROXY=$(command -v haproxy || echo /usr/sbin/haproxy)
lib_cleanup() { set +e; for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null; done; wait 2>/dev/null; }
trap lib_cleanup EXIT
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
need() { for b in "$@"; do command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "$b not found (see the script's --help)" >&2; exit 2; }; done; }
start() { local name=$1; shift; setsid "$@" >"$W/$name.log" 2>&1 </dev/null & PIDS+=("$!"); REPLY=$!; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
ready() { # url: waits up to 60 s for a 200
  for _ in $(seq 300); do [ "$(curl -sk -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0; sleep 0.2; done
  echo "not ready: $1" >&2; tail -n 20 "$W"/*.log >&2; exit 1
}
proxy_jar() { # [JAR]: the given jar, or a fresh build of lb-netty's
  if [ -n "${1:-}" ]; then readlink -f "$1"; return; fi
  ./mvnw -q -o -pl lb-netty -am package -DskipTests >&2
  readlink -f lb-netty/target/lb-proxy.jar
}
nginx_conf() { # dir workers http-body
  mkdir -p "$1/tmp"
  cat <<CONF
$( [ "$EUID" -eq 0 ] && echo "user root;" )
worker_processes $2; daemon off; pid $1/nginx.pid; error_log $1/error.log warn;
events { worker_connections 16384; }
http { access_log off; keepalive_timeout 120s; keepalive_requests 100000000;
  client_body_temp_path $1/tmp/b; proxy_temp_path $1/tmp/p; fastcgi_temp_path $1/tmp/f; uwsgi_temp_path $1/tmp/u; scgi_temp_path $1/tmp/s;
  $3
}
CONF
}
origins() { # size... (e.g. 64k 1m): starts two nginx origins on B1 and B2
  mkdir -p "$W/www"; printf 'hello\n' >"$W/www/small"
  local s n
  for s in "$@"; do
    n=${s%[km]}; case $s in *k) n=$((n * 1024)) ;; *m) n=$((n * 1048576)) ;; esac
    head -c "$n" /dev/urandom >"$W/www/$s"
  done
  chmod 644 "$W/www"/*
  B1=$(port); B2=$(port)
  for b in $B1 $B2; do
    mkdir -p "$W/o$b"
    nginx_conf "$W/o$b" 1 "server { listen 127.0.0.1:$b backlog=4096; root $W/www; sendfile on; location = /small { default_type text/plain; return 200 \"hello\n\"; } location / { } }" >"$W/o$b/nginx.conf"
    start "origin-$b" "$NGINX" -c "$W/o$b/nginx.conf"
  done
  ready "http://127.0.0.1:$B1/small"; ready "http://127.0.0.1:$B2/small"
}
rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hwm_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }
java_pid() { # the java process started by start (setsid may exec directly or not)
  pgrep -s "$1" java | head -1
}
