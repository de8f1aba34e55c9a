#!/bin/sh
# A scaling hook for lb-proxy (lb-netty/README.md, "Scaling advisor"): keeps $1 local backends running and
# registered. Backend N is `python3 -m http.server` on port BASE_PORT+N (19100+N), id app-<port>; a new one is added
# through the admin API (it takes traffic once its health checks pass); one above the count is deleted (it
# drains, then leaves), and stopped once the API no longer lists it.
# The proxy runs it as argv (never through a shell string): command: [sh, examples/scale-to.sh, "{desired}"]
# Usage: scale-to.sh DESIRED [ADMIN_URL] [STATE_DIR] [BASE_PORT]
set -eu
desired=$1
admin=${2:-http://127.0.0.1:19090}
dir=${3:-/tmp/loadstone-scale}
base=${4:-19100}
mkdir -p "$dir"
i=1
while [ "$i" -le "$desired" ]; do
  port=$((base + i))
  if [ ! -f "$dir/$port.pid" ]; then
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dir" >/dev/null 2>&1 &
    echo $! > "$dir/$port.pid"
    curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
      -d "{\"address\": \"127.0.0.1:$port\", \"id\": \"app-$port\"}" "$admin/api/backends"
  fi
  i=$((i + 1))
done
for pidfile in "$dir"/*.pid; do
  [ -e "$pidfile" ] || continue
  port=$(basename "$pidfile" .pid)
  if [ $((port - base)) -gt "$desired" ]; then
    curl -s -o /dev/null -X DELETE -H 'Content-Type: application/json' "$admin/api/backends/app-$port"
    while [ "$(curl -s -o /dev/null -w '%{http_code}' "$admin/api/backends/app-$port")" != 404 ]; do sleep 1; done
    kill "$(cat "$pidfile")" && rm "$pidfile"
  fi
done
echo "scale-to: $desired backends (was $LOADSTONE_CURRENT; $LOADSTONE_RULE: $LOADSTONE_REASON)"
