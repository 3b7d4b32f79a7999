// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: QMP input split into values as QEMU 7.2's JSON streamer
 * splits it: a value is complete when no brace and no bracket is left
 * open, or when more of either have been closed than opened. Lexical
 * errors (a "stray" token) and the limits end a value at once.
 *
 * Each token is checked where it stands as QEMU's parser checks it, so
 * that a value that is not JSON gets the error QEMU gives (the first one
 * in the value), and written again as strict JSON: single-quoted strings
 * double-quoted, escapes resolved, integers too big for 64 bits as the
 * doubles QEMU reads them as. json-c's tokener builds the value from that
 * text (request.c); nothing here builds values.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "request.h"
#include "split.h"

/* Where the parser stands in an open object or array. */
enum vs_qmp_at {
	VS_AT_ARRAY_FIRST,	/* after '[': a value or ']' */
	VS_AT_ARRAY_VALUE,	/* after ',': a value */
	VS_AT_ARRAY_SEP,	/* after a value: ',' or ']' */
	VS_AT_OBJECT_FIRST,	/* after '{': a key or '}' */
	VS_AT_OBJECT_KEY,	/* after ',': a key */
	VS_AT_OBJECT_COLON,	/* after a key: ':' */
	VS_AT_OBJECT_VALUE,	/* after ':': a value */
	VS_AT_OBJECT_SEP,	/* after a value: ',' or '}' */
};

struct vs_qmp_frame {
	enum vs_qmp_at at;
	char *key;			/* the member being read: its key's JSON */
	struct json_object *keys;	/* the keys read, as a set, or NULL */
};

/* The parser's position in the innermost open value; NULL at the top. */
static enum vs_qmp_at *vs_split_at(struct vs_qmp_split *sp)
{
	return sp->depth ? &sp->stack[sp->depth - 1].at : NULL;
}

static void vs_split_pop(struct vs_qmp_split *sp)
{
	struct vs_qmp_frame *f = &sp->stack[--sp->depth];

	free(f->key);
	json_object_put(f->keys);
}

/* Forget the value being gathered. */
static void vs_split_reset(struct vs_qmp_split *sp)
{
	while (sp->depth)
		vs_split_pop(sp);
	free(sp->err);
	sp->err = NULL;
	sp->json.len = 0;
	sp->whole = false;
	sp->raw = 0;
	sp->braces = 0;
	sp->brackets = 0;
}

void vs_qmp_split_free(struct vs_qmp_split *sp)
{
	vs_split_reset(sp);
	free(sp->stack);
	free(sp->json.p);
	free(sp->tok);
	free(sp->said);
	memset(sp, 0, sizeof(*sp));
}

/* Keep the first parse error of the value, as QEMU's parser does. */
static int vs_split_error(struct vs_qmp_split *sp, const char *what)
{
	sp->err = vs_qmp_json_error("%s", what);
	return sp->err ? 0 : -1;
}

/*
 * vs_split_value_done() - a value ended (the JSON text of a string one
 * begins at @off): the parser moves on where it stands. A key must be a
 * string; a member whose key was seen before in its object is QEMU's
 * "duplicate key", found once its value is read, as QEMU finds it.
 */
static int vs_split_value_done(struct vs_qmp_split *sp, bool string,
			       size_t off)
{
	enum vs_qmp_at *at = vs_split_at(sp);
	struct vs_qmp_frame *f;

	if (!at) {
		sp->whole = true;
		return 0;
	}
	f = &sp->stack[sp->depth - 1];
	switch (*at) {
	case VS_AT_ARRAY_FIRST:
	case VS_AT_ARRAY_VALUE:
		*at = VS_AT_ARRAY_SEP;
		return 0;
	case VS_AT_OBJECT_FIRST:
	case VS_AT_OBJECT_KEY:
		if (!string)
			return vs_split_error(sp, "key is not a string in object");
		f->key = strndup(sp->json.p + off, sp->json.len - off);
		if (!f->key)
			return -1;
		*at = VS_AT_OBJECT_COLON;
		return 0;
	case VS_AT_OBJECT_VALUE:
		break;
	default:
		/* where no value is expected, none ends */
		return 0;
	}
	if (!f->keys) {
		f->keys = json_object_new_object();
		if (!f->keys)
			return -1;
	}
	if (json_object_object_get_ex(f->keys, f->key, NULL))
		return vs_split_error(sp, "duplicate key");
	if (json_object_object_add(f->keys, f->key, NULL))
		return -1;
	free(f->key);
	f->key = NULL;
	*at = VS_AT_OBJECT_SEP;
	return 0;
}

