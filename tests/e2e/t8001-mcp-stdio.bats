#!/usr/bin/env bats
# t8001: certctl mcp fed JSON-RPC lines on stdin against a serve with the demo fleet —
# lifecycle, tools/list pages, every JSON-RPC error path, notifications, batches per
# protocol version, real tool calls and API errors, an unreachable server, garbage and
# huge lines, and the tool list of docs/mcp.md kept in step with the table

load helpers
load lib/mcp

KEY=t8001-admin-key-0123456789
INIT='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bats","version":"1"}}}'
INITIALIZED='{"jsonrpc":"2.0","method":"notifications/initialized"}'

setup() {
	common_setup
	run certctl db seed --demo
	assert_success
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false serve_start
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$KEY
}

teardown() { common_teardown; }

# mcp LINE...: one certctl mcp session fed these lines (lib/mcp.bash)
mcp() { mcp_session certctl mcp -- "$@"; }

# assert_rpc_error ID CODE WORD: the response ID is a JSON-RPC error CODE naming WORD
assert_rpc_error() {
	local r
	r=$(reply "$1")
	[ "$(jq -r '.error.code' <<<"$r")" = "$2" ] || fail "id $1: want error $2, got: $r"
	[[ $(jq -r '.error.message' <<<"$r") == *"$3"* ]] || fail "id $1: message lacks '$3': $r"
}

# tool_result ID: the result of tools/call ID, failing on a JSON-RPC error
tool_result() {
	local r
	r=$(reply "$1")
	jq -e '.result.content' <<<"$r" >/dev/null || fail "id $1: no tool result: $r"
	jq -c '.result' <<<"$r"
}

@test "initialize, tools/list over every page: all tools, the 81 of v2.1, logs on stderr only" {
	local cursor='' names='' page r
	for page in 1 2 3 4 5; do
		if [ -n "$cursor" ]; then
			mcp "$INIT" "$INITIALIZED" \
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"cursor\":\"$cursor\"}}"
		else
			mcp "$INIT" "$INITIALIZED" '{"jsonrpc":"2.0","id":1,"method":"tools/list"}'
		fi
		r=$(reply 0)
		[ "$(jq -r '.result.protocolVersion' <<<"$r")" = 2025-06-18 ] || fail "initialize: $r"
		[ "$(jq -r '.result.serverInfo.name' <<<"$r")" = certctl ] || fail "initialize: $r"
		jq -e '.result.capabilities.tools' <<<"$r" >/dev/null || fail "no tools capability: $r"
		r=$(reply 1)
		names+=$(jq -r '.result.tools[].name' <<<"$r")$'\n'
		jq -e '.result.tools | all(.inputSchema.type == "object" and (.description | length) > 8
			and (.annotations.readOnlyHint | type) == "boolean")' <<<"$r" >/dev/null ||
			fail "a tool without schema, description or annotations: $r"
		cursor=$(jq -r '.result.nextCursor // empty' <<<"$r")
		[ -n "$cursor" ] || break
	done
	[ -z "$cursor" ] || fail "tools/list did not end within 5 pages"
	[ "$(grep -c . <<<"$names")" = "$(certctl mcp --list-tools --format json | jq length)" ] ||
		fail "tools/list pages do not hold every tool: $names"
	grep -v '^#' "$E2E_TOP/tests/e2e/lib/mcp-v21-tools.txt" | while read -r n; do
		grep -qx "$n" <<<"$names" || fail "tool $n of certctl v2.1 is missing"
	done
	grep -q "certctl MCP server .* (backend: http://127.0.0.1:$PORT)" "$TEST_DIR/mcp.err" ||
		fail "no startup line on stderr: $(cat "$TEST_DIR/mcp.err")"
}

