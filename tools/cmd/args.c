// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: one getopt_long() loop for every command's arguments.
 *
 * Options may come anywhere among the operands, "--" ends them, long
 * options are taken by their whole name only (getopt_long() would take
 * "--pa" for "--path"), and a word holds one short option ("-ph" is not
 * "-p -h"): a typo is refused rather than guessed at.
 */
#include <getopt.h>
#include <string.h>

#include "args.h"

/* Options a command may have, -h/--help included. */
#define VS_ARGS_MAX	32
/* getopt_long()'s val for the long option of row N */
#define VS_ARGS_LONG	256
#define VS_ARGS_HELP	(VS_ARGS_LONG + VS_ARGS_MAX)

static const struct vs_opt *vs_args_row(const struct vs_args_spec *spec,
					int val)
{
	const struct vs_opt *o;

	if (val >= VS_ARGS_LONG && val < VS_ARGS_HELP)
		return &spec->opts[val - VS_ARGS_LONG];
	for (o = spec->opts; o->name; o++)
		if (o->letter && o->letter == val)
			return o;
	return NULL;
}

/* "--NAME=VALUE" for an option of @spec that takes no value. */
static const struct vs_opt *vs_args_valued_switch(const struct vs_args_spec *spec,
						  const char *word)
{
	const struct vs_opt *o;
	size_t n;

	if (strncmp(word, "--", 2) || !strchr(word, '='))
		return NULL;
	n = (size_t)(strchr(word, '=') - word - 2);
	for (o = spec->opts; o->name; o++)
		if (!o->value && strlen(o->name) == n &&
		    !strncmp(o->name, word + 2, n))
			return o;
	return NULL;
}

/*
 * Whether @word is the whole option: "--NAME" or "--NAME=..." (not a
 * prefix of NAME), or a short option alone in its word.
 */
static bool vs_args_whole(const char *word, const char *name)
{
	size_t n;

	if (word[1] != '-')
		return !word[2];
	n = strcspn(word + 2, "=");
	return strlen(name) == n && !strncmp(word + 2, name, n);
}

int vs_args_parse(const struct vs_args_spec *spec, int argc, char **argv,
		  void *ctx, char *msg, size_t len)
{
	struct option lo[VS_ARGS_MAX + 2] = { 0 };
	char so[3 + 2 * VS_ARGS_MAX + 2] = "-:h";
	const struct vs_opt *row;
	size_t n = 0, s = 3;
	const char *word;
	int c, at;
	bool help;

	msg[0] = '\0';
	for (row = spec->opts; row->name && n < VS_ARGS_MAX; row++, n++) {
		lo[n].name = row->name;
		lo[n].has_arg = row->value ? required_argument : no_argument;
		lo[n].val = VS_ARGS_LONG + (int)n;
		if (row->letter) {
			so[s++] = row->letter;
			if (row->value)
				so[s++] = ':';
		}
	}
	lo[n].name = "help";
	lo[n].val = VS_ARGS_HELP;
	so[s] = '\0';

	/* 0, not 1: getopt starts afresh, forgetting a half-read word */
	optind = 0;
	opterr = 0;
	for (;;) {
		at = optind ? optind : 1;
		c = getopt_long(argc, argv, so, lo, NULL);
		if (c == -1)
			break;
		word = argv[at];
		if (c == 1) {
			if (spec->set(ctx, NULL, optarg, msg, len) < 0)
				return -1;
			continue;
		}
		if (c == ':') {
			row = vs_args_row(spec, optopt);
			snprintf(msg, len, "option --%s needs %s",
				 row ? row->name : "?",
				 row && row->value ? row->value : "a value");
			return -1;
		}
		help = c == 'h' || c == VS_ARGS_HELP;
		row = c == '?' || help ? NULL : vs_args_row(spec, c);
		if (c == '?' || !vs_args_whole(word, help ? "help" : row->name)) {
			row = vs_args_valued_switch(spec, word);
			if (row)
				snprintf(msg, len, "option --%s takes no value",
					 row->name);
			else
				snprintf(msg, len, "unknown option '%s'", word);
			return -1;
		}
		if (help)
			return 1;
		if (spec->set(ctx, row, row->value ? optarg : NULL, msg,
			      len) < 0)
			return -1;
	}
	/* after "--": operands only */
	for (at = optind; at < argc; at++)
		if (spec->set(ctx, NULL, argv[at], msg, len) < 0)
			return -1;
	return 0;
}

int vs_args_no_operand(const char *cmd, const char *word, char *msg,
		       size_t len)
{
	snprintf(msg, len, "%s takes no argument '%s'", cmd, word);
	return -1;
}

int vs_args_count(const char *s, long max, int *v)
{
	long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > max)
			return -1;
	}
	if (!n)
		return -1;
	*v = (int)n;
	return 0;
}

const char *vs_cmd_prog(const char *argv0, const char *name, char *buf,
			size_t len)
{
	const char *base = argv0 ? strrchr(argv0, '/') : NULL;

	base = base ? base + 1 : argv0;
	if (!base || !*base || !strcmp(base, name))
		snprintf(buf, len, "virtio-status %s", name);
	else
		snprintf(buf, len, "%s", base);
	return buf;
}

bool vs_args_begin(const struct vs_args_spec *spec, int argc, char **argv,
		   void *ctx, void (*usage)(FILE *f, const char *prog),
		   FILE *out, FILE *err, int *status)
{
	char msg[512], prog[128];
	int ret;

	vs_cmd_prog(argc ? argv[0] : NULL, spec->name, prog, sizeof(prog));
	ret = vs_args_parse(spec, argc, argv, ctx, msg, sizeof(msg));
	if (ret == 1) {
		usage(out, prog);
		*status = VS_EXIT_OK;
		return false;
	}
	if (ret < 0) {
		fprintf(err, "%s\nTry '%s --help' for more information.\n",
			msg, prog);
		*status = VS_EXIT_USAGE;
		return false;
	}
	return true;
}
