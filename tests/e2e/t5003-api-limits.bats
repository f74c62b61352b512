#!/usr/bin/env bats
# t5003: request body limit (413, with Content-Length and chunked) and per-client rate
# limiting (429 + Retry-After), on SQLite and PostgreSQL

load helpers

KEY=t5003-key-one
KEY2=t5003-key-two

# team_body FILE SIZE NAME: a JSON team of exactly SIZE bytes (padded with blanks) that
# creates team NAME when accepted
team_body() {
	local file=$1 size=$2 head="{\"name\":\"$3\""
	local pad=$((size - ${#head} - 1))
	[ "$pad" -ge 0 ] || fail "team_body: $size bytes is too small"
	{
		printf '%s' "$head"
		head -c "$pad" /dev/zero | tr '\0' ' '
		printf '}'
	} >"$file"
	assert_equal "$(stat -c %s "$file")" "$size"
}

teams_count() {
	db_q 'SELECT count(*) FROM teams'
}

check_body_limit() {
	local max=1024 n
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_MAX_BODY_SIZE=$max engine_serve "$1"
	API_KEY=$KEY

	# exactly the limit: accepted, with Content-Length and chunked
	team_body "$TEST_DIR/at.json" $max at-limit
	api POST /api/v1/teams -H 'Content-Type: application/json' --data-binary @"$TEST_DIR/at.json"
	assert_status 201
	team_body "$TEST_DIR/at2.json" $max at-limit-chunked
	api POST /api/v1/teams -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$TEST_DIR/at2.json"
	assert_status 201
	n=$(teams_count)
	assert_equal "$n" 2

	# one byte more: 413, JSON, nothing written
	team_body "$TEST_DIR/over.json" $((max + 1)) over-limit
	api POST /api/v1/teams -H 'Content-Type: application/json' --data-binary @"$TEST_DIR/over.json"
	assert_json_error 413 CERTCTL_MAX_BODY_SIZE
	[[ $(header_value Content-Type) == application/json* ]] ||
		fail "413 without a JSON content type: $HTTP_HEADERS"
	assert_equal "$(teams_count)" "$n"

	team_body "$TEST_DIR/over2.json" $((max + 1)) over-limit-chunked
	api POST /api/v1/teams -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$TEST_DIR/over2.json"
	assert_json_error 413 CERTCTL_MAX_BODY_SIZE
	assert_equal "$(teams_count)" "$n"

	# on PUT too, and far over the limit
	api PUT "/api/v1/teams/whatever" -H 'Content-Type: application/json' \
		--data-binary @"$TEST_DIR/over.json"
	assert_json_error 413
	team_body "$TEST_DIR/huge.json" $((4 * 1024 * 1024)) huge
	api POST /api/v1/teams -H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' \
		--data-binary @"$TEST_DIR/huge.json"
	assert_json_error 413
	assert_equal "$(teams_count)" "$n"
	assert_equal "$(db_q "SELECT count(*) FROM teams WHERE name LIKE 'over%' OR name = 'huge'")" 0

	# still serving
	api GET /api/v1/teams
	assert_status 200
	assert_equal "$(jq .total <<<"$HTTP_BODY")" "$n"
	serve_stop TERM 0
}

@test "sqlite: a body of CERTCTL_MAX_BODY_SIZE+1 bytes gets 413 and writes nothing (also chunked)" {
	check_body_limit sqlite
}

@test "postgres: a body of CERTCTL_MAX_BODY_SIZE+1 bytes gets 413 and writes nothing (also chunked)" {
	check_body_limit pg
}

# burst KEY N: N quick GETs on one connection with KEY; prints one status per line
burst() {
	curl -sS --max-time 10 -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $1" \
		"http://127.0.0.1:$PORT/api/v1/teams?n=[1-$2]"
}

start_limited() {
	CERTCTL_AUTH_SECRET=$KEY,$KEY2 CERTCTL_RATE_LIMIT_RPS=5 CERTCTL_RATE_LIMIT_BURST=10 \
		engine_serve "$1"
}

check_rate_limit() {
	local codes retry
	start_limited "$1"
	# one curl: 10 GETs, an 11th GET (headers kept) and a POST, all within the burst
	batch_reset
	API_KEY=$KEY
	for i in $(seq 10); do batch_add "GET $i" GET "/api/v1/teams?n=$i"; done
	BATCH_EXTRA="dump-header = \"$TEST_DIR/11.headers\"" batch_add "GET 11" GET "/api/v1/teams?n=11"
	batch_add "POST" POST /api/v1/teams '{"name":"refused"}'
	batch_run
	assert_equal "${BATCH_CODE[*]}" "200 200 200 200 200 200 200 200 200 200 429 429"
	assert_equal "${BATCH_MSG[10]}" "rate limit exceeded; retry later"
	assert_equal "$(jq -r .error "$BATCH_DIR/10.out")" "Rate limit exceeded"
	HTTP_HEADERS=$(tr -d '\r' <"$TEST_DIR/11.headers")
	[[ $(header_value Content-Type) == application/json* ]] || fail "429 not JSON: $HTTP_HEADERS"
	retry=$(header_value Retry-After)
	[[ $retry =~ ^[0-9]+$ ]] && [ "$retry" -ge 1 ] || fail "Retry-After '$retry' is not an integer >= 1"
	[ "$retry" -le 2 ] || fail "Retry-After $retry s at 5 requests/s"
	# nothing was done for the refused request
	assert_equal "$(db_q "SELECT count(*) FROM teams WHERE name = 'refused'")" 0
	# after Retry-After, the bucket has refilled
	sleep "$retry"
	API_KEY=$KEY api GET /api/v1/teams
	assert_status 200
	serve_stop TERM 0
}

@test "sqlite: with RPS=5 BURST=10 the 11th quick request gets 429 with Retry-After" {
	check_rate_limit sqlite
}

@test "postgres: with RPS=5 BURST=10 the 11th quick request gets 429 with Retry-After" {
	check_rate_limit pg
}

check_per_key_buckets() {
	local codes
	start_limited "$1"
	codes=$(burst $KEY 11 | tr '\n' ' ')
	assert_equal "$codes" "200 200 200 200 200 200 200 200 200 200 429 "
	# the second configured key has a bucket of its own
	API_KEY=$KEY2 api GET /api/v1/teams
	assert_status 200
	codes=$(burst $KEY2 9 | sort -u | tr '\n' ' ')
	assert_equal "$codes" "200 "
	serve_stop TERM 0
}

@test "sqlite: rate limit buckets are per client: a second API key still gets 200" {
	check_per_key_buckets sqlite
}

@test "postgres: rate limit buckets are per client: a second API key still gets 200" {
	check_per_key_buckets pg
}

check_rate_limit_off() {
	local codes
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false CERTCTL_RATE_LIMIT_RPS=1 \
		CERTCTL_RATE_LIMIT_BURST=1 engine_serve "$1"
	run burst $KEY 200
	assert_success
	assert_equal "${#lines[@]}" 200
	codes=$(printf '%s\n' "${lines[@]}" | sort | uniq -c | awk '{print $2 ":" $1}' | tr '\n' ' ')
	assert_equal "$codes" "200:200 "
	serve_stop TERM 0
}

@test "sqlite: CERTCTL_RATE_LIMIT_ENABLED=false: no 429 after 200 quick requests" {
	check_rate_limit_off sqlite
}

@test "postgres: CERTCTL_RATE_LIMIT_ENABLED=false: no 429 after 200 quick requests" {
	check_rate_limit_off pg
}
