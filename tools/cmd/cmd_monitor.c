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
#include <time.h>
#include <unistd.h>
#include <sys/signalfd.h>

#include <json-c/json.h>

#include "cli.h"
#include "cmd_monitor.h"
#include "events.h"
#include "stall.h"

static void vs_cmd_monitor_usage(FILE *f, const char *prog)
{
	fprintf(f, "Usage: %s [-p] [--no-vhost] [--rcvbuf BYTES]\n"
		"       %*s [--stall-after SECONDS]\n", prog, (int)strlen(prog), "");
	fputs("\n"
	      "Print the virtio_status module's events as QMP events, one JSON\n"
	      "object a line, until interrupted (SIGINT, SIGTERM):\n"
	      "  {\"event\": NAME, \"data\": {...},\n"
	      "   \"timestamp\": {\"seconds\": S, \"microseconds\": US}}\n"
	      "NAME is VIRTIO_DEVICE_ADDED, VIRTIO_DEVICE_REMOVED,\n"
	      "VIRTIO_DRIVER_BOUND, VIRTIO_DRIVER_UNBOUND, VHOST_DEVICE_ADDED,\n"
	      "VHOST_DEVICE_REMOVED, VIRTIO_EVENTS_LOST, VIRTIO_EVENTS_RESYNCED,\n"
	      "VIRTIO_STATUS_MODULE_UNLOADED, VIRTIO_STATUS_MODULE_LOADED,\n"
	      "VIRTIO_QUEUE_STALLED or VIRTIO_QUEUE_RECOVERED (see the README,\n"
	      "\"Events\"). Lost events are reported, then the difference\n"
	      "against a fresh dump, marked \"resync\": true.\n"
	      "\n"
	      "Every min(SECONDS / 3, 5) seconds (at least 1) it reads every\n"
	      "queue's progress (health-get). A queue that carries requests\n"
	      "(transmit, block requests, control; not receive or event queues)\n"
	      "with buffers in flight and a used idx that has not moved for\n"
	      "SECONDS or more gives VIRTIO_QUEUE_STALLED {\"path\", \"queue\",\n"
	      "\"in-flight\", \"seconds\"}, once; when it moves again, or nothing\n"
	      "is in flight, VIRTIO_QUEUE_RECOVERED {\"path\", \"queue\",\n"
	      "\"seconds\": how long it stood still as last seen}. If that read\n"
	      "fails (list-only mode, an old module), it says so once and tries\n"
	      "again at the next tick; events go on. While the module is\n"
	      "unloaded it does not ask (asking would load it again).\n"
	      "\n"
	      "Options:\n"
	      "  -p, --pretty      indent each event over several lines\n"
	      "  --no-vhost        do not follow vhost devices nor watch their\n"
	      "                    queues (followed with CAP_NET_ADMIN when the\n"
	      "                    module supports them)\n"
	      "  --rcvbuf BYTES    receive buffer of the event socket (tests)\n"
	      "  --stall-after SECONDS\n"
	      "                    a request queue stalls after SECONDS without\n"
	      "                    progress (1 to 86400; default 30)\n"
	      "  -h, --help        print this help\n"
	      "\n"
	      "Exit status: 0 when interrupted, 1 on an error, 2 on a usage error,\n"
	      "3 when the virtio_status module is not loaded and cannot be.\n", f);
}

int vs_cmd_monitor_interval(int stall_after)
{
	int s = stall_after / 3;

	if (s > 5)
		s = 5;
	return s < 1 ? 1 : s;
}

enum {
	VS_CMD_MONITOR_PRETTY,
	VS_CMD_MONITOR_NO_VHOST,
	VS_CMD_MONITOR_RCVBUF,
	VS_CMD_MONITOR_STALL_AFTER_OPT,
};

static const struct vs_opt vs_cmd_monitor_opts[] = {
	{ "pretty", 'p', NULL, VS_CMD_MONITOR_PRETTY },
	{ "no-vhost", 0, NULL, VS_CMD_MONITOR_NO_VHOST },
	{ "rcvbuf", 0, "a size in bytes", VS_CMD_MONITOR_RCVBUF },
	{ "stall-after", 0, "a number of seconds",
	  VS_CMD_MONITOR_STALL_AFTER_OPT },
	{ NULL, 0, NULL, 0 }
};

