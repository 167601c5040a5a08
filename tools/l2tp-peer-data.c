/*
 * l2tp-peer-data.c - data frames for the frame-loss method: a constant
 * offered rate (--data-rate frames per second over all calls, spread
 * round-robin), each frame stamped so that what the LNS reflects back
 * can be checked, counted once, and placed in time.
 *
 * Payload (--frame-size bytes; big-endian, through core/buf.h):
 *   0   u64  sequence number, 0, 1, 2 ... over the whole data phase
 *   8   u64  CLOCK_MONOTONIC send time, ns
 *   16  fill: byte i is (uint8_t)(i * 31 + 7), checked on return
 *
 * Pacing: every 1 ms tick sends what is due by then, floor(elapsed x
 * rate) frames in all, so the count offered is exact whatever the loop's
 * jitter (a late tick sends a small burst). With no call up, a due frame
 * still counts as sent: it is lost.
 *
 * Received frames go into a per-millisecond histogram (relative to the
 * start of the data phase) next to the frames sent in that millisecond
 * (--timeline); a bitmap of sequence numbers seen turns a reflected
 * duplicate into data_duplicates instead of hiding a loss.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "l2tp-peer.h"

#define FRAME_HDR	16
#define SEEN_MAX_BITS	((size_t)1 << 30)	/* 128 MiB of bitmap at most */

static struct {
	struct sso_wbuf	 wb;
	uint8_t		*fill, *scratch;	/* frame_size - FRAME_HDR */
	uint32_t	*tl_rx, *tl_tx;
	size_t		 tl_len;
	uint8_t		*seen;
	size_t		 seen_bits;
} D;

static void
timeline_grow(size_t ms)
{
	size_t n = D.tl_len ? D.tl_len : 1024;
	uint32_t *rx, *tx;

	if (ms < D.tl_len)
		return;
	while (n <= ms)
		n *= 2;
	if ((rx = realloc(D.tl_rx, n * sizeof(*rx))) == NULL)
		peer_oom();
	D.tl_rx = rx;
	if ((tx = realloc(D.tl_tx, n * sizeof(*tx))) == NULL)
		peer_oom();
	D.tl_tx = tx;
	memset(rx + D.tl_len, 0, (n - D.tl_len) * sizeof(*rx));
	memset(tx + D.tl_len, 0, (n - D.tl_len) * sizeof(*tx));
	D.tl_len = n;
}

static size_t
ms_of(double now)
{
	double ms = (now - peer.data.t_start) * 1000;

	return ms > 0 ? (size_t)ms : 0;
}

/* the bitmap covers every sequence number sent (up to SEEN_MAX_BITS) */
static void
seen_grow(uint64_t seq)
{
	size_t n = D.seen_bits ? D.seen_bits : (size_t)1 << 16;
	uint8_t *p;

	if (seq < D.seen_bits || seq >= SEEN_MAX_BITS)
		return;
	while (n <= seq)
		n *= 2;
	if ((p = realloc(D.seen, n / 8)) == NULL)
		peer_oom();
	memset(p + D.seen_bits / 8, 0, (n - D.seen_bits) / 8);
	D.seen = p;
	D.seen_bits = n;
}

/* 1 when seq was seen before; marks it seen */
static int
seen_test_set(uint64_t seq)
{
	uint8_t bit;

	if (seq >= D.seen_bits)
		return 0;		/* beyond the bitmap: not checked */
	bit = (uint8_t)(1u << (seq & 7));
	if (D.seen[seq >> 3] & bit)
		return 1;
	D.seen[seq >> 3] |= bit;
	return 0;
}

void
peer_data_start(double now)
{
	struct peer_data *d = &peer.data;
	size_t i, n = peer.o.frame_size - FRAME_HDR;

	d->t_start = now;
	d->start_ns = peer_mono_ns();
	d->offering = peer.o.data_rate > 0;
	if (!d->offering)
		return;
	if ((D.fill = malloc(n + 1)) == NULL ||
	    (D.scratch = malloc(n + 1)) == NULL)
		peer_oom();
	for (i = 0; i < n; i++)
		D.fill[i] = (uint8_t)((i + FRAME_HDR) * 31 + 7);
	sso_wbuf_init(&D.wb, peer.o.frame_size);
	timeline_grow((size_t)(peer.o.duration * 1000) + 1000);
}

