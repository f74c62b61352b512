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

# polite_teardown: a serve still running gets SIGTERM and its exit is waited for (common_teardown
# would kill it), then common_teardown
polite_teardown() {
	if [ -n "${SERVE_PID:-}" ] && pid_alive "$SERVE_PID"; then serve_stop TERM || true; fi
	common_teardown
}

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

# commands of cmd/commands.def (CC_CMD and CC_CMDN rows): all, or only those not CMD_HIDDEN
# with "visible".
# Fails (so that a loop over them cannot pass vacuously) when it finds none.
commands_def() {
	local out
	out=$(grep -E '^CC_CMDN?\(' "$E2E_TOP/cmd/commands.def" |
		if [ "${1:-}" = visible ]; then grep -v CMD_HIDDEN; else cat; fi |
		sed -E -e 's/^CC_CMD\(([A-Za-z0-9_]+),.*/\1/' \
			-e 's/^CC_CMDN\([A-Za-z0-9_]+, *"([a-z0-9-]+)",.*/\1/')
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

# ---- API helpers (t50xx): one server per engine, authenticated curl, database queries ----

# engine_serve ENGINE [ARGS...]: serve_start on ENGINE: "sqlite" (the default file in the
# data dir) or "pg" (a fresh database of the test server, in PG_DB_URL). Sets ENGINE.
# Call it directly: a missing PostgreSQL server skips the test.
engine_serve() {
	ENGINE=$1
	shift
	case $ENGINE in
	sqlite) serve_start "$@" ;;
	pg)
		fresh_pg_db >/dev/null
		serve_start --database-url "$PG_DB_URL" "$@"
		;;
	*) fail "engine_serve: unknown engine '$ENGINE'" ;;
	esac
}

# engine_args: sets ENGINE_ARGS, the serve options naming ENGINE's database (none for sqlite)
engine_args() {
	ENGINE_ARGS=()
	if [ "${ENGINE:-sqlite}" = pg ]; then ENGINE_ARGS=(--database-url "$PG_DB_URL"); fi
}

# db_q SQL: one query on ENGINE's database; unaligned, |-separated, no header
db_q() {
	case ${ENGINE:-sqlite} in
	sqlite) sqlite3 -batch -cmd '.timeout 5000' "$CERTCTL_DATA_DIR/certctl.db" "$1" ;;
	pg) psql_q "$PG_DB_URL" "$1" ;;
	esac
}

# api METHOD PATH [CURL ARGS...]: like http_get, with "Authorization: Bearer $API_KEY"
# (when API_KEY is set) and the method; a JSON body goes in with --data-binary
api() {
	local m=$1 p=$2
	shift 2
	if [ -n "${API_KEY:-}" ]; then
		http_get "$p" -X "$m" -H "Authorization: Bearer $API_KEY" "$@"
	else
		http_get "$p" -X "$m" "$@"
	fi
}

# api_json METHOD PATH JSON [CURL ARGS...]: api with a JSON body
api_json() {
	local m=$1 p=$2 body=$3
	shift 3
	api "$m" "$p" -H 'Content-Type: application/json' --data-binary "$body" "$@"
}

# assert_status WANT...: HTTP_STATUS is one of WANT
assert_status() {
	local w
	for w in "$@"; do [ "$HTTP_STATUS" = "$w" ] && return 0; done
	fail "HTTP status $HTTP_STATUS, expected $*: $HTTP_BODY"
}

# assert_json_error STATUS [WORD...]: HTTP_STATUS is STATUS (4xx: any 4xx), the body is a
# JSON object whose "message" (or "error") is a non-empty string holding every WORD
assert_json_error() {
	local want=$1 msg w
	shift
	if [ "$want" = 4xx ]; then
		[[ $HTTP_STATUS == 4[0-9][0-9] ]] || fail "HTTP status $HTTP_STATUS, expected 4xx: $HTTP_BODY"
	else
		assert_status "$want"
	fi
	msg=$(jq -er 'if type == "object" then (.message // .error) else error("not an object") end
		| select(type == "string" and length > 0)' <<<"$HTTP_BODY" 2>/dev/null) ||
		fail "status $HTTP_STATUS without a JSON error message: $HTTP_BODY"
	for w in "$@"; do
		[[ $msg == *"$w"* ]] || fail "error message does not name '$w': $msg"
	done
}

# header_value NAME: the value of response header NAME in HTTP_HEADERS (empty if absent)
header_value() {
	awk -v n="$1" 'BEGIN { n = tolower(n) }
		{ i = index($0, ":"); if (i && tolower(substr($0, 1, i - 1)) == n) {
			v = substr($0, i + 1); sub(/^[ \t]+/, "", v); print v; exit } }' <<<"$HTTP_HEADERS"
}

# wait_for SECONDS CMD [ARGS...]: retries CMD every 0.1 s until it succeeds or time runs out
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	"$@"
}

