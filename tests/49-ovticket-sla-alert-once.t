#!/bin/bash
# notify sends an SLA state once: `ovsla status | ovticket notify` from cron
# reports the same state of the same target on every run, and only the
# first one becomes an alert (the outbox keys SLA notices by ticket,
# target, state and met_at).
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket-channels
export OV_DB=$T/tickets.db
P=$(free_port)
mkdir "$T/hook"
/usr/bin/python3 -u "$F/webhook.py" "$P" "$T/hook" >"$T/hook.log" 2>&1 &
cleanup "stop_pid $!"
wait_for grep -q ready "$T/hook.log"
printf '[route s]\nwebhook = http://127.0.0.1:%s/h\nactions = none\n' \
	"$P" >"$T/notify.conf"
ovticket open --customer acme --severity critical --summary s --by eng \
	--at 2026-11-02T09:00:00Z >/dev/null
sla() { # sla TIME TARGET STATE: one record of ovsla status
	printf '{"kind":"sla","time":"%s","ticket":1,"customer":"acme",' "$1"
	printf '"plan":"24x7","severity":"critical","target":"%s",' "$2"
	printf '"state":"%s","due":"2026-11-02T13:00:00Z"}\n' "$3"
}
received() { wc -l <"$T/hook/received.ndjson" 2>/dev/null || echo 0; }
# Three cron runs, five minutes apart, while the target stays breached.
for at in 13:05 13:10 13:15; do
	sla "2026-11-02T$at:00Z" reaction breached |
		ovticket notify --config "$T/notify.conf" \
		--now "2026-11-02T$at:00Z"
done
is "$(received)" 1 "a breached target is sent once, not on every run"
sla 2026-11-02T13:20:00Z workaround breached |
	ovticket notify --config "$T/notify.conf" --now 2026-11-02T13:20:00Z
is "$(received)" 2 "another target's breach is sent"
done_testing
