# bash completion for certctl: candidates come from `certctl __complete`, which reads the
# command table, so this file never needs to change when commands or options do.
_certctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local IFS=$'\n'
	COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "$cur"))
}
complete -o default -F _certctl certctl certctl-cli
