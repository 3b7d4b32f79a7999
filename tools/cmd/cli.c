// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: argv -> a row of vs_cmd_defs[] -> its entry point, and
 * the help: the global one, and each command's.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* What every address-carrying queue command says of its answer. */
#define VS_CMD_ADDR_NOTE \
	"Ring and descriptor addresses are for CAP_SYS_ADMIN callers only:\n" \
	"without it the address members are left out and the answer ends\n" \
	"with \"addresses-hidden\", the kernel's reason.\n"

/*
 * Every command, in the order the usage lists them. A command with its
 * own options (main) may follow options of the command line; the others
 * share the options of vs_cmd_parse_args(), anywhere on the line.
 */
static const struct vs_cmd_def vs_cmd_defs[] = {
	{ .name = "show",
	  .takes_device = true,
	  .run = vs_cmd_show_run,
	  .synopsis = "[-j] [show [DEVICE]]",
	  .help = "a table of the devices (the default), or one DEVICE",
	  .details =
	  "For a person, not a stable format: one line per device (virtio\n"
	  "devices, then vhost devices), with the names people use for it under\n"
	  "its line; or one DEVICE's facts and its features by name, negotiated\n"
	  "and offered. With -j, the same facts as JSON (README \"show -j\"),\n"
	  "which scripts may read.\n" },
	{ .name = "x-query-virtio",
	  .takes_names = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio [--names]",
	  .help = "the devices: [{\"path\", \"name\"}]",
	  .details =
	  "Every device QEMU's x-query-virtio would list: the virtio devices of\n"
	  "this kernel, and (for CAP_NET_ADMIN callers) the vhost devices its\n"
	  "processes hold open, as /proc/PID/fd/FD.\n" },
	{ .name = "x-query-virtio-status",
	  .needs_path = true, .takes_decode = true, .takes_names = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-status --path DEVICE\n"
		      "[--decode | --raw-and-decoded] [--names]",
	  .help = "the VirtioStatus of one device",
	  .details =
	  "host-features (the features a device offers) needs CAP_NET_ADMIN.\n"
	  "For a vhost device it is asked from its driver: /dev/vhost-net\n"
	  "(-vsock, -scsi) is opened once per run, which briefly creates and\n"
	  "destroys an unused vhost device. vhost-vdpa devices cannot be asked.\n" },
	{ .name = "x-query-virtio-queue-status",
	  .needs_path = true, .needs_queue = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-queue-status --path DEVICE\n"
		      "--queue N",
	  .help = "the VirtQueueStatus of queue N of a device",
	  .details =
	  "A guest device's ring as its driver sees it, or a vhost device's\n"
	  "virtqueue. Not visible to a guest, answered 0 / false:\n"
	  "vring-num-default, vring-align, signalled-used(-valid);\n"
	  "last-avail-idx is left out; inuse is descriptors the driver has\n"
	  "out; used-idx of a packed ring is 0. vhost: inuse is last-avail-idx\n"
	  "- used-idx (mod 65536), vring-num-default, vring-align and\n"
	  "signalled-used(-valid) are 0 / false, addresses are the owner's.\n"
	  VS_CMD_ADDR_NOTE },
	{ .name = "x-query-virtio-vhost-queue-status",
	  .needs_path = true, .needs_queue = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-vhost-queue-status\n"
		      "--path DEVICE --queue N",
	  .help = "the VirtVhostQueueStatus of queue N of a vhost device",
	  .details =
	  "Kick/call fds (-1: none), the owner's addresses, guest physical ones\n"
	  "(0: outside the memory table) and the split ring sizes for num (+2\n"
	  "with EVENT_IDX). When the owner acked VIRTIO_F_ACCESS_PLATFORM\n"
	  "(vIOMMU, vhost-vdpa) both are the rings' I/O virtual addresses, and\n"
	  "\"addresses-are-iova\": true ends the answer (not over --qmp).\n"
	  VS_CMD_ADDR_NOTE },
	{ .name = "x-query-virtio-queue-element",
	  .needs_path = true, .needs_queue = true, .takes_index = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-queue-element --path DEVICE\n"
		      "--queue N [--index I]",
	  .help = "the VirtioQueueElement of queue N of a guest device",
	  .details =
	  "For a split ring, the descriptor chain avail ring entry I points to\n"
	  "(default: the last one the driver made available), as the ring\n"
	  "holds it; an indirect descriptor is shown, not followed. Descriptor\n"
	  "flags are QEMU's names (next, write, indirect, avail, used), highest\n"
	  "bit first; other bits are listed as \"unknown-0xNNNN\" (QEMU drops\n"
	  "them). Packed rings and vhost devices are not supported. Needs\n"
	  "CAP_NET_ADMIN.\n"
	  VS_CMD_ADDR_NOTE },
	{ .name = "info",
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] info",
	  .help = "the module's state (QMP: x-virtio-status-info)",
	  .details =
	  "Whether the module can report vhost devices (and why not), its mode\n"
	  "(full, or list-only and why), the kernel interfaces it was built\n"
	  "for, and the feature bits the kernel keeps (64 or 128).\n" },
	{ .name = "--qmp",
	  .run = vs_cmd_qmp_run,
	  .synopsis = "[-p] --qmp",
	  .help = "answer QMP commands read from standard input",
	  .details =
	  "One JSON object a line on standard input, each answered on standard\n"
	  "output as QEMU answers it; errors are QMP errors, and the exit\n"
	  "status is 0 once the input ends.\n" },
	{ .name = "monitor",
	  .main = vs_cmd_monitor_main,
	  .synopsis = "monitor [OPTIONS]",
	  .help = "print device events as QMP event lines (monitor --help)" },
	{ .name = "metrics",
	  .main = vs_cmd_metrics_main,
	  .synopsis = "metrics [--collect.features] [--output FILE]",
	  .help = "the devices in Prometheus' text format (metrics --help)" },
	{ .name = "exporter",
	  .main = vs_cmd_exporter_exec,
	  .synopsis = "exporter [OPTIONS]",
	  .help = "serve them over HTTP: runs virtio-status-exporter" },
	{ .name = "serve",
	  .main = vs_cmd_serve_main,
	  .synopsis = "serve --socket PATH [OPTIONS]",
	  .help = "QMP on a Unix socket, with events (serve --help)" },
};

