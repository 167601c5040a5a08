/*
 * fuzz_radius.c - libFuzzer target for librad's input paths: answers from
 * a server (parse, Response Authenticator and Message-Authenticator
 * checks, the Access-Accept attributes we honour, attribute printing),
 * dynamic-authorization requests (RFC 5176: client lookup, request
 * authenticator, duplicate cache, ACK/NAK building) and checkpointed
 * accounting records and Disconnect/CoA answers.
 *
 * Input: byte 0 picks the path (mod 3), byte 1 the action's verdict for
 * the dynamic-authorization path; the rest is the datagram (or record).
 * For the DAE path the datagram is fed twice (the second time it must be
 * answered from the duplicate cache with the same bytes); with bit 1 of
 * byte 1 set its Request Authenticator is first made right for the key,
 * so that mutated attributes reach the action and the answer builder.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#include "rad_local.h"

static const uint8_t ra[16] = { 0x0f, 0x40, 0x3f, 0x94, 0x73, 0x97, 0x80,
    0x57, 0xbd, 0x83, 0xd5, 0xcb, 0x98, 0xf4, 0x22, 0x7a };
static int verdict;

static int
fz_action(void *arg, uint8_t code, const struct rad_pkt *req)
{
	struct rad_authz z;

	(void)arg;
	(void)code;
	(void)rad_authz_decode(req, &z);
	return verdict;
}

static void
fz_reply(const uint8_t *d, size_t n)
{
	static struct rad_pkt p;
	struct rad_authz z;
	struct rad_iter it;
	struct sso_cur v;
	uint8_t t;
	char line[1200];

	(void)rad_reply_verify(d, n, ra, "xyzzy5461", 0);
	(void)rad_request_verify(d, n, "xyzzy5461");
	if (rad_pkt_parse(&p, d, n) != RAD_E_OK)
		return;
	(void)rad_authz_decode(&p, &z);
	rad_iter_init(&it, p.attrs.buf, p.attrs.len);
	while (rad_iter_next(&it, &t, &v) == 1)
		(void)rad_attr_format(t, v, line, sizeof(line));
}

static void
fz_dae(const uint8_t *d, size_t n, uint8_t sel)
{
	static struct rad_dae *dae;
	static uint8_t out[RAD_PKT_MAX], out2[RAD_PKT_MAX];
	static uint8_t signed_buf[RAD_PKT_MAX];
	struct sockaddr_in from = { .sin_family = AF_INET };
	size_t l1, l2;

	if (dae == NULL) {
		struct in_addr a = { .s_addr = htonl(0x7f000001) };

		dae = rad_dae_new(fz_action, NULL);
		rad_dae_client_add(dae, a, "testing123");
	}
	from.sin_addr.s_addr = htonl(0x7f000001);
	from.sin_port = htons(1000 + sel);
	if ((sel & 2) && n >= RAD_HDR_LEN && n <= sizeof(signed_buf)) {
		size_t l = (size_t)d[2] << 8 | d[3];

		if (l < RAD_HDR_LEN || l > n)
			l = n;
		memcpy(signed_buf, d, n);
		memset(signed_buf + 4, 0, 16);
		if (sso_md5(signed_buf + 4, signed_buf, l, "testing123", 10,
		    NULL, 0, NULL, 0) == -1)
			return;
		d = signed_buf;
	}
	verdict = sel & 1 ? RAD_EC_SESSION_NOT_FOUND : 0;
	l1 = rad_dae_input(dae, &from, d, n, out);
	l2 = rad_dae_input(dae, &from, d, n, out2);
	if (l1 != l2 || memcmp(out, out2, l1) != 0)
		__builtin_trap();
	if (l1 > 0 && rad_reply_verify(out, l1, d + 4, "testing123", 0) !=
	    RAD_E_OK)
		__builtin_trap();
}

static void
fz_record(const uint8_t *d, size_t n)
{
	static struct rad_acct_rec r;
	static struct rad_avlist l;
	struct sso_cur c;

	struct rad_dae_answer a;

	sso_cur_init(&c, d, n);
	if (rad_acct_rec_decode(&r, &c) == 0)
		(void)rad_acct_rec_attrs(&r, r.event_time + 5, &l);
	sso_cur_init(&c, d, n);
	(void)rad_dae_answer_decode(&a, &c);
}

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	switch (data[0] % 3) {
	case 0:
		fz_reply(data + 2, size - 2);
		break;
	case 1:
		fz_dae(data + 2, size - 2, data[1]);
		break;
	default:
		fz_record(data + 2, size - 2);
		break;
	}
	return 0;
}
