#!/usr/bin/env bats
# t8004: certctl mcp sessions against a serve that made its own first admin key: the key
# and URL from the credentials file, a wrong key; the certctl-mcp link and the client
# block of docs/mcp.md as whole sessions; each protocol version (structuredContent,
# batches); revocation reasons the API takes; OCSP as a base64 DER resource; EOF

load helpers
load lib/mcp

INIT_V='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"%s","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
INITIALIZED='{"jsonrpc":"2.0","method":"notifications/initialized"}'

setup() {
	common_setup
	run certctl db seed --demo
	assert_success
	# no CERTCTL_AUTH_SECRET: serve makes the first admin key and writes the credentials file
	CERTCTL_RATE_LIMIT_ENABLED=false serve_start
	CREDS=$CERTCTL_DATA_DIR/credentials
	# written (atomically) just after the listener starts, so /health may answer first
	wait_for 5 test -f "$CREDS" || fail "serve wrote no $CREDS: $(cat "$TEST_DIR/serve.out")"
	KEY=$(sed -n 's/^CERTCTL_API_KEY=//p' "$CREDS")
	[ -n "$KEY" ] || fail "no key in $CREDS"
	unset CERTCTL_API_KEY CERTCTL_SERVER_URL
}

teardown() { common_teardown; }

init() { printf "$INIT_V" "${1:-2025-06-18}"; }

# tool_ok ID: the result of tools/call ID, failing unless it is a successful tool result
tool_ok() {
	local r
	r=$(reply "$1")
	jq -e '.result.content and (.result.isError | not)' <<<"$r" >/dev/null ||
		fail "id $1: no successful tool result: $r"
	jq -c '.result' <<<"$r"
}

# tool_err ID: the text of the isError result of tools/call ID
tool_err() {
	local r
	r=$(reply "$1")
	jq -e '.result.isError == true' <<<"$r" >/dev/null || fail "id $1: not an isError result: $r"
	jq -r '.result.content[0].text' <<<"$r"
}

@test "without CERTCTL_API_KEY and CERTCTL_SERVER_URL the credentials file serve wrote is used" {
	grep -qx "CERTCTL_SERVER_URL=http://127.0.0.1:$PORT" "$CREDS" || fail "no URL in $CREDS"
	mcp_session certctl mcp -- "$(init)" "$INITIALIZED" "$(call 1 certctl_auth_check '{}')" \
		"$(call 2 certctl_list_teams '{"per_page":1}')"
	jq -e '.structuredContent.status == "authenticated" and .structuredContent.role == "admin"' \
		<<<"$(tool_ok 1)" >/dev/null || fail "auth check: $(reply 1)"
	jq -e '.structuredContent.total > 0' <<<"$(tool_ok 2)" >/dev/null || fail "teams: $(reply 2)"
	grep -q "(backend: http://127.0.0.1:$PORT)" "$TEST_DIR/mcp.err" ||
		fail "the URL of the credentials file is not used: $(cat "$TEST_DIR/mcp.err")"
	! grep -qF "$KEY" "$TEST_DIR/mcp.err" || fail "the API key was logged"

	# a key in the environment wins over the file: a wrong one is the API's 401 as a tool error
	CERTCTL_API_KEY=wrong-key-0123456789 mcp_session certctl mcp -- "$(init)" \
		"$(call 1 certctl_list_teams '{}')" '{"jsonrpc":"2.0","id":2,"method":"ping"}'
	run tool_err 1
	assert_output "certctl API error (HTTP 401 Invalid API key): Invalid API key"
	[ "$(reply 2 | jq -c .result)" = '{}' ] || fail "no ping after the 401: $(reply 2)"

	# without the file (and no key) the same call is refused: the key above came from it
	mv "$CREDS" "$TEST_DIR/credentials.away"
	CERTCTL_SERVER_URL=http://127.0.0.1:$PORT mcp_session certctl mcp -- "$(init)" \
		"$(call 1 certctl_list_teams '{}')"
	run tool_err 1
	assert_output --partial "HTTP 401"
}

