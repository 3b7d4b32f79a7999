// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status show [DEVICE] (and no command at all): the devices as
 * text for a person, from render/show.c.
 */
#include "cli.h"
#include "show.h"

int vs_cmd_show_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		    FILE *in, FILE *out, FILE *err)
{
	int status;

	(void)in;
	if (o->path)
		status = vs_show_dev(be, o->path, out, err);
	else
		status = vs_show_list(be, out, err);
	if (fflush(out)) {
		fprintf(err, "cannot write the answer\n");
		return 1;
	}
	if (!o->path && !status)
		vs_cmd_warn_vhost_off(be, err);
	return status;
}
