#!/usr/bin/env bash
# A private PostgreSQL for tests: one throw-away cluster per folder, on 127.0.0.1 only.
#
#   postgres.sh start DIR PORT USER PASSWORD DB   initdb into DIR (first time only), start the
#                                                server in the background, wait until it accepts
#                                                connections, create USER (scram-sha-256
#                                                password) owning database DB. Prints the pid.
#   postgres.sh stop DIR                          fast shutdown (SIGINT) of DIR's server; waits
#                                                until it is gone. Safe when it is not running.
#
# DIR must be empty or absent the first time. start on a DIR that already holds a cluster made
# here restarts it with its data and role (USER, PASSWORD and DB are then ignored; PORT may
# differ): that is how a test restarts the server, and a copy (cp -a) of a stopped DIR is a
# ready-made cluster, ~0.25 s to copy and start instead of ~2 s of initdb. Layout:
#   DIR/data            the cluster (PGDATA), mode 0700, owned by the server's user
#   DIR/.s.PGSQL.PORT   the Unix socket the script itself uses to create the role and database
#   DIR/postgres.log    the server's log (stdout and stderr); DIR/initdb.log, initdb's
#   DIR/created         marks that the role and database exist
#
# PostgreSQL refuses to run as root: when this script runs as root (as the tests do) the server
# and initdb run as the `postgres` system user (PG_USER to change it), through setpriv, which
# execs in place, so the pid we start is the postmaster's own pid. Every folder above DIR must
# then be searchable by that user: a JUnit @TempDir (mode 0700, root's) is not; use a folder
# made for the purpose under /tmp. Unix socket paths are limited to 107 bytes, so DIR must be
# short (DIR plus "/.s.PGSQL.PORT").
#
# Settings for speed, not durability: fsync, synchronous_commit and full_page_writes are off.
# A crash of the machine loses the cluster; that is fine for a test and wrong for anything else.
set -euo pipefail