@test "certctl-mcp, the link of make links, is a whole protocol session" {
	local link=$CERTCTL_BIN_DIR/certctl-mcp page
	[ -L "$link" ] && [ "$(readlink "$link")" = certctl ] ||
		fail "$link is not the link to certctl that make links creates"
	mcp_session "$link" -- "$(init)" "$INITIALIZED" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
		"$(call 2 certctl_get_certificate '{"id":"mc-api-prod"}')" \
		"$(call 3 certctl_list_certificates '{"status":"Revoked","fields":"id"}')"
	[ "$(reply 0 | jq -r .result.serverInfo.name)" = certctl ] || fail "initialize: $(reply 0)"
	run jq -r '.result.tools | length' <<<"$(reply 1)"
	assert_output 50
	jq -e '.result.nextCursor | type == "string"' <<<"$(reply 1)" >/dev/null ||
		fail "no next page: $(reply 1)"
	jq -e '.structuredContent.common_name == "api.example.com"' <<<"$(tool_ok 2)" >/dev/null ||
		fail "get certificate: $(reply 2)"
	jq -e '.structuredContent.data | map(.id) | index("mc-compromised")' <<<"$(tool_ok 3)" \
		>/dev/null || fail "list revoked: $(reply 3)"
	grep -q "certctl MCP server .* (backend: http://127.0.0.1:$PORT)" "$TEST_DIR/mcp.err" ||
		fail "no startup line: $(cat "$TEST_DIR/mcp.err")"
	grep -q "tool certctl_get_certificate: GET /api/v1/certificates/mc-api-prod -> HTTP 200" \
		"$TEST_DIR/mcp.err" || fail "the call did not reach serve: $(cat "$TEST_DIR/mcp.err")"
}

@test "the client block of docs/mcp.md starts a working session" {
	local cmd args
	awk '/^```json$/ { on = 1; next } /^```$/ { on = 0 } on' "$E2E_TOP/docs/mcp.md" \
		>"$TEST_DIR/block.json"
	jq -e '.mcpServers.certctl.env | keys == ["CERTCTL_API_KEY", "CERTCTL_SERVER_URL"]' \
		"$TEST_DIR/block.json" >/dev/null || fail "not the block: $(cat "$TEST_DIR/block.json")"
	cmd=$(jq -r '.mcpServers.certctl.command' "$TEST_DIR/block.json")
	mapfile -t args < <(jq -r '.mcpServers.certctl.args[]' "$TEST_DIR/block.json")
	# the block's settings with this server's values, as a client would start it
	CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$KEY mcp_session "$cmd" "${args[@]}" -- \
		"$(init)" "$INITIALIZED" "$(call 1 certctl_dashboard_summary '{}')"
	jq -e '.structuredContent.total_certificates > 0' <<<"$(tool_ok 1)" >/dev/null ||
		fail "summary: $(reply 1)"
}

@test "each protocol version: negotiated, structuredContent only under 2025-06-18, batches under the others" {
	local v version want
	version=$(certctl version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
	for v in 2025-06-18 2025-03-26 2024-11-05 2099-01-01; do
		mcp_session certctl mcp -- "$(init "$v")" "$INITIALIZED" \
			"$(call 1 certctl_get_certificate '{"id":"mc-api-prod"}')" \
			"[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"},$(call 3 certctl_health '{}')]"
		want=$v
		[ "$v" != 2099-01-01 ] || want=2025-06-18
		run jq -r '.result | "\(.protocolVersion) \(.serverInfo.name) \(.serverInfo.version)"' \
			<<<"$(reply 0)"
		assert_output "$want certctl $version"
		run jq -r '.result | "\(.content[0].text | fromjson | .id) \(.structuredContent.id)"' \
			<<<"$(reply 1)"
		if [ "$want" = 2025-06-18 ]; then
			assert_output "mc-api-prod mc-api-prod"
			run jq -c 'select(type == "object" and .id == null) | .error.code' <<<"$MCP_OUT"
			assert_output -- -32600
		else
			assert_output "mc-api-prod null"
			run jq -c 'select(type == "array") | [.[] | .id]' <<<"$MCP_OUT"
			assert_output '[2,3]'
			run jq -r 'select(type == "array") | .[1].result.content[0].text' <<<"$MCP_OUT"
			assert_output --partial healthy
		fi
	done
}

