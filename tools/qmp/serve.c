// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status serve: the QMP protocol on a Unix stream socket, answered
 * the way QEMU 7.2 answers it, for tools that already talk QMP.
 *
 * What a client sends goes through a lexer, a splitter and a parser that
 * behave as QEMU's do (a value may span lines or share one with others; a
 * lexical error skips input up to the next structural byte or control
 * character; every error is worded as QEMU words it), then through QEMU's
 * checks of the request and of capabilities negotiation. A command that is
 * left is one of the table in qmp.c, answered by vs_qmp_line() exactly as
 * `virtio-status --qmp` answers it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "events.h"
#include "nl.h"
#include "qmp.h"
#include "serve.h"

/* Clients served at once; one more is accepted and closed at once. */
#define VS_SERVE_CLIENTS_MAX	64
/* Bytes read from a client at a time. */
#define VS_SERVE_CHUNK		4096
/* Pending output above which a client's input is left unread. */
#define VS_SERVE_OUT_SOFT	(64 * 1024)
/* Pending output at which an event drops a client that does not read. */
#define VS_SERVE_OUT_MAX	(1024 * 1024)
/* While the module's events cannot be followed, how often to try (ms). */
#define VS_SERVE_EVENTS_RETRY	5000
/* Out of descriptors, connections wait in the backlog this long (ms). */
#define VS_SERVE_ACCEPT_PAUSE	250

/* The commands of the server itself; query-commands lists them first. */
static const char *const vs_serve_own[] = { "query-commands", "query-version" };

const char *vs_serve_command(size_t i)
{
	const struct vs_cmd *cmd;

	if (i < ARRAY_SIZE(vs_serve_own))
		return vs_serve_own[i];
	cmd = vs_cmd_at(i - ARRAY_SIZE(vs_serve_own), true);
	return cmd ? cmd->name : NULL;
}

/* Lexer */

/* Token types, as stored: the structural byte itself, or one of these. */
#define VS_TOK_INT	'i'
#define VS_TOK_FLOAT	'f'
#define VS_TOK_KEYWORD	'k'
#define VS_TOK_STRING	's'

/* What one byte does to the token being lexed. */
enum vs_lex_act {
	VS_ACT_TAKE,	/* it belongs to the token */
	VS_ACT_SKIP,	/* whitespace between tokens, or skipped in recovery */
	VS_ACT_END,	/* it ends the token, and is its last byte */
	VS_ACT_BEFORE,	/* the token ended before it: look at it again */
	VS_ACT_BAD,	/* it makes the token a lexical error (and is in it) */
	VS_ACT_RESYNC,	/* recovery is over: look at it again */
};

static bool vs_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool vs_is_structural(unsigned char c)
{
	return c && strchr("{}[]:,", c);
}

/*
 * vs_lex() - what byte @c does in lexer state @st.
 * @next: the state after it (for VS_ACT_TAKE and VS_ACT_SKIP)
 * @type: the token type, for VS_ACT_END and VS_ACT_BEFORE
 *
 * The grammar is QEMU's: JSON's tokens, strings also in single quotes,
 * keywords any run of a-z (the parser rejects the unknown ones), strings
 * taking any byte from 0x20 to 0xFD (the parser checks the UTF-8 and the
 * escapes). After an error, input is skipped up to a structural byte, a
 * control character other than tab, or 0xFE/0xFF.
 */
static enum vs_lex_act vs_lex(enum vs_lex_state st, unsigned char c,
			      enum vs_lex_state *next, char *type)
{
	bool digit = vs_is_digit(c);

	*next = st;
	switch (st) {
	case VS_LEX_START:
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			return VS_ACT_SKIP;
		if (vs_is_structural(c)) {
			*type = (char)c;
			return VS_ACT_END;
		}
		if (c == '"' || c == '\'')
			*next = c == '"' ? VS_LEX_DQ : VS_LEX_SQ;
		else if (c == '0')
			*next = VS_LEX_ZERO;
		else if (digit)
			*next = VS_LEX_DIGITS;
		else if (c == '-')
			*next = VS_LEX_SIGN;
		else if (c >= 'a' && c <= 'z')
			*next = VS_LEX_KEYWORD;
		else
			return VS_ACT_BAD;
		return VS_ACT_TAKE;
	case VS_LEX_RECOVER:
		if ((c < 0x20 && c != '\t') || c >= 0xfe || vs_is_structural(c))
			return VS_ACT_RESYNC;
		return VS_ACT_SKIP;
	case VS_LEX_DQ:
	case VS_LEX_SQ:
		if (c == (st == VS_LEX_DQ ? '"' : '\'')) {
			*type = VS_TOK_STRING;
			return VS_ACT_END;
		}
		if (c == '\\')
			*next = st == VS_LEX_DQ ? VS_LEX_DQ_ESC : VS_LEX_SQ_ESC;
		else if (c < 0x20 || c > 0xfd)
			return VS_ACT_BAD;
		return VS_ACT_TAKE;
	case VS_LEX_DQ_ESC:
	case VS_LEX_SQ_ESC:
		if (c < 0x20 || c > 0xfd)
			return VS_ACT_BAD;
		*next = st == VS_LEX_DQ_ESC ? VS_LEX_DQ : VS_LEX_SQ;
		return VS_ACT_TAKE;
	case VS_LEX_ZERO:
		if (digit)
			return VS_ACT_BAD;
		if (c == '.') {
			*next = VS_LEX_MANTISSA;
			return VS_ACT_TAKE;
		}
		*type = VS_TOK_INT;
		return VS_ACT_BEFORE;
	case VS_LEX_SIGN:
		if (!digit)
			return VS_ACT_BAD;
		*next = c == '0' ? VS_LEX_ZERO : VS_LEX_DIGITS;
		return VS_ACT_TAKE;
	case VS_LEX_DIGITS:
	case VS_LEX_MANT_DIGITS:
		if (digit)
			return VS_ACT_TAKE;
		if (c == 'e' || c == 'E') {
			*next = VS_LEX_EXP_E;
			return VS_ACT_TAKE;
		}
		if (c == '.' && st == VS_LEX_DIGITS) {
			*next = VS_LEX_MANTISSA;
			return VS_ACT_TAKE;
		}
		*type = st == VS_LEX_DIGITS ? VS_TOK_INT : VS_TOK_FLOAT;
		return VS_ACT_BEFORE;
	case VS_LEX_MANTISSA:
	case VS_LEX_EXP_SIGN:
		if (!digit)
			return VS_ACT_BAD;
		*next = st == VS_LEX_MANTISSA ? VS_LEX_MANT_DIGITS :
						VS_LEX_EXP_DIGITS;
		return VS_ACT_TAKE;
	case VS_LEX_EXP_E:
		if (c == '+' || c == '-')
			*next = VS_LEX_EXP_SIGN;
		else if (digit)
			*next = VS_LEX_EXP_DIGITS;
		else
			return VS_ACT_BAD;
		return VS_ACT_TAKE;
	case VS_LEX_EXP_DIGITS:
		if (digit)
			return VS_ACT_TAKE;
		*type = VS_TOK_FLOAT;
		return VS_ACT_BEFORE;
	case VS_LEX_KEYWORD:
		if (c >= 'a' && c <= 'z')
			return VS_ACT_TAKE;
		*type = VS_TOK_KEYWORD;
		return VS_ACT_BEFORE;
	}
	return VS_ACT_BAD;
}

/* Modified UTF-8 (QEMU's: UTF-8, and U+0000 also as C0 80) */

