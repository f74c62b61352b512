#!/usr/bin/env bats
# t5001: docs/openapi.yaml against the route table — the routes the binary serves
# (`certctl __routes`) and daemon/routes.def, in both directions — the entity descriptors,
# and a real OpenAPI linter

load helpers

SPEC=$E2E_TOP/docs/openapi.yaml
ROUTES_DEF=$E2E_TOP/daemon/routes.def
CHECK=$E2E_TOP/tests/e2e/lib/openapi-check.py
REDOCLY=@redocly/cli@2.77.0
# npx caches the linter here; HOME is a fresh directory in every test
E2E_NPM_CACHE=${E2E_NPM_CACHE:-${npm_config_cache:-$HOME/.npm}}

# spec_ops FILE: "METHOD PATH OPERATION_ID FLAGS" per operation of the spec, sorted
spec_ops() {
	"$E2E_PYTHON" "$CHECK" ops "$SPEC" | LC_ALL=C sort >"$1" || fail "cannot read $SPEC"
	[ -s "$1" ] || fail "$SPEC has no operations"
}

@test "every route the binary serves is in the spec, public exactly when security is []" {
	local line method path flags op bad=
	spec_ops "$TEST_DIR/spec.ops"
	run -0 certctl __routes
	[ -n "$output" ] || fail "certctl __routes printed nothing"
	while read -r method path flags; do
		# __routes: "METHOD PATH [public] [agent]"; the spec's: "public,agent" or "-"
		flags=$(tr ' ' '\n' <<<"$flags" | grep -E '^(public|agent)$' | paste -sd, -)
		op=$(awk -v m="$method" -v p="$path" '$1 == m && $2 == p' "$TEST_DIR/spec.ops")
		if [ -z "$op" ]; then
			bad+="$method $path: served, not in the spec"$'\n'
			continue
		fi
		read -r _ _ _ line <<<"$op"
		[ "$line" = "${flags:--}" ] ||
			bad+="$method $path: served as '${flags:--}', the spec says '$line' (public = security: [], agent = x-certctl-agent-key)"$'\n'
	done <<<"$output"
	[ -z "$bad" ] || fail "$bad"
}

@test "the spec has exactly the operations of routes.def, operationId = handler; its version is VERSION" {
	spec_ops "$TEST_DIR/spec.ops"
	"$E2E_PYTHON" "$CHECK" routes "$ROUTES_DEF" | LC_ALL=C sort >"$TEST_DIR/def.ops"
	[ "$(wc -l <"$TEST_DIR/def.ops")" -gt 100 ] || fail "cannot read the ROUTE rows of $ROUTES_DEF"
	# one operation per operationId
	run -0 bash -c "awk '{print \$3}' '$TEST_DIR/spec.ops' | sort | uniq -d"
	[ -z "$output" ] || fail "operationIds used twice: $output"
	# same METHOD PATH handler flags on both sides: "<" only in the spec, ">" only in routes.def
	run diff "$TEST_DIR/spec.ops" "$TEST_DIR/def.ops"
	[ "$status" -eq 0 ] || fail "the spec (<) and routes.def (>) differ:
$(grep '^[<>]' <<<"$output")"
	run -0 "$E2E_PYTHON" "$CHECK" version "$SPEC"
	assert_output "$(cat "$E2E_TOP/VERSION")"
}

@test "component schemas have the JSON keys, types and readOnly of the entity descriptors" {
	run "$E2E_PYTHON" "$CHECK" schemas "$SPEC" "$E2E_TOP"
	[ "$status" -eq 0 ] || fail "$output"
}

@test "the spec passes redocly lint (recommended-strict: no errors, no warnings)" {
	command -v npx >/dev/null || skip "npx is not installed (install Node.js/npm to lint the spec)"
	mkdir -p "$E2E_NPM_CACHE" 2>/dev/null && [ -w "$E2E_NPM_CACHE" ] ||
		E2E_NPM_CACHE=$BATS_RUN_TMPDIR/npm-cache
	# recommended-strict turns every recommended warning into an error. Not applicable:
	# info-license (the project states no license in the spec)
	cat >"$TEST_DIR/redocly.yaml" <<-'EOF'
		extends:
		  - recommended-strict
		rules:
		  info-license: off
	EOF
	run env REDOCLY_SUPPRESS_UPDATE_NOTICE=true REDOCLY_TELEMETRY=off NO_UPDATE_NOTIFIER=1 \
		npm_config_cache="$E2E_NPM_CACHE" npm_config_update_notifier=false \
		npm_config_fund=false npm_config_audit=false \
		timeout 600 npx -y "$REDOCLY" lint --config "$TEST_DIR/redocly.yaml" "$SPEC"
	[ "$status" -eq 0 ] || fail "redocly lint failed (status $status):
$output"
	assert_output --partial "Your API description is valid"
}
