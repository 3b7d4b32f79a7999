/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the tokens of QMP input as QEMU's lexer reads them, and
 * each token rewritten as strict JSON for json-c, which builds the value.
 */
#ifndef VS_QMP_LEX_H
#define VS_QMP_LEX_H

#include <stdbool.h>
#include <stddef.h>

/* The lexer's states. */
enum vs_qmp_lex_state {
	VS_QMP_LEX_START,
	VS_QMP_LEX_RECOVER,	/* after a lexical error: skip to a resync byte */
	VS_QMP_LEX_DQ,		/* in "..." */
	VS_QMP_LEX_DQ_ESC,
	VS_QMP_LEX_SQ,		/* in '...' (QEMU's extension) */
	VS_QMP_LEX_SQ_ESC,
	VS_QMP_LEX_ZERO,
	VS_QMP_LEX_SIGN,
	VS_QMP_LEX_DIGITS,
	VS_QMP_LEX_MANTISSA,
	VS_QMP_LEX_MANT_DIGITS,
	VS_QMP_LEX_EXP_E,
	VS_QMP_LEX_EXP_SIGN,
	VS_QMP_LEX_EXP_DIGITS,
	VS_QMP_LEX_KEYWORD,
};

/* Token types: a structural byte ({ } [ ] : ,) is its own; else one of these. */
#define VS_QMP_TOK_INT		'i'
#define VS_QMP_TOK_FLOAT	'f'
#define VS_QMP_TOK_KEYWORD	'k'
#define VS_QMP_TOK_STRING	's'

/* What one byte does to the token being lexed. */
enum vs_qmp_lex_act {
	VS_QMP_ACT_TAKE,	/* it belongs to the token */
	VS_QMP_ACT_SKIP,	/* whitespace between tokens, or skipped in recovery */
	VS_QMP_ACT_END,		/* it ends the token, and is its last byte */
	VS_QMP_ACT_BEFORE,	/* the token ended before it: look at it again */
	VS_QMP_ACT_BAD,		/* it makes the token a lexical error (and is in it) */
	VS_QMP_ACT_RESYNC,	/* recovery is over: look at it again */
};

/*
 * vs_qmp_lex() - what byte @c does in lexer state @st; @next is the state
 * after it (for TAKE and SKIP), @type the token's type (for END and
 * BEFORE).
 */
enum vs_qmp_lex_act vs_qmp_lex(enum vs_qmp_lex_state st, unsigned char c,
			       enum vs_qmp_lex_state *next, char *type);

/*
 * vs_qmp_mutf8_next() - the code point at @s (at most @n bytes) in QEMU's
 * modified UTF-8 (U+0000 also as C0 80), or -1 when invalid; @end is
 * after it when valid, after the lead byte and the continuation bytes seen
 * when not, and @s for a NUL or no byte.
 */
long vs_qmp_mutf8_next(const unsigned char *s, size_t n,
		       const unsigned char **end);
/* Write @cp at @buf (room for 4 bytes); U+0000 as C0 80 when @modified. */
size_t vs_qmp_utf8_put(char *buf, long cp, bool modified);

/* A growing byte buffer. */
struct vs_qmp_buf {
	char *p;
	size_t len;
	size_t cap;
};

/* Append @n bytes of @s. 0, or -1 on ENOMEM. */
int vs_qmp_buf_put(struct vs_qmp_buf *b, const char *s, size_t n);

/* "JSON parse error, " and the rest, malloc()ed; NULL on ENOMEM. */
char *vs_qmp_json_error(const char *fmt, ...) __printf(1, 2);

/*
 * vs_qmp_lex_string() - append string token @t (NUL-terminated, quotes
 * included) to @out as a JSON string of the same value, as QEMU reads it:
 * JSON's escapes and \' too, \uXXXX surrogate pairs as one code point,
 * other bytes modified UTF-8. The JSON written is the same for the same
 * value (only '"', '\' and controls escaped; U+0000 is C0 80, as QEMU
 * keeps it), so keys compare by their text. 0; or -1 with *@err QEMU's
 * words for the error (malloc()ed), or NULL on ENOMEM.
 */
int vs_qmp_lex_string(const char *t, struct vs_qmp_buf *out, char **err);

/*
 * vs_qmp_lex_number() - append number token @t of @type to @out as QEMU
 * reads it: an integer as int64, else uint64, else a double (written as
 * "%.17g"); a float as it is. 0, or -1 on ENOMEM.
 */
int vs_qmp_lex_number(char type, const char *t, struct vs_qmp_buf *out);

#endif /* VS_QMP_LEX_H */
