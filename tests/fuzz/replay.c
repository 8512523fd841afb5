/*
 * Runs a libFuzzer target's entry point on the files named as arguments,
 * without libFuzzer, so that the corpora and every input that ever crashed
 * a target are replayed by `make check` with the ordinary compiler.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		uint8_t *data;
		long size;

		if (f == NULL || fseek(f, 0, SEEK_END) != 0 ||
		    (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
			perror(argv[i]);
			return 1;
		}
		data = malloc((size_t)size + 1);
		if (data == NULL || fread(data, 1, (size_t)size, f) !=
		    (size_t)size) {
			perror(argv[i]);
			return 1;
		}
		fclose(f);
		LLVMFuzzerTestOneInput(data, (size_t)size);
		free(data);
	}
	printf("replayed %d inputs\n", argc - 1);
	return 0;
}
