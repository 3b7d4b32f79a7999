// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: stalled virtqueues. Only the queues reported stalled are
 * kept: a queue that is not is told by the next dump alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "event_json.h"
#include "queue_role.h"
#include "stall.h"

#define VS_NSEC_PER_MSEC	1000000ULL

void vs_stall_init(struct vs_stall *s, u64 threshold_ns, bool no_vhost)
{
	memset(s, 0, sizeof(*s));
	s->threshold_ns = threshold_ns;
	s->no_vhost = no_vhost;
}

void vs_stall_free(struct vs_stall *s)
{
	free(s->q);
	s->q = NULL;
	s->n = 0;
	s->cap = 0;
}

static bool vs_health_has(const struct vs_nl_health *h, int attr)
{
	return attr <= VIRTIO_STATUS_A_HEALTH_MAX && vs_nl_has(h->have, attr);
}

static const char *vs_health_path(const struct vs_nl_health *h)
{
	return vs_nl_has(h->header.have, VIRTIO_STATUS_A_HEADER_PATH) ?
	       h->header.path : "";
}

static struct vs_stall_q *vs_stall_find(struct vs_stall *s, const char *path,
					u32 index)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->q[i].index == index && !strcmp(s->q[i].path, path))
			return &s->q[i];
	return NULL;
}

static struct vs_stall_q *vs_stall_add(struct vs_stall *s, const char *path,
				       u32 index)
{
	struct vs_stall_q *q;
	size_t cap;

	if (s->n == s->cap) {
		cap = s->cap ? 2 * s->cap : 16;
		q = realloc(s->q, cap * sizeof(*q));
		if (!q)
			return NULL;
		s->q = q;
		s->cap = cap;
	}
	q = &s->q[s->n++];
	memset(q, 0, sizeof(*q));
	snprintf(q->path, sizeof(q->path), "%s", path);
	q->index = index;
	return q;
}

static void vs_stall_drop(struct vs_stall *s, struct vs_stall_q *q)
{
	*q = s->q[--s->n];
}

/* Queues of the device at @path are kept as they are (busy). */
static void vs_stall_keep(struct vs_stall *s, const char *path)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->q[i].path, path))
			s->q[i].seen = true;
}

/* One queue of a device with @nvqs queues. 0, or -1 on ENOMEM. */
static int vs_stall_queue(struct vs_stall *s, const struct vs_nl_health *h,
			  u32 nvqs, u64 now_ns,
			  void (*cb)(const struct vs_stall_ev *ev, void *arg),
			  void *arg)
{
	const char *path = vs_health_path(h);
	struct vs_stall_ev ev = {
		.path = path,
		.queue = h->index,
		.in_flight = h->in_flight,
		.stalled_ns = h->stalled_ns,
		.time_ns = now_ns,
	};
	struct vs_stall_q *q = vs_stall_find(s, path, h->index);
	bool stalled;

	if (q)
		q->seen = true;
	/* a packed ring has no used idx to stand still: no stalled-ns */
	if (!vs_health_has(h, VIRTIO_STATUS_A_HEALTH_STALLED_NS) ||
	    !vs_health_has(h, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT) ||
	    (vs_health_has(h, VIRTIO_STATUS_A_HEALTH_PACKED) && h->packed))
		return 0;
	/* buffers posted for the device to fill wait by design */
	if (vs_queue_role(h->id, h->index, nvqs) != VS_QUEUE_REQUEST)
		return 0;
	stalled = h->in_flight && h->stalled_ns >= s->threshold_ns;
	if (q && stalled) {
		q->stalled_ns = h->stalled_ns;
	} else if (q) {
		ev.recovered = true;
		ev.stalled_ns = q->stalled_ns;
		cb(&ev, arg);
		vs_stall_drop(s, q);
	} else if (stalled) {
		q = vs_stall_add(s, path, h->index);
		if (!q)
			return -1;
		q->stalled_ns = h->stalled_ns;
		q->seen = true;
		cb(&ev, arg);
	}
	return 0;
}

int vs_stall_update(struct vs_stall *s, const struct vs_health_list *l,
		    u64 now_ns,
		    void (*cb)(const struct vs_stall_ev *ev, void *arg),
		    void *arg)
{
	const struct vs_nl_health *h;
	size_t i, j, k;
	int ret = 0;
	u32 nvqs;

	for (k = 0; k < s->n; k++)
		s->q[k].seen = false;
	/* a device's messages come one after the other */
	for (i = 0; i < l->n; i = j) {
		nvqs = 0;
		for (j = i; j < l->n && !strcmp(vs_health_path(&l->q[j]),
						vs_health_path(&l->q[i])); j++)
			if (vs_health_has(&l->q[j], VIRTIO_STATUS_A_HEALTH_INDEX))
				nvqs++;
		for (k = i; k < j; k++) {
			h = &l->q[k];
			if (s->no_vhost &&
			    vs_health_has(h, VIRTIO_STATUS_A_HEALTH_KIND) &&
			    h->kind == VIRTIO_STATUS_KIND_VHOST)
				continue;
			if (vs_health_has(h, VIRTIO_STATUS_A_HEALTH_BUSY)) {
				vs_stall_keep(s, vs_health_path(h));
				continue;
			}
			if (!vs_health_has(h, VIRTIO_STATUS_A_HEALTH_INDEX))
				continue;
			if (vs_stall_queue(s, h, nvqs, now_ns, cb, arg) < 0)
				ret = -1;
		}
	}
	if (ret < 0)
		return ret;
	/* gone from the dump: its device went away */
	for (k = 0; k < s->n;) {
		if (s->q[k].seen)
			k++;
		else
			vs_stall_drop(s, &s->q[k]);
	}
	return 0;
}

static int vs_stall_add_member(struct json_object *o, const char *key,
			       struct json_object *v)
{
	if (!v || json_object_object_add(o, key, v)) {
		json_object_put(v);
		return -1;
	}
	return 0;
}

struct json_object *vs_stall_ev_json(const struct vs_stall_ev *ev)
{
	struct json_object *data = json_object_new_object();
	u64 ms = ev->stalled_ns / VS_NSEC_PER_MSEC;
	char secs[32];

	/* seconds.milliseconds, written as such rather than as a double */
	snprintf(secs, sizeof(secs), "%llu.%03llu",
		 (unsigned long long)(ms / 1000), (unsigned long long)(ms % 1000));
	if (!data ||
	    vs_stall_add_member(data, "path", json_object_new_string(ev->path)) ||
	    vs_stall_add_member(data, "queue", json_object_new_int64(ev->queue)) ||
	    (!ev->recovered &&
	     vs_stall_add_member(data, "in-flight",
				 json_object_new_int64(ev->in_flight))) ||
	    vs_stall_add_member(data, "seconds",
				json_object_new_double_s((double)ms / 1000, secs))) {
		json_object_put(data);
		return NULL;
	}
	return vs_event_new(ev->recovered ? VS_EV_QUEUE_RECOVERED :
					    VS_EV_QUEUE_STALLED, data, ev->time_ns);
}
