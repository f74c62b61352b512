#!/usr/bin/env bats
# t0001: command dispatch, help for every command of cmd/commands.def, usage errors

load helpers

@test "certctl without arguments prints the command list" {
	run certctl
	assert_success
	assert_line --index 0 'usage: certctl <command> [options] [args]'
	local c all visible
	all=$(commands_def)
	visible=$(commands_def visible)
	for c in $visible; do
		assert_line --regexp "^  $c +[a-z]"
	done
	# hidden commands are not listed
	for c in $all; do
		[[ $'\n'$visible$'\n' == *$'\n'$c$'\n'* ]] || refute_line --regexp "^  $c "
	done
}

@test "certctl help prints the same command list" {
	run certctl
	local bare=$output
	run certctl help
	assert_success
	assert_output "$bare"
	run certctl --help
	assert_success
	assert_output "$bare"
}

@test "certctl help CMD prints the usage of every command of commands.def" {
	local c bad='' cmds
	cmds=$(commands_def)
	for c in $cmds; do
		run certctl help "$c"
		if [ "$status" -ne 0 ] || [[ ${lines[0]} != "usage: certctl $c"* ]]; then
			bad+="help $c: status $status, first line '${lines[0]:-}'"$'\n'
		fi
	done
	[ -z "$bad" ] || fail "$bad"
}

@test "certctl CMD --help prints the usage of every command and has no side effect" {
	local c bad='' cmds
	cmds=$(commands_def)
	mkdir "$TEST_DIR/cwd"
	cd "$TEST_DIR/cwd"
	for c in $cmds; do
		# __complete completes its words: '--help' there is the word being completed
		[ "$c" = __complete ] && continue
		run certctl "$c" --help
		if [ "$status" -ne 0 ] || [[ ${lines[0]:-} != "usage: certctl $c"* ]]; then
			bad+="$c --help: status $status, first line '${lines[0]:-}'"$'\n'
		fi
		if [ -n "$(ls -A)" ]; then
			bad+="$c --help created files: $(ls -A)"$'\n'
			rm -rf -- ./* ./.[!.]*
		fi
	done
	assert_not_exist "$CERTCTL_DATA_DIR"
	[ -z "$bad" ] || fail "$bad"
}

@test "certctl CMD --help lists --help and the options section" {
	run certctl serve --help
	assert_success
	assert_line 'options:'
	assert_line --regexp '^  -p, --port PORT +.*\[CERTCTL_SERVER_PORT\]$'
	assert_line --regexp '^  -h, --help +show this help$'
	assert_line "Also run as 'certctl-server' (a link to certctl)."
}

@test "an unknown command exits 2 and suggests the closest one" {
	run certctl sevre
	assert_failure 2
	assert_output --partial "'sevre' is not a certctl command"
	assert_output --regexp $'most similar command is\n\tserve'
	run certctl confg show
	assert_failure 2
	assert_output --partial 'config'
}

@test "an unknown command far from every command gets no suggestion" {
	run certctl xyzzyplugh
	assert_failure 2
	assert_output --partial "'xyzzyplugh' is not a certctl command"
	refute_output --partial 'similar'
}

@test "an unknown global option exits 2 naming it" {
	run certctl --bogus
	assert_failure 2
	assert_output --partial "'--bogus'"
}

@test "an unknown option exits 2 naming it and suggesting the close one" {
	run certctl serve --prot 1
	assert_failure 2
	assert_output --partial "unknown option '--prot'"
	assert_output --partial 'did you mean --port?'
	assert_output --partial "certctl serve --help"
	run certctl db migrate --databse-url sqlite:x.db
	assert_failure 2
	assert_output --partial "'--databse-url'"
	assert_output --partial 'did you mean --database-url?'
	assert_not_exist x.db
}

@test "an option without its value exits 2" {
	run certctl serve --port
	assert_failure 2
	assert_output --partial "option '--port' needs a value"
}

@test "a switch given a value exits 2" {
	run certctl config show --all=yes
	assert_failure 2
	assert_output --partial "option '--all' takes no value"
}

@test "certctl help exit-codes lists the exit statuses" {
	run certctl help exit-codes
	assert_success
	assert_line --regexp '^  0  success'
	assert_line --regexp '^  1  error'
	assert_line --regexp '^  2  usage error'
	assert_line --regexp '^  3  nothing to do'
	assert_line --regexp '^  4  not found'
}

@test "certctl help environment lists every variable, CERTCTL_SERVER_PORT with default 8443" {
	run certctl help environment
	assert_success
	assert_line '  CERTCTL_SERVER_PORT (default 8443)'
	assert_line '  CERTCTL_LOG_LEVEL (default info)'
	local v missing='' vars
	vars=$(config_env_vars)
	for v in $vars; do
		[[ $output == *"  $v"* ]] || missing+=" $v"
	done
	[ -z "$missing" ] || fail "missing from help environment:$missing"
}

@test "certctl help nosuch exits 2" {
	run certctl help nosuch
	assert_failure 2
	assert_output --partial "'nosuch'"
}
