#!/usr/bin/env bats
# t5002: API authentication of certctl serve, on SQLite and PostgreSQL: every non-public
# route wants a key, public routes answer without one, the first-run admin key, auth none,
# and per-agent keys

load helpers

KEY=t5002-admin-key-0123456789

# routes_config FILE AUTH_HEADER: a curl config running every route of `certctl __routes`
# ({name} params replaced by a dummy id), printing "STATUS METHOD PATH FLAGS" per request.
# AUTH_HEADER empty: no Authorization header.
routes_config() {
	local out=$1 auth=$2
	[ -s "$TEST_DIR/routes.txt" ] || certctl __routes >"$TEST_DIR/routes.txt"
	awk -v port="$PORT" -v auth="$auth" '
		NF < 2 { next }
		{
			m = $1; p = $2; f = (NF > 2) ? $3 (NF > 3 ? " " $4 : "") : "private"
			u = p; gsub(/\{[a-z_]+\}/, "e2e-dummy-id", u)
			if (n++) print "next"
			printf "url = \"http://127.0.0.1:%s%s\"\nrequest = \"%s\"\n", port, u, m
			print "output = \"/dev/null\"\nmax-time = 5"
			printf "write-out = \"%%{http_code} %s %s %s\\n\"\n", m, p, f
			if (auth != "") printf "header = \"Authorization: %s\"\n", auth
			if (m == "POST" || m == "PUT") {
				print "header = \"Content-Type: application/json\""
				print "data = \"{\\\"name\\\":\\\"e2e-should-not-exist\\\"}\""
			}
		}
		END { if (n < 10) exit 1 }' "$TEST_DIR/routes.txt" >"$out" ||
		fail "certctl __routes listed too few routes: $(cat "$TEST_DIR/routes.txt")"
}

# every route not marked public answers 401; public ones anything but 401 (auth/check: 401)
check_sweep() {
	local auth=$1 bad='' n=0 method path flags code
	routes_config "$TEST_DIR/routes.curl" "$auth"
	run curl -sS -K "$TEST_DIR/routes.curl"
	assert_success
	while read -r code method path flags; do
		n=$((n + 1))
		case "$path $flags" in
		"/api/v1/auth/check "*) [ "$code" = 401 ] || bad+="$method $path -> $code (want 401)"$'\n' ;;
		*public*) [ "$code" != 401 ] && [ "$code" != 000 ] && [[ $code != 5* ]] ||
			bad+="$method $path (public) -> $code"$'\n' ;;
		*) [ "$code" = 401 ] || bad+="$method $path -> $code (want 401)"$'\n' ;;
		esac
	done <<<"$output"
	[ $n -gt 10 ] || fail "only $n requests ran: $output"
	[ -z "$bad" ] || fail "routes answering without a valid key (Authorization: '${auth:-none}'):
$bad"
}

check_routes_need_key() {
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false engine_serve "$1"
	check_sweep ""
	check_sweep "Bearer not-the-key"
	check_sweep "Bearer ${KEY}x"
	# nothing was written by the refused requests
	assert_equal "$(db_q 'SELECT count(*) FROM teams')" 0

	# the public routes
	http_get /health
	assert_status 200
	http_get /ready
	assert_status 200
	http_get /api/v1/auth/info
	assert_status 200
	assert_equal "$(jq -c . <<<"$HTTP_BODY")" '{"auth_type":"api-key","required":true}'
	http_get /api/v1/auth/check
	assert_json_error 401 "Authorization header required"
	assert_equal "$(header_value WWW-Authenticate)" 'Bearer realm="certctl"'
	http_get /api/v1/auth/check -H "Authorization: Bearer wrong"
	assert_json_error 401 "Invalid API key"
	API_KEY=$KEY api GET /api/v1/auth/check
	assert_status 200
	assert_equal "$(jq -r .status <<<"$HTTP_BODY")" authenticated

	# a key is checked whole: no other scheme, no prefix, no suffix
	local h
	http_get /api/v1/teams -H "Authorization: Basic $(printf 'admin:%s' "$KEY" | base64 -w0)"
	assert_json_error 401 "Invalid Authorization header format, expected: Bearer <token>"
	assert_equal "$(header_value WWW-Authenticate)" 'Bearer realm="certctl"'
	batch_reset
	for h in "Basic $(printf 'admin:%s' "$KEY" | base64 -w0)" "Bearer" "Bearer " "Token $KEY" \
		"$KEY" "Bearer $(head -c 600 /dev/zero | tr '\0' k)"; do
		BATCH_EXTRA="header = \"Authorization: $h\"" batch_add "${h:0:20}" GET /api/v1/teams
	done
	batch_run
	batch_expect 401 "Invalid Authorization header format, expected: Bearer <token>"
	batch_reset
	for h in "Bearer ${KEY:0:10}" "Bearer ${KEY}-" "Bearer ${KEY^^}" "Bearer  x$KEY"; do
		BATCH_EXTRA="header = \"Authorization: $h\"" batch_add "$h" GET /api/v1/teams
	done
	batch_run
	batch_expect 401 "Invalid API key"
	http_get /api/v1/teams -H "Authorization: Bearer $KEY"
	assert_status 200
	serve_stop TERM 0
}

