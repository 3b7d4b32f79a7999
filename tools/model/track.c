// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the bus as the events reported it.
 *
 * What the library knows (vs_ev_track) is what it reported. A dump
 * replaces it on an overrun, a sequence gap or a module load, and the
 * difference is reported as events marked "resync". The bus generation
 * of that dump filters out notifications it already shows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "event_json.h"
#include "track.h"

static struct vs_nl_dev *vs_model_find(const struct vs_dev_list *l,
				       const char *path)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (!strcmp(l->devs[i].header.path, path))
			return &l->devs[i];
	return NULL;
}

static void vs_model_forget(struct vs_dev_list *l, struct vs_nl_dev *d)
{
	size_t i = d - l->devs;

	memmove(d, d + 1, (l->n - i - 1) * sizeof(*d));
	l->n--;
}

static void vs_model_set_driver(struct vs_nl_dev *d, const char *driver)
{
	snprintf(d->driver, sizeof(d->driver), "%s", driver ? driver : "");
	if (driver && driver[0])
		vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	else
		vs_dev_clear(d, VIRTIO_STATUS_A_DEV_DRIVER);
}

/* Generations wrap; "at or before" in the counter's own order. */
static bool vs_model_gen_covered(u32 gen, u32 dump_gen)
{
	return (int32_t)(gen - dump_gen) <= 0;
}

enum vs_ev_verdict vs_ev_track_event(struct vs_ev_track *t,
				     const struct vs_event *ev, u64 *missed)
{
	const struct vs_nl_dev *e = &ev->dev;
	struct vs_nl_dev *d;

	if (t->have_seq && ev->seq != t->seq + 1) {
		if (missed)
			*missed = ev->seq > t->seq ? ev->seq - t->seq - 1 : 0;
		return VS_EV_GAP;
	}
	t->have_seq = true;
	t->seq = ev->seq;
	if (t->have_gen && vs_model_gen_covered(e->generation, t->gen))
		return VS_EV_SKIP;

	d = vs_model_find(&t->known, e->header.path);
	switch (ev->cmd) {
	case VIRTIO_STATUS_CMD_DEV_ADD_NTF:
		/* a dump can show a device just before its notification */
		if (d)
			return VS_EV_SKIP;
		d = vs_dev_list_add(&t->known);
		if (!d)
			return VS_EV_NOMEM;
		*d = *e;
		vs_model_set_driver(d, NULL);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_DEV_DEL_NTF:
		if (!d)
			return VS_EV_SKIP;
		vs_model_forget(&t->known, d);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_BIND_NTF:
		if (!d) {
			d = vs_dev_list_add(&t->known);
			if (!d)
				return VS_EV_NOMEM;
			*d = *e;
		} else if (vs_dev_bound(d) && !strcmp(d->driver, e->driver)) {
			return VS_EV_SKIP;
		}
		vs_model_set_driver(d, e->driver);
		return VS_EV_EMIT;
	case VIRTIO_STATUS_CMD_UNBIND_NTF:
		if (d && !vs_dev_bound(d))
			return VS_EV_SKIP;
		if (d)
			vs_model_set_driver(d, NULL);
		return VS_EV_EMIT;
	}
	return VS_EV_SKIP;
}

const char *vs_model_track_unbound_driver(const struct vs_ev_track *t,
					  const struct vs_event *ev)
{
	const struct vs_nl_dev *d;

	if (ev->dev.driver[0])
		return ev->dev.driver;
	d = vs_model_find(&t->known, ev->dev.header.path);
	return d ? d->driver : NULL;
}

/* The devices of @all of kind @kind, copied into @out (empty). 0, or -1 on ENOMEM. */
static int vs_model_of_kind(const struct vs_dev_list *all, u32 kind,
			    struct vs_dev_list *out)
{
	struct vs_nl_dev *d;
	size_t i;

