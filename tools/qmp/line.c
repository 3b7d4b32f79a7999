// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status --qmp: one QMP request a line on standard input, each
 * answered on one line of standard output. Requests are parsed, checked
 * and answered as serve answers them once negotiated; what differs is the
 * framing (a line, not QEMU's stream of values), so bad JSON is worded by
 * json-c, and "id" is written last.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "json_out.h"
#include "qmp.h"
#include "request.h"

struct json_object *vs_qmp_line(const struct vs_backend *be,
				const char *line)
{
	struct json_object *v, *rsp;
	struct vs_qmp_req r;
	size_t len, end;
	const char *why;

	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return NULL;
	len = strlen(line);

	if (vs_qmp_parse(line, len, &v, &end, &why) < 0)
		return vs_qmp_errorf("GenericError", "JSON parse error, %s",
				     why);
	for (; end < len; end++) {
		if (!isspace((unsigned char)line[end])) {
			json_object_put(v);
			return vs_qmp_error("GenericError",
					    "JSON parse error, more than one JSON value on a line");
		}
	}
	if (vs_qmp_req_check(v, &r, &rsp) == 0)
		rsp = vs_qmp_run(be, &r);
	/* like QEMU, echo the request's "id" whatever the answer */
	rsp = vs_qmp_with_id(rsp, &r, false);
	json_object_put(v);
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
