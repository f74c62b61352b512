#!/usr/bin/env bats
# t5006: list endpoints on 1,000 teams: keyset cursor walks (also while teams are added),
# page mode, sort, sparse fields and parameter errors, on SQLite and PostgreSQL

load helpers

KEY=t5006-key

# seed_teams: teams tm-0001 … tm-1000 named "team 0001" …, created three per second from
# 2025-01-01T00:00:00Z (so that created_at has ties), straight into the database
seed_teams() {
	case $ENGINE in
	sqlite)
		db_q "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000),
			t(i, at) AS (SELECT i, strftime('%Y-%m-%dT%H:%M:%S', '2025-01-01',
				'+' || (i / 3) || ' seconds') || '.000000Z' FROM s)
			INSERT INTO teams (id, name, description, created_at, updated_at)
			SELECT printf('tm-%04d', i), printf('team %04d', i), '', at, at FROM t"
		;;
	pg)
		db_q "INSERT INTO teams (id, name, description, created_at, updated_at)
			SELECT 'tm-' || lpad(i::text, 4, '0'), 'team ' || lpad(i::text, 4, '0'), '',
				at, at
			FROM generate_series(1, 1000) AS i,
				LATERAL (SELECT timestamptz '2025-01-01 00:00:00Z' + (i / 3) * interval '1 second' AS at) AS x"
		;;
	esac
	assert_equal "$(db_q 'SELECT count(*) FROM teams')" 1000
}

start_seeded() {
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY
	seed_teams
}

# walk QUERY [HOOK]: follows next_cursor from GET /api/v1/teams?page_size=37&QUERY until it
# is absent; ids in $TEST_DIR/walk.ids, page count in PAGES; checks every page's size and
# total (unless a HOOK, run after each page, adds teams)
walk() {
	local query=$1 hook=${2:-} cursor='' n total size
	: >"$TEST_DIR/walk.ids"
	PAGES=0
	while :; do
		PAGES=$((PAGES + 1))
		[ $PAGES -le 200 ] || fail "no end to the walk after 200 pages"
		api GET "/api/v1/teams?page_size=37${query:+&$query}${cursor:+&cursor=$cursor}"
		[ "$HTTP_STATUS" = 200 ] || fail "page $PAGES: HTTP $HTTP_STATUS: $HTTP_BODY"
		# one jq per page: "LENGTH TOTAL PAGE_SIZE CURSOR", then the ids
		jq -r '"\(.data | length) \(.total) \(.page_size) \(.next_cursor // "")", .data[].id' \
			<<<"$HTTP_BODY" >"$TEST_DIR/page" || fail "page $PAGES is not JSON: $HTTP_BODY"
		read -r n total size cursor <"$TEST_DIR/page"
		tail -n +2 "$TEST_DIR/page" >>"$TEST_DIR/walk.ids"
		[ "$size" = 37 ] || fail "page $PAGES: page_size $size"
		if [ -z "$hook" ]; then
			[ "$total" = 1000 ] || fail "page $PAGES: total $total"
			if [ -n "$cursor" ]; then
				[ "$n" = 37 ] || fail "page $PAGES: $n rows"
			else
				[ "$n" = $((1000 - 37 * (PAGES - 1))) ] || fail "last page $PAGES: $n rows"
			fi
		fi
		[ -n "$cursor" ] || break
		[[ $cursor =~ ^[A-Za-z0-9_-]+$ ]] || fail "next_cursor is not URL-safe: $cursor"
		[ -z "$hook" ] || "$hook"
	done
}

# the walk holds every seeded team exactly once
assert_walk_complete() {
	local dups
	dups=$(sort "$TEST_DIR/walk.ids" | uniq -d | head -5)
	[ -z "$dups" ] || fail "teams seen twice: $dups"
	assert_equal "$(grep -c '^tm-' "$TEST_DIR/walk.ids")" 1000
	assert_equal "$(grep '^tm-' "$TEST_DIR/walk.ids" | sort -u | wc -l)" 1000
}

check_cursor_walk() {
	start_seeded "$1"
	walk ""
	assert_equal "$PAGES" 28
	assert_equal "$(wc -l <"$TEST_DIR/walk.ids")" 1000
	assert_walk_complete
	# in the default order: newest first
	assert_equal "$(head -1 "$TEST_DIR/walk.ids")" tm-1000
	assert_equal "$(tail -1 "$TEST_DIR/walk.ids")" tm-0001
	# a cursor is bound to its sort, and must be one of ours
	api GET "/api/v1/teams?page_size=37&sort=name"
	local c
	c=$(jq -r .next_cursor <<<"$HTTP_BODY")
	batch_reset
	batch_add cursor GET "/api/v1/teams?page_size=37&sort=-name&cursor=$c"
	batch_add cursor GET "/api/v1/teams?page_size=37&cursor=bm90LWEtY3Vyc29y"
	batch_add cursor GET "/api/v1/teams?cursor=%25%25%25"
	batch_run
	batch_expect 400 cursor
	serve_stop TERM 0
}

@test "sqlite: a cursor walk of 1,000 teams with page_size=37 sees each team once" {
	check_cursor_walk sqlite
}

@test "postgres: a cursor walk of 1,000 teams with page_size=37 sees each team once" {
	check_cursor_walk pg
}

