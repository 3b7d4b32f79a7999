// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: QMP requests, for --qmp and serve alike: parsed by
 * json-c's tokener, their envelope and arguments checked in the order
 * QEMU 7.2 checks them, and answered by the command table.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_out.h"
#include "request.h"

/*
 * The tokener vs_qmp_parse() reuses: json-c allocates and zeroes a frame
 * for every level of nesting it allows (VS_QMP_NESTING_MAX) when a tokener
 * is made: a fifth of the instructions an x-query-virtio-status request
 * cost. --qmp and serve parse on one thread (the exporter parses no QMP);
 * freed at exit so that a leak checker sees no loss.
 */
static struct json_tokener *vs_qmp_tok;

static void __attribute__((destructor)) vs_qmp_tok_free(void)
{
	/* json_tokener_free() takes no NULL */
	if (vs_qmp_tok)
		json_tokener_free(vs_qmp_tok);
	vs_qmp_tok = NULL;
}

static struct json_tokener *vs_qmp_tokener(void)
{
	if (vs_qmp_tok) {
		json_tokener_reset(vs_qmp_tok);
		return vs_qmp_tok;
	}
	vs_qmp_tok = json_tokener_new_ex(VS_QMP_NESTING_MAX);
	if (vs_qmp_tok)
		json_tokener_set_flags(vs_qmp_tok, JSON_TOKENER_STRICT |
					       JSON_TOKENER_ALLOW_TRAILING_CHARS);
	return vs_qmp_tok;
}