const struct vs_cmd_def *vs_cmd_def_find(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmd_defs); i++)
		if (!strcmp(vs_cmd_defs[i].name, name))
			return &vs_cmd_defs[i];
	return NULL;
}

/* The synopsis lines go under each other, their continuations indented. */
static void vs_cmd_usage_synopsis(FILE *f, const char *s)
{
	fputs("virtio-status ", f);
	for (; *s; s++) {
		fputc(*s, f);
		if (*s == '\n')
			fputs("                     ", f);
	}
	fputc('\n', f);
}

static const char vs_cmd_exit_text[] =
	"Exit status: 0 on success, 1 when the request failed, 2 on a usage\n"
	"error, 3 when the virtio_status module is not loaded and cannot be.\n";

void vs_cmd_usage(FILE *f)
{
	const struct vs_cmd_def *d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmd_defs); i++) {
		fputs(i ? "       " : "Usage: ", f);
		vs_cmd_usage_synopsis(f, vs_cmd_defs[i].synopsis);
	}
	fputs("       virtio-status -V | --version\n"
	      "       virtio-status [COMMAND] -h | --help\n"
	      "\n"
	      "Print the state of this machine's virtio devices, and of the vhost\n"
	      "devices its processes hold open, as the JSON that QEMU's QMP\n"
	      "commands of the same name answer.\n"
	      "\n"
	      "Commands:\n", f);
	for (i = 0; i < ARRAY_SIZE(vs_cmd_defs); i++) {
		d = &vs_cmd_defs[i];
		if (strlen(d->name) <= 21)
			fprintf(f, "  %-21s  %s\n", d->name, d->help);
		else
			fprintf(f, "  %s\n%25s%s\n", d->name, "", d->help);
	}
	fputs("\n"
	      "Options (anywhere on the line; -- ends them):\n"
	      "  -p, --pretty   indent the JSON\n"
	      "  -j, --json     show: JSON instead of text (the other commands\n"
	      "                 print JSON anyway)\n"
	      "  --qmp          read QMP commands from standard input\n"
	      "  -V, --version  the versions of virtio-status, of the module and\n"
	      "                 of the family it speaks, and its vhost layout\n"
	      "  -h, --help     this help; COMMAND --help: that command's options\n"
	      "                 and what its answer holds\n"
	      "\n"
	      "DEVICE is a sysfs path (/sys/bus/virtio/devices/virtio0), a virtio\n"
	      "bus id (virtio0), or for a vhost device /proc/PID/fd/FD of a\n"
	      "process holding it (as x-query-virtio lists it). vhost devices are\n"
	      "listed only to CAP_NET_ADMIN callers; queue sizes and indexes are\n"
	      "for everyone, ring and descriptor addresses for CAP_SYS_ADMIN.\n"
	      "\n", f);
	fputs(vs_cmd_exit_text, f);
}

