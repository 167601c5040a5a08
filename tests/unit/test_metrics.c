/*
 * test_metrics.c - the Prometheus text writer (core/metrics.c): HELP and
 * TYPE once per family, escaping, the constant unit label, refusals of
 * bad or repeated families; and a whole scrape of the core's collector
 * parsed back line by line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner.h"
#include "sso_local.h"
#include "metrics.h"

static const char *
out(struct sso_wbuf *b)
{
	return sso_wbuf_str(b);
}

static void
test_family(void)
{
	struct sso_wbuf b;
	struct sso_mw w;

	sso_wbuf_init(&b, 0);
	sso_mw_init(&w, &b, "unit", "1");
	CU_ASSERT(sso_mw_family(&w, "ssod_x_total", SSO_METRIC_COUNTER,
	    "things") == 0);
	CU_ASSERT(sso_mw_sample(&w, 3, "reason", "a", NULL) == 0);
	CU_ASSERT(sso_mw_sample(&w, 4, "reason", "b", NULL) == 0);
	CU_ASSERT(sso_mw_gauge(&w, "ssod_y", "level", 7) == 0);
	CU_ASSERT_STRING_EQUAL(out(&b),
	    "# HELP ssod_x_total things\n"
	    "# TYPE ssod_x_total counter\n"
	    "ssod_x_total{unit=\"1\",reason=\"a\"} 3\n"
	    "ssod_x_total{unit=\"1\",reason=\"b\"} 4\n"
	    "# HELP ssod_y level\n"
	    "# TYPE ssod_y gauge\n"
	    "ssod_y{unit=\"1\"} 7\n");
	CU_ASSERT(sso_mw_errors(&w) == 0);
	sso_mw_free(&w);
	sso_wbuf_free(&b);
}

static void
test_escaping(void)
{
	struct sso_wbuf b;
	struct sso_mw w;

	sso_wbuf_init(&b, 0);
	sso_mw_init(&w, &b, NULL, NULL);	/* no constant label */
	CU_ASSERT(sso_mw_family(&w, "ssod_e", SSO_METRIC_GAUGE,
	    "a \\ back\nslash \"quoted\"") == 0);
	CU_ASSERT(sso_mw_sample(&w, 1, "v", "a\"b\\c\nd", "w", "STANDBY HOT",
	    NULL) == 0);
	CU_ASSERT(sso_mw_sample(&w, 2, NULL) == 0);
	/* HELP escapes backslash and newline only; label values also " */
	CU_ASSERT_STRING_EQUAL(out(&b),
	    "# HELP ssod_e a \\\\ back\\nslash \"quoted\"\n"
	    "# TYPE ssod_e gauge\n"
	    "ssod_e{v=\"a\\\"b\\\\c\\nd\",w=\"STANDBY HOT\"} 1\n"
	    "ssod_e 2\n");
	sso_mw_free(&w);
	sso_wbuf_free(&b);
	/* the constant label's value is escaped too */
	sso_wbuf_init(&b, 0);
	sso_mw_init(&w, &b, "unit", "x\"y");
	CU_ASSERT(sso_mw_gauge(&w, "ssod_c", "c", 0) == 0);
	CU_ASSERT(strstr(out(&b), "ssod_c{unit=\"x\\\"y\"} 0\n") != NULL);
	sso_mw_free(&w);
	sso_wbuf_free(&b);
}

static void
test_refusals(void)
{
	struct sso_wbuf b;
	struct sso_mw w;
	const char *s;

	sso_wbuf_init(&b, 0);
	sso_mw_init(&w, &b, "unit", "0");
	CU_ASSERT(sso_mw_counter(&w, "ssod_a_total", "a", 1) == 0);
	CU_ASSERT(sso_mw_gauge(&w, "ssod_b", "b", 2) == 0);
	/* the same family again: no second HELP, its samples dropped */
	CU_ASSERT(sso_mw_family(&w, "ssod_a_total", SSO_METRIC_COUNTER,
	    "a") == -1);
	CU_ASSERT(sso_mw_sample(&w, 9, NULL) == -1);
	/* a counter not named *_total, bad names, bad label names */
	CU_ASSERT(sso_mw_counter(&w, "ssod_c", "c", 1) == -1);
	CU_ASSERT(sso_mw_gauge(&w, "9ssod", "d", 1) == -1);
	CU_ASSERT(sso_mw_gauge(&w, "ssod-e", "e", 1) == -1);
	CU_ASSERT(sso_mw_gauge(&w, "", "e", 1) == -1);
	CU_ASSERT(sso_mw_family(&w, "ssod_f", SSO_METRIC_GAUGE, "f") == 0);
	CU_ASSERT(sso_mw_sample(&w, 1, "bad-label", "x", NULL) == -1);
	CU_ASSERT(sso_mw_sample(&w, 1, "ok", NULL, NULL) == -1);
	CU_ASSERT(sso_mw_sample(&w, 5, "ok", "y", NULL) == 0);
	CU_ASSERT(sso_mw_errors(&w) == 8);
	s = out(&b);
	CU_ASSERT(strstr(strstr(s, "# HELP ssod_a_total") + 1,
	    "# HELP ssod_a_total") == NULL);
	CU_ASSERT(strstr(s, " 9\n") == NULL);
	CU_ASSERT(strstr(s, "ssod_c") == NULL && strstr(s, "bad") == NULL);
	CU_ASSERT(strstr(s, "ssod_f{unit=\"0\",ok=\"y\"} 5\n") != NULL);
	sso_mw_free(&w);
	sso_wbuf_free(&b);
}