int vs_qmp_parse(const char *text, size_t len, struct json_object **v,
		 size_t *end, const char **why)
{
	enum json_tokener_error jerr;
	struct json_tokener *tok;

	*v = NULL;
	*end = 0;
	tok = vs_qmp_tokener();
	if (!tok) {
		*why = "out of memory";
		return -1;
	}
	*v = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	*end = json_tokener_get_parse_end(tok);
	if (jerr == json_tokener_continue) {
		/* all of @text taken: a bare number, or an unfinished value */
		json_object_put(*v);
		*v = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
		*end = len;
	}
	if (jerr == json_tokener_success)
		return 0;
	json_object_put(*v);
	*v = NULL;
	*why = json_tokener_error_desc(jerr);
	return -1;
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

struct vs_qdict_member {
	const char *key;
	struct json_object *val;
	unsigned int slot;
	size_t pos;		/* insertion order */
};

static int vs_qdict_member_cmp(const void *a, const void *b)
{
	const struct vs_qdict_member *x = a, *y = b;

	if (x->slot != y->slot)
		return x->slot < y->slot ? -1 : 1;
	return x->pos < y->pos ? 1 : -1;
}

/*
 * The members of object @o in QEMU's QDict order; malloc()ed, @n set.
 * NULL when there are none or on ENOMEM (@n is 0 for none).
 */
static struct vs_qdict_member *vs_qdict_members(struct json_object *o,
						size_t *n)
{
	struct vs_qdict_member *m;
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
	qsort(m, *n, sizeof(*m), vs_qdict_member_cmp);
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
static void vs_glib_order(struct vs_qdict_member *m, size_t n)
{
	struct vs_qdict_member slots[8];
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

/* Whether @key is one of @known (NULL-terminated; NULL is none). */
static bool vs_is_known(const char *key, const char *const *known)
{
	for (; known && *known; known++)
		if (!strcmp(key, *known))
			return true;
	return false;
}

const char *vs_qmp_unexpected(struct json_object *args,
			      const char *const *known)
{
	struct vs_qdict_member *m;
	const char *found = NULL;
	size_t n, i;

	if (!args)
		return NULL;
	m = vs_qdict_members(args, &n);
	if (!m)
		return NULL;
	vs_glib_order(m, n);
	for (i = 0; i < n && !found; i++)
		if (!vs_is_known(m[i].key, known))
			found = m[i].key;
	free(m);
	return found;
}

/* The envelope */

int vs_qmp_req_check(struct json_object *v, struct vs_qmp_req *r,
		     struct json_object **rsp)
{
	struct vs_qdict_member *m;
	size_t n, i;

	memset(r, 0, sizeof(*r));
	*rsp = NULL;
	if (!json_object_is_type(v, json_type_object)) {
		*rsp = vs_qmp_error("GenericError",
				    "QMP input must be a JSON object");
		return -1;
	}
	r->has_id = json_object_object_get_ex(v, "id", &r->id);
	m = vs_qdict_members(v, &n);
	if (n && !m)
		return -1;
	for (i = 0; i < n && !*rsp; i++) {
		if (!strcmp(m[i].key, "execute")) {
			if (!json_object_is_type(m[i].val, json_type_string))
				*rsp = vs_qmp_error("GenericError",
						    "QMP input member 'execute' must be a string");
			else
				r->execute = json_object_get_string(m[i].val);
		} else if (!strcmp(m[i].key, "arguments")) {
			if (!json_object_is_type(m[i].val, json_type_object))
				*rsp = vs_qmp_error("GenericError",
						    "QMP input member 'arguments' must be an object");
			else
				r->args = m[i].val;
		} else if (strcmp(m[i].key, "id")) {
			/* "exec-oob" too: out-of-band is never enabled */
			*rsp = vs_qmp_errorf("GenericError",
					     "QMP input member '%s' is unexpected",
					     m[i].key);
		}
	}
	free(m);
	if (!*rsp && !r->execute)
		*rsp = vs_qmp_error("GenericError",
				    "QMP input lacks member 'execute'");
	return *rsp ? -1 : 0;
}

struct json_object *vs_qmp_with_id(struct json_object *rsp,
				   const struct vs_qmp_req *r, bool qemu_place)
{
	struct json_object *o = NULL, *err, *id;

	if (!rsp || !r->has_id)
		return rsp;
	id = json_object_get(r->id);
	if (qemu_place && json_object_object_get_ex(rsp, "error", &err)) {
		/* a json-c object keeps its members in the order they came */
		o = json_object_new_object();
		if (!o || json_object_object_add(o, "id", id))
			goto fail;
		id = NULL;
		if (json_object_object_add(o, "error", json_object_get(err))) {
			json_object_put(err);
			goto fail;
		}
		json_object_put(rsp);
		return o;
	}
	if (json_object_object_add(rsp, "id", id))
		goto fail;
	return rsp;
fail:
	json_object_put(id);
	json_object_put(o);
	json_object_put(rsp);
	return NULL;
}

/* Arguments */

/*
 * The optional boolean arguments of a command that decodes (our
 * extension: QEMU 7.2+ always decodes and takes no such argument), with
 * the mode each selects when true.
 */
static const struct {
	const char *name;
	enum vs_json_mode mode;
} vs_decode_args[] = {
	{ "decode", VS_JSON_DECODED },
	{ "raw-and-decoded", VS_JSON_RAW_AND_DECODED },
};

/*
 * vs_qmp_uint16_arg() - integer argument @name of @args, a uint16 as
 * QEMU's schema has it. 0 (*@v set) when given, 1 when not, or -1 with
 * *@rsp QEMU's error.
 */
static int vs_qmp_uint16_arg(struct json_object *args, const char *name,
			     u32 *v, struct json_object **rsp)
{
	struct json_object *p;
	int64_t n;

	if (!args || !json_object_object_get_ex(args, name, &p))
		return 1;
	/* QEMU's words for anything but an integer ... */
	if (!json_object_is_type(p, json_type_int)) {
		*rsp = vs_qmp_errorf("GenericError",
				     "Parameter '%s' expects uint64", name);
		return -1;
	}
	/* ... and for an integer outside a uint16 */
	n = json_object_get_int64(p);
	if (n < 0 || n > VS_QUEUE_MAX) {
		*rsp = vs_qmp_errorf("GenericError",
				     "Parameter '%s' expects uint16_t", name);
		return -1;
	}
	*v = (u32)n;
	return 0;
}

/*
 * vs_qmp_args() - check @args against what @cmd takes and fill @c, in
 * QEMU's order: the members it takes, in the schema's order, then any it
 * does not take. NULL when they are fine, else the error to answer.
 */
static struct json_object *vs_qmp_args(const struct vs_qmp_cmd *cmd,
				       struct json_object *args,
				       struct vs_call *c)
{
	const char *known[6], *key;
	struct json_object *p, *rsp = NULL;
	size_t i, n = 0;
	int ret;

	memset(c, 0, sizeof(*c));
	c->qmp = true;
	if (cmd->takes_path) {
		known[n++] = "path";
		if (!args || !json_object_object_get_ex(args, "path", &p))
			return vs_qmp_error("GenericError",
					    "Parameter 'path' is missing");
		if (!json_object_is_type(p, json_type_string))
			return vs_qmp_error("GenericError",
					    "Invalid parameter type for 'path', expected: string");
		c->path = json_object_get_string(p);
	}
	if (cmd->takes_queue) {
		known[n++] = "queue";
		ret = vs_qmp_uint16_arg(args, "queue", &c->queue, &rsp);
		if (ret > 0)
			return vs_qmp_error("GenericError",
					    "Parameter 'queue' is missing");
		if (ret < 0)
			return rsp;
		c->has_queue = true;
	}
	if (cmd->takes_index) {
		known[n++] = "index";
		ret = vs_qmp_uint16_arg(args, "index", &c->index, &rsp);
		if (ret < 0)
			return rsp;
		c->has_index = !ret;
	}
	/* the richer mode wins when both are true */
	for (i = 0; cmd->takes_decode && i < ARRAY_SIZE(vs_decode_args); i++) {
		known[n++] = vs_decode_args[i].name;
		if (!args || !json_object_object_get_ex(args,
							vs_decode_args[i].name,
							&p))
			continue;
		if (!json_object_is_type(p, json_type_boolean))
			return vs_qmp_errorf("GenericError",
					     "Invalid parameter type for '%s', expected: boolean",
					     vs_decode_args[i].name);
		if (json_object_get_boolean(p) &&
		    vs_decode_args[i].mode > c->mode)
			c->mode = vs_decode_args[i].mode;
	}
	known[n] = NULL;
	key = vs_qmp_unexpected(args, known);
	if (key)
		return vs_qmp_errorf("GenericError",
				     "Parameter '%s' is unexpected", key);
	return NULL;
}

struct json_object *vs_qmp_run(const struct vs_backend *be,
			       const struct vs_qmp_req *r)
{
	const struct vs_qmp_cmd *cmd = vs_qmp_cmd_find(r->execute, true);
	struct json_object *rsp;
	struct vs_call c;

	if (!cmd)
		return vs_qmp_errorf("CommandNotFound",
				     "The command %s has not been found",
				     r->execute);
	rsp = vs_qmp_args(cmd, r->args, &c);
	if (rsp)
		return rsp;
	return vs_qmp_cmd_answer(cmd, be, &c);
}
