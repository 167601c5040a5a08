/*
 * cmd.c - token-table grammar shared by control commands and configuration
 * (see cmd.h). Patterns are compiled once at registration into token
 * arrays; matching walks the input word by word, narrowing the candidate
 * set IOS-style: at each position an exact keyword wins, a unique prefix
 * is accepted, two different keywords sharing the prefix are ambiguous.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cmd.h"
#include "log.h"

enum tok_type { TOK_KW, TOK_UINT, TOK_WORD, TOK_LINE, TOK_SET, TOK_DEBUG };

#define MAXSET	8
struct tok {
	enum tok_type	 type;
	char		*kw;			/* TOK_KW; TOK_DEBUG group */
	char		*set[MAXSET];		/* TOK_SET alternatives */
	int		 nset;
	uint32_t	 lo, hi;		/* TOK_UINT */
};

struct entry {
	struct tok	 toks[SSO_MAXWORDS];
	int		 ntok;
	char		*parent;	/* config only: NULL = top level */
	int		 flags;
	int		 is_conf;
	int		 cls;		/* enum sso_cmd_class */
	sso_cmd_fn	 cmd;
	sso_conf_fn	 conf;
	void		*arg;
	struct entry	*next;
};

struct printer {
	int			 prio;
	sso_conf_print_fn	 fn;
	void			*arg;
	struct printer		*next;
};

static struct entry *entries, **entries_tail = &entries;
static sso_cmd_gate_fn gates[3];	/* per enum sso_cmd_class */
static struct printer *printers;

static void sso_conf_reset_hooks(void);
static void src_reset(const char *file);
static void src_add(int indented, const char *text, int line);

static void
free_entry(struct entry *e)
{
	int i, k;

	for (i = 0; i < e->ntok; i++) {
		free(e->toks[i].kw);
		for (k = 0; k < e->toks[i].nset; k++)
			free(e->toks[i].set[k]);
	}
	free(e->parent);
	free(e);
}

void
sso_cmd_reset(void)
{
	struct entry *e, *n;
	struct printer *p, *pn;

	for (e = entries; e; e = n) {
		n = e->next;
		free_entry(e);
	}
	entries = NULL;
	entries_tail = &entries;
	for (p = printers; p; p = pn) {
		pn = p->next;
		free(p);
	}
	printers = NULL;
	memset(gates, 0, sizeof(gates));
	sso_conf_reset_hooks();
}

void
sso_cmd_set_gate(enum sso_cmd_class cls, sso_cmd_gate_fn fn)
{
	if ((unsigned)cls < sizeof(gates) / sizeof(gates[0]))
		gates[cls] = fn;
}

static int
compile_tok(struct tok *t, const char *w)
{
	unsigned long lo, hi;
	char *copy, *s, *save = NULL;

	memset(t, 0, sizeof(*t));
	if (strcmp(w, "<word>") == 0)
		t->type = TOK_WORD;
	else if (strcmp(w, "<line>") == 0)
		t->type = TOK_LINE;
	else if (sscanf(w, "<uint:%lu-%lu>", &lo, &hi) == 2 && lo <= hi &&
	    hi <= UINT32_MAX) {
		t->type = TOK_UINT;
		t->lo = (uint32_t)lo;
		t->hi = (uint32_t)hi;
	} else if (w[0] == '{' && w[strlen(w) - 1] == '}') {
		t->type = TOK_SET;
		if ((copy = strndup(w + 1, strlen(w) - 2)) == NULL)
			return -1;
		for (s = strtok_r(copy, "|", &save); s;
		    s = strtok_r(NULL, "|", &save)) {
			if (t->nset == MAXSET)
				break;
			t->set[t->nset++] = strdup(s);
		}
		free(copy);
	} else if (strncmp(w, "<debug:", 7) == 0 && w[strlen(w) - 1] == '>') {
		/* the registered debug categories "GROUP KEYWORD" ('.' = ' ') */
		t->type = TOK_DEBUG;
		if ((t->kw = strndup(w + 7, strlen(w) - 8)) == NULL)
			return -1;
		for (s = t->kw; *s; s++)
			if (*s == '.')
				*s = ' ';
	} else if (w[0] == '<' || w[0] == '[')
		return -1;
	else {
		t->type = TOK_KW;
		t->kw = strdup(w);
	}
	return 0;
}

static struct entry *
compile(const char *pattern)
{
	struct entry *e;
	char *copy, *w, *save = NULL;

	if ((e = calloc(1, sizeof(*e))) == NULL ||
	    (copy = strdup(pattern)) == NULL) {
		free(e);
		return NULL;
	}
	for (w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		if (e->ntok == SSO_MAXWORDS ||
		    compile_tok(&e->toks[e->ntok++], w) == -1) {
			free(copy);
			free_entry(e);
			return NULL;
		}
	}
	free(copy);
	return e;
}

static void
append(struct entry *e)
{
	*entries_tail = e;
	entries_tail = &e->next;
}

int
sso_cmd_register_class(const char *pattern, enum sso_cmd_class cls,
    sso_cmd_fn fn, void *arg)
{
	struct entry *e;

	if ((e = compile(pattern)) == NULL)
		return -1;
	e->cmd = fn;
	e->arg = arg;
	e->cls = (int)cls;
	append(e);
	return 0;
}

