// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: QMP input's tokens, read as QEMU 7.2's lexer reads them
 * (strings also in single quotes, any run of a-z a keyword, QEMU's
 * numbers and its recovery after a lexical error), and each token written
 * again as strict JSON for json-c's tokener.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"

static bool vs_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool vs_is_structural(unsigned char c)
{
	return c && strchr("{}[]:,", c);
}

/*
 * vs_qmp_lex() - what byte @c does in lexer state @st.
 * @next: the state after it (for VS_QMP_ACT_TAKE and VS_QMP_ACT_SKIP)
 * @type: the token type, for VS_QMP_ACT_END and VS_QMP_ACT_BEFORE
 *
 * The grammar is QEMU's: JSON's tokens, strings also in single quotes,
 * keywords any run of a-z (the splitter rejects the unknown ones), strings
 * taking any byte from 0x20 to 0xFD (vs_qmp_lex_string() checks the UTF-8
 * and the escapes). After an error, input is skipped up to a structural
 * byte, a control character other than tab, or 0xFE/0xFF.
 */
enum vs_qmp_lex_act vs_qmp_lex(enum vs_qmp_lex_state st, unsigned char c,
			       enum vs_qmp_lex_state *next, char *type)
{
	bool digit = vs_is_digit(c);

	*next = st;
	switch (st) {
	case VS_QMP_LEX_START:
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			return VS_QMP_ACT_SKIP;
		if (vs_is_structural(c)) {
			*type = (char)c;
			return VS_QMP_ACT_END;
		}
		if (c == '"' || c == '\'')
			*next = c == '"' ? VS_QMP_LEX_DQ : VS_QMP_LEX_SQ;
		else if (c == '0')
			*next = VS_QMP_LEX_ZERO;
		else if (digit)
			*next = VS_QMP_LEX_DIGITS;
		else if (c == '-')
			*next = VS_QMP_LEX_SIGN;
		else if (c >= 'a' && c <= 'z')
			*next = VS_QMP_LEX_KEYWORD;
		else
			return VS_QMP_ACT_BAD;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_RECOVER:
		if ((c < 0x20 && c != '\t') || c >= 0xfe || vs_is_structural(c))
			return VS_QMP_ACT_RESYNC;
		return VS_QMP_ACT_SKIP;
	case VS_QMP_LEX_DQ:
	case VS_QMP_LEX_SQ:
		if (c == (st == VS_QMP_LEX_DQ ? '"' : '\'')) {
			*type = VS_QMP_TOK_STRING;
			return VS_QMP_ACT_END;
		}
		if (c == '\\')
			*next = st == VS_QMP_LEX_DQ ? VS_QMP_LEX_DQ_ESC : VS_QMP_LEX_SQ_ESC;
		else if (c < 0x20 || c > 0xfd)
			return VS_QMP_ACT_BAD;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_DQ_ESC:
	case VS_QMP_LEX_SQ_ESC:
		if (c < 0x20 || c > 0xfd)
			return VS_QMP_ACT_BAD;
		*next = st == VS_QMP_LEX_DQ_ESC ? VS_QMP_LEX_DQ : VS_QMP_LEX_SQ;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_ZERO:
		if (digit)
			return VS_QMP_ACT_BAD;
		if (c == '.') {
			*next = VS_QMP_LEX_MANTISSA;
			return VS_QMP_ACT_TAKE;
		}
		*type = VS_QMP_TOK_INT;
		return VS_QMP_ACT_BEFORE;
	case VS_QMP_LEX_SIGN:
		if (!digit)
			return VS_QMP_ACT_BAD;
		*next = c == '0' ? VS_QMP_LEX_ZERO : VS_QMP_LEX_DIGITS;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_DIGITS:
	case VS_QMP_LEX_MANT_DIGITS:
		if (digit)
			return VS_QMP_ACT_TAKE;
		if (c == 'e' || c == 'E') {
			*next = VS_QMP_LEX_EXP_E;
			return VS_QMP_ACT_TAKE;
		}
		if (c == '.' && st == VS_QMP_LEX_DIGITS) {
			*next = VS_QMP_LEX_MANTISSA;
			return VS_QMP_ACT_TAKE;
		}
		*type = st == VS_QMP_LEX_DIGITS ? VS_QMP_TOK_INT : VS_QMP_TOK_FLOAT;
		return VS_QMP_ACT_BEFORE;
	case VS_QMP_LEX_MANTISSA:
	case VS_QMP_LEX_EXP_SIGN:
		if (!digit)
			return VS_QMP_ACT_BAD;
		*next = st == VS_QMP_LEX_MANTISSA ? VS_QMP_LEX_MANT_DIGITS :
						VS_QMP_LEX_EXP_DIGITS;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_EXP_E:
		if (c == '+' || c == '-')
			*next = VS_QMP_LEX_EXP_SIGN;
		else if (digit)
			*next = VS_QMP_LEX_EXP_DIGITS;
		else
			return VS_QMP_ACT_BAD;
		return VS_QMP_ACT_TAKE;
	case VS_QMP_LEX_EXP_DIGITS:
		if (digit)
			return VS_QMP_ACT_TAKE;
		*type = VS_QMP_TOK_FLOAT;
		return VS_QMP_ACT_BEFORE;
	case VS_QMP_LEX_KEYWORD:
		if (c >= 'a' && c <= 'z')
			return VS_QMP_ACT_TAKE;
		*type = VS_QMP_TOK_KEYWORD;
		return VS_QMP_ACT_BEFORE;
	}
	return VS_QMP_ACT_BAD;
}

