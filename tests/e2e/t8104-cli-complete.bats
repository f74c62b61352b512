#!/usr/bin/env bats
# t8104: bash completion (compgen through _certctl) of verbs, options, option values and
# live resource ids from a running serve; nothing, quickly, when the server is away; the
# zsh script in an interactive zsh -f (tmux) and the fish script

load helpers

teardown() {
	[ -z "${TUI_TMUX_SOCKET:-}" ] || tmux -L "$TUI_TMUX_SOCKET" kill-server 2>/dev/null || true
	polite_teardown
}

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

@test "zsh: the script loads in zsh -f under compinit and completes through certctl __complete" {
	command -v zsh >/dev/null || skip "no zsh (scripts/install-deps installs it)"
	command -v tmux >/dev/null || skip "no tmux"
	local tt=/work/shared/scripts/tui-tmux
	[ -x "$tt" ] || tt=$E2E_TOP/../shared/scripts/tui-tmux
	[ -x "$tt" ] || skip "no tui-tmux script"
	cli_serve
	# compinit registers it for certctl
	run zsh -f -c "fpath=('$E2E_TOP/completions' \$fpath); autoload -Uz compinit; compinit -u
		print -r -- \$_comps[certctl]"
	assert_success
	assert_output _certctl
	# an interactive zsh: Tab after verbs, an empty word, options and ids
	export TUI_TMUX_SOCKET=cc-zsh-$BATS_ROOT_PID-$PORT
	"$tt" start z 150x40 env PATH="$PATH" HOME="$HOME" CERTCTL_SERVER_URL="$CERTCTL_SERVER_URL" \
		CERTCTL_API_KEY="$CERTCTL_API_KEY" CERTCTL_DATA_DIR="$CERTCTL_DATA_DIR" zsh -f
	"$tt" keys z -l "fpath=('$E2E_TOP/completions' \$fpath); autoload -Uz compinit; compinit -u; PS1='zsh> '"
	"$tt" keys z Enter
	"$tt" wait z '^zsh>' 5
	"$tt" keys z -l 'certctl certs re'
	"$tt" keys z Tab
	"$tt" wait z '^renew +revoke' 5
	"$tt" keys z C-u
	"$tt" keys z -l 'certctl certs list --issuer-id iss-lo'
	"$tt" keys z Tab
	"$tt" wait z '^zsh> certctl certs list --issuer-id iss-local *$' 5
	"$tt" keys z C-u
	# after a space the empty word is completed (ids), not the word before it
	"$tt" keys z -l 'certctl certs get '
	"$tt" keys z Tab
	"$tt" wait z '^zsh> certctl certs get mc- *$' 5
	"$tt" keys z Tab
	"$tt" wait z 'mc-api-prod +.*mc-' 5
	"$tt" keys z C-u
	"$tt" keys z -l 'certctl certs get mc-api-p'
	"$tt" keys z Tab
	"$tt" wait z '^zsh> certctl certs get mc-api-prod *$' 5
	"$tt" stop z
}

@test "fish: verbs, options, values and live ids through certctl __complete" {
	command -v fish >/dev/null || skip "no fish (scripts/install-deps installs it)"
	cli_serve
	fc() {
		fish --no-config -c "source '$E2E_TOP/completions/certctl.fish'; complete -C '$1'"
	}
	assert_equal "$(fc 'certctl certs re')" $'renew\nrevoke'
	assert_equal "$(fc 'certctl certs list --format ')" $'json\ntable'
	assert_equal "$(fc 'certctl certs list --issuer-id iss-lo')" iss-local
	assert_equal "$(fc 'certctl certs get mc-api-p')" mc-api-prod
	# the empty word after a space: every certificate id
	assert_equal "$(fc 'certctl certs get ' | sort)" "$(certctl certs list --all -q | sort)"
}