@test "every JSON-RPC error path answers with its code; notifications and responses get nothing" {
	mcp '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' \
		'{not json' \
		'[1,' \
		'42' \
		'{"jsonrpc":"2.0","id":true,"method":"ping"}' \
		"$INIT" \
		'{"jsonrpc":"2.0","id":2,"method":"resources/list"}' \
		'{"jsonrpc":"1.0","id":3,"method":"ping"}' \
		'{"jsonrpc":"2.0","id":4,"params":{}}' \
		'{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"certctl_nope"}}' \
		"$(call 6 certctl_get_certificate '{}')" \
		"$(call 7 certctl_get_certificate '{"id":42}')" \
		"$(call 8 certctl_revoke_certificate '{"id":"mc-api-prod","reason":"because"}')" \
		"$(call 9 certctl_list_certificates '{"bogus":1}')" \
		'{"jsonrpc":"2.0","id":10,"method":"tools/list","params":{"cursor":"nope"}}' \
		'{"jsonrpc":"2.0","id":11,"method":"tools/call","params":[1]}' \
		"${INIT/\"id\":0/\"id\":14}" \
		'[{"jsonrpc":"2.0","id":12,"method":"ping"}]' \
		"$INITIALIZED" \
		'{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}' \
		'{"jsonrpc":"2.0","method":"tools/call","params":{"name":"certctl_health"}}' \
		'{"jsonrpc":"2.0","id":99,"result":{}}' \
		'{"jsonrpc":"2.0","id":13,"method":"ping"}'
	assert_rpc_error 1 -32600 "initialize first"
	assert_rpc_error 2 -32601 "resources/list"
	assert_rpc_error 3 -32600 "jsonrpc"
	assert_rpc_error 4 -32600 "method"
	assert_rpc_error 5 -32602 "unknown tool: certctl_nope"
	assert_rpc_error 6 -32602 "missing required argument 'id'"
	assert_rpc_error 7 -32602 "'id' must be a string"
	assert_rpc_error 8 -32602 "keyCompromise"
	assert_rpc_error 9 -32602 "unknown argument 'bogus'"
	assert_rpc_error 10 -32602 "cursor"
	assert_rpc_error 11 -32602 "params"
	assert_rpc_error 14 -32600 "already initialized"
	[ "$(reply 13 | jq -c .result)" = '{}' ] || fail "ping: $(reply 13)"
	# the id-less errors, in order: parse, parse, not an object, bad id, batch under 2025-06-18
	run jq -sc '[.[] | select(type == "object" and .id == null) | .error.code]' <<<"$MCP_OUT"
	assert_output '[-32700,-32700,-32600,-32600,-32600]'
	# one line per request answered: 14 ids and 5 id-less errors, nothing else
	[ "$(grep -c . <<<"$MCP_OUT")" = 19 ] || fail "unexpected replies: $MCP_OUT"
}

@test "batches are answered element by element under 2025-03-26" {
	local init='{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}'
	mcp "$init" "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},$INITIALIZED,$(call 2 certctl_health '{}')]" \
		"[$INITIALIZED]" '[]'
	run jq -c 'select(type == "array") | [.[].id]' <<<"$MCP_OUT"
	assert_output '[1,2]'
	run jq -r 'select(type == "array") | .[1].result.content[0].text' <<<"$MCP_OUT"
	assert_output --partial healthy
	run jq -c 'select(type == "object" and .id == null) | .error.code' <<<"$MCP_OUT"
	assert_output -- -32600
}

@test "tool calls reach the API: list, get, API errors, dry-run bulk revoke, DER CRL" {
	mcp "$INIT" "$INITIALIZED" \
		"$(call 1 certctl_list_certificates '{"per_page":3,"fields":"id,status"}')" \
		"$(call 2 certctl_get_certificate '{"id":"mc-api-prod"}')" \
		"$(call 3 certctl_get_certificate '{"id":"no/such cert"}')" \
		"$(call 4 certctl_bulk_revoke_certificates '{"reason":"superseded","certificate_ids":["mc-api-prod","nope"],"dry_run":true}')" \
		"$(call 5 certctl_get_der_crl '{"issuer_id":"iss-local"}')" \
		"$(call 6 certctl_dashboard_summary '{}')" \
		"$(call 7 certctl_list_discovered_certificates '{"status":"Unmanaged","per_page":1}')" \
		"$(call 8 certctl_export_certificate_pkcs12 '{"id":"mc-api-prod"}')"
	local r
	r=$(tool_result 1)
	jq -e '(.content[0].text | fromjson | .total) == 32 and .structuredContent.total == 32
		and (.structuredContent.data | length) == 3 and (.isError | not)' <<<"$r" >/dev/null ||
		fail "list certificates: $r"
	r=$(tool_result 2)
	jq -e '.structuredContent.id == "mc-api-prod" and .structuredContent.common_name == "api.example.com"' \
		<<<"$r" >/dev/null || fail "get certificate: $r"
	r=$(tool_result 3)
	jq -e '.isError and (.content[0].text | test("HTTP 404.*not found"; "i"))' <<<"$r" >/dev/null ||
		fail "unknown certificate: $r"
	r=$(tool_result 4)
	jq -e '(.isError | not) and (.structuredContent.total_matched | type) == "number"
		and (.structuredContent.would_revoke | index("mc-api-prod"))' <<<"$r" >/dev/null ||
		fail "dry-run bulk revoke: $r"
	API_KEY=$KEY api GET /api/v1/certificates/mc-api-prod
	[ "$(jq -r .status <<<"$HTTP_BODY")" != Revoked ] || fail "the dry run revoked mc-api-prod"
	r=$(tool_result 5)
	jq -e '.content[1].resource.mimeType == "application/pkix-crl"' <<<"$r" >/dev/null ||
		fail "DER CRL: $r"
	jq -r '.content[1].resource.blob' <<<"$r" | base64 -d >"$TEST_DIR/crl.der"
	run openssl crl -inform DER -in "$TEST_DIR/crl.der" -noout -issuer
	assert_success
	r=$(tool_result 6)
	jq -e '.structuredContent.total_certificates == 32' <<<"$r" >/dev/null || fail "summary: $r"
	r=$(tool_result 7)
	jq -e '.structuredContent.data[0].status == "Unmanaged"' <<<"$r" >/dev/null ||
		fail "discovered certificates: $r"
	r=$(tool_result 8)
	jq -e '.content[1].resource.mimeType == "application/x-pkcs12" and
		(.content[0].text | test("PKCS#12 file: [0-9]+ bytes"))' <<<"$r" >/dev/null || fail "pkcs12: $r"
	jq -r '.content[1].resource.blob' <<<"$r" | base64 -d >"$TEST_DIR/t.p12"
	run openssl pkcs12 -in "$TEST_DIR/t.p12" -passin pass: -nokeys -noout
	assert_success
	grep -q "tool certctl_get_certificate: GET /api/v1/certificates/no%2Fsuch%20cert -> HTTP 404" \
		"$TEST_DIR/mcp.err" || fail "no log line of the call: $(cat "$TEST_DIR/mcp.err")"
	! grep -q "$KEY" "$TEST_DIR/mcp.err" || fail "the API key was logged"
}