/* the class a command gets from its first keyword */
static enum sso_cmd_class
default_class(const char *pattern)
{
	size_t n = strcspn(pattern, " ");

	if (n == 4 && strncmp(pattern, "show", 4) == 0)
		return SSO_CMD_SHOW;
	if (n == 4 && strncmp(pattern, "test", 4) == 0)
		return SSO_CMD_TEST;
	return SSO_CMD_ACTION;
}

int
sso_cmd_register(const char *pattern, sso_cmd_fn fn, void *arg)
{
	return sso_cmd_register_class(pattern, default_class(pattern), fn,
	    arg);
}

const char *
sso_cmd_class_name(int cls)
{
	switch (cls) {
	case SSO_CMD_SHOW:
		return "show";
	case SSO_CMD_ACTION:
		return "action";
	case SSO_CMD_TEST:
		return "test";
	default:
		return "?";
	}
}

int
sso_conf_register(const char *parent, const char *pattern, int flags,
    sso_conf_fn fn, void *arg)
{
	struct entry *e;

	if ((e = compile(pattern)) == NULL)
		return -1;
	if (parent && (e->parent = strdup(parent)) == NULL) {
		free_entry(e);
		return -1;
	}
	e->is_conf = 1;
	e->flags = flags;
	e->conf = fn;
	e->arg = arg;
	append(e);
	return 0;
}

int
sso_conf_printer(int prio, sso_conf_print_fn fn, void *arg)
{
	struct printer *p, **pp;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->prio = prio;
	p->fn = fn;
	p->arg = arg;
	for (pp = &printers; *pp && (*pp)->prio <= prio; pp = &(*pp)->next)
		;
	p->next = *pp;
	*pp = p;
	return 0;
}

/* matching */

enum kwmatch { KW_NO, KW_PREFIX, KW_EXACT };

/* keywords are case-insensitive, as in IOS; values keep their case */
static enum kwmatch
kwmatch(const char *kw, const char *w)
{
	size_t n = strlen(w);

	if (strcasecmp(kw, w) == 0)
		return KW_EXACT;
	if (n > 0 && strncasecmp(kw, w, n) == 0)
		return KW_PREFIX;
	return KW_NO;
}

static int
is_set(const struct tok *t)
{
	return t->type == TOK_SET || t->type == TOK_DEBUG;
}

/*
 * The i-th alternative of a {set} or <debug:GROUP> token, NULL past the
 * end; *name gets what the handler receives (the set's keyword, or the
 * debug category's full name). Debug alternatives are read from the
 * registry at match time, so the accepted and the listed categories are
 * the registered ones, whenever a module registers them.
 */
static const char *
tok_alt(const struct tok *t, int i, const char **name)
{
	const struct sso_debug *d;
	size_t gl;

	if (t->type == TOK_SET) {
		if (i >= t->nset)
			return NULL;
		*name = t->set[i];
		return t->set[i];
	}
	gl = strlen(t->kw);
	for (d = sso_debug_list(); d != NULL; d = d->next) {
		const char *kw = d->name + gl + 1;

		if (strncmp(d->name, t->kw, gl) != 0 || d->name[gl] != ' ' ||
		    *kw == '\0' || strchr(kw, ' ') != NULL)
			continue;
		if (i-- == 0) {
			*name = d->name;
			return kw;
		}
	}
	return NULL;
}

/* the keyword a word selects at a token (KW or set), NULL if none/ambiguous */
static const char *
tok_keyword(const struct tok *t, const char *w, int *exact, int *idx)
{
	const char *hit = NULL, *kw, *name;
	int i, nprefix = 0;

	*exact = 0;
	if (t->type == TOK_KW) {
		switch (kwmatch(t->kw, w)) {
		case KW_EXACT:
			*exact = 1;
			/* FALLTHROUGH */
		case KW_PREFIX:
			*idx = 0;
			return t->kw;
		default:
			return NULL;
		}
	}
	for (i = 0; (kw = tok_alt(t, i, &name)) != NULL; i++) {
		enum kwmatch m = kwmatch(kw, w);

		if (m == KW_EXACT) {
			*exact = 1;
			*idx = i;
			return kw;
		}
		if (m == KW_PREFIX) {
			nprefix++;
			hit = kw;
			*idx = i;
		}
	}
	return nprefix == 1 ? hit : NULL;
}

static int
parse_uint(const char *w, uint32_t lo, uint32_t hi, uint32_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)w[0]))
		return -1;
	errno = 0;
	x = strtoull(w, &end, 10);
	if (errno || *end || x < lo || x > hi)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

#define MAXCAND	256

struct match {
	struct entry	*e;
	struct sso_args	 args;
	char		 err[160];
	int		 rc;
	struct entry	*cand[MAXCAND];
	int		 ncand;
};

static void
candidates(int conf, const char *parent, struct match *m)
{
	struct entry *e;

	memset(m, 0, sizeof(*m));
	for (e = entries; e && m->ncand < MAXCAND; e = e->next) {
		if (e->is_conf != conf)
			continue;
		if (conf && ((parent == NULL) != (e->parent == NULL) ||
		    (parent && strcmp(parent, e->parent) != 0)))
			continue;
		m->cand[m->ncand++] = e;
	}
}

