#!/bin/bash
# ovscrape without servers: options, inventory validation, secrets that
# cannot be used, and --shard splitting an inventory with no overlap or gap.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/fixtures/ovscrape/sim.sh"

# --- options -------------------------------------------------------------
run ovscrape --help
is "$STATUS" 0 "--help exits 0"
like "$OUT" "usage: ovscrape \[-qv\]" "--help starts with the usage line"
like "$OUT" "--shard K/N" "--help lists --shard"

run ovscrape
is "$STATUS" 2 "missing --deployments is a usage error"
like "$ERR" "^ovscrape: --deployments FILE is required" "names the option"

run ovscrape --deployments x.csv --timeout 0s
is "$STATUS" 2 "--timeout 0s rejected"
run ovscrape --deployments x.csv --shard 5/4
is "$STATUS" 2 "--shard K above N rejected"
like "$ERR" "--shard '5/4': expected K/N" "--shard error names the value"
run ovscrape --deployments x.csv --shard 1/0
is "$STATUS" 2 "--shard N of 0 rejected"
run ovscrape --deployments x.csv --every 1m --now 2026-11-02T00:00:00Z
is "$STATUS" 2 "--every with --now rejected"
run ovscrape --deployments x.csv --paralel 3
like "$ERR" "did you mean '--parallel'" "misspelt option gets a suggestion"
run ovscrape --deployments "$T/missing.csv"
is "$STATUS" 3 "missing inventory exits 3"

# --- inventory validation ------------------------------------------------
inventory "$T/bad-api.csv" \
	"a,acme,https://127.0.0.1:9/,openvidu2,/dev/null,4,8,true" \
	"b,acme,https://127.0.0.1:9/,openvidu4,/dev/null,4,8,true"
run ovscrape --deployments "$T/bad-api.csv" --list
is "$STATUS" 3 "unknown api exits 3"
like "$ERR" "bad-api.csv:3: api: expected openvidu2, openvidu3 or prometheus" \
	"unknown api names file, line and field"

inventory "$T/dup.csv" \
	"a,acme,https://127.0.0.1:9/,openvidu2,/dev/null,4,8,true" \
	"a,acme,https://127.0.0.1:9/,openvidu2,/dev/null,4,8,true"
run ovscrape --deployments "$T/dup.csv" --list
like "$ERR" "dup.csv:3: deployment: duplicate deployment 'a'" \
	"duplicate deployment rejected"

inventory "$T/cred.csv" \
	"a,acme,https://OPENVIDUAPP:hunter2@127.0.0.1:9/,openvidu2,/dev/null,4,8,true"
run ovscrape --deployments "$T/cred.csv" --list
is "$STATUS" 3 "credentials in a URL rejected"
like "$ERR" "cred.csv:2: url: deployment a: the URL contains credentials" \
	"URL credentials error names the line"
unlike "$ERR$OUT" "hunter2" "URL credentials not repeated in the error"

inventory "$T/cores.csv" \
	"a,acme,https://127.0.0.1:9/,openvidu2,/dev/null,four,8,true"
run ovscrape --deployments "$T/cores.csv" --list
like "$ERR" "cores.csv:2: master_cores: expected a whole number" \
	"non-numeric cores rejected"

# --- secrets that cannot be used (no request is made) --------------------
printf 'from-file\n' >"$T/open-secret"
chmod 644 "$T/open-secret"
inventory "$T/secrets.csv" \
	"nofile,acme,http://127.0.0.1:9/,openvidu2,$T/absent,4,8,true" \
	"noenv,acme,http://127.0.0.1:9/,openvidu2,env:OVSCRAPE_TEST_UNSET,4,8,true" \
	"empty,acme,http://127.0.0.1:9/,openvidu2,,4,8,true"
run env -u OVSCRAPE_TEST_UNSET ovscrape --deployments "$T/secrets.csv" \
	--now 2026-11-02T09:00:00Z
is "$STATUS" 1 "unusable secrets exit 1"
is "$(metric up | sort -u)" "0" "every deployment without a secret is down"
is "$(label up error | sort -u)" "secret" "labels.error is secret"
like "$ERR" "secrets.csv:2: deployment nofile: cannot open secret file" \
	"missing secret file names the line"
