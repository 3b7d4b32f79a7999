/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the module's event stream as QMP events.
 *
 * A subscriber to the "events" multicast group of the virtio_status family
 * (and to nlctrl's "notify" group, to follow the module being unloaded and
 * loaded again), on the sockets of lib/nl.c. Each event is handed out as
 * the QMP event object of event_json.h. Overruns, gaps in the kernel's
 * sequence numbers and module reloads are handled here: they are reported
 * as events of their own, followed by a resynchronisation against a fresh
 * dump (track.h). See README, "Events".
 */
#ifndef VS_EVENTS_H
#define VS_EVENTS_H

#include <stdbool.h>

#include "dev.h"
#include "event_json.h"
#include "nl.h"
#include "track.h"

struct json_object;

struct vs_events;	/* opaque */

/*
 * Subscribe. The module is loaded if it is installed and not loaded (as
 * every command does); VS_ERR_NOFAMILY if it cannot be. Follows vhost
 * devices too when it can (vs_events_vhost()). 0, or -1 with @e set.
 */
int vs_events_open(struct vs_events **evp, struct vs_err *e);

/* The one descriptor to poll() for POLLIN. */
int vs_events_fd(const struct vs_events *ev);

/*
 * Read what is pending without blocking and call @cb with each QMP event
 * object, in order. @cb must not keep the object (it is put after @cb
 * returns; take a reference with json_object_get() to keep it). Overruns,
 * sequence gaps and module reloads are handled here and reported as
 * events. 0, or -1 with @e set (the subscription is unusable then).
 */
int vs_events_read(struct vs_events *ev,
		   void (*cb)(struct json_object *event, void *arg),
		   void *arg, struct vs_err *e);

void vs_events_close(struct vs_events *ev);

/* Additions to the above. */

struct vs_events_opts {
	int rcvbuf;		/* SO_RCVBUF of the event socket; 0: default */
	bool no_vhost;		/* do not follow vhost devices */
	/*
	 * Succeed without the module (and never load it): its arrival is
	 * reported as VIRTIO_STATUS_MODULE_LOADED, then a resync.
	 */
	bool wait_for_module;
};

/* vs_events_open() with options; @o may be NULL. */
int vs_events_open_opts(struct vs_events **evp, const struct vs_events_opts *o,
			struct vs_err *e);

/*
 * Whether vhost devices are followed (CAP_NET_ADMIN, vhost support on in
 * the module, inotify available); when not, @why (if not NULL) says why.
 */
bool vs_events_vhost(const struct vs_events *ev, const char **why);

#endif /* VS_EVENTS_H */