/* pass 1 of narrow(): the keyword word w selects at pos, or NULL */
static const char *
choose(struct match *m, int pos, const char *w, int *kw_hits,
    int *ambiguous)
{
	const char *chosen = NULL, *kw;
	int any_exact = 0, i, k, ex, idx;

	*kw_hits = *ambiguous = 0;
	for (i = 0; i < m->ncand; i++) {
		struct tok *t = &m->cand[i]->toks[pos];

		if (pos >= m->cand[i]->ntok ||
		    (t->type != TOK_KW && !is_set(t)))
			continue;
		if ((kw = tok_keyword(t, w, &ex, &idx)) == NULL) {
			const char *alt, *name;

			/* a set may be ambiguous within itself */
			for (k = 0; t->type != TOK_KW &&
			    (alt = tok_alt(t, k, &name)) != NULL; k++)
				if (kwmatch(alt, w) != KW_NO)
					*ambiguous = 1;
			continue;
		}
		(*kw_hits)++;
		if (ex && !any_exact) {
			any_exact = 1;
			chosen = kw;
		} else if (!any_exact) {
			if (chosen && strcmp(chosen, kw) != 0)
				*ambiguous = 1;
			chosen = kw;
		}
	}
	if (any_exact)
		*ambiguous = 0;
	return chosen;
}

/* does candidate c survive word w at pos, given the chosen keyword? */
static int
keep_cand(const struct entry *c, int pos, const char *w, const char *chosen,
    int kw_hits)
{
	const struct tok *t;
	const char *kw;
	int ex, idx;

	if (pos >= c->ntok)	/* a <line> earlier swallowed the rest */
		return c->ntok > 0 && c->toks[c->ntok - 1].type == TOK_LINE;
	t = &c->toks[pos];
	switch (t->type) {
	case TOK_KW:
	case TOK_SET:
	case TOK_DEBUG:
		return chosen && (kw = tok_keyword(t, w, &ex, &idx)) &&
		    strcmp(kw, chosen) == 0;
	case TOK_UINT:
	case TOK_WORD:
	case TOK_LINE:
		return kw_hits == 0;
	default:
		return 0;
	}
}

/*
 * Narrow m->cand word by word, IOS-style: at each position an exact
 * keyword wins, a unique prefix is accepted, two different keywords
 * sharing the prefix are ambiguous. -1 with m->rc and m->err on failure.
 */
static int
narrow(char **words, int nw, struct match *m)
{
	int pos, i, n, kw_hits, ambiguous;

	for (pos = 0; pos < nw; pos++) {
		const char *w = words[pos], *chosen;

		chosen = choose(m, pos, w, &kw_hits, &ambiguous);
		if (ambiguous) {
			m->rc = SSO_RC_AMBIGUOUS;
			snprintf(m->err, sizeof(m->err),
			    "%% Ambiguous command: \"%s\"", w);
			return -1;
		}
		for (i = n = 0; i < m->ncand; i++)
			if (keep_cand(m->cand[i], pos, w, chosen, kw_hits))
				m->cand[n++] = m->cand[i];
		m->ncand = n;
		if (n == 0) {
			m->rc = SSO_RC_UNKNOWN;
			snprintf(m->err, sizeof(m->err),
			    "%% Invalid input detected at \"%s\"", w);
			return -1;
		}
	}
	return 0;
}

/* fill m->args from the words for the chosen entry m->e */
static int
extract(char **words, int nw, struct match *m)
{
	static char linebuf[1024];
	struct entry *e = m->e;
	const char *name = "";
	int pos, k, ex, idx;
	uint32_t v;

	for (pos = 0; pos < e->ntok; pos++) {
		struct tok *t = &e->toks[pos];

		if (t->type == TOK_KW)
			continue;
		if (m->args.n == SSO_MAXARGS)
			break;
		switch (t->type) {
		case TOK_UINT:
			if (parse_uint(words[pos], t->lo, t->hi, &v) == -1) {
				m->rc = SSO_RC_BADARG;
				snprintf(m->err, sizeof(m->err),
				    "%% Invalid value \"%s\" (expected %u-%u)",
				    words[pos], t->lo, t->hi);
				return -1;
			}
			m->args.u[m->args.n] = v;
			m->args.s[m->args.n++] = words[pos];
			break;
		case TOK_SET:
		case TOK_DEBUG:
			(void)tok_keyword(t, words[pos], &ex, &idx);
			(void)tok_alt(t, idx, &name);
			m->args.s[m->args.n] = name;
			m->args.u[m->args.n++] = (uint32_t)idx;
			break;
		case TOK_LINE:
			linebuf[0] = '\0';
			for (k = pos; k < nw; k++) {
				if (k > pos)
					strncat(linebuf, " ", sizeof(linebuf) -
					    strlen(linebuf) - 1);
				strncat(linebuf, words[k], sizeof(linebuf) -
				    strlen(linebuf) - 1);
			}
			m->args.s[m->args.n++] = linebuf;
			break;
		default:
			m->args.s[m->args.n++] = words[pos];
			break;
		}
	}
	return 0;
}

