// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status serve: the QMP server of qmp/serve.c, which parses its
 * own arguments (vs_serve_parse_args()).
 */
#include "cli.h"
#include "serve.h"

int vs_cmd_serve_main(int argc, char **argv, const struct vs_backend *be,
		      FILE *out, FILE *err)
{
	return vs_serve_main(argc, argv, be, out, err);
}