like "$ERR" "secrets.csv:3: deployment noenv: environment variable OVSCRAPE_TEST_UNSET is not set" \
	"unset environment variable named"
like "$ERR" "secrets.csv:4: deployment empty: secret_file is empty" \
	"empty secret_file on openvidu2 reported"
is "$(jq -r 'select(.metric == "up") | .time' <<<"$OUT" | sort -u)" \
	"2026-11-02T09:00:00Z" "--now stamps the samples"
is "$(jq -r 'select(.metric == "up") | .customer' <<<"$OUT" | sort -u)" \
	"acme" "samples carry the customer"

# A NUL byte inside the first line is rejected, never cut off silently:
# "abc" would otherwise be sent as the secret.
printf 'abc\0def\n' >"$T/nul-secret"
chmod 600 "$T/nul-secret"
inventory "$T/nul.csv" \
	"nul,acme,http://127.0.0.1:9/,openvidu2,$T/nul-secret,4,8,true"
run ovscrape --deployments "$T/nul.csv" --now 2026-11-02T09:00:00Z
is "$STATUS" 1 "secret with a NUL byte: exit 1"
is "$(label up error)" secret "secret with a NUL byte: labels.error secret"
like "$ERR" "nul.csv:2: deployment nul: secret file .*contains a NUL byte" \
	"secret with a NUL byte reported"

# A group-readable secret file is used, with a warning; the refused port
# makes the poll itself fail.
port=$(free_port)
inventory "$T/mode.csv" \
	"open,acme,http://127.0.0.1:$port/,openvidu2,$T/open-secret,4,8,false"
run ovscrape --deployments "$T/mode.csv" --retries 0
like "$ERR" "mode.csv:2: warning: deployment open: secret file .* is readable by group or others" \
	"group-readable secret file warned about"
like "$ERR" "mode.csv:2: warning: deployment open: tls_verify is false" \
	"tls_verify false warned about"
run ovscrape -q --deployments "$T/mode.csv" --retries 0
unlike "$ERR" "warning" "-q mutes the warnings"

# --- --list and --shard --------------------------------------------------
{
	echo "deployment,customer,url,api,secret_file,master_cores,media_node_cores,tls_verify"
	for i in $(seq 1 200); do
		printf 'dep-%03d,cust-%d,https://127.0.0.1:9/d/dep-%03d,openvidu2,env:X,4,8,true\n' \
			"$i" $((i % 7)) "$i"
	done
} >"$T/200.csv"
run ovscrape --deployments "$T/200.csv" --list
is "$STATUS" 0 "--list exits 0"
is "$(wc -l <<<"$OUT")" 200 "--list prints every deployment"
is "$(head -n 1 <<<"$OUT")" \
	"$(printf 'dep-001\tcust-1\topenvidu2\thttps://127.0.0.1:9/d/dep-001')" \
	"--list line: deployment, customer, api, url"
cut -f1 <<<"$OUT" | sort >"$T/all"

partition_ok=0
for n in $(seq 1 16); do
	: >"$T/union"
	for k in $(seq 1 "$n"); do
		ovscrape --deployments "$T/200.csv" --list --shard "$k/$n" |
			cut -f1 >>"$T/union"
	done
	# No gap: every deployment appears; no overlap: none appears twice.
	if ! cmp -s <(sort "$T/union") "$T/all"; then
		echo "# shards of N=$n do not partition the inventory"
		partition_ok=1
	fi
done
ok "$partition_ok" "shards K/N for N 1..16 partition 200 deployments"

# The assignment depends only on the name: a reordered inventory gives the
# same shard.
{ head -n 1 "$T/200.csv"; tail -n +2 "$T/200.csv" | sort -r; } >"$T/rev.csv"
is "$(ovscrape --deployments "$T/rev.csv" --list --shard 3/7 | cut -f1 | sort)" \
	"$(ovscrape --deployments "$T/200.csv" --list --shard 3/7 | cut -f1 | sort)" \
	"shard membership does not depend on line order"
n1=$(ovscrape --deployments "$T/200.csv" --list --shard 1/4 | wc -l)
ok $((n1 > 20 && n1 < 80 ? 0 : 1)) "shard 1/4 holds a fair share ($n1 of 200)"

done_testing
