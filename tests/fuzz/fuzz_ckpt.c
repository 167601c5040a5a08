/*
 * fuzz_ckpt.c - libFuzzer target for the L2TP checkpoint records of both
 * message versions (ISSU: ha_msgver.c), what a standby parses from the
 * active. The first byte picks the version (bit 0: 1 or 2) and the record
 * type (the rest); the others are the record. A record that decodes is
 * said in the other version and decoded again (not required to succeed:
 * protobuf-c keeps unknown fields it read from an overlong tag and writes
 * them back in a form it then refuses); then the standby applies it to
 * its copy (emptied after every input). Longer run:
 *   build-asan/tests/fuzz_ckpt -max_total_time=3600 tests/fuzz/corpus/fuzz_ckpt
 */
#include <stddef.h>
#include <stdint.h>

#include "ha_local.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static int init;
	static uint8_t buf[HA_REC_MAX];
	struct ha_standby_stats st;
	const struct ha_rec *r;
	ProtobufCMessage *m, *m2;
	uint32_t v, type;
	int n;

	if (!init) {
		ha_standby_init();
		init = 1;
	}
	if (len < 1)
		return 0;
	v = 1 + (data[0] & 1);
	type = 1 + (data[0] >> 1) % R_SUB_DEL;
	if ((r = ha_rec_find(type)) == NULL)
		return 0;
	if ((m = ha_rec_decode(r->pb, type, v, data + 1, len - 1)) != NULL) {
		n = ha_rec_encode(m, type, 3 - v, buf, sizeof(buf));
		if (n >= 0 && (m2 = ha_rec_decode(r->pb, type, 3 - v, buf,
		    (size_t)n)) != NULL)
			protobuf_c_message_free_unpacked(m2, NULL);
		protobuf_c_message_free_unpacked(m, NULL);
	}
	(void)ha_apply(NULL, v, type, data + 1, len - 1);
	ha_standby_stats(&st);
	if (st.tunnels)		/* a walk of every tunnel id: only then */
		ha_reset(NULL);
	return 0;
}
