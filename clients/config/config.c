/*
 * config.c - configuration sync client (phase COLD-CONFIG).
 *
 * Both units read the same configuration file (DESIGN.md), so there is no
 * configuration to copy; what must be guaranteed is that the standby runs
 * the *same* configuration as the active, or it would take over and serve
 * differently. In its bulk the active sends its running configuration as
 * printed by `show running-config`; the standby compares it with its own
 * and, on a difference, raises a standby fault naming the first differing
 * line: the pair stays out of STANDBY HOT and both units show why, with
 * both units' versions of that line and where each comes from in its
 * own file (file:line, not the running-config line).
 * Secrets are never in the printed configuration, so never on the wire.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sso.h"
#include "ssoclients.h"
#include "render.h"

static struct sso_client *client;

/* the standby's verdict, shown as it is (never "not verified yet" while
 * a difference is reported) */
enum cs_state { CS_UNVERIFIED, CS_SAME, CS_DIFFERS };
static enum cs_state state;
static char diff_text[400];

/*
 * Message types. 1: the running configuration as printed. 2 (version 2):
 * where each of its lines comes from in the sender's file, one
 * "file:line" (or "-") per running-config line, sent before type 1 so a
 * mismatch names the file line of each unit, not a running-config line.
 */
#define CS_RUNNING	1
#define CS_SOURCES	2

static char *peer_src;		/* standby: the active's type 2 */
static size_t peer_src_len;

/* the n-th line (1-based) of a text; its length in *len */
static const char *
nth_line(const char *t, size_t tlen, size_t n, size_t *len)
{
	size_t i = 0, line = 1, start = 0;

	for (; i < tlen && line < n; i++)
		if (t[i] == '\n') {
			line++;
			start = i + 1;
		}
	if (line < n || start >= tlen) {
		*len = 0;
		return NULL;
	}
	for (i = start; i < tlen && t[i] != '\n'; i++)
		;
	*len = i - start;
	return t + start;
}

/* file:line of this unit's running-config line n (printed text p) */
static void
own_source(const char *p, size_t plen, size_t n, char *out, size_t len)
{
	char parent[256] = "", text[256];
	const char *l;
	size_t i, ll;

	snprintf(out, len, "not in the file");
	for (i = n; i >= 1; i--) {
		if ((l = nth_line(p, plen, i, &ll)) == NULL)
			return;
		if (i == n)
			snprintf(text, sizeof(text), "%.*s", (int)ll, l);
		if (ll > 0 && l[0] != ' ' && l[0] != '\t') {
			if (i != n)
				snprintf(parent, sizeof(parent), "%.*s",
				    (int)ll, l);
			break;
		}
	}
	(void)sso_conf_source(parent[0] ? parent : NULL, text, out, len);
}

static int
cs_send_sources(const struct sso_wbuf *p)
{
	struct sso_wbuf m;
	char where[300];
	size_t n, ll;
	int rc;
	const char *t = (const char *)p->buf;

	sso_wbuf_init(&m, 0);
	for (n = 1; nth_line(t, p->len, n, &ll) != NULL; n++) {
		own_source(t, p->len, n, where, sizeof(where));
		sso_wbuf_printf(&m, "%s\n", where);
	}
	rc = sso_cf_send(client, CS_SOURCES, m.buf, m.len, SSO_SEND_ASYNC,
	    NULL, NULL, 0);
	sso_wbuf_free(&m);
	return rc;
}

static int
cs_bulk(void *arg, int first, unsigned budget)
{
	struct sso_wbuf b;
	int rc = 0;

	sso_wbuf_init(&b, 0);
	sso_conf_print(&b);
	if (sso_cf_version(client) >= 2)
		rc = cs_send_sources(&b);
	if (rc == 0)
		rc = sso_cf_send(client, CS_RUNNING, b.buf, b.len,
		    SSO_SEND_ASYNC, NULL, NULL, 0);
	sso_wbuf_free(&b);
	return rc == -1 ? 0 : 1;	/* EAGAIN: again later */
}

/* running-config line of the first difference (1-based) */
static size_t
first_diff(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, line = 1;

	for (; i < alen && i < blen && a[i] == b[i]; i++)
		if (a[i] == '\n')
			line++;
	return line;
}