static int vs_split_open(struct vs_qmp_split *sp, char type)
{
	if (sp->depth == sp->stack_cap) {
		size_t cap = sp->stack_cap ? 2 * sp->stack_cap : 16;
		struct vs_qmp_frame *s;

		s = realloc(sp->stack, cap * sizeof(*s));
		if (!s)
			return -1;
		sp->stack = s;
		sp->stack_cap = cap;
	}
	sp->stack[sp->depth++] = (struct vs_qmp_frame){
		.at = type == '{' ? VS_AT_OBJECT_FIRST : VS_AT_ARRAY_FIRST,
	};
	return 0;
}

static int vs_split_close(struct vs_qmp_split *sp, char type)
{
	if (vs_qmp_buf_put(&sp->json, &type, 1))
		return -1;
	vs_split_pop(sp);
	return vs_split_value_done(sp, false, 0);
}

/* A value where one is expected: token @type, whose text is @sp->tok. */
static int vs_split_value(struct vs_qmp_split *sp, char type)
{
	const char *t = sp->tok;
	size_t off = sp->json.len;
	char *err;

	switch (type) {
	case '{':
	case '[':
		if (vs_qmp_buf_put(&sp->json, &type, 1))
			return -1;
		return vs_split_open(sp, type);
	case VS_QMP_TOK_KEYWORD:
		if (strcmp(t, "null") && strcmp(t, "true") && strcmp(t, "false")) {
			sp->err = vs_qmp_json_error("invalid keyword '%s'", t);
			return sp->err ? 0 : -1;
		}
		if (vs_qmp_buf_put(&sp->json, t, strlen(t)))
			return -1;
		return vs_split_value_done(sp, false, 0);
	case VS_QMP_TOK_STRING:
		if (vs_qmp_lex_string(t, &sp->json, &err) < 0) {
			sp->err = err;
			return err ? 0 : -1;
		}
		return vs_split_value_done(sp, true, off);
	case VS_QMP_TOK_INT:
	case VS_QMP_TOK_FLOAT:
		if (vs_qmp_lex_number(type, t, &sp->json))
			return -1;
		return vs_split_value_done(sp, false, 0);
	default:
		return vs_split_error(sp, "expecting value");
	}
}

/*
 * vs_split_parse() - token @type (text @sp->tok) where the parser stands,
 * as QEMU's parser takes it, into @sp->json; the first error it meets is
 * kept in @sp->err. 0, or -1 on ENOMEM.
 */
static int vs_split_parse(struct vs_qmp_split *sp, char type)
{
	enum vs_qmp_at *at = vs_split_at(sp);

	if (!at)
		return sp->whole ? 0 : vs_split_value(sp, type);
	switch (*at) {
	case VS_AT_ARRAY_FIRST:
		if (type == ']')
			return vs_split_close(sp, type);
		break;
	case VS_AT_OBJECT_FIRST:
		if (type == '}')
			return vs_split_close(sp, type);
		break;
	case VS_AT_OBJECT_COLON:
		if (type != ':')
			return vs_split_error(sp, "missing : in object pair");
		*at = VS_AT_OBJECT_VALUE;
		return vs_qmp_buf_put(&sp->json, ":", 1);
	case VS_AT_ARRAY_SEP:
	case VS_AT_OBJECT_SEP:
		if (type == ',') {
			*at = *at == VS_AT_ARRAY_SEP ? VS_AT_ARRAY_VALUE :
						       VS_AT_OBJECT_KEY;
			return vs_qmp_buf_put(&sp->json, ",", 1);
		}
		if (type == (*at == VS_AT_ARRAY_SEP ? ']' : '}'))
			return vs_split_close(sp, type);
		return vs_split_error(sp, *at == VS_AT_ARRAY_SEP ?
					  "expected separator in list" :
					  "expected separator in dict");
	default:
		break;
	}
	return vs_split_value(sp, type);
}

/* Hand out @what, an error of QEMU's that ends the value at once. */
static void vs_split_give_up(struct vs_qmp_split *sp, const char *what,
			     struct vs_qmp_split_out *out)
{
	vs_split_reset(sp);
	out->what = VS_QMP_SPLIT_ERROR;
	out->text = what;
	out->len = strlen(what);
}

