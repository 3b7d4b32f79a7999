// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status serve: its arguments, parsed by args.c as every
 * command's are; the QMP server itself is qmp/server.c's vs_serve_run().
 */
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cmd_serve.h"
#include "serve.h"

static void vs_cmd_serve_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s --socket PATH [--mode MODE] [--group GROUP]\n",
		prog);
	fputs("\n"
	      "Answer QMP on the Unix stream socket PATH, as QEMU 7.2's monitor does,\n"
	      "for up to 64 clients at once: the greeting, qmp_capabilities,\n"
	      "query-commands, query-version and every command of --qmp\n"
	      "(x-query-virtio...), and the module's events to every client that\n"
	      "has negotiated. Runs until SIGTERM or SIGINT, then removes PATH.\n"
	      "\n"
	      "Options:\n"
	      "  --socket PATH  where to listen; an existing PATH is replaced only\n"
	      "                 if it is a socket nobody listens on\n"
	      "  --mode MODE    octal permissions of the socket (default 0600: only\n"
	      "                 the user running the server); no write bit for\n"
	      "                 others, since every client sees what that user sees\n"
	      "                 (for root: vhost devices, offered features)\n"
	      "  --group GROUP  group of the socket (a name or a number), for a mode\n"
	      "                 such as 0660\n"
	      "  -h, --help     print this help\n"
	      "\n"
	      "Exit status: 0 after SIGTERM or SIGINT, 1 when it cannot serve,\n"
	      "2 on a usage error.\n", f);
}

/* --mode MODE: octal, 0..0777, no write bit for others, one for the owner */
static int vs_cmd_serve_mode(const char *mode, mode_t *v, char *msg,
			     size_t len)
{
	char *end;
	long m;

	errno = 0;
	m = strtol(mode, &end, 8);
	if (!mode[0] || *end || errno || m < 0 || m > 0777) {
		snprintf(msg, len,
			 "--mode takes octal permissions such as 0660, not '%s'",
			 mode);
		return -1;
	}
	if (m & 0002) {
		snprintf(msg, len,
			 "--mode %s would let every user connect and read what root sees (vhost devices, offered features); use --group and a mode such as 0660",
			 mode);
		return -1;
	}
	if (!(m & 0200)) {
		snprintf(msg, len,
			 "--mode %s leaves the owner unable to connect; give it write permission (0600)",
			 mode);
		return -1;
	}
	*v = (mode_t)m;
	return 0;
}

/* --group GROUP: a number, else a group's name */
static int vs_cmd_serve_group(const char *group, gid_t *v, char *msg,
			      size_t len)
{
	struct group *g;
	char *end;
	long m;

	errno = 0;
	m = strtol(group, &end, 10);
	if (group[0] && !*end && !errno && m >= 0 && m < INT32_MAX) {
		*v = (gid_t)m;
		return 0;
	}
	g = getgrnam(group);
	if (!g) {
		snprintf(msg, len, "--group: no group named '%s'", group);
		return -1;
	}
	*v = g->gr_gid;
	return 0;
}

enum {
	VS_CMD_SERVE_SOCKET,
	VS_CMD_SERVE_MODE,
	VS_CMD_SERVE_GROUP,
};

static const struct vs_opt vs_cmd_serve_opts[] = {
	{ "socket", 0, "a path", VS_CMD_SERVE_SOCKET },
	{ "mode", 0, "octal permissions", VS_CMD_SERVE_MODE },
	{ "group", 0, "a group", VS_CMD_SERVE_GROUP },
	{ NULL, 0, NULL, 0 }
};

/* What the options said, checked once all are read. */
struct vs_cmd_serve_args {
	struct vs_serve_opts *o;
	const char *mode;
	const char *group;
};

static int vs_cmd_serve_set(void *ctx, const struct vs_opt *opt,
			    const char *value, char *msg, size_t len)
{
	struct vs_cmd_serve_args *a = ctx;

	if (!opt)
		return vs_args_no_operand("serve", value, msg, len);
	if (opt->id == VS_CMD_SERVE_SOCKET)
		a->o->socket = value;
	else if (opt->id == VS_CMD_SERVE_MODE)
		a->mode = value;
	else
		a->group = value;
	return 0;
}

static const struct vs_args_spec vs_cmd_serve_spec = {
	.name = "serve",
	.opts = vs_cmd_serve_opts,
	.set = vs_cmd_serve_set,
};

int vs_serve_parse_args(int argc, char **argv, struct vs_serve_opts *o,
			char *msg, size_t len)
{
	struct vs_cmd_serve_args a = { .o = o };
	int ret;

	memset(o, 0, sizeof(*o));
	o->mode = 0600;
	o->gid = (gid_t)-1;
	ret = vs_args_parse(&vs_cmd_serve_spec, argc, argv, &a, msg, len);
	if (ret < 0)
		return -1;
	if (ret == 1) {
		o->help = true;
		return 0;
	}
	if (!o->socket) {
		snprintf(msg, len, "serve needs --socket PATH");
		return -1;
	}
	if (!o->socket[0]) {
		snprintf(msg, len, "--socket is empty");
		return -1;
	}
	if (a.mode && vs_cmd_serve_mode(a.mode, &o->mode, msg, len) < 0)
		return -1;
	if (a.group && vs_cmd_serve_group(a.group, &o->gid, msg, len) < 0)
		return -1;
	return 0;
}

int vs_cmd_serve_main(int argc, char **argv, const struct vs_backend *be,
		      FILE *out, FILE *err)
{
	char msg[2 * VS_MSG_MAX], prog[128];
	struct vs_serve_opts o;

	vs_cmd_prog(argc ? argv[0] : NULL, "serve", prog, sizeof(prog));
	if (vs_serve_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\nTry '%s --help' for more information.\n",
			msg, prog);
		return VS_EXIT_USAGE;
	}
	if (o.help) {
		vs_cmd_serve_usage(out, prog);
		return 0;
	}
	return vs_serve_run(&o, be, err);
}

int vs_serve_main(int argc, char **argv, const struct vs_backend *be,
		  FILE *out, FILE *err)
{
	return vs_cmd_serve_main(argc, argv, be, out, err);
}
