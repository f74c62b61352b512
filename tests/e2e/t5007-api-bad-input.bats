#!/usr/bin/env bats
# t5007: hostile and malformed input to the REST API: bad JSON bodies, metacharacters,
# bad and unknown ids, oversized headers and URLs; 4xx with a JSON error, never 5xx,
# nothing written; on SQLite and PostgreSQL

load helpers

KEY=t5007-key
ENDPOINTS="teams owners certificates issuers targets agents"
TABLES="teams owners managed_certificates issuers deployment_targets agents api_keys"

start_server() {
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_RATE_LIMIT_ENABLED=false engine_serve "$1"
	API_KEY=$KEY
}

# row_counts: "table=count ..." of the tables the create endpoints write
row_counts() {
	local t sql=
	for t in $TABLES; do
		sql+="${sql:+ || ' ' || }'$t=' || (SELECT count(*) FROM $t)"
	done
	db_q "SELECT $sql"
}

# the bad bodies: NAME|EXPECTED WORD IN THE MESSAGE|BODY
bad_bodies() {
	cat <<-'EOF'
		truncated|malformed JSON|{"name":
		garbage|malformed JSON|name=x&hostname=y
		array|JSON object|[{"name":"x","hostname":"h"}]
		string|JSON|"name"
		null|JSON|null
		empty|body|
		name-number|name|{"name":5}
		name-object|name|{"name":{"first":"x"}}
		name-array|name|{"name":["x"]}
		name-bool|name|{"name":true}
		unknown-field|bogus_field|{"name":"x","bogus_field":1}
		missing|required|{}
		duplicate-key|duplicate|{"name":"x","name":"y"}
		nul-in-string|JSON|{"name":"a\u0000b"}
		huge-number|JSON|{"name":1e999}
		utf8|JSON|{"name":"a\xff\xfeb"}
		deep|JSON|DEEP
	EOF
}

check_bad_bodies() {
	local before ep name word body n bad='' deep
	start_server "$1"
	before=$(row_counts)
	deep=$("$E2E_PYTHON" -S -c 'print("{\"name\":" + "[" * 100000 + "]" * 100000 + "}")')
	local -a want=()
	batch_reset
	for ep in $ENDPOINTS; do
		while IFS='|' read -r name word body; do
			case $name in
			utf8) body=$(printf '{"name":"a\xff\xfeb"}') ;;
			deep) body=$deep ;;
			esac
			want[BATCH_N]=$word
			batch_add "POST /api/v1/$ep ($name)" POST "/api/v1/$ep" "$body"
		done < <(bad_bodies)
	done
	batch_run
	for ((n = 0; n < BATCH_N; n++)); do
		[[ ${BATCH_CODE[n]} == 4[0-9][0-9] ]] || bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}"$'\n'
		[[ ${BATCH_MSG[n]} == *"${want[n]}"* && ${BATCH_MSG[n]} != "NOT JSON: "* ]] ||
			bad+="${BATCH_LABEL[n]}: message '${BATCH_MSG[n]}' does not name '${want[n]}'"$'\n'
	done
	[ -z "$bad" ] || fail "$bad"
	assert_equal "$(row_counts)" "$before"
	http_get /health
	assert_status 200
	serve_stop TERM 0
}

@test "sqlite: malformed, mistyped and incomplete bodies on the create endpoints: 4xx naming the problem" {
	check_bad_bodies sqlite
}

@test "postgres: malformed, mistyped and incomplete bodies on the create endpoints: 4xx naming the problem" {
	check_bad_bodies pg
}

# json_str S: S as a JSON string
json_str() {
	local s=$1
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\n'/\\n}
	s=${s//$'\t'/\\t}
	printf '"%s"' "$s"
}

# urlencode S: S percent-encoded (bytes)
urlencode() {
	local LC_ALL=C s=$1 out='' c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9._~-]) out+=$c ;;
		*) printf -v c '%%%02X' "'$c" && out+=$c ;;
		esac
	done
	printf '%s' "$out"
}

METAS=("'; DROP TABLE teams; --" '$(reboot)' '`reboot`' "\\\"; SELECT pg_sleep(5); --"
	$'<x>%s%n\n\t|')