static int
frame_send(struct l2tp_session *s, uint64_t seq)
{
	int errs = 0;

	sso_wbuf_reset(&D.wb);
	errs += sso_wbuf_put_u64(&D.wb, seq);
	errs += sso_wbuf_put_u64(&D.wb, peer_mono_ns());
	errs += sso_wbuf_put(&D.wb, D.fill, peer.o.frame_size - FRAME_HDR);
	if (errs)
		return -1;
	if (peer.o.ppp)		/* IPv4/UDP to the reflector */
		return peer_ppp_send_udp(peer_lac_session_ppp(s), D.wb.buf,
		    D.wb.len);
	return l2tp_session_send(s, D.wb.buf, D.wb.len);
}

/* everything due by now: floor(elapsed x rate) frames in all */
void
peer_data_send(double now)
{
	struct peer_data *d = &peer.data;
	uint64_t due = (uint64_t)((now - d->t_start) * peer.o.data_rate);
	struct l2tp_session *s;
	size_t ms = ms_of(now);

	if (!d->offering)
		return;
	timeline_grow(ms);
	if (due > d->sent)
		seen_grow(due - 1);
	for (; d->sent < due; d->sent++) {
		D.tl_tx[ms]++;
		if ((s = peer_lac_next_session()) == NULL)
			continue;	/* nothing to carry it: lost */
		if (frame_send(s, d->sent) == -1)
			d->send_errors++;
	}
}

/* the end of the offered period closes the last gap */
void
peer_data_stop(double now)
{
	struct peer_data *d = &peer.data;
	double last;

	if (!d->offering)
		return;
	d->offering = 0;
	last = d->last_rx > 0 ? d->last_rx : d->t_start;
	if (now - last > d->longest_gap)
		d->longest_gap = now - last;
}

/* a well-formed frame of ours: its sequence number and send time */
static int
frame_parse(const uint8_t *buf, size_t len, uint64_t *seq, uint64_t *ts)
{
	struct sso_cur c;
	size_t n = peer.o.frame_size - FRAME_HDR;

	sso_cur_init(&c, buf, len);
	if (len != peer.o.frame_size || sso_cur_get_u64(&c, seq) == -1 ||
	    sso_cur_get_u64(&c, ts) == -1 ||
	    sso_cur_get_bytes(&c, D.scratch, n) == -1 ||
	    memcmp(D.scratch, D.fill, n) != 0)
		return -1;
	if (*seq >= peer.data.sent || *ts < peer.data.start_ns)
		return -1;
	return 0;
}

void
peer_data_input(void *arg, struct l2tp_session *s, const uint8_t *buf,
    size_t len)
{
	(void)arg;
	(void)s;
	peer_data_frame(buf, len);
}

/* a frame back: from the session itself, or the reflector's UDP payload */
void
peer_data_frame(const uint8_t *buf, size_t len)
{
	struct peer_data *d = &peer.data;
	uint64_t seq, ts, now_ns = peer_mono_ns();
	double now = peer_mono(), rtt, last;
	size_t ms;

	if (D.fill == NULL || frame_parse(buf, len, &seq, &ts) == -1 ||
	    ts > now_ns) {
		d->bad++;
		return;
	}
	if (seen_test_set(seq)) {
		d->duplicates++;
		return;
	}
	d->received++;
	rtt = (double)(now_ns - ts) / 1e9;
	d->rtt_sum += rtt;
	if (rtt > d->rtt_max)
		d->rtt_max = rtt;
	/* the gap counts while frames are offered, from the first on */
	last = d->last_rx > 0 ? d->last_rx : d->t_start;
	if (d->offering && now - last > d->longest_gap)
		d->longest_gap = now - last;
	d->last_rx = now;
	ms = ms_of(now);
	timeline_grow(ms);
	D.tl_rx[ms]++;
}

/* "ms received sent", one line per millisecond of the data phase */
int
peer_data_timeline(const char *path, double now)
{
	size_t i, n = ms_of(now) + 1;
	FILE *f;

	if ((f = fopen(path, "w")) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		fprintf(f, "%zu %u %u\n", i, i < D.tl_len ? D.tl_rx[i] : 0,
		    i < D.tl_len ? D.tl_tx[i] : 0);
	return fclose(f) == 0 ? 0 : -1;
}

void
peer_data_free(void)
{
	sso_wbuf_free(&D.wb);
	free(D.fill);
	free(D.scratch);
	free(D.tl_rx);
	free(D.tl_tx);
	free(D.seen);
	memset(&D, 0, sizeof(D));
}
