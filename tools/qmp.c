// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: devices as QEMU's QMP answers, and the QMP line loop.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "qmp.h"

#define VIRTIO_CONFIG_S_DRIVER_OK	4

/*
 * VirtioStatus members that have no source a guest can see, with the value
 * we answer and why. This is the only place these values are written.
 */
static const struct {
	bool vhost_started;
	u64 backend_features;
	u8 isr;
	u16 queue_sel;
	bool vm_running;
	bool disabled;
	bool use_started;
	bool start_on_kick;
	bool disable_legacy_check;
	const char *bus_name;
	bool use_guest_notifier_mask;
} vs_guest_view = {
	/* a guest cannot see whether the host runs the device in vhost */
	.vhost_started = false,
	/* the backend (tap, file, vhost-user, ...) is invisible to a guest */
	.backend_features = 0,
	/* the ISR is read-to-clear: reading it would lose an interrupt */
	.isr = 0,
	/* queue_sel is a register of the transport, not kept by the guest */
	.queue_sel = 0,
	/* the guest is running, or it would not answer */
	.vm_running = true,
	/* a disabled transport never appears on the guest's bus */
	.disabled = false,
	/* "started" below is derived from the status byte, as QEMU does
	 * when use_started is set
	 */
	.use_started = true,
	/* a host-side policy of QEMU with no guest-visible trace */
	.start_on_kick = false,
	/* a host-side QEMU property with no guest-visible trace */
	.disable_legacy_check = false,
	/* QEMU's bus name is a host-side QOM name */
	.bus_name = "",
	/* a host-side QEMU optimisation with no guest-visible trace */
	.use_guest_notifier_mask = false,
	/* vhost-dev is never emitted, for the reason of vhost_started */
};

static const char *vs_endian_name(u32 endian)
{
	switch (endian) {
	case VIRTIO_STATUS_ENDIAN_LITTLE:
		return "little";
	case VIRTIO_STATUS_ENDIAN_BIG:
		return "big";
	default:
		return "unknown";
	}
}

/* Add @val under @key; -1 (and @val freed) when anything is missing. */
static int vs_add(struct json_object *o, const char *key,
		  struct json_object *val)
{
	if (!val)
		return -1;
	if (json_object_object_add(o, key, val) < 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

static int vs_add_str(struct json_object *o, const char *key, const char *s)
{
	return vs_add(o, key, json_object_new_string(s));
}

static int vs_add_uint(struct json_object *o, const char *key, u64 v)
{
	return vs_add(o, key, json_object_new_uint64(v));
}

static int vs_add_int(struct json_object *o, const char *key, int64_t v)
{
	return vs_add(o, key, json_object_new_int64(v));
}

static int vs_add_bool(struct json_object *o, const char *key, bool v)
{
	return vs_add(o, key, json_object_new_boolean(v));
}

struct json_object *vs_json_status(const struct vs_dev *d)
{
	struct json_object *o = json_object_new_object();
	int err = 0;

	if (!o)
		return NULL;
	/* the schema's order */
	err |= vs_add_str(o, "name", d->name);
	err |= vs_add_uint(o, "device-id", d->device_id);
	err |= vs_add_bool(o, "vhost-started", vs_guest_view.vhost_started);
	err |= vs_add_str(o, "device-endian", vs_endian_name(d->endian));
	err |= vs_add_uint(o, "guest-features", d->driver_features);
	err |= vs_add_uint(o, "host-features", d->device_features);
	err |= vs_add_uint(o, "backend-features",
			   vs_guest_view.backend_features);
	err |= vs_add_int(o, "num-vqs", d->num_vqs);
	err |= vs_add_uint(o, "status", d->status);
	err |= vs_add_uint(o, "isr", vs_guest_view.isr);
	err |= vs_add_uint(o, "queue-sel", vs_guest_view.queue_sel);
	err |= vs_add_bool(o, "vm-running", vs_guest_view.vm_running);
	err |= vs_add_bool(o, "broken", d->broken);
	err |= vs_add_bool(o, "disabled", vs_guest_view.disabled);
	err |= vs_add_bool(o, "use-started", vs_guest_view.use_started);
	err |= vs_add_bool(o, "started",
			   d->status & VIRTIO_CONFIG_S_DRIVER_OK);
	err |= vs_add_bool(o, "start-on-kick", vs_guest_view.start_on_kick);
	err |= vs_add_bool(o, "disable-legacy-check",
			   vs_guest_view.disable_legacy_check);
	err |= vs_add_str(o, "bus-name", vs_guest_view.bus_name);
	err |= vs_add_bool(o, "use-guest-notifier-mask",
			   vs_guest_view.use_guest_notifier_mask);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_json_list(const struct vs_dev_list *l)
{
	struct json_object *a = json_object_new_array();
	struct json_object *o;
	size_t i;

	if (!a)
		return NULL;
	for (i = 0; i < l->n; i++) {
		o = json_object_new_object();
		if (!o || json_object_array_add(a, o) < 0) {
			json_object_put(o);
			goto free_array;
		}
		if (vs_add_str(o, "path", l->devs[i].path) ||
		    vs_add_str(o, "name", l->devs[i].name))
			goto free_array;
	}
	return a;

free_array:
	json_object_put(a);
	return NULL;
}

static int vs_dev_require(const struct vs_dev *d, const int *attrs,
			  size_t n, struct vs_err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!vs_dev_has(d, attrs[i])) {
			vs_err_set(e, VS_ERR_OLD, 0,
				   "its reply lacks VIRTIO_STATUS_A_%s",
				   vs_attr_name(attrs[i]));
			return -1;
		}
	}
	return 0;
}

int vs_dev_check_status(const struct vs_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_ENDIAN,
		VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS,
		VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_BROKEN,
	};