/* both sides of the difference, each with its own file:line */
static void
describe(const char *act, size_t alen, const char *mine, size_t mlen,
    char *out, size_t outlen)
{
	size_t n = first_diff(act, alen, mine, mlen), al, ml, sl;
	const char *a = nth_line(act, alen, n, &al);
	const char *m = nth_line(mine, mlen, n, &ml);
	const char *src = peer_src ? nth_line(peer_src, peer_src_len, n, &sl)
	    : NULL;
	char asrc[160], msrc[160];

	if (src && sl > 0 && !(sl == 1 && src[0] == '-'))
		snprintf(asrc, sizeof(asrc), "%.*s", (int)sl, src);
	else
		snprintf(asrc, sizeof(asrc), "%s", peer_src ? "not in its "
		    "file" : "file line not sent by its version");
	own_source(mine, mlen, n, msrc, sizeof(msrc));
	snprintf(out, outlen, "configuration differs from the active's at "
	    "running-config line %zu: the active has \"%.*s\" (%.100s), this "
	    "unit has \"%.*s\" (%.100s)", n, (int)(al > 50 ? 50 : al),
	    a ? a : "", asrc, (int)(ml > 50 ? 50 : ml), m ? m : "", msrc);
}

static int
cs_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	struct sso_wbuf mine;
	char *copy;

	if (type == CS_SOURCES) {
		if ((copy = malloc(len + 1)) == NULL)
			return -1;
		memcpy(copy, data, len);
		copy[len] = '\0';
		free(peer_src);
		peer_src = copy;
		peer_src_len = len;
		return 0;
	}
	if (type != CS_RUNNING)
		return -1;
	sso_wbuf_init(&mine, 0);
	sso_conf_print(&mine);
	if (mine.len == len && memcmp(mine.buf, data, len) == 0)
		state = CS_SAME;
	else {
		state = CS_DIFFERS;
		describe((const char *)data, len, (const char *)mine.buf,
		    mine.len,
		    diff_text, sizeof(diff_text));
		sso_cf_standby_fault(client, diff_text);
	}
	sso_wbuf_free(&mine);
	return 0;
}

static void
cs_reset(void *arg)
{
	state = CS_UNVERIFIED;
	diff_text[0] = '\0';
	free(peer_src);
	peer_src = NULL;
	peer_src_len = 0;
}

/* the config line of show redundancy: one snapshot, one field table */
struct cs_info {
	int		 in_sync;
	const char	*state, *difference, *text;
};

#define CI	struct cs_info
static const struct sso_field cs_fields[] = {
	SSO_F_BOOL(CI, in_sync, "config_in_sync", NULL, 0),
	SSO_F_PSTR(CI, state, "config_state", NULL, 0),
	SSO_F_PSTR(CI, difference, "config_difference", NULL, 0),
	SSO_F_PSTR(CI, text, NULL, "config:", 0),
};
#undef CI
static const struct sso_table cs_table = SSO_TABLE(cs_fields);

static void
cs_show(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	static const struct sso_detail_style st = { "     ", 0 };
	int active = SSO_RF_IS_ACTIVE(sso_rf_state());
	static const char *const names[] = { "not verified yet",
	    "same as the active's", "differs" };
	struct cs_info ci = {
		.in_sync = active || state == CS_SAME,
		.state = active ? "reference" : names[state],
		.difference = active ? "" : diff_text,
		.text = active ? "this unit's configuration is the reference" :
		    state == CS_DIFFERS ? diff_text : names[state],
	};
	struct sso_render rd;

	sso_render_init(&rd, b, j);
	sso_render_detail(&rd, &cs_table, &ci, NULL, NULL, &st);
}

/*
 * After a reload on the active its configuration may differ from the
 * standby's: send it again so the standby compares once more (a standby
 * that reloads re-synchronises and compares in its bulk).
 */
static void
cs_commit(void *arg, void *saved)
{
	if (SSO_RF_IS_ACTIVE(sso_rf_state()))
		(void)cs_bulk(arg, 1, 1);
}

static const struct sso_conf_module cs_module = {
	.name = "config-sync",
	.commit = cs_commit,
};

static const struct sso_client_ops cs_ops = {
	.id = 1,
	.name = "config-sync",
	.priority = 0,
	.ver_min = 1,
	.ver_max = 2,	/* 2: file:line of each line (CS_SOURCES) */
	.phase = SSO_PHASE_CONFIG,
	.bulk = cs_bulk,
	.apply = cs_apply,
	.reset = cs_reset,
	.show = cs_show,
};

int
sso_confsync_init(void)
{
	client = sso_cf_register(&cs_ops, NULL);
	if (client == NULL || sso_conf_module(&cs_module, NULL) == -1)
		return -1;
	return 0;
}
