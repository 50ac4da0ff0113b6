#!/usr/bin/env bash
# The Oxigraph SPARQL server for FundKG (`oxigraph` on PyPI: the server binary, the same release as pyoxigraph).
#
#   scripts/oxigraph-server.sh start DIR PORT    store in DIR/data, bound to 127.0.0.1:PORT
#   scripts/oxigraph-server.sh stop DIR
#
# Read-write, without authentication (keep it on loopback or behind a proxy), with the union of all
# graphs as the default graph (--union-default-graph), as FundKG's queries expect. `start` is
# idempotent and waits until /query answers.
#
# Environment: OXIGRAPH_BIN (default: `oxigraph` beside this Python, else on PATH),
# OXIGRAPH_TIMEOUT_S (the server's own limit per query, default 300: without one a query keeps
# running after its client has gone), OXIGRAPH_START_TIMEOUT (seconds, default 60).
set -euo pipefail

usage() { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 64; }

# shellcheck source=scripts/server-common.sh
. "$(dirname "$0")/server-common.sh"

query_ok() { answers "http://127.0.0.1:$1/query"; }

binary() {
  if [ -n "${OXIGRAPH_BIN:-}" ]; then echo "$OXIGRAPH_BIN"; return; fi
  local python
  python=$(command -v python3 || true)
  if [ -n "$python" ] && [ -x "$(dirname "$python")/oxigraph" ]; then echo "$(dirname "$python")/oxigraph"; return; fi
  command -v oxigraph || true
}

start() {
  [ $# -ge 2 ] || usage
  local dir port bin
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  port=$2
  bin=$(binary)
  if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "the oxigraph server is not installed: pip install 'oxigraph>=0.5,<0.6' (the release of pyoxigraph)" >&2
    exit 69
  fi
  if [ -f "$dir/oxigraph.pid" ]; then
    local pid
    pid=$(cat "$dir/oxigraph.pid")
    if [ -n "$pid" ] && alive "$pid" && [ "$(command_of "$pid")" = "oxigraph" ]; then
      if [ "$(cat "$dir/http.port" 2>/dev/null)" = "$port" ] && query_ok "$port"; then
        echo "oxigraph already running in $dir (pid $pid): http://127.0.0.1:$port/query"
        return 0
      fi
      echo "oxigraph for $dir runs (pid $pid) on another port; stop it first" >&2
      exit 1
    fi
    rm -f "$dir/oxigraph.pid"
  fi
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port 127.0.0.1:$port is already in use" >&2
    exit 1
  fi
  # setsid: the server leaves this shell's session and outlives it.
  setsid "$bin" serve --location "$dir/data" --bind "127.0.0.1:$port" --union-default-graph \
    --timeout-s "${OXIGRAPH_TIMEOUT_S:-300}" >> "$dir/oxigraph.log" 2>&1 < /dev/null &
  local pid=$!
  echo "$pid" > "$dir/oxigraph.pid"
  echo "$port" > "$dir/http.port"
  local deadline=$(( $(date +%s) + ${OXIGRAPH_START_TIMEOUT:-60} ))
  until query_ok "$port"; do
    if ! alive "$pid" || [ "$(date +%s)" -ge "$deadline" ]; then
      echo "oxigraph did not answer on http://127.0.0.1:$port/query; the end of $dir/oxigraph.log:" >&2
      tail -20 "$dir/oxigraph.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  echo "oxigraph started in $dir (pid $pid): http://127.0.0.1:$port/query"
}

stop() {
  [ $# -ge 1 ] || usage
  local dir=$1 pid
  pid=$(cat "$dir/oxigraph.pid" 2>/dev/null || true)
  if [ -z "$pid" ] || ! alive "$pid"; then
    rm -f "$dir/oxigraph.pid"
    echo "oxigraph in $dir is not running"
    return 0
  fi
  if [ "$(command_of "$pid")" != "oxigraph" ]; then
    echo "pid $pid in $dir/oxigraph.pid is not oxigraph; not signalling it" >&2
    exit 1
  fi
  # SIGTERM: RocksDB's write-ahead log keeps what was committed. SIGKILL after 30 s.
  end_process "$pid" TERM KILL
  rm -f "$dir/oxigraph.pid"
  echo "oxigraph in $dir stopped (pid $pid)"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) usage ;;
esac
