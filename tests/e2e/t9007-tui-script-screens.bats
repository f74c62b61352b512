#!/usr/bin/env bats
# t9007: what certctl tui shows, driven by CERTCTL_TUI_SCRIPT and compared with what the
# server answers: certificate and job details, the footer, help and palette, the audit
# filters and export, the fleet, the digest, the dashboard's trends

load helpers
load lib/tui

# show [ARGS...]: certctl tui ARGS on the script from stdin, at ${LINES:-24}x${COLUMNS:-80}
show() {
	cat >"$TEST_DIR/script"
	run tui_script "$@"
	assert_success
}

@test "certificate detail: versions, deployment targets, job timeline, violations, export" {
	LINES=60 COLUMNS=120 show <<EOS
key :
type certificate mc-web-prod
key Enter
save-screen $TEST_DIR/web
key x C-u
type $TEST_DIR/web.pem
key Enter
save-screen $TEST_DIR/exported
key q :
type certificate mc-old-blog
key Enter
key G
save-screen $TEST_DIR/blog
EOS
	run cat "$TEST_DIR/web"
	assert_output --partial 'certctl │ Certificate mc-web-prod'
	# every version the server has, with its dates and key
	api GET /api/v1/certificates/mc-web-prod/versions
	[ "$(jq '.data | length' <<<"$HTTP_BODY")" -ge 2 ]
	while read -r serial nb na alg bits; do
		assert_output --regexp "$serial +$nb +$na +$alg +$bits"
	done < <(jq -r '.data[] | "\(.serial_number) \(.not_before[:10]) \(.not_after[:10]) \(.key_algorithm) \(.key_size)"' <<<"$HTTP_BODY")
	# the targets it is deployed to
	api GET /api/v1/certificates/mc-web-prod/deployments
	[ "$(jq '.data | length' <<<"$HTTP_BODY")" -ge 2 ]
	while read -r name type agent; do
		assert_output --regexp "$name +$type +$agent"
	done < <(jq -r '.data[] | "\(.name) \(.type) \(.agent_id)"' <<<"$HTTP_BODY")
	# the job timeline: its jobs, newest first, in the server's order
	api GET '/api/v1/jobs?certificate_id=mc-web-prod&per_page=50'
	want=$(jq -r '.data | sort_by(.created_at) | reverse | .[] | "\(.type) \(.status)"' <<<"$HTTP_BODY")
	[ "$(wc -l <<<"$want")" -ge 4 ]
	got=$(sed -n '/Jobs (deployment timeline/,/^ *│ *$/p' "$TEST_DIR/web" |
		grep -Eo '(Issuance|Renewal|Deployment|Validation) +[A-Za-z]+' | tr -s ' ')
	assert_equal "$got" "$want"
	# no violations for this one
	run sed -n '/Policy violations/,$p' "$TEST_DIR/web"
	assert_output --partial '(none)'
	# x: the exported file is the server's PEM, chain included
	grep -q "wrote [0-9]* bytes to $TEST_DIR/web.pem" "$TEST_DIR/exported"
	api GET /api/v1/certificates/mc-web-prod/export/pem
	assert_equal "$(cat "$TEST_DIR/web.pem")" "$(jq -r .full_pem <<<"$HTTP_BODY")"
	# the old blog's violations: each one the server has for it, severity and message
	n=0
	api GET '/api/v1/policies?per_page=500'
	for rule in $(jq -r '.data[].id' <<<"$HTTP_BODY"); do
		api GET "/api/v1/policies/$rule/violations?certificate_id=mc-old-blog"
		while IFS=$'\t' read -r sev msg; do
			grep -Eq "$sev +${rule:0:10}.* ${msg:0:20}" "$TEST_DIR/blog" ||
				fail "violation $sev $rule '$msg' not shown: $(cat "$TEST_DIR/blog")"
			n=$((n + 1))
		done < <(jq -r '(.data // [])[] | select(.certificate_id == "mc-old-blog") | "\(.severity)\t\(.message)"' <<<"$HTTP_BODY")
	done
	[ "$n" -ge 1 ]
	run sed -n '/Policy violations/,$p' "$TEST_DIR/blog"
	refute_output --partial '(none)'
}

