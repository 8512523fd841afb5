# Ticket events for the benchmarks of ovsla and ovticket: TICKETS tickets
# (awk -v tickets=N) of ten events each, opened through 2026 for customers
# c0 to c199.  A linear congruential generator keeps the input the same on
# every machine.  Tickets are written in blocks of 100 whose events are
# interleaved, as an export of concurrent tickets would be.
function rnd(n) { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n }
function stamp(t,   d, s) {
	d = int(t / 86400); s = t % 86400
	return sprintf("%s%02d:%02d:%02dZ", day[d], int(s / 3600), int(s % 3600 / 60), s % 60)
}
function ev(id, t, action, extra) {
	line[id % 100, n[id % 100]++] = sprintf("{\"kind\":\"ticket\",\"time\":\"%s\",\"ticket\":%d,\"action\":\"%s\"%s}", stamp(t), id, action, extra)
}
BEGIN {
	seed = 20261204
	split("31 28 31 30 31 30 31 31 30 31 30 31", mdays, " ")
	k = 0
	for (m = 1; m <= 12; m++)
		for (d = 1; d <= mdays[m]; d++)
			day[k++] = sprintf("2026-%02d-%02dT", m, d)
	for (id = 1; id <= tickets; id++) {
		t = rnd(300 * 86400)
		cust = rnd(200)
		sev = rnd(3) ? "normal" : "critical"
		ev(id, t, "opened", sprintf(",\"customer\":\"c%d\",\"severity\":\"%s\",\"channel\":\"email\",\"summary\":\"bench ticket %d\"", cust, sev, id))
		t += 60 + rnd(20000); ev(id, t, "acknowledged", ",\"by\":\"ana\"")
		t += 60 + rnd(3600); ev(id, t, "note", ",\"text\":\"looking\",\"by\":\"ana\",\"public\":false")
		t += 60 + rnd(7200); ev(id, t, "pending", ",\"by\":\"ana\"")
		t += 60 + rnd(90000); ev(id, t, "customer_reply", ",\"text\":\"here are the logs\"")
		t += 60 + rnd(30000); ev(id, t, "workaround", ",\"text\":\"restart\",\"by\":\"ana\"")
		t += 60 + rnd(3600); ev(id, t, "worklog", ",\"minutes\":45,\"by\":\"ana\"")
		t += 60 + rnd(200000); ev(id, t, "resolved", ",\"text\":\"fixed\",\"by\":\"ana\"")
		t += 60 + rnd(100000); r = rnd(5); ev(id, t, r ? "closed" : "reopened", (r ? "" : ",\"text\":\"not fixed\"") ",\"by\":\"ana\"")
		t += 60 + rnd(100000); ev(id, t, "severity", ",\"severity\":\"critical\",\"by\":\"ana\"")
		if (id % 100 == 0) {
			for (j = 0; j < 10; j++)
				for (b = 0; b < 100; b++)
					print line[b, j]
			delete line; delete n
		}
	}
}
