#!/usr/bin/env bats
# t8107: the client's global options and what depends on the terminal: table width and
# colours on a TTY only (never with --no-color or NO_COLOR), progress bars on a TTY and
# nothing on a pipe (import, --all, bulk-revoke), --timeout against a server that never
# answers, --ca-cert/--insecure over HTTPS, the default server http://localhost:8443 and
# the key from the credentials file

load helpers

teardown() { polite_teardown; }

# on_tty CMD...: runs CMD with stdin, stdout and stderr on a pseudo-terminal (script(1));
# sets status and output (the terminal's bytes, \r\n line ends)
on_tty() {
	local cmd
	cmd=$(printf '%q ' "$@")
	run script -qec "$cmd" /dev/null
}

@test "colours: status colours on a terminal; none with --no-color, NO_COLOR or on a pipe" {
	cli_serve
	on_tty certctl certs list --status Expired
	assert_success
	[[ $output == *$'\033[31mExpired'* ]] || fail "no red Expired on a terminal: $output"
	on_tty certctl certs get mc-old-blog
	[[ $output == *$'\033['*m* ]] || fail "no colour in details on a terminal: $output"
	on_tty certctl certs list --status Expired --no-color
	assert_success
	assert_output --partial 'Expired'
	[[ $output != *$'\033'* ]] || fail "colour with --no-color: $output"
	on_tty env NO_COLOR=1 certctl certs list --status Expired
	assert_success
	assert_output --partial 'Expired'
	[[ $output != *$'\033'* ]] || fail "colour with NO_COLOR=1: $output"
	on_tty env NO_COLOR=1 certctl certs get mc-old-blog
	[[ $output != *$'\033'* ]] || fail "colour in details with NO_COLOR=1: $output"
	# an empty NO_COLOR does not count (no-color.org)
	on_tty env NO_COLOR= certctl certs list --status Expired
	[[ $output == *$'\033[31m'* ]] || fail "no colour with an empty NO_COLOR: $output"
	run certctl certs list --status Expired
	assert_success
	[[ $output != *$'\033'* ]] || fail "colour on a pipe: $output"
}

@test "tables fit the terminal's width (its window size, not COLUMNS)" {
	cli_serve
	run script -qec "stty cols 70; COLUMNS=500 certctl certs list --per-page 30" /dev/null
	assert_success
	local l n=0
	while IFS= read -r l; do
		l=${l%$'\r'}
		l=$(sed 's/\x1b\[[0-9;]*m//g' <<<"$l")
		[ "$(printf '%s' "$l" | wc -m)" -le 70 ] || fail "wider than 70: '$l'"
		n=$((n + 1))
	done <<<"$output"
	[ "$n" -ge 30 ] || fail "only $n lines: $output"
	assert_output --partial '…'
}

# certificates for import: N self-signed leaves in one bundle
make_bundle() {
	local n=$1 i
	openssl ecparam -name prime256v1 -genkey -noout -out "$TEST_DIR/k.pem"
	for ((i = 1; i <= n; i++)); do
		openssl req -x509 -key "$TEST_DIR/k.pem" -subj "/CN=p$i.progress.test" -days 30 \
			-set_serial "$i" -addext basicConstraints=critical,CA:FALSE 2>/dev/null ||
			fail "openssl"
	done >"$TEST_DIR/bundle.pem"
}

@test "progress bars on a terminal, nothing on a pipe: import, certs list --all, bulk-revoke" {
	cli_serve
	make_bundle 110
	# a pipe: no progress, only the summary on stdout
	run --separate-stderr certctl import --owner o-alice --team t-platform --issuer iss-local \
		--batch 10 "$TEST_DIR/bundle.pem"
	assert_success
	assert_line --regexp '^imported +110$'
	assert_equal "$stderr" ''
	# a terminal: a bar, drawn over itself, at 100 % in the end, then cleared (another key:
	# other certificates)
	make_bundle 120
	on_tty certctl import --owner o-alice --team t-platform --issuer iss-local --batch 10 \
		"$TEST_DIR/bundle.pem"
	assert_success
	[[ $output == *$'\r\033[Kimporting ['*'] '* ]] || fail "no progress bar: $output"
	[[ $output == *'importing [##############################] 100%  120/120'$'\r\033[K'* ]] ||
		fail "no complete bar, cleared: $output"
	grep -qE '^imported +120' <<<"$output" || fail "no summary: $output"
	# --quiet: no bar even on a terminal
	on_tty certctl import --owner o-alice --team t-platform --issuer iss-local -q \
		"$TEST_DIR/bundle.pem"
	[[ $output != *importing* ]] || fail "a bar with --quiet: $output"

	# --all over more than one page
	on_tty certctl certs list --all --per-page 20
	assert_success
	[[ $output == *$'\r\033[Kfetching ['* ]] || fail "no bar for --all: $output"
	[[ $output == *"] 100%  "* ]] || fail "no complete bar for --all: $output"
	run --separate-stderr certctl certs list --all --per-page 20 -q
	assert_success
	assert_equal "$stderr" ''

	# bulk-revoke of a small set (done within the request): the summary, nothing on stderr
	run --separate-stderr certctl certs bulk-revoke mc-pay-prod mc-lb-vip --reason superseded --yes
	assert_success
	assert_line '  Revoked: 2'
	assert_equal "$stderr" ''
}

