// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status serve: one client's QMP session, as QEMU 7.2's monitor
 * holds it: the greeting, capabilities negotiation, the server's own
 * commands (query-commands, query-version), and every other command
 * answered by the command table, as `virtio-status --qmp` answers it.
 * Bytes in, answers out: no socket here (server.c has them).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_out.h"
#include "request.h"
#include "serve.h"

/* The server's own commands */

static struct json_object *vs_serve_version(void)
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
	struct json_object *ver = vs_serve_version();
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

static struct json_object *vs_serve_query_commands(void);

/* The commands of the server itself; query-commands lists them first. */
static const struct {
	const char *name;
	struct json_object *(*run)(void);
} vs_serve_own[] = {
	{ "query-commands", vs_serve_query_commands },
	{ "query-version", vs_serve_version },
};

const char *vs_serve_command(size_t i)
{
	const struct vs_qmp_cmd *cmd;

	if (i < ARRAY_SIZE(vs_serve_own))
		return vs_serve_own[i].name;
	cmd = vs_qmp_cmd_at(i - ARRAY_SIZE(vs_serve_own), true);
	return cmd ? cmd->name : NULL;
}

static struct json_object *vs_serve_query_commands(void)
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

/*
 * vs_sess_run() - a command after negotiation: one of the server's own
 * (which take no arguments), else one of the table's.
 */
static struct json_object *vs_sess_run(const struct vs_backend *be,
				       const struct vs_qmp_req *r)
{
	const char *key;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_serve_own); i++) {
		if (strcmp(r->execute, vs_serve_own[i].name))
			continue;
		key = vs_qmp_unexpected(r->args, NULL);
		if (key)
			return vs_qmp_errorf("GenericError",
					     "Parameter '%s' is unexpected", key);
		return vs_qmp_return(vs_serve_own[i].run());
	}
	return vs_qmp_run(be, r);
}

/*
 * vs_sess_capabilities() - qmp_capabilities, as QEMU 7.2 runs it:
 * "enable" checked as a list of QMPCapability (whose one value is "oob"),
 * then unexpected arguments, then whether negotiation is over, then
 * whether what is asked is offered. We offer nothing.
 */
static struct json_object *vs_sess_capabilities(struct vs_qmp_sess *s,
						struct json_object *args)
{
	static const char *const enable[] = { "enable", NULL };
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
				return vs_qmp_errorf("GenericError",
						     "Invalid parameter type for 'enable[%zu]', expected: string",
						     i);
			if (strcmp(json_object_get_string(item), "oob"))
				return vs_qmp_errorf("GenericError",
						     "Parameter 'null' does not accept value '%s'",
						     json_object_get_string(item));
			if (strlen(asked) + 8 < sizeof(asked))
				strcat(asked, asked[0] ? ", oob" : "oob");
		}
	}
	key = vs_qmp_unexpected(args, enable);
	if (key)
		return vs_qmp_errorf("GenericError", "Parameter '%s' is unexpected", key);
	if (s->negotiated)
		return vs_qmp_error("CommandNotFound",
				    "Capabilities negotiation is already complete, command ignored");
	if (asked[0])
		return vs_qmp_errorf("GenericError", "Capability %s not available", asked);
	s->negotiated = true;
	return vs_qmp_return(json_object_new_object());
}

/*
 * vs_sess_request() - the answer to one parsed value @v: its envelope
 * checked as QEMU checks it; before negotiation every command but
 * qmp_capabilities is "not found" with QEMU's hint; then the server's own
 * commands and the command table. "id" where QEMU writes it.
 */
static struct json_object *vs_sess_request(struct vs_qmp_sess *s,
					   const struct vs_backend *be,
					   struct json_object *v)
{
	struct json_object *rsp;
	struct vs_qmp_req r;

	if (vs_qmp_req_check(v, &r, &rsp) < 0)
		return vs_qmp_with_id(rsp, &r, true);
	if (!strcmp(r.execute, "qmp_capabilities"))
		rsp = vs_sess_capabilities(s, r.args);
	else if (!s->negotiated)
		rsp = vs_qmp_error("CommandNotFound",
				   "Expecting capabilities negotiation with 'qmp_capabilities'");
	else
		rsp = vs_sess_run(be, &r);
	return vs_qmp_with_id(rsp, &r, true);
}

void vs_qmp_sess_init(struct vs_qmp_sess *s)
{
	memset(s, 0, sizeof(*s));
}

void vs_qmp_sess_free(struct vs_qmp_sess *s)
{
	vs_qmp_split_free(&s->split);
	vs_qmp_sess_init(s);
}

size_t vs_qmp_sess_feed(struct vs_qmp_sess *s, const struct vs_backend *be,
			const char *buf, size_t len, struct json_object **reply)
{
	struct vs_qmp_split_out out;
	struct json_object *v;
	const char *why;
	size_t used, end;

	*reply = NULL;
	used = vs_qmp_split_feed(&s->split, buf, len, &out);
	if (used == (size_t)-1)
		return used;
	switch (out.what) {
	case VS_QMP_SPLIT_NONE:
		return used;
	case VS_QMP_SPLIT_ERROR:
		*reply = vs_qmp_error("GenericError", out.text);
		break;
	case VS_QMP_SPLIT_VALUE:
		/* JSON the splitter wrote: only memory can fail here */
		if (vs_qmp_parse(out.text, out.len, &v, &end, &why) < 0) {
			*reply = vs_qmp_errorf("GenericError",
					       "JSON parse error, %s", why);
			break;
		}
		*reply = vs_sess_request(s, be, v);
		json_object_put(v);
		break;
	}
	return *reply ? used : (size_t)-1;
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
		cp = vs_qmp_mutf8_next(p, stop - p, &end);
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
		cp = vs_qmp_mutf8_next(p, stop - p, &end);
		if (cp < 0 && end == p) {
			end = p + 1;
			cp = key ? 0xfffd : 0;
		} else if (cp < 0 || (cp == 0 && key)) {
			cp = 0xfffd;
		}
		len += vs_qmp_utf8_put(out + len, cp, false);
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
