#!/usr/bin/env bats
# t0002: certctl --version / version [-v]

load helpers

setup() {
	common_setup
	VERSION=$(cat "$E2E_TOP/VERSION")
	[ -n "$VERSION" ] || fail "empty VERSION file"
}

@test "certctl --version prints certctl and the VERSION file" {
	run certctl --version
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_line --index 0 --regexp "^certctl ${VERSION//./\\.}( |\$)"
}

@test "certctl version prints the same line as --version" {
	run certctl --version
	local dashed=$output
	run certctl version
	assert_success
	assert_output "$dashed"
	assert_line --index 0 --regexp "^certctl ${VERSION//./\\.}( |\$)"
	run certctl -V
	assert_success
	assert_output "$dashed"
}

@test "certctl version -v lists the linked libraries with versions" {
	run certctl version -v
	assert_success
	assert_line --index 0 --regexp "^certctl ${VERSION//./\\.}( |\$)"
	local lib
	for lib in OpenSSL libmicrohttpd SQLite libpq jansson libcurl; do
		assert_line --regexp "^ +$lib +[0-9]+\.[0-9]+"
	done
	run certctl --version -v
	assert_success
	assert_line --regexp '^ +OpenSSL +3\.'
	assert_line --regexp "^ +SQLite +$(sqlite3 --version | cut -d' ' -f1 | sed 's/\./\\./g')\$"
}

@test "certctl version rejects arguments it does not know" {
	run certctl version --bogus
	assert_failure 2
	assert_output --partial "'--bogus'"
}

@test "the certctl under test is the one of CERTCTL_BUILD_DIR (default: build/)" {
	assert_equal "$(command -v certctl)" "$CERTCTL_BIN_DIR/certctl"
	assert_equal "$(command -v certctl-server)" "$CERTCTL_BIN_DIR/certctl-server"
	[ -z "${CERTCTL_BUILD_DIR:-}" ] || fail "CERTCTL_BUILD_DIR leaked into the test environment"
}
