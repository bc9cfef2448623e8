# Sourced by infra's scripts: loopback ports for the servers they start, and waiting for them.

# A port nothing listens on now.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_for_port HOST PORT PID SECONDS [LOG]: returns once HOST:PORT accepts connections; fails
# when the server's process PID exits first (printing LOG) or after SECONDS.
wait_for_port() {
  local host="$1" port="$2" pid="$3" seconds="$4" log="${5:-}"
  local tries=$((seconds * 5))
  for _ in $(seq 1 "$tries"); do
    python3 -c "import socket; socket.create_connection(('$host', $port), 1)" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      [ -z "$log" ] || cat "$log" >&2
      echo "the server for $host:$port exited" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "nothing listens on $host:$port after ${seconds}s" >&2
  return 1
}
