# Sourced by the scripts that start a server (the service or bench/hello). A fixed port that was
# already taken once made a smoke run measure another process; so the server binds a free port
# itself (BIND_ADDR=127.0.0.1:0) and prints `listening on port N (pid P)` on standard output, and
# `start_server` takes the port from that line, checks the pid is the process it started, and
# after the first good answer on HEALTH_PATH checks that this process holds the listening socket.
#
# `start_server NAME DIR CMD...` starts CMD in the background with its output in DIR/NAME.out and
# DIR/NAME.log and sets SERVER_PID and SERVER_PORT; on failure it prints the log and returns 1.
# HEALTH_PATH defaults to /health/ready. `target_dir` is where cargo builds (CARGO_TARGET_DIR).

target_dir=${CARGO_TARGET_DIR:-target}

# owns_port PID PORT: PID holds the listening TCP socket on PORT (Linux /proc; no tools needed).
owns_port() {
  local hex inode
  hex=$(printf '%04X' "$2")
  for inode in $(awk -v port=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == port {print $10}' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null); do
    if find "/proc/$1/fd" -maxdepth 1 -lname "socket:\[$inode\]" 2>/dev/null | grep -q .; then
      return 0
    fi
  done
  return 1
}

start_server() {
  local name=$1 dir=$2 health=${HEALTH_PATH:-/health/ready}
  shift 2
  BIND_ADDR=127.0.0.1:0 "$@" >"$dir/$name.out" 2>"$dir/$name.log" &
  SERVER_PID=$!
  SERVER_PORT=
  for _ in $(seq 2400); do
    SERVER_PORT=$(sed -n "s/^listening on port \([0-9]*\) (pid $SERVER_PID)\$/\1/p" "$dir/$name.out")
    [[ -n $SERVER_PORT ]] && break
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$name exited before listening:" >&2; cat "$dir/$name.log" >&2; return 1
    fi
    sleep 0.005
  done
  if [[ -z $SERVER_PORT ]]; then
    echo "$name did not report its port within 12 s:" >&2; cat "$dir/$name.log" >&2; return 1
  fi
  for _ in $(seq 3000); do
    if curl -sf -o /dev/null "http://127.0.0.1:$SERVER_PORT$health"; then
      if ! owns_port "$SERVER_PID" "$SERVER_PORT"; then
        echo "port $SERVER_PORT answered, but not from $name (pid $SERVER_PID)" >&2; return 1
      fi
      return 0
    fi
    sleep 0.005
  done
  echo "$name (pid $SERVER_PID, port $SERVER_PORT) did not answer $health:" >&2
  cat "$dir/$name.log" >&2
  return 1
}
