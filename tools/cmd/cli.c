// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: argv -> a row of vs_cmd_defs[] -> its entry point.
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/*
 * Every command, in the order the usage lists them. A command with its
 * own options (main) is taken as the first word only; the others share
 * the options of vs_cmd_parse_args(), anywhere on the line.
 */
static const struct vs_cmd_def vs_cmd_defs[] = {
	{ .name = "show",
	  .takes_device = true,
	  .run = vs_cmd_show_run,
	  .synopsis = "[show [DEVICE]]",
	  .help = "a table of the devices (the default), or one DEVICE" },
	{ .name = "x-query-virtio",
	  .takes_names = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio [--names]",
	  .help = "the devices: [{\"path\", \"name\"}]" },
	{ .name = "x-query-virtio-status",
	  .needs_path = true, .takes_decode = true, .takes_names = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-status --path DEVICE\n"
		      "[--decode | --raw-and-decoded] [--names]",
	  .help = "the VirtioStatus of one device" },
	{ .name = "x-query-virtio-queue-status",
	  .needs_path = true, .needs_queue = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-queue-status --path DEVICE\n"
		      "--queue N",
	  .help = "the VirtQueueStatus of queue N of a device" },
	{ .name = "x-query-virtio-vhost-queue-status",
	  .needs_path = true, .needs_queue = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-vhost-queue-status\n"
		      "--path DEVICE --queue N",
	  .help = "the VirtVhostQueueStatus of queue N of a vhost device" },
	{ .name = "x-query-virtio-queue-element",
	  .needs_path = true, .needs_queue = true, .takes_index = true,
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] x-query-virtio-queue-element --path DEVICE\n"
		      "--queue N [--index I]",
	  .help = "the VirtioQueueElement of queue N of a guest device" },
	{ .name = "info",
	  .run = vs_cmd_query_run,
	  .synopsis = "[-p] info",
	  .help = "the module's state (QMP: x-virtio-status-info)" },
	{ .name = "--qmp",
	  .run = vs_cmd_qmp_run,
	  .synopsis = "[-p] --qmp",
	  .help = "answer QMP commands read from standard input" },
	{ .name = "monitor",
	  .main = vs_cmd_monitor_main,
	  .synopsis = "monitor [OPTIONS]",
	  .help = "print device events as QMP event lines (monitor --help)" },
	{ .name = "metrics",
	  .main = vs_cmd_metrics_main,
	  .synopsis = "metrics [--collect.features] [--output FILE]",
	  .help = "the devices in Prometheus' text format (metrics --help)" },
	{ .name = "exporter",
	  .main = vs_cmd_exporter_main,
	  .synopsis = "exporter [--listen ADDR:PORT] [--collect.features]",
	  .help = "serve them over HTTP for Prometheus (exporter --help)" },
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

