#!/usr/bin/env bats
# t7010: the revocation commands against the issue-6 contract — certs revoke, certs
# bulk-revoke (dry run, confirmation, --yes, the job followed to its end), crl get, ocsp check.
# Needs the revocation routes of serve (issue 6).

load helpers

teardown() { polite_teardown; }

setup() {
	common_setup
	cli_serve
	# three certificates with an issued version: imported, renewed by the Local CA
	local i
	for i in 1 2 3; do
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
			-subj "/CN=rv$i.example.com" -addext basicConstraints=critical,CA:FALSE -keyout "$TEST_DIR/k$i.pem" \
			-out "$TEST_DIR/rv$i.pem" 2>/dev/null || fail "openssl"
	done
	certctl import --owner o-alice --team t-platform --issuer iss-local \
		"$TEST_DIR"/rv[123].pem >/dev/null || fail "import failed"
	mapfile -t WITH_VERSION < <(certctl certs list --all -o json |
		jq -r '.data[] | select(.common_name | startswith("rv")) | .id' | sort)
	[ "${#WITH_VERSION[@]}" = 3 ] || fail "imported: ${WITH_VERSION[*]}"
	CERT=${WITH_VERSION[0]}
	SERIAL=$(certctl certs versions "$CERT" -o json | jq -r '.data[0].serial_number')
}

@test "certs revoke: revoked with the reason, twice is a conflict (409, exit 1)" {
	run certctl certs revoke "$CERT" --reason keyCompromise
	assert_success
	assert_output "revoked certificate $CERT (reason keyCompromise)"
	assert_equal "$(certctl certs get "$CERT" -o json | jq -r .status)" Revoked
	run certctl certs revoke "$CERT"
	assert_failure 1
	assert_output --partial 'conflict (HTTP 409)'
	run certctl certs revoke no-such-cert
	assert_failure 4
}

@test "bulk-revoke: dry run, refusal off a terminal, --yes, JSON, nothing matched exits 3" {
	run certctl certs bulk-revoke --owner-id o-alice --dry-run
	assert_success
	assert_line --regexp '^[0-9]+ certificates? match: [0-9]+ would be revoked'
	run certctl certs bulk-revoke --owner-id o-alice --dry-run -o json
	assert_success
	jq -e '.would_revoke | type == "array"' <<<"$output"
	run certctl certs bulk-revoke --owner-id o-alice </dev/null
	assert_failure 2
	assert_output --partial 'pass --yes'
	run certctl certs bulk-revoke "${WITH_VERSION[1]}" "${WITH_VERSION[2]}" --reason superseded --yes
	assert_success
	assert_line 'Bulk revocation complete:'
	assert_line '  Revoked: 2'
	assert_line '  Failed:  0'
	# by owner: certificates without a version fail, each named on stderr, exit 1
	run certctl certs bulk-revoke --owner-id o-alice --yes
	local failed
	failed=$(sed -n 's/^  Failed:  //p' <<<"$output")
	if [ "$failed" -gt 0 ]; then
		assert_failure 1
		assert_output --regexp 'certctl certs bulk-revoke: [^:]+: '
	else
		assert_success
	fi
	run certctl certs bulk-revoke --owner-id o-nobody --yes -o json
	assert_failure 3
	jq -e '.total_matched == 0' <<<"$output"
}

@test "bulk-revoke on a terminal asks first (tmux)" {
	command -v tmux >/dev/null || skip "no tmux"
	local tt=/work/shared/scripts/tui-tmux
	[ -x "$tt" ] || skip "no tui-tmux"
	export TUI_TMUX_SOCKET=cc-revoke-$BATS_ROOT_PID-$PORT
	"$tt" start rv 120x30 env PATH="$PATH" CERTCTL_SERVER_URL="$CERTCTL_SERVER_URL" \
		CERTCTL_API_KEY="$CERTCTL_API_KEY" CERTCTL_DATA_DIR="$CERTCTL_DATA_DIR" \
		certctl certs bulk-revoke --team-id t-platform
	"$tt" wait rv 'Revoke [0-9]+ certificates? with reason unspecified\? \[y/N\]' 10
	"$tt" keys rv y Enter
	"$tt" wait rv 'Bulk revocation complete' 20
	"$tt" stop rv
	tmux -L "$TUI_TMUX_SOCKET" kill-server 2>/dev/null || true
}

@test "crl get (DER, PEM, -o) and ocsp check: good, then revoked with time and reason" {
	run certctl ocsp check iss-local "$SERIAL"
	assert_success
	assert_output good
	certctl certs revoke "$CERT" --reason keyCompromise >/dev/null
	run certctl ocsp check iss-local "$SERIAL"
	assert_success
	assert_output --regexp '^revoked \(at [0-9T:-]+Z, reason keyCompromise\)$'
	run certctl ocsp check iss-local "$SERIAL" -o json
	assert_success
	jq -e '.status == "revoked" and .reason == "keyCompromise"' <<<"$output"
	run certctl crl get iss-local -o "$TEST_DIR/crl.der"
	assert_success
	openssl crl -inform DER -in "$TEST_DIR/crl.der" -noout -text | grep -qi "$SERIAL" ||
		fail "serial $SERIAL not in the CRL"
	run certctl crl get iss-local --pem
	assert_success
	assert_line --index 0 '-----BEGIN X509 CRL-----'
	run certctl crl get no-such-issuer -o "$TEST_DIR/x"
	assert_failure 4
}
