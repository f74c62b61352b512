#!/usr/bin/env bats
# t9003: the bulk revocation modal of certctl tui end to end: criteria from the list's filter,
# the dry-run count, confirmation, the job's result — then the server is checked, and that it
# was one server-side request, never a loop over certificates.
#
# NEEDS THE SERVER SIDE of bulk revocation (POST /api/v1/certificates/bulk-revoke with
# dry_run and jobs, built on main): on a server without that route every test here skips.

load helpers
load lib/tui

setup() {
	common_setup
	demo_serve
	api_json POST /api/v1/certificates/bulk-revoke \
		'{"reason":"unspecified","owner_id":"o-nobody","dry_run":true}'
	if [ "$HTTP_STATUS" = 405 ] || { [ "$HTTP_STATUS" = 404 ] && [[ $HTTP_BODY == *"no route"* ]]; }; then
		skip "this serve has no bulk revocation endpoint yet (server side not merged)"
	fi
}

# owner_statuses OWNER: the sorted statuses of OWNER's certificates, one line
owner_statuses() {
	api GET "/api/v1/certificates?owner_id=$1&per_page=500"
	jq -r '[.data[].status] | sort | unique | join(",")' <<<"$HTTP_BODY"
}

# single-certificate revocations the API saw (there must be none)
single_revokes() {
	api GET '/api/v1/audit?action=api_post&per_page=500'
	jq '[.data[] | select(.resource_id | test("^/api/v1/certificates/[^/]+/revoke$"))] | length' \
		<<<"$HTTP_BODY"
}

@test "bulk revoke by the filter's owner: dry-run count, confirm, result, server checked" {
	api GET '/api/v1/certificates?owner_id=o-alice&per_page=500'
	total=$(jq '.data | length' <<<"$HTTP_BODY")
	# what the server itself counts for these criteria
	api_json POST /api/v1/certificates/bulk-revoke \
		'{"reason":"keyCompromise","owner_id":"o-alice","dry_run":true}'
	assert_status 200
	would=$(jq '.would_revoke | length' <<<"$HTTP_BODY")
	[ "$would" -gt 1 ]
	tui_start 100x30 --screen certificates
	tui_wait '32/32 shown'
	# filter on the server: owner o-alice (the third field)
	tui_keys f Tab Tab
	tui_type o-alice
	tui_keys Enter
	tui_wait 'filter: owner_id=o-alice'
	tui_wait "$total/$total shown"
	# the modal starts with the filter's criteria; reason keyCompromise
	tui_keys R
	tui_wait 'Bulk revoke — criteria and reason'
	tui_wait 'Owner +o-alice'
	tui_keys Right
	tui_wait 'keyCompromise'
	tui_keys Enter
	tui_wait "$would certificates will be revoked"
	# the dry run changed nothing
	assert_equal "$(owner_statuses o-alice)" Active
	tui_keys y
	tui_wait 'Completed: [0-9]+ revoked' 60
	# the screen shows the job's result as the server recorded it
	api GET '/api/v1/jobs?type=BulkRevocation&per_page=10'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 1
	read -r revoked skipped failed < <(jq -r '.data[0].result |
		"\(.total_revoked) \(.total_skipped) \(.total_failed)"' <<<"$HTTP_BODY")
	tui_wait "Completed: $revoked revoked, $skipped skipped, $failed failed"
	[ "$revoked" -ge 1 ]
	api GET '/api/v1/certificates?owner_id=o-alice&status=Revoked&per_page=500'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" "$revoked"
	[ "$failed" = 0 ] || tui_wait 'first error: '
	tui_keys Enter
	tui_gone 'Bulk revoke'
	tui_wait 'Revoked'
	assert_equal "$(single_revokes)" 0
}

@test "bulk revoke of the multi-selected certificates; n goes back to the criteria" {
	tui_start 100x30 --screen certificates
	tui_wait '32/32 shown'
	# select pay-prod and web-prod, each found by search (the selection stays)
	tui_keys /
	tui_type 'pay-prod'
	tui_wait '1/32 shown'
	tui_keys Enter Space Escape /
	tui_type 'web-prod'
	tui_wait '1/32 shown · 1 selected'
	tui_keys Enter Space Escape
	tui_wait '32/32 shown · 2 selected'
	tui_keys R
	tui_wait '2 selected certificates'
	tui_keys Enter
	tui_wait '2 certificates will be revoked'
	tui_keys n
	tui_wait 'Bulk revoke — criteria and reason'
	tui_keys Enter
	tui_wait '2 certificates will be revoked'
	tui_keys Enter
	tui_wait 'Completed: 2 revoked, 0 skipped, 0 failed' 60
	tui_keys Enter
	api GET '/api/v1/certificates?status=Revoked&per_page=500'
	assert_equal "$(jq -r '[.data[].id] | sort | join(",")' <<<"$HTTP_BODY")" \
		mc-compromised,mc-pay-prod,mc-web-prod
	assert_equal "$(single_revokes)" 0
}

@test "bulk revoke without any criterion is refused in the modal, nothing is sent" {
	tui_start 80x24 --screen certificates
	tui_wait '32/32 shown'
	tui_keys R
	tui_wait 'Bulk revoke'
	tui_keys Enter
	tui_wait 'give at least one criterion'
	tui_keys Escape
	tui_gone 'Bulk revoke'
	api GET '/api/v1/audit?per_page=500'
	assert_equal "$(jq '[.data[] | select(.resource_id == "/api/v1/certificates/bulk-revoke")] | length' <<<"$HTTP_BODY")" 1
}