@test "a wrong key and an unreachable server are tool errors, not crashes" {
	CERTCTL_API_KEY=wrong-key-0123456789 mcp "$INIT" "$(call 1 certctl_list_teams '{}')"
	run jq -r '.result | select(.isError) | .content[0].text' <<<"$(reply 1)"
	assert_output --partial "HTTP 401"
	CERTCTL_SERVER_URL=http://127.0.0.1:$(free_port) mcp "$INIT" "$(call 1 certctl_health '{}')" \
		'{"jsonrpc":"2.0","id":2,"method":"ping"}'
	run jq -r '.result | select(.isError) | .content[0].text' <<<"$(reply 1)"
	assert_output --partial "cannot reach certctl serve at http://127.0.0.1:"
	[ "$(reply 2 | jq -c .result)" = '{}' ] || fail "no ping after the failure"
}

@test "garbage, binary and huge lines each get a parse error; the session goes on" {
	{
		echo "$INIT"
		head -c 20000 /dev/urandom | tr -d '\n' | head -c 5000
		echo
		printf '\xff\xfe{"jsonrpc"\n'
		head -c $((9 * 1024 * 1024)) /dev/zero | tr '\0' '['
		echo
		echo '{"jsonrpc":"2.0","id":5,"method":"ping"}'
	} >"$TEST_DIR/garbage.in"
	run bash -c "certctl mcp <'$TEST_DIR/garbage.in' 2>/dev/null"
	assert_success
	[ "${#lines[@]}" = 5 ] || fail "want 5 replies, got ${#lines[@]}: ${output:0:2000}"
	run jq -c 'select(.id == null) | .error.code' <<<"$output"
	assert_output $'-32700\n-32700\n-32700'
}

@test "--list-tools is the table of docs/mcp.md, and certctl-mcp is the same command" {
	local doc=$E2E_TOP/docs/mcp.md
	certctl mcp --list-tools >"$TEST_DIR/tools.md"
	awk '/<!-- tools:begin -->/ { on = 1; next } /<!-- tools:end -->/ { on = 0 } on' "$doc" \
		>"$TEST_DIR/doc-tools.md"
	diff -u "$TEST_DIR/doc-tools.md" "$TEST_DIR/tools.md" ||
		fail "docs/mcp.md is out of date: paste 'certctl mcp --list-tools' between its markers"
	run certctl-mcp --list-tools --format json
	assert_success
	[ "$(jq '[.[] | select(.v2_1)] | length' <<<"$output")" = 81 ] || fail "not 81 v2.1 tools"
	[ "$(jq -r '.[] | select(.v2_1) | .name' <<<"$output" | sort)" = \
		"$(grep -v '^#' "$E2E_TOP/tests/e2e/lib/mcp-v21-tools.txt" | sort)" ] ||
		fail "the v2.1 tools differ from tests/e2e/lib/mcp-v21-tools.txt"
	# the reference itself, when shared/ sits beside the repository
	local ref=$E2E_TOP/../shared/reference/mcp-tools.md
	if [ -f "$ref" ]; then
		[ "$(grep -o '^| `certctl_[a-z_]*`' "$ref" | tr -d '|` ' | sort -u)" = \
			"$(grep -v '^#' "$E2E_TOP/tests/e2e/lib/mcp-v21-tools.txt" | sort)" ] ||
			fail "tests/e2e/lib/mcp-v21-tools.txt differs from $ref"
	fi
}
