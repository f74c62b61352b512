#!/usr/bin/env bats
# t9004: nothing a server sends crashes certctl tui — a server that answers every request
# with odd JSON, wrong types, escape sequences, huge and invalid data, and odd statuses,
# while the TUI goes through every screen, opens details and modals, and resizes

load helpers
load lib/tui

setup() {
	common_setup
	API_KEY=any
	bg_start "$TEST_DIR/hostile.log" "$E2E_PYTHON" "$BATS_TEST_DIRNAME/lib/hostile-server.py" "$PORT"
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$PORT/health"
}

@test "a hostile server: every screen, details, forms and the bulk modal, and the TUI lives" {
	local i
	tui_start 80x24
	tui_wait 'certctl │ Dashboard'
	for ((i = 0; i < 20; i++)); do
		tui_keys Tab
		sleep 0.15
		tui_keys C-r Enter
		sleep 0.1
		tui_keys Escape Space '*' s / x Escape Escape
	done
	for v in certificate job agent issuer target owner policy agent-group discovery-scans \
		onboarding; do
		tui_keys :
		tui_type "$v some-id"
		tui_keys Enter
		sleep 0.2
		tui_keys G g Enter C-r
		sleep 0.1
		tui_keys Escape
	done
	# the bulk modal: every stage gets an odd answer
	tui_keys :
	tui_type certificates
	tui_keys Enter R Enter
	sleep 0.5
	tui_keys y
	sleep 1.5
	tui_keys Enter Escape
	tui_resize 120x40
	sleep 0.3
	tui_resize 80x24
	tui_keys '?'
	sleep 0.2
	tui_keys Escape
	tui_alive
	# no escape sequence from the server reached the terminal: the title is still ours
	run tui_screen
	assert_output --partial 'certctl │'
	tui_keys C-c
	run tui_exited 15
	assert_output 'exit status 0'
}