@test "bulk-revoke that runs as a job: a bar following its progress on a terminal, nothing on a pipe" {
	# serve answers 202 only for sets that take longer than 5 s: a fake server's job of 1,000
	bg_start "$TEST_DIR/fake.log" "$E2E_PYTHON" "$BATS_TEST_DIRNAME/lib/fake-api.py" "$PORT"
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "fake API did not start"
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=k
	on_tty certctl certs bulk-revoke --owner-id o-x --reason superseded --yes
	assert_success
	[[ $output == *'revoking [############..................]  40%  400/1000'* ]] ||
		fail "no bar at 40 %: $output"
	[[ $output == *'revoking [##############################] 100%  1000/1000'$'\r\033[K'* ]] ||
		fail "no complete bar, cleared: $output"
	grep -q '^  Revoked: 1000' <<<"$output" || fail "no summary: $output"
	run --separate-stderr certctl certs bulk-revoke --owner-id o-x --reason superseded --yes
	assert_success
	assert_line '  Revoked: 1000'
	assert_equal "$stderr" ''
}

@test "--timeout: a server that accepts but never answers; the CLI gives up in time, exit 1" {
	bg_start "$TEST_DIR/mute.log" "$E2E_PYTHON" -c '
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(8)
held = []
while True:
    c, _ = s.accept()
    held.append(c)   # read nothing, answer nothing
' "$PORT"
	wait_for 5 "$E2E_PYTHON" -c "import socket; socket.create_connection(('127.0.0.1', $PORT)).close()" ||
		fail "the mute server did not start"
	local t0 t1
	t0=$(date +%s%N)
	run certctl teams list --server "http://127.0.0.1:$PORT" --api-key k --timeout 1.5
	t1=$(date +%s%N)
	assert_failure 1
	assert_output "certctl teams list: http://127.0.0.1:$PORT did not answer within 1500 ms"
	[ $(((t1 - t0) / 1000000)) -ge 1400 ] || fail "gave up before the timeout: $(((t1 - t0) / 1000000)) ms"
	[ $(((t1 - t0) / 1000000)) -lt 5000 ] || fail "waited $(((t1 - t0) / 1000000)) ms for a 1.5 s timeout"
	# the other client commands take it too
	run timeout 10 certctl status --server "http://127.0.0.1:$PORT" --api-key k --timeout 1
	assert_failure 1
	assert_output --partial 'did not answer within 1000 ms'
	run certctl teams list --server "http://127.0.0.1:$PORT" --timeout soon
	assert_failure 2
	assert_output --partial '--timeout must be a number of seconds'
}

