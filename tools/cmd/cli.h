/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the command line, parsed and run against a backend.
 */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "dev.h"
#include "qmp.h"

struct vs_opts {
	bool help;
	bool pretty;
	bool qmp;
	/* "show" (or no command): text for a person; cmd is NULL */
	bool show;
	const struct vs_cmd *cmd;
	const char *path;	/* --path (or show's PATH), or NULL */
	enum vs_json_mode mode;	/* --decode, --raw-and-decoded */
	bool has_queue;		/* --queue given */
	u32 queue;		/* its value */
	bool has_index;		/* --index given */
	u32 index;		/* its value */
};

/*
 * Parse argv. Returns 0, or -1 with the one-sentence reason in @msg.
 * @o->help set means: print the usage and stop.
 */
int vs_parse_args(int argc, char **argv, struct vs_opts *o,
		  char *msg, size_t len);

void vs_usage(FILE *f);

/*
 * Run what @o asks: JSON on @out, error sentences on @err. Returns the
 * exit status (0 ok, 1 error).
 */
int vs_cli_run(const struct vs_opts *o, const struct vs_backend *be,
	       FILE *in, FILE *out, FILE *err);

/* Both of the above: parse, print usage or run. The exit status. */
int vs_cli_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err);

#endif /* VS_CLI_H */
