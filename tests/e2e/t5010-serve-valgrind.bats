#!/usr/bin/env bats
# t5010: certctl serve under valgrind's memcheck through a day in its life — issuance by the
# job processor with a server-made key, an agent's CSR signed, exports, a revocation, the CRLs and OCSP, a bulk
# revocation, an import, lists with filters and a run of hostile input — then SIGTERM: no
# invalid read or write, no uninitialised value used, nothing definitely or indirectly lost.

load helpers

KEY=t5010-key

setup() {
	common_setup
	command -v valgrind >/dev/null || fail "valgrind is missing (scripts/install-deps installs it)"
}

has_version() {
	api GET "/api/v1/certificates/$1/versions"
	[ "$(jq -r '.data | length' <<<"$HTTP_BODY")" -ge 1 ]
}

# vg_stop: SIGTERM, then up to 120 s for valgrind to finish its leak check; sets SERVE_STATUS
vg_stop() {
	local i
	kill -TERM "$SERVE_PID"
	for ((i = 0; i < 1200; i++)); do
		pid_alive "$SERVE_PID" || break
		sleep 0.1
	done
	pid_alive "$SERVE_PID" && fail "serve under valgrind did not exit within 120 s of SIGTERM"
	wait "$SERVE_PID" && SERVE_STATUS=0 || SERVE_STATUS=$?
	SERVE_PID=
}