@test "job detail: timeline, deployment verification and the job's audit events" {
	LINES=50 COLUMNS=110 show <<EOS
key :
type job job-dep-005
key Enter
save-screen $TEST_DIR/job
EOS
	run cat "$TEST_DIR/job"
	assert_output --partial 'certctl │ Job job-dep-005'
	api GET /api/v1/jobs/job-dep-005/verification
	verify=$(jq -r .error <<<"$HTTP_BODY")
	[ -n "$verify" ] && [ "$verify" != null ]
	run sed -n '/Verification$/,$p' "$TEST_DIR/job"
	assert_output --regexp "error +$verify"
	assert_output --regexp "verification_status +$(jq -r .verification_status <<<"$HTTP_BODY")"
	assert_output --regexp 'verified +no'
	api GET /api/v1/jobs/job-dep-005
	run sed -n '/Timeline$/,/^ *│ *$/p' "$TEST_DIR/job"
	for k in created started completed; do
		assert_output --regexp "$k +$(jq -r ".${k}_at[:10]" <<<"$HTTP_BODY")"
	done
	api GET '/api/v1/audit?resource_id=job-dep-005&per_page=50'
	[ "$(jq '.data | length' <<<"$HTTP_BODY")" -ge 1 ]
	run sed -n '/Audit events$/,/^ *│ *$/p' "$TEST_DIR/job"
	while read -r actor action; do
		assert_output --regexp "$actor +$action"
	done < <(jq -r '.data[] | "\(.actor) \(.action)"' <<<"$HTTP_BODY")
	# another kind of job says verification is for deployments
	printf 'key :\ntype job job-ren-015\nkey Enter\nsave-screen %s\n' "$TEST_DIR/ren" >"$TEST_DIR/script"
	LINES=50 COLUMNS=110 run tui_script
	grep -q '(deployment jobs only)' "$TEST_DIR/ren"
}

@test "the footer shows the keys of the current screen; ? lists them all; : jumps" {
	LINES=30 COLUMNS=200 show <<EOS
save-screen $TEST_DIR/dashboard
key Tab
save-screen $TEST_DIR/certificates
key ?
save-screen $TEST_DIR/help
key Esc Tab
save-screen $TEST_DIR/jobs
key :
type disc
save-screen $TEST_DIR/palette
key Enter
save-screen $TEST_DIR/discovery
key :
type job job-dep-005
key Enter
save-screen $TEST_DIR/detail
EOS
	footer() { tail -1 "$TEST_DIR/$1"; }
	run footer dashboard
	assert_output --regexp '^\[ \] range +w wizard +\? help +: go to +q back$'
	run footer certificates
	assert_output --regexp '^Enter open +/ search +Space select +f filter +r renew +R revoke +o owner +s sort +n new +\? help'
	refute_output --partial 'wizard'
	run footer jobs
	assert_output --regexp '^Enter open +f filter +a approve +J reject +c cancel +/ search'
	refute_output --partial 'renew'
	run footer discovery
	assert_output --regexp 'c claim +D dismiss +h scans'
	refute_output --partial 'approve'
	# a detail screen has its own
	run footer detail
	assert_output --regexp '^a approve +J reject +c cancel +\? help +: go to +q back$'
	# ? on Certificates: each of its keys with its help, then the global ones
	run cat "$TEST_DIR/help"
	assert_output --partial 'Help — keys'
	assert_output --regexp '│ Certificates +│'
	assert_output --regexp 'R +bulk revoke on the server: by criteria or selection'
	assert_output --regexp 'o +reassign the owner of the selected certificates'
	assert_output --regexp 'r +renew the selected certificates'
	refute_output --partial 'approve a job'
	refute_output --partial 'onboarding wizard'
	# : narrows the screens as one types, Enter opens the first
	run cat "$TEST_DIR/palette"
	assert_output --partial ':disc'
	assert_output --regexp 'discovery +Discovery'
	refute_output --regexp 'dashboard +Dashboard'
	run cat "$TEST_DIR/discovery"
	assert_output --partial 'certctl │ Discovery'
}

