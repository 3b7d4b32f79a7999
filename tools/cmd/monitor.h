/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status monitor: the module's events as QMP event lines, until
 * interrupted. README "Events" names every event.
 */
#ifndef VS_MONITOR_H
#define VS_MONITOR_H

#include <stdbool.h>
#include <stdio.h>

#include "dev.h"

struct vs_monitor_opts {
	bool help;
	bool pretty;		/* -p, --pretty: indented, several lines each */
	bool no_vhost;		/* --no-vhost */
	int rcvbuf;		/* --rcvbuf BYTES, 0: the default */
};

/* Largest --rcvbuf taken. */
#define VS_MONITOR_RCVBUF_MAX	(64 << 20)

/*
 * Parse the monitor's arguments (@argv[0] is "monitor"). 0, or -1 with a
 * one-sentence reason in @msg.
 */
int vs_monitor_parse(int argc, char **argv, struct vs_monitor_opts *o,
		     char *msg, size_t len);

void vs_monitor_usage(FILE *f);

/*
 * virtio-status monitor: print each event on @out as one line (flushed),
 * until SIGINT or SIGTERM (exit status 0) or an error (a sentence on
 * @err, exit status 1). @be is not used: events need their own sockets.
 */
int vs_monitor_main(int argc, char **argv, const struct vs_backend *be,
		    FILE *out, FILE *err);

#endif /* VS_MONITOR_H */
