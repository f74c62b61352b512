#!/usr/bin/env bats
# t8105: certctl shell through a pty (tmux): commands without "certctl", tab completion of
# commands, verbs, options, option values and live ids, persistent history, the exit status
# in the prompt; colours only on a terminal and never with NO_COLOR; commands from a pipe

load helpers

TMUX_SCRIPT=/work/shared/scripts/tui-tmux
[ -x "$TMUX_SCRIPT" ] || TMUX_SCRIPT=$E2E_TOP/../shared/scripts/tui-tmux

setup() {
	common_setup
	command -v tmux >/dev/null || skip "no tmux"
	[ -x "$TMUX_SCRIPT" ] || skip "no tui-tmux script"
	export TUI_TMUX_SOCKET=cc-shell-$BATS_ROOT_PID-$PORT
	cli_serve
	export XDG_STATE_HOME=$TEST_DIR/state
}

teardown() {
	"$TMUX_SCRIPT" stop sh 2>/dev/null || true
	tmux -L "$TUI_TMUX_SOCKET" kill-server 2>/dev/null || true
	polite_teardown
}

t() { "$TMUX_SCRIPT" "$@"; }

start_shell() {
	t start sh 120x40 env PATH="$PATH" HOME="$HOME" XDG_STATE_HOME="$XDG_STATE_HOME" \
		CERTCTL_DATA_DIR="$CERTCTL_DATA_DIR" CERTCTL_SERVER_URL="$CERTCTL_SERVER_URL" \
		CERTCTL_API_KEY="$CERTCTL_API_KEY" "$@" certctl shell
	t wait sh '^certctl>' 5
}

@test "tab completion of commands, verbs and ids; history kept across sessions" {
	start_shell
	t keys sh -l 'cert'
	t keys sh Tab
	t keys sh -l 'ge'
	t keys sh Tab
	t keys sh -l 'mc-api-pr'
	t keys sh Tab
	t wait sh '^certctl> certs get mc-api-prod *$' 5
	t keys sh Enter
	t wait sh '^Common Name: +api' 5
	t keys sh -l 'certs get nope'
	t keys sh Enter
	t wait sh "certificate 'nope' not found" 5
	t wait sh '^certctl \[4\]>' 5
	t keys sh -l 'exit'
	t keys sh Enter
	sleep 0.3
	grep -qx 'certs get mc-api-prod ' "$XDG_STATE_HOME/certctl/history" ||
		fail "history: $(cat "$XDG_STATE_HOME/certctl/history")"
	t stop sh
	start_shell
	t keys sh Up Up Up # exit, certs get nope, then this
	t wait sh '^certctl> certs get mc-api-prod' 5
	t keys sh C-u
	t keys sh -l 'quit'
	t keys sh Enter
}

@test "tab completion of options and their values" {
	start_shell
	t keys sh -l 'certs list --st'
	t keys sh Tab
	t wait sh '^certctl> certs list --status *$' 5
	t keys sh -l 'Expired --format j'
	t keys sh Tab
	t wait sh '^certctl> certs list --status Expired --format json *$' 5
	t keys sh -l -- '--issuer-id iss-lo'
	t keys sh Tab
	t wait sh '^certctl> certs list --status Expired --format json --issuer-id iss-local *$' 5
	t keys sh Enter
	t wait sh '^\{"data":' 5
	t keys sh C-u
	# two candidates: a second Tab lists both
	t keys sh -l 'certs list --expires-'
	t keys sh Tab Tab
	t wait sh 'expires-after +--expires-before|--expires-after +--expires-before' 5
	t keys sh C-u
	t keys sh -l 'jobs reject x --rea'
	t keys sh Tab
	t wait sh '^certctl> jobs reject x --reason *$' 5
	t keys sh C-u
	t keys sh -l 'quit'
	t keys sh Enter
}

@test "status colours on the terminal only, none with NO_COLOR" {
	start_shell
	t keys sh -l 'certs list --status Expired'
	t keys sh Enter
	t wait sh 'Total:' 5
	t screen-ansi sh | grep -q $'\033\\[31mExpired' || fail "no red: $(t screen-ansi sh)"
	t stop sh
	start_shell NO_COLOR=1
	t keys sh -l 'certs list --status Expired'
	t keys sh Enter
	t wait sh 'Total:' 5
	! t screen-ansi sh | grep -q $'\033\\[31m' || fail "colour with NO_COLOR"
	run certctl certs list --status Expired
	[[ $output != *$'\033'* ]] || fail "colour on a pipe"
}

@test "commands from a pipe; the exit status is the last command's" {
	run certctl shell <<<$'certs get mc-api-prod -o json\n# a comment\nteams list -q\n'
	assert_success
	assert_output --partial '"id":"mc-api-prod"'
	run certctl shell <<<$'certs get nope'
	assert_failure 4
	run certctl shell <<<$'bogus'
	assert_failure 2
	assert_output --partial "'bogus' is not a certctl command"
	run certctl shell <<<$'teams get "unterminated'
	assert_failure 2
}
