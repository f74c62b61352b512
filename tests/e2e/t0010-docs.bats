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
	out=$(_complete ag | sort)
	assert_equal "$out" $'agent\nagent-groups\nagents'
	out=$(_complete sta)
	assert_equal "$out" status
}

# every verb of a resource command (certs list, jobs cancel ...) with each of its options:
# in the command's man page and offered by bash completion after the verb
@test "every verb and its options are in the man page and offered by completion" {
	local c v o out bad='' n=0
	# shellcheck source=/dev/null
	source "$BATS_TEST_DIRNAME/../../completions/certctl.bash"
	PATH=$CERTCTL_BUILD_DIR:$PATH
	for c in $(commands_def visible); do
		certctl help "$c" | grep -q "^Run 'certctl $c <command> --help'" || continue
		out=$(_complete "$c" "")
		for v in $(verbs_of "$c"); do
			n=$((n + 1))
			grep -qx -- "$v" <<<"$out" || bad+="$c: verb $v not offered"$'\n'
			grep -qF -- ".B ${v//-/\\-}" "$MAN/certctl-$c.1" ||
				bad+="certctl-$c(1) lacks the verb $v"$'\n'
			local opts
			opts=$(_complete "$c" "$v" --)
			for o in $(certctl "$c" "$v" --help | grep -oE '^ +(-[a-zA-Z], )?--[a-z][a-z0-9-]*' |
				grep -oE -- '--[a-z0-9-]+'); do
				grep -qx -- "$o" <<<"$opts" || bad+="$c $v: $o not offered"$'\n'
				grep -qF -- "${o//-/\\-}" "$MAN/certctl-$c.1" ||
					bad+="certctl-$c(1) lacks $v $o"$'\n'
			done
		done
	done
	[ "$n" -gt 40 ] || fail "only $n verbs found"
	[ -z "$bad" ] || fail "$bad"
}

@test "certctl(7) and every page pass groff -ww; help exit-codes matches the man page" {
	command -v groff >/dev/null || skip "no groff"
	local f out
	[ -s "$MAN/certctl.7" ] || fail "no certctl.7"
	for f in "$MAN"/*.1 "$MAN"/*.7; do
		out=$(groff -ww -man -z "$f" 2>&1) || fail "groff $f failed: $out"
		[ -z "$out" ] || fail "$f: $out"
	done
	run certctl help exit-codes
	assert_success
	for st in 0 1 2 3 4; do
		assert_line --regexp "^  $st  [a-z]"
		grep -qx "$st" "$MAN/certctl-certs.1" || fail "certctl-certs(1) lacks exit status $st"
	done
	grep -q 'NO_COLOR' "$MAN/certctl.7"
	grep -q 'XDG_STATE_HOME' "$MAN/certctl.7"
}

@test "zsh and fish completion scripts offer the commands and a verb's options" {
	local out
	if command -v fish >/dev/null; then
		out=$(PATH=$CERTCTL_BUILD_DIR:$PATH fish --no-config -c \
			"source $BATS_TEST_DIRNAME/../../completions/certctl.fish; complete -C 'certctl cer'; complete -C 'certctl certs list --exp'")
		grep -q '^certs' <<<"$out" || fail "fish: no certs: $out"
		grep -q -- '^--expires-before' <<<"$out" || fail "fish: no --expires-before: $out"
	fi
	if command -v zsh >/dev/null; then
		zsh -n "$BATS_TEST_DIRNAME/../../completions/_certctl" || fail "zsh: syntax error"
	fi
	command -v fish >/dev/null || command -v zsh >/dev/null || skip "neither fish nor zsh"
}
