#!/usr/bin/env bats
# t8002: the official TypeScript MCP SDK (npm @modelcontextprotocol/sdk, installed into a
# temp dir) spawns `certctl mcp` against a serve with the demo fleet: initialize, every
# page of tools/list (count and the names of v2.1), list and get certificates, errors,
# a dry-run bulk revoke and the DER CRL as a base64 resource (read back by openssl). Skipped
# only when the npm registry cannot be reached; without node or npm it fails

load helpers

KEY=t8002-admin-key-0123456789

setup_file() {
	SDK_DIR=$BATS_FILE_TMPDIR/sdk
	export SDK_DIR
	mkdir -p "$SDK_DIR"
	# scripts/install-deps installs both: without them the machine is broken, not offline
	command -v node >/dev/null && command -v npm >/dev/null || {
		echo "node or npm is not installed: run scripts/install-deps" >"$SDK_DIR/broken"
		return 0
	}
	(cd "$SDK_DIR" && echo '{"private":true,"type":"module"}' >package.json &&
		timeout 300 npm install --no-audit --no-fund --loglevel=error \
			@modelcontextprotocol/sdk >npm.log 2>&1) && return 0
	# only a registry that cannot be reached excuses the test
	if timeout 60 npm ping >"$SDK_DIR/ping.log" 2>&1; then
		echo "npm install @modelcontextprotocol/sdk failed although the registry answers: $(tail -5 "$SDK_DIR/npm.log")" \
			>"$SDK_DIR/broken"
	else
		echo "the npm registry cannot be reached, so the SDK cannot be had: $(tail -3 "$SDK_DIR/ping.log")" \
			>"$SDK_DIR/unavailable"
	fi
}

setup() {
	common_setup
	[ ! -f "$SDK_DIR/broken" ] || fail "$(cat "$SDK_DIR/broken")"
	[ ! -f "$SDK_DIR/unavailable" ] || skip "$(cat "$SDK_DIR/unavailable")"
	[ -d "$SDK_DIR/node_modules/@modelcontextprotocol/sdk" ] ||
		fail "npm did not install the SDK into $SDK_DIR"
	run certctl db seed --demo
	assert_success
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false serve_start
}

teardown() { common_teardown; }

@test "the TypeScript SDK client lists every tool and calls list, get, bulk revoke (dry run) and the DER CRL" {
	local n
	n=$(certctl mcp --list-tools --format json | jq length)
	cp "$E2E_TOP/tests/e2e/lib/mcp-sdk-client.mjs" "$SDK_DIR/client.mjs"
	CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$KEY run --separate-stderr \
		timeout 60 node "$SDK_DIR/client.mjs" "$CERTCTL_BIN_DIR/certctl" \
		"$E2E_TOP/tests/e2e/lib/mcp-v21-tools.txt" "$n" "$TEST_DIR/crl.der"
	[ "$status" = 0 ] || fail "SDK client failed ($status): $output
$stderr"
	assert_line --partial "listed $n tools"
	assert_line "sdk client: all checks passed"
	run openssl crl -inform DER -in "$TEST_DIR/crl.der" -noout -lastupdate
	assert_success
	grep -q "certctl MCP server" <<<"$stderr" || fail "no startup line on stderr: $stderr"
}