static int
complete(const struct entry *c, int nw)
{
	int nt = c->ntok;

	return nt == nw || (nt <= nw && nt > 0 &&
	    c->toks[nt - 1].type == TOK_LINE);
}

/*
 * Match words against the entries selected by filter (conf/parent).
 * On success m->e and m->args are set; otherwise m->rc and m->err.
 */
static int
match(char **words, int nw, int conf, const char *parent, struct match *m)
{
	int i;

	candidates(conf, parent, m);
	if (nw == 0) {
		m->rc = SSO_RC_INCOMPLETE;
		snprintf(m->err, sizeof(m->err), "%% Incomplete command");
		return -1;
	}
	if (narrow(words, nw, m) == -1)
		return -1;
	for (i = 0; i < m->ncand && m->e == NULL; i++)
		if (complete(m->cand[i], nw))
			m->e = m->cand[i];
	if (m->e == NULL) {
		m->rc = SSO_RC_INCOMPLETE;
		snprintf(m->err, sizeof(m->err), "%% Incomplete command");
		return -1;
	}
	if (extract(words, nw, m) == -1) {
		m->e = NULL;
		return -1;
	}
	return 0;
}

/* help: what can follow the words typed so far ("?") */

#define MAXHELP	96

struct help_item {
	char		 tok[48];
	const struct entry *e;	/* first command through this token */
	int		 n;	/* how many commands */
};

/*
 * A pattern's first upto tokens as text, the debug tokens expanded to
 * their categories; the token at position at is shown as the word chosen
 * (one keyword of a set) when chosen is not NULL.
 */
static void
pattern_str(const struct entry *e, int upto, int at, const char *chosen,
    char *buf, size_t len)
{
	const char *alt, *name;
	size_t o = 0;
	int i, k;

	buf[0] = '\0';
	for (i = 0; i < e->ntok && i < upto && o < len; i++) {
		const struct tok *t = &e->toks[i];

		o += (size_t)snprintf(buf + o, len - o, "%s", i ? " " : "");
		if (o >= len)
			break;
		if (i == at && chosen != NULL) {
			o += (size_t)snprintf(buf + o, len - o, "%s", chosen);
			continue;
		}
		switch (t->type) {
		case TOK_KW:
			o += (size_t)snprintf(buf + o, len - o, "%s", t->kw);
			break;
		case TOK_UINT:
			o += (size_t)snprintf(buf + o, len - o, "<%u-%u>",
			    t->lo, t->hi);
			break;
		case TOK_WORD:
			o += (size_t)snprintf(buf + o, len - o, "WORD");
			break;
		case TOK_LINE:
			o += (size_t)snprintf(buf + o, len - o, "LINE");
			break;
		default:
			for (k = 0; (alt = tok_alt(t, k, &name)) && o < len;
			    k++)
				o += (size_t)snprintf(buf + o, len - o, "%s%s",
				    k ? "|" : "{", alt);
			if (o < len)
				o += (size_t)snprintf(buf + o, len - o, "}");
			break;
		}
	}
}

static void
help_add(struct help_item *it, int *n, const char *tok,
    const struct entry *e)
{
	int i;

	for (i = 0; i < *n; i++)
		if (strcmp(it[i].tok, tok) == 0) {
			it[i].n++;
			return;
		}
	if (*n == MAXHELP)
		return;
	snprintf(it[*n].tok, sizeof(it[*n].tok), "%s", tok);
	it[*n].e = e;
	it[(*n)++].n = 1;
}

static int
help_cmp(const void *a, const void *b)
{
	const struct help_item *x = a, *y = b;

	/* <cr> last, as IOS lists it */
	if ((strcmp(x->tok, "<cr>") == 0) != (strcmp(y->tok, "<cr>") == 0))
		return strcmp(x->tok, "<cr>") == 0 ? 1 : -1;
	return strcasecmp(x->tok, y->tok);
}

/* the tokens candidate c can continue with at pos (partial: a prefix) */
static void
help_cand(const struct entry *c, int pos, const char *partial,
    struct help_item *it, int *n)
{
	const struct tok *t;
	const char *alt, *name;
	char ph[48];
	int k;

	if (complete(c, pos) && *partial == '\0')
		help_add(it, n, "<cr>", c);
	if (pos >= c->ntok) {	/* only a <line> goes on */
		if (*partial == '\0' && c->ntok > 0 &&
		    c->toks[c->ntok - 1].type == TOK_LINE)
			help_add(it, n, "LINE", c);
		return;
	}
	t = &c->toks[pos];
	switch (t->type) {
	case TOK_KW:
		if (kwmatch(t->kw, partial) != KW_NO || *partial == '\0')
			help_add(it, n, t->kw, c);
		return;
	case TOK_SET:
	case TOK_DEBUG:
		for (k = 0; (alt = tok_alt(t, k, &name)) != NULL; k++)
			if (kwmatch(alt, partial) != KW_NO || *partial == '\0')
				help_add(it, n, alt, c);
		return;
	default:
		if (*partial != '\0')
			return;
		pattern_str(c, pos + 1, -1, NULL, ph, sizeof(ph));
		help_add(it, n, strrchr(ph, ' ') ? strrchr(ph, ' ') + 1 : ph,
		    c);
		return;
	}
}