/* A row of vs_cmd_opt_help[] that every run command shows. */
#define VS_CMD_ALWAYS	SIZE_MAX

/*
 * The rows of a run command's "Options:": each shown when the row's
 * member of struct vs_cmd_def (by offset) is true, or always.
 */
static const struct {
	size_t flag;
	const char *text;
} vs_cmd_opt_help[] = {
	{ offsetof(struct vs_cmd_def, takes_device),
	  "  DEVICE, --path DEVICE\n"
	  "                 the device: a sysfs path, a virtio bus id (virtio0),\n"
	  "                 or /proc/PID/fd/FD for a vhost device\n" },
	{ offsetof(struct vs_cmd_def, needs_path),
	  "  --path DEVICE  a sysfs path (/sys/bus/virtio/devices/virtio0), a\n"
	  "                 virtio bus id (virtio0), or for a vhost device\n"
	  "                 /proc/PID/fd/FD of a process holding it (as\n"
	  "                 x-query-virtio lists it; taken as written)\n" },
	{ offsetof(struct vs_cmd_def, needs_queue),
	  "  --queue N      the queue index, 0 to 65535 (QMP: argument \"queue\")\n" },
	{ offsetof(struct vs_cmd_def, takes_index),
	  "  --index I      the avail ring index, 0 to 65535, taken modulo the\n"
	  "                 ring size (QMP: optional argument \"index\")\n" },
	{ offsetof(struct vs_cmd_def, takes_decode),
	  "  --decode       features, status and protocol features decoded as\n"
	  "                 QEMU 7.2 and later answer: {\"transports\": [...],\n"
	  "                 \"dev-features\": [...], \"unknown-dev-features\": N\n"
	  "                 (bits 0-63), \"unknown-dev-features2\": N (bits\n"
	  "                 64-127)}, {\"statuses\": [...]}, {\"protocols\": [...]},\n"
	  "                 each \"SYMBOL: description\" (QMP: argument \"decode\")\n"
	  "  --raw-and-decoded\n"
	  "                 as --decode, and each decoded object also carries\n"
	  "                 \"raw\" (bits 0-63), \"raw-hex\" (\"0x%016llx\", exact\n"
	  "                 where JSON numbers are doubles), \"raw-full\" (all\n"
	  "                 128 bits in hex, when a bit above 63 is set) and\n"
	  "                 \"symbols\" (the bare symbols): an extension of ours\n"
	  "                 (QMP: argument \"raw-and-decoded\")\n" },
	{ offsetof(struct vs_cmd_def, takes_names),
	  "  --names        add our member \"names\" to each device: {\"device\"\n"
	  "                 (the guest's eth0, vda...), \"virtio\" (virtioN),\n"
	  "                 \"tap\", \"cid\", \"vm\", \"uuid\" (a vhost device's VM)},\n"
	  "                 the names known; not over --qmp, whose answers are\n"
	  "                 QEMU's shape\n" },
	{ offsetof(struct vs_cmd_def, takes_device),
	  "  -j, --json     JSON instead of text\n" },
	{ VS_CMD_ALWAYS,
	  "  -p, --pretty   indent the JSON\n"
	  "  -h, --help     print this help\n" },
};

void vs_cmd_usage_of(FILE *f, const struct vs_cmd_def *d)
{
	size_t i;

	fputs("Usage: ", f);
	vs_cmd_usage_synopsis(f, d->synopsis);
	fprintf(f, "\n%c%s.\n", toupper((unsigned char)d->help[0]), d->help + 1);
	if (d->details)
		fprintf(f, "\n%s", d->details);
	fputs("\nOptions:\n", f);
	for (i = 0; i < ARRAY_SIZE(vs_cmd_opt_help); i++)
		if (vs_cmd_opt_help[i].flag == VS_CMD_ALWAYS ||
		    *(const bool *)((const char *)d + vs_cmd_opt_help[i].flag))
			fputs(vs_cmd_opt_help[i].text, f);
	fputc('\n', f);
	fputs(vs_cmd_exit_text, f);
}