static int vs_cmd_monitor_set(void *ctx, const struct vs_opt *opt,
			      const char *value, char *msg, size_t len)
{
	struct vs_cmd_monitor_opts *o = ctx;

	if (!opt)
		return vs_args_no_operand("monitor", value, msg, len);
	switch (opt->id) {
	case VS_CMD_MONITOR_PRETTY:
		o->pretty = true;
		break;
	case VS_CMD_MONITOR_NO_VHOST:
		o->no_vhost = true;
		break;
	case VS_CMD_MONITOR_RCVBUF:
		if (vs_args_count(value, VS_CMD_MONITOR_RCVBUF_MAX, &o->rcvbuf) < 0) {
			snprintf(msg, len,
				 "--rcvbuf takes a size in bytes from 1 to %d, not '%s'",
				 VS_CMD_MONITOR_RCVBUF_MAX, value);
			return -1;
		}
		break;
	case VS_CMD_MONITOR_STALL_AFTER_OPT:
		if (vs_args_count(value, VS_CMD_MONITOR_STALL_MAX,
				  &o->stall_after) < 0) {
			snprintf(msg, len,
				 "--stall-after takes a number of seconds from 1 to %d, not '%s'",
				 VS_CMD_MONITOR_STALL_MAX, value);
			return -1;
		}
		break;
	}
	return 0;
}

static const struct vs_args_spec vs_cmd_monitor_spec = {
	.name = "monitor",
	.opts = vs_cmd_monitor_opts,
	.set = vs_cmd_monitor_set,
};

int vs_cmd_monitor_parse(int argc, char **argv, struct vs_cmd_monitor_opts *o,
			 char *msg, size_t len)
{
	int ret;

	memset(o, 0, sizeof(*o));
	o->stall_after = VS_CMD_MONITOR_STALL_AFTER;
	ret = vs_args_parse(&vs_cmd_monitor_spec, argc, argv, o, msg, len);
	o->help = ret == 1;
	return ret < 0 ? -1 : 0;
}

struct vs_cmd_monitor_out {
	FILE *f;
	bool pretty;
	bool failed;		/* a write failed: stop */
	bool module_gone;	/* since VIRTIO_STATUS_MODULE_UNLOADED */
};

static void vs_cmd_monitor_print(struct json_object *event, void *arg)
{
	struct vs_cmd_monitor_out *mo = arg;
	struct json_object *name;
	char *text;

	if (json_object_object_get_ex(event, "event", &name)) {
		if (!strcmp(json_object_get_string(name), VS_EV_MODULE_UNLOADED))
			mo->module_gone = true;
		else if (!strcmp(json_object_get_string(name),
				 VS_EV_MODULE_LOADED))
			mo->module_gone = false;
	}
	if (mo->failed)
		return;
	text = vs_json_text(event, mo->pretty);
	if (!text || fprintf(mo->f, "%s\n", text) < 0 || fflush(mo->f))
		mo->failed = true;
	free(text);
}

static long long vs_cmd_monitor_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void vs_cmd_monitor_health_init(struct vs_cmd_monitor_health *h,
				const struct vs_backend *be, int stall_after,
				bool no_vhost, FILE *err, long long now_ms)
{
	memset(h, 0, sizeof(*h));
	h->be = be;
	h->err = err;
	vs_stall_init(&h->stall, (u64)stall_after * 1000000000ULL, no_vhost);
	h->interval_ms = 1000LL * vs_cmd_monitor_interval(stall_after);
	h->next_ms = now_ms;
}

void vs_cmd_monitor_health_free(struct vs_cmd_monitor_health *h)
{
	vs_stall_free(&h->stall);
}

int vs_cmd_monitor_health_wait(const struct vs_cmd_monitor_health *h,
			       long long now_ms)
{
	return now_ms < h->next_ms ? (int)(h->next_ms - now_ms) : 0;
}

