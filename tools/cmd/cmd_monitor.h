/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status monitor: the module's events as QMP event lines, until
 * interrupted. README "Events" names every event.
 */
#ifndef VS_CMD_MONITOR_H
#define VS_CMD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "dev.h"
#include "stall.h"

struct json_object;

struct vs_cmd_monitor_opts {
	bool help;
	bool pretty;		/* -p, --pretty: indented, several lines each */
	bool no_vhost;		/* --no-vhost */
	int rcvbuf;		/* --rcvbuf BYTES, 0: the default */
	int stall_after;	/* --stall-after SECONDS */
};

/* Largest --rcvbuf taken. */
#define VS_CMD_MONITOR_RCVBUF_MAX	(64 << 20)
/* --stall-after: the default, and the largest taken (a day) */
#define VS_CMD_MONITOR_STALL_AFTER	30
#define VS_CMD_MONITOR_STALL_MAX	86400

/*
 * Seconds between two health-get dumps for a --stall-after of
 * @stall_after: a third of it, at most 5, at least 1.
 */
int vs_cmd_monitor_interval(int stall_after);

/*
 * Watching for stalled queues: a health-get of @be every
 * vs_cmd_monitor_interval() seconds, its changes (model/stall.h) as
 * events. Times are CLOCK_MONOTONIC ms, passed in, so the tests need no
 * waiting; the first health-get is due at init's @now_ms.
 */
struct vs_cmd_monitor_health {
	const struct vs_backend *be;
	struct vs_stall stall;
	long long interval_ms;
	long long next_ms;	/* when the next health-get is due */
	bool failing;		/* the last one failed, and that was said */
	FILE *err;		/* where a failure is said */
};

void vs_cmd_monitor_health_init(struct vs_cmd_monitor_health *h,
				const struct vs_backend *be, int stall_after,
				bool no_vhost, FILE *err, long long now_ms);
void vs_cmd_monitor_health_free(struct vs_cmd_monitor_health *h);
/* ms until the next health-get is due (0: now), poll()'s timeout */
int vs_cmd_monitor_health_wait(const struct vs_cmd_monitor_health *h,
			       long long now_ms);
/*
 * The health-get, if due at @now_ms: @cb gets each event object (put
 * after it returns). A failure is said once on @h->err, until one
 * succeeds again. Nothing is asked while @module_gone: looking the family
 * up by name would load the module again.
 */
void vs_cmd_monitor_health_tick(struct vs_cmd_monitor_health *h,
				long long now_ms, bool module_gone,
				void (*cb)(struct json_object *event, void *arg),
				void *arg);

/*
 * Parse the monitor's arguments (@argv[0] is "monitor", or the program's
 * name). 0, or -1 with a one-sentence reason in @msg.
 */
int vs_cmd_monitor_parse(int argc, char **argv, struct vs_cmd_monitor_opts *o,
			 char *msg, size_t len);

#endif /* VS_CMD_MONITOR_H */