int vs_cmd_status(const struct vs_err *e)
{
	return e->kind == VS_ERR_NOFAMILY ? VS_EXIT_NO_MODULE : VS_EXIT_ERROR;
}

void vs_cmd_warn_vhost_off(const struct vs_backend *be, FILE *err)
{
	struct vs_nl_info info;
	struct vs_err e;

	if (!be->ops->privileged(be->ctx))
		return;
	vs_err_clear(&e);
	if (be->ops->info(be->ctx, &info, &e) < 0)
		return;
	if (!vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_STATE) ||
	    info.vhost_state != VIRTIO_STATUS_VHOST_STATE_OFF)
		return;
	fprintf(err, "virtio-status: vhost devices are not listed: %s\n",
		vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_REASON) &&
		info.vhost_reason[0] ? info.vhost_reason :
				       "the module gives no reason");
}

/* A queue or avail ring index: decimal digits only, 0..VS_QUEUE_MAX. */
static int vs_cmd_parse_queue(const char *s, u32 *queue)
{
	unsigned long v = 0;
	const char *p;

	if (!*s)
		return -1;
	for (p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
		if (v > VS_QUEUE_MAX)
			return -1;
	}
	*queue = (u32)v;
	return 0;
}

enum {
	VS_CMD_OPT_PRETTY,
	VS_CMD_OPT_JSON,
	VS_CMD_OPT_VERSION,
	VS_CMD_OPT_QMP,
	VS_CMD_OPT_DECODE,
	VS_CMD_OPT_RAW_AND_DECODED,
	VS_CMD_OPT_PATH,
	VS_CMD_OPT_QUEUE,
	VS_CMD_OPT_INDEX,
	VS_CMD_OPT_NAMES,
};

static const struct vs_opt vs_cmd_opts_shared[] = {
	{ "pretty", 'p', NULL, VS_CMD_OPT_PRETTY },
	{ "json", 'j', NULL, VS_CMD_OPT_JSON },
	{ "version", 'V', NULL, VS_CMD_OPT_VERSION },
	{ "qmp", 0, NULL, VS_CMD_OPT_QMP },
	{ "decode", 0, NULL, VS_CMD_OPT_DECODE },
	{ "raw-and-decoded", 0, NULL, VS_CMD_OPT_RAW_AND_DECODED },
	{ "path", 0, "a device", VS_CMD_OPT_PATH },
	{ "queue", 0, "a queue index", VS_CMD_OPT_QUEUE },
	{ "index", 0, "an avail ring index", VS_CMD_OPT_INDEX },
	{ "names", 0, NULL, VS_CMD_OPT_NAMES },
	{ NULL, 0, NULL, 0 }
};

/* The words of the command line, before they are checked against the row. */
struct vs_cmd_words {
	struct vs_cmd_opts *o;
	const struct vs_cmd_def *def;	/* the first operand's row */
	const char *cmd;	/* the first operand */
	const char *device;	/* the second, for a takes_device command */
	bool have_path;
	const char *queue;	/* --queue's value, or NULL */
	const char *index;	/* --index's value, or NULL */
};

/* --qmp takes nothing but -p. */
static int vs_cmd_check_qmp(const struct vs_cmd_words *w,
			    struct vs_cmd_opts *o, char *msg, size_t len)
{
	if (o->names) {
		snprintf(msg, len,
			 "--qmp answers in QEMU's shape and takes no --names");
		return -1;
	}
	if (w->cmd || w->have_path || o->mode || w->queue || w->index) {
		snprintf(msg, len,
			 "--qmp reads its commands from standard input and takes no command, --path, --queue, --index or --decode");
		return -1;
	}
	o->def = vs_cmd_def_find("--qmp");
	return 0;
}

/* A command that prints text for one DEVICE or all of them (show). */
static int vs_cmd_check_device(const struct vs_cmd_words *w,
			       struct vs_cmd_opts *o, char *msg, size_t len)
{
	const char *name = o->def->name;

