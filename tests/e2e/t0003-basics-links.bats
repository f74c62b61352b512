#!/usr/bin/env bats
# t0003: dispatch by the name certctl is run as (certctl-server, certctl-cli)

load helpers

@test "certctl-server --help prints the usage of serve" {
	run certctl-server --help
	assert_success
	assert_line --index 0 'usage: certctl serve [options]'
	run certctl serve --help
	local serve_help=$output
	run certctl-server --help
	assert_output "$serve_help"
}

@test "certctl-cli acts as plain certctl" {
	run certctl help
	local plain=$output
	run certctl-cli help
	assert_success
	assert_output "$plain"
	run certctl-cli
	assert_success
	assert_output "$plain"
	run certctl-cli version
	assert_success
	assert_output "$(certctl version)"
	run certctl-cli sevre
	assert_failure 2
	assert_output --partial "'sevre' is not a certctl command"
}

@test "a link named certctl-server anywhere dispatches by name, not by path" {
	mkdir -p "$TEST_DIR/bin" "$TEST_DIR/other"
	ln -s "$CERTCTL_BIN_DIR/certctl" "$TEST_DIR/bin/certctl-server"
	run "$TEST_DIR/bin/certctl-server" --help
	assert_success
	assert_line --index 0 'usage: certctl serve [options]'
	# the same binary under another name is plain certctl
	ln -s "$CERTCTL_BIN_DIR/certctl" "$TEST_DIR/other/something-else"
	run "$TEST_DIR/other/something-else" --help
	assert_success
	assert_line --index 0 'usage: certctl <command> [options] [args]'
	# a hard copy named certctl-server works too (no symlink resolution involved)
	cp "$CERTCTL_BIN_DIR/certctl" "$TEST_DIR/other/certctl-server"
	run "$TEST_DIR/other/certctl-server" --bogus-option
	assert_failure 2
	assert_output --partial "certctl serve: unknown option '--bogus-option'"
}

@test "a link named certctl-<command> runs that command (STYLE.md: Links)" {
	mkdir -p "$TEST_DIR/bin"
	ln -s "$CERTCTL_BIN_DIR/certctl" "$TEST_DIR/bin/certctl-db"
	run "$TEST_DIR/bin/certctl-db" --help
	assert_success
	assert_line --index 0 --partial 'usage: certctl db '
}

@test "certctl-server serves: /health answers" {
	mkdir -p "$TEST_DIR/bin"
	ln -s "$CERTCTL_BIN_DIR/certctl" "$TEST_DIR/bin/certctl-server"
	daemon_start "$TEST_DIR/bin/certctl-server" --port "$PORT"
	http_get /health
	assert_equal "$HTTP_STATUS" 200
	assert_equal "$HTTP_BODY" '{"status":"healthy"}'
	assert_file_exist "$CERTCTL_DATA_DIR/certctl.db"
	serve_stop TERM 0
	run grep -c 'certctl serve listening' "$TEST_DIR/serve.log"
	assert_output 1
}
