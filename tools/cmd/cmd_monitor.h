/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status monitor: the module's events as QMP event lines, until
 * interrupted. README "Events" names every event.
 */
#ifndef VS_CMD_MONITOR_H
#define VS_CMD_MONITOR_H

#include <stdbool.h>
#include <stddef.h>

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
 * Parse the monitor's arguments (@argv[0] is "monitor", or the program's
 * name). 0, or -1 with a one-sentence reason in @msg.
 */
int vs_cmd_monitor_parse(int argc, char **argv, struct vs_cmd_monitor_opts *o,
			 char *msg, size_t len);

#endif /* VS_CMD_MONITOR_H */