# The distribution's newest server (Debian puts each major version in a folder of its own).
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ] || { echo "postgres.sh: no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }
PG_USER=${PG_USER:-postgres}          # OS user that runs the server when we are root
START_TIMEOUT=${PG_START_TIMEOUT:-30} # seconds to wait for the server to accept connections
STOP_TIMEOUT=${PG_STOP_TIMEOUT:-30}   # seconds to wait for a fast shutdown before SIGQUIT

die() { echo "postgres.sh: $*" >&2; exit 1; }

usage() {
  sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

# The prefix that runs a command as the server's user: nothing but PATH and the locale when we
# are that user already (not root), setpriv when we are root. Every element execs the next
# (setpriv, env, and setsid when not a process-group leader), unlike su and runuser, which fork
# and wait; so `"${AS_PG[@]}" postgres ... &` gives the postmaster's own pid in $!.
if [ "$(id -u)" -eq 0 ]; then
  AS_PG=(setpriv --reuid="$PG_USER" --regid="$PG_USER" --init-groups --reset-env --
         env PATH="$PG_BIN:/usr/bin:/bin" LC_ALL=C.UTF-8)
else
  AS_PG=(env PATH="$PG_BIN:$PATH" LC_ALL=C.UTF-8)
fi
as_pg() { "${AS_PG[@]}" "$@"; }

# True while process $1 exists and is not a zombie. After exiting, the postmaster (whose parent,
# this script, is gone) waits as a zombie until init reaps it; some inits (this sandbox's) do
# that only every ~2 s, and `kill -0` succeeds on a zombie, so it alone would make stop 2 s slow.
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$state" ] && [ "$state" != Z ]
}

# The postmaster's pid from DIR/data/postmaster.pid, if that process is alive; empty otherwise.
# (A stale file after a crash or a SIGKILL names a dead or reused pid: we check the process is a
# postgres whose data folder is ours.)
running_pid() {
  local data=$1 pid
  [ -f "$data/postmaster.pid" ] || return 0
  pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  if alive "$pid" && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(cd "$data" && pwd -P)" ]; then
    echo "$pid"
  fi
}

start() {
  [ $# -eq 5 ] || usage
  local dir=$1 port=$2 user=$3 password=$4 db=$5
  [[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ "$port" -le 65535 ] || die "bad port: $port"
  [[ "$user" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "user must be a plain identifier: $user"
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || die "database must be a plain identifier: $db"

  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd -P)
  local data=$dir/data log=$dir/postgres.log
  local socket=$dir/.s.PGSQL.$port
  [ ${#socket} -le 107 ] || die "socket path too long (${#socket} > 107 bytes): $socket"

  if [ -n "$(running_pid "$data")" ]; then
    die "a server is already running on $data (pid $(running_pid "$data"))"
  fi

  if [ "$(id -u)" -eq 0 ]; then
    chown "$PG_USER:" "$dir"
    as_pg test -w "$dir" -a -x "$dir" ||
      die "$PG_USER cannot write $dir: a folder above it is not searchable by $PG_USER"
  fi
  chmod 0700 "$dir"
  cd "$dir" # the server's user may not be able to enter the caller's working directory

  if [ ! -f "$data/PG_VERSION" ]; then
    [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a cluster made by this script"
    # Superuser "postgres" with trust on the Unix socket only (the socket lives in DIR, mode
    # 0700, so only the server's user and root reach it); scram-sha-256 for every TCP login.
    # --no-sync: don't fsync the new files (seconds saved; fine for a throw-away cluster).
    as_pg initdb --pgdata="$data" --username=postgres --encoding=UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync --no-instructions >"$dir/initdb.log" 2>&1 ||
      { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi

  # Started in the background with its output in the log; setsid puts it in a session of its
  # own so that a test runner's Ctrl-C or a kill of our process group does not reach it (stop
  # is the only way down). The server never reads stdin.
  "${AS_PG[@]}" setsid postgres -D "$data" -p "$port" -k "$dir" \
    -c listen_addresses=127.0.0.1 \
    -c unix_socket_permissions=0700 \
    -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
    -c max_connections=200 -c shared_buffers=32MB \
    -c log_min_messages=warning -c log_connections=off \
    </dev/null >>"$log" 2>&1 &
  local pid=$!

  # Ready when pg_isready answers on our own Unix socket (in DIR: a server of someone else's on
  # the same TCP port would answer pg_isready -h 127.0.0.1 and fool us). The postmaster binds the
  # TCP port before it makes the socket, so a port already taken makes it exit ("could not
  # create any TCP/IP sockets") before it can look ready: we notice it died and show the log.
  local deadline=$((SECONDS + START_TIMEOUT))
  while true; do
    if ! alive "$pid"; then
      tail -n 20 "$log" >&2
      die "the server exited during start-up (log: $log)"
    fi
    pg_ready "$dir" "$port" && break
    if [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$log" >&2
      kill -QUIT "$pid" 2>/dev/null || true
      die "the server did not accept connections within ${START_TIMEOUT}s (log: $log)"
    fi
    sleep 0.05
  done

  if [ ! -f "$dir/created" ]; then
    # Role and database, once (DIR/created marks it done, so a restart skips this), over the
    # Unix socket as the superuser. Values are passed as psql variables (:'x' quotes a literal,
    # :"x" an identifier), so a password holding quotes is safe. The server stores the password
    # as a SCRAM-SHA-256 verifier (password_encryption's default).
    as_pg psql --no-psqlrc --quiet -X -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
      -v user="$user" -v password="$password" -v db="$db" >/dev/null <<'SQL' ||
CREATE ROLE :"user" LOGIN CREATEDB PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL
      { stop "$dir"; die "could not create role $user and database $db"; }
    touch "$dir/created"
  fi
  echo "$pid"
}

# Ready: pg_isready's exit 0 means "accepting connections" (1 = rejecting, e.g. still starting
# or shutting down; 2 = no response). It checks only that the server answers, not the password.
pg_ready() {
  "$PG_BIN/pg_isready" -q -h "$1" -p "$2" -t 1 >/dev/null 2>&1
}

stop() {
  [ $# -eq 1 ] || usage
  local dir data pid
  dir=$(cd "$1" 2>/dev/null && pwd -P) || return 0 # no folder, nothing to stop
  data=$dir/data
  pid=$(running_pid "$data")
  [ -n "$pid" ] || return 0
  # SIGINT: fast shutdown (ends sessions, rolls back open transactions, checkpoints, exits).
  # If that hangs, SIGQUIT: immediate shutdown (no checkpoint: recovery on next start).
  kill -INT "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then
      echo "postgres.sh: fast shutdown took over ${STOP_TIMEOUT}s; sending SIGQUIT" >&2
      kill -QUIT "$pid" 2>/dev/null || true
      sleep 1
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.02
  done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  *) usage ;;
esac
