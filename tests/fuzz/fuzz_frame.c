/*
 * fuzz_frame.c - libFuzzer target for the inter-RP frame decoder, the only
 * parser of bytes from the other unit. Longer run:
 *   build-asan/tests/fuzz_frame -max_total_time=3600 tests/fuzz/corpus/fuzz_frame
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "sso_local.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	enum sso_bad why;
	Sso__Frame *f = sso_frame_decode(data, len, &why);

	if (f != NULL) {
		/* a frame that validates must re-encode */
		uint8_t *buf = malloc(sso__frame__get_packed_size(f) + 1);

		if (buf) {
			sso__frame__pack(f, buf);
			free(buf);
		}
		sso__frame__free_unpacked(f, NULL);
	} else if ((unsigned)why >= SSO_BAD_MAX)
		__builtin_trap();
	return 0;
}
