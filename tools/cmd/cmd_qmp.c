// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status --qmp: QMP commands read from standard input, each
 * answered on standard output as QEMU answers it (qmp.c).
 */
#include "cli.h"

int vs_cmd_qmp_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		   FILE *in, FILE *out, FILE *err)
{
	if (vs_qmp_loop(be, in, out, o->pretty) < 0) {
		fprintf(err, "--qmp stopped: cannot read a command or write an answer\n");
		return 1;
	}
	return 0;
}
