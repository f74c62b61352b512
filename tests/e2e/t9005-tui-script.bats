#!/usr/bin/env bats
# t9005: certctl tui driven by CERTCTL_TUI_SCRIPT — no terminal, a fixed LINES x COLUMNS,
# each command once every request is answered — against serve with the demo fleet

load helpers
load lib/tui

# tui_script: runs certctl tui on the script in $TEST_DIR/script
tui_script() {
	CERTCTL_TUI_SCRIPT=$TEST_DIR/script LINES=${LINES:-24} COLUMNS=${COLUMNS:-80} \
		CERTCTL_SERVER_URL=http://127.0.0.1:$PORT CERTCTL_API_KEY=$API_KEY \
		certctl tui "$@" </dev/null
}

@test "a script walks the dashboard, a search, a detail, a resize and the fleet" {
	cat >"$TEST_DIR/script" <<EOS
# the dashboard first, as it opens
save-screen $TEST_DIR/dash
key Tab /
type old-blog
save-screen $TEST_DIR/search
key Enter Enter
key G
save-screen $TEST_DIR/detail
resize 120x30
save-screen $TEST_DIR/wide
key q :
type fleet
key Enter
save-screen $TEST_DIR/fleet
EOS
	LINES=24 COLUMNS=80 run tui_script
	assert_success
	run cat "$TEST_DIR/dash"
	assert_line --index 0 --regexp '^ certctl │ Dashboard +http://127.0.0.1:[0-9]+$'
	assert_output --partial '32 certificates'
	assert_output --regexp 'Active +█+ 21'
	[ "$(wc -l <"$TEST_DIR/dash")" = 24 ]
	run cat "$TEST_DIR/search"
	assert_output --partial '/old-blog'
	assert_output --partial '1/32 shown'
	assert_output --regexp 'old-blog +blog.example.c.* Expired'
	run cat "$TEST_DIR/detail"
	assert_output --partial 'certctl │ Certificate mc-old-blog'
	assert_output --partial 'Policy violations'
	run cat "$TEST_DIR/wide"
	[ "$(wc -l <"$TEST_DIR/wide")" = 30 ]
	assert_line --index 1 --regexp '^ Dashboard +│'
	run cat "$TEST_DIR/fleet"
	assert_output --regexp 'linux +█+ 10'
	assert_output --regexp 'windows +█+ 1'
}

@test "a script's mistakes are reported with their line" {
	printf 'key Tab\nfrobnicate now\n' >"$TEST_DIR/script"
	run tui_script
	assert_failure 2
	assert_output --partial "script:2: unknown command 'frobnicate'"
	printf 'key Tab NoSuchKey\n' >"$TEST_DIR/script"
	run tui_script
	assert_failure 2
	assert_output --partial "unknown key 'NoSuchKey'"
	rm "$TEST_DIR/script"
	run tui_script
	assert_failure 1
	assert_output --partial 'cannot open the TUI script'
}
