#!/usr/bin/env bash
# A private Virtuoso Open Source 7 instance for FundKG (Debian package virtuoso-opensource-7).
#
#   scripts/virtuoso.sh start DIR HTTP_PORT [ISQL_PORT]   database, log and ini in DIR; ISQL_PORT defaults to HTTP_PORT+1
#   scripts/virtuoso.sh stop DIR
#
# Both ports are bound to 127.0.0.1. `start` is idempotent (an instance already serving DIR on the
# same port is left alone), waits until /sparql answers, and then, once per database, grants
# SPARQL update rights to the anonymous "SPARQL" user, so that /sparql accepts updates and
# /sparql-graph-crud the Graph Store Protocol without authentication: keep the ports on loopback.
# The SPARQL limits are set so that results are never silently cut (Debian's ini stops at 10000
# rows with HTTP 200) and no query is refused by a cost estimate; FundKG's service bounds each
# query with the protocol's `timeout` parameter instead.
#
# Environment: VIRTUOSO_DBA_PASSWORD (default dba; only a new database takes a new one),
# VIRTUOSO_BUFFERS (8 KiB pages, default 20000 ≈ 160 MiB; about 170000 per 2 GiB of RAM for a large
# store), VIRTUOSO_START_TIMEOUT (seconds, default 120), VIRTUOSO_BIN, ISQL_BIN.
set -euo pipefail

VT=${VIRTUOSO_BIN:-/usr/bin/virtuoso-t}
ISQL=${ISQL_BIN:-/usr/bin/isql-vt}
PW=${VIRTUOSO_DBA_PASSWORD:-dba}

usage() { echo "usage: $0 start DIR HTTP_PORT [ISQL_PORT] | stop DIR" >&2; exit 64; }

# shellcheck source=scripts/server-common.sh
. "$(dirname "$0")/server-common.sh"

sparql_ok() { answers "http://127.0.0.1:$1/sparql"; }

lock_pid() { sed -n 's/^VIRT_PID=//p' "$1/virtuoso.lck" 2>/dev/null || true; }