@test "the server and key: --server and --api-key, a wrong key, the credentials file" {
	printf 'save-screen %s\n' "$TEST_DIR/screen" >"$TEST_DIR/script"
	run env -u CERTCTL_SERVER_URL -u CERTCTL_API_KEY CERTCTL_TUI_SCRIPT="$TEST_DIR/script" \
		LINES=24 COLUMNS=80 certctl tui --screen certificates \
		--server "http://127.0.0.1:$PORT" --api-key "$API_KEY" </dev/null
	assert_success
	run cat "$TEST_DIR/screen"
	assert_line --index 0 --regexp "^ certctl │ Certificates +http://127.0.0.1:$PORT$"
	assert_output --partial '32/32 shown'
	# a wrong key: the status line says what to check, nothing is made up
	run env -u CERTCTL_SERVER_URL -u CERTCTL_API_KEY CERTCTL_TUI_SCRIPT="$TEST_DIR/script" \
		LINES=24 COLUMNS=80 certctl tui --screen certificates \
		--server "http://127.0.0.1:$PORT" --api-key wrong-key </dev/null
	assert_success
	run cat "$TEST_DIR/screen"
	assert_output --partial 'not authorized: check --api-key or CERTCTL_API_KEY'
	refute_output --partial 'old-blog'
	# the flags win over the environment
	run env CERTCTL_SERVER_URL=http://127.0.0.1:9 CERTCTL_API_KEY=wrong \
		CERTCTL_TUI_SCRIPT="$TEST_DIR/script" LINES=24 COLUMNS=80 certctl tui \
		--screen certificates --server "http://127.0.0.1:$PORT" --api-key "$API_KEY" </dev/null
	assert_success
	grep -q '32/32 shown' "$TEST_DIR/screen" || fail "$(cat "$TEST_DIR/screen")"
	# no key given: the one serve saved in its credentials file on its first run
	serve_stop
	rm -rf "$CERTCTL_DATA_DIR"
	certctl db seed --demo >/dev/null
	serve_start
	assert_file_exist "$CERTCTL_DATA_DIR/credentials"
	run env -u CERTCTL_API_KEY CERTCTL_TUI_SCRIPT="$TEST_DIR/script" LINES=24 COLUMNS=80 \
		CERTCTL_SERVER_URL="http://127.0.0.1:$PORT" certctl tui --screen certificates </dev/null
	assert_success
	grep -q '32/32 shown' "$TEST_DIR/screen" || fail "$(cat "$TEST_DIR/screen")"
}

