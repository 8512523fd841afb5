#!/bin/bash
# The portal served as the README shows: nginx with one basic-auth file per
# customer folder, so that each customer logs in to its own tree only.
source "$(dirname "$0")/lib.sh"

F=$TOP/tests/fixtures/ovticket-channels
export OV_DB=$T/tickets.db
ovticket open --customer acme --severity critical --by eng \
	--at 2026-11-02T09:00:00Z --summary "Acme video down" >/dev/null
ovticket open --customer globex --severity normal --by eng \
	--at 2026-11-02T09:00:00Z --summary "Globex slow" >/dev/null
ovticket portal --out "$T/site" --customers "$F/customers.csv" \
	--now 2026-11-04T12:00:00Z

mkdir -p "$T/auth/customers" "$T/nginx"
htpasswd_line() { printf '%s:%s\n' "$1" "$(openssl passwd -apr1 "$2")"; }
htpasswd_line staff staff-pw >"$T/auth/staff.htpasswd"
htpasswd_line acme-user acme-pw >"$T/auth/customers/acme.htpasswd"
htpasswd_line globex-user globex-pw >"$T/auth/customers/globex.htpasswd"

P=$(free_port)
cat >"$T/nginx/nginx.conf" <<EOF
daemon off;
master_process off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $T/nginx/body;
	proxy_temp_path $T/nginx/proxy;
	fastcgi_temp_path $T/nginx/fastcgi;
	uwsgi_temp_path $T/nginx/uwsgi;
	scgi_temp_path $T/nginx/scgi;
	server {
		listen 127.0.0.1:$P;
		root $T/site;
		location / {
			auth_basic "ov staff";
			auth_basic_user_file $T/auth/staff.htpasswd;
		}
		location ~ ^/customers/(?<customer>[A-Za-z0-9_@-][A-Za-z0-9._@-]*)/ {
			auth_basic "ov \$customer";
			auth_basic_user_file $T/auth/customers/\$customer.htpasswd;
		}
	}
}
EOF
/usr/sbin/nginx -p "$T/nginx" -e "$T/nginx/error.log" -c "$T/nginx/nginx.conf" &
cleanup "stop_pid $!"
wait_for curl -s -o /dev/null "http://127.0.0.1:$P/"

# status USER:PASSWORD PATH: the HTTP status of one request.
status() {
	curl -s --path-as-is -o /dev/null -w '%{http_code}' ${1:+-u "$1"} \
		"http://127.0.0.1:$P$2"
}
is "$(status '' /customers/acme/index.html)" 401 "no login: 401"
is "$(status acme-user:acme-pw /customers/acme/index.html)" 200 \
	"acme logs in to its overview"
is "$(status acme-user:acme-pw /customers/acme/tickets/1.html)" 200 \
	"acme reads its ticket"
is "$(status acme-user:acme-pw /customers/globex/index.html)" 401 \
	"acme cannot read globex's tree"
is "$(status acme-user:acme-pw /customers/globex/tickets/2.html)" 401 \
	"acme cannot read globex's ticket"
is "$(status acme-user:acme-pw /index.html)" 401 \
	"acme cannot read the staff overview"
is "$(status acme-user:acme-pw /customers/acme/../../tickets/2.html)" 401 \
	"dot segments do not lead out of the tree"
is "$(status acme-user:wrong /customers/acme/index.html)" 401 \
	"wrong password: 401"
is "$(status globex-user:globex-pw /customers/globex/index.html)" 200 \
	"globex logs in to its overview"
is "$(status staff:staff-pw /index.html)" 200 "staff reads the overview"
is "$(status staff:staff-pw /tickets/2.html)" 200 "staff reads every ticket"
body=$(curl -s -u acme-user:acme-pw "http://127.0.0.1:$P/customers/acme/")
like "$body" 'Acme video down' "folder URL serves the customer's index"
unlike "$body" 'Globex' "acme's page names no other customer"
done_testing
