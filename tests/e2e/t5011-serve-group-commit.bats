#!/usr/bin/env bats
# t5011: agents' CSRs recorded through the group-commit writer — many at once are all signed
# and stored once each, with their audit; a SIGTERM while submissions are in flight loses
# no answered one and leaves no half-written issuance. Both engines.

load helpers

KEY=t5011-key
N=48

# the demo fleet, N certificates cg-01..cg-N on the Local CA and a P-256 CSR for each
prepare() {
	ENGINE=$1
	if [ "$ENGINE" = pg ]; then fresh_pg_db >/dev/null; fi
	engine_args
	export CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false
	API_KEY=$KEY
	certctl db seed --demo "${ENGINE_ARGS[@]}" >/dev/null || fail "db seed --demo failed"
	serve_start "${ENGINE_ARGS[@]}"
	mkdir -p "$TEST_DIR/csr" "$TEST_DIR/out"
	local i id
	for i in $(seq -w 1 "$N"); do
		id=cg-$i
		api_json POST /api/v1/certificates "{\"id\":\"$id\",\"name\":\"$id\",\"common_name\":\"$id.example.com\",\"sans\":[\"$id.example.com\"],\"owner_id\":\"o-alice\",\"team_id\":\"t-platform\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\"}"
		assert_status 201
		openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
			-subj "/CN=$id.example.com" -keyout /dev/null -out "$TEST_DIR/csr/$id.pem" \
			2>/dev/null || fail "openssl req failed"
		jq -n --rawfile csr "$TEST_DIR/csr/$id.pem" --arg id "$id" \
			'{csr_pem: $csr, certificate_id: $id}' >"$TEST_DIR/csr/$id.json"
	done
}

# all N submissions, 16 at a time; out/ID holds each one's status line and body
submit_all() {
	local url="http://127.0.0.1:$PORT/api/v1/agents/ag-web-prod/csr"
	# shellcheck disable=SC2016
	ls "$TEST_DIR/csr" | sed -n 's/\.json$//p' | xargs -P 16 -I{} sh -c \
		'curl -s --max-time 20 -o "$1/out/$2.body" -w "%{http_code}" -H "Authorization: Bearer $3" \
			-H "Content-Type: application/json" --data-binary "@$1/csr/$2.json" "$4" \
			>"$1/out/$2.status" || true' sh "$TEST_DIR" {} "$KEY" "$url"
}

signed_all() {
	prepare "$1"
	submit_all
	local f id serials=()
	for f in "$TEST_DIR"/out/*.status; do
		id=$(basename "$f" .status)
		[ "$(cat "$f")" = 202 ] || fail "$id: HTTP $(cat "$f"): $(cat "$TEST_DIR/out/$id.body")"
		jq -e --arg id "$id" '.status == "csr_signed" and .certificate_id == $id' \
			"$TEST_DIR/out/$id.body" >/dev/null || fail "$id: $(cat "$TEST_DIR/out/$id.body")"
		serials+=("$(jq -r .serial_number "$TEST_DIR/out/$id.body")")
	done
	[ "${#serials[@]}" = "$N" ] || fail "${#serials[@]} answers, expected $N"
	[ "$(printf '%s\n' "${serials[@]}" | sort -u | wc -l)" = "$N" ] || fail "serials repeat"
	# each stored once, with its certificate Active and its submission audited
	[ "$(db_q "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id LIKE 'cg-%'")" = "$N" ]
	[ "$(db_q "SELECT COUNT(DISTINCT certificate_id) FROM certificate_versions WHERE certificate_id LIKE 'cg-%'")" = "$N" ]
	[ "$(db_q "SELECT COUNT(*) FROM managed_certificates WHERE id LIKE 'cg-%' AND status = 'Active'")" = "$N" ]
	[ "$(db_q "SELECT COUNT(*) FROM audit_events WHERE action = 'csr_submitted' AND resource_id LIKE 'cg-%'")" = "$N" ]
	# the API audit trail goes through the same writer
	wait_for 10 api_rows_are "$N" || fail "API audit rows: $(api_rows)"
	# the API serves what was stored: one version for a certificate signed once
	api GET /api/v1/certificates/cg-01/versions
	assert_status 200
	jq -e '[.data[].serial_number] | length == 1' <<<"$HTTP_BODY" >/dev/null ||
		fail "versions of cg-01: $HTTP_BODY"
	serve_stop TERM 0
}

api_rows() {
	db_q "SELECT COUNT(*) FROM audit_events WHERE action = 'api_post' AND resource_id = '/api/v1/agents/ag-web-prod/csr'"
}

api_rows_are() { [ "$(api_rows)" = "$1" ]; }

@test "sqlite: $N concurrent CSR submissions are signed, each stored once with its audit" {
	signed_all sqlite
}

@test "postgres: $N concurrent CSR submissions are signed, each stored once with its audit" {
	pg_url
	signed_all pg
}

sigterm_mid_flight() {
	prepare "$1"
	submit_all &
	local submitter=$! f id n202=0 other=0
	sleep 0.3
	serve_stop TERM 0
	wait "$submitter"
	for f in "$TEST_DIR"/out/*.status; do
		id=$(basename "$f" .status)
		case $(cat "$f") in
		202)
			n202=$((n202 + 1))
			# answered means durable: the version with that serial is there
			local serial
			serial=$(jq -r .serial_number "$TEST_DIR/out/$id.body")
			[ "$(db_q "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id = '$id' AND serial_number = '$serial'")" = 1 ] ||
				fail "$id was answered with serial $serial but not stored"
			;;
		000 | 503) other=$((other + 1)) ;;
		*) fail "$id: HTTP $(cat "$f") during shutdown: $(cat "$TEST_DIR/out/$id.body")" ;;
		esac
	done
	echo "# $n202 signed before the stop, $other refused or cut off" >&3
	# nothing half-written: every stored version belongs to an Active certificate, once
	[ "$(db_q "SELECT COUNT(*) FROM certificate_versions v JOIN managed_certificates m ON m.id = v.certificate_id WHERE m.id LIKE 'cg-%' AND m.status <> 'Active'")" = 0 ]
	[ "$(db_q "SELECT COUNT(*) FROM (SELECT certificate_id FROM certificate_versions WHERE certificate_id LIKE 'cg-%' GROUP BY certificate_id HAVING COUNT(*) > 1) x")" = 0 ]
	[ "$(db_q "SELECT COUNT(*) FROM certificate_versions WHERE certificate_id LIKE 'cg-%'")" = "$(db_q "SELECT COUNT(*) FROM audit_events WHERE action = 'certificate_issued' AND resource_id LIKE 'cg-%'")" ]
	# and serve starts again on the same database
	serve_start "${ENGINE_ARGS[@]}"
	serve_stop TERM 0
}

@test "sqlite: SIGTERM while CSR submissions are in flight: exit 0, every answered one stored, nothing half-written" {
	sigterm_mid_flight sqlite
}

@test "postgres: SIGTERM while CSR submissions are in flight: exit 0, every answered one stored, nothing half-written" {
	pg_url
	sigterm_mid_flight pg
}