vg_flow() {
	ENGINE=$1
	if [ "$ENGINE" = pg ]; then fresh_pg_db >/dev/null; fi
	engine_args
	export CERTCTL_AUTH_SECRET=$KEY CERTCTL_KEYGEN_MODE=server CERTCTL_RATE_LIMIT_ENABLED=false
	export CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=1s CERTCTL_MAX_BODY_SIZE=65536
	API_KEY=$KEY
	certctl db seed --demo "${ENGINE_ARGS[@]}" >/dev/null || fail "db seed --demo failed"
	# valgrind starts slowly: daemon_start waits 10 s for /health, so give it its own loop
	_closefds_exec valgrind --quiet --suppressions="$BATS_TEST_DIRNAME/lib/valgrind.supp" \
		--leak-check=full --show-leak-kinds=definite,indirect \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		--log-file="$TEST_DIR/vg.log" certctl serve --port "$PORT" "${ENGINE_ARGS[@]}" \
		</dev/null >"$TEST_DIR/serve.out" 2>"$TEST_DIR/serve.log" &
	SERVE_PID=$!
	wait_for 60 curl -fs --max-time 2 -o /dev/null "http://127.0.0.1:$PORT/health" ||
		fail "serve under valgrind did not answer: $(cat "$TEST_DIR/serve.log" "$TEST_DIR/vg.log")"

	# issuance through the job processor, a key made by the server
	local c
	for c in vg1 vg2 vg3; do
		api_json POST /api/v1/certificates "{\"id\":\"$c\",\"name\":\"$c\",\"common_name\":\"$c.example.com\",\"sans\":[\"$c.example.com\"],\"owner_id\":\"o-alice\",\"team_id\":\"t-platform\",\"issuer_id\":\"iss-local\",\"renewal_policy_id\":\"rp-default\"}"
		assert_status 201
		api POST "/api/v1/certificates/$c/renew"
		assert_status 202
	done
	for c in vg1 vg2 vg3; do
		wait_for 60 has_version "$c" || fail "$c not issued: $(tail -5 "$TEST_DIR/serve.log")"
	done
	# an agent's CSR, signed and recorded through the group-commit writer, and a refused one
	api_json POST /api/v1/certificates '{"id":"vg4","name":"vg4","common_name":"vg4.example.com","sans":["vg4.example.com"],"owner_id":"o-alice","team_id":"t-platform","issuer_id":"iss-local","renewal_policy_id":"rp-default"}'
	assert_status 201
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=vg4.example.com \
		-keyout "$TEST_DIR/vg4.key" -out "$TEST_DIR/vg4.csr" 2>/dev/null
	local agent
	api GET '/api/v1/agents?per_page=1'
	agent=$(jq -r '.data[0].id' <<<"$HTTP_BODY")
	api_json POST "/api/v1/agents/$agent/csr" \
		"$(jq -n --rawfile csr "$TEST_DIR/vg4.csr" '{csr_pem: $csr, certificate_id: "vg4"}')"
	assert_status 202
	jq -e '.status == "csr_signed"' <<<"$HTTP_BODY" >/dev/null || fail "not signed: $HTTP_BODY"
	api_json POST "/api/v1/agents/$agent/csr" '{"csr_pem":"garbage","certificate_id":"vg4"}'
	assert_status 400
	api GET /api/v1/certificates/vg1/export/pem
	assert_status 200
	jq -r .cert_pem <<<"$HTTP_BODY" >"$TEST_DIR/vg1.pem"
	api_json POST /api/v1/certificates/vg1/export/pkcs12 '{"password":"pw"}'
	assert_status 200
	# a revocation, the CRLs and OCSP (by serial, and a garbage request)
	api_json POST /api/v1/certificates/vg1/revoke '{"reason":"keyCompromise"}'
	assert_status 200
	http_get /api/v1/crl/iss-local
	assert_equal "$HTTP_STATUS" 200
	http_get /api/v1/crl
	assert_equal "$HTTP_STATUS" 200
	local serial
	serial=$(openssl x509 -in "$TEST_DIR/vg1.pem" -noout -serial | cut -d= -f2)
	http_get "/api/v1/ocsp/iss-local/$serial"
	assert_equal "$HTTP_STATUS" 200
	http_get /api/v1/ocsp/iss-local/bm90IGEgcmVxdWVzdA==
	assert_equal "$HTTP_STATUS" 200
	# a bulk revocation, dry run and real
	api_json POST /api/v1/certificates/bulk-revoke '{"certificate_ids":["vg2","vg3","nope"],"dry_run":true}'
	assert_status 200
	api_json POST /api/v1/certificates/bulk-revoke '{"certificate_ids":["vg2","vg3","nope"],"reason":"superseded"}'
	assert_status 200
	# an import with a corrupt entry, lists with filters and paging
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj /CN=imp.example.com -addext basicConstraints=critical,CA:FALSE \
		-keyout "$TEST_DIR/k.pem" -out "$TEST_DIR/imp.pem" 2>/dev/null
	certctl import --server "http://127.0.0.1:$PORT" --api-key "$KEY" --owner o-alice \
		--team t-platform --issuer iss-local "$TEST_DIR/imp.pem" >/dev/null ||
		fail "import failed"
	api GET '/api/v1/certificates?status=Revoked&per_page=2&sort=-created_at'
	assert_status 200
	api GET '/api/v1/jobs?per_page=5'
	assert_status 200
	api GET /api/v1/stats/summary
	assert_status 200
	api GET /api/v1/metrics/prometheus
	assert_status 200
	# hostile input: each refused with a 4xx and a message
	api_json POST /api/v1/teams '{"name":'
	assert_status 400
	api_json POST /api/v1/certificates '{"id":"x","name":"x","sans":"not a list"}'
	assert_status 400
	api GET '/api/v1/certificates/..%2f..%2fetc%2fpasswd'
	assert_status 404
	api_json POST /api/v1/certificates/bulk-revoke '{}'
	assert_status 400
	head -c 70000 /dev/zero | tr '\0' a >"$TEST_DIR/big"
	api POST /api/v1/teams -H 'Content-Type: application/json' --data-binary "@$TEST_DIR/big"
	assert_status 413
	api_json POST /api/v1/certificates/import '{"certificates":[{"pem":"-----BEGIN CERTIFICATE-----\nMIIB////\n-----END CERTIFICATE-----\n","source":"bad.pem"}],"owner_id":"o-alice","team_id":"t-platform","issuer_id":"iss-local","renewal_policy_id":"rp-default"}'
	[ "${HTTP_STATUS:0:1}" = 2 ] || [ "${HTTP_STATUS:0:1}" = 4 ] || fail "import of garbage: $HTTP_STATUS $HTTP_BODY"
	http_get /api/v1/teams -H 'Authorization: Bearer wrong'
	assert_equal "$HTTP_STATUS" 401

	vg_stop
	[ "$SERVE_STATUS" = 0 ] || fail "serve under valgrind exited $SERVE_STATUS:
$(head -80 "$TEST_DIR/vg.log")"
	! grep -E 'Invalid (read|write|free)|uninitialised|definitely lost|indirectly lost' "$TEST_DIR/vg.log" ||
		fail "valgrind: $(head -80 "$TEST_DIR/vg.log")"
}

@test "sqlite: serve under valgrind, a day's work and hostile input, then SIGTERM — no memory error, no leak" {
	vg_flow sqlite
}

@test "postgres: serve under valgrind, a day's work and hostile input, then SIGTERM — no memory error, no leak" {
	vg_flow pg
}
