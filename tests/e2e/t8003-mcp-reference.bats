#!/usr/bin/env bats
# t8003: the tools of certctl mcp against certctl v2.1's (tests/e2e/lib/mcp-tools-v21.md, a
# copy of shared/reference/mcp-tools.md): for every v2.1 tool the same REST call and every
# input, of the type v2.1 states, required where v2.1 requires it, the deviations of
# docs/compat.md and no others; the annotation rule over every tool as tools/list sends
# it; the revocation reasons

load helpers

CHECK=$E2E_TOP/tests/e2e/lib/mcp-reference-check.py
REF=$E2E_TOP/tests/e2e/lib/mcp-tools-v21.md
COMPAT=$E2E_TOP/docs/compat.md
REASONS='["unspecified","keyCompromise","caCompromise","affiliationChanged","superseded","cessationOfOperation","certificateHold","privilegeWithdrawn"]'

setup() {
	common_setup
	certctl mcp --list-tools --format json >"$TEST_DIR/tools.json" ||
		fail "certctl mcp --list-tools --format json failed"
}

teardown() { common_teardown; }

# mutate JQ: tools.json changed by JQ, in $TEST_DIR/mutated.json
mutate() {
	jq "$1" "$TEST_DIR/tools.json" >"$TEST_DIR/mutated.json" || fail "jq $1"
}

@test "the copy of the reference is the reference, and it parses into the 81 tools of v2.1" {
	local ref=$E2E_TOP/../shared/reference/mcp-tools.md
	if [ -f "$ref" ]; then # shared/ sits beside the repository in development only
		cmp "$ref" "$REF" || fail "$REF differs from $ref: copy it again"
	fi
	run "$E2E_PYTHON" "$CHECK" parse "$REF"
	assert_success
	printf '%s\n' "$output" >"$TEST_DIR/ref.jsonl"
	[ "$(jq -r .name "$TEST_DIR/ref.jsonl" | sort)" = \
		"$(grep -v '^#' "$E2E_TOP/tests/e2e/lib/mcp-v21-tools.txt" | sort)" ] ||
		fail "the parsed tools differ from tests/e2e/lib/mcp-v21-tools.txt"
	# the parser reads each notation of the Input column
	ref_tool() { jq -c --arg n "$1" 'select(.name == $n) | [.method, .path, .args]' "$TEST_DIR/ref.jsonl"; }
	assert_equal "$(ref_tool certctl_create_certificate)" \
		'["POST","/api/v1/certificates",{"id":false,"name":true,"common_name":true,"sans":false,"environment":false,"owner_id":true,"team_id":true,"issuer_id":true,"target_ids":false,"renewal_policy_id":false,"certificate_profile_id":false,"tags":false}]'
	assert_equal "$(ref_tool certctl_list_certificates)" \
		'["GET","/api/v1/certificates",{"page":false,"per_page":false,"status":false,"environment":false,"owner_id":false,"team_id":false,"issuer_id":false}]'
	assert_equal "$(ref_tool certctl_bulk_revoke_certificates)" \
		'["POST","/api/v1/certificates/bulk-revoke",{"reason":true,"profile_id":false,"owner_id":false,"agent_id":false,"issuer_id":false,"team_id":false,"certificate_ids":false}]'
	assert_equal "$(ref_tool certctl_update_profile)" \
		'["PUT","/api/v1/profiles/{id}",{"id":true,"name":false,"description":false,"allowed_key_algorithms":false,"max_ttl_seconds":false,"allowed_ekus":false,"required_san_patterns":false,"allow_short_lived":false,"enabled":false}]'
	assert_equal "$(ref_tool certctl_expiration_timeline)" \
		'["GET","/api/v1/stats/expiration-timeline",{"days":false}]'
	assert_equal "$(ref_tool certctl_agent_get_work)" '["GET","/api/v1/agents/{id}/work",{"id":true}]'
	assert_equal "$(ref_tool certctl_ocsp_check)" \
		'["GET","/api/v1/ocsp/{issuer_id}/{serial}",{"issuer_id":true,"serial":true}]'
	assert_equal "$(ref_tool certctl_health)" '["GET","/health",{}]'
	# and the types it states
	run jq -c 'select(.name == "certctl_update_profile") | .types' "$TEST_DIR/ref.jsonl"
	assert_output '{"max_ttl_seconds":"int","allowed_ekus":"[string]","required_san_patterns":"[string]","allow_short_lived":"bool","enabled":"bool"}'
	run jq -c 'select(.name == "certctl_create_certificate") | .types' "$TEST_DIR/ref.jsonl"
	assert_output '{"sans":"[string]","target_ids":"[string]","tags":"{string:string}"}'
	# every Input cell is read: inputs in all, R at least once per required-id tool
	[ "$(jq -s '[.[] | select(.args.id == true)] | length' "$TEST_DIR/ref.jsonl")" -ge 40 ] ||
		fail "too few tools with a required id: the parser lost some"
}

