// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: JSON out of the QMP layer: members added to json-c
 * objects, QMP's return and error objects, and their text.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_out.h"
#include "qmp.h"

int vs_qmp_add(struct json_object *o, const char *key, struct json_object *val)
{
	if (!val)
		return -1;
	if (json_object_object_add(o, key, val) < 0) {
		json_object_put(val);
		return -1;
	}
	return 0;
}

int vs_qmp_add_str(struct json_object *o, const char *key, const char *s)
{
	return vs_qmp_add(o, key, json_object_new_string(s));
}

int vs_qmp_add_int(struct json_object *o, const char *key, int64_t v)
{
	return vs_qmp_add(o, key, json_object_new_int64(v));
}

int vs_qmp_add_bool(struct json_object *o, const char *key, bool v)
{
	return vs_qmp_add(o, key, json_object_new_boolean(v));
}

int vs_qmp_add_array_str(struct json_object *a, const char *s)
{
	struct json_object *v = json_object_new_string(s);

	if (!v)
		return -1;
	if (json_object_array_add(a, v) < 0) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

/* Largest n such that every integer up to n is exact in an IEEE double. */
#define VS_JSON_EXACT_MAX	BIT_ULL(53)

int vs_qmp_add_uint(struct json_object *o, const char *key, u64 v)
{
	char hkey[64], hex[24];

	if (vs_qmp_add(o, key, json_object_new_uint64(v)))
		return -1;
	if (v <= VS_JSON_EXACT_MAX)
		return 0;
	snprintf(hkey, sizeof(hkey), "%s-hex", key);
	snprintf(hex, sizeof(hex), "0x%016llx", (unsigned long long)v);
	return vs_qmp_add_str(o, hkey, hex);
}

int vs_qmp_add_fset(struct json_object *o, const char *key,
		    const struct vs_fset *set)
{
	char fkey[64], hex[VS_FSET_HEX_LEN];

	if (vs_qmp_add_uint(o, key, set->w[0]))
		return -1;
	if (!vs_fset_high(set))
		return 0;
	snprintf(fkey, sizeof(fkey), "%s-full", key);
	return vs_qmp_add_str(o, fkey, vs_fset_hex(set, hex, sizeof(hex)));
}

struct json_object *vs_qmp_return(struct json_object *ret)
{
	struct json_object *o = json_object_new_object();

	if (!o || vs_qmp_add(o, "return", ret) < 0) {
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
	if (vs_qmp_add_str(err, "class", class) ||
	    vs_qmp_add_str(err, "desc", desc))
		goto free;
	if (vs_qmp_add(o, "error", err) < 0) {
		err = NULL;	/* vs_qmp_add() freed it */
		goto free;
	}
	return o;
free:
	json_object_put(err);
	json_object_put(o);
	return NULL;
}

struct json_object *vs_qmp_errorf(const char *class, const char *fmt, ...)
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

/* Text output */

#define VS_JSON_SCALAR	(JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* QEMU's compact form: ", " between members and elements, ": " after keys. */
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
