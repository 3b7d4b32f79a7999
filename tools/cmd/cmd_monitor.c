// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status monitor: events.c's QMP events, one line each, flushed as
 * they come, so that a pipe reader sees each event when it happens.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include <json-c/json.h>

#include "cli.h"
#include "cmd_monitor.h"
#include "events.h"

static void vs_cmd_monitor_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [-p] [--no-vhost] [--rcvbuf BYTES]\n", prog);
	fputs("\n"
	      "Print the virtio_status module's events as QMP events, one JSON\n"
	      "object a line, until interrupted (SIGINT, SIGTERM):\n"
	      "  {\"event\": NAME, \"data\": {...},\n"
	      "   \"timestamp\": {\"seconds\": S, \"microseconds\": US}}\n"
	      "NAME is VIRTIO_DEVICE_ADDED, VIRTIO_DEVICE_REMOVED,\n"
	      "VIRTIO_DRIVER_BOUND, VIRTIO_DRIVER_UNBOUND, VHOST_DEVICE_ADDED,\n"
	      "VHOST_DEVICE_REMOVED, VIRTIO_EVENTS_LOST, VIRTIO_EVENTS_RESYNCED,\n"
	      "VIRTIO_STATUS_MODULE_UNLOADED or VIRTIO_STATUS_MODULE_LOADED (see\n"
	      "the README, \"Events\"). Lost events are reported, then the\n"
	      "difference against a fresh dump, marked \"resync\": true.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --pretty      indent each event over several lines\n"
	      "  --no-vhost        do not follow vhost devices (followed with\n"
	      "                    CAP_NET_ADMIN when the module supports them)\n"
	      "  --rcvbuf BYTES    receive buffer of the event socket (tests)\n"
	      "  -h, --help        print this help\n"
	      "Exit status: 0 when interrupted, 1 on any error.\n", f);
}

/* BYTES: decimal digits only, 1..VS_CMD_MONITOR_RCVBUF_MAX. */
static int vs_cmd_parse_bytes(const char *s, int *v)
{
	long n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > VS_CMD_MONITOR_RCVBUF_MAX)
			return -1;
	}
	if (!n)
		return -1;
	*v = (int)n;
	return 0;
}

enum {
	VS_CMD_MONITOR_NO_VHOST = 256,
	VS_CMD_MONITOR_RCVBUF,
};

static const struct option vs_cmd_monitor_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "pretty", no_argument, NULL, 'p' },
	{ "no-vhost", no_argument, NULL, VS_CMD_MONITOR_NO_VHOST },
	{ "rcvbuf", required_argument, NULL, VS_CMD_MONITOR_RCVBUF },
	{ NULL, 0, NULL, 0 }
};

int vs_cmd_monitor_parse(int argc, char **argv, struct vs_cmd_monitor_opts *o,
			 char *msg, size_t len)
{
	struct vs_cmd_getopt g;
	int c;

	memset(o, 0, sizeof(*o));
	msg[0] = '\0';
	vs_cmd_getopt_init(&g, argc, argv, "-:hp", vs_cmd_monitor_longopts);
	while ((c = vs_cmd_getopt(&g)) != -1) {
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case 'p':
			o->pretty = true;
			break;
		case VS_CMD_MONITOR_NO_VHOST:
			o->no_vhost = true;
			break;
		case VS_CMD_MONITOR_RCVBUF:
			if (vs_cmd_parse_bytes(g.arg, &o->rcvbuf) < 0) {
				snprintf(msg, len,
					 "--rcvbuf takes a size in bytes from 1 to %d, not '%s'",
					 VS_CMD_MONITOR_RCVBUF_MAX, g.arg);
				return -1;
			}
			break;
		case ':':
			snprintf(msg, len, "option --rcvbuf needs a size in bytes");
			return -1;
		case 1:
			snprintf(msg, len, "monitor takes no argument, not '%s'",
				 g.arg);
			return -1;
		default:
			snprintf(msg, len, "monitor: unknown option '%s'", g.word);
			return -1;
		}
	}
	return 0;
}

struct vs_cmd_monitor_out {
	FILE *f;
	bool pretty;
	bool failed;		/* a write failed: stop */
};

static void vs_cmd_monitor_print(struct json_object *event, void *arg)
{
	struct vs_cmd_monitor_out *mo = arg;
	char *text;

	if (mo->failed)
		return;
	text = vs_json_text(event, mo->pretty);
	if (!text || fprintf(mo->f, "%s\n", text) < 0 || fflush(mo->f))
		mo->failed = true;
	free(text);
}

int vs_cmd_monitor_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old_int, old_term;
	struct vs_cmd_monitor_out mo = { .f = out };
	struct signalfd_siginfo si;
	struct vs_events_opts eo = { 0 };
	char sentence[2 * VS_MSG_MAX], prog[128];
	struct vs_cmd_monitor_opts o;
	struct pollfd pfd[2];
	struct vs_events *ev;
	sigset_t set, old;
	const char *why;
	struct vs_err e;
	int status = 1;

	(void)be;
	vs_cmd_prog(argc ? argv[0] : NULL, "monitor", prog, sizeof(prog));
	if (vs_cmd_monitor_parse(argc, argv, &o, sentence, sizeof(sentence)) < 0) {
		fprintf(err, "%s\nTry '%s --help' for more information.\n",
			sentence, prog);
		return 1;
	}
	if (o.help) {
		vs_cmd_monitor_usage(out, prog);
		return 0;
	}
	mo.pretty = o.pretty;
	eo.rcvbuf = o.rcvbuf;
	eo.no_vhost = o.no_vhost;

	vs_err_clear(&e);
	if (vs_events_open_opts(&ev, &eo, &e) < 0) {
		vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
		fprintf(err, "%s\n", sentence);
		return 1;
	}
	if (vs_events_vhost(ev, &why))
		fprintf(err, "virtio-status: monitoring virtio and vhost devices\n");
	else
		fprintf(err, "virtio-status: monitoring virtio devices; %s: %s\n",
			"vhost devices are not followed", why);
	fflush(err);

	/*
	 * SIGINT and SIGTERM end the loop, through a descriptor of their own;
	 * a shell starts background jobs with SIGINT ignored, which would
	 * drop it before it is queued. Blocked first: one that comes between
	 * the two calls waits for the descriptor instead of killing us.
	 */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigprocmask(SIG_BLOCK, &set, &old);
	sigaction(SIGINT, &dfl, &old_int);
	sigaction(SIGTERM, &dfl, &old_term);
	pfd[1].fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (pfd[1].fd < 0) {
		fprintf(err, "cannot wait for signals: %s\n", strerror(errno));
		goto close;
	}
	pfd[1].events = POLLIN;
	pfd[0].fd = vs_events_fd(ev);
	pfd[0].events = POLLIN;
	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(err, "cannot wait for events: %s\n", strerror(errno));
			goto close;
		}
		if (pfd[1].revents) {
			/* taken, so that unblocking it again delivers nothing */
			if (read(pfd[1].fd, &si, sizeof(si)) != sizeof(si))
				continue;
			break;
		}
		if (vs_events_read(ev, vs_cmd_monitor_print, &mo, &e) < 0) {
			vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
			fprintf(err, "monitor stopped: %s\n", sentence);
			goto close;
		}
		if (mo.failed) {
			fprintf(err, "monitor stopped: cannot write an event\n");
			goto close;
		}
	}
	status = 0;
close:
	if (pfd[1].fd >= 0)
		close(pfd[1].fd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	vs_events_close(ev);
	return status;
}
