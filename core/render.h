/*
 * render.h - one renderer for every show table (STYLE.md "Structure to
 * reach" 3).
 *
 * A module exports a snapshot of one row as a plain struct (as
 * l2tp_tunnel_get_info() does) and declares its columns once, in a field
 * table: the JSON name (snake_case), the text header, the text width and
 * alignment, the type and where the value sits in the row. The renderer
 * turns rows into the aligned text table or into the JSON form (an array
 * of objects), and one row into the "detail" form (label/value lines, or
 * one JSON object), so a column is added in one place.
 *
 * A field with json NULL appears in the text form only, one with head
 * NULL in the JSON form only. Text columns are separated by one space; a
 * negative width is left-aligned; the last text column is not padded when
 * left-aligned (no trailing blanks). Strings reach JSON only through the
 * JSON writer's escaping; in text a control character is shown as '?'
 * (a peer-supplied name cannot start a line of its own).
 */
#ifndef SSO_RENDER_H
#define SSO_RENDER_H

#include <stddef.h>
#include <stdint.h>

#include "cmd.h"

enum sso_ftype {
	SSO_FT_UINT,	/* unsigned integer of size 1, 2, 4 or 8 */
	SSO_FT_INT,	/* signed integer of size 1, 2, 4 or 8 */
	SSO_FT_STR,	/* char array in the row */
	SSO_FT_PSTR,	/* const char * in the row (NULL: JSON null, "-") */
	SSO_FT_BOOL,	/* int: JSON true/false, text "yes"/"no" */
	SSO_FT_ENUM,	/* unsigned integer, shown as name(value) */
	SSO_FT_MS,	/* uint64_t milliseconds: JSON number, text "N ms" */
	SSO_FT_IP,	/* struct sockaddr_storage: the address as text */
	SSO_FT_HEX,	/* uint64_t: 16 hex digits (JSON string) */
	SSO_FT_FN,	/* get(row) formats the value (JSON string) */
	SSO_FT_DUR	/* uint64_t ms: JSON number, text as IOS prints an
			 * uptime ("D days, H hours, M minutes, S.mmm
			 * seconds") */
};

#define SSO_FLD_TRUNC	0x1	/* text: cut the value to the width */
#define SSO_FLD_NOTEMPTY 0x2	/* detail text: no line for an empty value */
#define SSO_FLD_HEADPAD	0x4	/* text: the header pads this column even
				 * as the last (a form that always had the
				 * blanks) */
/* a text column that only indents the table by two (one blank and the
 * separator) */
#define SSO_F_INDENT	{ .head = "", .width = 1, .type = SSO_FT_FN }

struct sso_field {
	const char	*json;		/* JSON name; NULL: text only */
	const char	*head;		/* text header / detail label */
	int		 width;		/* text width, < 0: left-aligned */
	unsigned	 flags;
	enum sso_ftype	 type;
	size_t		 off, size;	/* where the value sits in the row */
	/* SSO_FT_ENUM: the name of a value; SSO_FT_BOOL: the text of
	 * 0 and 1 when set (default "no"/"yes") */
	const char	*(*name)(unsigned);
	/* SSO_FT_FN: writes the value into buf, returns buf */
	const char	*(*get)(const void *row, char *buf, size_t len);
};

struct sso_table {
	const struct sso_field	*f;
	size_t			 n;
};
#define SSO_TABLE(arr)	{ (arr), sizeof(arr) / sizeof((arr)[0]) }

/* field table shorthands: row type, member, JSON name, header, width */
#define SSO_FIELD(T, st, m, js, hd, w) { .json = (js), .head = (hd),	\
	.width = (w), .type = (T), .off = offsetof(st, m),		\
	.size = sizeof(((st *)0)->m) }
