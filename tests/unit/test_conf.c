/*
 * test_conf.c - the configuration through the real grammar of the core and
 * the L2TP service (as ssod registers it):
 *   golden   tests/vectors/config/NAME.conf is printed back byte for byte
 *            as NAME.out (and NAME.out prints back as itself), or refused
 *            with exactly the message in NAME.err (file:line)
 *   reload   all or nothing; run-time settings apply, the others are kept
 *            and named with their line
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ev.h>

#include "runner.h"
#include "sso_local.h"
#include "l2tp_svc.h"

#define VECTORS	"tests/vectors/config"

static int inited;

static void
init(void)
{
	static char *argv[] = { "test_conf", NULL };

	if (inited++)
		return;
	sso_core_init(ev_default_loop(0), 0, argv);
	CU_ASSERT_FATAL(l2tp_svc_init(ev_default_loop(0)) == 0);
}

/* the whole file, NULL if it does not exist */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf;
	long n;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = calloc(1, (size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(fp);
	return buf;
}

/*
 * The input as a stream. A print-back never shows the tunnel password
 * (its placeholder is refused on purpose): a real one goes back in.
 */
static FILE *
open_input(const char *name)
{
	static char text[65536];
	char *all, *h, *o = text;
	size_t n;

	if ((all = slurp(name)) == NULL)
		return NULL;
	for (h = all; *h && (size_t)(o - text) < sizeof(text) - 16; ) {
		if (strncmp(h, "<hidden>", 8) == 0) {
			o += sprintf(o, "s3cret");
			h += 8;
		} else
			*o++ = *h++;
	}
	*o = '\0';
	n = strlen(text);
	free(all);
	return fmemopen(text, n, "r");
}

/* 0 when the file gives what NAME.out / NAME.err say */
static int
golden_one(const char *conf, const char *name)
{
	char path[512], err[600] = "", *want, *werr;
	struct sso_wbuf b;
	FILE *fp;
	int rc, ok;
	size_t l = strlen(conf) - 5;

	snprintf(path, sizeof(path), "%.*s.out", (int)l, conf);
	want = slurp(path);
	snprintf(path, sizeof(path), "%.*s.err", (int)l, conf);
	werr = slurp(path);
	if ((fp = open_input(name)) == NULL)
		return -1;
	sso_wbuf_init(&b, 0);
	rc = sso_conf_try(fp, name, err, sizeof(err), &b);
	fclose(fp);
	if (werr) {
		werr[strcspn(werr, "\n")] = '\0';
		ok = rc == -1 && strcmp(err, werr) == 0;
	} else
		ok = rc == 0 && want && strcmp(sso_wbuf_str(&b), want) == 0;
	if (!ok)
		fprintf(stderr, "%s: rc %d err \"%s\"\n--- got\n%s--- want\n%s\n",
		    name, rc, err, sso_wbuf_str(&b), werr ? werr : want ? want :
		    "(no .out or .err)");
	sso_wbuf_free(&b);
	free(want);
	free(werr);
	return ok ? 0 : -1;
}

static void
test_golden(void)
{
	char cwd[4096];
	struct dirent *d;
	DIR *dir;
	int n = 0, bad = 0;

	init();
	CU_ASSERT_FATAL(getcwd(cwd, sizeof(cwd)) != NULL);
	CU_ASSERT_FATAL(chdir(VECTORS) == 0);
	CU_ASSERT_FATAL((dir = opendir(".")) != NULL);
	while ((d = readdir(dir)) != NULL) {
		size_t l = strlen(d->d_name);
		char out[300];

		if (l < 6 || strcmp(d->d_name + l - 5, ".conf") != 0)
			continue;
		n++;
		if (golden_one(d->d_name, d->d_name) == -1)
			bad++;
		/* a print-back is itself a valid file printing the same */
		snprintf(out, sizeof(out), "%.*s.out", (int)(l - 5), d->d_name);
		if (access(out, R_OK) == 0 && golden_one(d->d_name, out) == -1)
			bad++;
	}
	closedir(dir);
	CU_ASSERT(chdir(cwd) == 0);
	CU_ASSERT(n >= 10);
	CU_ASSERT_EQUAL(bad, 0);
}

static int
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		return -1;
	fputs(text, fp);
	return fclose(fp);
}

#define BASE \
	"redundancy\n" \
	" unit 0 address tcp://127.0.0.1:7400\n" \
	" unit 1 address tcp://127.0.0.1:%d\n" \
	" security none\n" \
	"vpdn enable\n" \
	"vpdn-group LNS\n" \
	" accept-dialin\n" \
	" protocol l2tp\n" \
	" l2tp tunnel hello %d\n"

static char *
running(void)
{
	struct sso_wbuf b;
	char *s;

	sso_wbuf_init(&b, 0);
	sso_conf_print(&b);
	s = strdup(sso_wbuf_str(&b));
	sso_wbuf_free(&b);
	return s;
}

