/* Fuzz target: customers.csv and deployments.csv loading. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct ov_customers c;
	struct ov_deployments d;
	char err[512];
	FILE *f;

	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/ovfuzzcsv.%d", (int)getpid());
	f = fopen(path, "wb");
	if (f == NULL)
		return 0;
	fwrite(data, 1, size, f);
	fclose(f);
	if (ov_customers_load(path, &c, err, sizeof err) == 0)
		ov_customers_free(&c);
	if (ov_deployments_load(path, &d, err, sizeof err) == 0)
		ov_deployments_free(&d);
	unlink(path);
	return 0;
}
