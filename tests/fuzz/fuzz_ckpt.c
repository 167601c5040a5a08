/*
 * fuzz_ckpt.c - libFuzzer target for the L2TP checkpoint records of both
 * message versions (ISSU: ha_msgver.c), what a standby parses from the
 * active. The first byte picks the version (bit 7 set: 3, else bit 0: 1
 * or 2) and the record type (bits 1-6); the others are the record. A
 * record that decodes is said in another version (1 <-> 2, 3 -> 2) and
 * decoded again (not required to succeed:
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
	uint32_t v, other, type;
	int n;

	if (!init) {
		ha_standby_init();
		init = 1;
	}
	if (len < 1)
		return 0;
	v = (data[0] & 0x80) ? 3 : 1 + (data[0] & 1);
	other = v == 1 ? 2 : v - 1;
	type = 1 + ((data[0] & 0x7f) >> 1) % R_SUB_DEL;
	if ((r = ha_rec_find(type)) == NULL)
		return 0;
	if ((m = ha_rec_decode(r->pb, type, v, data + 1, len - 1)) != NULL) {
		n = ha_rec_encode(m, type, other, buf, sizeof(buf));
		if (n >= 0 && (m2 = ha_rec_decode(r->pb, type, other, buf,
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