static void
help_print(struct help_item *it, int n, int pos, struct sso_reply *r)
{
	struct sso_json j;
	char pat[160], desc[200];
	int i;

	qsort(it, (size_t)n, sizeof(*it), help_cmp);
	if (r->json) {
		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_key(&j, "completions");
		sso_json_arr(&j);
	}
	for (i = 0; i < n; i++) {
		int whole = it[i].n == 1 || strcmp(it[i].tok, "<cr>") == 0;

		pattern_str(it[i].e, whole ? SSO_MAXWORDS : pos + 1, pos,
		    strcmp(it[i].tok, "<cr>") == 0 ? NULL : it[i].tok, pat,
		    sizeof(pat));
		if (whole)
			snprintf(desc, sizeof(desc), "%s", pat);
		else
			snprintf(desc, sizeof(desc), "%s ... (%d commands)",
			    pat, it[i].n);
		if (!r->json) {
			sso_wbuf_printf(&r->out, "  %-20s %s\n", it[i].tok,
			    desc);
			continue;
		}
		sso_json_obj(&j);
		sso_json_kstr(&j, "token", it[i].tok);
		sso_json_kstr(&j, "help", desc);
		sso_json_ku64(&j, "commands", (uint64_t)it[i].n);
		sso_json_obj_end(&j);
	}
	if (r->json) {
		sso_json_arr_end(&j);
		sso_json_obj_end(&j);
	}
}

/*
 * "WORDS... ?" lists the tokens that can follow WORDS, "WORDS... PRE?" the
 * keywords starting with PRE, each with the command it leads to.
 */
static int
help(char **words, int nw, struct sso_reply *r)
{
	struct help_item it[MAXHELP];
	struct match m;
	char partial[64];
	const char *last = words[nw - 1];
	int i, n = 0;

	snprintf(partial, sizeof(partial), "%.*s", (int)strlen(last) - 1,
	    last);
	candidates(0, NULL, &m);
	if (narrow(words, nw - 1, &m) == -1)
		return sso_reply_err(r, m.rc, "%s", m.err);
	for (i = 0; i < m.ncand; i++)
		help_cand(m.cand[i], nw - 1, partial, it, &n);
	if (n == 0)
		return sso_reply_err(r, SSO_RC_UNKNOWN, "%% Unrecognized "
		    "command");
	help_print(it, n, nw - 1, r);
	r->rc = SSO_RC_OK;
	return SSO_RC_OK;
}

int
sso_reply_err(struct sso_reply *r, int rc, const char *fmt, ...)
{
	va_list ap;
	char msg[512];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sso_wbuf_reset(&r->out);
	if (r->json) {
		struct sso_json j;

		sso_json_init(&j, &r->out);
		sso_json_obj(&j);
		sso_json_kstr(&j, "error", msg);
		sso_json_ku64(&j, "rc", (uint64_t)rc);
		sso_json_obj_end(&j);
	} else
		sso_wbuf_printf(&r->out, "%s\n", msg);
	r->rc = rc;
	return rc;
}

/* streaming */

int
sso_reply_stream(struct sso_reply *r, sso_stream_fn fn, void *arg)
{
	r->next = fn;
	r->sarg = arg;
	return SSO_RC_STREAM;
}

int
sso_reply_room(struct sso_reply *r)
{
	size_t max = r->chunk_bytes ? r->chunk_bytes : SSO_CHUNK_BYTES;

	/* stop a row early, so that the chunk (and its buffer, which grows
	 * by doubling) stays within max for rows up to SSO_CHUNK_SLACK */
	if (max > 2 * SSO_CHUNK_SLACK)
		max -= SSO_CHUNK_SLACK;
	/* the first row always fits: a chunk never ends without progress */
	if (r->rows > 0 && (r->out.len >= max ||
	    (r->chunk_rows && r->rows >= r->chunk_rows)))
		return 0;
	r->rows++;
	return 1;
}

int
sso_reply_next(struct sso_reply *r)
{
	int rc;

	if (r->next == NULL)
		return r->rc;
	r->rows = 0;
	if ((rc = r->next(r)) != SSO_RC_STREAM) {
		r->next = NULL;
		r->rc = rc;
	}
	return rc;
}

int
sso_reply_drain(struct sso_reply *r)
{
	int rc;

	while ((rc = sso_reply_next(r)) == SSO_RC_STREAM)
		;
	return rc;
}

int
sso_cmd_class(int argc, char **argv)
{
	struct match m;

	if (match(argv, argc, 0, NULL, &m) == -1)
		return -1;
	return m.e->cls;
}

/*
 * The read-only control socket refuses what is not a show command before
 * it runs, whatever its handler would do (fail closed: a new command is
 * an action until registered otherwise).
 */
static int
denied(const struct entry *e, struct sso_reply *r)
{
	char pat[160];

	pattern_str(e, SSO_MAXWORDS, -1, NULL, pat, sizeof(pat));
	return sso_reply_err(r, SSO_RC_DENIED, "%% Not allowed on the "
	    "read-only control socket: \"%s\" is %s command", pat,
	    e->cls == SSO_CMD_TEST ? "a test" : "an action");
}

