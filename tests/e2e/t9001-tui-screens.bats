#!/usr/bin/env bats
# t9001: certctl tui against serve with the demo fleet, in tmux at 80x24: every top screen,
# detail screens, search, multi-select, help, palette, resize, quit

load helpers
load lib/tui

@test "every top screen opens with the server's data, Tab and Shift-Tab cycle" {
	tui_start 80x24
	tui_wait 'certctl │ Dashboard'
	tui_wait '32 certificates'
	tui_wait 'Certificates by status'
	tui_wait 'Active +█+ 21'
	tui_wait 'Expirations by week'
	tui_wait 'Issuance rate'
	# the top screens in sidebar order, each with something only the server can know
	local screens=(
		'Certificates|old-blog'
		'Jobs|AwaitingApproval'
		'Agents|mac-dev-fr'
		'Fleet|By operating system'
		'Notifications|ExpirationWarning'
		'Audit|[0-9]+/[0-9]+ shown'
		'Issuers|iss-local'
		'Targets|nginx-prod'
		'Profiles|short-lived'
		'Policies|renewal-lead-time'
		'Owners|Alice Chen'
		'Teams|Platform'
		'Agent groups|datacenter-a'
		'Short-lived|spiffe-batch'
		'Discovery|Unmanaged'
		'Network scans|DC1 web tier'
		'Digest|Digest preview'
		'Observability|healthy'
	)
	local s
	for s in "${screens[@]}"; do
		tui_keys Tab
		tui_wait "certctl │ ${s%%|*} "
		tui_wait "${s#*|}"
	done
	# a server without a digest says so instead of inventing one
	tui_keys BTab
	tui_wait 'certctl │ Digest'
	tui_wait 'does not offer /api/v1/digest/preview'
	tui_keys Tab Tab
	tui_wait 'certctl │ Dashboard'
	tui_keys q
	run tui_exited
	assert_output 'exit status 0'
}

@test "certificates: search, multi-select, detail with versions, targets, jobs and violations" {
	tui_start 80x24 --screen certificates
	tui_wait 'certctl │ Certificates'
	tui_wait '32/32 shown'
	tui_keys /
	tui_type 'api'
	tui_wait '^/api'
	tui_wait '[0-9]+/32 shown'
	run tui_screen
	refute_output --partial 'old-blog'
	tui_keys Enter Space Space
	tui_wait '2 selected'
	tui_keys Escape
	tui_wait '32/32 shown · 2 selected'
	tui_keys Escape
	tui_wait '32/32 shown$'
	# the old blog: expired, its violations are listed on its page
	tui_keys /
	tui_type 'old-blog'
	tui_wait '1/32 shown'
	tui_keys Enter Enter
	tui_wait 'certctl │ Certificate mc-old-blog'
	tui_wait 'blog.example.com'
	tui_keys G
	tui_wait 'Policy violations'
	tui_wait 'Critical'
	tui_wait 'Critical +pr-renewal-lead.* certificate expired'
	tui_keys g
	tui_wait 'common_name +blog.example.com'
	tui_keys q
	tui_wait 'certctl │ Certificates'
}

@test "help, the palette to a screen and to a detail by id, export of a PEM file" {
	tui_start 100x30
	tui_wait 'certctl │ Dashboard'
	tui_keys '?'
	tui_wait 'Help — keys'
	tui_wait 'command palette'
	tui_keys Escape
	tui_gone 'Help — keys'
	tui_keys :
	tui_type 'fle'
	tui_wait 'fleet +Fleet'
	tui_keys Enter
	tui_wait 'certctl │ Fleet'
	tui_wait 'linux +█+ 10'
	tui_keys :
	tui_type 'certificate mc-api-prod'
	tui_keys Enter
	tui_wait 'certctl │ Certificate mc-api-prod'
	tui_wait 'Versions'
	tui_keys x
	tui_wait 'Export PEM'
	tui_keys C-u
	tui_type "$TEST_DIR/api.pem"
	tui_keys Enter
	tui_wait 'wrote [0-9]+ bytes'
	run openssl x509 -in "$TEST_DIR/api.pem" -noout -subject
	assert_success
	assert_output --partial 'api.example.com'
	# detail screens close back to the screen below
	tui_keys q
	tui_wait 'certctl │ Fleet'
}

@test "resizing: sidebar on wide terminals, tabs on narrow ones, a message below 80x24" {
	tui_start 80x24 --screen jobs
	tui_wait 'certctl │ Jobs'
	tui_wait 'Dashboard │ Certificates │ Jobs'
	tui_resize 120x30
	tui_wait '^ Dashboard +│'
	tui_wait '^ Observability +│'
	tui_resize 70x20
	tui_wait 'terminal too small: 70x20, need 80x24'
	tui_resize 80x24
	tui_wait 'certctl │ Jobs'
	run tui_screen
	refute_output --partial 'too small'
	[ "$(tui_screen | wc -l)" -le 24 ]
}

@test "certctl tui refuses to run without a terminal, or for an unknown screen" {
	run certctl tui </dev/null
	assert_failure 2
	assert_output --partial 'needs a terminal'
	run certctl tui --screen nosuch
	assert_failure 2
	assert_output --partial "no screen is called 'nosuch'"
}

@test "colors on a color terminal, none with NO_COLOR" {
	local color=$'\e\\[([0-9]+;)*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'
	tui_start 80x24
	tui_wait '32 certificates'
	_tmux capture-pane -p -e -t tui | grep -Eq "$color" || fail "no colors on the screen"
	tui_keys q
	run tui_exited
	tui_stop
	NO_COLOR=1 tui_start 80x24
	tui_wait '32 certificates'
	! _tmux capture-pane -p -e -t tui | grep -Eq "$color"
	# still readable: the current screen's tab is in reverse video
	_tmux capture-pane -p -e -t tui | grep -q $'\e\\[7m' || fail "no reverse video"
}

@test "no colors with --no-color, nor on a terminal without colors; both still readable" {
	local color=$'\e\\[([0-9]+;)*(3[0-7]|4[0-7]|38;5;[0-9]+|48;5;[0-9]+)m'
	local screen
	tui_start 80x24 --no-color --screen certificates
	tui_wait '32/32 shown'
	screen=$(_tmux capture-pane -p -e -t tui)
	! grep -Eq "$color" <<<"$screen" || fail "colors with --no-color: $screen"
	grep -q $'\e\\[7m' <<<"$screen" || fail "no reverse video"
	# Expired is bold instead of red
	grep -Eq $'\e\\[1m''Expired' <<<"$screen" || fail "no bold Expired: $screen"
	tui_keys q
	run tui_exited
	assert_output 'exit status 0'
	tui_stop
	# vt100 has no colors: the same monochrome screen, without being asked
	[ "$(tput -T vt100 colors)" -lt 8 ]
	TUI_TERM=vt100 tui_start 80x24 --screen certificates
	tui_wait '32/32 shown'
	screen=$(_tmux capture-pane -p -e -t tui)
	! grep -Eq "$color" <<<"$screen" || fail "colors on a vt100: $screen"
	grep -q $'\e\\[7m' <<<"$screen" || fail "no reverse video"
	grep -Eq $'\e\\[1m''Expired' <<<"$screen" || fail "no bold Expired: $screen"
}
