# helpers.bash: sourced by every end-to-end test file (`load helpers`).
#
# Per test: $TEST_DIR (under BATS_TEST_TMPDIR), CERTCTL_DATA_DIR=$TEST_DIR/data,
# HOME=$TEST_DIR/home and a free 127.0.0.1 port in $PORT. Every CERTCTL_* variable of
# the caller is dropped, except CERTCTL_TEST_* (certctl ignores that prefix).
#
# A daemon started by a test must not inherit bats' file descriptors (bats waits until
# every process has closed them): start it with serve_start / daemon_start, which close
# every fd above 2, and it is stopped in teardown whatever happened.

load /usr/lib/bats/bats-support/load
load /usr/lib/bats/bats-assert/load
load /usr/lib/bats/bats-file/load

bats_require_minimum_version 1.5.0

E2E_TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
# bats loads this file in several processes, the later ones after CERTCTL_* is unset
# below: resolve the build dir once and hand it down under another name
if [ -z "${E2E_BIN_DIR:-}" ]; then
	E2E_BIN_DIR=${CERTCTL_BUILD_DIR:-$E2E_TOP/build}
	E2E_BIN_DIR=$(cd "$E2E_BIN_DIR" 2>/dev/null && pwd || echo "$E2E_BIN_DIR")
	export E2E_BIN_DIR
fi
CERTCTL_BIN_DIR=$E2E_BIN_DIR
PG_TMP=$E2E_TOP/scripts/pg-tmp
# the system python starts in 30 ms, a pyenv shim in 150
E2E_PYTHON=/usr/bin/python3
[ -x "$E2E_PYTHON" ] || E2E_PYTHON=python3
PATH=$CERTCTL_BIN_DIR:$PATH

# the caller's configuration must not leak into the tests
for _v in $(compgen -e | grep '^CERTCTL_' || true); do
	case $_v in
	CERTCTL_TEST_*) ;;
	*) unset "$_v" ;;
	esac
done
unset _v XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME NO_COLOR

common_setup() {
	[ -x "$CERTCTL_BIN_DIR/certctl" ] || fail "no $CERTCTL_BIN_DIR/certctl: run make first"
	TEST_DIR=$BATS_TEST_TMPDIR/t
	mkdir -p "$TEST_DIR/home"
	export TEST_DIR
	export CERTCTL_DATA_DIR=$TEST_DIR/data
	export HOME=$TEST_DIR/home
	PORT=$(free_port)
	SERVE_PID=
	SERVE_STATUS=
	BG_PIDS=()
}

# bats runs teardown in a `||` list, where set -e is off: report failures by status
common_teardown() {
	local rc=0 db leaked pid
	if [ -n "${SERVE_PID:-}" ] && pid_alive "$SERVE_PID"; then
		kill -KILL "$SERVE_PID" 2>/dev/null || true
		wait "$SERVE_PID" 2>/dev/null || true
		echo "# teardown: serve (pid $SERVE_PID) was still running, killed" >&3
	fi
	SERVE_PID=
	for pid in "${BG_PIDS[@]}"; do
		if pid_alive "$pid"; then
			kill -KILL "$pid" 2>/dev/null || true
			wait "$pid" 2>/dev/null || true
		fi
	done
	BG_PIDS=()
	leaked=$(leaked_certctl)
	if [ -n "$leaked" ]; then
		# shellcheck disable=SC2086 # a list of pids
		kill -KILL $leaked 2>/dev/null || true
		echo "teardown: certctl processes of this test were still running (killed): $leaked" >&2
		rc=1
	fi
	if [ -n "${TEST_DIR:-}" ] && [ -f "$TEST_DIR/pg_dbs" ]; then
		while read -r db; do
			"$PG_TMP" psql "$(pg_dir)" -q \
				-c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 ||
				echo "# teardown: cannot drop database $db" >&3
		done <"$TEST_DIR/pg_dbs"
		rm -f "$TEST_DIR/pg_dbs"
	fi
	return $rc
}

# files may define their own setup/teardown; they must call these
setup() { common_setup; }
teardown() { common_teardown; }

