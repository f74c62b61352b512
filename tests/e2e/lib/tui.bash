# tui.bash: driving `certctl tui` in a detached tmux pane of a fixed size (sourced by t9xxx)
#
# tui_start COLSxROWS [ARGS...]: certctl tui ARGS in a private tmux server, talking to the
#   test's serve ($PORT, $API_KEY); the pane stays after the program exits; TUI_TERM set:
#   the program's TERM (tmux's own otherwise)
# tui_keys KEY...: tmux send-keys (key names: Enter Escape Tab BTab Down Space C-r; -l TEXT)
# tui_type TEXT: literal text
# tui_wait REGEX [SECS]: polls the screen until grep -E REGEX matches, fails showing it
# tui_gone REGEX [SECS]: polls until REGEX no longer matches
# tui_screen: the visible screen; tui_history: scrollback (after the program exited)
# tui_resize COLSxROWS; tui_alive: the program still runs; tui_exited: wait for its end;
# tui_stop (in teardown)
# tui_script [ARGS...]: certctl tui ARGS without a terminal, on the CERTCTL_TUI_SCRIPT in
#   $TEST_DIR/script, at ${LINES:-24} x ${COLUMNS:-80}

TUI_SOCK=certctl-e2e-${BATS_ROOT_PID:-$$}-${BATS_TEST_NUMBER:-0}

_tmux() { tmux -L "$TUI_SOCK" "$@"; }

tui_start() {
	local size=$1 cols rows
	shift
	cols=${size%x*} rows=${size#*x}
	# the tmux server must not hold bats' fds (bats would wait for it), and the pane gets
	# the test's environment: CERTCTL_DATA_DIR marks it as this test's (leak check)
	# the exit status goes to a file: tmux may not reap the pane in time to report it
	rm -f "$TEST_DIR/tui.status"
	(
		export CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=${API_KEY:-}
		export TUI_STATUS_FILE=$TEST_DIR/tui.status
		_closefds_exec tmux -L "$TUI_SOCK" -f /dev/null start-server \; \
			set-option -g remain-on-exit on \; \
			new-session -d -s tui -x "$cols" -y "$rows" \
			"$(printf '%q ' sh -c 'rc=0; "$@" || rc=$?; echo "$rc" >"$TUI_STATUS_FILE"' \
				sh env ${TUI_TERM:+TERM=$TUI_TERM} "$CERTCTL_BIN_DIR/certctl" tui "$@")"
	)
}

tui_script() {
	CERTCTL_TUI_SCRIPT=$TEST_DIR/script LINES=${LINES:-24} COLUMNS=${COLUMNS:-80} \
		CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$API_KEY \
		certctl tui "$@" </dev/null
}

tui_keys() { _tmux send-keys -t tui "$@"; }
tui_type() { _tmux send-keys -t tui -l "$1"; }
tui_screen() { _tmux capture-pane -p -t tui; }
tui_history() { _tmux capture-pane -p -S - -t tui; }
tui_alive() { [ "$(_tmux display-message -p -t tui '#{pane_dead}')" = 0 ]; }
tui_resize() { _tmux resize-window -t tui -x "${1%x*}" -y "${1#*x}"; }

tui_wait() {
	local re=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		tui_screen | grep -Eq -- "$re" && return 0
		sleep 0.1
	done
	fail "timeout waiting for /$re/ on the TUI screen:
$(tui_screen)"
}

tui_gone() {
	local re=$1 secs=${2:-10} i
	for ((i = 0; i < secs * 10; i++)); do
		tui_screen | grep -Eq -- "$re" || return 0
		sleep 0.1
	done
	fail "/$re/ still on the TUI screen after ${secs}s:
$(tui_screen)"
}

# tui_exited [SECS]: waits until the program has exited; prints "exit status N"
tui_exited() {
	local i
	for ((i = 0; i < ${1:-5} * 10; i++)); do
		[ -s "$TEST_DIR/tui.status" ] && { echo "exit status $(cat "$TEST_DIR/tui.status")"; return 0; }
		sleep 0.1
	done
	fail "certctl tui still runs:
$(tui_screen)"
}

tui_stop() {
	_tmux kill-server 2>/dev/null || true
}

# a test file that loads this one gets the demo fleet served and the TUI stopped; it may
# define its own setup (calling common_setup and demo_serve)
setup() {
	common_setup
	demo_serve
}

teardown() {
	tui_stop
	polite_teardown
}

# demo_serve: the demo fleet, and serve with API key $API_KEY on $PORT
demo_serve() {
	API_KEY=tui-e2e-key
	run certctl db seed --demo
	assert_success
	CERTCTL_AUTH_SECRET=$API_KEY serve_start "$@"
}
