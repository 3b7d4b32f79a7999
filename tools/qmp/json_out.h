/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: what the QMP layer writes json-c objects with. Each
 * vs_qmp_add*() adds one member and returns 0, or -1 when out of memory
 * (having freed what it could not add), so a builder can OR the results
 * of a run of them and check once.
 */
#ifndef VS_QMP_JSON_OUT_H
#define VS_QMP_JSON_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "features.h"

struct json_object;

/* Add @val under @key; -1 (and @val freed) when anything is missing. */
int vs_qmp_add(struct json_object *o, const char *key, struct json_object *val);
int vs_qmp_add_str(struct json_object *o, const char *key, const char *s);
int vs_qmp_add_int(struct json_object *o, const char *key, int64_t v);
int vs_qmp_add_bool(struct json_object *o, const char *key, bool v);
/* Append string @s to array @a. */
int vs_qmp_add_array_str(struct json_object *a, const char *s);
/*
 * An unsigned member; above 2^53 also "<key>-hex", "0x%016llx", right
 * after it (README: "Integers above 2^53").
 */
int vs_qmp_add_uint(struct json_object *o, const char *key, u64 v);
/*
 * A feature set: the uint64 member @key with bits 0-63 (as
 * vs_qmp_add_uint()); when a bit above 63 is set, "<key>-full" too, "0x"
 * and 32 hex digits of all 128 bits (README: "128-bit feature sets").
 */
int vs_qmp_add_fset(struct json_object *o, const char *key,
		    const struct vs_fset *set);

/*
 * {"error": {"class", "desc"}} with a desc of any length (it may quote
 * client input); NULL on ENOMEM.
 */
struct json_object *vs_qmp_errorf(const char *class, const char *fmt, ...)
	__printf(2, 3);

#endif /* VS_QMP_JSON_OUT_H */
