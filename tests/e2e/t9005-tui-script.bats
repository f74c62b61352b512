#!/usr/bin/env bats
# t9005: certctl tui driven by CERTCTL_TUI_SCRIPT — no terminal, a fixed LINES x COLUMNS,
# each command once every request is answered — against serve with the demo fleet

load helpers
load lib/tui

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

@test "short-lived: the TTL counts down between refreshes" {
	local exp
	exp=$(date -u -d '+10 min' +%Y-%m-%dT%H:%M:%SZ)
	api_json POST /api/v1/certificates '{"name":"ttl-demo","common_name":"ttl.example.com",
		"owner_id":"o-frank","team_id":"t-devops","issuer_id":"iss-local",
		"renewal_policy_id":"rp-standard","certificate_profile_id":"prof-short-lived",
		"status":"Active","expires_at":"'"$exp"'"}'
	assert_status 201
	cat >"$TEST_DIR/script" <<EOS
key :
type short-lived
key Enter
save-screen $TEST_DIR/t1
sleep 2100
save-screen $TEST_DIR/t2
EOS
	run tui_script
	assert_success
	run grep -o 'ttl-demo.*' "$TEST_DIR/t1"
	assert_output --regexp 'prof-short-lived +Active +(9m|10m 00s)'
	t1=$(grep -o '[0-9]*m [0-9]*s$' <<<"$output")
	run grep -o 'ttl-demo.*' "$TEST_DIR/t2"
	t2=$(grep -o '[0-9]*m [0-9]*s$' <<<"$output")
	[ -n "$t1" ] && [ -n "$t2" ] && [ "$t1" != "$t2" ] || fail "no countdown: '$t1' then '$t2'"
	grep -q 'refreshed every 10 s' "$TEST_DIR/t2"
}

@test "an empty server opens the onboarding wizard: CA, agent commands, certificate, done" {
	# this test's own server: nothing in it but the built-in Local CA
	serve_stop
	rm -rf "$CERTCTL_DATA_DIR"
	CERTCTL_AUTH_SECRET=$API_KEY serve_start
	cat >"$TEST_DIR/script" <<EOS
save-screen $TEST_DIR/w1
key Right
save-screen $TEST_DIR/w2
key Right Right
save-screen $TEST_DIR/w4
key Enter
save-screen $TEST_DIR/dash
EOS
	run tui_script
	assert_success
	run cat "$TEST_DIR/w1"
	assert_output --partial 'Welcome to certctl — first steps'
	assert_output --regexp '1 Connect a CA .*2 Deploy an agent'
	assert_output --partial 'Issuers on the server: 1'
	run cat "$TEST_DIR/w2"
	assert_output --partial "sudo certctl agent --server-url http://127.0.0.1:$PORT"
	assert_output --partial 'Agents registered: 0'
	run cat "$TEST_DIR/w4"
	assert_output --partial 'All set.'
	run cat "$TEST_DIR/dash"
	assert_output --partial '0 certificates'
	refute_output --partial 'Welcome'
	# --no-wizard (or --screen) does not open it
	printf 'save-screen %s\n' "$TEST_DIR/nw" >"$TEST_DIR/script"
	run tui_script --no-wizard
	run cat "$TEST_DIR/nw"
	refute_output --partial 'Welcome'
}

@test "audit: filter on the server, export what is shown to CSV and to JSON" {
	cat >"$TEST_DIR/script" <<EOS
key :
type audit
key Enter f Down Down Down Down
type certificate
key Enter
save-screen $TEST_DIR/audit
key x Tab C-u
type $TEST_DIR/audit.csv
key Enter
key x Right Tab C-u
type $TEST_DIR/audit.json
key Enter
save-screen $TEST_DIR/after
EOS
	run tui_script
	assert_success
	run cat "$TEST_DIR/audit"
	assert_output --partial 'filter: resource_type=certificate'
	shown=$(grep -o '[0-9]*/[0-9]* shown' "$TEST_DIR/audit" | cut -d/ -f1)
	[ "$shown" -gt 0 ]
	run head -1 "$TEST_DIR/audit.csv"
	assert_output $'id,timestamp,actor,actor_type,action,resource_type,resource_id,details\r'
	assert_equal "$(($(wc -l <"$TEST_DIR/audit.csv") - 1))" "$shown"
	assert_equal "$(jq length "$TEST_DIR/audit.json")" "$shown"
	assert_equal "$(jq -r '[.[].resource_type] | unique | join(",")' "$TEST_DIR/audit.json")" certificate
	grep -q "wrote [0-9]* bytes to" "$TEST_DIR/after"
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