static void
test_reload(void)
{
	char path[] = "/tmp/ssoconfXXXXXX", text[1024], err[600];
	struct sso_wbuf msg;
	char *before, *after;
	int fd, rc;

	init();
	CU_ASSERT_FATAL((fd = mkstemp(path)) >= 0);
	close(fd);
	snprintf(text, sizeof(text), BASE, 7401, 60);
	CU_ASSERT_FATAL(write_file(path, text) == 0);
	CU_ASSERT_FATAL(sso_conf_load(path, err, sizeof(err)) == 0);

	/* a run-time setting applies; an address is kept and named */
	snprintf(text, sizeof(text), BASE, 7499, 15);
	CU_ASSERT_FATAL(write_file(path, text) == 0);
	sso_wbuf_init(&msg, 0);
	rc = sso_conf_reload(path, &msg);
	CU_ASSERT_EQUAL(rc, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sso_wbuf_str(&msg), ":3: unit 1 address:"));
	after = running();
	CU_ASSERT_PTR_NOT_NULL(strstr(after, " l2tp tunnel hello 15\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(after, "tcp://127.0.0.1:7401\n"));
	CU_ASSERT_PTR_NULL(strstr(after, "7499"));
	free(after);
	sso_wbuf_free(&msg);

	/* an error anywhere changes nothing, and says where */
	before = running();
	snprintf(text, sizeof(text), BASE "bogus line\n", 7401, 30);
	CU_ASSERT_FATAL(write_file(path, text) == 0);
	sso_wbuf_init(&msg, 0);
	CU_ASSERT_EQUAL(sso_conf_reload(path, &msg), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(sso_wbuf_str(&msg), ":10: "));
	after = running();
	CU_ASSERT_STRING_EQUAL(before, after);
	free(before);
	free(after);
	sso_wbuf_free(&msg);
	unlink(path);
}

/* the mechanism alone, on a grammar of its own (runs last: it replaces
 * the real one) */
static int once_v;

static int
c_any(struct sso_conf_ctx *ctx, void *arg, int no, const struct sso_args *a)
{
	if (arg)
		ctx->block = arg;
	return 0;
}

static int
v_check(struct sso_conf_ctx *ctx, void *arg)
{
	once_v++;
	ctx->line = sso_conf_key_line("top");
	return ctx->line == 3 ? sso_conf_err(ctx, "top at line 3") : 0;
}

static int
load_text(const char *text, char *err, size_t len)
{
	FILE *fp = fmemopen((void *)(uintptr_t)text, strlen(text), "r");
	int rc;

	err[0] = '\0';
	rc = sso_conf_load_fp(fp, "t.conf", err, len);
	fclose(fp);
	return rc;
}

static void
test_once(void)
{
	char err[600];

	sso_cmd_reset();
	inited = 0;
	sso_conf_register(NULL, "blk <word>", SSO_CONF_BLOCK | SSO_CONF_ONCE |
	    SSO_CONF_SEL, c_any, &once_v);
	sso_conf_register("blk", "unit <uint:0-9> addr <word>", SSO_CONF_ONCE |
	    SSO_CONF_SEL, c_any, NULL);
	sso_conf_register("blk", "flag", SSO_CONF_NO | SSO_CONF_ONCE, c_any,
	    NULL);
	sso_conf_register(NULL, "top <word>", SSO_CONF_ONCE, c_any, NULL);
	sso_conf_register(NULL, "top <word> <word>", SSO_CONF_ONCE, c_any,
	    NULL);
	sso_conf_validator(v_check, NULL);
	/* one per block instance and selector */
	CU_ASSERT_EQUAL(load_text("blk a\n unit 0 addr x\n unit 1 addr y\n"
	    " flag\nblk b\n unit 0 addr z\n flag\ntop q\n", err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(sso_conf_key_line("top"), 8);
	CU_ASSERT_EQUAL(sso_conf_key_line("unit 1 addr"), 3);
	CU_ASSERT_EQUAL(load_text("blk a\n unit 0 addr x\n unit 00 addr y\n",
	    err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:3: \"unit 0 addr\" given twice "
	    "(first at t.conf:2)");
	/* a setting and its no form; two patterns of one setting */
	CU_ASSERT_EQUAL(load_text("blk a\n flag\n no flag\n", err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(load_text("top a\n! c\ntop a b\n", err, sizeof(err)),
	    -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "t.conf:3: \"top\" given twice"));
	CU_ASSERT_EQUAL(load_text("blk a\nblk a\n", err, sizeof(err)), -1);
	/* validators run after the file, with the line they name */
	once_v = 0;
	CU_ASSERT_EQUAL(load_text("blk a\n\ntop x\n", err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:3: top at line 3");
	CU_ASSERT_EQUAL(once_v, 1);
	/* "end" ends the file */
	CU_ASSERT_EQUAL(load_text("top x\nend\n! c\n", err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(load_text("top x\nend\ntop y\n", err, sizeof(err)),
	    -1);
	CU_ASSERT_STRING_EQUAL(err, "t.conf:3: configuration after \"end\" "
	    "(line 2)");
	CU_ASSERT_EQUAL(load_text(" end\n", err, sizeof(err)), -1);
	sso_cmd_reset();
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("conf", NULL, NULL);

	CU_add_test(s, "golden", test_golden);
	CU_add_test(s, "reload", test_reload);
	CU_add_test(s, "once", test_once);
}
