#!/usr/bin/env bats
# t9008: make demo (scripts/demo, the command it runs): serve with the demo fleet, a real
# agent and the TUI in tmux; quitting the TUI stops everything it started

load helpers
load lib/tui

setup() { common_setup; }

# none_left: no certctl process of this test runs
none_left() { [ -z "$(leaked_certctl)" ]; }

@test "make demo: the demo fleet and this machine's agent on screen, nothing left after q" {
	local dport pids
	dport=$(free_port)
	# the Makefile's demo target: sh scripts/demo $(BIN) $(DEMO_DIR) $(DEMO_PORT)
	grep -q 'sh scripts/demo $(BIN) $(DEMO_DIR) $(DEMO_PORT)' "$BATS_TEST_DIRNAME/../../Makefile"
	(
		export CERTCTL_DATA_DIR # the demo's own is $TEST_DIR/data too: the leak check sees it
		_closefds_exec tmux -L "$TUI_SOCK" -f /dev/null start-server \; \
			set-option -g remain-on-exit on \; \
			new-session -d -s tui -x 100 -y 30 \
			"$(printf '%q ' sh "$BATS_TEST_DIRNAME/../../scripts/demo" \
				"$CERTCTL_BIN_DIR/certctl" "$TEST_DIR" "$dport") --screen agents; echo demo-exited"
	)
	tui_wait 'certctl │ Agents' 20
	# this machine's agent registers while the TUI starts: ^R until it is listed
	for ((i = 0; i < 20; i++)); do
		tui_screen | grep -q "demo-$(hostname)" && break
		tui_keys C-r
		sleep 0.5
	done
	tui_wait "demo-$(hostname)" 1
	tui_wait 'mac-dev-fr'
	# serve and the agent run from the demo's directory
	pids=$(leaked_certctl)
	[ "$(wc -w <<<"$pids")" -ge 3 ] || fail "serve, agent and tui should run: '$pids'"
	curl -fsS -o /dev/null "http://127.0.0.1:$dport/health"
	tui_keys :
	tui_type certificates
	tui_keys Enter
	tui_wait '32/32 shown'
	tui_keys q q
	tui_wait 'demo-exited' 10
	# everything it started is gone
	wait_for 10 none_left
	run curl -fsS -o /dev/null "http://127.0.0.1:$dport/health"
	assert_failure
}

@test "make demo: a hang-up (the terminal closed) stops serve and the agent too" {
	local dport
	dport=$(free_port)
	(
		export CERTCTL_DATA_DIR
		_closefds_exec tmux -L "$TUI_SOCK" -f /dev/null start-server \; \
			new-session -d -s tui -x 100 -y 30 \
			"$(printf '%q ' sh "$BATS_TEST_DIRNAME/../../scripts/demo" \
				"$CERTCTL_BIN_DIR/certctl" "$TEST_DIR" "$dport")"
	)
	tui_wait 'certctl │ Dashboard' 20
	wait_for 10 grep -q 'registered agent' "$TEST_DIR/agent.log"
	[ "$(wc -w <<<"$(leaked_certctl)")" -ge 3 ]
	# killing the tmux server hangs up the pane's terminal
	tui_stop
	wait_for 10 none_left || fail "left running: $(for p in $(leaked_certctl); do tr '\0' ' ' </proc/$p/cmdline; echo; done)"
}
