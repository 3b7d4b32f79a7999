/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: what the events library knows of the bus, and how each
 * notification and each resynchronisation changes it. No kernel here:
 * model/events.c feeds it, the unit tests too.
 */
#ifndef VS_TRACK_H
#define VS_TRACK_H

#include <stdbool.h>

#include "dev.h"
#include "nl.h"

struct json_object;

/* What the library knows of the virtio bus: what it last reported. */
struct vs_ev_track {
	struct vs_dev_list known;	/* virtio devices, as last reported */
	bool have_seq;
	u64 seq;			/* last sequence number read */
	bool have_gen;
	u32 gen;			/* bus generation of the last dump */
};

enum vs_ev_verdict {
	VS_EV_EMIT,	/* a change: report it (@t is updated) */
	VS_EV_SKIP,	/* already in the last dump, or changes nothing */
	VS_EV_GAP,	/* sequence numbers were skipped: resynchronise */
	VS_EV_NOMEM,
};

/*
 * Take notification @ev into @t. For VS_EV_GAP, @missed (if not NULL) is
 * how many numbers were skipped.
 */
enum vs_ev_verdict vs_ev_track_event(struct vs_ev_track *t,
				     const struct vs_event *ev, u64 *missed);

/*
 * The driver an unbind notification @ev names: the kernel's, else the one
 * @t knew the device bound to (NULL if none).
 */
const char *vs_model_track_unbound_driver(const struct vs_ev_track *t,
					  const struct vs_event *ev);

/*
 * Report what changed from @t->known to the virtio devices of @fresh (a
 * dump; vhost devices in it are ignored) as events whose data carries
 * "resync": true, then VIRTIO_EVENTS_RESYNCED {"reason": @reason,
 * "devices": N}. @t then knows @fresh, and the dump's generation @gen
 * (if @have_gen) filters out notifications it already shows. 0, or -1
 * on ENOMEM.
 */
int vs_ev_track_resync(struct vs_ev_track *t, const struct vs_dev_list *fresh,
		       bool have_gen, u32 gen, const char *reason, u64 now_ns,
		       void (*cb)(struct json_object *event, void *arg),
		       void *arg);

/*
 * The same for vhost devices: @known (vhost devices) against the vhost
 * devices of @fresh, as VHOST_DEVICE_ADDED / _REMOVED, keyed by path.
 * @known then holds @fresh's vhost devices. 0, or -1 on ENOMEM.
 */
int vs_ev_vhost_diff(struct vs_dev_list *known, const struct vs_dev_list *fresh,
		     u64 now_ns, void (*cb)(struct json_object *event, void *arg),
		     void *arg);

void vs_ev_track_free(struct vs_ev_track *t);

#endif /* VS_TRACK_H */
