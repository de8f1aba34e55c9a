#!/usr/bin/env bash
# The scaling simulator (issue 16): replays a daily cycle, Black Friday and a sudden 10x burst through fixed
# peak capacity and the scaling advisor's reactive, predictive and scheduled policies (lb-core's real
# ScalingAdvisor, on an injected clock) over a model of servers (500 req/s each, 5 minutes to start, $0.10 an
# hour). Prints one Markdown table a shape and writes benchmarks/scaling/{daily,black-friday,burst}.svg.
# Deterministic, a few seconds; it measures no machine, so it may run anywhere.
#
#   benchmarks/scaling/simulate.sh [OUTDIR]          # default benchmarks/scaling
#   benchmarks/scaling/simulate.sh --record DIR      # the traces the unit tests replay
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -q -pl benchmarks -am package -DskipTests -Dfuzz.skip=true >&2
exec java -cp benchmarks/target/benchmarks.jar dev.loadstone.bench.scaling.Simulate "${@:-benchmarks/scaling}"