check_metacharacters() {
	local k m n bad='' fails
	local -a agent=() get=()
	start_server "$1"
	db_q "INSERT INTO renewal_policies (id, name, renewal_window_days) VALUES ('rp-e2e', 'e2e', 30)"
	# agents first: the server names them
	batch_reset
	for k in "${!METAS[@]}"; do
		m=$(json_str "${METAS[k]}")
		batch_add "agent $k" POST /api/v1/agents "{\"name\":$(json_str "agent ${METAS[k]}"),\"hostname\":$m}"
	done
	batch_run
	for k in "${!METAS[@]}"; do
		agent[k]=
		if [ "${BATCH_CODE[k]}" = 201 ]; then
			[[ $(<"$BATCH_DIR/$k.out") =~ \"id\":\"([^\"]+)\" ]] || fail "agent $k: no id"
			agent[k]=${BASH_REMATCH[1]}
			get+=("agents/${agent[k]}|$BATCH_DIR/$k.in")
		fi
	done
	cp -r "$BATCH_DIR" "$TEST_DIR/agents"
	get=("${get[@]//$BATCH_DIR/$TEST_DIR/agents}")

	# then everything else, with ids of our own, in the order of their references
	batch_reset
	for k in "${!METAS[@]}"; do
		m=$(json_str "${METAS[k]}")
		batch_add "team $k" POST /api/v1/teams \
			"{\"id\":\"mt-$k\",\"name\":$(json_str "team ${METAS[k]}"),\"description\":$m}"
		batch_add "owner $k" POST /api/v1/owners \
			"{\"id\":\"mo-$k\",\"name\":$m,\"email\":\"owner@example.com\",\"team_id\":\"mt-$k\"}"
		batch_add "issuer $k" POST /api/v1/issuers \
			"{\"id\":\"mi-$k\",\"name\":$(json_str "issuer ${METAS[k]}"),\"type\":\"local\"}"
		[ -z "${agent[k]}" ] || batch_add "target $k" POST /api/v1/targets \
			"{\"id\":\"mg-$k\",\"name\":$(json_str "target ${METAS[k]}"),\"type\":\"NGINX\",\"agent_id\":\"${agent[k]}\"}"
		batch_add "certificate $k" POST /api/v1/certificates \
			"{\"id\":\"mc-$k\",\"name\":$(json_str "cert ${METAS[k]}"),\"common_name\":\"www.example.com\",\"environment\":$m,\"owner_id\":\"mo-$k\",\"team_id\":\"mt-$k\",\"issuer_id\":\"mi-$k\",\"renewal_policy_id\":\"rp-e2e\"}"
		# as a host name it is refused
		batch_add "bad-cn $k" POST /api/v1/certificates \
			"{\"id\":\"mx-$k\",\"name\":\"cn $k\",\"common_name\":$m,\"owner_id\":\"mo-$k\",\"team_id\":\"mt-$k\",\"issuer_id\":\"mi-$k\",\"renewal_policy_id\":\"rp-e2e\"}"
	done
	batch_run
	for ((n = 0; n < BATCH_N; n++)); do
		case "${BATCH_LABEL[n]} ${BATCH_CODE[n]}" in
		"bad-cn "*" 4"??) ;;
		"bad-cn "*) bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}, want 4xx"$'\n' ;;
		"team "*" 201") get+=("teams/mt-${BATCH_LABEL[n]#team }|$BATCH_DIR/$n.in") ;;
		"team "*) bad+="${BATCH_LABEL[n]} refused: ${BATCH_MSG[n]}"$'\n' ;;
		*" 201")
			[[ $(<"$BATCH_DIR/$n.in") =~ \"id\":\"([^\"]+)\" ]]
			case ${BATCH_LABEL[n]} in
			owner*) get+=("owners/${BASH_REMATCH[1]}|$BATCH_DIR/$n.in") ;;
			issuer*) get+=("issuers/${BASH_REMATCH[1]}|$BATCH_DIR/$n.in") ;;
			target*) get+=("targets/${BASH_REMATCH[1]}|$BATCH_DIR/$n.in") ;;
			certificate*) get+=("certificates/${BASH_REMATCH[1]}|$BATCH_DIR/$n.in") ;;
			esac
			;;
		*" 4"??) [[ -n ${BATCH_MSG[n]} && ${BATCH_MSG[n]} != "NOT JSON"* ]] ||
			bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]} without a JSON error"$'\n' ;;
		*) bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}: ${BATCH_MSG[n]}"$'\n' ;;
		esac
	done
	[ -z "$bad" ] || fail "$bad"
	[ "${#get[@]}" -ge 20 ] || fail "only ${#get[@]} of the metacharacter creates were accepted"
	cp -r "$BATCH_DIR" "$TEST_DIR/creates"
	get=("${get[@]//$BATCH_DIR/$TEST_DIR/creates}")

	# read back: every string sent comes back unchanged
	batch_reset
	local -a pairs=()
	for n in "${!get[@]}"; do
		batch_add "GET ${get[n]%%|*}" GET "/api/v1/${get[n]%%|*}"
		pairs+=("${get[n]#*|}" "$BATCH_DIR/$n.out")
	done
	# filters and path ids made of them
	for k in "${!METAS[@]}"; do
		batch_add "filter $k" GET "/api/v1/teams?name=$(urlencode "team ${METAS[k]}")&fields=id"
		batch_add "path $k" GET "/api/v1/teams/$(urlencode "${METAS[k]}")"
	done
	batch_run
	for ((n = 0; n < BATCH_N; n++)); do
		case ${BATCH_LABEL[n]} in
		GET*) [ "${BATCH_CODE[n]}" = 200 ] || bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]}"$'\n' ;;
		"filter "*)
			[ "$(<"$BATCH_DIR/$n.out")" = "{\"data\":[{\"id\":\"mt-${BATCH_LABEL[n]#filter }\"}],\"total\":1,\"page\":1,\"per_page\":50}" ] ||
				bad+="${BATCH_LABEL[n]}: $(<"$BATCH_DIR/$n.out")"$'\n' ;;
		"path "*) [[ ${BATCH_CODE[n]} == 4?? && ${BATCH_MSG[n]} != "NOT JSON"* ]] ||
			bad+="${BATCH_LABEL[n]}: HTTP ${BATCH_CODE[n]} ${BATCH_MSG[n]}"$'\n' ;;
		esac
	done
	[ -z "$bad" ] || fail "$bad"
	# pairs of (sent, read back): every string field but the type alias must match
	fails=$(jq -n -r '[inputs] | [range(0; length; 2) as $i | {sent: .[$i], got: .[$i + 1]}]
		| .[] | . as $p | $p.sent | to_entries[]
		| select((.value | type) == "string" and .key != "type" and $p.got[.key] != .value)
		| "\(.key): sent \(.value | tojson), got \($p.got[.key] | tojson)"' "${pairs[@]}") ||
		fail "jq failed on the read-back"
	[ -z "$fails" ] || fail "values changed on the way: $fails"

	# every table is still there, with the rows made
	assert_equal "$(db_q "SELECT (SELECT count(*) FROM teams) || ' ' || (SELECT count(*) FROM teams WHERE name = 'team ''; DROP TABLE teams; --')")" "5 1"
	http_get /health
	assert_status 200
	serve_stop TERM 0
}