# Batches: many requests in one curl process, their results checked without one process
# per request. batch_reset; batch_add LABEL METHOD PATH [BODY]...; batch_run: then
# BATCH_LABEL[i], BATCH_CODE[i] and BATCH_MSG[i] (the JSON error's "message", or
# "NOT JSON: <body>" when the body is not a JSON object with one) for i in 0..BATCH_N-1.
# Requests carry "Authorization: Bearer $API_KEY" when API_KEY is set; BATCH_EXTRA, when
# set, is added to the request's curl config lines. PATH must not hold '"' or '\'.
batch_reset() {
	BATCH_N=0
	BATCH_DIR=$TEST_DIR/batch
	BATCH_LABEL=()
	BATCH_CODE=()
	BATCH_MSG=()
	rm -rf "$BATCH_DIR"
	mkdir -p "$BATCH_DIR"
	: >"$BATCH_DIR/curl"
}

batch_add() {
	local label=$1 m=$2 p=$3 n=$BATCH_N
	BATCH_N=$((n + 1))
	BATCH_LABEL[n]=$label
	: >"$BATCH_DIR/$n.out"
	{
		[ "$n" = 0 ] || echo next
		printf 'url = "http://127.0.0.1:%s%s"\nrequest = "%s"\n' "$PORT" "$p" "$m"
		[ -z "${API_KEY:-}" ] || printf 'header = "Authorization: Bearer %s"\n' "$API_KEY"
		if [ $# -ge 4 ]; then
			printf '%s' "$4" >"$BATCH_DIR/$n.in"
			printf 'header = "Content-Type: application/json"\ndata-binary = "@%s/%s.in"\n' \
				"$BATCH_DIR" "$n"
		fi
		printf 'output = "%s/%s.out"\nmax-time = 10\nwrite-out = "%%{http_code} %s\\n"\n' \
			"$BATCH_DIR" "$n" "$n"
		[ -z "${BATCH_EXTRA:-}" ] || printf '%s\n' "$BATCH_EXTRA"
	} >>"$BATCH_DIR/curl"
}

batch_run() {
	local code n msg
	[ "$BATCH_N" -gt 0 ] || fail "batch_run: empty batch"
	curl -sS -K "$BATCH_DIR/curl" >"$BATCH_DIR/codes" 2>"$BATCH_DIR/curl.err" || true
	while read -r code n; do BATCH_CODE[n]=$code; done <"$BATCH_DIR/codes"
	jq -R -r '(fromjson? // null) as $j | (input_filename | split("/") | last | rtrimstr(".out"))
		+ "|" + (if ($j | type) == "object" and (($j.message // $j.error) | type) == "string"
			then (($j.message // $j.error) | gsub("\n"; " ")) else "NOT JSON: " + .[0:200] end)' \
		"$BATCH_DIR"/*.out >"$BATCH_DIR/messages" || true
	while IFS='|' read -r n msg; do BATCH_MSG[n]=$msg; done <"$BATCH_DIR/messages"
	for ((n = 0; n < BATCH_N; n++)); do
		: "${BATCH_CODE[n]:=000}" "${BATCH_MSG[n]:=}"
	done
}

# batch_expect STATUS [WORD]: every request of the batch got STATUS ("4xx": any 4xx) and a
# JSON error message holding WORD ("{label}" stands for the request's label); lists those
# that did not
batch_expect() {
	local want=$1 word=${2:-} n w bad=
	for ((n = 0; n < BATCH_N; n++)); do
		w=${word//\{label\}/${BATCH_LABEL[n]}}
		if [ "$want" = 4xx ]; then
			[[ ${BATCH_CODE[n]} == 4[0-9][0-9] ]] || bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}, want 4xx"$'\n'
		else
			[ "${BATCH_CODE[n]}" = "$want" ] || bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}, want $want"$'\n'
		fi
		if [[ -z ${BATCH_MSG[n]} || ${BATCH_MSG[n]} == "NOT JSON: "* ]]; then
			bad+="${BATCH_LABEL[n]}: no JSON error: ${BATCH_MSG[n]}"$'\n'
		elif [[ ${BATCH_MSG[n]} != *"$w"* ]]; then
			bad+="${BATCH_LABEL[n]}: message '${BATCH_MSG[n]}' does not name '$w'"$'\n'
		fi
	done
	[ -z "$bad" ] || fail "$bad"
}

# ---- CLI helpers (t8xxx): serve with an API key and the demo fleet ----

# cli_serve [ARGS...]: the demo fleet in a fresh SQLite database, serve on $PORT with the API
# key $CLI_KEY (no rate limit, no scheduler), and the client settings in the environment
CLI_KEY=cli-test-key
cli_serve() {
	certctl db seed --demo >/dev/null || fail "db seed --demo failed"
	CERTCTL_AUTH_SECRET=$CLI_KEY CERTCTL_RATE_LIMIT_ENABLED=false serve_start --no-scheduler "$@"
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$CLI_KEY
	API_KEY=$CLI_KEY
}

# same_json PATH CMD...: the command's --format json output is the API's body for GET PATH
same_json() {
	local path=$1
	shift
	run certctl "$@" -o json
	assert_success
	api GET "$path"
	assert_status 200
	assert_equal "$output" "$HTTP_BODY"
}

# verbs_of CMD: the verbs of a resource command, from its help
verbs_of() {
	certctl help "$1" | sed -n '/^commands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }'
}