void vs_cmd_usage(FILE *f)
{
	const struct vs_cmd_def *d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmd_defs); i++) {
		fputs(i ? "       " : "Usage: ", f);
		vs_cmd_usage_synopsis(f, vs_cmd_defs[i].synopsis);
	}
	fputs("       virtio-status -h\n"
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
	      "show and show DEVICE are for a person, not a stable format: a\n"
	      "device's facts and its features by name, negotiated and offered.\n"
	      "\n"
	      "x-query-virtio-queue-status: a guest device's ring as its driver\n"
	      "sees it, or a vhost device's virtqueue. Not visible to a guest,\n"
	      "answered 0 / false: vring-num-default, vring-align,\n"
	      "signalled-used(-valid); last-avail-idx is left out; inuse is\n"
	      "descriptors the driver has out; used-idx of a packed ring is 0.\n"
	      "vhost: inuse is last-avail-idx - used-idx (mod 65536),\n"
	      "vring-num-default, vring-align and signalled-used(-valid) are\n"
	      "0 / false, addresses are the owner's.\n"
	      "\n"
	      "x-query-virtio-vhost-queue-status: kick/call fds (-1: none), the\n"
	      "owner's addresses, guest physical ones (0: outside the memory\n"
	      "table) and the split ring sizes for num (+2 with EVENT_IDX). When\n"
	      "the owner acked VIRTIO_F_ACCESS_PLATFORM (vIOMMU, vhost-vdpa) both\n"
	      "are the rings' I/O virtual addresses, and \"addresses-are-iova\":\n"
	      "true ends the answer (not over --qmp).\n"
	      "\n"
	      "x-query-virtio-queue-element: for a split ring, the descriptor\n"
	      "chain avail ring entry I points to (default: the last one the\n"
	      "driver made available), as the ring holds it; an indirect\n"
	      "descriptor is shown, not followed. Descriptor flags are QEMU's\n"
	      "names (next, write, indirect, avail, used), highest bit first;\n"
	      "other bits are listed as \"unknown-0xNNNN\" (QEMU drops them).\n"
	      "Packed rings and vhost devices are not supported.\n"
	      "\n"
	      "info: whether the module can report vhost devices (and why not),\n"
	      "its mode (full, or list-only and why), the kernel interfaces it\n"
	      "was built for, and the feature bits the kernel keeps (64 or 128).\n"
	      "\n"
	      "Options:\n"
	      "  --path DEVICE  a sysfs path (/sys/bus/virtio/devices/virtio0), a\n"
	      "                 virtio bus id (virtio0), or for a vhost device\n"
	      "                 /proc/PID/fd/FD of a process holding it (as\n"
	      "                 x-query-virtio lists it; taken as written)\n"
	      "  --queue N      the queue index, 0 to 65535 (QMP: argument \"queue\")\n"
	      "  --index I      x-query-virtio-queue-element: the avail ring index,\n"
	      "                 0 to 65535, taken modulo the ring size (QMP: optional\n"
	      "                 argument \"index\")\n"
	      "  --decode       x-query-virtio-status: features, status and protocol\n"
	      "                 features decoded as QEMU 7.2 and later answer:\n"
	      "                 {\"transports\": [...], \"dev-features\": [...],\n"
	      "                 \"unknown-dev-features\": N (bits 0-63),\n"
	      "                 \"unknown-dev-features2\": N (bits 64-127)},\n"
	      "                 {\"statuses\": [...]}, {\"protocols\": [...]}, each\n"
	      "                 \"SYMBOL: description\" (QMP: argument \"decode\": true)\n"
	      "  --raw-and-decoded\n"
	      "                 as --decode, and each decoded object also carries\n"
	      "                 \"raw\" (bits 0-63), \"raw-hex\" (\"0x%016llx\", exact\n"
	      "                 where JSON numbers are doubles), \"raw-full\" (all\n"
	      "                 128 bits in hex, when a bit above 63 is set) and\n"
	      "                 \"symbols\" (the bare symbols, in the order of the\n"
	      "                 strings): an extension of ours, QEMU has no such\n"
	      "                 members (QMP: argument \"raw-and-decoded\": true)\n"
	      "  --names        x-query-virtio and x-query-virtio-status: add our\n"
	      "                 member \"names\" to each device: {\"device\" (the\n"
	      "                 guest's eth0, vda...), \"virtio\" (virtioN), \"tap\",\n"
	      "                 \"cid\", \"vm\", \"uuid\" (a vhost device's VM)}, the\n"
	      "                 names known; not over --qmp, whose answers are\n"
	      "                 QEMU's shape (show always prints them)\n"
	      "  --qmp          read QMP commands from standard input, one JSON object\n"
	      "                 a line, and answer each on standard output\n"
	      "  -p, --pretty   indent the JSON\n"
	      "  -h, --help     print this help\n"
	      "\n"
	      "host-features (the features a device offers) needs CAP_NET_ADMIN, and\n"
	      "vhost devices are listed only to CAP_NET_ADMIN callers. For a vhost\n"
	      "device, host-features is asked from its driver: virtio-status opens\n"
	      "/dev/vhost-net (-vsock, -scsi) once per run, which briefly creates and\n"
	      "destroys an unused vhost device. vhost-vdpa devices cannot be asked.\n"
	      "Queue sizes and indexes are for everyone (a vhost device's, and queue\n"
	      "elements, for CAP_NET_ADMIN); ring and descriptor addresses only for\n"
	      "CAP_SYS_ADMIN. Without it the queue commands leave the address members\n"
	      "out and end with \"addresses-hidden\", the kernel's reason; over --qmp,\n"
	      "whose schema requires them, the answer is an error instead.\n"
	      "Exit status: 0 on success, 1 on any error.\n", f);
}

void vs_cmd_getopt_init(struct vs_cmd_getopt *g, int argc, char **argv,
			const char *shortopts, const struct option *longopts)
{
	memset(g, 0, sizeof(*g));
	g->argc = argc;
	g->argv = argv;
	g->shortopts = shortopts;
	g->longopts = longopts;
	/* 0, not 1: getopt starts afresh, forgetting a half-read "-ph" */
	optind = 0;
	opterr = 0;
}

