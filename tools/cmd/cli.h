/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the command line. One table of commands (cli.c), the
 * options the short commands share, parsed by args.c as every command's
 * are, and one entry point per command (cmd_*.c).
 */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "args.h"
#include "dev.h"
#include "qmp.h"

struct vs_cmd_opts;

/* One command of the command line: a row of vs_cmd_defs[] in cli.c. */
struct vs_cmd_def {
	const char *name;	/* the word typed; "--qmp" is an option */
	/* what it takes of vs_cmd_parse_args()'s options, besides -p, -j, -h */
	bool needs_path;	/* --path DEVICE */
	bool takes_device;	/* optional: DEVICE, or --path DEVICE */
	bool needs_queue;	/* --queue N */
	bool takes_index;	/* optional: --index I */
	bool takes_decode;	/* --decode, --raw-and-decoded */
	bool takes_names;	/* --names */
	/* its options parsed by vs_cmd_parse_args(): the exit status */
	int (*run)(const struct vs_cmd_opts *o, const struct vs_backend *be,
		   FILE *in, FILE *out, FILE *err);
	/*
	 * or: its own arguments, argv[0] being its name; the options before
	 * its name on the command line come first. The exit status.
	 */
	int (*main)(int argc, char **argv, const struct vs_backend *be,
		    FILE *out, FILE *err);
	const char *synopsis;	/* after "virtio-status ", '\n' between lines */
	const char *help;	/* one line */
	/* run commands: what COMMAND --help says after the line above */
	const char *details;
};

/* The row of @name, or NULL. */
const struct vs_cmd_def *vs_cmd_def_find(const char *name);

/* What vs_cmd_parse_args() found. */
struct vs_cmd_opts {
	bool help;		/* -h: print the usage and stop */
	bool version;		/* -V */
	bool pretty;		/* -p */
	bool json;		/* -j */
	bool qmp;		/* --qmp */
	const struct vs_cmd_def *def;	/* the command; show when none */
	const struct vs_qmp_cmd *cmd;	/* its QMP command, or NULL */
	const char *path;	/* --path (or show's DEVICE), or NULL */
	enum vs_json_mode mode;	/* --decode, --raw-and-decoded */
	bool names;		/* --names */
	bool has_queue;		/* --queue given */
	u32 queue;		/* its value */
	bool has_index;		/* --index given */
	u32 index;		/* its value */
};

/*
 * Parse argv for the commands that take the shared options. Returns 0,
 * or -1 with the one-sentence reason in @msg. With -h, @o->def is the
 * command named (NULL: none, the global help).
 */
int vs_cmd_parse_args(int argc, char **argv, struct vs_cmd_opts *o,
		      char *msg, size_t len);

/* The global help. */
void vs_cmd_usage(FILE *f);
/* The help of one command of the table (a run command's). */
void vs_cmd_usage_of(FILE *f, const struct vs_cmd_def *d);

/*
 * virtio-status: the command argv names, run against @be: output on
 * @out, error sentences on @err. The exit status (VS_EXIT_*).
 */
int vs_cmd_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err);

/* The exit status for a request that failed with @e. */
int vs_cmd_status(const struct vs_err *e);

/*
 * --version: the CLI's version, the module's (from @sysfs, normally
 * "/sys", without asking the kernel to load it) and the family version
 * and vhost layout it answers with. The exit status.
 */
int vs_cmd_version(const struct vs_backend *be, const char *sysfs, FILE *out);

/*
 * Tell a caller who should see vhost devices that the module leaves them
 * out, and why, on @err. Silent when the module cannot say.
 */
void vs_cmd_warn_vhost_off(const struct vs_backend *be, FILE *err);

/* The commands, one entry point each (cmd_NAME.c). */
int vs_cmd_show_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		    FILE *in, FILE *out, FILE *err);
/* x-query-* and info: the QMP command of the same name, as JSON */
int vs_cmd_query_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		     FILE *in, FILE *out, FILE *err);
int vs_cmd_qmp_run(const struct vs_cmd_opts *o, const struct vs_backend *be,
		   FILE *in, FILE *out, FILE *err);
int vs_cmd_metrics_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err);
/* Those that run until SIGTERM or SIGINT; each could be a binary's main. */
int vs_cmd_monitor_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err);
int vs_cmd_exporter_main(int argc, char **argv, const struct vs_backend *be,
			 FILE *out, FILE *err);
/*
 * exporter in virtio-status: runs virtio-status-exporter (exporter_exec.c),
 * or vs_cmd_exporter_here when a program linked with the exporter (the
 * unit tests) sets it
 */
int vs_cmd_exporter_exec(int argc, char **argv, const struct vs_backend *be,
			 FILE *out, FILE *err);
extern int (*vs_cmd_exporter_here)(int argc, char **argv,
				   const struct vs_backend *be, FILE *out,
				   FILE *err);
int vs_cmd_serve_main(int argc, char **argv, const struct vs_backend *be,
		      FILE *out, FILE *err);

#endif /* VS_CLI_H */
