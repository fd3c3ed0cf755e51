# Sourced by the scripts that start the server. `stop_server PID` sends SIGTERM (graceful
# shutdown) and waits up to 40 s (the server's own shutdown timeout is 30 s); a server still
# running then has its stacks dumped (scripts/lib/dump-stacks) and is killed with SIGKILL, so a
# hanging shutdown (seen once after a long fuzz run; under investigation) can never stall CI.
stop_server() {
  local pid=$1
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 400); do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.1
  done
  echo "WARNING: the server did not stop within 40 s of SIGTERM; its stacks follow, then SIGKILL" >&2
  "$(dirname "${BASH_SOURCE[0]}")/dump-stacks" "$pid"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
