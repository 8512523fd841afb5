# bash completion for the ov toolkit: ovscrape, ovalarm, ovticket, ovsla,
# ovbill.  Install as /usr/share/bash-completion/completions/ov and link or
# copy it under each program's name, or source it from ~/.bashrc.
#
# Options are read from each program's (or subcommand's) --help, so the
# completion follows the installed version.

_ov_subcommands() {
	case $1 in
	ovscrape) echo "events" ;;
	ovalarm) echo "report" ;;
	ovticket) echo "ingest open ack note reply workaround resolve close" \
		"reopen pending resume severity assign worklog list show" \
		"export import mail notify portal" ;;
	ovsla) echo "status check report" ;;
	ovbill) echo "usage" ;;
	esac
}

_ov_options() {
	"$@" --help 2>/dev/null |
		grep -o -- '--[a-z][a-z-]*' | sort -u
}

_ov() {
	local cur prev prog sub word i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	prog=${COMP_WORDS[0]##*/}

	sub=
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		case " $(_ov_subcommands "$prog") " in
		*" $word "*) sub=$word; break ;;
		esac
	done

	case $prev in
	--db | --deployments | --customers | --rules | --state | --plans | \
	--rejects | --cacert | --config | --reports | --sla)
		COMPREPLY=($(compgen -f -- "$cur"))
		return ;;
	--rules-dir | --out)
		COMPREPLY=($(compgen -d -- "$cur"))
		return ;;
	--severity)
		COMPREPLY=($(compgen -W "critical normal" -- "$cur"))
		return ;;
	--channel)
		COMPREPLY=($(compgen -W "phone email portal alarm" -- "$cur"))
		return ;;
	--plan)
		COMPREPLY=($(compgen -W "24x7 nbd" -- "$cur"))
		return ;;
	--format)
		COMPREPLY=($(compgen -W "records alertmanager" -- "$cur"))
		return ;;
	--month)
		COMPREPLY=($(compgen -W "$(date -u +%Y-%m) $(date -u -d 'last month' +%Y-%m 2>/dev/null)" -- "$cur"))
		return ;;
	esac

	if [[ $cur == -* ]]; then
		if [ -n "$sub" ]; then
			COMPREPLY=($(compgen -W "$(_ov_options "$prog" "$sub")" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(_ov_options "$prog")" -- "$cur"))
		fi
		return
	fi
	if [ -z "$sub" ] && [ -n "$(_ov_subcommands "$prog")" ]; then
		COMPREPLY=($(compgen -W "$(_ov_subcommands "$prog")" -- "$cur"))
		[ "$prog" = ovticket ] && return
	fi
	COMPREPLY+=($(compgen -f -- "$cur"))
}

complete -o filenames -F _ov ovscrape ovalarm ovticket ovsla ovbill
