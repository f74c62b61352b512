#!/usr/bin/env bats
# t8104: bash completion (compgen through _certctl) of verbs, options, option values and
# live resource ids from a running serve; nothing, quickly, when the server is away

load helpers

teardown() { polite_teardown; }

_complete() {
	COMP_WORDS=(certctl "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_certctl
	printf '%s\n' "${COMPREPLY[@]}"
}

setup() {
	common_setup
	# shellcheck source=/dev/null
	source "$BATS_TEST_DIRNAME/../../completions/certctl.bash"
}

@test "verbs, options and fixed values without a server" {
	export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT
	assert_equal "$(_complete certs re)" $'renew\nrevoke'
	assert_equal "$(_complete certs list --expires-b)" '--expires-before'
	assert_equal "$(_complete certs revoke x --reason key)" 'keyCompromise'
	assert_equal "$(_complete certs list --format j)" 'json'
	assert_equal "$(_complete help certs bulk)" 'bulk-revoke'
	assert_equal "$(_complete agent-gr)" 'agent-groups'
	# ids: the server is away, so nothing, and quickly
	local t0=$SECONDS
	assert_equal "$(_complete certs get '')" ''
	[ $((SECONDS - t0)) -le 3 ] || fail "completion waited for an absent server"
}

@test "live ids: certificates, issuers for --issuer-id, agents, jobs, the second argument" {
	cli_serve
	run _complete certs get mc-api
	assert_success
	assert_line mc-api-prod
	for l in "${lines[@]}"; do [[ $l == mc-api* ]] || fail "not a match: $l"; done
	run _complete certs list --issuer-id iss-lo
	assert_output iss-local
	run _complete ocsp check iss-l
	assert_output iss-local
	run _complete agents get ''
	assert_success
	[ "${#lines[@]}" -ge 3 ] || fail "agents: $output"
	run _complete discover claim x mc-api-p
	assert_output mc-api-prod
	# the key given on the line is used
	run env -u CERTCTL_API_KEY bash -c "source '$BATS_TEST_DIRNAME/../../completions/certctl.bash'
		COMP_WORDS=(certctl certs get --api-key $CLI_KEY mc-api-p); COMP_CWORD=5; _certctl
		printf '%s\n' \"\${COMPREPLY[@]}\""
	assert_output mc-api-prod
}