@test "audit: time range, actor and action filters on the server, export of the result" {
	api GET '/api/v1/audit?actor=agent&after=2026-01-01T00:00:00Z&before=2099-01-01T00:00:00Z&per_page=500'
	n=$(jq '.data | length' <<<"$HTTP_BODY")
	[ "$n" -ge 2 ]
	api GET '/api/v1/audit?per_page=500'
	[ "$(jq '.data | length' <<<"$HTTP_BODY")" -gt "$n" ]
	api GET '/api/v1/audit?action=job_verification_failed&per_page=500'
	m=$(jq '.data | length' <<<"$HTTP_BODY")
	[ "$m" -ge 1 ] && [ "$m" -lt "$n" ]
	# f: after, before, actor; then the action instead of the actor
	LINES=30 COLUMNS=120 show <<EOS
key :
type audit
key Enter f
type 2026-01-01T00:00:00Z
key Tab
type 2099-01-01T00:00:00Z
key Tab
type agent
key Enter
save-screen $TEST_DIR/actor
key x Right Tab C-u
type $TEST_DIR/agent.json
key Enter
key f Tab Tab C-u Tab Tab Tab Tab
type job_verification_failed
key Enter
save-screen $TEST_DIR/action
key x Tab C-u
type $TEST_DIR/action.csv
key Enter
EOS
	run cat "$TEST_DIR/actor"
	assert_output --partial 'actor=agent'
	assert_output --partial 'after=2026-01-01T00:00:00Z'
	assert_output --partial "$n/$n shown"
	# the file holds what the server sent for these filters
	api GET '/api/v1/audit?actor=agent&after=2026-01-01T00:00:00Z&before=2099-01-01T00:00:00Z&per_page=500'
	assert_equal "$(jq -c '[.[].id] | sort' "$TEST_DIR/agent.json")" "$(jq -c '[.data[].id] | sort' <<<"$HTTP_BODY")"
	assert_equal "$(jq -r '[.[].actor] | unique | join(",")' "$TEST_DIR/agent.json")" agent
	run cat "$TEST_DIR/action"
	assert_output --partial 'action=job_verification_failed'
	refute_output --partial 'actor=agent'
	assert_output --partial "$m/$m shown"
	api GET '/api/v1/audit?action=job_verification_failed&per_page=500'
	assert_equal "$(tail -n +2 "$TEST_DIR/action.csv" | cut -d, -f1 | sort | tr -d '\r' | paste -sd' ')" \
		"$(jq -r '[.data[].id] | sort | join(" ")' <<<"$HTTP_BODY")"
}

@test "fleet by OS, architecture and version; the dashboard's job trends — as the server counts" {
	LINES=50 COLUMNS=120 show <<EOS
save-screen $TEST_DIR/dash
key :
type fleet
key Enter
save-screen $TEST_DIR/fleet
EOS
	api GET '/api/v1/agents?per_page=500'
	local k
	for k in os architecture version status; do
		while read -r cnt val; do
			grep -Eq "(^|│|  )${val//./\\.} +█+ $cnt( |\$)" "$TEST_DIR/fleet" ||
				fail "fleet: no '$val' with $cnt in: $(cat "$TEST_DIR/fleet")"
		done < <(jq -r --arg k "$k" '.data[] | .[$k] // empty' <<<"$HTTP_BODY" | sort | uniq -c)
	done
	grep -q 'By architecture' "$TEST_DIR/fleet"
	grep -q 'By agent version' "$TEST_DIR/fleet"
	# job trends: completed and failed over 30 days, the server's sums
	api GET '/api/v1/stats/job-trends?days=30'
	done_n=$(jq '[.[].completed_count] | add' <<<"$HTTP_BODY")
	failed_n=$(jq '[.[].failed_count] | add' <<<"$HTTP_BODY")
	[ "$done_n" -gt 0 ] && [ "$failed_n" -gt 0 ]
	grep -Eq "completed .* $done_n\$" "$TEST_DIR/dash" || fail "$(cat "$TEST_DIR/dash")"
	grep -Eq "failed .* $failed_n\$" "$TEST_DIR/dash" || fail "$(cat "$TEST_DIR/dash")"
}

@test "digest: this server has none; the preview and S say so instead of inventing one" {
	show <<EOS
key :
type digest
key Enter
save-screen $TEST_DIR/preview
key S
save-screen $TEST_DIR/sent
EOS
	grep -q 'does not offer /api/v1/digest/preview' "$TEST_DIR/preview" || fail "$(cat "$TEST_DIR/preview")"
	grep -q 'send: the server does not offer /api/v1/digest/send' "$TEST_DIR/sent" ||
		fail "$(cat "$TEST_DIR/sent")"
	grep -q 'method=POST path=/api/v1/digest/send status=404' "$TEST_DIR/serve.log"
}