# after each page: three new teams, sorting before, amid and after the seeded ones (one
# curl for the three)
add_teams() {
	local name n codes first=1
	ADDED=$((${ADDED:-0} + 1))
	n=$(printf %04d "$ADDED") # zzz-new-NNNN sort after every team, the newest last
	: >"$TEST_DIR/add.curl"
	for name in "aaa-new-$n" "team 0500-new-$n" "zzz-new-$n"; do
		[ $first = 1 ] || echo next >>"$TEST_DIR/add.curl"
		first=0
		cat >>"$TEST_DIR/add.curl" <<-EOF
			url = "http://127.0.0.1:$PORT/api/v1/teams"
			header = "Authorization: Bearer $KEY"
			header = "Content-Type: application/json"
			data = "{\\"name\\":\\"$name\\"}"
			output = "/dev/null"
			write-out = "%{http_code} "
		EOF
	done
	codes=$(curl -sS --max-time 10 -K "$TEST_DIR/add.curl")
	[ "$codes" = "201 201 201 " ] || fail "adding teams after page $PAGES: $codes"
}

check_walk_while_inserting() {
	start_seeded "$1"
	walk "sort=name" add_teams
	assert_walk_complete
	# teams added ahead of the cursor are seen, once
	assert_equal "$(grep -c . "$TEST_DIR/walk.ids")" "$(sort -u "$TEST_DIR/walk.ids" | wc -l)"
	local zzz
	zzz=$(db_q "SELECT id FROM teams WHERE name LIKE 'zzz-new-%' ORDER BY id")
	[ -n "$zzz" ] || fail "no teams were added during the walk"
	run grep -vxF -f "$TEST_DIR/walk.ids" <<<"$zzz"
	assert_failure 1 # every zzz team (sorting after all) was seen
	sort -c <(grep '^tm-' "$TEST_DIR/walk.ids") || fail "sort=name walk out of order"
	serve_stop TERM 0
}

@test "sqlite: a cursor walk while teams are being added: no duplicates, no team missed" {
	check_walk_while_inserting sqlite
}

@test "postgres: a cursor walk while teams are being added: no duplicates, no team missed" {
	check_walk_while_inserting pg
}

check_page_mode_and_params() {
	local p2 p3 p
	start_seeded "$1"
	api GET '/api/v1/teams?page=3&per_page=100'
	assert_status 200
	assert_equal "$(jq -c '[(.data | length), .total, .page, .per_page, has("next_cursor")]' <<<"$HTTP_BODY")" \
		'[100,1000,3,100,false]'
	p3=$(jq -r '.data[].id' <<<"$HTTP_BODY")
	api GET '/api/v1/teams?page=2&per_page=100'
	p2=$(jq -r '.data[].id' <<<"$HTTP_BODY")
	assert_equal "$(printf '%s\n%s\n' "$p2" "$p3" | sort -u | wc -l)" 200
	api GET '/api/v1/teams?page=10&per_page=100'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 100
	api GET '/api/v1/teams?page=11&per_page=100'
	assert_status 200
	assert_equal "$(jq -c '[(.data | length), .total]' <<<"$HTTP_BODY")" '[0,1000]'
	api GET '/api/v1/teams?per_page=500'
	assert_equal "$(jq '.data | length' <<<"$HTTP_BODY")" 500

	# sort
	api GET '/api/v1/teams?sort=-name&per_page=50'
	assert_status 200
	assert_equal "$(jq -r '.data[0].name' <<<"$HTTP_BODY")" "team 1000"
	jq -r '.data[].name' <<<"$HTTP_BODY" | sort -r -c || fail "sort=-name out of order"
	api GET '/api/v1/teams?sort=name&per_page=50'
	assert_equal "$(jq -r '.data[0].name' <<<"$HTTP_BODY")" "team 0001"
	jq -r '.data[].name' <<<"$HTTP_BODY" | sort -c || fail "sort=name out of order"

	# sparse fields
	api GET '/api/v1/teams?fields=id,name&per_page=20'
	assert_status 200
	jq -e '(.data | length) == 20 and all(.data[]; keys == ["id", "name"])' <<<"$HTTP_BODY" \
		>/dev/null || fail "fields=id,name: $HTTP_BODY"
	api GET '/api/v1/teams/tm-0001?fields=name'
	assert_status 200
	assert_equal "$(jq -c . <<<"$HTTP_BODY")" '{"name":"team 0001"}'

	# filters: RFC 3339 times only
	api GET '/api/v1/teams?created_after=2025-01-01T00:05:00Z&per_page=1'
	assert_status 200
	assert_equal "$(jq .total <<<"$HTTP_BODY")" 98
	api GET '/api/v1/teams?name=team%200042'
	assert_equal "$(jq -c '[.total, .data[0].id]' <<<"$HTTP_BODY")" '[1,"tm-0042"]'

	# out of range, not a number, unknown: 400 naming the parameter (or the field)
	batch_reset
	for p in per_page=0 per_page=x per_page=-1 per_page=1.5 per_page= \
		page_size=0 page_size=ten page=0 page=x \
		sort=bogus 'sort=name;DROP' sort=- \
		created_after=yesterday created_after=2025-13-01T00:00:00Z \
		created_after=2025-01-01%2000:00:00 updated_after=now; do
		batch_add "${p%%=*}" GET "/api/v1/teams?$p"
	done
	batch_add nope GET '/api/v1/teams?fields=nope'
	batch_add nope GET '/api/v1/teams?fields=id,nope'
	batch_add nope GET '/api/v1/teams/tm-0001?fields=nope'
	batch_run
	batch_expect 400 '{label}'
	# more rows than the maximum: the maximum (a v2.1 script asking for 1,000 keeps working)
	api GET '/api/v1/teams?per_page=1000'
	assert_status 200
	assert_equal "$(jq -c '[.per_page, (.data | length)]' <<<"$HTTP_BODY")" '[500,500]'
	serve_stop TERM 0
}

@test "sqlite: page mode, sort, fields and filter parameters on 1,000 teams; bad values get 400" {
	check_page_mode_and_params sqlite
}

@test "postgres: page mode, sort, fields and filter parameters on 1,000 teams; bad values get 400" {
	check_page_mode_and_params pg
}
