/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the one argument parser every command uses. A command
 * describes its options in a table and says what each one means in a
 * callback; vs_args_parse() walks argv with getopt_long() and makes every
 * sentence about a malformed command line, so the commands agree on them.
 */
#ifndef VS_ARGS_H
#define VS_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit statuses of every command (README "Exit status"). */
enum {
	VS_EXIT_OK = 0,
	VS_EXIT_ERROR = 1,	/* the request failed, or output failed */
	VS_EXIT_USAGE = 2,	/* the command line is wrong */
	VS_EXIT_NO_MODULE = 3,	/* the virtio_status module is not there */
};

/* One option of a command: --NAME, and -LETTER when it has one. */
struct vs_opt {
	const char *name;
	char letter;
	/* what its value is, for "option --NAME needs ...", or NULL: none */
	const char *value;
	int id;			/* given to the command's callback */
};

/*
 * A command's arguments: its options (ended by a row without a name;
 * -h/--help is every command's and need not be listed) and what they mean.
 * @set is called in command-line order for each option (@opt its row,
 * @value its value or NULL) and each operand (@opt NULL, @value the word;
 * every word after "--" is one). It returns 0, or -1 with the sentence in
 * @msg.
 */
struct vs_args_spec {
	const char *name;	/* the command, in sentences */
	const struct vs_opt *opts;
	int (*set)(void *ctx, const struct vs_opt *opt, const char *value,
		   char *msg, size_t len);
};

/*
 * Parse @argv (argv[0] is the command's name) as @spec says. Returns 0,
 * 1 when -h or --help was given (nothing after it is looked at), or -1
 * with the sentence in @msg.
 */
int vs_args_parse(const struct vs_args_spec *spec, int argc, char **argv,
		  void *ctx, char *msg, size_t len);

/* The sentence for an operand a command does not take: -1. */
int vs_args_no_operand(const char *cmd, const char *word, char *msg,
		       size_t len);

/*
 * A count: decimal digits only, 1..@max. 0 and *@v, or -1.
 */
int vs_args_count(const char *s, long max, int *v);

/*
 * How a command names itself in its usage and sentences: "virtio-status
 * NAME" when it runs as a command of virtio-status (@argv0 is @name),
 * else the program's own name (a binary of its own). In @buf.
 */
const char *vs_cmd_prog(const char *argv0, const char *name, char *buf,
			size_t len);

/*
 * The start of a command that parses its own arguments: parse them, and
 * on -h print @usage to @out, on a mistake the sentence and where to read
 * more to @err. True when the command is to go on; else false with the
 * exit status in @status (0 after the help, VS_EXIT_USAGE).
 */
bool vs_args_begin(const struct vs_args_spec *spec, int argc, char **argv,
		   void *ctx, void (*usage)(FILE *f, const char *prog),
		   FILE *out, FILE *err, int *status);

#endif /* VS_ARGS_H */