	if (o->names) {
		snprintf(msg, len,
			 "%s prints the names anyway; --names is for x-query-virtio and x-query-virtio-status",
			 name);
		return -1;
	}
	if (o->mode) {
		snprintf(msg, len,
			 "%s prints text; --decode and --raw-and-decoded are for x-query-virtio-status",
			 name);
		return -1;
	}
	if (w->queue) {
		snprintf(msg, len,
			 "%s takes no --queue; it is for the queue commands",
			 name);
		return -1;
	}
	if (w->index) {
		snprintf(msg, len,
			 "%s takes no --index; it is for x-query-virtio-queue-element",
			 name);
		return -1;
	}
	if (w->device && w->have_path) {
		snprintf(msg, len, "%s takes one DEVICE", name);
		return -1;
	}
	if (w->device)
		o->path = w->device;
	if (o->path && !o->path[0]) {
		snprintf(msg, len, "the device is empty");
		return -1;
	}
	return 0;
}

/* A command whose options are its row's (the x-query-*, info). */
static int vs_cmd_check(const struct vs_cmd_words *w, struct vs_cmd_opts *o,
			char *msg, size_t len)
{
	const struct vs_cmd_def *d = o->def;

	if (d->needs_path && !w->have_path) {
		snprintf(msg, len, "%s needs --path DEVICE", d->name);
		return -1;
	}
	if (!d->needs_path && w->have_path) {
		snprintf(msg, len, "%s takes no --path", d->name);
		return -1;
	}
	if (d->needs_queue && !w->queue) {
		snprintf(msg, len, "%s needs --queue N", d->name);
		return -1;
	}
	if (!d->needs_queue && w->queue) {
		snprintf(msg, len, "%s takes no --queue", d->name);
		return -1;
	}
	if (w->queue && vs_cmd_parse_queue(w->queue, &o->queue) < 0) {
		snprintf(msg, len,
			 "--queue takes a queue index from 0 to %d, not '%s'",
			 VS_QUEUE_MAX, w->queue);
		return -1;
	}
	o->has_queue = w->queue;
	if (!d->takes_index && w->index) {
		snprintf(msg, len, "%s takes no --index", d->name);
		return -1;
	}
	if (w->index && vs_cmd_parse_queue(w->index, &o->index) < 0) {
		snprintf(msg, len,
			 "--index takes an avail ring index from 0 to %d, not '%s'",
			 VS_QUEUE_MAX, w->index);
		return -1;
	}
	o->has_index = w->index;
	if (o->mode && !d->takes_decode) {
		snprintf(msg, len,
			 "--decode and --raw-and-decoded are for x-query-virtio-status");
		return -1;
	}
	if (o->names && !d->takes_names) {
		snprintf(msg, len,
			 "--names is for x-query-virtio and x-query-virtio-status");
		return -1;
	}
	if (w->have_path && !o->path[0]) {
		snprintf(msg, len, "--path is empty");
		return -1;
	}
	return 0;
}

/* Each option and operand of the shared command line, as it comes. */
static int vs_cmd_set(void *ctx, const struct vs_opt *opt, const char *value,
		      char *msg, size_t len)
{
	struct vs_cmd_words *w = ctx;
	struct vs_cmd_opts *o = w->o;

	if (!opt) {
		if (!w->cmd) {
			w->cmd = value;
			w->def = vs_cmd_def_find(value);
		} else if (w->def && w->def->takes_device && !w->device) {
			w->device = value;
		} else {
			snprintf(msg, len, "unexpected argument '%s'", value);
			return -1;
		}
		return 0;
	}
	switch (opt->id) {
	case VS_CMD_OPT_PRETTY:
		o->pretty = true;
		break;
	case VS_CMD_OPT_JSON:
		o->json = true;
		break;
	case VS_CMD_OPT_VERSION:
		o->version = true;
		break;
	case VS_CMD_OPT_QMP:
		o->qmp = true;
		break;
	case VS_CMD_OPT_DECODE:
		if (o->mode < VS_JSON_DECODED)
			o->mode = VS_JSON_DECODED;
		break;
	case VS_CMD_OPT_RAW_AND_DECODED:
		o->mode = VS_JSON_RAW_AND_DECODED;
		break;
	case VS_CMD_OPT_NAMES:
		o->names = true;
		break;
	case VS_CMD_OPT_PATH:
		o->path = value;
		w->have_path = true;
		break;
	case VS_CMD_OPT_QUEUE:
		w->queue = value;
		break;
	case VS_CMD_OPT_INDEX:
		w->index = value;
		break;
	}
	return 0;
}