	if (vs_dev_require(d, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR)) {
		vs_err_set(e, VS_ERR_FEATURES, (int)d->device_features_err,
			   NULL);
		return -1;
	}
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES)) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "its reply lacks VIRTIO_STATUS_A_%s",
			   vs_attr_name(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
		return -1;
	}
	return 0;
}

int vs_dev_check_info(const struct vs_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_PATH,
		VIRTIO_STATUS_A_DEV_NAME,
	};

	return vs_dev_require(d, need, ARRAY_SIZE(need), e);
}

struct json_object *vs_qmp_return(struct json_object *ret)
{
	struct json_object *o = json_object_new_object();

	if (!o || vs_add(o, "return", ret) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

struct json_object *vs_qmp_error(const char *class, const char *desc)
{
	struct json_object *o = json_object_new_object();
	struct json_object *err = json_object_new_object();

	if (!o || !err)
		goto free;
	if (vs_add_str(err, "class", class) || vs_add_str(err, "desc", desc))
		goto free;
	if (vs_add(o, "error", err) < 0) {
		err = NULL;	/* vs_add() freed it */
		goto free;
	}
	return o;
free:
	json_object_put(err);
	json_object_put(o);
	return NULL;
}

/* Text output */

#define VS_JSON_SCALAR	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

static void vs_json_write(FILE *f, struct json_object *o)
{
	struct json_object *key;
	bool first = true;
	size_t i, n;

	switch (json_object_get_type(o)) {
	case json_type_object:
		fputc('{', f);
		json_object_object_foreach(o, k, v) {
			if (!first)
				fputs(", ", f);
			first = false;
			key = json_object_new_string(k);
			fputs(json_object_to_json_string_ext(key, VS_JSON_SCALAR),
			      f);
			json_object_put(key);
			fputs(": ", f);
			vs_json_write(f, v);
		}
		fputc('}', f);
		break;
	case json_type_array:
		fputc('[', f);
		n = json_object_array_length(o);
		for (i = 0; i < n; i++) {
			if (i)
				fputs(", ", f);
			vs_json_write(f, json_object_array_get_idx(o, i));
		}
		fputc(']', f);
		break;
	default:
		fputs(json_object_to_json_string_ext(o, VS_JSON_SCALAR), f);
		break;
	}
}

char *vs_json_text(struct json_object *o, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (pretty) {
		const char *s = json_object_to_json_string_ext(o,
				JSON_C_TO_STRING_PRETTY |
				JSON_C_TO_STRING_SPACED |
				JSON_C_TO_STRING_NOSLASHESCAPE);

		return s ? strdup(s) : NULL;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return NULL;
	vs_json_write(f, o);
	if (fclose(f)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* Commands */

static struct json_object *vs_run_query_virtio(const struct vs_backend *be,
					       const char *path,
					       struct vs_err *e)
{
	struct vs_dev_list l = { 0 };
	struct json_object *ret = NULL;
	size_t i;

	(void)path;
	if (be->ops->dev_dump(be->ctx, &l, e) < 0)
		return NULL;
	for (i = 0; i < l.n; i++)
		if (vs_dev_check_info(&l.devs[i], e) < 0)
			goto free_list;
	ret = vs_json_list(&l);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free_list:
	vs_dev_list_free(&l);
	return ret;
}

static struct json_object *vs_run_query_status(const struct vs_backend *be,
					       const char *path,
					       struct vs_err *e)
{
	struct json_object *ret = NULL;
	struct vs_target *t;
	struct vs_dev *d;

	t = malloc(sizeof(*t));
	d = malloc(sizeof(*d));
	if (!t || !d) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_target_parse(path, t, e) < 0)
		goto free;
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_check_status(d, e) < 0)
		goto free;
	ret = vs_json_status(d);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(d);
	free(t);
	return ret;
}

/* Spoken by QMP clients first; there is nothing to negotiate. */
static struct json_object *vs_run_capabilities(const struct vs_backend *be,
					       const char *path,
					       struct vs_err *e)
{
	struct json_object *ret = json_object_new_object();

	(void)be;
	(void)path;
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
	return ret;
}

static const struct vs_cmd vs_cmds[] = {
	{ .name = "x-query-virtio", .run = vs_run_query_virtio },
	{ .name = "x-query-virtio-status", .takes_path = true,
	  .run = vs_run_query_status },
	{ .name = "qmp_capabilities", .qmp_only = true,
	  .run = vs_run_capabilities },
};

const struct vs_cmd *vs_cmd_find(const char *name, bool qmp)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmds); i++) {
		if (strcmp(vs_cmds[i].name, name))
			continue;
		if (vs_cmds[i].qmp_only && !qmp)
			return NULL;
		return &vs_cmds[i];
	}
	return NULL;
}

