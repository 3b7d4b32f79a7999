/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: stalled virtqueues, from successive health-get dumps.
 *
 * The module says, per queue, how long its used idx has stood still while
 * buffers were outstanding (stalled-ns). This keeps, per queue (the
 * device's path and the queue index), whether a stall was reported, and
 * turns each dump into events: VIRTIO_QUEUE_STALLED once when a request
 * queue (queue_role.h) has buffers in flight and has stood still for the
 * threshold or longer, VIRTIO_QUEUE_RECOVERED once when such a queue has
 * stood still for less than that again (its used idx moved, or nothing is
 * in flight). Receive queues, packed rings (no stalled-ns) and busy
 * devices' messages change nothing; a queue missing from a dump (its
 * device gone) is forgotten without an event. No clock is read here: the
 * stall times are the module's and the caller passes the time of the
 * dump, so the tests need no waiting.
 */
#ifndef VS_STALL_H
#define VS_STALL_H

#include <stdbool.h>
#include <stddef.h>

#include "dev.h"

struct json_object;

#define VS_EV_QUEUE_STALLED	"VIRTIO_QUEUE_STALLED"
#define VS_EV_QUEUE_RECOVERED	"VIRTIO_QUEUE_RECOVERED"

/* A queue reported stalled, and not yet recovered. */
struct vs_stall_q {
	char path[VIRTIO_STATUS_PATH_MAX];
	u32 index;
	u64 stalled_ns;		/* as last seen */
	bool seen;		/* in the dump being taken in */
};

struct vs_stall {
	u64 threshold_ns;
	bool no_vhost;		/* leave vhost devices' queues out */
	struct vs_stall_q *q;
	size_t n;
	size_t cap;
};

/* A change: what the events say. */
struct vs_stall_ev {
	bool recovered;		/* VIRTIO_QUEUE_RECOVERED, else _STALLED */
	const char *path;
	u32 queue;
	u32 in_flight;		/* _STALLED only */
	u64 stalled_ns;		/* how long it stood still, as last seen */
	u64 time_ns;		/* of the dump (CLOCK_REALTIME ns) */
};

/* Nothing followed yet; a stall is @threshold_ns or longer. */
void vs_stall_init(struct vs_stall *s, u64 threshold_ns, bool no_vhost);
void vs_stall_free(struct vs_stall *s);

/*
 * Take in dump @l, taken at @now_ns (CLOCK_REALTIME ns): @cb is called
 * with each change, in the dump's order. 0, or -1 on ENOMEM (then no
 * queue is forgotten).
 */
int vs_stall_update(struct vs_stall *s, const struct vs_health_list *l,
		    u64 now_ns,
		    void (*cb)(const struct vs_stall_ev *ev, void *arg),
		    void *arg);

/*
 * The QMP event of @ev, at its time:
 * VIRTIO_QUEUE_STALLED {"path", "queue", "in-flight", "seconds"} or
 * VIRTIO_QUEUE_RECOVERED {"path", "queue", "seconds"}, "seconds" with
 * millisecond precision. NULL on ENOMEM.
 */
struct json_object *vs_stall_ev_json(const struct vs_stall_ev *ev);

#endif /* VS_STALL_H */
