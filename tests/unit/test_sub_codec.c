/*
 * test_sub_codec.c - the subscriber checkpoint record (sub_codec.c): a
 * CHAP session brought up back to back is exported, packed with its
 * accounting identity, counters and routes, serialized, parsed, decoded
 * and restored into a fresh engine, which holds the same state and sends
 * nothing until the peer does; every malformed record apply refuses is
 * refused by the decoder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ppp_b2b.h"
#include "sub_codec.h"

/* a subscriber as a unit would checkpoint it, around e */
static void
fill(struct sub_ckpt *c, const struct ppp_established *e)
{
	static const uint8_t class0[] = { 0x00, 0xff, 0x80, 0x0a, 0x00 };
	unsigned i;

	memset(c, 0, sizeof(*c));
	c->tid = 7;
	c->sid = 0x1234;
	snprintf(c->pool, sizeof(c->pool), "subscribers");
	c->addr = e->addr_peer;
	c->has_start = 1;
	c->start_unix_ms = 1765000000123ULL;
	c->established = 1;
	c->up_unix_ms = 1765000001456ULL;
	c->e = *e;
	c->has_counters = 1;
	c->cnt.rx_pkts = 1001;
	c->cnt.rx_bytes = 0x1234567890ULL;
	c->cnt.tx_pkts = 2002;
	c->cnt.tx_bytes = 0xfedcba98765ULL;
	c->has_acct = 1;
	snprintf(c->acct.sid, sizeof(c->acct.sid), "0000002A-0007");
	c->acct.started = 1;
	c->acct.authorized = 1;
	c->acct.seq = 42;
	c->acct.nclass = 2;
	memcpy(c->acct.class_val[0], class0, sizeof(class0));
	c->acct.class_len[0] = sizeof(class0);
	for (i = 0; i < RAD_VAL_MAX; i++)	/* the longest Class there is */
		c->acct.class_val[1][i] = (uint8_t)(i * 7);
	c->acct.class_len[1] = RAD_VAL_MAX;
	c->acct.interim_s = 300;
	c->acct.session_timeout = 86400;
	c->acct.idle_timeout = 600;
	/* gw stays 0: the record carries net, plen and metric only */
	c->r[0].net = 0xc0a80100;
	c->r[0].plen = 24;
	c->r[1].net = 0x0a0a0a08;
	c->r[1].plen = 29;
	c->r[1].metric = 10;
	c->nr = 2;
}