int vs_cmd_getopt(struct vs_cmd_getopt *g)
{
	/* the word getopt reads next, or reads on in ("-ph") */
	int at = optind ? optind : 1, c, i;
	const char *name;
	size_t len;

	c = getopt_long(g->argc, g->argv, g->shortopts, g->longopts, NULL);
	g->arg = optarg;
	g->opt = optopt;
	if (c == -1) {
		/* getopt's end of the options; to us an option we do not know */
		if (at < g->argc && optind == at + 1 && !strcmp(g->argv[at], "--")) {
			g->word = g->argv[at];
			return '?';
		}
		return -1;
	}
	g->word = g->argv[at];
	if (c == 1)
		return 1;
	/* one short option a word: "-ph" is not "-p -h" */
	if (g->word[1] != '-')
		return g->word[2] ? '?' : c;
	/* getopt takes "--pa" for "--path": we take the whole name only */
	name = g->word + 2;
	len = strcspn(name, "=");
	for (i = 0; g->longopts[i].name; i++)
		if (strlen(g->longopts[i].name) == len &&
		    !strncmp(g->longopts[i].name, name, len))
			return c;
	return '?';
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
	VS_CMD_OPT_QMP = 256,
	VS_CMD_OPT_DECODE,
	VS_CMD_OPT_RAW_AND_DECODED,
	VS_CMD_OPT_PATH,
	VS_CMD_OPT_QUEUE,
	VS_CMD_OPT_INDEX,
	VS_CMD_OPT_NAMES,
};

static const struct option vs_cmd_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "qmp", no_argument, NULL, VS_CMD_OPT_QMP },
	{ "decode", no_argument, NULL, VS_CMD_OPT_DECODE },
	{ "raw-and-decoded", no_argument, NULL, VS_CMD_OPT_RAW_AND_DECODED },
	{ "path", required_argument, NULL, VS_CMD_OPT_PATH },
	{ "queue", required_argument, NULL, VS_CMD_OPT_QUEUE },
	{ "index", required_argument, NULL, VS_CMD_OPT_INDEX },
	{ "names", no_argument, NULL, VS_CMD_OPT_NAMES },
	{ NULL, 0, NULL, 0 }
};

/* The words of the command line, before they are checked against the row. */
struct vs_cmd_words {
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

/* The sentence for an option given without its value. */
static const char *vs_cmd_needs_value(int opt)
{
	switch (opt) {
	case VS_CMD_OPT_PATH:
		return "option --path needs a device";
	case VS_CMD_OPT_QUEUE:
		return "option --queue needs a queue index";
	default:
		return "option --index needs an avail ring index";
	}
}

int vs_cmd_parse_args(int argc, char **argv, struct vs_cmd_opts *o,
		      char *msg, size_t len)
{
	const struct vs_cmd_def *d = NULL;
	struct vs_cmd_words w = { 0 };
	struct vs_cmd_getopt g;
	int c;

	memset(o, 0, sizeof(*o));
	msg[0] = '\0';
	vs_cmd_getopt_init(&g, argc, argv, "-:hp", vs_cmd_longopts);
	while ((c = vs_cmd_getopt(&g)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case 'p':
			o->pretty = true;
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
			o->path = g.arg;
			w.have_path = true;
			break;
		case VS_CMD_OPT_QUEUE:
			w.queue = g.arg;
			break;
		case VS_CMD_OPT_INDEX:
			w.index = g.arg;
			break;
		case 1:
			if (!w.cmd) {
				w.cmd = g.arg;
				d = vs_cmd_def_find(w.cmd);
			} else if (d && d->takes_device && !w.device) {
				w.device = g.arg;
			} else {
				snprintf(msg, len, "unexpected argument '%s'", g.arg);
				return -1;
			}
			break;
		case ':':
			snprintf(msg, len, "%s", vs_cmd_needs_value(g.opt));
			return -1;
		default:
			snprintf(msg, len, "unknown option '%s'", g.word);
			return -1;
		}
	}

	if (o->qmp)
		return vs_cmd_check_qmp(&w, o, msg, len);
	if (!w.cmd)
		d = vs_cmd_def_find("show");
	/* a command with options of its own is the first word or none */
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

int vs_cmd_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err)
{
	const struct vs_cmd_def *d = argc > 1 ? vs_cmd_def_find(argv[1]) : NULL;
	char msg[VS_MSG_MAX];
	struct vs_cmd_opts o;

	if (d && d->main)
		return d->main(argc - 1, argv + 1, be, out, err);
	if (vs_cmd_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\nTry 'virtio-status --help' for more information.\n",
			msg);
		return 1;
	}
	if (o.help) {
		vs_cmd_usage(out);
		return 0;
	}
	return o.def->run(&o, be, in, out, err);
}