int
sso_cmd_exec(int argc, char **argv, struct sso_reply *r)
{
	struct match m;
	size_t ll;
	int rc;

	ll = argc > 0 ? strlen(argv[argc - 1]) : 0;
	if (ll > 0 && argv[argc - 1][ll - 1] == '?')
		return help(argv, argc, r);
	if (match(argv, argc, 0, NULL, &m) == -1) {
		/* a lone "help" that no module claims lists the top level */
		if (argc == 1 && strcasecmp(argv[0], "help") == 0) {
			char *q[] = { (char *)"?" };

			return help(q, 1, r);
		}
		return sso_reply_err(r, m.rc, "%s", m.err);
	}
	if (r->readonly && m.e->cls != SSO_CMD_SHOW)
		return denied(m.e, r);
	/* the class's gate, e.g. `service internal` for the test class */
	if (gates[m.e->cls] != NULL && (rc = gates[m.e->cls](r)) != 0)
		return rc;
	rc = m.e->cmd(m.e->arg, &m.args, r);
	if (rc != SSO_RC_PENDING && rc != SSO_RC_STREAM)
		r->rc = rc;
	return rc;
}

/* configuration */

int
sso_conf_err(struct sso_conf_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ctx->err, sizeof(ctx->err), fmt, ap);
	va_end(ap);
	return -1;
}

