// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: argv -> the command table of qmp.c -> one answer.
 */
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "cli.h"
#include "show.h"
#include "monitor.h"
#include "metrics.h"
#include "exporter.h"
#include "serve.h"

void vs_usage(FILE *f)
{
	fputs("Usage: virtio-status [show [DEVICE]]\n"
	      "       virtio-status [-p] x-query-virtio\n"
	      "       virtio-status [-p] x-query-virtio-status --path DEVICE\n"
	      "                     [--decode | --raw-and-decoded]\n"
	      "       virtio-status [-p] x-query-virtio-queue-status --path DEVICE\n"
	      "                     --queue N\n"
	      "       virtio-status [-p] x-query-virtio-vhost-queue-status\n"
	      "                     --path DEVICE --queue N\n"
	      "       virtio-status [-p] x-query-virtio-queue-element --path DEVICE\n"
	      "                     --queue N [--index I]\n"
	      "       virtio-status [-p] info\n"
	      "       virtio-status [-p] --qmp\n"
	      "       virtio-status monitor [OPTIONS]\n"
	      "       virtio-status metrics [--output FILE]\n"
	      "       virtio-status exporter [--listen ADDR:PORT]\n"
	      "       virtio-status serve --socket PATH [OPTIONS]\n"
	      "       virtio-status -h\n"
	      "\n"
	      "Print the state of this machine's virtio devices, and of the vhost\n"
	      "devices its processes hold open, as the JSON that QEMU's QMP\n"
	      "commands of the same name answer.\n"
	      "\n"
	      "Commands:\n"
	      "  show                   (the default) a table of the devices, for a\n"
	      "                         person; not a stable format\n"
	      "  show DEVICE            one device: its facts and its features by\n"
	      "                         name, negotiated and offered\n"
	      "  x-query-virtio         the devices: [{\"path\", \"name\"}]\n"
	      "  x-query-virtio-status  the VirtioStatus of one device\n"
	      "  x-query-virtio-queue-status\n"
	      "                         the VirtQueueStatus of queue N of a device:\n"
	      "                         a guest device's ring as its driver sees it,\n"
	      "                         or a vhost device's virtqueue. Not visible\n"
	      "                         to a guest, answered 0 / false:\n"
	      "                         vring-num-default, vring-align,\n"
	      "                         signalled-used(-valid); last-avail-idx is\n"
	      "                         left out; inuse is descriptors the driver\n"
	      "                         has out; used-idx of a packed ring is 0.\n"
	      "                         vhost: inuse is last-avail-idx - used-idx\n"
	      "                         (mod 65536), vring-num-default,\n"
	      "                         vring-align and signalled-used(-valid)\n"
	      "                         are 0 / false, addresses are the owner's\n"
	      "  x-query-virtio-vhost-queue-status\n"
	      "                         the VirtVhostQueueStatus of queue N of a\n"
	      "                         vhost device: kick/call fds (-1: none),\n"
	      "                         the owner's addresses, guest physical ones\n"
	      "                         (0: outside the memory table) and the split\n"
	      "                         ring sizes for num (+2 with EVENT_IDX). When\n"
	      "                         the owner acked VIRTIO_F_ACCESS_PLATFORM\n"
	      "                         (vIOMMU, vhost-vdpa) both are the rings' I/O\n"
	      "                         virtual addresses, and \"addresses-are-iova\":\n"
	      "                         true ends the answer (not over --qmp)\n"
	      "  x-query-virtio-queue-element\n"
	      "                         the VirtioQueueElement of queue N of a guest\n"
	      "                         device with a split ring: the descriptor\n"
	      "                         chain avail ring entry I points to (default:\n"
	      "                         the last one the driver made available), as\n"
	      "                         the ring holds it; an indirect descriptor is\n"
	      "                         shown, not followed. Descriptor flags are\n"
	      "                         QEMU's names (next, write, indirect, avail,\n"
	      "                         used), highest bit first; other bits are\n"
	      "                         listed as \"unknown-0xNNNN\" (QEMU drops\n"
	      "                         them). Packed rings and vhost devices are\n"
	      "                         not supported\n"
	      "  info                   the module's state: whether it can report\n"
	      "                         vhost devices (and why not), its mode\n"
	      "                         (full, or list-only and why), the kernel\n"
	      "                         interfaces it was built for, and the\n"
	      "                         feature bits the kernel keeps (64 or 128)\n"
	      "                         (QMP: x-virtio-status-info)\n"
	      "  monitor                print device events as QMP event lines, until\n"
	      "                         stopped (monitor --help)\n"
	      "  metrics                the devices in Prometheus' text format\n"
	      "                         (metrics --help)\n"
	      "  exporter               serve them over HTTP for Prometheus\n"
	      "                         (exporter --help)\n"
	      "  serve                  a QMP server on a Unix socket, with events\n"
	      "                         (serve --help)\n"
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

/* A queue or avail ring index: decimal digits only, 0..VS_QUEUE_MAX. */
static int vs_parse_queue(const char *s, u32 *queue)
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

int vs_parse_args(int argc, char **argv, struct vs_opts *o,
		  char *msg, size_t len)
{
	const char *qarg = NULL, *iarg = NULL;
	const char *cmd = NULL, *arg = NULL;
	bool have_path = false;
	const char *a;
	int i;

	memset(o, 0, sizeof(*o));
	msg[0] = '\0';
	for (i = 1; i < argc; i++) {
		a = argv[i];
		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			o->help = true;
			return 0;
		} else if (!strcmp(a, "-p") || !strcmp(a, "--pretty")) {
			o->pretty = true;
		} else if (!strcmp(a, "--qmp")) {
			o->qmp = true;
		} else if (!strcmp(a, "--decode")) {
			if (o->mode < VS_JSON_DECODED)
				o->mode = VS_JSON_DECODED;
		} else if (!strcmp(a, "--raw-and-decoded")) {
			o->mode = VS_JSON_RAW_AND_DECODED;
		} else if (!strcmp(a, "--path")) {
			if (i + 1 >= argc) {
				snprintf(msg, len, "option --path needs a device");
				return -1;
			}
			o->path = argv[++i];
			have_path = true;
		} else if (!strncmp(a, "--path=", 7)) {
			o->path = a + 7;
			have_path = true;
		} else if (!strcmp(a, "--queue")) {
			if (i + 1 >= argc) {
				snprintf(msg, len, "option --queue needs a queue index");
				return -1;
			}
			qarg = argv[++i];
		} else if (!strncmp(a, "--queue=", 8)) {
			qarg = a + 8;
		} else if (!strcmp(a, "--index")) {
			if (i + 1 >= argc) {
				snprintf(msg, len, "option --index needs an avail ring index");
				return -1;
			}
			iarg = argv[++i];
		} else if (!strncmp(a, "--index=", 8)) {
			iarg = a + 8;
		} else if (a[0] == '-' && a[1]) {
			snprintf(msg, len, "unknown option '%s'", a);
			return -1;
		} else if (!cmd) {
			cmd = a;
		} else if (!strcmp(cmd, "show") && !arg) {
			arg = a;
		} else {
			snprintf(msg, len, "unexpected argument '%s'", a);
			return -1;
		}
	}

	if (o->qmp) {
		if (cmd || have_path || o->mode || qarg || iarg) {
			snprintf(msg, len,
				 "--qmp reads its commands from standard input and takes no command, --path, --queue, --index or --decode");
			return -1;
		}
		return 0;
	}
	if (!cmd || !strcmp(cmd, "show")) {
		if (o->mode) {
			snprintf(msg, len,
				 "show prints text; --decode and --raw-and-decoded are for x-query-virtio-status");
			return -1;
		}
		if (qarg) {
			snprintf(msg, len,
				 "show takes no --queue; it is for the queue commands");
			return -1;
		}
		if (iarg) {
			snprintf(msg, len,
				 "show takes no --index; it is for x-query-virtio-queue-element");
			return -1;
		}
		if (arg && have_path) {
			snprintf(msg, len, "show takes one DEVICE");
			return -1;
		}
		o->show = true;
		o->path = arg ? arg : o->path;
		if (o->path && !o->path[0]) {
			snprintf(msg, len, "the device is empty");
			return -1;
		}
		return 0;
	}
	o->cmd = vs_cmd_find(cmd, false);
	if (!o->cmd) {
		snprintf(msg, len, "unknown command '%s'", cmd);
		return -1;
	}
	if (o->cmd->takes_path && !have_path) {
		snprintf(msg, len, "%s needs --path DEVICE", o->cmd->name);
		return -1;
	}
	if (!o->cmd->takes_path && have_path) {
		snprintf(msg, len, "%s takes no --path", o->cmd->name);
		return -1;
	}
	if (o->cmd->takes_queue && !qarg) {
		snprintf(msg, len, "%s needs --queue N", o->cmd->name);
		return -1;
	}
	if (!o->cmd->takes_queue && qarg) {
		snprintf(msg, len, "%s takes no --queue", o->cmd->name);
		return -1;
	}
	if (qarg && vs_parse_queue(qarg, &o->queue) < 0) {
		snprintf(msg, len,
			 "--queue takes a queue index from 0 to %d, not '%s'",
			 VS_QUEUE_MAX, qarg);
		return -1;
	}
	o->has_queue = qarg;
	if (!o->cmd->takes_index && iarg) {
		snprintf(msg, len, "%s takes no --index", o->cmd->name);
		return -1;
	}
	if (iarg && vs_parse_queue(iarg, &o->index) < 0) {
		snprintf(msg, len,
			 "--index takes an avail ring index from 0 to %d, not '%s'",
			 VS_QUEUE_MAX, iarg);
		return -1;
	}
	o->has_index = iarg;
	if (o->mode && !o->cmd->takes_decode) {
		snprintf(msg, len,
			 "--decode and --raw-and-decoded are for x-query-virtio-status");
		return -1;
	}
	if (have_path && !o->path[0]) {
		snprintf(msg, len, "--path is empty");
		return -1;
	}
	return 0;
}

/*
 * Tell a caller who should see vhost devices that the module leaves them
 * out, and why. Silent when the module cannot say (no
 * VIRTIO_STATUS_CMD_INFO, or any other failure: the answer itself stands).
 */
static void vs_warn_vhost_off(const struct vs_backend *be, FILE *err)
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

int vs_cli_run(const struct vs_opts *o, const struct vs_backend *be,
	       FILE *in, FILE *out, FILE *err)
{
	struct vs_call c = {
		.path = o->path,
		.mode = o->mode,
		.has_queue = o->has_queue,
		.queue = o->queue,
		.has_index = o->has_index,
		.index = o->index,
	};
	char sentence[2 * VS_MSG_MAX];
	struct json_object *ret, *rsp;
	struct vs_err e;
	char *text;
	int status;

	if (o->qmp) {
		if (vs_qmp_loop(be, in, out, o->pretty) < 0) {
			fprintf(err, "--qmp stopped: cannot read a command or write an answer\n");
			return 1;
		}
		return 0;
	}

	if (o->show) {
		if (o->path)
			status = vs_show_dev(be, o->path, out, err);
		else
			status = vs_show_list(be, out, err);
		if (fflush(out)) {
			fprintf(err, "cannot write the answer\n");
			return 1;
		}
		if (!o->path && !status)
			vs_warn_vhost_off(be, err);
		return status;
	}

	vs_err_clear(&e);
	ret = o->cmd->run(be, &c, &e);
	if (!ret) {
		vs_err_sentence(&e, o->path, sentence, sizeof(sentence));
		fprintf(err, "%s\n", sentence);
		return 1;
	}
	rsp = vs_qmp_return(ret);
	text = rsp ? vs_json_text(rsp, o->pretty) : NULL;
	json_object_put(rsp);
	if (!text) {
		fprintf(err, "out of memory\n");
		return 1;
	}
	fprintf(out, "%s\n", text);
	free(text);
	if (fflush(out)) {
		fprintf(err, "cannot write the answer\n");
		return 1;
	}
	if (o->cmd->warn_vhost_off)
		vs_warn_vhost_off(be, err);
	return 0;
}

/*
 * Commands that run on (a monitor, an exporter, a server) or write their
 * own format: each parses its own arguments, argv[0] being its name.
 */
static const struct vs_subcmd {
	const char *name;
	int (*main)(int argc, char **argv, const struct vs_backend *be,
		    FILE *out, FILE *err);
} vs_subcmds[] = {
	/* one line each: { "NAME", vs_NAME_main }, */
	{ "monitor", vs_monitor_main },
	{ "metrics", vs_metrics_main },
	{ "exporter", vs_exporter_main },
	{ "serve", vs_serve_main },
	{ NULL, NULL }
};

int vs_cli_main(int argc, char **argv, const struct vs_backend *be,
		FILE *in, FILE *out, FILE *err)
{
	const struct vs_subcmd *sc;
	char msg[VS_MSG_MAX];
	struct vs_opts o;

	for (sc = vs_subcmds; argc > 1 && sc->name; sc++)
		if (!strcmp(argv[1], sc->name))
			return sc->main(argc - 1, argv + 1, be, out, err);
	if (vs_parse_args(argc, argv, &o, msg, sizeof(msg)) < 0) {
		fprintf(err, "%s\nTry 'virtio-status --help' for more information.\n",
			msg);
		return 1;
	}
	if (o.help) {
		vs_usage(out);
		return 0;
	}
	return vs_cli_run(&o, be, in, out, err);
}
