#!/usr/bin/env bats
# t1002: certctl db migrate|status|seed on SQLite and PostgreSQL; append-only audit_events

load helpers

setup() {
	common_setup
	# the migrations of the source tree (schema/{sqlite,pg}/NNNN_name.sql)
	NMIG=$(migration_count sqlite)
	LATEST=$(migration_latest sqlite)
	[ "$NMIG" -ge 12 ] || fail "only $NMIG migrations in schema/sqlite"
	assert_equal "$(migration_count pg)" "$NMIG"
	assert_equal "$(migration_latest pg)" "$LATEST"
}

# assert_status_all_applied: `certctl db status` output lists every migration as applied
assert_status_all_applied() {
	local f v
	for f in "$E2E_TOP"/schema/sqlite/[0-9][0-9][0-9][0-9]_*.sql; do
		f=${f##*/}
		v=${f%.sql}
		assert_line --regexp "^  $v +applied [0-9]{4}-[0-9]{2}-[0-9]{2}T"
	done
	assert_line "$NMIG applied, 0 pending"
	refute_line --regexp '^  [0-9]{4}_[a-z0-9_]+ +pending$'
	refute_output --partial 'differs'
}

@test "sqlite: the first migrate applies every migration, the second exits 3" {
	run certctl db migrate
	assert_success
	assert_output --partial "sqlite:$CERTCTL_DATA_DIR/certctl.db: $NMIG migrations applied, schema at version $LATEST"
	run certctl db migrate
	assert_failure 3
	assert_output --partial ": 0 migrations applied, schema at version $LATEST"
}

@test "sqlite: db status lists every migration as pending, then as applied" {
	run certctl db status
	assert_success
	assert_line --index 0 "database: sqlite:$CERTCTL_DATA_DIR/certctl.db (sqlite)"
	assert_line --regexp '^  0001_initial_schema +pending$'
	assert_line "0 applied, $NMIG pending"
	certctl db migrate
	run certctl db status
	assert_success
	assert_line --regexp '^  0001_initial_schema +applied '
	assert_line --regexp "^  $(printf %04d "$LATEST")_[a-z0-9_]+ +applied "
	assert_status_all_applied
	assert_equal "$(sqlite3 "$CERTCTL_DATA_DIR/certctl.db" 'SELECT count(*), max(version) FROM schema_migrations')" "$NMIG|$LATEST"
}

@test "sqlite: the database file is created in CERTCTL_DATA_DIR, a 0700 directory" {
	export CERTCTL_DATA_DIR=$TEST_DIR/deep/er/data
	run certctl db migrate
	assert_success
	assert_file_exist "$CERTCTL_DATA_DIR/certctl.db"
	assert_equal "$(stat -c %a "$CERTCTL_DATA_DIR")" 700
	# nothing lands in HOME or the working directory
	assert_equal "$(find "$HOME" -mindepth 1 | wc -l)" 0
}

@test "sqlite: --data-dir and --database-url sqlite:PATH choose the file" {
	run certctl db migrate --data-dir "$TEST_DIR/d2"
	assert_success
	assert_file_exist "$TEST_DIR/d2/certctl.db"
	run certctl db migrate --database-url "sqlite:$TEST_DIR/explicit.db"
	assert_success
	assert_output --partial "sqlite:$TEST_DIR/explicit.db: $NMIG migrations applied"
	assert_file_exist "$TEST_DIR/explicit.db"
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
}

@test "db usage errors exit 2" {
	run certctl db nosuch
	assert_failure 2
	assert_output --partial "unknown subcommand 'nosuch'"
	run certctl db
	assert_failure 2
	run certctl db migrate status
	assert_failure 2
	run certctl db seed
	assert_failure 2
	assert_output --partial -- '--demo'
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
}

@test "sqlite: audit_events refuses UPDATE and DELETE" {
	certctl db migrate
	local db=$CERTCTL_DATA_DIR/certctl.db
	sqlite3 "$db" "INSERT INTO audit_events (id, actor, actor_type, action, resource_type, resource_id) VALUES ('aud-1', 'alice', 'User', 'create', 'certificate', 'mc-1')"
	run sqlite3 "$db" "UPDATE audit_events SET actor = 'mallory' WHERE id = 'aud-1'"
	assert_failure
	assert_output --partial 'append-only'
	run sqlite3 "$db" "DELETE FROM audit_events WHERE id = 'aud-1'"
	assert_failure
	assert_output --partial 'append-only'
	assert_equal "$(sqlite3 "$db" "SELECT actor FROM audit_events WHERE id = 'aud-1'")" alice
}

@test "postgres: migrate with --database-url, then exit 3; status lists all applied" {
	fresh_pg_db >/dev/null
	local url=$PG_DB_URL db=${PG_DB_URL##*/}
	run certctl db migrate --database-url "$url"
	assert_success
	assert_output --partial "/$db: $NMIG migrations applied, schema at version $LATEST"
	assert_output --partial ':***@'
	refute_output --partial ':certctl@'
	run certctl db migrate --database-url "$url"
	assert_failure 3
	assert_output --partial ": 0 migrations applied, schema at version $LATEST"
	run certctl db status --database-url "$url"
	assert_success
	assert_line --index 0 --regexp "^database: postgres(ql)?://.*/$db \(postgres(ql)?\)$"
	assert_status_all_applied
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
}

@test "postgres: migrate with CERTCTL_DATABASE_URL" {
	fresh_pg_db >/dev/null
	export CERTCTL_DATABASE_URL=$PG_DB_URL
	run certctl db migrate
	assert_success
	assert_output --partial "$NMIG migrations applied, schema at version $LATEST"
	run certctl db migrate
	assert_failure 3
	assert_equal "$(psql_q "$PG_DB_URL" 'SELECT count(*), max(version) FROM schema_migrations')" "$NMIG|$LATEST"
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
}

@test "postgres: two concurrent migrate processes both succeed, each version recorded once" {
	fresh_pg_db >/dev/null
	local url=$PG_DB_URL s1 s2 n1 n2
	certctl db migrate --database-url "$url" >"$TEST_DIR/m1.out" 2>"$TEST_DIR/m1.err" &
	local p1=$!
	certctl db migrate --database-url "$url" >"$TEST_DIR/m2.out" 2>"$TEST_DIR/m2.err" &
	local p2=$!
	wait "$p1" && s1=0 || s1=$?
	wait "$p2" && s2=0 || s2=$?
	# 0: applied some, 3: the other one had applied everything already
	[[ $s1 =~ ^[03]$ && $s2 =~ ^[03]$ ]] ||
		fail "statuses $s1 and $s2: $(cat "$TEST_DIR"/m*.out "$TEST_DIR"/m*.err)"
	n1=$(sed -nE 's/.*: ([0-9]+) migrations? applied.*/\1/p' "$TEST_DIR/m1.out")
	n2=$(sed -nE 's/.*: ([0-9]+) migrations? applied.*/\1/p' "$TEST_DIR/m2.out")
	assert_equal "$((n1 + n2))" "$NMIG"
	run psql_q "$url" 'SELECT count(*), count(DISTINCT version), max(version) FROM schema_migrations'
	assert_success
	assert_output "$NMIG|$NMIG|$LATEST"
	run psql_q "$url" 'SELECT version FROM schema_migrations GROUP BY version HAVING count(*) > 1'
	assert_output ''
}

@test "postgres: audit_events refuses UPDATE and DELETE" {
	fresh_pg_db >/dev/null
	local url=$PG_DB_URL
	certctl db migrate --database-url "$url"
	psql_q "$url" "INSERT INTO audit_events (id, actor, actor_type, action, resource_type, resource_id) VALUES ('aud-1', 'alice', 'User', 'create', 'certificate', 'mc-1')"
	run psql_q "$url" "UPDATE audit_events SET actor = 'mallory' WHERE id = 'aud-1'"
	assert_failure
	assert_output --partial 'append-only'
	run psql_q "$url" "DELETE FROM audit_events WHERE id = 'aud-1'"
	assert_failure
	assert_output --partial 'append-only'
	assert_equal "$(psql_q "$url" "SELECT actor FROM audit_events WHERE id = 'aud-1'")" alice
}

@test "postgres: an unreachable server fails naming the host, never the password" {
	local port
	port=$(free_port)
	run timeout 10 certctl db migrate --database-url "postgresql://certctl:pw-Sup3rSecret@127.0.0.1:$port/certctl"
	assert_failure
	[ "$status" -ne 3 ] || fail "exit 3 (nothing to do) for an unreachable server"
	assert_output --partial '127.0.0.1'
	assert_output --partial "$port"
	refute_output --partial 'pw-Sup3rSecret'
	run env CERTCTL_DATABASE_URL="postgres://certctl:pw-Sup3rSecret@127.0.0.1:$port/certctl" \
		certctl db status
	assert_failure
	assert_output --partial '127.0.0.1'
	refute_output --partial 'pw-Sup3rSecret'
	assert_not_exist "$CERTCTL_DATA_DIR/certctl.db"
}

@test "postgres: a wrong password is refused without echoing it" {
	pg_url >/dev/null
	local rest=${PG_URL#*://}
	local bad="postgresql://${rest%%:*}:pw-Wr0ngSecret@${rest#*@}"
	run certctl db status --database-url "$bad"
	assert_failure
	assert_output --partial '127.0.0.1'
	refute_output --partial 'pw-Wr0ngSecret'
}