@test "every revocation reason of the schemas is one the API takes: single revokes, then the CRL" {
	local enum ids=() id n=0 reason
	enum=$(certctl mcp --list-tools --format json |
		jq -c '.[] | select(.name == "certctl_revoke_certificate") | .inputSchema.properties.reason.enum')
	[ "$(jq length <<<"$enum")" = 8 ] || fail "reason enum: $enum"
	# certificates with an issued version that are not revoked yet
	API_KEY=$KEY api GET '/api/v1/certificates?status=Active&per_page=100&fields=id'
	for id in $(jq -r '.data[].id' <<<"$HTTP_BODY"); do
		API_KEY=$KEY api GET "/api/v1/certificates/$id/versions"
		[ "$(jq .total <<<"$HTTP_BODY")" -gt 0 ] && ids+=("$id")
	done
	[ "${#ids[@]}" -ge 8 ] || fail "fewer than 8 issued certificates in the demo fleet: ${ids[*]}"
	local lines=("$(init)" "$INITIALIZED")
	for reason in $(jq -r '.[]' <<<"$enum"); do
		n=$((n + 1))
		lines+=("$(call "$n" certctl_bulk_revoke_certificates \
			"{\"reason\":\"$reason\",\"certificate_ids\":[\"${ids[n - 1]}\"],\"dry_run\":true}")")
		lines+=("$(call $((n + 100)) certctl_revoke_certificate \
			"{\"id\":\"${ids[n - 1]}\",\"reason\":\"$reason\"}")")
	done
	# the spelling matters: the schema refuses what the API would refuse
	lines+=("$(call 99 certctl_bulk_revoke_certificates '{"reason":"KeyCompromise","certificate_ids":["x"]}')")
	mcp_session certctl mcp -- "${lines[@]}" "$(call 98 certctl_get_crl '{}')"
	n=0
	for reason in $(jq -r '.[]' <<<"$enum"); do
		n=$((n + 1))
		jq -e --arg id "${ids[n - 1]}" '.structuredContent.would_revoke == [$id]' \
			<<<"$(tool_ok "$n")" >/dev/null || fail "dry run with $reason: $(reply "$n")"
		jq -e --arg r "$reason" '.structuredContent.reason == $r' <<<"$(tool_ok $((n + 100)))" \
			>/dev/null || fail "revoke with $reason: $(reply $((n + 100)))"
	done
	[ "$(reply 99 | jq .error.code)" = -32602 ] || fail "KeyCompromise passed: $(reply 99)"
	run jq -c '[.structuredContent.entries[].revocation_reason] | unique' <<<"$(tool_ok 98)"
	assert_output "$(jq -c 'sort' <<<"$enum")"
	# and the API refuses the same wrong spelling itself
	API_KEY=$KEY api_json POST /api/v1/certificates/bulk-revoke \
		'{"reason":"KeyCompromise","certificate_ids":["x"],"dry_run":true}'
	assert_status 400
}

@test "OCSP and the DER CRL: base64 DER resources with their MIME types, read back by openssl" {
	local serial r
	mcp_session certctl mcp -- "$(init)" \
		"$(call 1 certctl_list_certificate_versions '{"id":"mc-compromised"}')"
	serial=$(tool_ok 1 | jq -r '.structuredContent.data[0].serial_number')
	[ -n "$serial" ] && [ "$serial" != null ] || fail "no serial: $(reply 1)"
	mcp_session certctl mcp -- "$(init)" \
		"$(call 1 certctl_ocsp_check "{\"issuer_id\":\"iss-local\",\"serial\":\"$serial\"}")" \
		"$(call 2 certctl_ocsp_check '{"issuer_id":"iss-local","serial":"0123abcd"}')" \
		"$(call 3 certctl_get_der_crl '{"issuer_id":"iss-local"}')"
	for id in 1 2; do
		r=$(tool_ok $id)
		jq -e '.content[1].type == "resource" and .content[1].resource.mimeType == "application/ocsp-response"
			and (.content[0].text | test("OCSP response: [0-9]+ bytes"))
			and (.content[1].resource.uri | test("^http://127.0.0.1:[0-9]+/api/v1/ocsp/iss-local/"))' \
			<<<"$r" >/dev/null || fail "OCSP $id: $r"
		jq -r '.content[1].resource.blob' <<<"$r" | base64 -d >"$TEST_DIR/ocsp$id.der"
	done
	run openssl ocsp -respin "$TEST_DIR/ocsp1.der" -resp_text -noverify
	assert_success
	assert_output --partial "Cert Status: revoked"
	assert_output --partial "Revocation Reason: keyCompromise"
	run openssl ocsp -respin "$TEST_DIR/ocsp2.der" -resp_text -noverify
	assert_output --partial "Cert Status: unknown"
	r=$(tool_ok 3)
	jq -e '.content[1].resource.mimeType == "application/pkix-crl"' <<<"$r" >/dev/null ||
		fail "DER CRL: $r"
	jq -r '.content[1].resource.blob' <<<"$r" | base64 -d >"$TEST_DIR/crl.der"
	run openssl crl -inform DER -in "$TEST_DIR/crl.der" -noout -text
	assert_success
	assert_output --partial "$(tr a-f A-F <<<"$serial")"
}

@test "EOF ends the session with status 0: at once, after a request without newline, mid-message" {
	run --separate-stderr certctl mcp </dev/null
	assert_success
	assert_output ''
	printf '%s\n%s' "$(init)" "$(call 1 certctl_health '{}')" >"$TEST_DIR/in"
	run --separate-stderr certctl mcp <"$TEST_DIR/in"
	assert_success
	[ "${#lines[@]}" = 2 ] || fail "want 2 replies: $output"
	jq -e 'select(.id == 1) | .result.content[0].text | contains("healthy")' <<<"$output" \
		>/dev/null || fail "the last request was not answered: $output"
	printf '%s\n{"jsonrpc":"2.0","id":1,"meth' "$(init)" >"$TEST_DIR/in"
	run --separate-stderr certctl mcp <"$TEST_DIR/in"
	assert_success
	run jq -c 'select(.id == null) | .error.code' <<<"$output"
	assert_output -- -32700
}
