#!/usr/bin/env bats
# t5004: CORS of certctl serve (deny by default, an allow list, or *), on SQLite and
# PostgreSQL

load helpers

KEY=t5004-key

# preflight ORIGIN [PATH]: OPTIONS with Origin and Access-Control-Request-Method (no key)
preflight() {
	http_get "${2:-/api/v1/teams}" -X OPTIONS -H "Origin: $1" \
		-H 'Access-Control-Request-Method: POST' \
		-H 'Access-Control-Request-Headers: authorization, content-type'
}

refute_acao() {
	[ -z "$(header_value Access-Control-Allow-Origin)" ] ||
		fail "unexpected Access-Control-Allow-Origin: $HTTP_HEADERS"
}

check_cors_default() {
	local o
	CERTCTL_AUTH_SECRET=$KEY engine_serve "$1"
	API_KEY=$KEY
	for o in https://a.example http://127.0.0.1:$PORT null; do
		api GET /api/v1/teams -H "Origin: $o"
		assert_status 200
		refute_acao
		http_get /health -H "Origin: $o"
		assert_status 200
		refute_acao
		preflight "$o"
		assert_json_error 403 "$o"
		refute_acao
		[ -z "$(header_value Access-Control-Allow-Methods)" ] || fail "$HTTP_HEADERS"
		preflight "$o" /health
		assert_status 403
		refute_acao
	done
	serve_stop TERM 0
}

@test "sqlite: without CERTCTL_CORS_ORIGINS no response allows an origin and preflights get 403" {
	check_cors_default sqlite
}

@test "postgres: without CERTCTL_CORS_ORIGINS no response allows an origin and preflights get 403" {
	check_cors_default pg
}

check_cors_list() {
	local age
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_CORS_ORIGINS=https://a.example engine_serve "$1"
	API_KEY=$KEY
	preflight https://a.example
	assert_status 204
	[ -z "$HTTP_BODY" ] || fail "a 204 with a body: $HTTP_BODY"
	assert_equal "$(header_value Access-Control-Allow-Origin)" https://a.example
	[[ $(header_value Vary) == *Origin* ]] || fail "no Vary: Origin: $HTTP_HEADERS"
	[[ $(header_value Access-Control-Allow-Methods) == *POST* ]] || fail "$HTTP_HEADERS"
	[[ $(header_value Access-Control-Allow-Methods) == *DELETE* ]] || fail "$HTTP_HEADERS"
	[[ $(header_value Access-Control-Allow-Headers) == *Authorization* ]] || fail "$HTTP_HEADERS"
	[[ $(header_value Access-Control-Allow-Headers) == *Content-Type* ]] || fail "$HTTP_HEADERS"
	age=$(header_value Access-Control-Max-Age)
	[[ $age =~ ^[0-9]+$ ]] && [ "$age" -gt 0 ] || fail "Access-Control-Max-Age '$age'"
	# the preflight needs no key, and does nothing
	preflight https://a.example /api/v1/teams/no-such-team
	assert_status 204
	# an allowed origin's requests carry its ACAO and Vary
	api GET /api/v1/teams -H 'Origin: https://a.example'
	assert_status 200
	assert_equal "$(header_value Access-Control-Allow-Origin)" https://a.example
	[[ $(header_value Vary) == *Origin* ]] || fail "no Vary: Origin: $HTTP_HEADERS"
	# errors too, so that the browser can read them
	http_get /api/v1/teams -H 'Origin: https://a.example' -H 'Authorization: Bearer wrong'
	assert_status 401
	assert_equal "$(header_value Access-Control-Allow-Origin)" https://a.example

	# another origin: its preflight is refused, a simple GET gets no ACAO
	local o
	for o in https://b.example https://a.example.evil.test http://a.example https://A.EXAMPLE \
		'https://a.example, https://b.example' null; do
		preflight "$o"
		assert_json_error 403
		refute_acao
		api GET /api/v1/teams -H "Origin: $o"
		assert_status 200
		refute_acao
	done
	# no Origin: a plain request, no CORS headers
	api GET /api/v1/teams
	assert_status 200
	refute_acao
	serve_stop TERM 0
}

@test "sqlite: CERTCTL_CORS_ORIGINS lists the origins that may call, with full preflight headers" {
	check_cors_list sqlite
}

@test "postgres: CERTCTL_CORS_ORIGINS lists the origins that may call, with full preflight headers" {
	check_cors_list pg
}

check_cors_star() {
	CERTCTL_AUTH_SECRET=$KEY CERTCTL_CORS_ORIGINS='*' engine_serve "$1"
	API_KEY=$KEY
	api GET /api/v1/teams -H 'Origin: https://anything.example'
	assert_status 200
	assert_equal "$(header_value Access-Control-Allow-Origin)" '*'
	preflight https://other.example
	assert_status 204
	assert_equal "$(header_value Access-Control-Allow-Origin)" '*'
	[[ $(header_value Access-Control-Allow-Methods) == *PUT* ]] || fail "$HTTP_HEADERS"
	http_get /health -H 'Origin: https://x.example'
	assert_equal "$(header_value Access-Control-Allow-Origin)" '*'
	serve_stop TERM 0
}

@test "sqlite: CERTCTL_CORS_ORIGINS='*' allows every origin with ACAO *" {
	check_cors_star sqlite
}

@test "postgres: CERTCTL_CORS_ORIGINS='*' allows every origin with ACAO *" {
	check_cors_star pg
}