/* Modified UTF-8 (QEMU's: UTF-8, and U+0000 also as C0 80) */

static bool vs_cp_valid(long cp)
{
	return cp >= 0 && cp <= 0x10ffff &&
	       !(cp >= 0xfdd0 && cp <= 0xfdef) && (cp & 0xfffe) != 0xfffe &&
	       !(cp >= 0xd800 && cp <= 0xdfff);
}

/*
 * vs_qmp_mutf8_next() - the code point at @s (at most @n bytes), or -1.
 * @end: where the sequence ends: after it when valid; after the lead byte
 *       and the continuation bytes seen when it is not
 *
 * Invalid: a NUL or no byte (@end = @s), 0xFE/0xFF or a stray
 * continuation byte, a missing continuation byte, a code point past
 * U+10FFFF, a surrogate or a noncharacter, an overlong form other than
 * C0 80.
 */
long vs_qmp_mutf8_next(const unsigned char *s, size_t n,
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
size_t vs_qmp_utf8_put(char *buf, long cp, bool modified)
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

int vs_qmp_buf_put(struct vs_qmp_buf *b, const char *s, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		char *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 0;
}

char *vs_qmp_json_error(const char *fmt, ...)
{
	char *what, *msg;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&what, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	if (asprintf(&msg, "JSON parse error, %s", what) < 0)
		msg = NULL;
	free(what);
	return msg;
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

/* Code point @cp (valid) into a JSON string, the one way it is written. */
static int vs_json_put_cp(struct vs_qmp_buf *out, long cp)
{
	char b[8];
	size_t n;

	if (cp == '"' || cp == '\\') {
		b[0] = '\\';
		b[1] = (char)cp;
		n = 2;
	} else if (cp > 0 && cp < 0x20) {
		n = (size_t)snprintf(b, sizeof(b), "\\u%04lx", cp);
	} else {
		n = vs_qmp_utf8_put(b, cp, true);
	}
	return vs_qmp_buf_put(out, b, n);
}

int vs_qmp_lex_string(const char *t, struct vs_qmp_buf *out, char **err)
{
	const char *p = t + 1, *beg, *stop = t + strlen(t);
	const unsigned char *end;
	char quote = t[0];
	long cp, lo;

	*err = NULL;
	if (vs_qmp_buf_put(out, "\"", 1))
		return -1;
	while (*p != quote) {
		if (*p != '\\') {
			cp = vs_qmp_mutf8_next((const unsigned char *)p,
					       stop - p, &end);
			if (cp < 0) {
				*err = vs_qmp_json_error("invalid UTF-8 sequence in string");
				return -1;
			}
			p = (const char *)end;
			if (vs_json_put_cp(out, cp))
				return -1;
			continue;
		}
		beg = p++;
		switch (*p++) {
		case '"':
		case '\'':
		case '\\':
		case '/':
			cp = p[-1];
			break;
		case 'b':
			cp = '\b';
			break;
		case 'f':
			cp = '\f';
			break;
		case 'n':
			cp = '\n';
			break;
		case 'r':
			cp = '\r';
			break;
		case 't':
			cp = '\t';
			break;
		case 'u':
			cp = vs_hex4(p);
			/* past the token only when it is not valid, below */
			p += 4;
			if (cp >= 0xd800 && cp <= 0xdbff && p < stop - 1 &&
			    p[0] == '\\' && p[1] == 'u') {
				lo = vs_hex4(p + 2);
				if (lo >= 0xdc00 && lo <= 0xdfff) {
					cp = 0x10000 + ((cp & 0x3ff) << 10) +
					     (lo & 0x3ff);
					p += 6;
				} else {
					cp = -1;
				}
			}
			if (!vs_cp_valid(cp)) {
				/* what QEMU quotes ends with the token */
				int shown = p - beg < stop - beg ? p - beg :
								   stop - beg;

				*err = vs_qmp_json_error("%.*s is not a valid Unicode character",
							 shown, beg);
				return -1;
			}
			break;
		default:
			*err = vs_qmp_json_error("invalid escape sequence in string");
			return -1;
		}
		if (vs_json_put_cp(out, cp))
			return -1;
	}
	return vs_qmp_buf_put(out, "\"", 1);
}

int vs_qmp_lex_number(char type, const char *t, struct vs_qmp_buf *out)
{
	char d[32];
	double v;

	if (type == VS_QMP_TOK_INT) {
		errno = 0;
		strtoll(t, NULL, 10);
		if (!errno)
			return vs_qmp_buf_put(out, t, strlen(t));
		if (t[0] != '-') {
			errno = 0;
			strtoull(t, NULL, 10);
			if (!errno)
				return vs_qmp_buf_put(out, t, strlen(t));
		}
		/*
		 * Too big for 64 bits: a double, as QEMU reads it (json-c
		 * would clamp it), with the digits json-c writes doubles
		 * with; one too big for a double is written 1e999, which
		 * reads back as infinity.
		 */
		v = strtod(t, NULL);
		if (isfinite(v))
			snprintf(d, sizeof(d), "%.17g", v);
		else
			snprintf(d, sizeof(d), "%s", v < 0 ? "-1e999" : "1e999");
		return vs_qmp_buf_put(out, d, strlen(d));
	}
	return vs_qmp_buf_put(out, t, strlen(t));
}
