/* Unit tests of lib/csvfile and lib/inventory: loading and validation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inventory.h"
#include "tap.h"

static char path[] = "/tmp/ovcsvXXXXXX";

static void
write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
}

static const char *
customers_error(const char *text)
{
	static char err[512];
	struct ov_customers c;
	char *p;

	write_file(text);
	if (ov_customers_load(path, &c, err, sizeof err) == 0) {
		ov_customers_free(&c);
		return "loaded";
	}
	p = strchr(err, ':');	/* drop the temporary path */
	return p ? p + 1 : err;
}

#define HEADER "customer,name,plan,contract_start,contract_end,hour_rate," \
	"deployment_fee,email\n"

int
main(void)
{
	struct ov_customers c;
	struct ov_deployments d;
	char err[512];
	int fd = mkstemp(path);

	close(fd);
	write_file(HEADER
	    "acme,\"Acme, Inc.\",24x7,2026-01-01,,60.00,500,acme.example\n"
	    "\n"
	    "beta,\"Beta \"\"B\"\"\",nbd,2026-11-17,2027-03-10,,,\"a@b.example;"
	    "c@d.example\"\n");
	tap_is_int(ov_customers_load(path, &c, err, sizeof err), 0,
	    "customers load");
	tap_is_int((long long)c.count, 2, "two customers");
	tap_is_str(c.items[0].name, "Acme, Inc.", "quoted comma");
	tap_is_str(c.items[1].name, "Beta \"B\"", "doubled quote");
	tap_is_int(c.items[1].line, 4, "line of the second row");
	tap_is_int(c.items[0].deployment_fee, 50000, "fee in cents");
	tap_ok(c.items[0].contract_end == OV_NO_DATE, "open-ended contract");
	tap_ok(!c.items[1].has_hour_rate, "empty hour rate");
	tap_ok(ov_customer_find(&c, "beta") == &c.items[1], "find customer");
	ov_customers_free(&c);

	tap_is_str(customers_error(HEADER "acme,A,24x7,2026-02-30,,,,x\n"),
	    "2: contract_start: day out of range for its month: '2026-02-30'",
	    "impossible date");
	tap_is_str(customers_error(HEADER "acme,A,24x7,2026-02-01,,,\n"),
	    "2: expected 8 fields as in the header, found 7",
	    "missing column");
	tap_is_str(customers_error(HEADER "acme,\"A,24x7,2026-02-01,,,,x\n"),
	    "2: invalid CSV: unterminated quoted field (starting on line 2)",
	    "unterminated quote");
	tap_is_str(customers_error("customer,name\nacme,A\n"),
	    "1: missing column 'plan' in the header row", "short header");
	tap_is_str(customers_error("customer,name,plan,contract_start,"
	    "contract_end,hour_rate,deployment_fee,email,name\n"
	    "acme,A,24x7,2026-02-01,,,,x,B\n"),
	    "1: column 'name' appears twice in the header row; keep one",
	    "column twice in the header");
	tap_is_str(customers_error(""),
	    " empty file: a header row is required", "empty file");
	tap_is_str(customers_error(HEADER "acme,A,24x7,2026-02-01,,,,x\n"
	    "acme,B,nbd,2026-02-01,,,,y\n"),
	    "3: customer: duplicate customer 'acme' (first on line 2)",
	    "duplicate customer");
	tap_is_str(customers_error(HEADER "acme,A,24x7,2026-02-01,2026-01-01"
	    ",,,x\n"), "2: contract_end: contract ends before it starts: "
	    "'2026-01-01'", "end before start");
	tap_is_str(customers_error(HEADER "ac me,A,24x7,2026-02-01,,,,x\n"),
	    "2: customer: invalid identifier (letters, digits, . _ - @): "
	    "'ac me'", "bad identifier");
	tap_is_str(customers_error(HEADER "acme,A,24x7,2026-02-01,,1.2.3,,x\n"),
	    "2: hour_rate: invalid amount: expected a decimal like 0.0024: "
	    "'1.2.3'", "bad hour rate");

	write_file("deployment,customer,url,api,secret_file,master_cores,"
	    "media_node_cores,tls_verify\r\n"
	    "acme-prod,acme,https://127.0.0.1:4443,openvidu2,/etc/ov/s,4,8,"
	    "true\r\n"
	    "acme-lk,acme,http://127.0.0.1:6789/metrics,openvidu3,env:LK,2,2,"
	    "false\r\n");
	tap_is_int(ov_deployments_load(path, &d, err, sizeof err), 0,
	    "deployments load with CRLF");
	tap_is_int((long long)d.count, 2, "two deployments");
	tap_is_int(d.items[0].media_node_cores, 8, "media node cores");
	tap_ok(!d.items[1].tls_verify, "tls_verify false");
	tap_is_str(d.items[1].secret_file, "env:LK", "secret from environment");
	ov_deployments_free(&d);
	write_file("deployment,customer,url,api,secret_file,master_cores,"
	    "media_node_cores,tls_verify\n"
	    "x,acme,https://h,openvidu9,,4,8,true\n");
	tap_is_int(ov_deployments_load(path, &d, err, sizeof err), -1,
	    "unknown api rejected");
	tap_ok(strstr(err, ":2: api: expected openvidu2, openvidu3 or "
	    "prometheus: 'openvidu9'") != NULL, "unknown api reason");
	unlink(path);
	return tap_done();
}