/* a registered collector that repeats a family is caught, not served */
static void
bad_collect(void *arg, struct sso_mw *w)
{
	(*(int *)arg)++;
	sso_mw_gauge(w, "ssod_test_once", "once", 1);
	sso_mw_gauge(w, "ssod_test_once", "twice", 2);
}

static const struct sso_metrics_ops bad_ops = {
	.name = "test",
	.collect = bad_collect,
};

/*
 * A whole scrape: every family has exactly one HELP and one TYPE, the
 * TYPE right after its HELP, every sample belongs to the family just
 * declared and carries unit="N", counters end in _total.
 */
static void
test_scrape(void)
{
	struct sso_wbuf b;
	char *text, *line, *save = NULL, fam[128] = "";
	char **seen = NULL;
	size_t nseen = 0, i;
	int calls = 0, samples = 0, is_counter = 0, expect_type = 0;

	sso.conf.unit = 1;
	sso_metrics_conf_register();
	CU_ASSERT(sso_metrics_register(&bad_ops, &calls) == 0);
	sso_wbuf_init(&b, 0);
	sso_metrics_render(&b);
	CU_ASSERT(calls == 1);
	text = strdup(sso_wbuf_str(&b));
	for (line = strtok_r(text, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			CU_ASSERT(!expect_type);
			sscanf(line + 7, "%127s", fam);
			for (i = 0; i < nseen; i++)
				CU_ASSERT(strcmp(seen[i], fam) != 0);
			seen = realloc(seen, (nseen + 1) * sizeof(*seen));
			seen[nseen++] = strdup(fam);
			expect_type = 1;
		} else if (strncmp(line, "# TYPE ", 7) == 0) {
			char tf[128], ty[16];

			CU_ASSERT(expect_type);
			CU_ASSERT(sscanf(line + 7, "%127s %15s", tf, ty) == 2);
			CU_ASSERT_STRING_EQUAL(tf, fam);
			is_counter = strcmp(ty, "counter") == 0;
			if (is_counter)
				CU_ASSERT(strlen(fam) > 6 && strcmp(fam +
				    strlen(fam) - 6, "_total") == 0);
			expect_type = 0;
		} else {
			size_t n = strlen(fam);

			CU_ASSERT(!expect_type && n > 0);
			CU_ASSERT(strncmp(line, fam, n) == 0 &&
			    (line[n] == '{' || line[n] == ' '));
			CU_ASSERT(strstr(line, "unit=\"1\"") != NULL);
			samples++;
		}
	}
	CU_ASSERT(samples > 50);
	CU_ASSERT(strstr(sso_wbuf_str(&b), "ssod_rf_state{unit=\"1\","
	    "state=\"UNKNOWN\"} 0\n") != NULL);
	CU_ASSERT(strstr(sso_wbuf_str(&b), "ssod_chan_bad_frames_total{"
	    "unit=\"1\",reason=\"") != NULL);
	CU_ASSERT(strstr(sso_wbuf_str(&b), "ssod_test_once{unit=\"1\"} 1\n")
	    != NULL);
	CU_ASSERT(strstr(sso_wbuf_str(&b), "} 2\n# HELP") == NULL);
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	free(seen);
	free(text);
	sso_wbuf_free(&b);
}

void
sso_test_register(void)
{
	CU_pSuite s = CU_add_suite("metrics", NULL, NULL);

	CU_add_test(s, "family", test_family);
	CU_add_test(s, "escaping", test_escaping);
	CU_add_test(s, "refusals", test_refusals);
	CU_add_test(s, "scrape", test_scrape);
}