@test "sqlite: every non-public route answers 401 without a key or with a wrong one" {
	check_routes_need_key sqlite
}

@test "postgres: every non-public route answers 401 without a key or with a wrong one" {
	check_routes_need_key pg
}

check_first_run_key() {
	local key creds=$CERTCTL_DATA_DIR/credentials log=$TEST_DIR/certctl.log n
	engine_serve "$1" --log-file "$log"
	# printed once on stdout
	n=$(grep -oE 'cc_[A-Za-z0-9_-]{43}' "$TEST_DIR/serve.out" | wc -l)
	assert_equal "$n" 1
	key=$(grep -oE 'cc_[A-Za-z0-9_-]{43}' "$TEST_DIR/serve.out")
	grep -q 'shown only this once' "$TEST_DIR/serve.out"
	grep -qF "$creds" "$TEST_DIR/serve.out"
	# the credentials file: mode 0600, holds the key
	assert_file_exist "$creds"
	assert_equal "$(stat -c %a "$creds")" 600
	grep -qxF "CERTCTL_API_KEY=$key" "$creds" || fail "no key line in $creds: $(cat "$creds")"
	cp "$creds" "$TEST_DIR/credentials.first"
	# the key works
	API_KEY=$key api GET /api/v1/teams
	assert_status 200
	API_KEY=$key api GET /api/v1/auth/check
	assert_status 200
	assert_equal "$(jq -r .role <<<"$HTTP_BODY")" admin
	# the database holds its hash only
	assert_equal "$(db_q "SELECT count(*) FROM api_keys WHERE role = 'admin' AND key_hash = '$(printf %s "$key" | sha256sum | cut -c1-64)'")" 1
	if [ "$ENGINE" = sqlite ]; then
		run grep -c -F "$key" "$CERTCTL_DATA_DIR/certctl.db"
		assert_output 0
	fi
	serve_stop TERM 0
	# neither the log file nor stderr has it
	grep -q 'listening' "$log" || fail "nothing logged in $log"
	grep -q 'first admin API key' "$log"
	run grep -F "$key" "$log" "$TEST_DIR/serve.log"
	assert_failure 1

	# a restart prints no new key and keeps the file; the key still works
	engine_args
	serve_start "${ENGINE_ARGS[@]}"
	run grep -E 'cc_[A-Za-z0-9_-]{43}|first admin' "$TEST_DIR/serve.out"
	assert_failure 1
	cmp "$creds" "$TEST_DIR/credentials.first" || fail "the restart rewrote $creds"
	API_KEY=$key api GET /api/v1/teams
	assert_status 200
	assert_equal "$(db_q "SELECT count(*) FROM api_keys WHERE role = 'admin'")" 1
	serve_stop TERM 0
	run grep -F "$key" "$TEST_DIR/serve.log" "$log"
	assert_failure 1
}

@test "sqlite: first run without CERTCTL_AUTH_SECRET prints the admin key once and saves it 0600" {
	check_first_run_key sqlite
}

@test "postgres: first run without CERTCTL_AUTH_SECRET prints the admin key once and saves it 0600" {
	check_first_run_key pg
}