# free_port: a TCP port on 127.0.0.1 nobody listens on right now
free_port() {
	"$E2E_PYTHON" -S -I -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# leaked_certctl: pids of certctl processes started by this test (their environment holds
# this test's CERTCTL_DATA_DIR), whatever started them
leaked_certctl() {
	[ -n "${TEST_DIR:-}" ] || return 0
	local pid
	for pid in $(pgrep '^certctl' || true); do
		pid_alive "$pid" || continue
		tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null |
			grep -qxF "CERTCTL_DATA_DIR=$TEST_DIR/data" && printf '%s ' "$pid"
	done
	return 0
}

# pid_alive PID: true while PID runs (a zombie counts as gone)
pid_alive() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# _closefds_exec CMD [ARGS...]: closes every fd above 2, then execs CMD (run it with &)
_closefds_exec() {
	local fd
	for fd in /proc/"$BASHPID"/fd/*; do
		fd=${fd##*/}
		case $fd in 0 | 1 | 2 | 255) ;; *) eval "exec $fd>&-" ;; esac
	done
	exec "$@"
}

# bg_start OUTFILE CMD [ARGS...]: a helper process (not certctl serve) in the background,
# fds above 2 closed, stdout+stderr in OUTFILE; sets BG_PID; killed in teardown
bg_start() {
	local out=$1
	shift
	_closefds_exec "$@" </dev/null >"$out" 2>&1 &
	BG_PID=$!
	BG_PIDS+=("$BG_PID")
}

# daemon_start CMD [ARGS...]: runs CMD in the background with every fd above 2 closed,
# stdout in $TEST_DIR/serve.out, stderr (the log) in $TEST_DIR/serve.log, then waits up
# to 10 s for http://127.0.0.1:$PORT/health. Sets SERVE_PID.
daemon_start() {
	[ -z "${SERVE_PID:-}" ] || fail "daemon_start: a daemon is already running (pid $SERVE_PID)"
	_closefds_exec "$@" </dev/null >"$TEST_DIR/serve.out" 2>"$TEST_DIR/serve.log" &
	SERVE_PID=$!
	local i
	for ((i = 0; i < 100; i++)); do
		if ! pid_alive "$SERVE_PID"; then
			wait "$SERVE_PID" && SERVE_STATUS=0 || SERVE_STATUS=$?
			SERVE_PID=
			fail "daemon '$*' exited with status $SERVE_STATUS before answering:
$(cat "$TEST_DIR/serve.log")"
		fi
		curl -fsS --max-time 1 -o /dev/null "http://127.0.0.1:$PORT/health" 2>/dev/null &&
			return 0
		sleep 0.1
	done
	fail "daemon '$*' did not answer /health within 10 s:
$(cat "$TEST_DIR/serve.log")"
}

# serve_start [ARGS...]: certctl serve --port $PORT ARGS...
serve_start() {
	daemon_start certctl serve --port "$PORT" "$@"
}

# serve_stop [SIGNAL [EXPECTED_STATUS]]: sends SIGNAL (TERM), waits up to 5 s for the exit,
# sets SERVE_STATUS; fails if it does not stop or exits with another status than expected
serve_stop() {
	local sig=${1:-TERM} want=${2:-} i
	[ -n "${SERVE_PID:-}" ] || fail "serve_stop: no daemon running"
	kill -s "$sig" "$SERVE_PID"
	for ((i = 0; i < 50; i++)); do
		pid_alive "$SERVE_PID" || break
		sleep 0.1
	done
	if pid_alive "$SERVE_PID"; then
		kill -KILL "$SERVE_PID"
		wait "$SERVE_PID" 2>/dev/null || true
		SERVE_PID=
		fail "serve did not exit within 5 s of SIG$sig:
$(cat "$TEST_DIR/serve.log")"
	fi
	wait "$SERVE_PID" && SERVE_STATUS=0 || SERVE_STATUS=$?
	SERVE_PID=
	if [ -n "$want" ] && [ "$SERVE_STATUS" != "$want" ]; then
		fail "serve exited with status $SERVE_STATUS after SIG$sig, expected $want:
$(cat "$TEST_DIR/serve.log")"
	fi
}

