#!/usr/bin/env bash
# The soak (not run in CI): builds the proxy jar and the benchmarks jar, then runs
# dev.loadstone.bench.soak.Soak for MINUTES (default 10): the proxy as its own process with paranoid leak
# detection in front of three loopback backends, mixed traffic (keep-alive and new-connection GETs, 1 MiB
# downloads, 64 KiB uploads, WebSocket round trips, a sticky client), a backend killed and restarted every
# 30 s and one drained and re-enabled every minute. Prints the result table; exit 0 when the targets hold.
#
#   benchmarks/load/soak.sh [MINUTES] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
MINUTES="${1:-10}"
WORKDIR="${2:-/tmp/loadstone-soak}"
./mvnw -q -pl lb-netty,benchmarks -am package -DskipTests >&2
echo "commit $(git rev-parse --short HEAD)$(git diff --quiet || echo '+dirty'), nproc $(nproc), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exec nice -n "${SOAK_NICE:-0}" java -cp benchmarks/target/benchmarks.jar dev.loadstone.bench.soak.Soak lb-netty/target/lb-proxy.jar "$MINUTES" "$WORKDIR"