@test "sqlite: SQL and shell metacharacters in values are stored and returned unchanged, or refused with 4xx" {
	check_metacharacters sqlite
}

@test "postgres: SQL and shell metacharacters in values are stored and returned unchanged, or refused with 4xx" {
	check_metacharacters pg
}

check_ids() {
	local before ep id path
	start_server "$1"
	before=$(row_counts)
	batch_reset
	# ids chosen by the client must be safe
	for ep in teams owners certificates issuers targets; do
		for id in '../x' '../../etc/passwd' 'a b' ' ' 'x/y' '.hidden' '-x' 'a;b' 'a\\b' \
			"$(head -c 200 /dev/zero | tr '\0' a)"; do
			batch_add "POST /api/v1/$ep id '$id'" POST "/api/v1/$ep" "{\"id\":\"$id\",\"name\":\"n\"}"
		done
	done
	batch_run
	batch_expect 400 id
	assert_equal "$(row_counts)" "$before"

	# unsafe ids in the path: refused or not found, never found or 5xx
	batch_reset
	for path in 'a%20b' '..%2F..%2Fetc%2Fpasswd' '..%2Fx' '%2E%2E' 'x%00y' 'x%2Fy' '%27%3B--' \
		"$(head -c 300 /dev/zero | tr '\0' a)"; do
		batch_add "GET $path" GET "/api/v1/teams/$path"
		batch_add "PUT $path" PUT "/api/v1/teams/$path" '{"name":"renamed"}'
		batch_add "DELETE $path" DELETE "/api/v1/teams/$path"
	done
	batch_run
	batch_expect 4xx
	api GET /api/v1/teams/../teams --path-as-is
	assert_json_error 4xx

	# unknown ids: 404 naming the id
	batch_reset
	for ep in $ENDPOINTS; do
		batch_add "GET /api/v1/$ep/no-such-id-5007" GET "/api/v1/$ep/no-such-id-5007"
	done
	for ep in teams owners certificates issuers targets; do
		batch_add "PUT /api/v1/$ep/no-such-id-5007" PUT "/api/v1/$ep/no-such-id-5007" '{"name":"x"}'
		batch_add "DELETE /api/v1/$ep/no-such-id-5007" DELETE "/api/v1/$ep/no-such-id-5007"
	done
	batch_run
	batch_expect 404 no-such-id-5007
	assert_equal "$(row_counts)" "$before"
	serve_stop TERM 0
}

