#!/usr/bin/env bash
# Starts two tiny origins on 127.0.0.1:9001 and :9002 (python3's http.server, each serving a page with
# its own id) and the proxy in front of them with examples/proxy.yaml. Ctrl-C stops everything.
#   ./mvnw -q -DskipTests package && bash examples/try-proxy.sh
#   curl -s http://127.0.0.1:8080/     # answers "origin 9001", then "origin 9002", ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/../lb-netty/target/lb-proxy.jar"
[ -f "$jar" ] || { echo "build first: ./mvnw -q -DskipTests package" >&2; exit 1; }
work="$(mktemp -d)"
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT INT TERM
for port in 9001 9002; do
  mkdir -p "$work/$port"
  echo "origin $port" > "$work/$port/index.html"
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/$port" >/dev/null 2>&1 &
  pids+=($!)
done
java -jar "$jar" --config "$here/proxy.yaml" "$@" &
pids+=($!)
wait "${pids[-1]}"
