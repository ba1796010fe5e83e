#!/usr/bin/env bash
# The cost of the global step (docs/subclusters.md, "Figures"): local vs cross-sub-cluster transactions per
# second and the visibility lag between sub-clusters, on the loopback sub-cluster lab (the G-GTM x3 on
# 127.0.0.111-113, sub-clusters A and B x3 on .114-.119, a proxy each on .121-.122). Three phases of
# DURATION seconds: local only, cross only, mixed (recorded and checked).
# Usage: benchmarks/subclusters.sh [DURATION [LOCAL_CLIENTS [CROSS_CLIENTS]]]
# Writes run/subcluster-bench/report.md and benchmarks/results/subclusters-DATE.md.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/mgtm-common.sh
duration=${1:-20}
local_clients=${2:-16}
cross_clients=${3:-8}
out=benchmarks/results/subclusters-$(date +%Y-%m-%d).md
mgtm_ensure_jar
{
  echo "# Sub-clusters: local vs cross-sub-cluster transactions ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "\`benchmarks/subclusters.sh $duration $local_clients $cross_clients\`; before: \`$(uptime)\`"
  echo
} > "$out"
"$MGTM_JAVA" $MGTM_JAVA_OPTS "${MGTM_FIXED_FLAGS[@]}" -jar "$MGTM_JAR" subcluster-bench -T "$duration" \
  -c "$local_clients" --cross-clients "$cross_clients"
cat run/subcluster-bench/report.md >> "$out"
echo >> "$out"
echo "after: \`$(uptime)\`" >> "$out"
echo "written: $out"
