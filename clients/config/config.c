/*
 * config.c - configuration sync client (phase COLD-CONFIG).
 *
 * Both units read the same configuration file (DESIGN.md), so there is no
 * configuration to copy; what must be guaranteed is that the standby runs
 * the *same* configuration as the active, or it would take over and serve
 * differently. In its bulk the active sends its running configuration as
 * printed by `show running-config`; the standby compares it with its own
 * and, on a difference, raises a standby fault naming the first differing
 * line: the pair stays out of STANDBY HOT and both units show why.
 * Secrets are never in the printed configuration, so never on the wire.
 */
#include <stdio.h>
#include <string.h>

#include "sso.h"
#include "ssoclients.h"

static struct sso_client *client;
static int in_sync;

static int
cs_bulk(void *arg, int first, unsigned budget)
{
	struct sso_wbuf b;
	int rc;

	sso_wbuf_init(&b, 0);
	sso_conf_print(&b);
	rc = sso_cf_send(client, 1, b.buf, b.len, SSO_SEND_ASYNC, NULL, NULL,
	    0);
	sso_wbuf_free(&b);
	return rc == -1 ? 0 : 1;	/* EAGAIN: again later */
}

/* line number and text of the first difference */
static void
first_diff(const char *a, size_t alen, const char *b, size_t blen,
    char *out, size_t outlen)
{
	size_t i = 0, line = 1, start = 0, end;

	while (i < alen && i < blen && a[i] == b[i]) {
		if (a[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	for (end = start; end < alen && a[end] != '\n'; end++)
		;
	snprintf(out, outlen, "configuration differs from the active's at "
	    "line %zu (\"%.*s\")", line, (int)(end - start > 60 ? 60 :
	    end - start), a + start);
}

static int
cs_apply(void *arg, uint32_t version, uint32_t type, const uint8_t *data,
    size_t len)
{
	struct sso_wbuf mine;
	char why[200];

	if (type != 1)
		return -1;
	sso_wbuf_init(&mine, 0);
	sso_conf_print(&mine);
	in_sync = (mine.len == len && memcmp(mine.buf, data, len) == 0);
	if (!in_sync) {
		first_diff((const char *)data, len, (const char *)mine.buf,
		    mine.len, why, sizeof(why));
		sso_cf_standby_fault(client, why);
	}
	sso_wbuf_free(&mine);
	return 0;
}

static void
cs_reset(void *arg)
{
	in_sync = 0;
}

static void
cs_show(void *arg, struct sso_json *j, struct sso_wbuf *b)
{
	int active = SSO_RF_IS_ACTIVE(sso_rf_state());

	if (j)
		sso_json_kbool(j, "config_in_sync", active || in_sync);
	else
		sso_wbuf_printf(b, "     config: %s\n", active ? "this unit's "
		    "configuration is the reference" : in_sync ?
		    "same as the active's" : "not verified yet");
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
	.ver_max = 1,
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
