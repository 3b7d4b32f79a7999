// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status x-query-virtio, x-query-virtio-status,
 * x-query-virtio-queue-status, x-query-virtio-vhost-queue-status,
 * x-query-virtio-queue-element and info: the QMP command of the same
 * name (qmp.c's table), its "return" printed as JSON.
 */
#include <stdlib.h>

#include <json-c/json.h>

#include "cli.h"

int vs_cmd_query_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		     FILE *in, FILE *out, FILE *err)
{
	struct vs_call c = {
		.path = o->path,
		.mode = o->mode,
		.names = o->names,
		.has_queue = o->has_queue,
		.queue = o->queue,
		.has_index = o->has_index,
		.index = o->index,
	};
	char sentence[2 * VS_MSG_MAX];
	struct json_object *ret, *rsp;
	struct vs_err e;
	char *text;

	(void)in;
	vs_err_clear(&e);
	ret = o->cmd->run(be, &c, &e);
	if (!ret) {
		vs_err_sentence(&e, o->path, sentence, sizeof(sentence));
		fprintf(err, "%s\n", sentence);
		return vs_cmd_status(&e);
	}
	rsp = vs_qmp_return(ret);
	text = rsp ? vs_json_text(rsp, o->pretty) : NULL;
	json_object_put(rsp);
	if (!text) {
		fprintf(err, "out of memory\n");
		return 1;
	}
	fprintf(out, "%s\n", text);
	free(text);
	if (fflush(out)) {
		fprintf(err, "cannot write the answer\n");
		return 1;
	}
	if (o->cmd->warn_vhost_off)
		vs_cmd_warn_vhost_off(be, err);
	return 0;
}
