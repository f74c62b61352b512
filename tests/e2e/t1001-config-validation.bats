#!/usr/bin/env bats
# t1001: configuration validation, unknown variables, config show, precedence, secrets

load helpers

# bad_value VAR VALUE: `certctl config show` must exit 1 naming VAR and VALUE
bad_value() {
	run env "$1=$2" certctl config show
	assert_failure 1
	assert_output --partial "$1"
	assert_output --partial "$2"
}

@test "CERTCTL_SERVER_PORT=abc is rejected" {
	bad_value CERTCTL_SERVER_PORT abc
	assert_output --partial 'not an integer'
}

@test "CERTCTL_SERVER_PORT=70000 is rejected" {
	bad_value CERTCTL_SERVER_PORT 70000
	assert_output --partial '65535'
}

@test "CERTCTL_LOG_LEVEL=loud is rejected" {
	bad_value CERTCTL_LOG_LEVEL loud
	assert_output --partial 'debug|info|warn|error'
}

@test "CERTCTL_RATE_LIMIT_ENABLED=maybe is rejected" {
	bad_value CERTCTL_RATE_LIMIT_ENABLED maybe
}

@test "CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=soon is rejected" {
	bad_value CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL soon
	assert_output --partial 'duration'
}

@test "CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL=0s is below the 1s minimum" {
	bad_value CERTCTL_SCHEDULER_JOB_PROCESSOR_INTERVAL 0s
	assert_output --partial '1s'
}

@test "CERTCTL_DATABASE_URL=mysql://x is rejected" {
	bad_value CERTCTL_DATABASE_URL mysql://x
	assert_output --partial 'postgres://'
}

@test "a rejected CERTCTL_DATABASE_URL does not echo its password" {
	run env CERTCTL_DATABASE_URL=mysql://user:pw-s3cret@db.example/x certctl config show
	assert_failure 1
	assert_output --partial CERTCTL_DATABASE_URL
	refute_output --partial pw-s3cret
}

@test "CERTCTL_AUTH_TYPE=basic is rejected" {
	bad_value CERTCTL_AUTH_TYPE basic
	assert_output --partial 'api-key'
}

@test "a bad value stops serve and db too, before touching anything" {
	run env CERTCTL_LOG_LEVEL=loud timeout 10 certctl serve --port "$PORT" 3>&- 4>&-
	assert_failure 1
	assert_output --partial "CERTCTL_LOG_LEVEL: 'loud'"
	run env CERTCTL_SERVER_PORT=abc certctl db migrate
	assert_failure 1
	assert_output --partial 'CERTCTL_SERVER_PORT'
	assert_not_exist "$CERTCTL_DATA_DIR"
}

@test "a bad value given as a flag is rejected like the variable" {
	run timeout 10 certctl serve --port abc 3>&- 4>&-
	assert_failure 1
	assert_output --partial "CERTCTL_SERVER_PORT: 'abc'"
	run timeout 10 certctl serve --port "$PORT" --log-format yaml 3>&- 4>&-
	assert_failure 1
	assert_output --partial "CERTCTL_LOG_FORMAT: 'yaml'"
	assert_not_exist "$CERTCTL_DATA_DIR"
}

@test "a misspelled variable warns and suggests the right name" {
	run --separate-stderr env CERTCTL_SEVER_PORT=9000 certctl config show
	assert_success
	[[ $stderr == *"CERTCTL_SEVER_PORT"*"did you mean CERTCTL_SERVER_PORT?"* ]] ||
		fail "no suggestion on stderr: '$stderr'"
	# diagnostics go to stderr only
	refute_output --partial 'CERTCTL_SEVER_PORT'
	refute_output --partial 'CERTCTL_SERVER_PORT'
}

@test "CERTCTL_TEST_* variables draw no warning" {
	run --separate-stderr env CERTCTL_TEST_WHATEVER=1 certctl config show
	assert_success
	assert_equal "$stderr" ""
}

@test "config show lists only what is set; --all lists every key of config.def" {
	run certctl config show
	assert_success
	assert_line --regexp '^CERTCTL_DATA_DIR +env +'"$CERTCTL_DATA_DIR"'$'
	refute_output --partial CERTCTL_SERVER_PORT
	run certctl config show --all
	assert_success
	local v missing='' vars n
	vars=$(config_env_vars)
	for v in $vars; do
		[[ $'\n'$output == *$'\n'"$v "* ]] || missing+=" $v"
	done
	[ -z "$missing" ] || fail "missing from config show --all:$missing"
	n=$(wc -l <<<"$vars")
	assert_equal "${#lines[@]}" "$n"
	assert_line --regexp '^CERTCTL_SERVER_PORT +default +8443$'
	run certctl config show --all --format json
	assert_success
	assert_equal "$(jq length <<<"$output")" "$n"
	assert_equal "$(jq -r '.[] | select(.name=="CERTCTL_LOG_LEVEL") | "\(.value) \(.source)"' <<<"$output")" "info default"
}

@test "config show --format rejects other formats" {
	run certctl config show --format yaml
	assert_failure 2
	assert_output --partial 'table or json'
	run certctl config
	assert_failure 2
}

# port_of JSON: value and source of CERTCTL_SERVER_PORT in config show --format json
port_of() {
	jq -r '.[] | select(.name=="CERTCTL_SERVER_PORT") | "\(.value) \(.source)"' <<<"$1"
}