/* vs_stall_update()'s callback: the event, to the tick's callback */
struct vs_cmd_monitor_emit {
	void (*cb)(struct json_object *event, void *arg);
	void *arg;
};

static void vs_cmd_monitor_stall_ev(const struct vs_stall_ev *ev, void *arg)
{
	struct vs_cmd_monitor_emit *em = arg;

	vs_json_ev_emit(vs_stall_ev_json(ev), em->cb, em->arg);
}

void vs_cmd_monitor_health_tick(struct vs_cmd_monitor_health *h,
				long long now_ms, bool module_gone,
				void (*cb)(struct json_object *event, void *arg),
				void *arg)
{
	struct vs_cmd_monitor_emit em = { .cb = cb, .arg = arg };
	struct vs_health_list l = { 0 };
	char sentence[2 * VS_MSG_MAX];
	struct vs_err e;

	if (now_ms < h->next_ms)
		return;
	h->next_ms = now_ms + h->interval_ms;
	if (module_gone)
		return;
	vs_err_clear(&e);
	if (h->be->ops->health_dump(h->be->ctx, &l, &e) < 0) {
		if (!h->failing) {
			vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
			fprintf(h->err,
				"virtio-status: stalled queues are not watched for now (%s); trying again every %lld s\n",
				sentence, h->interval_ms / 1000);
			fflush(h->err);
		}
		h->failing = true;
	} else {
		h->failing = false;
		if (vs_stall_update(&h->stall, &l, vs_events_now(),
				    vs_cmd_monitor_stall_ev, &em) < 0) {
			fprintf(h->err,
				"virtio-status: out of memory watching for stalled queues\n");
			fflush(h->err);
		}
	}
	vs_health_list_free(&l);
}

int vs_cmd_monitor_main(int argc, char **argv, const struct vs_backend *be,
			FILE *out, FILE *err)
{
	struct vs_cmd_monitor_health health;
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
	int status = 1, n;

	vs_cmd_prog(argc ? argv[0] : NULL, "monitor", prog, sizeof(prog));
	if (vs_cmd_monitor_parse(argc, argv, &o, sentence, sizeof(sentence)) < 0) {
		fprintf(err, "%s\nTry '%s --help' for more information.\n",
			sentence, prog);
		return VS_EXIT_USAGE;
	}
	if (o.help) {
		vs_cmd_monitor_usage(out, prog);
		return 0;
	}
	mo.pretty = o.pretty;
	eo.rcvbuf = o.rcvbuf;
	eo.no_vhost = o.no_vhost;
	vs_cmd_monitor_health_init(&health, be, o.stall_after, o.no_vhost, err,
				   vs_cmd_monitor_ms());

	vs_err_clear(&e);
	if (vs_events_open_opts(&ev, &eo, &e) < 0) {
		vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
		fprintf(err, "%s\n", sentence);
		vs_cmd_monitor_health_free(&health);
		return vs_cmd_status(&e);
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
	health.next_ms = vs_cmd_monitor_ms();
	for (;;) {
		/* events, until the next health-get is due */
		n = poll(pfd, 2, vs_cmd_monitor_health_wait(&health,
							    vs_cmd_monitor_ms()));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			fprintf(err, "cannot wait for events: %s\n", strerror(errno));
			goto close;
		}
		if (n && pfd[1].revents) {
			/* taken, so that unblocking it again delivers nothing */
			if (read(pfd[1].fd, &si, sizeof(si)) != sizeof(si))
				continue;
			break;
		}
		/* events first: the module's unload stops the health-get */
		if (n && vs_events_read(ev, vs_cmd_monitor_print, &mo, &e) < 0) {
			vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
			fprintf(err, "monitor stopped: %s\n", sentence);
			goto close;
		}
		if (!mo.failed)
			vs_cmd_monitor_health_tick(&health, vs_cmd_monitor_ms(),
						   mo.module_gone,
						   vs_cmd_monitor_print, &mo);
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
	vs_cmd_monitor_health_free(&health);
	return status;
}
