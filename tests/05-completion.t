#!/bin/bash
# The bash completion offers subcommands and each command's own options.
source "$(dirname "$0")/lib.sh"
source "$TOP/scripts/completion/ov.bash"

complete_words() { # complete_words WORD...: the candidates for the last word
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_ov
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

like "$(complete_words ovticket li)" "^list $" "ovticket subcommand"
like "$(complete_words ovsla ch)" "^check $" "ovsla subcommand"
like "$(complete_words ovbill --cus)" "^--customers $" "ovbill option"
like "$(complete_words ovticket worklog --min)" "^--minutes $" \
	"option of an ovticket command"
like "$(complete_words ovalarm --sta)" "^--state $" "ovalarm option"
like "$(complete_words ovticket open --severity c)" "^critical $" \
	"severity values"
like "$(complete_words ovscrape --shar)" "^--shard $" "ovscrape option"
if command -v zsh >/dev/null; then
	zsh -n "$TOP/scripts/completion/_ov"
	ok $? "zsh completion parses"
fi
done_testing