start() {
  [ $# -ge 2 ] || usage
  local dir port isql_port
  dir=$(mkdir -p "$1" && cd "$1" && pwd)
  port=$2
  isql_port=${3:-$((port + 1))}
  if [ ! -x "$VT" ]; then
    cat >&2 <<'MSG'
virtuoso-t is not installed. On Debian, as root:
  echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password password dba" | debconf-set-selections
  echo "virtuoso-opensource-7 virtuoso-opensource-7/dba-password-again password dba" | debconf-set-selections
  DEBIAN_FRONTEND=noninteractive apt-get install -y virtuoso-opensource-7
MSG
    exit 69
  fi
  if [ -f "$dir/virtuoso.lck" ]; then
    local pid
    pid=$(lock_pid "$dir")
    if [ -n "$pid" ] && alive "$pid"; then
      if [ "$(cat "$dir/http.port" 2>/dev/null)" = "$port" ] && sparql_ok "$port"; then
        echo "virtuoso already running in $dir (pid $pid): http://127.0.0.1:$port/sparql"
        return 0
      fi
      echo "virtuoso in $dir runs (pid $pid) on another port; stop it first" >&2
      exit 1
    fi
    rm -f "$dir/virtuoso.lck"  # left by a crash: the next start rolls the transaction log forward
  fi
  for p in "$port" "$isql_port"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "port 127.0.0.1:$p is already in use" >&2
      exit 1
    fi
  done
  local buffers=${VIRTUOSO_BUFFERS:-20000}
  mkdir -p "$dir/vsp"
  cat > "$dir/virtuoso.ini" <<INI
; written by scripts/virtuoso.sh on every start
[Database]
DatabaseFile       = $dir/virtuoso.db
ErrorLogFile       = $dir/virtuoso.log
LockFile           = $dir/virtuoso.lck
TransactionFile    = $dir/virtuoso.trx
xa_persistent_file = $dir/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = $dir/virtuoso-temp.db
TransactionFile    = $dir/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort           = 127.0.0.1:$isql_port
DisableUnixSocket    = 1
MaxClientConnections = 20
CheckpointInterval   = 60
CaseMode             = 2
AllowOSCalls         = 0
DirsAllowed          = ., $dir, /usr/share/virtuoso-opensource-7/vad
ThreadsPerQuery      = 2
NumberOfBuffers      = $buffers
MaxDirtyBuffers      = $((buffers * 3 / 4))
MaxQueryMem          = 1G
; ORDER BY ... OFFSET/LIMIT past 10000 rows fails (SR353) with the built-in limit
MaxSortedTopRows     = 10000000

[HTTPServer]
ServerPort           = 127.0.0.1:$port
ServerRoot           = $dir/vsp
MaxClientConnections = 20
ServerThreads        = 20
EnabledDavVSP        = 0
HTTPProxyEnabled     = 0
MaxKeepAlives        = 10
KeepAliveTimeout     = 10
Charset              = UTF-8

[URIQA]
DynamicLocal = 0
DefaultHost  = 127.0.0.1:$port

[SPARQL]
; Debian ships 10000: results (and Graph Store GETs) would be cut there with HTTP 200
ResultSetMaxRows           = 100000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 0
INI
  echo "$port" > "$dir/http.port"
  echo "$isql_port" > "$dir/isql.port"
  local new_db=0
  [ -f "$dir/virtuoso.db" ] || new_db=1
  # +wait: the server daemonises and returns once it is initialised; its pid is in the lock file.
  if ! (cd "$dir" && exec "$VT" +configfile "$dir/virtuoso.ini" +wait) >> "$dir/start.out" 2>&1; then
    echo "virtuoso-t failed to start; the end of $dir/virtuoso.log:" >&2
    tail -20 "$dir/virtuoso.log" >&2 || true
    exit 1
  fi
  local deadline=$(( $(date +%s) + ${VIRTUOSO_START_TIMEOUT:-120} ))
  until sparql_ok "$port"; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "virtuoso did not answer on http://127.0.0.1:$port/sparql in time; the end of $dir/virtuoso.log:" >&2
      tail -20 "$dir/virtuoso.log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  if [ "$new_db" = 1 ] && [ "$PW" != "dba" ]; then
    "$ISQL" "127.0.0.1:$isql_port" dba dba "exec=SET PASSWORD dba $PW;" >> "$dir/isql.out" 2>&1
  fi
  if [ ! -f "$dir/.update-granted" ]; then
    "$ISQL" "127.0.0.1:$isql_port" dba "$PW" 'exec=GRANT SPARQL_UPDATE TO "SPARQL";' >> "$dir/isql.out" 2>&1
    touch "$dir/.update-granted"
  fi
  echo "virtuoso started in $dir (pid $(lock_pid "$dir")): http://127.0.0.1:$port/sparql"
}

stop() {
  [ $# -ge 1 ] || usage
  local dir=$1 pid
  pid=$(lock_pid "$dir")
  if [ -z "$pid" ] || ! alive "$pid"; then
    rm -f "$dir/virtuoso.lck"
    echo "virtuoso in $dir is not running"
    return 0
  fi
  if [ "$(command_of "$pid")" != "virtuoso-t" ]; then
    echo "pid $pid in $dir/virtuoso.lck is not virtuoso-t; not signalling it" >&2
    exit 1
  fi
  # A checkpoint and shutdown through ISQL; then SIGTERM, then SIGKILL.
  "$ISQL" "127.0.0.1:$(cat "$dir/isql.port")" dba "$PW" -K >> "$dir/isql.out" 2>&1 || true
  end_process "$pid" NONE TERM KILL
  rm -f "$dir/virtuoso.lck"
  echo "virtuoso in $dir stopped (pid $pid)"
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) usage ;;
esac
