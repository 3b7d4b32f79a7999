/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status serve: its arguments, parsed here for the QMP server of
 * qmp/server.c (README "QMP server").
 */
#ifndef VS_CMD_SERVE_H
#define VS_CMD_SERVE_H

#include <stddef.h>
#include <stdio.h>

#include "dev.h"
#include "serve.h"

/*
 * Parse the serve arguments (@argv[0] is "serve", or the program's name)
 * into @o. 0, or -1 with a one-sentence reason in @msg; @o->help asks for
 * the usage.
 */
int vs_serve_parse_args(int argc, char **argv, struct vs_serve_opts *o,
			char *msg, size_t len);

/*
 * `virtio-status serve`, as vs_cmd_serve_main(): runs until SIGTERM or
 * SIGINT. The exit status.
 */
int vs_serve_main(int argc, char **argv, const struct vs_backend *be,
		  FILE *out, FILE *err);

#endif /* VS_CMD_SERVE_H */