/*
 * vs_split_token() - take the token just lexed (@sp->tok, of @type) into
 * the value being gathered; when that value is complete, hand it out
 * (or its first error). 0, or -1 on ENOMEM.
 */
static int vs_split_token(struct vs_qmp_split *sp, char type,
			  struct vs_qmp_split_out *out)
{
	switch (type) {
	case '{':
		sp->braces++;
		break;
	case '}':
		sp->braces--;
		break;
	case '[':
		sp->brackets++;
		break;
	case ']':
		sp->brackets--;
		break;
	}
	if (sp->raw + sp->tok_len + 1 > VS_QMP_VALUE_MAX) {
		vs_split_give_up(sp, "JSON token size limit exceeded", out);
		return 0;
	}
	if (sp->braces + sp->brackets > VS_QMP_NESTING_MAX) {
		vs_split_give_up(sp, "JSON nesting depth limit exceeded", out);
		return 0;
	}
	sp->raw += sp->tok_len;
	/* after an error QEMU's parser reads no further */
	if (!sp->err && vs_split_parse(sp, type) < 0)
		return -1;
	if (sp->braces >= 0 && sp->brackets >= 0 && (sp->braces || sp->brackets))
		return 0;

	if (!sp->err && !sp->whole && vs_split_error(sp, "premature EOI") < 0)
		return -1;
	sp->handed = true;
	out->what = sp->err ? VS_QMP_SPLIT_ERROR : VS_QMP_SPLIT_VALUE;
	out->text = sp->err ? sp->err : sp->json.p;
	out->len = sp->err ? strlen(sp->err) : sp->json.len;
	return 0;
}

static int vs_split_tok_add(struct vs_qmp_split *sp, char c)
{
	if (!sp->tok) {
		sp->tok = malloc(VS_QMP_VALUE_MAX + 2);
		if (!sp->tok)
			return -1;
	}
	sp->tok[sp->tok_len++] = c;
	sp->tok[sp->tok_len] = '\0';
	return 0;
}

size_t vs_qmp_split_feed(struct vs_qmp_split *sp, const char *buf, size_t len,
			 struct vs_qmp_split_out *out)
{
	enum vs_qmp_lex_state next;
	enum vs_qmp_lex_act act;
	size_t i = 0;
	char type = 0;

	if (sp->handed) {
		vs_split_reset(sp);
		sp->handed = false;
	}
	free(sp->said);
	sp->said = NULL;
	memset(out, 0, sizeof(*out));
	while (i < len && out->what == VS_QMP_SPLIT_NONE) {
		act = vs_qmp_lex(sp->lex, (unsigned char)buf[i], &next, &type);
		switch (act) {
		case VS_QMP_ACT_SKIP:
			sp->lex = next;
			i++;
			break;
		case VS_QMP_ACT_RESYNC:
			sp->lex = VS_QMP_LEX_START;
			break;
		case VS_QMP_ACT_TAKE:
			if (vs_split_tok_add(sp, buf[i++]) < 0)
				return (size_t)-1;
			sp->lex = next;
			if (sp->tok_len <= VS_QMP_VALUE_MAX)
				break;
			/* QEMU gives up on a token this long as on a value */
			sp->tok_len = 0;
			sp->lex = VS_QMP_LEX_START;
			vs_split_give_up(sp, "JSON token size limit exceeded", out);
			break;
		case VS_QMP_ACT_END:
		case VS_QMP_ACT_BEFORE:
			/* the byte that ends a token is in it, the one after not */
			if (act == VS_QMP_ACT_END &&
			    vs_split_tok_add(sp, buf[i++]) < 0)
				return (size_t)-1;
			if (vs_split_token(sp, type, out) < 0)
				return (size_t)-1;
			sp->tok_len = 0;
			sp->lex = VS_QMP_LEX_START;
			break;
		case VS_QMP_ACT_BAD:
			if (vs_split_tok_add(sp, buf[i++]) < 0)
				return (size_t)-1;
			/* the text stops at a NUL, as QEMU's %s does */
			sp->said = vs_qmp_json_error("stray '%s'", sp->tok);
			if (!sp->said)
				return (size_t)-1;
			vs_split_give_up(sp, sp->said, out);
			sp->tok_len = 0;
			sp->lex = VS_QMP_LEX_RECOVER;
			break;
		}
	}
	return i;
}
