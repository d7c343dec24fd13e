# Sourced by the benches that time a start (bench/run, bench/footprint).
#
# launch_listening LOG COMMAND…   runs COMMAND in the background, its output going to LOG, and returns once it has
# printed its "listening" line, having set gateway_pid, output_pid (what copies the rest of the output into LOG) and
# listen_ms (launch to that line); it fails if COMMAND ends first or prints nothing for 20 s.
#
# The output comes through a pipe and bash's own `read` takes each line as it is written. Polling the log with grep
# and sleep every few milliseconds, as the benches first did, starts two processes each time: on 2 cores that took
# about 0.2 s of CPU from the very start being timed (the same gateway, eight starts each way, medians: 658 ms
# polled, 432 ms read as it comes; docs/benchmarks.md, "Timing a start without slowing it").
launch_listening() {
  local log=$1 fifo line out t0
  shift
  fifo=$(mktemp -u "${TMPDIR:-/tmp}/ccrouter-output.XXXXXX")
  mkfifo "$fifo"
  t0=${EPOCHREALTIME/./}
  "$@" >"$fifo" 2>&1 &
  gateway_pid=$!
  exec {out}<"$fifo" # returns once the command has opened the pipe's other end
  rm -f "$fifo"
  listen_ms=
  while IFS= read -r -t 20 line <&"$out"; do
    printf '%s\n' "$line" >>"$log"
    if [[ $line == *listening* ]]; then
      listen_ms=$(( (${EPOCHREALTIME/./} - t0) / 1000 ))
      break
    fi
  done
  cat <&"$out" >>"$log" & # the rest, read so that the command's writes never wait for a reader
  output_pid=$!
  exec {out}<&-
  [ -n "$listen_ms" ]
}