/* c through the wire: pack, serialize, parse, decode into d */
static void
wire_trip(const struct sub_ckpt *c, struct sub_ckpt *d)
{
	L2tpckpt__Subscriber m, *u;
	struct sub_ckpt_buf b;
	uint8_t *buf;
	size_t len;

	CU_ASSERT_EQUAL_FATAL(sub_codec_pack(c, &m, &b), 0);
	len = l2tpckpt__subscriber__get_packed_size(&m);
	buf = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(buf);
	CU_ASSERT_EQUAL(l2tpckpt__subscriber__pack(&m, buf), len);
	u = l2tpckpt__subscriber__unpack(NULL, len, buf);
	free(buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(sub_codec_unpack(u, d), 0);
	l2tpckpt__subscriber__free_unpacked(u, NULL);
}

static void
test_roundtrip(void)
{
	uint8_t req[] = { 0xff, 0x03, 0xc0, 0x21, PPP_ECHOREQ, 0x33, 0, 8,
	    0, 0, 0, 0 };
	struct ppp_established e, e2;
	struct ppp_conf conf;
	struct sub_ckpt c, d;
	unsigned i;

	b2b_run(PPP_AUTH_CHAP, 0);
	ppp_export(SD[0].s, &e);
	/* a state worth checking: authenticated, ids moved, DNS served */
	CU_ASSERT_EQUAL(e.auth, PPP_AUTH_CHAP);
	CU_ASSERT_STRING_EQUAL(e.user, "alice");
	CU_ASSERT_NOT_EQUAL(e.magic_ours, 0);
	CU_ASSERT_NOT_EQUAL(e.magic_peer, 0);
	CU_ASSERT_NOT_EQUAL(e.lcp_id, 0);
	CU_ASSERT_NOT_EQUAL(e.auth_id, 0);
	CU_ASSERT_EQUAL(e.dns[0], 0x0a630001);
	CU_ASSERT_EQUAL(e.dns[1], 0x0a630002);
	fill(&c, &e);
	wire_trip(&c, &d);

	/* the decoded record is what was packed, to the byte (both sides
	 * were zeroed first, so padding compares too) */
	CU_ASSERT_EQUAL(d.tid, 7);
	CU_ASSERT_EQUAL(d.sid, 0x1234);
	CU_ASSERT_STRING_EQUAL(d.pool, "subscribers");
	CU_ASSERT_EQUAL(d.addr, 0x0a500010);
	CU_ASSERT_EQUAL(d.start_unix_ms, 1765000000123ULL);
	CU_ASSERT_EQUAL(d.up_unix_ms, 1765000001456ULL);
	CU_ASSERT(d.established && d.has_counters && d.has_acct);
	CU_ASSERT(memcmp(&d.e, &e, sizeof(e)) == 0);
	CU_ASSERT(memcmp(&d.cnt, &c.cnt, sizeof(c.cnt)) == 0);
	CU_ASSERT_STRING_EQUAL(d.acct.sid, "0000002A-0007");
	CU_ASSERT_EQUAL(d.acct.nclass, 2);
	CU_ASSERT_EQUAL(d.acct.class_len[0], 5);
	CU_ASSERT_EQUAL(d.acct.class_len[1], RAD_VAL_MAX);
	CU_ASSERT(memcmp(&d.acct, &c.acct, sizeof(c.acct)) == 0);
	CU_ASSERT_EQUAL_FATAL(d.nr, 2);
	for (i = 0; i < 2; i++) {
		CU_ASSERT_EQUAL(d.r[i].net, c.r[i].net);
		CU_ASSERT_EQUAL(d.r[i].plen, c.r[i].plen);
		CU_ASSERT_EQUAL(d.r[i].metric, c.r[i].metric);
	}
	CU_ASSERT(memcmp(&d, &c, sizeof(c)) == 0);

	/* the old active is gone; the standby's fresh engine, same
	 * configuration (a re-challenge period would have to match: export
	 * reads it from the configuration), takes the decoded state */
	conf = SD[0].s->conf;
	ppp_destroy(SD[0].s);
	b2b_wire_clear();
	SD[0].s = ppp_create(&conf, &b2b_ops, &SD[0]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(SD[0].s);
	SD[0].sent = SD[1].sent = 0;
	CU_ASSERT_EQUAL(ppp_restore(SD[0].s, &d.e), 0);
	ppp_export(SD[0].s, &e2);
	CU_ASSERT(memcmp(&e, &e2, sizeof(e)) == 0);
	/* silent: nothing at restore, nothing from the timers after it */
	b2b_pump(100);
	CU_ASSERT_EQUAL(SD[0].sent, 0);
	CU_ASSERT_EQUAL(SD[1].sent, 0);

	/* the client's LCP Echo-Request (its magic is our magic_peer) is
	 * answered at once, with our magic number */
	req[8] = (uint8_t)(e.magic_peer >> 24);
	req[9] = (uint8_t)(e.magic_peer >> 16);
	req[10] = (uint8_t)(e.magic_peer >> 8);
	req[11] = (uint8_t)e.magic_peer;
	b2b_input(0, req, sizeof(req));
	CU_ASSERT_EQUAL(SD[0].sent, 1);
	CU_ASSERT_EQUAL(SD[0].last[4], PPP_ECHOREP);
	CU_ASSERT_EQUAL(SD[0].last[5], 0x33);
	CU_ASSERT_EQUAL(SD[0].last[8], (uint8_t)(e.magic_ours >> 24));
	CU_ASSERT_EQUAL(SD[0].last[9], (uint8_t)(e.magic_ours >> 16));
	CU_ASSERT_EQUAL(SD[0].last[10], (uint8_t)(e.magic_ours >> 8));
	CU_ASSERT_EQUAL(SD[0].last[11], (uint8_t)e.magic_ours);
	/* the client takes that reply as its own peer's */
	b2b_pump_wire();
	CU_ASSERT_EQUAL(SD[1].s->cnt.echo_reply_rx, 1);
	b2b_teardown();
}

/* a small record, every kind of field once: its bytes are the wire
 * format a unit of another version reads (ISSU), so they are pinned */
static void
golden(struct sub_ckpt *c)
{
	memset(c, 0, sizeof(*c));
	c->tid = 1;
	c->sid = 2;
	snprintf(c->pool, sizeof(c->pool), "p");
	c->addr = 0x0a000002;
	c->start_unix_ms = 1000;
	c->established = 1;
	c->e.role = PPP_ROLE_LNS;
	c->e.phase = PPP_PHASE_NETWORK;
	c->e.lcp_state = c->e.ipcp_state = PPP_ST_OPENED;
	c->e.mru_ours = 1500;
	c->e.mru_peer = 1492;
	c->e.magic_ours = 0x01020304;
	c->e.magic_peer = 0x05060708;
	c->e.pfc_peer = c->e.acfc_ours = 1;
	c->e.auth = PPP_AUTH_CHAP;
	c->e.lcp_id = 1;
	c->e.ipcp_id = 2;
	c->e.auth_id = 3;
	c->e.echo_id = 4;
	snprintf(c->e.user, sizeof(c->e.user), "u");
	c->e.addr_ours = 0x0a000001;
	c->e.addr_peer = c->addr;
	c->e.dns[0] = 0x08080808;
	c->has_counters = 1;
	c->cnt.rx_pkts = 1;
	c->cnt.tx_bytes = 300;
	c->has_acct = 1;
	snprintf(c->acct.sid, sizeof(c->acct.sid), "S");
	c->acct.started = 1;
	c->acct.seq = 5;
	c->acct.nclass = 1;
	c->acct.class_len[0] = 2;
	c->acct.class_val[0][0] = 0x00;
	c->acct.class_val[0][1] = 0xff;
	c->r[0].net = 0xc0a80000;
	c->r[0].plen = 16;
	c->r[0].metric = 1;
	c->nr = 1;
}

/* l2tp_ckpt.proto field by field (tag, value); varints little end first */
static const char golden_hex[] =
    "0801" "1002" "1a0170" "2082808050"	/* tid sid pool addr */
    "2801" "3000" "38dc0b" "40d40b"		/* established role mru mru */
    "4800" "5000"				/* accm ours, peer */
    "5884868808" "60888e9828"		/* magic ours, peer */
    "6806" "7002" "7884868808"		/* flags auth ids */
    "82010175" "880181808050"		/* user addr_ours */
    "90018890a040" "980100"			/* dns1 dns2 */
    "a00100" "a80100"			/* rechallenge_s echo_misses */
    "b001e807"				/* start_unix_ms */
    "c2010d" "0801" "1002" "1801"		/* counters: tid sid rx_pkts */
    "2000" "2800" "30ac02"			/* rx_bytes tx_pkts tx_bytes */
    "c8018080a0850c" "d00110"		/* route_net route_plen */
    "da0115" "0a0153" "1001" "1800" "2005"	/* acct: sid start stop seq */
    "2a0200ff" "3000" "3800" "4000" "4800"	/* class, interim, timeouts */
    "e00101";				/* route_metric */

static void
test_golden(void)
{
	struct sub_ckpt c, d;
	struct sub_ckpt_buf b;
	L2tpckpt__Subscriber m, *u;
	uint8_t buf[512];
	char hex[3];
	size_t len, i;

	golden(&c);
	CU_ASSERT_EQUAL_FATAL(sub_codec_pack(&c, &m, &b), 0);
	len = l2tpckpt__subscriber__get_packed_size(&m);
	CU_ASSERT_FATAL(len <= sizeof(buf));
	(void)l2tpckpt__subscriber__pack(&m, buf);
	CU_ASSERT_EQUAL_FATAL(len * 2, strlen(golden_hex));
	for (i = 0; i < len; i++) {
		snprintf(hex, sizeof(hex), "%02x", buf[i]);
		if (memcmp(hex, golden_hex + 2 * i, 2) != 0) {
			CU_FAIL("not the golden record");
			printf("byte %zu: %s\n", i, hex);
			break;
		}
	}
	u = l2tpckpt__subscriber__unpack(NULL, len, buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(u);
	CU_ASSERT_EQUAL(sub_codec_unpack(u, &d), 0);
	l2tpckpt__subscriber__free_unpacked(u, NULL);
	c.has_start = 1;
	CU_ASSERT(memcmp(&c, &d, sizeof(c)) == 0);
}

/* an address record (the call still negotiates): nothing else in it */
static void
test_address_only(void)
{
	struct ppp_established e;
	struct sub_ckpt c, d;

	memset(&e, 0, sizeof(e));
	e.addr_peer = 0x0a500011;
	fill(&c, &e);
	c.established = 0;
	wire_trip(&c, &d);
	CU_ASSERT_EQUAL(d.addr, 0x0a500011);
	CU_ASSERT_STRING_EQUAL(d.pool, "subscribers");
	CU_ASSERT_EQUAL(d.start_unix_ms, 1765000000123ULL);
	CU_ASSERT(!d.established && !d.has_counters && !d.has_acct);
	CU_ASSERT_EQUAL(d.nr, 0);
	CU_ASSERT_EQUAL(d.e.lcp_state, 0);
}

/* one malformed field at a time on a good record; LONG(lng, n) is a
 * string of n characters (lng: 255 of them) */
#define LONG(lng, n)	((lng) + 255 - (n))
enum bad {
	BAD_NONE, BAD_PLEN_0, BAD_PLEN_33, BAD_PLEN_LIST, BAD_METRIC_LIST,
	BAD_ROUTES_MANY, BAD_USER_LONG, BAD_MRU_OURS, BAD_MRU_PEER,
	BAD_NO_TID, BAD_NO_SID, BAD_TID_0, BAD_SID_BIG, BAD_NO_POOL,
	BAD_POOL_LONG, BAD_ROLE, BAD_AUTH, BAD_ACCT_NO_SID, BAD_ACCT_SID_EMPTY,
	BAD_ACCT_SID_LONG, BAD_CLASS_MANY, BAD_CLASS_LONG, BAD_MAX
};

static void
spoil(L2tpckpt__Subscriber *m, L2tpckpt__SubAcct *ac, enum bad b,
    uint32_t *many, char *lng, ProtobufCBinaryData *cls)
{
	switch (b) {
	case BAD_PLEN_0:	m->route_plen[1] = 0; break;
	case BAD_PLEN_33:	m->route_plen[0] = 33; break;
	case BAD_PLEN_LIST:	m->n_route_plen = 1; break;
	case BAD_METRIC_LIST:	m->n_route_metric = 1; break;
	case BAD_ROUTES_MANY:
		m->n_route_net = m->n_route_plen = m->n_route_metric =
		    SUB_FRAMED_ROUTES_MAX + 1;
		m->route_net = m->route_plen = m->route_metric = many;
		break;
	case BAD_USER_LONG:	m->user = LONG(lng, PPP_NAME_MAX); break;
	case BAD_MRU_OURS:	m->mru_ours = 0x10000; break;
	case BAD_MRU_PEER:	m->mru_peer = 0x10000; break;
	case BAD_NO_TID:	m->has_local_tid = 0; break;
	case BAD_NO_SID:	m->has_local_sid = 0; break;
	case BAD_TID_0:		m->local_tid = 0; break;
	case BAD_SID_BIG:	m->local_sid = 0x10000; break;
	case BAD_NO_POOL:	m->pool = NULL; break;
	case BAD_POOL_LONG:	m->pool = LONG(lng, POOL_NAME_MAX); break;
	case BAD_ROLE:		m->role = 0x100; break;
	case BAD_AUTH:		m->auth = 0x100; break;
	case BAD_ACCT_NO_SID:	ac->session_id = NULL; break;
	case BAD_ACCT_SID_EMPTY: ac->session_id = LONG(lng, 0); break;
	case BAD_ACCT_SID_LONG:	ac->session_id = LONG(lng, 40); break;
	case BAD_CLASS_MANY:
		ac->n_class_ = RAD_CLASS_MAX + 1;
		ac->class_ = cls;
		break;
	case BAD_CLASS_LONG:
		ac->class_[0].len = RAD_VAL_MAX + 1;
		ac->class_[0].data = (uint8_t *)lng;
		break;
	case BAD_NONE:
	default:
		break;
	}
}

static void
test_malformed(void)
{
	struct ppp_established e;
	struct sub_ckpt c, d;
	struct sub_ckpt_buf b;
	L2tpckpt__Subscriber m;
	ProtobufCBinaryData cls[RAD_CLASS_MAX + 1];
	uint32_t many[SUB_FRAMED_ROUTES_MAX + 1];
	char lng[256];
	int i;

	memset(lng, 'x', 255);
	lng[255] = '\0';
	for (i = 0; i <= SUB_FRAMED_ROUTES_MAX; i++)
		many[i] = 24;
	memset(cls, 0, sizeof(cls));
	memset(&e, 0, sizeof(e));
	e.role = PPP_ROLE_LNS;
	e.mru_ours = e.mru_peer = 0xffff;	/* the largest there is */
	snprintf(e.user, sizeof(e.user), "alice");
	e.addr_peer = 0x0a500010;
	fill(&c, &e);
	for (i = BAD_NONE; i < BAD_MAX; i++) {
		CU_ASSERT_EQUAL_FATAL(sub_codec_pack(&c, &m, &b), 0);
		spoil(&m, &b.ac, (enum bad)i, many, lng, cls);
		if (sub_codec_unpack(&m, &d) != (i == BAD_NONE ? 0 : -1)) {
			CU_FAIL("decoded as it should not be");
			printf("variant %d\n", i);
		}
	}
	/* the longest of each is accepted */
	CU_ASSERT_EQUAL_FATAL(sub_codec_pack(&c, &m, &b), 0);
	m.user = LONG(lng, PPP_NAME_MAX - 1);
	m.pool = LONG(lng, POOL_NAME_MAX - 1);
	b.ac.session_id = LONG(lng, 39);
	CU_ASSERT_EQUAL(sub_codec_unpack(&m, &d), 0);
	CU_ASSERT_EQUAL(strlen(d.e.user), PPP_NAME_MAX - 1);
	CU_ASSERT_EQUAL(d.e.mru_ours, 0xffff);
	/* not established: the accounting identity is not looked at */
	CU_ASSERT_EQUAL_FATAL(sub_codec_pack(&c, &m, &b), 0);
	m.established = 0;
	b.ac.session_id = NULL;
	CU_ASSERT_EQUAL(sub_codec_unpack(&m, &d), 0);
	CU_ASSERT(!d.has_acct && d.nr == 0);
	/* a version 1 unit's routes: no metric list, metric 0 */
	CU_ASSERT_EQUAL_FATAL(sub_codec_pack(&c, &m, &b), 0);
	m.n_route_metric = 0;
	CU_ASSERT_EQUAL(sub_codec_unpack(&m, &d), 0);
	CU_ASSERT_EQUAL(d.nr, 2);
	CU_ASSERT_EQUAL(d.r[1].metric, 0);
	/* what does not fit the record is not packed */
	c.nr = SUB_FRAMED_ROUTES_MAX + 1;
	CU_ASSERT_EQUAL(sub_codec_pack(&c, &m, &b), -1);
	c.nr = 2;
	c.acct.nclass = RAD_CLASS_MAX + 1;
	CU_ASSERT_EQUAL(sub_codec_pack(&c, &m, &b), -1);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("sub_codec", NULL, NULL);

	CU_add_test(s, "roundtrip", test_roundtrip);
	CU_add_test(s, "address_only", test_address_only);
	CU_add_test(s, "golden", test_golden);
	CU_add_test(s, "malformed", test_malformed);
}
