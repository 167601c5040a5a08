/*
 * test_cmd.c - the token-table grammar: abbreviations, ambiguity, ranges,
 * sets, configuration blocks, "no" forms and file:line errors; keywords
 * in any case, "?" help, debug tokens made from the debug registry.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner.h"
#include "cmd.h"
#include "log.h"

static int last_tag;
static uint32_t last_u;
static char last_s[64];

static int
h(void *arg, const struct sso_args *a, struct sso_reply *r)
{
	last_tag = (int)(intptr_t)arg;
	last_u = a->n > 0 ? a->u[0] : 0;
	snprintf(last_s, sizeof(last_s), "%s", a->n > 0 ? a->s[0] : "");
	return SSO_RC_OK;
}

static int
run(const char *line)
{
	char buf[256], *w[32], *save = NULL, *t;
	int n = 0, rc;
	struct sso_reply r;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	memset(&r, 0, sizeof(r));
	sso_wbuf_init(&r.out, 0);
	last_tag = 0;
	rc = sso_cmd_exec(n, w, &r);
	sso_wbuf_free(&r.out);
	return rc;
}

/* run a line, its reply text in out */
static int
run_out(const char *line, int json, char *out, size_t len)
{
	char buf[256], *w[32], *save = NULL, *t;
	int n = 0, rc;
	struct sso_reply r;

	snprintf(buf, sizeof(buf), "%s", line);
	for (t = strtok_r(buf, " ", &save); t; t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	memset(&r, 0, sizeof(r));
	r.json = json;
	sso_wbuf_init(&r.out, 0);
	rc = sso_cmd_exec(n, w, &r);
	snprintf(out, len, "%s", sso_wbuf_str(&r.out));
	sso_wbuf_free(&r.out);
	return rc;
}

static void
setup_cmds(void)
{
	sso_cmd_reset();
	sso_cmd_register("show redundancy", h, (void *)1);
	sso_cmd_register("show redundancy states", h, (void *)2);
	sso_cmd_register("show redundancy history", h, (void *)3);
	sso_cmd_register("show running-config", h, (void *)4);
	sso_cmd_register("show l2tp tunnel id <uint:1-65535>", h, (void *)5);
	sso_cmd_register("show l2tp tunnel all", h, (void *)6);
	sso_cmd_register("debug redundancy {rf|cf|chan}", h, (void *)7);
}

static void
test_abbrev(void)
{
	setup_cmds();
	CU_ASSERT_EQUAL(run("sh red st"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 2);
	CU_ASSERT_EQUAL(run("show redundancy"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 1);
	CU_ASSERT_EQUAL(run("sh run"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 4);
	CU_ASSERT_EQUAL(run("sh r"), SSO_RC_AMBIGUOUS);
	CU_ASSERT_EQUAL(run("sh red s"), SSO_RC_OK);	/* only "states" */
	CU_ASSERT_EQUAL(last_tag, 2);
	CU_ASSERT_EQUAL(run("show bogus"), SSO_RC_UNKNOWN);
	CU_ASSERT_EQUAL(run("show l2tp"), SSO_RC_INCOMPLETE);
	CU_ASSERT_EQUAL(run("show redundancy states extra"), SSO_RC_UNKNOWN);
}

static void
test_args(void)
{
	setup_cmds();
	CU_ASSERT_EQUAL(run("sh l2 tu id 42"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 5);
	CU_ASSERT_EQUAL(last_u, 42);
	CU_ASSERT_EQUAL(run("sh l2 tu id 0"), SSO_RC_BADARG);
	CU_ASSERT_EQUAL(run("sh l2 tu id 65536"), SSO_RC_BADARG);
	CU_ASSERT_EQUAL(run("sh l2 tu id 4x"), SSO_RC_BADARG);
	CU_ASSERT_EQUAL(run("sh l2 tu a"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 6);
	CU_ASSERT_EQUAL(run("debug red ch"), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(last_s, "chan");
	CU_ASSERT_EQUAL(last_u, 2);
	CU_ASSERT_EQUAL(run("debug red c"), SSO_RC_AMBIGUOUS);
}

static int conf_a, conf_no;
static char conf_w[64];

static int
c_top(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	ctx->block = &conf_a;
	return 0;
}

static int
c_sub(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	if (ctx->block != &conf_a)
		return sso_conf_err(ctx, "no block");
	conf_a = (int)a->u[0];
	conf_no = no;
	return 0;
}

static int
c_word(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	snprintf(conf_w, sizeof(conf_w), "%s", a->s[0]);
	return 0;
}

static int
load(const char *text, char *err, size_t len)
{
	char path[] = "/tmp/ssotestXXXXXX";
	int fd = mkstemp(path), rc;

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(write(fd, text, strlen(text)) ==
	    (ssize_t)strlen(text));
	close(fd);
	err[0] = '\0';
	rc = sso_conf_load(path, err, len);
	unlink(path);
	return rc;
}

static void
test_conf(void)
{
	char err[512];

	sso_cmd_reset();
	sso_conf_register(NULL, "blk", SSO_CONF_BLOCK, c_top, NULL);
	sso_conf_register("blk", "value <uint:1-10>", SSO_CONF_NO, c_sub, NULL);
	sso_conf_register(NULL, "name <word>", 0, c_word, NULL);
	CU_ASSERT_EQUAL(load("! comment\nname x1\nblk\n value 7\n", err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_a, 7);
	CU_ASSERT_STRING_EQUAL(conf_w, "x1");
	CU_ASSERT_EQUAL(load("blk\n no val 3\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_no, 1);
	/* errors name the line */
	CU_ASSERT_EQUAL(load("name a\nblk\n value 11\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: "));
	CU_ASSERT_EQUAL(load(" value 3\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: "));
	CU_ASSERT_EQUAL(load("bogus\n", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(load("no name x\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not supported"));
	/* a block command is not valid at the top level */
	CU_ASSERT_EQUAL(load("value 3\n", err, sizeof(err)), -1);
}

/* the file:line of a loaded line, looked up by its printed form */
static void
test_conf_source(void)
{
	char err[512], where[600];

	sso_cmd_reset();
	sso_conf_register(NULL, "blk", SSO_CONF_BLOCK, c_top, NULL);
	sso_conf_register("blk", "value <uint:1-10>", SSO_CONF_NO, c_sub, NULL);
	sso_conf_register(NULL, "name <word>", 0, c_word, NULL);
	CU_ASSERT_EQUAL(load("! c\n\nname   x1\nblk\n  value 7\n", err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(sso_conf_source(NULL, "name x1", where,
	    sizeof(where)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(where, ":3"));
	CU_ASSERT_EQUAL(sso_conf_source("blk", " value 7", where,
	    sizeof(where)), 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(where, ":5"));
	/* the same words under another block, or a default: no source */
	CU_ASSERT_EQUAL(sso_conf_source(NULL, "value 7", where,
	    sizeof(where)), -1);
	CU_ASSERT_EQUAL(sso_conf_source(NULL, "name x2", where,
	    sizeof(where)), -1);
}

static void
test_json(void)
{
	struct sso_wbuf b;
	struct sso_json j;

	sso_wbuf_init(&b, 0);
	sso_json_init(&j, &b);
	sso_json_obj(&j);
	sso_json_kstr(&j, "a", "q\"\n");
	sso_json_key(&j, "l");
	sso_json_arr(&j);
	sso_json_u64(&j, 1);
	sso_json_u64(&j, 2);
	sso_json_arr_end(&j);
	sso_json_kbool(&j, "t", 1);
	sso_json_obj_end(&j);
	CU_ASSERT_STRING_EQUAL(sso_wbuf_str(&b),
	    "{\"a\":\"q\\\"\\u000a\",\"l\":[1,2],\"t\":true}");
	sso_wbuf_free(&b);
}

static void
test_case(void)
{
	setup_cmds();
	CU_ASSERT_EQUAL(run("SHOW REDUNDANCY STATES"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 2);
	CU_ASSERT_EQUAL(run("Sh Red HIST"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 3);
	CU_ASSERT_EQUAL(run("SH L2 TU ALL"), SSO_RC_OK);
	CU_ASSERT_EQUAL(last_tag, 6);
	/* a set hands over the keyword as registered, not as typed */
	CU_ASSERT_EQUAL(run("DEBUG RED CHAN"), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(last_s, "chan");
	CU_ASSERT_EQUAL(last_u, 2);
	/* ambiguous, incomplete and unknown stay what they were */
	CU_ASSERT_EQUAL(run("SH R"), SSO_RC_AMBIGUOUS);
	CU_ASSERT_EQUAL(run("debug red C"), SSO_RC_AMBIGUOUS);
	CU_ASSERT_EQUAL(run("SHOW L2TP"), SSO_RC_INCOMPLETE);
	CU_ASSERT_EQUAL(run("SHOW BOGUS"), SSO_RC_UNKNOWN);
	CU_ASSERT_EQUAL(run("sh l2 tu id 0"), SSO_RC_BADARG);
}

static void
test_help(void)
{
	char out[2048];

	setup_cmds();
	CU_ASSERT_EQUAL(run_out("show redundancy ?", 0, out, sizeof(out)),
	    SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  history              show redundancy history\n"
	    "  states               show redundancy states\n"
	    "  <cr>                 show redundancy\n");
	CU_ASSERT_EQUAL(last_tag, 0);		/* nothing was run */
	/* a prefix narrows the keywords, in any case */
	CU_ASSERT_EQUAL(run_out("sh RED S?", 0, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  states               show redundancy states\n");
	CU_ASSERT_EQUAL(run_out("show l2tp tunnel ?", 0, out, sizeof(out)),
	    SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  all                  show l2tp tunnel all\n"
	    "  id                   show l2tp tunnel id <1-65535>\n");
	CU_ASSERT_EQUAL(run_out("show l2tp tunnel id ?", 0, out, sizeof(out)),
	    SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  <1-65535>            show l2tp tunnel id <1-65535>\n");
	CU_ASSERT_EQUAL(run_out("debug redundancy ?", 1, out, sizeof(out)),
	    SSO_RC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"token\":\"chan\",\"help\":"
	    "\"debug redundancy chan\",\"commands\":1}"));
	/* the top level, by "?" and by "help" */
	CU_ASSERT_EQUAL(run_out("?", 0, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  debug                debug redundancy {rf|cf|chan}\n"
	    "  show                 show ... (6 commands)\n");
	CU_ASSERT_EQUAL(run_out("HELP", 0, out, sizeof(out)), SSO_RC_OK);
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "  show "));
	/* what cannot be continued is an error, as without "?" */
	CU_ASSERT_EQUAL(run_out("show bogus ?", 0, out, sizeof(out)),
	    SSO_RC_UNKNOWN);
	CU_ASSERT_EQUAL(run_out("sh r ?", 0, out, sizeof(out)),
	    SSO_RC_AMBIGUOUS);
	CU_ASSERT_EQUAL(run_out("show redundancy states ?", 0, out,
	    sizeof(out)), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  <cr>                 show redundancy states\n");
	CU_ASSERT_EQUAL(run_out("show redundancy x?", 0, out, sizeof(out)),
	    SSO_RC_UNKNOWN);
}

/* <debug:GROUP>: the alternatives are the registered categories */
static struct sso_debug d_a = { .name = "grp alpha" };
static struct sso_debug d_b = { .name = "grp beta" };
static struct sso_debug d_c = { .name = "grp sub gamma" };
static struct sso_debug d_d = { .name = "other alpha" };

static void
test_debug_token(void)
{
	char out[1024];

	sso_cmd_reset();
	sso_cmd_register("debug grp <debug:grp>", h, (void *)1);
	sso_cmd_register("debug grp sub <debug:grp.sub>", h, (void *)2);
	/* registered after the command: still accepted */
	sso_debug_register(&d_a);
	sso_debug_register(&d_c);
	sso_debug_register(&d_d);
	CU_ASSERT_EQUAL(run("debug grp alpha"), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(last_s, "grp alpha");
	CU_ASSERT_EQUAL(run("debug grp beta"), SSO_RC_UNKNOWN);
	sso_debug_register(&d_b);
	CU_ASSERT_EQUAL(run("debug grp BE"), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(last_s, "grp beta");
	CU_ASSERT_EQUAL(last_tag, 1);
	CU_ASSERT_EQUAL(run("debug grp sub gam"), SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(last_s, "grp sub gamma");
	CU_ASSERT_EQUAL(last_tag, 2);
	/* "grp sub gamma" is not a one-word category of "grp" */
	CU_ASSERT_EQUAL(run("debug grp gamma"), SSO_RC_UNKNOWN);
	CU_ASSERT_EQUAL(run_out("debug grp ?", 0, out, sizeof(out)),
	    SSO_RC_OK);
	CU_ASSERT_STRING_EQUAL(out,
	    "  alpha                debug grp alpha\n"
	    "  beta                 debug grp beta\n"
	    "  sub                  debug grp sub {gamma}\n");
}

/* configuration keywords in any case; values keep theirs */
static void
test_conf_case(void)
{
	char err[512];

	sso_cmd_reset();
	sso_conf_register(NULL, "blk", SSO_CONF_BLOCK, c_top, NULL);
	sso_conf_register("blk", "value <uint:1-10>", SSO_CONF_NO, c_sub, NULL);
	sso_conf_register(NULL, "name <word>", 0, c_word, NULL);
	CU_ASSERT_EQUAL(load("NAME MixedCase\nBLK\n VALUE 9\n", err,
	    sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(conf_w, "MixedCase");
	CU_ASSERT_EQUAL(conf_a, 9);
	CU_ASSERT_EQUAL(load("Blk\n Val 4\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(conf_a, 4);
	/* the "no" prefix is a keyword too */
	CU_ASSERT_EQUAL(load("blk\n NO value 3\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(load("NAMEX y\n", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: "));
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("cmd", NULL, NULL);

	CU_add_test(s, "abbreviations", test_abbrev);
	CU_add_test(s, "arguments", test_args);
	CU_add_test(s, "config_blocks", test_conf);
	CU_add_test(s, "config_source", test_conf_source);
	CU_add_test(s, "json_writer", test_json);
	CU_add_test(s, "keyword_case", test_case);
	CU_add_test(s, "help_listing", test_help);
	CU_add_test(s, "debug_token", test_debug_token);
	CU_add_test(s, "config_case", test_conf_case);
}