	for (i = 0; i < all->n; i++) {
		if (vs_dev_kind(&all->devs[i]) != kind)
			continue;
		d = vs_dev_list_add(out);
		if (!d) {
			vs_dev_list_free(out);
			return -1;
		}
		*d = all->devs[i];
	}
	return 0;
}

static void vs_model_resync_dev(const char *name, const struct vs_nl_dev *d,
				const char *driver, u64 now,
				void (*cb)(struct json_object *event, void *arg),
				void *arg)
{
	vs_json_ev_emit(vs_json_ev_resync(name, d, driver, now), cb, arg);
}

int vs_ev_track_resync(struct vs_ev_track *t, const struct vs_dev_list *fresh,
		       bool have_gen, u32 gen, const char *reason, u64 now,
		       void (*cb)(struct json_object *event, void *arg),
		       void *arg)
{
	struct vs_dev_list next = { 0 };
	const struct vs_nl_dev *o, *n;
	size_t i;

	if (vs_model_of_kind(fresh, VIRTIO_STATUS_KIND_VIRTIO, &next) < 0)
		return -1;

	/* Gone (or replaced): unbound, then removed, as the bus does it. */
	for (i = 0; i < t->known.n; i++) {
		o = &t->known.devs[i];
		n = vs_model_find(&next, o->header.path);
		if (n && vs_dev_same(o, n))
			continue;
		if (vs_dev_bound(o))
			vs_model_resync_dev(VS_EV_DRIVER_UNBOUND, o, o->driver,
					    now, cb, arg);
		vs_model_resync_dev(VS_EV_DEVICE_REMOVED, o, NULL, now, cb, arg);
	}
	for (i = 0; i < next.n; i++) {
		n = &next.devs[i];
		o = vs_model_find(&t->known, n->header.path);
		if (o && vs_dev_same(o, n)) {
			if (vs_dev_bound(o) &&
			    (!vs_dev_bound(n) || strcmp(o->driver, n->driver)))
				vs_model_resync_dev(VS_EV_DRIVER_UNBOUND, o,
						    o->driver, now, cb, arg);
			if (vs_dev_bound(n) &&
			    (!vs_dev_bound(o) || strcmp(o->driver, n->driver)))
				vs_model_resync_dev(VS_EV_DRIVER_BOUND, n,
						    n->driver, now, cb, arg);
			continue;
		}
		vs_model_resync_dev(VS_EV_DEVICE_ADDED, n, NULL, now, cb, arg);
		if (vs_dev_bound(n))
			vs_model_resync_dev(VS_EV_DRIVER_BOUND, n, n->driver,
					    now, cb, arg);
	}

	vs_dev_list_free(&t->known);
	t->known = next;
	t->have_gen = have_gen;
	t->gen = gen;
	t->have_seq = false;

	vs_json_ev_emit(vs_json_ev_resynced(reason, next.n, now), cb, arg);
	return 0;
}

int vs_ev_vhost_diff(struct vs_dev_list *known, const struct vs_dev_list *fresh,
		     u64 now, void (*cb)(struct json_object *event, void *arg),
		     void *arg)
{
	struct vs_dev_list next = { 0 };
	size_t i;

	if (vs_model_of_kind(fresh, VIRTIO_STATUS_KIND_VHOST, &next) < 0)
		return -1;
	for (i = 0; i < known->n; i++)
		if (!vs_model_find(&next, known->devs[i].header.path))
			vs_json_ev_emit(vs_json_ev_vhost(VS_EV_VHOST_REMOVED,
							 &known->devs[i], now),
					cb, arg);
	for (i = 0; i < next.n; i++)
		if (!vs_model_find(known, next.devs[i].header.path))
			vs_json_ev_emit(vs_json_ev_vhost(VS_EV_VHOST_ADDED,
							 &next.devs[i], now),
					cb, arg);
	vs_dev_list_free(known);
	*known = next;
	return 0;
}

void vs_ev_track_free(struct vs_ev_track *t)
{
	vs_dev_list_free(&t->known);
	memset(t, 0, sizeof(*t));
}
