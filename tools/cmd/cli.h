/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the command line. One table of commands (cli.c), the
 * options the short commands share, parsed with getopt_long(), and one
 * entry point per command (cmd_*.c).
 */
#ifndef VS_CLI_H
#define VS_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "dev.h"
#include "qmp.h"

struct vs_cmd_opts;

/* One command of the command line: a row of vs_cmd_defs[] in cli.c. */
struct vs_cmd_def {
	const char *name;	/* the word typed; "--qmp" is an option */
	/* what it takes of vs_cmd_parse_args()'s options, besides -p, -h */
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
	 * or: its own arguments, argv[0] being its name (only as the first
	 * word of the command line). The exit status.
	 */
	int (*main)(int argc, char **argv, const struct vs_backend *be,
		    FILE *out, FILE *err);
	const char *synopsis;	/* after "virtio-status ", '\n' between lines */
	const char *help;	/* one line */
};

/* The row of @name, or NULL. */
const struct vs_cmd_def *vs_cmd_def_find(const char *name);

/* What vs_cmd_parse_args() found. */
struct vs_cmd_opts {
	bool help;		/* -h: print the usage and stop */
	bool pretty;		/* -p */
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
 * or -1 with the one-sentence reason in @msg.
 */
int vs_cmd_parse_args(int argc, char **argv, struct vs_cmd_opts *o,
		      char *msg, size_t len);

void vs_cmd_usage(FILE *f);

/*
 * virtio-status: the command argv names, run against @be: output on
 * @out, error sentences on @err. The exit status (0 ok, 1 error).
 */
int vs_cmd_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err);

/*
 * getopt_long() as every command uses it: each word in order, operands
 * included (as 1, in @arg), long options by their full name only, one
 * short option a word (no "-ph"), and no message of getopt's own.
 * vs_cmd_getopt() returns an option's val, 1 for an operand, '?' for a
 * word that is no option of ours (@word, as written; "--" too), ':' for
 * an option without its value (@opt is its val), or -1 after the last
 * word. @shortopts begins "-:".
 */
struct vs_cmd_getopt {
	int argc;
	char **argv;
	const char *shortopts;
	const struct option *longopts;
	const char *arg;	/* the option's value, or the operand */
	const char *word;	/* the word it came from */
	int opt;		/* ':': the option missing its value */
};

void vs_cmd_getopt_init(struct vs_cmd_getopt *g, int argc, char **argv,
			const char *shortopts, const struct option *longopts);
int vs_cmd_getopt(struct vs_cmd_getopt *g);

/*
 * How a command names itself in its usage and sentences: "virtio-status
 * NAME" when it runs as a command of virtio-status (@argv0 is @name),
 * else the program's own name (a binary of its own). In @buf.
 */
const char *vs_cmd_prog(const char *argv0, const char *name, char *buf,
			size_t len);

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
int vs_cmd_serve_main(int argc, char **argv, const struct vs_backend *be,
		      FILE *out, FILE *err);

#endif /* VS_CLI_H */