@test "HTTPS: an unknown CA is a clear TLS error; --ca-cert and --insecure connect" {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$TEST_DIR/tls.key" -out "$TEST_DIR/tls.crt" -days 2 -subj /CN=localhost \
		-addext "subjectAltName=DNS:localhost,IP:127.0.0.1" >/dev/null 2>&1 || fail "openssl"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$TEST_DIR/other.key" -out "$TEST_DIR/other.crt" -days 2 -subj /CN=other \
		>/dev/null 2>&1 || fail "openssl"
	_closefds_exec env CERTCTL_AUTH_SECRET="$CLI_KEY" CERTCTL_TLS_CERT_PATH="$TEST_DIR/tls.crt" \
		CERTCTL_TLS_KEY_PATH="$TEST_DIR/tls.key" certctl serve --port "$PORT" --no-scheduler \
		</dev/null >"$TEST_DIR/serve.out" 2>"$TEST_DIR/serve.log" &
	SERVE_PID=$!
	wait_for 10 curl -fsS --max-time 1 --cacert "$TEST_DIR/tls.crt" -o /dev/null \
		"https://127.0.0.1:$PORT/health" || fail "serve over TLS: $(cat "$TEST_DIR/serve.log")"
	export CERTCTL_SERVER_URL=https://127.0.0.1:$PORT CERTCTL_API_KEY=$CLI_KEY

	run certctl teams list
	assert_failure 1
	assert_output --regexp "^certctl teams list: TLS verification of https://127.0.0.1:$PORT failed: .+ \(use --ca-cert FILE, or --insecure to skip\)$"
	run certctl teams list --ca-cert "$TEST_DIR/other.crt"
	assert_failure 1
	assert_output --partial 'TLS verification'
	run certctl teams list --ca-cert "$TEST_DIR/no-such.crt"
	assert_failure 1
	assert_output --partial "$TEST_DIR/no-such.crt"
	[ "${#lines[@]}" = 1 ] || fail "more than one line: $output"

	run certctl teams create --name tls-team --ca-cert "$TEST_DIR/tls.crt" -q
	assert_success
	run certctl teams list --ca-cert "$TEST_DIR/tls.crt"
	assert_success
	assert_line --regexp ' tls-team '
	run certctl teams list --insecure -o json
	assert_success
	assert_equal "$(jq -r '.data[] | select(.name == "tls-team") | .name' <<<"$output")" tls-team
	# plain http to the TLS port is refused, not hung
	run certctl teams list --server "http://127.0.0.1:$PORT" --timeout 5
	assert_failure 1
}

@test "the docs give the clients' default server as the code does" {
	local def f
	def=$(sed -nE 's/^CC_CFG\(server_url, "CERTCTL_SERVER_URL", URL, "([^"]+)".*/\1/p' \
		"$E2E_TOP/libcc/config.def")
	assert_equal "$def" http://localhost:8443
	for f in README.md docs/mcp.md; do
		grep -qF "\`$def\`" "$E2E_TOP/$f" || fail "$f does not give the default $def"
		! grep -nE '(default|else)[^|]*`http://127\.0\.0\.1:8443`' "$E2E_TOP/$f" ||
			fail "$f gives another default"
	done
}

@test "the default server is http://localhost:8443" {
	# a network namespace of its own: nothing else listens on its 8443, so the message and
	# the connection are the CLI's default's, whatever runs on this machine
	unshare -rn true 2>/dev/null || skip "no user and network namespaces (unshare -rn)"
	run certctl config show --all
	assert_success
	assert_line --regexp '^CERTCTL_SERVER_URL +default +http://localhost:8443$'
	run unshare -rn bash -c '
		ip link set lo up
		certctl teams list
		echo "status $?"
		CERTCTL_AUTH_SECRET=k CERTCTL_DATA_DIR=$TEST_DIR/ns certctl serve --no-scheduler \
			</dev/null >"$TEST_DIR/ns.out" 2>&1 &
		pid=$!
		for i in $(seq 100); do
			curl -fs -o /dev/null --max-time 1 http://localhost:8443/health && break
			sleep 0.1
		done
		CERTCTL_API_KEY=k certctl teams create --name ns-team -o json
		echo "status $?"
		kill $pid
		wait $pid
	'
	assert_line --index 0 'certctl teams list: cannot connect to http://localhost:8443: is `certctl serve` running? (set --server or CERTCTL_SERVER_URL)'
	assert_line --index 1 'status 1'
	assert_line --index 2 --regexp '"name":"ns-team"'
	assert_line --index -1 'status 0'
}

@test "the API key defaults to the credentials file serve wrote" {
	certctl db seed --demo >/dev/null
	CERTCTL_RATE_LIMIT_ENABLED=false serve_start --no-scheduler
	assert_file_exist "$CERTCTL_DATA_DIR/credentials"
	run certctl teams list -q --server "http://127.0.0.1:$PORT"
	assert_success
	assert_line t-platform
	run certctl teams list -q --server "http://127.0.0.1:$PORT" --api-key wrong
	assert_failure 1
	assert_output --partial 'HTTP 401'
	# another credentials file (a data dir without one): no key, and the 401 says how
	run env CERTCTL_DATA_DIR="$TEST_DIR/elsewhere" certctl teams list --server "http://127.0.0.1:$PORT"
	assert_failure 1
	assert_output --partial "the credentials file $TEST_DIR/elsewhere/credentials"
}
