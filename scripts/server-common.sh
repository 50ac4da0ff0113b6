# Shell functions shared by scripts/virtuoso.sh and scripts/oxigraph-server.sh (sourced, not run).

# A stopped daemon may linger as a zombie until PID 1 reaps it: a zombie counts as stopped.
alive() {
  local state
  state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

command_of() { cat "/proc/$1/comm" 2>/dev/null || true; }

# Whether a SPARQL query endpoint answers ASK {} (Python's standard library: no curl needed).
answers() {
  python3 - "$1" <<'PY' 2>/dev/null
import sys, urllib.parse, urllib.request
data = urllib.parse.urlencode({"query": "ASK {}"}).encode()
with urllib.request.urlopen(urllib.request.Request(sys.argv[1], data=data), timeout=5) as response:
    sys.exit(0 if response.status == 200 else 1)
PY
}

# Send each signal in turn (NONE: send nothing, only wait) and give the process 30 s after each to end.
end_process() {
  local pid=$1 signal deadline
  shift
  for signal in "$@"; do
    [ "$signal" = NONE ] || kill -s "$signal" "$pid" 2>/dev/null || true
    deadline=$(( $(date +%s) + 30 ))
    while alive "$pid" && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.2; done
    alive "$pid" || return 0
  done
}
