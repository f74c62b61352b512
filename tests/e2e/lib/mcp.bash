# mcp.bash: one MCP session over stdio and its replies (sourced by t8001, t8004)
#
# mcp_session CMD... -- LINE...: CMD fed these lines, then EOF; MCP_OUT holds stdout,
#   $TEST_DIR/mcp.err stderr; fails unless it exits 0 and every stdout line is JSON-RPC 2.0
# reply ID: the response with this id
# call ID TOOL ARGS: a tools/call request line

mcp_session() {
	local cmd=()
	while [ "$1" != -- ]; do
		cmd+=("$1")
		shift
	done
	shift
	printf '%s\n' "$@" >"$TEST_DIR/mcp.in"
	"${cmd[@]}" <"$TEST_DIR/mcp.in" >"$TEST_DIR/mcp.out" 2>"$TEST_DIR/mcp.err" ||
		fail "${cmd[*]} exited $?: $(cat "$TEST_DIR/mcp.err")"
	MCP_OUT=$(cat "$TEST_DIR/mcp.out")
	[ -z "$MCP_OUT" ] || jq -e 'if type == "array" then all(.[]; .jsonrpc == "2.0")
		else .jsonrpc == "2.0" end' "$TEST_DIR/mcp.out" >/dev/null ||
		fail "stdout holds something else than JSON-RPC messages: $MCP_OUT"
}

reply() {
	jq -c --argjson id "$1" 'select(type == "object" and .id == $id)' <<<"$MCP_OUT"
}

call() {
	printf '{"jsonrpc":"2.0","id":%s,"method":"tools/call","params":{"name":"%s","arguments":%s}}' \
		"$1" "$2" "$3"
}
