/*
 * fuzz_l2tp_packet.c - libFuzzer target: arbitrary datagrams into
 * l2tp_input() of a fresh engine holding one established tunnel (local
 * id 0x1234, the id of the golden vectors) with one session (0x5678),
 * plus an LNS group that accepts new SCCRQs.
 *
 * Input: one datagram, or, when the first byte is 0xff, a sequence of
 * datagrams each prefixed by a 16-bit big-endian length. Afterwards
 * every timer body runs once so retransmit/ack/hello paths see the state
 * the input left. The engine is destroyed per input (LSan checks leaks).
 */
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

#include "l2tp_local.h"

static struct ev_loop *loop;
static struct l2tp_group grp;

static int
fz_send(void *arg, const uint8_t *b, size_t len, const struct sockaddr *to,
    socklen_t tl)
{
	return 0;
}

static const struct l2tp_group *
fz_group(void *arg, const char *peer, const struct sockaddr *from,
    socklen_t fl)
{
	return &grp;
}

static const struct l2tp_host_ops fz_ops = {
	.send = fz_send,
	.group_lookup = fz_group,
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);
int	LLVMFuzzerInitialize(int *, char ***);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	loop = ev_default_loop(0);
	l2tp_group_defaults(&grp);
	grp.accept_dialin = grp.request_dialin = 1;
	grp.data_reflect = 1;
	strcpy(grp.password, "fuzz");
	return 0;
}

static void
run_timers(struct l2tp_ctx *ctx)
{
	struct l2tp_tunnel *t;

	l2tp_ctx_enter(ctx);
	for (t = l2tp_tunnel_next(ctx, NULL); t != NULL;
	    t = l2tp_tunnel_next(ctx, t)) {
		l2tp_ctrl_ack_timeout(t);
		l2tp_ctrl_hello_timeout(t);
		l2tp_ctrl_rtx_timeout(t);
	}
	l2tp_ctx_leave(ctx);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_in peer = { .sin_family = AF_INET,
	    .sin_port = htons(L2TP_PORT), .sin_addr.s_addr = htonl(0x7f000002) };
	struct l2tp_tunnel_info ti = { .local_tid = 0x1234, .remote_tid = 0x4321 };
	struct l2tp_session_info si = { .local_sid = 0x5678,
	    .remote_sid = 0x8765, .call = L2TP_CALL_LNS_IC };
	struct l2tp_ctx *ctx;
	struct l2tp_tunnel *t;
	struct sso_cur c;
	uint16_t n;

	if ((ctx = l2tp_ctx_create(loop, &fz_ops, NULL)) == NULL)
		return 0;
	memcpy(&ti.peer, &peer, sizeof(peer));
	ti.peer_len = sizeof(peer);
	if ((t = l2tp_tunnel_restore(ctx, &grp, &ti)) != NULL)
		(void)l2tp_session_restore(t, &si);
	if (size > 0 && data[0] == 0xff) {
		sso_cur_init(&c, data + 1, size - 1);
		while (sso_cur_get_u16(&c, &n) == 0) {
			struct sso_cur one;

			if (sso_cur_sub(&c, n < c.len ? n : c.len, &one) == -1)
				break;
			(void)l2tp_input(ctx, one.p, one.len,
			    (struct sockaddr *)&peer, sizeof(peer));
		}
	} else
		(void)l2tp_input(ctx, data, size, (struct sockaddr *)&peer,
		    sizeof(peer));
	run_timers(ctx);
	l2tp_ctx_destroy(ctx);
	return 0;
}