@test "every tool of v2.1: same REST call, every input, its type, required ones too, only documented deviations" {
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/tools.json" "$COMPAT"
	[ "$status" = 0 ] || fail "the tools differ from v2.1:
$output"
	# the check can fail: an input of v2.1 dropped, a required one made optional, a new
	# requirement, a deviation that no longer happens, another REST call
	mutate '(.[] | select(.name == "certctl_ocsp_check") | .inputSchema.properties) |= del(.serial)'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_failure
	assert_output "certctl_ocsp_check: input serial of v2.1 missing"
	mutate '(.[] | select(.name == "certctl_create_team") | .inputSchema.required) |= . - ["name"]'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output "certctl_create_team: input name is required in v2.1, optional here"
	mutate '(.[] | select(.name == "certctl_create_team") | .inputSchema.required) += ["description"]'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output "certctl_create_team: input description is optional in v2.1, required here"
	mutate '(.[] | select(.name == "certctl_create_certificate") | .inputSchema.required) |= . - ["renewal_policy_id"]'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output --partial "('certctl_create_certificate', 'renewal_policy_id', 'required') no longer happens"
	mutate '(.[] | select(.name == "certctl_create_profile") | .inputSchema.properties.allowed_ekus.items.type) = "integer"'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output --partial "certctl_create_profile: input allowed_ekus is [string] in v2.1"
	mutate '(.[] | select(.name == "certctl_expiration_timeline") | .inputSchema.properties.days.type) = "string"'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output --partial "certctl_expiration_timeline: input days is int in v2.1"
	mutate '(.[] | select(.name == "certctl_get_job")) |= (.method = "POST")'
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/mutated.json" "$COMPAT"
	assert_output --partial "certctl_get_job: calls POST /api/v1/jobs/{id}"
	# each deviation must be named in the MCP section of docs/compat.md
	grep -v 'renewal_policy_id' "$COMPAT" >"$TEST_DIR/compat.md"
	run "$E2E_PYTHON" "$CHECK" inputs "$REF" "$TEST_DIR/tools.json" "$TEST_DIR/compat.md"
	assert_failure
	assert_output --partial "renewal_policy_id', 'required') is not named in the MCP section"
}

@test "annotations over every tool of tools/list: GET read-only, every DELETE and revoke destructive" {
	local cursor='' page lines
	# what a client sees: every page of tools/list, against the table's methods
	for page in 1 2 3 4 5; do
		lines=$(printf '%s\n' \
			'{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}' \
			"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"${cursor:+,\"params\":{\"cursor\":\"$cursor\"\}}}" |
			certctl mcp --quiet --server http://127.0.0.1:9) || fail "certctl mcp failed"
		jq -c 'select(.id == 1) | .result.tools[]' <<<"$lines" >>"$TEST_DIR/listed.jsonl"
		cursor=$(jq -r 'select(.id == 1) | .result.nextCursor // empty' <<<"$lines")
		[ -n "$cursor" ] || break
	done
	jq -s --slurpfile all "$TEST_DIR/tools.json" \
		'map(. as $t | $t + ($all[0][] | select(.name == $t.name) | {method, path}))' \
		"$TEST_DIR/listed.jsonl" >"$TEST_DIR/listed.json"
	[ "$(jq length "$TEST_DIR/listed.json")" = "$(jq length "$TEST_DIR/tools.json")" ] ||
		fail "tools/list does not hold every tool"
	[ "$(jq '[.[] | select(.method == null)] | length' "$TEST_DIR/listed.json")" = 0 ] ||
		fail "tools/list names a tool --list-tools does not have"
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/listed.json"
	[ "$status" = 0 ] || fail "annotations break the rule:
$output"
	# the rule covers both revokes and the deletes
	run jq -r '[.[] | select(.annotations.destructiveHint == true) | .name] | join(" ")' \
		"$TEST_DIR/listed.json"
	assert_output --partial "certctl_revoke_certificate certctl_bulk_revoke_certificates"
	assert_output --partial "certctl_delete_issuer"
	# and the check can fail, for each side of the rule
	mutate '(.[] | select(.name == "certctl_bulk_revoke_certificates") | .annotations.destructiveHint) = false'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_output "certctl_bulk_revoke_certificates: POST /api/v1/certificates/bulk-revoke without destructiveHint true"
	mutate '(.[] | select(.name == "certctl_revoke_certificate") | .annotations) |= del(.destructiveHint)'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_output "certctl_revoke_certificate: POST /api/v1/certificates/{id}/revoke without destructiveHint true"
	mutate '(.[] | select(.name == "certctl_delete_team") | .annotations.destructiveHint) = false'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_output "certctl_delete_team: DELETE /api/v1/teams/{id} without destructiveHint true"
	mutate '(.[] | select(.name == "certctl_get_crl") | .annotations) = {"readOnlyHint": true, "destructiveHint": true}'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_failure
	assert_output --partial "certctl_get_crl: GET /api/v1/crl (read-only)"
	mutate '(.[] | select(.name == "certctl_get_crl") | .annotations) |= del(.readOnlyHint)'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_failure
	mutate '(.[] | select(.name == "certctl_create_team") | .annotations.readOnlyHint) = true'
	run "$E2E_PYTHON" "$CHECK" annotations "$TEST_DIR/mutated.json"
	assert_output "certctl_create_team: POST but readOnlyHint is True"
}

@test "single and bulk revoke take exactly the RFC 5280 reason names" {
	local t
	for t in certctl_revoke_certificate certctl_bulk_revoke_certificates; do
		run jq -c --arg t "$t" '.[] | select(.name == $t) | .inputSchema.properties.reason' \
			"$TEST_DIR/tools.json"
		assert_equal "$(jq -c .enum <<<"$output")" "$REASONS"
		assert_equal "$(jq -r .type <<<"$output")" string
	done
	# the single revoke defaults it (unspecified), the bulk one needs it, as in v2.1
	run jq -c '[.[] | select(.name | test("^certctl_(bulk_)?revoke_certificates?$"))
		| {(.name): (.inputSchema.required | index("reason") != null)}] | add' "$TEST_DIR/tools.json"
	assert_output '{"certctl_revoke_certificate":false,"certctl_bulk_revoke_certificates":true}'
}
