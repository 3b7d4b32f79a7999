// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status show [DEVICE] (and no command at all): the devices as
 * text for a person, or with -j as JSON, from render/show.c.
 */
#include "cli.h"
#include "show.h"

int vs_cmd_show_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		    FILE *in, FILE *out, FILE *err)
{
	const struct vs_show_opts so = { .json = o->json, .pretty = o->pretty };
	struct vs_err e;
	int ret;

	(void)in;
	if (o->path)
		ret = vs_show_dev(be, o->path, &so, out, err, &e);
	else
		ret = vs_show_list(be, &so, out, err, &e);
	if (fflush(out)) {
		fprintf(err, "cannot write the answer\n");
		return VS_EXIT_ERROR;
	}
	if (ret < 0)
		return vs_cmd_status(&e);
	if (!o->path)
		vs_cmd_warn_vhost_off(be, err);
	return VS_EXIT_OK;
}