#define SSO_F_UINT(st, m, js, hd, w)	SSO_FIELD(SSO_FT_UINT, st, m, js, hd, w)
#define SSO_F_INT(st, m, js, hd, w)	SSO_FIELD(SSO_FT_INT, st, m, js, hd, w)
#define SSO_F_STR(st, m, js, hd, w)	SSO_FIELD(SSO_FT_STR, st, m, js, hd, w)
#define SSO_F_PSTR(st, m, js, hd, w)	SSO_FIELD(SSO_FT_PSTR, st, m, js, hd, w)
#define SSO_F_BOOL(st, m, js, hd, w)	SSO_FIELD(SSO_FT_BOOL, st, m, js, hd, w)
#define SSO_F_MS(st, m, js, hd, w)	SSO_FIELD(SSO_FT_MS, st, m, js, hd, w)
#define SSO_F_IP(st, m, js, hd, w)	SSO_FIELD(SSO_FT_IP, st, m, js, hd, w)
#define SSO_F_HEX(st, m, js, hd, w)	SSO_FIELD(SSO_FT_HEX, st, m, js, hd, w)
#define SSO_F_DUR(st, m, js, hd, w)	SSO_FIELD(SSO_FT_DUR, st, m, js, hd, w)
/* a bool whose text is fn(0) / fn(1) ("TRUE", "Enabled"...) */
#define SSO_F_BOOLN(st, m, js, hd, w, fn) { .json = (js), .head = (hd),	\
	.width = (w), .type = SSO_FT_BOOL, .off = offsetof(st, m),	\
	.size = sizeof(((st *)0)->m), .name = (fn) }
#define SSO_F_ENUM(st, m, js, hd, w, fn) { .json = (js), .head = (hd),	\
	.width = (w), .type = SSO_FT_ENUM, .off = offsetof(st, m),	\
	.size = sizeof(((st *)0)->m), .name = (fn) }
#define SSO_F_FN(js, hd, w, fn) { .json = (js), .head = (hd),		\
	.width = (w), .type = SSO_FT_FN, .get = (fn) }

/*
 * Where a rendering goes: text into b, or JSON through j (the writer's
 * state, which a streamed reply keeps across chunks).
 */
struct sso_render {
	struct sso_wbuf	*b;
	struct sso_json	*j;		/* NULL: text */
};
void	sso_render_init(struct sso_render *, struct sso_wbuf *,
	    struct sso_json *);
/* render into a control reply (JSON state kept in the reply) */
void	sso_render_reply(struct sso_render *, struct sso_reply *);

/*
 * A table: head writes the text header line, or the JSON key (when not
 * NULL) and the opening '['; one row per call; end closes the array.
 */
void	sso_table_head(struct sso_render *, const struct sso_table *,
	    const char *key);
void	sso_table_row(struct sso_render *, const struct sso_table *,
	    const void *row);
/*
 * The same, and then more(arg, rd): in JSON inside the row's object (more
 * members), in text after the row's line (more lines).
 */
void	sso_table_row_more(struct sso_render *, const struct sso_table *,
	    const void *row, void (*more)(void *, struct sso_render *),
	    void *arg);
void	sso_table_end(struct sso_render *, const struct sso_table *);

/*
 * Detail form of one row: in text one line per field,
 * indent + label (padded to labelw) + " " + value; in JSON the fields as
 * members of the open object, or of a new object under key when key is
 * not NULL. heading (text only, may be NULL) is printed first, as a line.
 * A negative labelw aligns the labels to the right in -labelw columns, as
 * IOS prints "       my state = 13 -ACTIVE" (labels "my state =", -17).
 */
struct sso_detail_style {
	const char	*indent;
	int		 labelw;
};
void	sso_render_detail(struct sso_render *, const struct sso_table *,
	    const void *row, const char *key, const char *heading,
	    const struct sso_detail_style *);

/*
 * A whole reply that is one row's detail form: text lines, or one JSON
 * object of the fields. Returns SSO_RC_OK, for a handler to return.
 */
int	sso_render_show(struct sso_reply *, const struct sso_table *,
	    const void *row);

/*
 * A detail table of named counters: field i is values[i] of a row that is
 * an array of uint64_t, named names[i] in text and JSON; f has room for n.
 */
struct sso_table sso_counter_table(struct sso_field *f,
	    const char *const *names, size_t n);

/*
 * The one-line answer of an action: {"result":"<result>"} in JSON, the
 * formatted line in text. Returns SSO_RC_OK.
 */
int	sso_render_result(struct sso_reply *, const char *result,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The answer of debug/undebug: {"debug":"<kw>","on":true|false} in JSON,
 * "<facility> <kw> debugging is true|false" in text. Returns SSO_RC_OK.
 */
int	sso_render_debug(struct sso_reply *, const char *facility,
	    const char *kw, int on);

/* ms as SSO_FT_DUR shows it ("D days, H hours, M minutes, S.mmm seconds") */
const char *sso_render_dur(char *buf, size_t len, uint64_t ms);

/* one field's value as text (what the text form shows), for callers */
const char *sso_render_text(const struct sso_field *, const void *row,
	    char *buf, size_t len);

#endif
