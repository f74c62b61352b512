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
	run certctl certs revoke "${WITH_VERSION[1]}" --reason sideways
	assert_failure 2
	assert_output --partial "unknown reason 'sideways' (one of unspecified|keyCompromise|"
	assert_equal "$(db_q "SELECT COUNT(*) FROM certificate_revocations WHERE certificate_id = '${WITH_VERSION[1]}'")" 0
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

@test "bulk-revoke: every criterion flag, the ids and the reason go into the request body" {
	local rec=$TEST_DIR/requests
	serve_stop TERM 0
	bg_start "$TEST_DIR/fake.log" "$E2E_PYTHON" "$BATS_TEST_DIRNAME/lib/fake-api.py" "$PORT" "$rec"
	wait_for 5 curl -s -o /dev/null "http://127.0.0.1:$PORT/" || fail "fake API did not start"
	: >"$rec"
	run certctl certs bulk-revoke c-1 c-2 --profile-id p-x --owner-id o-x --agent-id a-x \
		--issuer-id i-x --team-id t-x --reason privilegeWithdrawn --dry-run -o json
	assert_success
	assert_equal "$(cut -d' ' -f1,2 "$rec")" "POST /api/v1/certificates/bulk-revoke"
	cut -d' ' -f3- "$rec" | jq -e --sort-keys '. == {
		"certificate_ids": ["c-1", "c-2"], "profile_id": "p-x", "owner_id": "o-x",
		"agent_id": "a-x", "issuer_id": "i-x", "team_id": "t-x",
		"reason": "privilegeWithdrawn", "dry_run": true}' ||
		fail "body: $(cat "$rec")"
	# one flag alone, no reason: unspecified
	: >"$rec"
	certctl certs bulk-revoke --agent-id a-y --dry-run >/dev/null
	cut -d' ' -f3- "$rec" | jq -e '. == {"agent_id": "a-y", "reason": "unspecified", "dry_run": true}' ||
		fail "body: $(cat "$rec")"
	# an unknown reason is refused before anything is sent
	: >"$rec"
	run certctl certs bulk-revoke --owner-id o --reason sideways --yes
	assert_failure 2
	[ ! -s "$rec" ] || fail "sent: $(cat "$rec")"
}

@test "bulk-revoke: a certificate that cannot be revoked is named on stderr, exit 1" {
	api_json POST /api/v1/owners '{"id":"o-bf","name":"bf","email":"bf@example.com","team_id":"t-platform"}'
	assert_status 201
	api_json POST /api/v1/certificates '{"id":"bf-never","name":"bf-never","common_name":"bf.example.com","owner_id":"o-bf","team_id":"t-platform","issuer_id":"iss-local","renewal_policy_id":"rp-default"}'
	assert_status 201
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj "/CN=bf.example.com" -addext basicConstraints=critical,CA:FALSE \
		-keyout "$TEST_DIR/bfk.pem" -out "$TEST_DIR/bf.pem" 2>/dev/null
	certctl import --owner o-bf --team t-platform --issuer iss-local "$TEST_DIR/bf.pem" >/dev/null ||
		fail "import"
	run --separate-stderr certctl certs bulk-revoke --owner-id o-bf --yes
	assert_failure 1
	assert_line '  Matched: 2'
	assert_line '  Revoked: 1'
	assert_line '  Failed:  1'
	[[ $stderr == "certctl certs bulk-revoke: bf-never: "*"no issued version"* ]] ||
		fail "stderr: $stderr"
	assert_equal "$(certctl certs get bf-never -o json | jq -r .status)" Pending
}

# seed_owner OWNER N: N issued certificates of OWNER (fake serials), straight into the database
seed_owner() {
	db_q "INSERT INTO owners (id, name, email, team_id) VALUES ('$1', '$1', '$1@example.com', 't-platform');
		WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2)
		INSERT INTO managed_certificates (id, name, common_name, owner_id, team_id, issuer_id,
			renewal_policy_id, status)
		SELECT printf('$1-%06d', i), printf('$1-%06d', i), 'b.example.com', '$1', 't-platform',
			'iss-local', 'rp-default', 'Active' FROM s;
		INSERT INTO certificate_versions (id, certificate_id, serial_number, not_before, not_after,
			fingerprint_sha256, pem_chain)
		SELECT 'v' || id, id, printf('%x', 268435456 + rowid), '2026-01-01T00:00:00Z',
			'2027-01-01T00:00:00Z', 'fp' || id, 'pem' FROM managed_certificates WHERE owner_id = '$1'"
}

@test "bulk-revoke of a background job: a progress bar on a terminal, nothing on a pipe" {
	command -v tmux >/dev/null || skip "no tmux"
	local tt=/work/shared/scripts/tui-tmux
	[ -x "$tt" ] || skip "no tui-tmux"
	seed_owner o-pipe 3000
	seed_owner o-tty 60000
	# a pipe: the job (202, followed to its end) prints its summary and no progress
	certctl certs bulk-revoke --owner-id o-pipe --yes >"$TEST_DIR/out" 2>"$TEST_DIR/err" ||
		fail "exit $?: $(cat "$TEST_DIR/err")"
	grep -qx '  Revoked: 3000' "$TEST_DIR/out" || fail "$(cat "$TEST_DIR/out")"
	[ ! -s "$TEST_DIR/err" ] || fail "stderr on a pipe: $(cat -v "$TEST_DIR/err")"
	# a terminal: the bar moves, then the summary
	export TUI_TMUX_SOCKET=cc-revoke-$BATS_ROOT_PID-$PORT
	"$tt" start pg 120x30 env PATH="$PATH" CERTCTL_SERVER_URL="$CERTCTL_SERVER_URL" \
		CERTCTL_API_KEY="$CERTCTL_API_KEY" CERTCTL_DATA_DIR="$CERTCTL_DATA_DIR" \
		certctl certs bulk-revoke --owner-id o-tty --yes
	"$tt" wait pg 'revoking \[[#.]{30}\] +[0-9]+%  [0-9]+/60000' 30
	"$tt" wait pg '^  Revoked: 60000' 60
	"$tt" history pg | grep -qx 'Bulk revocation complete:' || fail "$("$tt" history pg)"
	"$tt" stop pg
	tmux -L "$TUI_TMUX_SOCKET" kill-server 2>/dev/null || true
	assert_equal "$(db_q "SELECT COUNT(*) FROM certificate_revocations WHERE certificate_id LIKE 'o-tty-%'")" 60000
}