static int
split(char *line, char **words, int max)
{
	int n = 0;
	char *s = line;

	while (*s) {
		while (isspace((unsigned char)*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		if (n == max)
			return -1;
		words[n++] = s;
		while (*s && !isspace((unsigned char)*s))
			s++;
	}
	return n;
}

/*
 * SSO_CONF_ONCE bookkeeping: the settings seen in the file being read,
 * each with the block instance it belongs to (0: top level) and its line.
 */
struct seen {
	int		 scope;
	int		 line;
	char		 key[128];
	struct seen	*next;
};
static struct seen *seen;
static int scopes;		/* block instances opened so far */

struct validator {
	sso_conf_check_fn	 fn;
	void			*arg;
	struct validator	*next;
};
static struct validator *validators, **validators_tail = &validators;

struct module {
	const struct sso_conf_module *ops;
	void		*arg;
	void		*saved;
	struct module	*next;
};
static struct module *modules, **modules_tail = &modules;

static void
seen_reset(void)
{
	struct seen *s, *n;

	for (s = seen; s; s = n) {
		n = s->next;
		free(s);
	}
	seen = NULL;
	scopes = 0;
}

static void
sso_conf_reset_hooks(void)
{
	struct validator *v, *vn;
	struct module *m, *mn;

	for (v = validators; v; v = vn) {
		vn = v->next;
		free(v);
	}
	validators = NULL;
	validators_tail = &validators;
	for (m = modules; m; m = mn) {
		mn = m->next;
		free(m);
	}
	modules = NULL;
	modules_tail = &modules;
	seen_reset();
}

int
sso_conf_validator(sso_conf_check_fn fn, void *arg)
{
	struct validator *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return -1;
	v->fn = fn;
	v->arg = arg;
	*validators_tail = v;
	validators_tail = &v->next;
	return 0;
}

int
sso_conf_module(const struct sso_conf_module *ops, void *arg)
{
	struct module *m;

	if ((m = calloc(1, sizeof(*m))) == NULL)
		return -1;
	m->ops = ops;
	m->arg = arg;
	*modules_tail = m;
	modules_tail = &m->next;
	return 0;
}

/* the key of a setting: keywords up to the first value, selector included */
static void
setting_key(const struct entry *e, const struct sso_args *a, char *key,
    size_t len)
{
	size_t o = 0;
	int i, argi = 0;
	char num[16];

	key[0] = '\0';
	for (i = 0; i < e->ntok && o < len; i++) {
		const char *w;

		if (e->toks[i].type == TOK_KW)
			w = e->toks[i].kw;
		else if (argi == 0 && (e->flags & SSO_CONF_SEL) && a->n > 0) {
			/* "unit 00" is "unit 0" */
			snprintf(num, sizeof(num), "%u", a->u[0]);
			w = e->toks[i].type == TOK_UINT ? num : a->s[0];
			argi++;
		} else
			break;
		o += (size_t)snprintf(key + o, len - o, "%s%s", o ? " " : "",
		    w);
	}
}

int
sso_conf_key_line(const char *key)
{
	struct seen *s;

	for (s = seen; s; s = s->next)
		if (strcmp(s->key, key) == 0)
			return s->line;
	return 0;
}

/* refuse a second occurrence of a SSO_CONF_ONCE setting in one scope */
static int
once(struct sso_conf_ctx *ctx, const struct entry *e,
    const struct sso_args *a, int scope)
{
	struct seen *s;
	char key[128];

	setting_key(e, a, key, sizeof(key));
	for (s = seen; s; s = s->next)
		if (s->scope == scope && strcmp(s->key, key) == 0)
			return sso_conf_err(ctx, "\"%s\" given twice (first at "
			    "%s:%d)", key, ctx->file, s->line);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return sso_conf_err(ctx, "out of memory");
	s->scope = scope;
	s->line = ctx->line;
	snprintf(s->key, sizeof(s->key), "%s", key);
	s->next = seen;
	seen = s;
	return 0;
}

static int
conf_line(struct sso_conf_ctx *ctx, char **w, int nw, const char *parent,
    int scope, char *opened, size_t openedlen)
{
	struct match m;
	int no = 0;

	if (nw > 0 && strcasecmp(w[0], "no") == 0) {
		no = 1;
		w++;
		nw--;
	}
	if (match(w, nw, 1, parent, &m) == -1)
		return sso_conf_err(ctx, "%s", m.err + (m.err[0] == '%' ? 2 : 0));
	if (no && !(m.e->flags & SSO_CONF_NO))
		return sso_conf_err(ctx, "\"no %s\" is not supported",
		    m.e->toks[0].kw ? m.e->toks[0].kw : w[0]);
	if ((m.e->flags & SSO_CONF_ONCE) && once(ctx, m.e, &m.args,
	    parent ? scope : 0) == -1)
		return -1;
	if (m.e->flags & SSO_CONF_BLOCK)
		snprintf(opened, openedlen, "%s", m.e->toks[0].kw);
	return m.e->conf(ctx, m.e->arg, no, &m.args);
}

static int
run_validators(const char *name, char *err, size_t errlen)
{
	struct sso_conf_ctx ctx;
	struct validator *v;

	for (v = validators; v; v = v->next) {
		memset(&ctx, 0, sizeof(ctx));
		ctx.file = name;
		if (v->fn(&ctx, v->arg) == 0)
			continue;
		if (ctx.line > 0)
			snprintf(err, errlen, "%s:%d: %s", name, ctx.line,
			    ctx.err);
		else
			snprintf(err, errlen, "%s: %s", name, ctx.err);
		return -1;
	}
	return 0;
}

/* one line of the file; -1 with err filled */
static int
load_line(char *line, const char *name, int lineno, char *block,
    size_t blocklen, void **blockobj, int *scope, char *err, size_t errlen)
{
	char *words[SSO_MAXWORDS + 1], opened[64] = "", text[1024];
	int indented = (line[0] == ' ' || line[0] == '\t');
	struct sso_conf_ctx ctx;
	int nw;

	snprintf(text, sizeof(text), "%s", line);
	if ((nw = split(line, words, SSO_MAXWORDS)) <= 0) {
		snprintf(err, errlen, "%s:%d: too many words", name, lineno);
		return -1;
	}
	if (indented && block[0] == '\0') {
		snprintf(err, errlen, "%s:%d: indented line outside of a block",
		    name, lineno);
		return -1;
	}
	memset(&ctx, 0, sizeof(ctx));
	ctx.file = name;
	ctx.line = lineno;
	ctx.block = indented ? *blockobj : NULL;
	if (conf_line(&ctx, words, nw, indented ? block : NULL, *scope,
	    opened, sizeof(opened)) == -1) {
		snprintf(err, errlen, "%s:%d: %s", name, lineno,
		    ctx.err[0] ? ctx.err : "invalid command");
		return -1;
	}
	src_add(indented, text, lineno);
	if (!indented) {
		snprintf(block, blocklen, "%s", opened);
		*blockobj = ctx.block;
		if (opened[0])
			*scope = ++scopes;
	}
	return 0;
}

/* a line "end" alone, as show running-config prints it last */
static int
is_end(const char *line)
{
	if (strncmp(line, "end", 3) != 0)
		return 0;
	for (line += 3; *line; line++)
		if (!isspace((unsigned char)*line))
			return 0;
	return 1;
}

int
sso_conf_load_fp(FILE *fp, const char *name, char *err, size_t errlen)
{
	char block[64] = "", *line = NULL, *s;
	void *blockobj = NULL;
	int lineno = 0, scope = 0, ended = 0, rc = 0;
	size_t cap = 0;
	ssize_t n;

	seen_reset();
	src_reset(name);
	while (rc == 0 && (n = getline(&line, &cap, fp)) != -1) {
		lineno++;
		if (n > 1023) {
			snprintf(err, errlen, "%s:%d: line too long", name,
			    lineno);
			rc = -1;
		} else if (strlen(line) != (size_t)n) {
			snprintf(err, errlen, "%s:%d: NUL byte in the line",
			    name, lineno);
			rc = -1;
		}
		if (rc == -1)
			break;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		if (*s == '!' || *s == '#' || *s == '\0')
			continue;
		if (ended) {
			snprintf(err, errlen, "%s:%d: configuration after "
			    "\"end\" (line %d)", name, lineno, ended);
			rc = -1;
		} else if (s == line && is_end(s))
			ended = lineno;
		else
			rc = load_line(line, name, lineno, block, sizeof(block),
			    &blockobj, &scope, err, errlen);
	}
	free(line);
	if (rc == 0 && ferror(fp)) {
		snprintf(err, errlen, "%s: read error: %s", name,
		    strerror(errno));
		rc = -1;
	}
	return rc == 0 ? run_validators(name, err, errlen) : -1;
}

int
sso_conf_load(const char *file, char *err, size_t errlen)
{
	struct stat st;
	FILE *fp;
	int rc;

	if ((fp = fopen(file, "r")) == NULL) {
		snprintf(err, errlen, "cannot read configuration file %s: %s",
		    file, strerror(errno));
		return -1;
	}
	/* fopen(3) opens a directory; reading it would fail with EISDIR
	 * and an empty file's own errors ("no redundancy block") */
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: is a directory, not a configuration "
		    "file", file);
		fclose(fp);
		return -1;
	}
	rc = sso_conf_load_fp(fp, file, err, errlen);
	fclose(fp);
	return rc;
}