check_auth_none() {
	CERTCTL_AUTH_TYPE=none engine_serve "$1"
	api GET /api/v1/teams
	assert_status 200
	api_json POST /api/v1/teams '{"name":"open-team"}'
	assert_status 201
	api GET /api/v1/teams/"$(jq -r .id <<<"$HTTP_BODY")"
	assert_status 200
	api GET /api/v1/agents -H 'Authorization: Bearer anything'
	assert_status 200
	http_get /api/v1/auth/info
	assert_equal "$(jq -c . <<<"$HTTP_BODY")" '{"auth_type":"none","required":false}'
	# no key is made, a warning says why
	assert_not_exist "$CERTCTL_DATA_DIR/credentials"
	run grep -E 'cc_[A-Za-z0-9_-]{43}' "$TEST_DIR/serve.out"
	assert_failure 1
	run grep -E 'warn.*CERTCTL_AUTH_TYPE=none' "$TEST_DIR/serve.log"
	assert_success
	serve_stop TERM 0
}

@test "sqlite: CERTCTL_AUTH_TYPE=none lets requests through without a key and warns" {
	check_auth_none sqlite
}

@test "postgres: CERTCTL_AUTH_TYPE=none lets requests through without a key and warns" {
	check_auth_none pg
}

check_agent_keys() {
	local a1 a2 k1 k2
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY api_json POST /api/v1/agents '{"name":"agent-one","hostname":"one.example"}'
	assert_status 201
	a1=$(jq -r .id <<<"$HTTP_BODY")
	k1=$(jq -r .api_key <<<"$HTTP_BODY")
	API_KEY=$KEY api_json POST /api/v1/agents '{"name":"agent-two","hostname":"two.example"}'
	assert_status 201
	a2=$(jq -r .id <<<"$HTTP_BODY")
	k2=$(jq -r .api_key <<<"$HTTP_BODY")
	[[ $k1 == cc_* && $k2 == cc_* && $k1 != "$k2" ]] || fail "agent keys: '$k1' '$k2'"
	# returned once: not by GET, not stored in clear
	API_KEY=$KEY api GET "/api/v1/agents/$a1"
	assert_status 200
	assert_equal "$(jq 'has("api_key")' <<<"$HTTP_BODY")" false
	[[ $HTTP_BODY != *"$k1"* ]] || fail "GET shows the agent key: $HTTP_BODY"
	assert_equal "$(db_q "SELECT count(*) FROM api_keys WHERE key_hash = '$(printf %s "$k1" | sha256sum | cut -c1-64)' AND agent_id = '$a1'")" 1

	# its own agent: yes
	API_KEY=$k1 api_json POST "/api/v1/agents/$a1/heartbeat" '{}'
	assert_status 200
	API_KEY=$k1 api GET "/api/v1/agents/$a1"
	assert_status 200
	API_KEY=$k1 api GET /api/v1/auth/check
	assert_status 200
	assert_equal "$(jq -r .role <<<"$HTTP_BODY")" agent
	API_KEY=$k2 api_json POST "/api/v1/agents/$a2/heartbeat" '{}'
	assert_status 200
	# another agent, or admin routes: 403
	API_KEY=$k1 api_json POST "/api/v1/agents/$a2/heartbeat" '{}'
	assert_json_error 403
	API_KEY=$k1 api GET "/api/v1/agents/$a2"
	assert_json_error 403
	API_KEY=$k1 api GET /api/v1/teams
	assert_json_error 403
	API_KEY=$k1 api_json POST /api/v1/teams '{"name":"agent-made"}'
	assert_json_error 403
	API_KEY=$k1 api GET /api/v1/agents
	assert_json_error 403
	assert_equal "$(db_q 'SELECT count(*) FROM teams')" 0
	serve_stop TERM 0
}

@test "sqlite: an agent key acts for its own agent only (403 on another agent and on admin routes)" {
	check_agent_keys sqlite
}

@test "postgres: an agent key acts for its own agent only (403 on another agent and on admin routes)" {
	check_agent_keys pg
}

# the time of a rejection must not tell how much of a key's hash matched: every comparison
# of hashes in the authentication goes through cc_memeq_ct, whose time test-core checks
@test "API key hashes are compared in constant time (cc_memeq_ct), never with strcmp or memcmp" {
	local src="$BATS_TEST_DIRNAME/../../daemon/auth.c"
	[ -f "$src" ] || skip "no source tree beside the tests"
	run grep -nE '(str(n)?cmp|memcmp|strcasecmp)\([^)]*hash' "$src"
	assert_failure
	[ "$(grep -c 'cc_memeq_ct(' "$src")" -ge 2 ] ||
		fail "the configured keys and the key cache must both compare with cc_memeq_ct"
}