@test "sqlite: unsafe ids get 400, unknown ids 404 on GET, PUT and DELETE" {
	check_ids sqlite
}

@test "postgres: unsafe ids get 400, unknown ids 404 on GET, PUT and DELETE" {
	check_ids pg
}

# raw_request N: a GET with an N-byte header over a raw socket; prints the status line
raw_request() {
	"$E2E_PYTHON" -S -I -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
try:
    s.sendall(b"GET /api/v1/teams HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
              sys.argv[3].encode() + b"\r\nX-Big: " + b"a" * int(sys.argv[2]) + b"\r\n\r\n")
except OSError:
    pass
data = b""
try:
    while b"\r\n" not in data:
        d = s.recv(4096)
        if not d:
            break
        data += d
except OSError:
    pass
print(data.split(b"\r\n")[0].decode("latin-1") if data else "no answer")' "$PORT" "$1" "$KEY"
}

check_oversized() {
	local long
	start_server "$1"
	run raw_request $((2 * 1024 * 1024))
	assert_success
	[[ $output =~ ^HTTP/1\.[01]\ 4[0-9][0-9] ]] || fail "a 2 MB header got: $output"
	run raw_request 100000
	[[ $output =~ ^HTTP/1\.[01]\ 4[0-9][0-9] ]] || fail "a 100 kB header got: $output"
	http_get /health
	assert_status 200
	# a 10 kB URL: in the path, and in the query
	long=$(head -c 10240 /dev/zero | tr '\0' u)
	api GET "/api/v1/teams/$long"
	assert_json_error 4xx
	api GET "/api/v1/$long"
	assert_json_error 4xx
	api GET "/api/v1/teams?name=$long"
	[[ $HTTP_STATUS == [24]?? ]] || fail "a 10 kB query: HTTP $HTTP_STATUS"
	api GET "/api/v1/teams?$(for i in $(seq 200); do printf 'p%d=%d&' "$i" "$i"; done)"
	[[ $HTTP_STATUS == [24]?? ]] || fail "200 query parameters: HTTP $HTTP_STATUS"
	# many headers
	local hdrs=() i
	for i in $(seq 300); do hdrs+=(-H "X-Many-$i: $i"); done
	api GET /api/v1/teams "${hdrs[@]}"
	[[ $HTTP_STATUS == [24]?? ]] || fail "300 headers: HTTP $HTTP_STATUS"
	# still up, still right
	http_get /health
	assert_status 200
	api GET /api/v1/teams
	assert_status 200
	pid_alive "$SERVE_PID" || fail "serve died"
	serve_stop TERM 0
}

@test "sqlite: a 2 MB header, a 10 kB URL and many headers get 4xx and the server keeps serving" {
	check_oversized sqlite
}

@test "postgres: a 2 MB header, a 10 kB URL and many headers get 4xx and the server keeps serving" {
	check_oversized pg
}
