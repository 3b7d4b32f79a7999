/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: QMP input split into values as QEMU 7.2 splits it. Bytes
 * go in as they arrive; out come whole values, as strict JSON for json-c
 * to build, or QEMU's error for input that is not one, worded as QEMU
 * words it, after which the splitter goes on as QEMU's does.
 */
#ifndef VS_QMP_SPLIT_H
#define VS_QMP_SPLIT_H

#include <stdbool.h>
#include <stddef.h>

#include "lex.h"

/*
 * The bytes of the tokens of one value (QEMU allows 64 MiB; a request here
 * is a few hundred bytes); going over is answered as QEMU answers it. The
 * nesting limit is VS_QMP_NESTING_MAX.
 */
#define VS_QMP_VALUE_MAX	(64 * 1024)

struct vs_qmp_frame;

/* A splitter: one client's input. All zero is a fresh one. */
struct vs_qmp_split {
	enum vs_qmp_lex_state lex;
	char *tok;			/* the token being lexed, NUL-terminated */
	size_t tok_len;
	/* the value being gathered: */
	size_t raw;			/* its tokens' bytes, as QEMU counts them */
	int braces;			/* { less } */
	int brackets;			/* [ less ] */
	struct vs_qmp_buf json;		/* the value as strict JSON */
	struct vs_qmp_frame *stack;	/* its objects and arrays still open */
	size_t depth;
	size_t stack_cap;
	bool whole;			/* its top value is complete */
	char *err;			/* its first parse error, or NULL */
	/* what was last handed out is still the caller's until the next feed */
	bool handed;
	char *said;			/* a lexical error handed out */
};

/* What vs_qmp_split_feed() found. */
struct vs_qmp_split_out {
	enum {
		VS_QMP_SPLIT_NONE,	/* nothing whole yet: all input taken */
		VS_QMP_SPLIT_VALUE,	/* @text is a value, strict JSON */
		VS_QMP_SPLIT_ERROR,	/* @text is the desc of QEMU's error */
	} what;
	const char *text;	/* valid until the next feed */
	size_t len;
};

void vs_qmp_split_free(struct vs_qmp_split *sp);

/*
 * vs_qmp_split_feed() - feed @len bytes of input; stops at the first
 * value or error (@out says which). Returns the bytes taken, or
 * (size_t)-1 when out of memory.
 */
size_t vs_qmp_split_feed(struct vs_qmp_split *sp, const char *buf, size_t len,
			 struct vs_qmp_split_out *out);

#endif /* VS_QMP_SPLIT_H */
