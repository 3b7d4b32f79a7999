/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: a QMP request, from text to answer, as both --qmp and
 * serve take it: parsed by json-c's tokener (the one value parser of
 * both), its envelope checked as QEMU 7.2 checks it, its arguments checked
 * against the command table, and answered by the table's command.
 */
#ifndef VS_QMP_REQUEST_H
#define VS_QMP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "qmp.h"

struct json_object;

/* QEMU's nesting limit of a JSON value, which the parser keeps too. */
#define VS_QMP_NESTING_MAX	1024

/*
 * vs_qmp_parse() - one JSON value from @text (@len bytes), strict JSON,
 * by json-c's tokener. A value that could go on at the end of @text (a
 * bare number) ends there. 0 with *@v set (NULL for JSON null) and *@end
 * after the value (input after it is left alone), or -1 with *@why set to
 * json-c's words for the error.
 */
int vs_qmp_parse(const char *text, size_t len, struct json_object **v,
		 size_t *end, const char **why);

/* The members of a request that passed vs_qmp_req_check(), borrowed. */
struct vs_qmp_req {
	const char *execute;		/* the command's name */
	struct json_object *args;	/* "arguments", or NULL */
	bool has_id;			/* "id" given, */
	struct json_object *id;		/* and its value (NULL: JSON null) */
};

/*
 * vs_qmp_req_check() - the envelope of request @v, checked as QEMU 7.2
 * checks it: an object whose members are "execute" (a string),
 * "arguments" (an object) and "id" (anything), walked in QEMU's member
 * order. 0 with @r filled; else -1 with *@rsp the error to answer (NULL
 * when out of memory) and @r's id filled, to be echoed.
 */
int vs_qmp_req_check(struct json_object *v, struct vs_qmp_req *r,
		     struct json_object **rsp);

/*
 * vs_qmp_with_id() - answer @rsp (taken) with @r's "id", if it has one:
 * where QEMU 7.2 writes it (@qemu_place: {"return": ..., "id": ...} but
 * {"id": ..., "error": ...}), or last, as --qmp has always written it.
 * NULL on ENOMEM.
 */
struct json_object *vs_qmp_with_id(struct json_object *rsp,
				   const struct vs_qmp_req *r, bool qemu_place);

/*
 * vs_qmp_unexpected() - the member of @args (may be NULL) QEMU names
 * first when a command taking only @known (NULL-terminated, or NULL for
 * none) is given others: the first other one in the order QEMU's argument
 * visitor finds them. NULL if none; else @args' own key.
 */
const char *vs_qmp_unexpected(struct json_object *args,
			      const char *const *known);

/*
 * vs_qmp_run() - the answer to request @r by the command table (what
 * --qmp and serve share): CommandNotFound for a name the table does not
 * offer over QMP, QEMU's errors for bad arguments, else the command's
 * {"return"} or GenericError. Without the id. NULL on ENOMEM.
 */
struct json_object *vs_qmp_run(const struct vs_backend *be,
			       const struct vs_qmp_req *r);

#endif /* VS_QMP_REQUEST_H */