# http_get PATH [CURL ARGS...]: GET http://127.0.0.1:$PORT$PATH; sets HTTP_STATUS (000 when
# nothing answered), HTTP_BODY and HTTP_HEADERS. Call it directly, not through run.
http_get() {
	local path=$1
	shift
	HTTP_STATUS=$(curl -sS --max-time 5 -o "$TEST_DIR/http.body" -D "$TEST_DIR/http.headers" \
		-w '%{http_code}' "$@" "http://127.0.0.1:$PORT$path" 2>"$TEST_DIR/http.err") ||
		HTTP_STATUS=000
	HTTP_BODY=$(cat "$TEST_DIR/http.body" 2>/dev/null || true)
	HTTP_HEADERS=$(tr -d '\r' <"$TEST_DIR/http.headers" 2>/dev/null || true)
}

# pg_url: prints the test PostgreSQL server's URL (and sets PG_URL), or skips the test.
# Call it directly, not in $( ): skip cannot leave a subshell.
pg_url() {
	[ -n "${CERTCTL_TEST_PG_URL:-}" ] ||
		skip "CERTCTL_TEST_PG_URL is not set: scripts/run-tests sets it, or run scripts/pg-tmp start /tmp/ccpg PORT and export it"
	PG_URL=$CERTCTL_TEST_PG_URL
	echo "$PG_URL"
}

pg_dir() {
	echo "${CERTCTL_TEST_PG_DIR:-/tmp/ccpg}"
}

# fresh_pg_db: creates an empty database on the test server (as the superuser, owned by
# the URL's user), prints its URL and sets PG_DB_URL; teardown drops it. Call it
# directly (fresh_pg_db >/dev/null; url=$PG_DB_URL) so that a missing server skips.
fresh_pg_db() {
	local base user name rest query=
	pg_url >/dev/null
	base=$PG_URL
	[ -d "$(pg_dir)" ] ||
		skip "no PostgreSQL cluster dir $(pg_dir) to create databases in (set CERTCTL_TEST_PG_DIR)"
	rest=${base#*://}
	user=${rest%%@*}
	user=${user%%:*}
	case $base in *\?*) query="?${base#*\?}" base=${base%%\?*} ;; esac
	name=cce2e_${BATS_ROOT_PID:-0}_$(date +%s%N | tail -c 8)_$RANDOM
	echo "$name" >>"$TEST_DIR/pg_dbs"
	"$PG_TMP" psql "$(pg_dir)" -q -v ON_ERROR_STOP=1 \
		-c "CREATE DATABASE \"$name\" OWNER \"$user\"" >/dev/null ||
		fail "fresh_pg_db: cannot create database $name"
	PG_DB_URL=${base%/*}/$name$query
	echo "$PG_DB_URL"
}

# psql_q URL SQL: one unaligned, tuples-only query
psql_q() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$1" -c "$2"
}

# the migrations in the source tree (schema/ENGINE/NNNN_name.sql): their number, and the
# highest version
migration_count() {
	local f n=0
	for f in "$E2E_TOP/schema/${1:-sqlite}"/[0-9][0-9][0-9][0-9]_*.sql; do
		[ -e "$f" ] && n=$((n + 1))
	done
	echo "$n"
}
migration_latest() {
	local f v=0
	for f in "$E2E_TOP/schema/${1:-sqlite}"/[0-9][0-9][0-9][0-9]_*.sql; do
		[ -e "$f" ] || continue
		f=${f##*/}
		f=$((10#${f:0:4}))
		[ "$f" -gt "$v" ] && v=$f
	done
	echo "$v"
}

# commands of cmd/commands.def: all, or only those not CMD_HIDDEN with "visible".
# Fails (so that a loop over them cannot pass vacuously) when it finds none.
commands_def() {
	local out
	out=$(grep '^CC_CMD(' "$E2E_TOP/cmd/commands.def" |
		if [ "${1:-}" = visible ]; then grep -v CMD_HIDDEN; else cat; fi |
		sed -E 's/^CC_CMD\(([A-Za-z0-9_]+),.*/\1/')
	[ -n "$out" ] || { echo "commands_def: no CC_CMD rows in cmd/commands.def" >&2; return 1; }
	echo "$out"
}

# config_env_vars: every CERTCTL_* variable of libcc/config.def (fails when none)
config_env_vars() {
	local out
	out=$(grep '^CC_CFG(' "$E2E_TOP/libcc/config.def" |
		sed -E 's/^CC_CFG\([a-z0-9_]+, *"([A-Z0-9_]+)".*/\1/')
	[ -n "$out" ] || { echo "config_env_vars: no CC_CFG rows in libcc/config.def" >&2; return 1; }
	echo "$out"
}
