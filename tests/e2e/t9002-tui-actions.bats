#!/usr/bin/env bats
# t9002: actions from certctl tui, checked on the server: approve and reject jobs, mark a
# notification read, create a team; and a server that goes away and comes back

load helpers
load lib/tui

job_status() {
	api GET "/api/v1/jobs/$1"
	jq -r .status <<<"$HTTP_BODY"
}

@test "jobs: approve one awaiting approval, reject another with a reason" {
	[ "$(job_status job-ren-015)" = AwaitingApproval ]
	[ "$(job_status job-iss-008)" = AwaitingApproval ]
	tui_start 80x24 --screen jobs
	tui_wait 'certctl │ Jobs'
	tui_wait 'AwaitingApproval'
	# the list: only the S/MIME renewal, approved with a
	tui_keys /
	tui_type 'smime-carol'
	tui_wait '1/[0-9]+ shown'
	tui_keys Enter a
	tui_wait 'job_approved'
	wait_for 5 test "$(job_status job-ren-015)" != AwaitingApproval
	# the detail screen: reject the partner API issuance with a reason
	tui_keys :
	tui_type 'job job-iss-008'
	tui_keys Enter
	tui_wait 'certctl │ Job job-iss-008'
	tui_wait 'Timeline'
	tui_keys J
	tui_wait 'Reject'
	tui_type 'not this quarter'
	tui_keys Enter
	tui_wait 'job_rejected'
	wait_for 5 test "$(job_status job-iss-008)" = Failed
	api GET /api/v1/jobs/job-iss-008
	assert_equal "$(jq -r .last_error <<<"$HTTP_BODY")" 'rejected: not this quarter'
}

@test "notifications: mark read; teams: create one through the form" {
	tui_start 100x30 --screen notifications
	tui_wait 'certctl │ Notifications'
	tui_wait 'pending'
	api GET '/api/v1/notifications?status=pending&per_page=500'
	pending=$(jq '.data | length' <<<"$HTTP_BODY")
	[ "$pending" -gt 1 ]
	first=$(jq -r '.data[0].id' <<<"$HTTP_BODY")
	tui_keys f Right Enter
	tui_wait 'filter: status=pending'
	tui_keys Home m
	tui_wait 'marked read'
	api GET '/api/v1/notifications?status=pending&per_page=500'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" $((pending - 1))
	api GET "/api/v1/notifications?status=read&per_page=500"
	[ "$(jq '[.data[] | select(.id == "'"$first"'")] | length' <<<"$HTTP_BODY")" -le 1 ]
	# teams: n, a name and a description
	tui_keys :
	tui_type teams
	tui_keys Enter
	tui_wait 'certctl │ Teams'
	tui_keys n
	tui_wait 'New'
	tui_type 'Edge crew'
	tui_keys Tab
	tui_type 'CDN and edge nodes'
	tui_keys Enter
	tui_wait 'saved'
	tui_wait 'Edge crew'
	api GET '/api/v1/teams?per_page=500'
	assert_equal "$(jq -r '.data[] | select(.name == "Edge crew") | .description' <<<"$HTTP_BODY")" \
		'CDN and edge nodes'
}

@test "a server that goes away is reported and retried, the screen comes back with it" {
	tui_start 80x24 --screen certificates
	tui_wait '32/32 shown'
	serve_stop
	tui_keys C-r
	tui_wait 'server unreachable — retrying'
	# input still works while the server is away
	tui_keys Tab
	tui_wait 'certctl │ Jobs'
	tui_alive
	CERTCTL_AUTH_SECRET=$API_KEY serve_start
	tui_wait 'server is back' 10
	tui_gone 'server unreachable'
	tui_wait 'AwaitingApproval'
}

@test "a slow server: keys are handled while a request is pending, its answer comes later" {
	local pport t0 t1
	pport=$(free_port)
	bg_start "$TEST_DIR/proxy.log" "$E2E_PYTHON" "$BATS_TEST_DIRNAME/lib/slow-proxy.py" \
		"$pport" "http://127.0.0.1:$PORT" 6 /api/v1/jobs
	wait_for 5 curl -fsS -o /dev/null "http://127.0.0.1:$pport/health"
	tui_start 80x24 --server "http://127.0.0.1:$pport" --screen certificates
	tui_wait '32/32 shown'
	t0=$(date +%s%N)
	# Jobs waits 6 s for its list; meanwhile keys move on, open help and the palette
	tui_keys Tab
	tui_wait 'certctl │ Jobs'
	tui_wait 'loading…'
	tui_keys Tab
	tui_wait 'certctl │ Agents'
	tui_keys '?'
	tui_wait 'Help — keys'
	tui_keys Escape :
	tui_wait 'Go to'
	tui_type 'fle'
	tui_wait 'fleet +Fleet'
	tui_keys Escape
	tui_gone 'Go to'
	t1=$(date +%s%N)
	[ $(((t1 - t0) / 1000000)) -lt 4000 ] ||
		fail "the keys waited for the slow request: $(((t1 - t0) / 1000000)) ms"
	# the answers come in after it: Agents, then back on Jobs its list
	tui_wait 'mac-dev-fr' 15
	tui_keys BTab
	tui_wait 'certctl │ Jobs'
	tui_wait 'AwaitingApproval' 15
	tui_alive
}