static const struct vs_args_spec vs_cmd_spec = {
	.name = "virtio-status",
	.opts = vs_cmd_opts_shared,
	.set = vs_cmd_set,
};

/* -V alone: no command, no other option that asks something. */
static int vs_cmd_check_version(const struct vs_cmd_words *w,
				struct vs_cmd_opts *o, char *msg, size_t len)
{
	if (w->cmd || o->qmp || w->have_path || w->queue || w->index ||
	    o->mode || o->names || o->json || o->pretty) {
		snprintf(msg, len, "--version takes no command and no other option");
		return -1;
	}
	return 0;
}

int vs_cmd_parse_args(int argc, char **argv, struct vs_cmd_opts *o,
		      char *msg, size_t len)
{
	struct vs_cmd_words w = { .o = o };
	const struct vs_cmd_def *d;
	int ret;

	memset(o, 0, sizeof(*o));
	ret = vs_args_parse(&vs_cmd_spec, argc, argv, &w, msg, len);
	if (ret < 0)
		return -1;
	if (ret == 1) {
		/* the help of the command named before -h, if any */
		o->help = true;
		o->def = w.def && w.def->run ? w.def : NULL;
		return 0;
	}
	if (o->version)
		return vs_cmd_check_version(&w, o, msg, len);
	if (o->qmp)
		return vs_cmd_check_qmp(&w, o, msg, len);
	d = w.cmd ? w.def : vs_cmd_def_find("show");
	if (!d || !d->run) {
		snprintf(msg, len, "unknown command '%s'", w.cmd);
		return -1;
	}
	o->def = d;
	if (d->takes_device)
		return vs_cmd_check_device(&w, o, msg, len);
	if (d->run == vs_cmd_query_run) {
		o->cmd = vs_qmp_cmd_find(d->name, false);
		if (!o->cmd) {
			snprintf(msg, len, "unknown command '%s'", d->name);
			return -1;
		}
	}
	return vs_cmd_check(&w, o, msg, len);
}

/*
 * The word of argv that names the command: the first operand, the
 * values of the shared options skipped. 0 when there is none.
 */
static int vs_cmd_word(int argc, char **argv)
{
	const struct vs_opt *opt;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? i + 1 : 0;
		if (argv[i][0] != '-' || !argv[i][1])
			return i;
		if (argv[i][1] != '-' || strchr(argv[i], '='))
			continue;
		for (opt = vs_cmd_opts_shared; opt->name; opt++)
			if (opt->value && !strcmp(argv[i] + 2, opt->name))
				i++;
	}
	return 0;
}

/*
 * A command with options of its own, named at argv[@at]: its argv is its
 * name, then the words before it, then those after it.
 */
static int vs_cmd_run_main(const struct vs_cmd_def *d, int argc, char **argv,
			   int at, const struct vs_backend *be, FILE *out,
			   FILE *err)
{
	char **v = calloc((size_t)argc + 1, sizeof(*v));
	int n = 0, i, ret;

	if (!v) {
		fprintf(err, "out of memory\n");
		return VS_EXIT_ERROR;
	}
	v[n++] = (char *)d->name;
	for (i = 1; i < argc; i++)
		if (i != at)
			v[n++] = argv[i];
	ret = d->main(n, v, be, out, err);
	free(v);
	return ret;
}

int vs_cmd_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err)
{
	int at = vs_cmd_word(argc, argv);
	const struct vs_cmd_def *d = at ? vs_cmd_def_find(argv[at]) : NULL;
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;

	if (d && d->main)
		return vs_cmd_run_main(d, argc, argv, at, be, out, err);
	if (vs_cmd_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\nTry 'virtio-status --help' for more information.\n",
			msg);
		return VS_EXIT_USAGE;
	}
	if (o.help) {
		if (o.def)
			vs_cmd_usage_of(out, o.def);
		else
			vs_cmd_usage(out);
		return VS_EXIT_OK;
	}
	if (o.version)
		return vs_cmd_version(be, "/sys", out);
	return o.def->run(&o, be, in, out, err);
}