static bool vs_cp_valid(long cp)
{
	return cp >= 0 && cp <= 0x10ffff &&
	       !(cp >= 0xfdd0 && cp <= 0xfdef) && (cp & 0xfffe) != 0xfffe &&
	       !(cp >= 0xd800 && cp <= 0xdfff);
}

/*
 * vs_mutf8_next() - the code point at @s (at most @n bytes), or -1.
 * @end: where the sequence ends: after it when valid; after the lead byte
 *       and the continuation bytes seen when it is not
 *
 * Invalid: a NUL or no byte (@end = @s), 0xFE/0xFF or a stray
 * continuation byte, a missing continuation byte, a code point past
 * U+10FFFF, a surrogate or a noncharacter, an overlong form other than
 * C0 80.
 */
static long vs_mutf8_next(const unsigned char *s, size_t n,
			  const unsigned char **end)
{
	static const long min_cp[] = { 0x80, 0x800, 0x10000, 0x200000,
				       0x4000000 };
	unsigned int len = 0, mask, i;
	long cp;

	*end = s;
	if (!n || !*s)
		return -1;
	*end = s + 1;
	if (*s < 0x80)
		return *s;
	if (*s >= 0xfe || !(*s & 0x40))
		return -1;
	for (mask = 0x80; *s & mask; mask >>= 1)
		len++;
	cp = *s & (mask - 1);
	for (i = 1; i < len; i++) {
		unsigned char b = i < n ? s[i] : 0;

		if ((b & 0xc0) != 0x80)
			return -1;
		*end = s + i + 1;
		cp = (cp << 6) | (b & 0x3f);
	}
	if (!vs_cp_valid(cp))
		return -1;
	if (cp < min_cp[len - 2] && !(cp == 0 && len == 2))
		return -1;
	return cp;
}

