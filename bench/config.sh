# Sourced by the benches that load the gateway from one address (bench/run, bench/cpu-per-request, bench/jvm-floor).
#
# bench_config DIR   writes DIR/config/bench.yaml and prints its path. wrk opens every connection from one address,
# and the per-address cap (128 by default, there against one client hogging a shared gateway) would answer half of a
# 256-connection run with 429 at once, which measures the refusal: the file lifts it. It sits in a folder of its own
# because the gateway watches its configuration's folder, and the gateway's log, written every 20 ms beside it, would
# wake that watch at every batch (docs/benchmarks.md, "The benches' configuration in a folder of its own").
bench_config() {
  mkdir -p "$1/config"
  printf 'server:\n  max_connections_per_client: 1024\n' >"$1/config/bench.yaml"
  printf '%s\n' "$1/config/bench.yaml"
}