@test "precedence: a --config file is read; the environment overrides it" {
	printf '# comment\n\nCERTCTL_SERVER_PORT = 1111\nlog_level="debug"\n' >"$TEST_DIR/c.conf"
	run certctl config show --config "$TEST_DIR/c.conf" --format json
	assert_success
	assert_equal "$(port_of "$output")" "1111 file"
	assert_equal "$(jq -r '.[] | select(.name=="CERTCTL_LOG_LEVEL") | .value' <<<"$output")" debug
	run env CERTCTL_SERVER_PORT=2222 certctl config show --config "$TEST_DIR/c.conf" --format json
	assert_success
	assert_equal "$(port_of "$output")" "2222 env"
}

@test "precedence: a CERTCTL_CONFIG_FILE file is read; the environment overrides it" {
	printf 'CERTCTL_SERVER_PORT=1111\nlog_level=debug\n' >"$TEST_DIR/c.conf"
	run env CERTCTL_CONFIG_FILE="$TEST_DIR/c.conf" certctl config show --format json
	assert_success
	assert_equal "$(port_of "$output")" "1111 file"
	run env CERTCTL_CONFIG_FILE="$TEST_DIR/c.conf" CERTCTL_SERVER_PORT=2222 \
		certctl config show --format json
	assert_success
	assert_equal "$(port_of "$output")" "2222 env"
	assert_equal "$(jq -r '.[] | select(.name=="CERTCTL_LOG_LEVEL") | .source' <<<"$output")" file
}

@test "precedence: a flag overrides the environment and the config file" {
	mkdir -p "$TEST_DIR/file-dir" "$TEST_DIR/env-dir" "$TEST_DIR/flag-dir"
	echo "CERTCTL_DATA_DIR=$TEST_DIR/file-dir" >"$TEST_DIR/c.conf"
	# file only
	run env -u CERTCTL_DATA_DIR certctl db status --config "$TEST_DIR/c.conf"
	assert_success
	assert_line --index 0 "database: sqlite:$TEST_DIR/file-dir/certctl.db (sqlite)"
	# file < env
	run env CERTCTL_DATA_DIR="$TEST_DIR/env-dir" CERTCTL_CONFIG_FILE="$TEST_DIR/c.conf" \
		certctl db status
	assert_success
	assert_line --index 0 "database: sqlite:$TEST_DIR/env-dir/certctl.db (sqlite)"
	# file < env < flag, whichever way the file is named
	run env CERTCTL_DATA_DIR="$TEST_DIR/env-dir" CERTCTL_CONFIG_FILE="$TEST_DIR/c.conf" \
		certctl db status --data-dir "$TEST_DIR/flag-dir"
	assert_success
	assert_line --index 0 "database: sqlite:$TEST_DIR/flag-dir/certctl.db (sqlite)"
	run env CERTCTL_DATA_DIR="$TEST_DIR/env-dir" \
		certctl db status --data-dir "$TEST_DIR/flag-dir" --config "$TEST_DIR/c.conf"
	assert_success
	assert_line --index 0 "database: sqlite:$TEST_DIR/flag-dir/certctl.db (sqlite)"
}

@test "secrets show as ******** in every format" {
	run env CERTCTL_AUTH_SECRET=hunter2-secret CERTCTL_SMTP_PASSWORD=pw-xyz certctl config show
	assert_success
	assert_line --regexp '^CERTCTL_AUTH_SECRET +env +\*{8}$'
	assert_line --regexp '^CERTCTL_SMTP_PASSWORD +env +\*{8}$'
	refute_output --partial hunter2
	refute_output --partial pw-xyz
	run env CERTCTL_AUTH_SECRET=hunter2-secret certctl config show --all --format json
	assert_success
	assert_equal "$(jq -r '.[] | select(.name=="CERTCTL_AUTH_SECRET") | .value' <<<"$output")" '********'
	refute_output --partial hunter2
	# an empty secret is shown as empty, not as stars
	assert_equal "$(jq -r '.[] | select(.name=="CERTCTL_SMTP_PASSWORD") | .value' <<<"$output")" ''
}

@test "a config file with an unknown key exits 1 naming the file and the line" {
	printf '# certctl\n\nCERTCTL_SERVER_PORT=1111\nbogus_key = 1\n' >"$TEST_DIR/bad.conf"
	run certctl config show --config "$TEST_DIR/bad.conf"
	assert_failure 1
	assert_output --partial "$TEST_DIR/bad.conf:4"
	assert_output --partial 'bogus_key'
	run env CERTCTL_CONFIG_FILE="$TEST_DIR/bad.conf" certctl config show
	assert_failure 1
	assert_output --partial "$TEST_DIR/bad.conf:4"
	assert_output --partial 'bogus_key'
}

@test "a config file line without = and a missing file are errors" {
	printf 'CERTCTL_SERVER_PORT\n' >"$TEST_DIR/bad.conf"
	run certctl config show --config "$TEST_DIR/bad.conf"
	assert_failure 1
	assert_output --partial "$TEST_DIR/bad.conf:1"
	run certctl config show --config "$TEST_DIR/nonexistent.conf"
	assert_failure 1
	assert_output --partial "$TEST_DIR/nonexistent.conf"
	run env CERTCTL_CONFIG_FILE="$TEST_DIR/nonexistent.conf" certctl config show
	assert_failure 1
	assert_output --partial "$TEST_DIR/nonexistent.conf"
}

@test "a bad value in a config file is rejected naming the variable" {
	printf 'CERTCTL_LOG_LEVEL=loud\n' >"$TEST_DIR/c.conf"
	run certctl config show --config "$TEST_DIR/c.conf"
	assert_failure 1
	assert_output --partial "CERTCTL_LOG_LEVEL: 'loud'"
}