struct json_object *vs_cmd_answer(const struct vs_cmd *cmd,
				  const struct vs_backend *be,
				  const char *path)
{
	char desc[2 * VS_MSG_MAX];
	struct json_object *ret;
	struct vs_err e;

	vs_err_clear(&e);
	ret = cmd->run(be, path, &e);
	if (ret)
		return vs_qmp_return(ret);
	vs_err_sentence(&e, path, desc, sizeof(desc));
	return vs_qmp_error("GenericError", desc);
}

/* QMP input */

static struct json_object *vs_qmp_errorf(const char *class, const char *fmt,
					 ...) __printf(2, 3);

static struct json_object *vs_qmp_errorf(const char *class, const char *fmt,
					 ...)
{
	char desc[VS_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	return vs_qmp_error(class, desc);
}

/* Check "arguments" against @cmd; sets *path. NULL when they are fine. */
static struct json_object *vs_qmp_args(const struct vs_cmd *cmd,
				       struct json_object *args,
				       const char **path)
{
	struct json_object *p;

	*path = NULL;
	if (args) {
		json_object_object_foreach(args, k, v) {
			(void)v;
			if (cmd->takes_path && !strcmp(k, "path"))
				continue;
			return vs_qmp_errorf("GenericError",
					     "Parameter '%s' is unexpected", k);
		}
	}
	if (!cmd->takes_path)
		return NULL;
	if (!args || !json_object_object_get_ex(args, "path", &p))
		return vs_qmp_error("GenericError",
				    "Parameter 'path' is missing");
	if (!json_object_is_type(p, json_type_string))
		return vs_qmp_error("GenericError",
				    "Invalid parameter type for 'path', expected: string");
	*path = json_object_get_string(p);
	return NULL;
}

/* Answer a parsed request; @req is borrowed. */
static struct json_object *vs_qmp_request(const struct vs_backend *be,
					  struct json_object *req)
{
	struct json_object *exec = NULL, *args = NULL;
	const struct vs_cmd *cmd;
	const char *path;
	struct json_object *rsp;

	if (!json_object_is_type(req, json_type_object))
		return vs_qmp_error("GenericError",
				    "QMP input must be a JSON object");
	json_object_object_foreach(req, k, v) {
		if (!strcmp(k, "execute"))
			exec = v;
		else if (!strcmp(k, "arguments"))
			args = v;
		else if (strcmp(k, "id"))
			return vs_qmp_errorf("GenericError",
					     "QMP input member '%s' is unexpected",
					     k);
	}
	if (!exec)
		return vs_qmp_error("GenericError",
				    "QMP input lacks member 'execute'");
	if (!json_object_is_type(exec, json_type_string))
		return vs_qmp_error("GenericError",
				    "QMP input member 'execute' must be a string");
	if (args && !json_object_is_type(args, json_type_object))
		return vs_qmp_error("GenericError",
				    "QMP input member 'arguments' must be an object");
	cmd = vs_cmd_find(json_object_get_string(exec), true);
	if (!cmd)
		return vs_qmp_errorf("CommandNotFound",
				     "The command %s has not been found",
				     json_object_get_string(exec));
	rsp = vs_qmp_args(cmd, args, &path);
	if (rsp)
		return rsp;
	return vs_cmd_answer(cmd, be, path);
}

struct json_object *vs_qmp_line(const struct vs_backend *be,
				const char *line)
{
	struct json_object *req, *rsp, *id;
	enum json_tokener_error jerr;
	struct json_tokener *tok;
	size_t len, end;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return NULL;
	len = strlen(line);

	tok = json_tokener_new();
	if (!tok)
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT |
				    JSON_TOKENER_ALLOW_TRAILING_CHARS);
	req = json_tokener_parse_ex(tok, line, (int)len);
	jerr = json_tokener_get_error(tok);
	if (jerr == json_tokener_continue) {
		/* a bare number or an unfinished value: end of input */
		json_object_put(req);
		req = json_tokener_parse_ex(tok, "", 1);
		jerr = json_tokener_get_error(tok);
		if (jerr == json_tokener_continue)
			jerr = json_tokener_error_parse_eof;
	}
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);

	if (jerr != json_tokener_success) {
		json_object_put(req);
		return vs_qmp_errorf("GenericError", "JSON parse error, %s",
				     json_tokener_error_desc(jerr));
	}
	for (; end < len; end++) {
		if (!isspace((unsigned char)line[end])) {
			json_object_put(req);
			return vs_qmp_error("GenericError",
					    "JSON parse error, more than one JSON value on a line");
		}
	}

	rsp = vs_qmp_request(be, req);
	/* like QEMU, echo the request's "id" whatever the answer */
	if (rsp && json_object_is_type(req, json_type_object) &&
	    json_object_object_get_ex(req, "id", &id))
		vs_add(rsp, "id", json_object_get(id));
	json_object_put(req);
	return rsp;
}

int vs_qmp_loop(const struct vs_backend *be, FILE *in, FILE *out,
		bool pretty)
{
	struct json_object *rsp;
	char *line = NULL;
	size_t cap = 0;
	char *text;
	int ret = 0;

	while (getline(&line, &cap, in) >= 0) {
		rsp = vs_qmp_line(be, line);
		if (!rsp)
			continue;
		text = vs_json_text(rsp, pretty);
		json_object_put(rsp);
		if (!text) {
			ret = -1;
			break;
		}
		fprintf(out, "%s\n", text);
		free(text);
		/* answer now: the client waits for it before its next line */
		if (fflush(out)) {
			ret = -1;
			break;
		}
	}
	if (ferror(in))
		ret = -1;
	free(line);
	return ret;
}