/* reload */

void
sso_conf_refuse(struct sso_conf_reload *rl, const char *key,
    const char *fmt, ...)
{
	char text[300];
	va_list ap;
	int line = sso_conf_key_line(key);

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (line > 0)
		sso_wbuf_printf(rl->msg, "%s:%d: %s: %s\n", rl->file, line, key,
		    text);
	else
		sso_wbuf_printf(rl->msg, "%s: %s: %s\n", rl->file, key, text);
	rl->refused++;
}

static void
modules_save(void)
{
	struct module *m;

	for (m = modules; m; m = m->next)
		m->saved = m->ops->save ? m->ops->save(m->arg) : NULL;
}

static void
modules_rollback(void)
{
	struct module *m;

	for (m = modules; m; m = m->next) {
		if (m->ops->rollback)
			m->ops->rollback(m->arg, m->saved);
		m->saved = NULL;
	}
}

int
sso_conf_reload(const char *file, struct sso_wbuf *msg)
{
	struct sso_conf_reload rl = { file, msg, 0 };
	struct module *m;
	char err[600];

	modules_save();
	if (sso_conf_load(file, err, sizeof(err)) == -1) {
		modules_rollback();
		sso_wbuf_printf(msg, "%s\n", err);
		return -1;
	}
	for (m = modules; m; m = m->next)
		if (m->ops->keep)
			m->ops->keep(m->arg, m->saved, &rl);
	for (m = modules; m; m = m->next) {
		if (m->ops->commit)
			m->ops->commit(m->arg, m->saved);
		m->saved = NULL;
	}
	return (int)rl.refused;
}

int
sso_conf_try(FILE *fp, const char *name, char *err, size_t errlen,
    struct sso_wbuf *print)
{
	int rc;

	modules_save();
	rc = sso_conf_load_fp(fp, name, err, errlen);
	if (rc == 0 && print)
		sso_conf_print(print);
	modules_rollback();
	return rc;
}

void
sso_conf_print(struct sso_wbuf *b)
{
	struct printer *p;

	for (p = printers; p; p = p->next)
		p->fn(p->arg, b);
	sso_wbuf_printf(b, "end\n");
}

/*
 * Where each configuration line came from: the file:line of a line of
 * `show running-config`, for messages that must name the file (the
 * config-sync client's mismatch report). Every accepted line is kept
 * with its words normalised (single spaces) and the top-level line of its
 * block; a printed line is looked up the same way. A line written with
 * abbreviated keywords, or a default printed back, has no source.
 */
struct srcline {
	char	*parent, *text;
	int	 line;
};
static struct srcline *srcs;
static size_t nsrcs, srcs_cap;
static char *srcfile;

static void
src_norm(const char *in, char *out, size_t len)
{
	size_t n = 0;
	int sp = 0;

	for (; *in && n + 1 < len; in++) {
		if (isspace((unsigned char)*in)) {
			sp = n > 0;
			continue;
		}
		if (sp && n + 2 < len)
			out[n++] = ' ';
		sp = 0;
		out[n++] = *in;
	}
	out[n] = '\0';
}

static void
src_reset(const char *file)
{
	size_t i;

	for (i = 0; i < nsrcs; i++) {
		free(srcs[i].parent);
		free(srcs[i].text);
	}
	nsrcs = 0;
	free(srcfile);
	srcfile = strdup(file);
}

static char src_parent[1024];	/* the top-level line of the block */

static void
src_add(int indented, const char *text, int line)
{
	char p[1024], t[1024];
	struct srcline *n;
	const char *parent = NULL;

	if (!indented)
		snprintf(src_parent, sizeof(src_parent), "%s", text);
	else
		parent = src_parent;

	if (nsrcs == srcs_cap) {
		size_t cap = srcs_cap ? srcs_cap * 2 : 64;

		if ((n = realloc(srcs, cap * sizeof(*n))) == NULL)
			return;		/* only a message gets poorer */
		srcs = n;
		srcs_cap = cap;
	}
	src_norm(parent ? parent : "", p, sizeof(p));
	src_norm(text, t, sizeof(t));
	srcs[nsrcs].parent = strdup(p);
	srcs[nsrcs].text = strdup(t);
	srcs[nsrcs].line = line;
	if (srcs[nsrcs].parent == NULL || srcs[nsrcs].text == NULL) {
		free(srcs[nsrcs].parent);
		free(srcs[nsrcs].text);
		return;
	}
	nsrcs++;
}

int
sso_conf_source(const char *parent, const char *text, char *out,
    size_t len)
{
	char p[1024], t[1024];
	size_t i;

	src_norm(parent ? parent : "", p, sizeof(p));
	src_norm(text, t, sizeof(t));
	for (i = 0; i < nsrcs; i++)
		if (strcmp(srcs[i].text, t) == 0 &&
		    strcmp(srcs[i].parent, p) == 0) {
			snprintf(out, len, "%s:%d", srcfile ? srcfile : "?",
			    srcs[i].line);
			return 0;
		}
	return -1;
}