/* Append @cp to @buf (room for 4 bytes); U+0000 as C0 80 when @modified. */
static size_t vs_utf8_put(char *buf, long cp, bool modified)
{
	unsigned char *b = (unsigned char *)buf;

	if (cp < 0x80 && (cp || !modified)) {
		b[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		b[0] = 0xc0 | (cp >> 6);
		b[1] = 0x80 | (cp & 0x3f);
		return 2;
	}
	if (cp < 0x10000) {
		b[0] = 0xe0 | (cp >> 12);
		b[1] = 0x80 | ((cp >> 6) & 0x3f);
		b[2] = 0x80 | (cp & 0x3f);
		return 3;
	}
	b[0] = 0xf0 | (cp >> 18);
	b[1] = 0x80 | ((cp >> 12) & 0x3f);
	b[2] = 0x80 | ((cp >> 6) & 0x3f);
	b[3] = 0x80 | (cp & 0x3f);
	return 4;
}

/* Parser */

struct vs_parser {
	const char *p;		/* next stored token: type byte, text, NUL */
	const char *end;
	char *err;		/* the first error (malloc()ed), or NULL */
	bool nomem;
};

static void vs_parse_error(struct vs_parser *ps, const char *fmt, ...)
	__printf(2, 3);

static void vs_parse_error(struct vs_parser *ps, const char *fmt, ...)
{
	char *what;
	va_list ap;
	int n;

	/* like QEMU's parser, keep the first (innermost) error */
	if (ps->err || ps->nomem)
		return;
	va_start(ap, fmt);
	n = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (n < 0 || asprintf(&ps->err, "JSON parse error, %s", what) < 0) {
		ps->err = NULL;
		ps->nomem = true;
	}
	if (n >= 0)
		free(what);
}

/* The next token's type (0 at the end) and text, without taking it. */
static char vs_peek(struct vs_parser *ps, const char **text)
{
	if (ps->p >= ps->end)
		return 0;
	if (text)
		*text = ps->p + 1;
	return ps->p[0];
}

static char vs_pop(struct vs_parser *ps, const char **text)
{
	char type = vs_peek(ps, text);

	if (type)
		ps->p += strlen(ps->p + 1) + 2;
	return type;
}

/* Four hex digits at @s (stopping at the first other byte), or -1. */
static long vs_hex4(const char *s)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = s[i];

		if (vs_is_digit(c))
			v = v * 16 + (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v * 16 + (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v * 16 + (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/*
 * vs_parse_string() - the string a string token @t stands for.
 *
 * Escapes as JSON's, and \' too; \uXXXX pairs of surrogates make one code
 * point; other bytes must be modified UTF-8. The result is modified UTF-8
 * too (U+0000 is C0 80), as QEMU keeps its strings. On an error, the
 * message names the offending escape as QEMU does: the bytes it read for
 * it, up to the end of the token.
 */
static struct json_object *vs_parse_string(struct vs_parser *ps,
					   const char *t)
{
	size_t n = strlen(t), out_len = 0;
	const char *p = t + 1, *beg;
	struct json_object *o;
	char quote = t[0];
	char *out;
	long cp, lo;

	/* 4 output bytes at most for every 2 input bytes */
	out = malloc(2 * n + 4);
	if (!out) {
		ps->nomem = true;
		return NULL;
	}
	while (*p != quote) {
		if (*p != '\\') {
			const unsigned char *end;

			cp = vs_mutf8_next((const unsigned char *)p,
					   t + n - p, &end);
			if (cp < 0) {
				vs_parse_error(ps, "invalid UTF-8 sequence in string");
				goto fail;
			}
			p = (const char *)end;
			out_len += vs_utf8_put(out + out_len, cp, true);
			continue;
		}
		beg = p++;
		switch (*p++) {
		case '"':
		case '\'':
		case '\\':
		case '/':
			out[out_len++] = p[-1];
			continue;
		case 'b':
			out[out_len++] = '\b';
			continue;
		case 'f':
			out[out_len++] = '\f';
			continue;
		case 'n':
			out[out_len++] = '\n';
			continue;
		case 'r':
			out[out_len++] = '\r';
			continue;
		case 't':
			out[out_len++] = '\t';
			continue;
		case 'u':
			break;
		default:
			vs_parse_error(ps, "invalid escape sequence in string");
			goto fail;
		}
		cp = vs_hex4(p);
		p += 4;
		if (cp >= 0xd800 && cp <= 0xdbff && p < t + n - 1 &&
		    p[0] == '\\' && p[1] == 'u') {
			lo = vs_hex4(p + 2);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				cp = 0x10000 + ((cp & 0x3ff) << 10) + (lo & 0x3ff);
				p += 6;
			} else {
				cp = -1;
			}
		}
		if (!vs_cp_valid(cp)) {
			/* what QEMU quotes ends with the token */
			size_t shown = (size_t)(p - beg);

			if (shown > strlen(beg))
				shown = strlen(beg);
			vs_parse_error(ps, "%.*s is not a valid Unicode character",
				       (int)shown, beg);
			goto fail;
		}
		out_len += vs_utf8_put(out + out_len, cp, true);
	}
	o = json_object_new_string_len(out, (int)out_len);
	free(out);
	if (!o)
		ps->nomem = true;
	return o;
fail:
	free(out);
	return NULL;
}

/*
 * A number token, as QEMU reads it: int64, else uint64, else a double. A
 * float keeps its text; an integer too big for 64 bits is written as
 * json-c writes doubles ("%.17g", as QEMU does), so it reads back as one.
 */
static struct json_object *vs_parse_number(char type, const char *t)
{
	unsigned long long u;
	long long v;

	if (type != VS_TOK_INT)
		return json_object_new_double_s(strtod(t, NULL), t);
	errno = 0;
	v = strtoll(t, NULL, 10);
	if (!errno)
		return json_object_new_int64(v);
	if (t[0] != '-') {
		errno = 0;
		u = strtoull(t, NULL, 10);
		if (!errno)
			return json_object_new_uint64(u);
	}
	return json_object_new_double(strtod(t, NULL));
}

static int vs_parse_value(struct vs_parser *ps, struct json_object **out);

/* "key": value, into @dict */
static int vs_parse_pair(struct vs_parser *ps, struct json_object *dict)
{
	struct json_object *key = NULL, *val = NULL;
	const char *k;

	if (!vs_peek(ps, NULL)) {
		vs_parse_error(ps, "premature EOI");
		return -1;
	}
	if (vs_parse_value(ps, &key) < 0 ||
	    !json_object_is_type(key, json_type_string)) {
		vs_parse_error(ps, "key is not a string in object");
		goto fail;
	}
	switch (vs_pop(ps, NULL)) {
	case ':':
		break;
	case 0:
		vs_parse_error(ps, "premature EOI");
		goto fail;
	default:
		vs_parse_error(ps, "missing : in object pair");
		goto fail;
	}
	if (vs_parse_value(ps, &val) < 0) {
		vs_parse_error(ps, "Missing value in dict");
		goto fail;
	}
	k = json_object_get_string(key);
	if (json_object_object_get_ex(dict, k, NULL)) {
		vs_parse_error(ps, "duplicate key");
		goto fail;
	}
	if (json_object_object_add(dict, k, val) < 0) {
		ps->nomem = true;
		goto fail;
	}
	json_object_put(key);
	return 0;
fail:
	json_object_put(val);
	json_object_put(key);
	return -1;
}

/*
 * vs_parse_members() - the rest of an object or an array, its opening
 * token taken: members separated by commas up to @close.
 */
static int vs_parse_members(struct vs_parser *ps, struct json_object *into,
			    char close)
{
	bool dict = close == '}';
	struct json_object *v;
	char type;

	type = vs_peek(ps, NULL);
	if (!type) {
		vs_parse_error(ps, "premature EOI");
		return -1;
	}
	if (type == close) {
		vs_pop(ps, NULL);
		return 0;
	}
	for (;;) {
		if (dict) {
			if (vs_parse_pair(ps, into) < 0)
				return -1;
		} else {
			if (vs_parse_value(ps, &v) < 0) {
				vs_parse_error(ps, "expecting value");
				return -1;
			}
			if (json_object_array_add(into, v) < 0) {
				json_object_put(v);
				ps->nomem = true;
				return -1;
			}
		}
		type = vs_pop(ps, NULL);
		if (type == close)
			return 0;
		if (!type) {
			vs_parse_error(ps, "premature EOI");
			return -1;
		}
		if (type != ',') {
			vs_parse_error(ps, dict ? "expected separator in dict" :
						  "expected separator in list");
			return -1;
		}
	}
}

/*
 * vs_parse_value() - one value from the tokens. 0 with @out set (NULL is
 * JSON null), or -1 with the parser's error set.
 */
static int vs_parse_value(struct vs_parser *ps, struct json_object **out)
{
	struct json_object *o;
	const char *t;
	char type;

	*out = NULL;
	type = vs_peek(ps, &t);
	switch (type) {
	case 0:
		vs_parse_error(ps, "premature EOI");
		return -1;
	case '{':
	case '[':
		vs_pop(ps, NULL);
		o = type == '{' ? json_object_new_object() :
				  json_object_new_array();
		if (!o) {
			ps->nomem = true;
			return -1;
		}
		if (vs_parse_members(ps, o, type == '{' ? '}' : ']') < 0) {
			json_object_put(o);
			return -1;
		}
		*out = o;
		return 0;
	case VS_TOK_KEYWORD:
		vs_pop(ps, NULL);
		if (!strcmp(t, "null"))
			return 0;
		if (strcmp(t, "true") && strcmp(t, "false")) {
			vs_parse_error(ps, "invalid keyword '%s'", t);
			return -1;
		}
		o = json_object_new_boolean(!strcmp(t, "true"));
		break;
	case VS_TOK_STRING:
		vs_pop(ps, NULL);
		o = vs_parse_string(ps, t);
		if (!o)
			return -1;
		break;
	case VS_TOK_INT:
	case VS_TOK_FLOAT:
		vs_pop(ps, NULL);
		o = vs_parse_number(type, t);
		break;
	default:
		vs_parse_error(ps, "expecting value");
		return -1;
	}
	if (!o) {
		ps->nomem = true;
		return -1;
	}
	*out = o;
	return 0;
}

/* Member order */

/*
 * vs_qdict_slot() - where QEMU 7.2's QDict keeps member @key: one of 512
 * buckets, by its string hash. A QDict is walked by bucket, and within a
 * bucket newest member first: that is the order QEMU checks a request's
 * members in, and writes its own dicts in.
 */
static unsigned int vs_qdict_slot(const char *key)
{
	unsigned int v = 0x238f13afu * (unsigned int)strlen(key);
	size_t i;

	for (i = 0; key[i]; i++)
		v += (unsigned int)(unsigned char)key[i] << (i * 5 % 24);
	return (1103515243u * v + 12345u) % 512;
}

struct vs_member {
	const char *key;
	struct json_object *val;
	unsigned int slot;
	size_t pos;		/* insertion order */
};

static int vs_member_cmp(const void *a, const void *b)
{
	const struct vs_member *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->pos < y->pos ? 1 : -1;
}

/*
 * The members of object @o in QEMU's QDict order; malloc()ed, @n set.
 * NULL when there are none or on ENOMEM (@n is 0 for none).
 */
static struct vs_member *vs_qdict_members(struct json_object *o, size_t *n)
{
	struct vs_member *m;
	size_t i = 0;

	*n = json_object_object_length(o);
	if (!*n)
		return NULL;
	m = calloc(*n, sizeof(*m));
	if (!m)
		return NULL;
	json_object_object_foreach(o, k, v) {
		m[i].key = k;
		m[i].val = v;
		m[i].slot = vs_qdict_slot(k);
		m[i].pos = i;
		i++;
	}
	qsort(m, *n, sizeof(*m), vs_member_cmp);
	return m;
}

/*
 * vs_glib_order() - reorder @m (in QDict order, as inserted) into the
 * slot order of a GLib 2.74 hash table of 8 slots holding them, which is
 * the order QEMU's argument visitor finds members it did not expect in:
 * g_str_hash(), slot (hash * 11) % 7, each collision probing 1, 2, 3...
 * slots further (mod 8). More than 7 members would make GLib grow the
 * table; they are left in QDict order.
 */
static void vs_glib_order(struct vs_member *m, size_t n)
{
	struct vs_member slots[8];
	bool used[8] = { false };
	size_t i, j = 0;

	if (n > 7)
		return;
	for (i = 0; i < n; i++) {
		unsigned int h = 5381, idx, step = 0;
		const signed char *c;

		for (c = (const signed char *)m[i].key; *c; c++)
			h = (h << 5) + h + (unsigned int)*c;
		if (h < 2)
			h = 2;
		idx = (h * 11) % 7;
		while (used[idx]) {
			step++;
			idx = (idx + step) & 7;
		}
		used[idx] = true;
		slots[idx] = m[i];
	}
	for (i = 0; i < 8; i++)
		if (used[i])
			m[j++] = slots[i];
}

/* Requests */

static struct json_object *vs_err(const char *class, const char *fmt, ...)
	__printf(2, 3);

/* A QMP error whose desc may quote client input of any length. */
static struct json_object *vs_err(const char *class, const char *fmt, ...)
{
	struct json_object *o;
	char *desc;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&desc, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	o = vs_qmp_error(class, desc);
	free(desc);
	return o;
}

/*
 * vs_with_id() - @rsp ({"return"} or {"error"}, taken) with the request's
 * "id" where QEMU 7.2 writes it: {"return": ..., "id": ...} but
 * {"id": ..., "error": ...}. NULL on ENOMEM.
 */
static struct json_object *vs_with_id(struct json_object *rsp,
				      bool has_id, struct json_object *id)
{
	struct json_object *o, *v;
	bool ret;

	if (!rsp || !has_id)
		return rsp;
	ret = json_object_object_get_ex(rsp, "return", &v);
	if (!ret && !json_object_object_get_ex(rsp, "error", &v))
		return rsp;
	o = json_object_new_object();
	if (!o)
		goto fail;
	if (ret ? json_object_object_add(o, "return", json_object_get(v)) :
		  json_object_object_add(o, "id", json_object_get(id)))
		goto fail;
	if (ret ? json_object_object_add(o, "id", json_object_get(id)) :
		  json_object_object_add(o, "error", json_object_get(v)))
		goto fail;
	json_object_put(rsp);
	return o;
fail:
	json_object_put(o);
	json_object_put(rsp);
	return NULL;
}

/*
 * The member of @args that QEMU names first when a command taking only
 * @known (may be NULL) is given others; NULL if none. It is @args' own
 * key.
 */
static const char *vs_unexpected(struct json_object *args, const char *known)
{
	struct vs_member *m;
	const char *found = NULL;
	size_t n, i;

	if (!args)
		return NULL;
	m = vs_qdict_members(args, &n);
	if (!m)
		return NULL;
	vs_glib_order(m, n);
	for (i = 0; i < n && !found; i++)
		if (!known || strcmp(m[i].key, known))
			found = m[i].key;
	free(m);
	return found;
}

static struct json_object *vs_version(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *q = json_object_new_object();
	char package[128];

	snprintf(package, sizeof(package), VS_SERVE_PACKAGE,
		 VIRTIO_STATUS_FAMILY_VERSION);
	/* QEMU's QDict order, so the text is laid out as QEMU's is */
	if (!o || !q ||
	    json_object_object_add(q, "micro", json_object_new_int(VS_SERVE_QEMU_MICRO)) ||
	    json_object_object_add(q, "minor", json_object_new_int(VS_SERVE_QEMU_MINOR)) ||
	    json_object_object_add(q, "major", json_object_new_int(VS_SERVE_QEMU_MAJOR)) ||
	    json_object_object_add(o, "qemu", q)) {
		json_object_put(q);
		json_object_put(o);
		return NULL;
	}
	if (json_object_object_add(o, "package", json_object_new_string(package))) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_serve_greeting(void)
{
	struct json_object *o = json_object_new_object();
	struct json_object *qmp = json_object_new_object();
	struct json_object *ver = vs_version();
	struct json_object *caps = json_object_new_array();

	if (!o || !qmp || !ver || !caps)
		goto fail;
	if (json_object_object_add(qmp, "version", ver)) {
		ver = NULL;
		goto fail;
	}
	ver = NULL;
	if (json_object_object_add(qmp, "capabilities", caps)) {
		caps = NULL;
		goto fail;
	}
	caps = NULL;
	if (json_object_object_add(o, "QMP", qmp)) {
		qmp = NULL;
		goto fail;
	}
	return o;
fail:
	json_object_put(caps);
	json_object_put(ver);
	json_object_put(qmp);
	json_object_put(o);
	return NULL;
}

static struct json_object *vs_query_commands(void)
{
	struct json_object *a = json_object_new_array();
	const char *name;
	size_t i;

	for (i = 0; a && (name = vs_serve_command(i)); i++) {
		struct json_object *c = json_object_new_object();
		struct json_object *n = json_object_new_string(name);

		if (!c || !n) {
			json_object_put(n);
			json_object_put(c);
			json_object_put(a);
			return NULL;
		}
		if (json_object_object_add(c, "name", n) ||
		    json_object_array_add(a, c)) {
			json_object_put(c);
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* query-commands and query-version, which take no arguments */
static struct json_object *vs_query(const char *name, struct json_object *args)
{
	const char *key = vs_unexpected(args, NULL);

	if (key)
		return vs_err("GenericError", "Parameter '%s' is unexpected", key);
	if (!strcmp(name, "query-commands"))
		return vs_qmp_return(vs_query_commands());
	return vs_qmp_return(vs_version());
}

/*
 * vs_capabilities() - qmp_capabilities, as QEMU 7.2 runs it: "enable"
 * checked as a list of QMPCapability (whose one value is "oob"), then
 * unexpected arguments, then whether negotiation is over, then whether
 * what is asked is offered. We offer nothing.
 */
static struct json_object *vs_capabilities(struct vs_qmp_sess *s,
					   struct json_object *args)
{
	char asked[VS_MSG_MAX] = "";
	struct json_object *en, *item;
	const char *key;
	size_t i, n;

	if (args && json_object_object_get_ex(args, "enable", &en)) {
		if (!json_object_is_type(en, json_type_array))
			return vs_qmp_error("GenericError",
					    "Invalid parameter type for 'enable', expected: array");
		n = json_object_array_length(en);
		for (i = 0; i < n; i++) {
			item = json_object_array_get_idx(en, i);
			if (!json_object_is_type(item, json_type_string))
				return vs_err("GenericError",
					      "Invalid parameter type for 'enable[%zu]', expected: string",
					      i);
			if (strcmp(json_object_get_string(item), "oob"))
				return vs_err("GenericError",
					      "Parameter 'null' does not accept value '%s'",
					      json_object_get_string(item));
			if (strlen(asked) + 8 < sizeof(asked))
				strcat(asked, asked[0] ? ", oob" : "oob");
		}
	}
	key = vs_unexpected(args, "enable");
	if (key)
		return vs_err("GenericError", "Parameter '%s' is unexpected", key);
	if (s->negotiated)
		return vs_qmp_error("CommandNotFound",
				    "Capabilities negotiation is already complete, command ignored");
	if (asked[0])
		return vs_err("GenericError", "Capability %s not available", asked);
	s->negotiated = true;
	return vs_qmp_return(json_object_new_object());
}

/*
 * vs_run_table() - a command of qmp.c's table, through vs_qmp_line(): the
 * request is written out again with its arguments in the order QEMU's
 * visitor would find unexpected ones, and without "id" (added back by the
 * caller where QEMU puts it).
 */
static struct json_object *vs_run_table(const struct vs_backend *be,
					const char *name,
					struct json_object *args)
{
	struct json_object *req = json_object_new_object(), *a = NULL;
	struct json_object *rsp = NULL;
	struct vs_member *m = NULL;
	const char *text;
	size_t n = 0, i;

	if (!req || json_object_object_add(req, "execute",
					   json_object_new_string(name)))
		goto out;
	if (args) {
		a = json_object_new_object();
		m = vs_qdict_members(args, &n);
		if (!a || (n && !m))
			goto out;
		vs_glib_order(m, n);
		for (i = 0; i < n; i++)
			if (json_object_object_add(a, m[i].key,
						   json_object_get(m[i].val)))
				goto out;
		if (json_object_object_add(req, "arguments", a))
			goto out;
		a = NULL;
	}
	text = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text)
		rsp = vs_qmp_line(be, text);
out:
	free(m);
	json_object_put(a);
	json_object_put(req);
	return rsp;
}

/*
 * vs_serve_request() - the answer to one parsed value @req, as QEMU 7.2
 * gives it: a JSON object whose members are "execute" (a string),
 * "arguments" (an object) and "id" (anything, echoed), checked in QEMU's
 * member order; before negotiation every command but qmp_capabilities is
 * "not found" with QEMU's hint.
 */
static struct json_object *vs_serve_request(struct vs_qmp_sess *s,
					    const struct vs_backend *be,
					    struct json_object *req)
{
	struct json_object *id = NULL, *args = NULL, *rsp;
	const char *name = NULL;
	struct vs_member *m;
	bool has_id;
	size_t n, i;

	if (!json_object_is_type(req, json_type_object))
		return vs_qmp_error("GenericError",
				    "QMP input must be a JSON object");
	has_id = json_object_object_get_ex(req, "id", &id);
	m = vs_qdict_members(req, &n);
	if (n && !m)
		return NULL;
	rsp = NULL;
	for (i = 0; i < n && !rsp; i++) {
		if (!strcmp(m[i].key, "execute")) {
			if (!json_object_is_type(m[i].val, json_type_string))
				rsp = vs_qmp_error("GenericError",
						   "QMP input member 'execute' must be a string");
			else
				name = json_object_get_string(m[i].val);
		} else if (!strcmp(m[i].key, "arguments")) {
			if (!json_object_is_type(m[i].val, json_type_object))
				rsp = vs_qmp_error("GenericError",
						   "QMP input member 'arguments' must be an object");
			else
				args = m[i].val;
		} else if (strcmp(m[i].key, "id")) {
			rsp = vs_err("GenericError",
				     "QMP input member '%s' is unexpected", m[i].key);
		}
	}
	free(m);
	if (rsp)
		return vs_with_id(rsp, has_id, id);
	if (!name)
		rsp = vs_qmp_error("GenericError",
				   "QMP input lacks member 'execute'");
	else if (!strcmp(name, "qmp_capabilities"))
		rsp = vs_capabilities(s, args);
	else if (!s->negotiated)
		rsp = vs_qmp_error("CommandNotFound",
				   "Expecting capabilities negotiation with 'qmp_capabilities'");
	else if (!strcmp(name, "query-commands") ||
		 !strcmp(name, "query-version"))
		rsp = vs_query(name, args);
	else if (vs_cmd_find(name, true))
		rsp = vs_run_table(be, name, args);
	else
		rsp = vs_err("CommandNotFound", "The command %s has not been found",
			     name);
	return vs_with_id(rsp, has_id, id);
}

/* Splitting the token stream into values */

static void vs_toks_reset(struct vs_qmp_sess *s)
{
	s->toks_len = 0;
	s->toks_text = 0;
	s->braces = 0;
	s->brackets = 0;
}

static int vs_toks_push(struct vs_qmp_sess *s, char type)
{
	size_t need = s->toks_len + s->tok_len + 2;

	if (need > s->toks_cap) {
		size_t cap = s->toks_cap ? s->toks_cap : 256;
		char *t;

		while (cap < need)
			cap *= 2;
		t = realloc(s->toks, cap);
		if (!t)
			return -1;
		s->toks = t;
		s->toks_cap = cap;
	}
	s->toks[s->toks_len] = type;
	memcpy(s->toks + s->toks_len + 1, s->tok, s->tok_len);
	s->toks[s->toks_len + 1 + s->tok_len] = '\0';
	s->toks_len = need;
	s->toks_text += s->tok_len;
	return 0;
}

/*
 * vs_token() - take the token just lexed (@s->tok, of @type) into the
 * value being gathered, and when that value is complete, parse and answer
 * it. QEMU 7.2's rule for complete: no brace and no bracket left open, or
 * more of either closed than opened. 0 with @reply set or NULL, -1 on
 * ENOMEM.
 */
static int vs_token(struct vs_qmp_sess *s, const struct vs_backend *be,
		    char type, struct json_object **reply)
{
	struct vs_parser ps = { 0 };
	struct json_object *v;

	*reply = NULL;
	switch (type) {
	case '{':
		s->braces++;
		break;
	case '}':
		s->braces--;
		break;
	case '[':
		s->brackets++;
		break;
	case ']':
		s->brackets--;
		break;
	}
	if (s->toks_text + s->tok_len + 1 > VS_SERVE_VALUE_MAX) {
		vs_toks_reset(s);
		*reply = vs_qmp_error("GenericError",
				      "JSON token size limit exceeded");
		return *reply ? 0 : -1;
	}
	if (s->braces + s->brackets > VS_SERVE_NESTING_MAX) {
		vs_toks_reset(s);
		*reply = vs_qmp_error("GenericError",
				      "JSON nesting depth limit exceeded");
		return *reply ? 0 : -1;
	}
	if (vs_toks_push(s, type) < 0)
		return -1;
	if (s->braces >= 0 && s->brackets >= 0 && (s->braces || s->brackets))
		return 0;

	ps.p = s->toks;
	ps.end = s->toks + s->toks_len;
	if (vs_parse_value(&ps, &v) < 0) {
		vs_toks_reset(s);
		*reply = ps.err ? vs_qmp_error("GenericError", ps.err) : NULL;
		free(ps.err);
		return *reply ? 0 : -1;
	}
	vs_toks_reset(s);
	*reply = vs_serve_request(s, be, v);
	json_object_put(v);
	return *reply ? 0 : -1;
}

void vs_qmp_sess_init(struct vs_qmp_sess *s)
{
	memset(s, 0, sizeof(*s));
	s->lex = VS_LEX_START;
}

void vs_qmp_sess_free(struct vs_qmp_sess *s)
{
	free(s->tok);
	free(s->toks);
	vs_qmp_sess_init(s);
}

static int vs_tok_add(struct vs_qmp_sess *s, char c)
{
	if (!s->tok) {
		s->tok = malloc(VS_SERVE_VALUE_MAX + 2);
		if (!s->tok)
			return -1;
	}
	s->tok[s->tok_len++] = c;
	s->tok[s->tok_len] = '\0';
	return 0;
}

size_t vs_qmp_sess_feed(struct vs_qmp_sess *s, const struct vs_backend *be,
			const char *buf, size_t len, struct json_object **reply)
{
	enum vs_lex_state next;
	enum vs_lex_act act;
	size_t i = 0;
	char type = 0;
	int ret = 0;

	*reply = NULL;
	while (i < len && !*reply) {
		act = vs_lex(s->lex, (unsigned char)buf[i], &next, &type);
		switch (act) {
		case VS_ACT_SKIP:
			s->lex = next;
			i++;
			continue;
		case VS_ACT_RESYNC:
			s->lex = VS_LEX_START;
			continue;
		case VS_ACT_TAKE:
			if (vs_tok_add(s, buf[i++]) < 0)
				return (size_t)-1;
			s->lex = next;
			if (s->tok_len <= VS_SERVE_VALUE_MAX)
				continue;
			/* QEMU gives up on a token this long as on a value */
			s->tok_len = 0;
			s->lex = VS_LEX_START;
			vs_toks_reset(s);
			*reply = vs_qmp_error("GenericError",
					      "JSON token size limit exceeded");
			ret = *reply ? 0 : -1;
			break;
		case VS_ACT_END:
		case VS_ACT_BEFORE:
			/* the byte that ends a token is in it, the one after not */
			if (act == VS_ACT_END && vs_tok_add(s, buf[i++]) < 0)
				return (size_t)-1;
			ret = vs_token(s, be, type, reply);
			s->tok_len = 0;
			s->lex = VS_LEX_START;
			break;
		case VS_ACT_BAD:
			if (vs_tok_add(s, buf[i++]) < 0)
				return (size_t)-1;
			/* the text stops at a NUL, as QEMU's %s does */
			*reply = vs_err("GenericError", "JSON parse error, stray '%s'",
					s->tok);
			ret = *reply ? 0 : -1;
			vs_toks_reset(s);
			s->tok_len = 0;
			s->lex = VS_LEX_RECOVER;
			break;
		}
		if (ret < 0)
			return (size_t)-1;
	}
	return i;
}

/* Output */

/*
 * vs_clean_str() - @s (@n bytes) as valid UTF-8, as QEMU writes strings:
 * each invalid sequence becomes U+FFFD, and C0 80 a NUL (U+FFFD in a
 * key, which cannot hold a NUL). Returns @s itself when it is fine
 * already, else a malloc()ed copy (NULL on ENOMEM) with its length in
 * @out_len.
 */
static const char *vs_clean_str(const char *s, size_t n, bool key,
				size_t *out_len, char **copy)
{
	const unsigned char *p = (const unsigned char *)s, *end;
	const unsigned char *stop = p + n;
	size_t len = 0;
	bool clean = true;
	long cp;
	char *out;

	*copy = NULL;
	*out_len = n;
	for (p = (const unsigned char *)s; p < stop; p = end) {
		cp = vs_mutf8_next(p, stop - p, &end);
		if (cp < 0 && end == p)
			end = p + 1;	/* a NUL byte: already what we want */
		else if (cp <= 0)	/* invalid, or C0 80 */
			clean = false;
	}
	if (clean)
		return s;
	out = malloc(3 * n + 1);
	if (!out)
		return NULL;
	for (p = (const unsigned char *)s; p < stop; p = end) {
		cp = vs_mutf8_next(p, stop - p, &end);
		if (cp < 0 && end == p) {
			end = p + 1;
			cp = key ? 0xfffd : 0;
		} else if (cp < 0 || (cp == 0 && key)) {
			cp = 0xfffd;
		}
		len += vs_utf8_put(out + len, cp, false);
	}
	out[len] = '\0';
	*out_len = len;
	*copy = out;
	return out;
}

/* A copy of @o whose strings and keys are valid UTF-8; NULL on ENOMEM. */
static struct json_object *vs_clean(struct json_object *o)
{
	struct json_object *c = NULL, *v;
	const char *s;
	char *copy;
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_string:
		s = vs_clean_str(json_object_get_string(o),
				 json_object_get_string_len(o), false, &n, &copy);
		if (s == json_object_get_string(o))
			return json_object_get(o);
		c = s ? json_object_new_string_len(s, (int)n) : NULL;
		free(copy);
		return c;
	case json_type_object:
		c = json_object_new_object();
		if (!c)
			return NULL;
		json_object_object_foreach(o, k, val) {
			s = vs_clean_str(k, strlen(k), true, &n, &copy);
			v = s ? vs_clean(val) : NULL;
			if (!s || (val && !v) ||
			    json_object_object_add(c, s, v)) {
				json_object_put(v);
				free(copy);
				json_object_put(c);
				return NULL;
			}
			free(copy);
		}
		return c;
	case json_type_array:
		n = json_object_array_length(o);
		c = json_object_new_array();
		for (i = 0; c && i < n; i++) {
			struct json_object *e = json_object_array_get_idx(o, i);

			v = vs_clean(e);
			if ((e && !v) || json_object_array_add(c, v)) {
				json_object_put(v);
				json_object_put(c);
				return NULL;
			}
		}
		return c;
	default:
		return json_object_get(o);
	}
}

char *vs_serve_text(struct json_object *o, size_t *len)
{
	struct json_object *c = vs_clean(o);
	char *text, *line;
	size_t n;

	if (!c && o)
		return NULL;
	text = vs_json_text(c, false);
	json_object_put(c);
	if (!text)
		return NULL;
	n = strlen(text);
	line = realloc(text, n + 3);
	if (!line) {
		free(text);
		return NULL;
	}
	memcpy(line + n, "\r\n", 3);
	if (len)
		*len = n + 2;
	return line;
}

/* The socket */

int vs_serve_listen(const char *path, mode_t mode, gid_t gid, char *msg,
		    size_t len)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	mode_t old;
	int fd, probe, ret;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(msg, len, "socket path %s is too long (at most %zu bytes)",
			 path, sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);

	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(msg, len, "%s exists and is not a socket; not replacing it",
				 path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (probe < 0) {
			snprintf(msg, len, "cannot create a socket: %s", strerror(errno));
			return -1;
		}
		ret = connect(probe, (struct sockaddr *)&sa, sizeof(sa));
		close(probe);
		if (ret == 0) {
			snprintf(msg, len, "a server is already listening on %s", path);
			return -1;
		}
		if (errno != ECONNREFUSED) {
			snprintf(msg, len, "cannot tell whether anything listens on %s: %s",
				 path, strerror(errno));
			return -1;
		}
		/* a stale socket: nobody listens there */
		if (unlink(path) < 0 && errno != ENOENT) {
			snprintf(msg, len, "cannot remove the stale socket %s: %s", path,
				 strerror(errno));
			return -1;
		}
	} else if (errno != ENOENT) {
		snprintf(msg, len, "cannot look at %s: %s", path, strerror(errno));
		return -1;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(msg, len, "cannot create a socket: %s", strerror(errno));
		return -1;
	}
	/* the node is born 0600 (bind() applies the umask), whatever ours is */
	old = umask(0177);
	ret = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret < 0) {
		snprintf(msg, len, "cannot create the socket %s: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	/* only then opened up, never through a symlink */
	if ((gid != (gid_t)-1 &&
	     fchownat(AT_FDCWD, path, (uid_t)-1, gid, AT_SYMLINK_NOFOLLOW) < 0) ||
	    (mode != 0600 &&
	     fchmodat(AT_FDCWD, path, mode, AT_SYMLINK_NOFOLLOW) < 0)) {
		snprintf(msg, len, "cannot set the group or mode of %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (listen(fd, 16) < 0) {
		snprintf(msg, len, "cannot listen on %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	unlink(path);
	close(fd);
	return -1;
}

/* Arguments */

static void vs_serve_usage(FILE *f)
{
	fputs("Usage: virtio-status serve --socket PATH [--mode MODE] [--group GROUP]\n"
	      "\n"
	      "Answer QMP on the Unix stream socket PATH, as QEMU 7.2's monitor does,\n"
	      "for up to 64 clients at once: the greeting, qmp_capabilities,\n"
	      "query-commands, query-version and every command of --qmp\n"
	      "(x-query-virtio...), and the module's events to every client that\n"
	      "has negotiated. Runs until SIGTERM or SIGINT, then removes PATH.\n"
	      "\n"
	      "Options:\n"
	      "  --socket PATH  where to listen; an existing PATH is replaced only\n"
	      "                 if it is a socket nobody listens on\n"
	      "  --mode MODE    octal permissions of the socket (default 0600: only\n"
	      "                 the user running the server); no write bit for\n"
	      "                 others, since every client sees what that user sees\n"
	      "                 (for root: vhost devices, offered features)\n"
	      "  --group GROUP  group of the socket (a name or a number), for a mode\n"
	      "                 such as 0660\n"
	      "  -h, --help     print this help\n", f);
}

/* An option's value: "--opt VALUE" or "--opt=VALUE"; NULL if not @opt. */
static const char *vs_opt(int argc, char **argv, int *i, const char *opt,
			  bool *missing)
{
	size_t n = strlen(opt);
	const char *a = argv[*i];

	if (strncmp(a, opt, n))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (a[n])
		return NULL;
	if (*i + 1 >= argc) {
		*missing = true;
		return NULL;
	}
	return argv[++*i];
}

int vs_serve_parse_args(int argc, char **argv, struct vs_serve_opts *o,
			char *msg, size_t len)
{
	const char *mode = NULL, *group = NULL, *v;
	bool missing = false;
	char *end;
	long m;
	int i;

	memset(o, 0, sizeof(*o));
	o->mode = 0600;
	o->gid = (gid_t)-1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			o->help = true;
			return 0;
		}
		v = vs_opt(argc, argv, &i, "--socket", &missing);
		if (v) {
			o->socket = v;
			continue;
		}
		if (!missing) {
			v = vs_opt(argc, argv, &i, "--mode", &missing);
			if (v) {
				mode = v;
				continue;
			}
		}
		if (!missing) {
			v = vs_opt(argc, argv, &i, "--group", &missing);
			if (v) {
				group = v;
				continue;
			}
		}
		if (missing) {
			snprintf(msg, len, "option %s needs a value", argv[i]);
			return -1;
		}
		snprintf(msg, len, argv[i][0] == '-' ? "unknown option '%s'" :
			 "unexpected argument '%s'", argv[i]);
		return -1;
	}
	if (!o->socket) {
		snprintf(msg, len, "serve needs --socket PATH");
		return -1;
	}
	if (!o->socket[0]) {
		snprintf(msg, len, "--socket is empty");
		return -1;
	}
	if (mode) {
		errno = 0;
		m = strtol(mode, &end, 8);
		if (!mode[0] || *end || errno || m < 0 || m > 0777) {
			snprintf(msg, len,
				 "--mode takes octal permissions such as 0660, not '%s'",
				 mode);
			return -1;
		}
		if (m & 0002) {
			snprintf(msg, len,
				 "--mode %s would let every user connect and read what root sees (vhost devices, offered features); use --group and a mode such as 0660",
				 mode);
			return -1;
		}
		if (!(m & 0200)) {
			snprintf(msg, len,
				 "--mode %s leaves the owner unable to connect; give it write permission (0600)",
				 mode);
			return -1;
		}
		o->mode = (mode_t)m;
	}
	if (group) {
		struct group *g = NULL;

		errno = 0;
		m = strtol(group, &end, 10);
		if (group[0] && !*end && !errno && m >= 0 && m < INT32_MAX) {
			o->gid = (gid_t)m;
		} else {
			g = getgrnam(group);
			if (!g) {
				snprintf(msg, len, "--group: no group named '%s'", group);
				return -1;
			}
			o->gid = g->gr_gid;
		}
	}
	return 0;
}

/* The server */

struct vs_client {
	int fd;
	struct vs_qmp_sess sess;
	char in[VS_SERVE_CHUNK];	/* read, not yet fed to the session */
	size_t in_off;
	size_t in_len;
	char *out;			/* to be sent */
	size_t out_off;
	size_t out_len;
	size_t out_cap;
	bool eof;			/* the client will send no more */
	bool dead;			/* to be closed now */
};

struct vs_server {
	const struct vs_backend *be;
	FILE *err;
	struct vs_client *clients[VS_SERVE_CLIENTS_MAX];
	size_t n;
	struct vs_events *ev;		/* the module's events, or NULL */
	long long ev_retry;		/* when to try again (ms, monotonic) */
	bool ev_said;			/* the last failure was reported */
	long long accept_pause;		/* no accept() before (ms, monotonic) */
	bool fd_said;			/* running out of fds was reported */
};

static long long vs_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t vs_pending(const struct vs_client *c)
{
	return c->out_len - c->out_off;
}

static int vs_queue(struct vs_client *c, const char *text, size_t len)
{
	if (c->out_off && c->out_off == c->out_len) {
		c->out_off = 0;
		c->out_len = 0;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		char *o;

		if (c->out_off) {
			memmove(c->out, c->out + c->out_off, vs_pending(c));
			c->out_len -= c->out_off;
			c->out_off = 0;
		}
		while (cap < c->out_len + len)
			cap *= 2;
		if (cap != c->out_cap) {
			o = realloc(c->out, cap);
			if (!o)
				return -1;
			c->out = o;
			c->out_cap = cap;
		}
	}
	memcpy(c->out + c->out_len, text, len);
	c->out_len += len;
	return 0;
}

/* Queue @o (taken) for @c; a client we cannot answer is dropped. */
static void vs_send(struct vs_client *c, struct json_object *o)
{
	size_t len;
	char *text = o ? vs_serve_text(o, &len) : NULL;

	json_object_put(o);
	if (!text || vs_queue(c, text, len) < 0)
		c->dead = true;
	free(text);
}

static void vs_flush(struct vs_client *c)
{
	ssize_t n;

	while (vs_pending(c)) {
		n = send(c->fd, c->out + c->out_off, vs_pending(c),
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				c->dead = true;
			return;
		}
		c->out_off += (size_t)n;
	}
}

static void vs_client_free(struct vs_client *c)
{
	close(c->fd);
	vs_qmp_sess_free(&c->sess);
	free(c->out);
	free(c);
}

static void vs_accept(struct vs_server *srv, int lfd)
{
	struct vs_client *c;
	int fd;

	for (;;) {
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EMFILE && errno != ENFILE &&
			    errno != ENOBUFS && errno != ENOMEM)
				return;
			/*
			 * The connection stays queued and the listening
			 * socket stays readable: polling it again at once
			 * would spin. Leave it alone for a while.
			 */
			srv->accept_pause = vs_now_ms() + VS_SERVE_ACCEPT_PAUSE;
			if (!srv->fd_said) {
				fprintf(srv->err,
					"virtio-status serve: cannot accept a connection: %s; new connections wait\n",
					strerror(errno));
				fflush(srv->err);
				srv->fd_said = true;
			}
			return;
		}
		if (srv->fd_said) {
			fprintf(srv->err,
				"virtio-status serve: accepting connections again\n");
			fflush(srv->err);
			srv->fd_said = false;
		}
		if (srv->n == VS_SERVE_CLIENTS_MAX) {
			fprintf(srv->err,
				"virtio-status serve: %d clients already; closed a new connection\n",
				VS_SERVE_CLIENTS_MAX);
			close(fd);
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->fd = fd;
		vs_qmp_sess_init(&c->sess);
		vs_send(c, vs_serve_greeting());
		srv->clients[srv->n++] = c;
	}
}

/* Whether @c has input to answer and room to answer it. */
static bool vs_ready(const struct vs_client *c)
{
	return c->in_off < c->in_len && vs_pending(c) < VS_SERVE_OUT_SOFT;
}

/*
 * vs_serve_client() - one turn of client @c: read if there is nothing
 * left to feed, feed until one answer (so a client sending much cannot
 * hold the others up), write what it can.
 */
static void vs_serve_client(struct vs_server *srv, struct vs_client *c,
			    short revents)
{
	struct json_object *reply;
	ssize_t n;
	size_t used;

	if (revents & (POLLERR | POLLHUP | POLLNVAL)) {
		c->dead = true;
		return;
	}
	if ((revents & POLLIN) && c->in_off == c->in_len) {
		n = recv(c->fd, c->in, sizeof(c->in), MSG_DONTWAIT);
		if (n > 0) {
			c->in_off = 0;
			c->in_len = (size_t)n;
		} else if (n == 0) {
			c->eof = true;
		} else if (errno != EAGAIN && errno != EWOULDBLOCK &&
			   errno != EINTR) {
			c->dead = true;
			return;
		}
	}
	if (vs_ready(c)) {
		used = vs_qmp_sess_feed(&c->sess, srv->be, c->in + c->in_off,
					c->in_len - c->in_off, &reply);
		if (used == (size_t)-1) {
			c->dead = true;
			return;
		}
		c->in_off += used;
		if (reply)
			vs_send(c, reply);
	}
	vs_flush(c);
	/* what was sent has been answered: a partial value is dropped */
	if (c->eof && c->in_off == c->in_len && !vs_pending(c))
		c->dead = true;
}

static void vs_reap(struct vs_server *srv)
{
	size_t i, j = 0;

	for (i = 0; i < srv->n; i++) {
		if (srv->clients[i]->dead)
			vs_client_free(srv->clients[i]);
		else
			srv->clients[j++] = srv->clients[i];
	}
	srv->n = j;
}

/*
 * vs_serve_event() - push one event to every client that has negotiated,
 * as QEMU does: the event object, one line. A client that has let
 * VS_SERVE_OUT_MAX bytes pile up is dropped rather than buffered for.
 */
static void vs_serve_event(struct json_object *event, void *arg)
{
	struct vs_server *srv = arg;
	struct json_object *name;
	const char *n = NULL;
	size_t len, i;
	char *text;

	/* the kernel connection of commands must follow a reload too */
	if (json_object_object_get_ex(event, "event", &name))
		n = json_object_get_string(name);
	if (n && (!strcmp(n, VS_EV_MODULE_UNLOADED) ||
		  !strcmp(n, VS_EV_MODULE_LOADED)))
		vs_nl_backend_reset(srv->be);

	text = vs_serve_text(event, &len);
	for (i = 0; i < srv->n; i++) {
		struct vs_client *c = srv->clients[i];

		if (!c->sess.negotiated || c->dead)
			continue;
		if (!text || vs_queue(c, text, len) < 0) {
			c->dead = true;
			continue;
		}
		if (vs_pending(c) >= VS_SERVE_OUT_MAX) {
			fprintf(srv->err,
				"virtio-status serve: dropped a client that left %zu bytes of answers and events unread\n",
				vs_pending(c));
			c->dead = true;
		}
	}
	free(text);
}

/*
 * vs_serve_events() - follow the module's events: subscribe when not
 * subscribed (the module may be loaded later), read what is pending when
 * @readable. A failure is said once on stderr, then tried again every
 * VS_SERVE_EVENTS_RETRY ms.
 */
static void vs_serve_events(struct vs_server *srv, bool readable)
{
	char sentence[2 * VS_MSG_MAX];
	struct vs_err e;

	vs_err_clear(&e);
	if (srv->ev) {
		if (!readable || vs_events_read(srv->ev, vs_serve_event, srv, &e) == 0)
			return;
		vs_events_close(srv->ev);
		srv->ev = NULL;
		srv->ev_said = false;
	} else {
		if (vs_now_ms() < srv->ev_retry)
			return;
		if (vs_events_open(&srv->ev, &e) == 0) {
			/* a module loaded since the last command is another family id */
			vs_nl_backend_reset(srv->be);
			fprintf(srv->err, "virtio-status serve: following the module's events\n");
			fflush(srv->err);
			srv->ev_said = false;
			return;
		}
	}
	srv->ev_retry = vs_now_ms() + VS_SERVE_EVENTS_RETRY;
	if (srv->ev_said)
		return;
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	fprintf(srv->err,
		"virtio-status serve: no events for now (%s); trying again every %d s\n",
		sentence, VS_SERVE_EVENTS_RETRY / 1000);
	fflush(srv->err);
	srv->ev_said = true;
}

/*
 * vs_serve_loop() - serve on listening socket @lfd until a signal arrives
 * on @sfd. 0, or -1 when poll() fails.
 */
static int vs_serve_loop(struct vs_server *srv, int lfd, int sfd)
{
	struct pollfd pfd[VS_SERVE_CLIENTS_MAX + 3];
	long long wait, now, paused;
	bool busy;
	size_t i;

	for (;;) {
		vs_serve_events(srv, false);
		busy = false;
		now = vs_now_ms();
		paused = srv->accept_pause > now ? srv->accept_pause - now : 0;
		pfd[0] = (struct pollfd){ .fd = paused ? -1 : lfd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		pfd[2] = (struct pollfd){ .fd = srv->ev ? vs_events_fd(srv->ev) : -1,
					  .events = POLLIN };
		for (i = 0; i < srv->n; i++) {
			struct vs_client *c = srv->clients[i];

			pfd[3 + i].fd = c->fd;
			pfd[3 + i].events = 0;
			pfd[3 + i].revents = 0;
			if (!c->eof && c->in_off == c->in_len &&
			    vs_pending(c) < VS_SERVE_OUT_SOFT)
				pfd[3 + i].events |= POLLIN;
			if (vs_pending(c))
				pfd[3 + i].events |= POLLOUT;
			busy |= vs_ready(c);
		}
		wait = -1;
		if (busy)
			wait = 0;
		else if (!srv->ev)
			wait = srv->ev_retry > now ? srv->ev_retry - now : 0;
		if (paused && (wait < 0 || paused < wait))
			wait = paused;
		if (poll(pfd, 3 + srv->n, (int)wait) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(srv->err, "virtio-status serve: poll: %s\n",
				strerror(errno));
			return -1;
		}
		if (pfd[1].revents) {
			struct signalfd_siginfo si;

			/* taken, or it would kill us once unblocked */
			while (read(sfd, &si, sizeof(si)) == sizeof(si))
				;
			return 0;
		}
		for (i = 0; i < srv->n; i++)
			vs_serve_client(srv, srv->clients[i], pfd[3 + i].revents);
		if (pfd[2].revents)
			vs_serve_events(srv, true);
		vs_reap(srv);
		if (pfd[0].revents & POLLIN)
			vs_accept(srv, lfd);
	}
}

int vs_serve_main(int argc, char **argv, const struct vs_backend *be,
		  FILE *out, FILE *err)
{
	struct vs_server srv = { .be = be, .err = err };
	struct vs_serve_opts o;
	char msg[2 * VS_MSG_MAX];
	sigset_t mask, old;
	struct stat st, now;
	int lfd, sfd, ret;
	size_t i;

	if (vs_serve_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\nTry 'virtio-status serve --help' for more information.\n",
			msg);
		return 1;
	}
	if (o.help) {
		vs_serve_usage(out);
		return 0;
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
		fprintf(err, "cannot block SIGTERM and SIGINT: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		fprintf(err, "cannot watch for SIGTERM and SIGINT: %s\n", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	lfd = vs_serve_listen(o.socket, o.mode, o.gid, msg, sizeof(msg));
	if (lfd < 0) {
		fprintf(err, "%s\n", msg);
		close(sfd);
		sigprocmask(SIG_SETMASK, &old, NULL);
		return 1;
	}
	if (lstat(o.socket, &st) < 0)
		memset(&st, 0, sizeof(st));

	ret = vs_serve_loop(&srv, lfd, sfd);

	for (i = 0; i < srv.n; i++)
		vs_client_free(srv.clients[i]);
	if (srv.ev)
		vs_events_close(srv.ev);
	close(lfd);
	/* remove the socket, if it is still ours */
	if (lstat(o.socket, &now) == 0 && now.st_ino == st.st_ino &&
	    now.st_dev == st.st_dev && S_ISSOCK(now.st_mode))
		unlink(o.socket);
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret < 0 ? 1 : 0;
}
