#!/usr/bin/env bats
# t0010: documentation generated from the tables — every command of cmd/commands.def has a
# man page that lists each of its options, every CERTCTL_* variable of libcc/config.def is
# in certctl(1), and bash completion offers every command and each command's options

load helpers

setup() {
	common_setup
	MAN=$TEST_DIR/man
	run certctl __man "$MAN"
	assert_success
}

# the options of a command, as its --help lists them ("--name")
command_options() {
	certctl help "$1" | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' | grep -oE -- '--[a-z0-9-]+'
}

@test "every visible command has a man page naming each of its options" {
	local c o bad=''
	for c in $(commands_def visible); do
		[ -s "$MAN/certctl-$c.1" ] || {
			bad+="no man page for $c"$'\n'
			continue
		}
		# roff escapes the dashes: \-\-name
		for o in $(command_options "$c"); do
			grep -qF -- "${o//-/\\-}" "$MAN/certctl-$c.1" || bad+="certctl-$c(1) lacks $o"$'\n'
		done
	done
	[ -z "$bad" ] || fail "$bad"
	[ -s "$MAN/certctl.1" ]
}

@test "certctl(1) documents every CERTCTL_* variable of config.def" {
	local v bad=''
	for v in $(config_env_vars); do
		grep -qF -- "${v//_/\\_}" "$MAN/certctl.1" || grep -qF -- "$v" "$MAN/certctl.1" ||
			bad+="$v "
	done
	[ -z "$bad" ] || fail "certctl(1) lacks: $bad"
}

@test "man pages render without warnings" {
	command -v groff >/dev/null || command -v nroff >/dev/null || skip "no groff/nroff"
	local f out
	for f in "$MAN"/*.1; do
		out=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$f" 2>&1 >/dev/null) ||
			fail "man $f failed: $out"
		[ -z "$out" ] || fail "$f: $out"
	done
}

# _complete WORDS...: what bash completion offers after typing WORDS (the last is partial)
_complete() {
	COMP_WORDS=(certctl "$@")
	COMP_CWORD=$(($# ))
	COMPREPLY=()
	_certctl
	printf '%s\n' "${COMPREPLY[@]}"
}

@test "bash completion offers every command and each command's options" {
	local c o out bad=''
	# shellcheck source=/dev/null
	source "$BATS_TEST_DIRNAME/../../completions/certctl.bash"
	PATH=$CERTCTL_BUILD_DIR:$PATH
	out=$(_complete "")
	for c in $(commands_def visible); do
		grep -qx -- "$c" <<<"$out" || bad+="command $c not offered"$'\n'
	done
	! grep -q '^__' <<<"$out" || fail "hidden commands offered: $out"
	for c in $(commands_def visible); do
		out=$(_complete "$c" --)
		for o in $(command_options "$c"); do
			grep -qx -- "$o" <<<"$out" || bad+="$c: $o not offered"$'\n'
		done
	done
	[ -z "$bad" ] || fail "$bad"
	# a partial word narrows the list
	out=$(_complete ag)
	assert_equal "$out" agent
}
