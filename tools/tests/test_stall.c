// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Stalled queues (model/stall.c): health-get
 * dumps in, VIRTIO_QUEUE_STALLED and VIRTIO_QUEUE_RECOVERED out, without
 * a clock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "test.h"

#include "cmd_monitor.h"
#include "stall.h"

#define SEC		1000000000ULL
#define NET_PATH	PCI_PATH
#define STALL_BLK_PATH	MMIO_PATH

/* One queue of a health-get dump, as the module sends it. */
static struct vs_nl_health *hq(struct vs_health_list *l, const char *path,
			       u32 kind, u32 id, u32 index)
{
	struct vs_nl_health *h = vs_health_list_add(l);

	snprintf(h->header.path, sizeof(h->header.path), "%s", path);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_HEADER);
	vs_nl_set(h->header.have, VIRTIO_STATUS_A_HEADER_PATH);
	h->kind = kind;
	h->id = id;
	h->index = index;
	h->num = 256;
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_KIND);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_ID);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_INDEX);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_NUM);
	return h;
}

/* A split ring's queue: @in_flight buffers out, used idx still for @ns. */
static void split_q(struct vs_health_list *l, const char *path, u32 kind,
		    u32 id, u32 index, u32 in_flight, u64 ns)
{
	struct vs_nl_health *h = hq(l, path, kind, id, index);

	h->in_flight = in_flight;
	h->stalled_ns = ns;
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_STALLED_NS);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_USED_IDX);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX);
}

/* A packed ring's queue: in-flight descriptors, no stalled-ns. */
static void packed_q(struct vs_health_list *l, const char *path, u32 id,
		     u32 index, u32 in_flight)
{
	struct vs_nl_health *h = hq(l, path, VIRTIO_STATUS_KIND_VIRTIO, id,
				    index);

	h->packed = 1;
	h->in_flight = in_flight;
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_PACKED);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_IN_FLIGHT);
}

/* A busy device's one message: no index. */
static void busy_dev(struct vs_health_list *l, const char *path)
{
	struct vs_nl_health *h = hq(l, path, VIRTIO_STATUS_KIND_VIRTIO, 1, 0);

	vs_nl_clear(h->have, VIRTIO_STATUS_A_HEALTH_INDEX);
	vs_nl_clear(h->have, VIRTIO_STATUS_A_HEALTH_NUM);
	snprintf(h->busy, sizeof(h->busy), "%s", BUSY_WHY);
	vs_nl_set(h->have, VIRTIO_STATUS_A_HEALTH_BUSY);
}

/*
 * virtio-net with @nvqs queues (receiveq0, transmitq0, ..., controlq
 * when odd): its transmitq0 (queue 1) with @in_flight and @ns, the
 * others idle
 */
static void net_dump(struct vs_health_list *l, u32 nvqs, u32 in_flight,
		     u64 ns)
{
	u32 i;

	for (i = 0; i < nvqs; i++)
		split_q(l, NET_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, i,
			i == 1 ? in_flight : 0, i == 1 ? ns : 0);
}

/* What the callback saw */
struct seen {
	struct vs_stall_ev ev[8];
	char path[8][VIRTIO_STATUS_PATH_MAX];
	size_t n;
};

static void seen_cb(const struct vs_stall_ev *ev, void *arg)
{
	struct seen *s = arg;

	if (s->n == ARRAY_SIZE(s->ev))
		return;
	s->ev[s->n] = *ev;
	snprintf(s->path[s->n], sizeof(s->path[s->n]), "%s", ev->path);
	s->ev[s->n].path = s->path[s->n];
	s->n++;
}

/* vs_stall_update() of dump @l, @l emptied for the next, into @seen */
static int take(struct vs_stall *st, struct vs_health_list *l,
		struct seen *seen)
{
	int ret;

	memset(seen, 0, sizeof(*seen));
	ret = vs_stall_update(st, l, EV_TIME, seen_cb, seen);
	vs_health_list_free(l);
	return ret;
}

TEST(stall_request_queue_once_then_recovered)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, false);
	/* moving: nothing */
	net_dump(&l, 3, 4, 2 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);

	net_dump(&l, 3, 4, 31 * SEC + 502000000);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_FALSE(seen.ev[0].recovered);
	EXPECT_STREQ(NET_PATH, seen.ev[0].path);
	EXPECT_EQ(1, seen.ev[0].queue);
	EXPECT_EQ(4, seen.ev[0].in_flight);
	EXPECT_EQ(31 * SEC + 502000000, seen.ev[0].stalled_ns);
	EXPECT_EQ(EV_TIME, seen.ev[0].time_ns);

	/* still stalled: said once */
	net_dump(&l, 3, 5, 36 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	net_dump(&l, 3, 5, 41 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);

	/* used idx moved: recovered, after the time last seen */
	net_dump(&l, 3, 2, 0);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_TRUE(seen.ev[0].recovered);
	EXPECT_EQ(1, seen.ev[0].queue);
	EXPECT_EQ(41 * SEC, seen.ev[0].stalled_ns);
	EXPECT_EQ(0, st.n);
	net_dump(&l, 3, 0, 0);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	vs_stall_free(&st);
}

TEST(stall_receive_queues_wait_by_design)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, false);
	/* virtio-net's receiveq0, full of buffers for an hour */
	split_q(&l, NET_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 0, 256, 3600 * SEC);
	split_q(&l, NET_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 1, 0, 0);
	/* virtio-net with 4 queues: queue 2 is receiveq1, not the controlq */
	split_q(&l, NET_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 2, 256, 3600 * SEC);
	split_q(&l, NET_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 3, 0, 0);
	/* vhost-vsock: rx (0) and event (2) hold buffers; tx (1) does not */
	split_q(&l, VSOCK_PATH, VIRTIO_STATUS_KIND_VHOST, 19, 0, 128, 3600 * SEC);
	split_q(&l, VSOCK_PATH, VIRTIO_STATUS_KIND_VHOST, 19, 1, 3, 60 * SEC);
	split_q(&l, VSOCK_PATH, VIRTIO_STATUS_KIND_VHOST, 19, 2, 8, 3600 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_STREQ(VSOCK_PATH, seen.ev[0].path);
	EXPECT_EQ(1, seen.ev[0].queue);

	/* with 3 queues, queue 2 is the controlq: a request queue */
	net_dump(&l, 3, 0, 0);
	l.q[2].in_flight = 1;
	l.q[2].stalled_ns = 30 * SEC;
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_STREQ(NET_PATH, seen.ev[0].path);
	EXPECT_EQ(2, seen.ev[0].queue);
	vs_stall_free(&st);
}

TEST(stall_threshold_boundaries)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, false);
	net_dump(&l, 3, 1, 30 * SEC - 1);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	/* nothing in flight is no stall, however long */
	net_dump(&l, 3, 0, 300 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	net_dump(&l, 3, 1, 30 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_FALSE(seen.ev[0].recovered);
	/* below the threshold again (it moved, and stands again) */
	net_dump(&l, 3, 1, 30 * SEC - 1);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_TRUE(seen.ev[0].recovered);
	EXPECT_EQ(30 * SEC, seen.ev[0].stalled_ns);
	vs_stall_free(&st);
}

TEST(stall_again_after_recovery)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 5 * SEC, false);
	net_dump(&l, 3, 2, 6 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(1, seen.n);
	net_dump(&l, 3, 0, 0);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_TRUE(seen.ev[0].recovered);
	net_dump(&l, 3, 7, 5 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_FALSE(seen.ev[0].recovered);
	EXPECT_EQ(7, seen.ev[0].in_flight);
	vs_stall_free(&st);
}

TEST(stall_packed_and_busy_change_nothing)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, false);
	/* a packed ring has no stalled-ns: never stalled */
	packed_q(&l, STALL_BLK_PATH, 2, 0, 64);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	EXPECT_EQ(0, st.n);

	/* stalled, then the device is busy: kept, no event */
	net_dump(&l, 3, 4, 40 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(1, seen.n);
	busy_dev(&l, NET_PATH);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	EXPECT_EQ(1, st.n);
	/* an entry without stalled-ns for that queue: kept, no event */
	net_dump(&l, 3, 4, 0);
	vs_nl_clear(l.q[1].have, VIRTIO_STATUS_A_HEALTH_STALLED_NS);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	EXPECT_EQ(1, st.n);
	/* and it recovers as ever */
	net_dump(&l, 3, 0, 0);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_TRUE(seen.ev[0].recovered);
	EXPECT_EQ(40 * SEC, seen.ev[0].stalled_ns);
	vs_stall_free(&st);
}

TEST(stall_vanished_device_forgotten)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, false);
	net_dump(&l, 3, 4, 40 * SEC);
	split_q(&l, VHOST_PATH, VIRTIO_STATUS_KIND_VHOST, 1, 1, 3, 45 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(2, seen.n);
	EXPECT_EQ(2, st.n);

	/* the vhost device is gone: silently */
	net_dump(&l, 3, 4, 50 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	ASSERT_EQ(1, st.n);
	EXPECT_STREQ(NET_PATH, st.q[0].path);

	/* an empty dump: every device gone */
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(0, seen.n);
	EXPECT_EQ(0, st.n);

	/* a device at the same path, still stalled: said again */
	net_dump(&l, 3, 4, 60 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	EXPECT_EQ(1, seen.n);
	vs_stall_free(&st);
}

TEST(stall_no_vhost)
{
	struct vs_health_list l = { 0 };
	struct vs_stall st;
	struct seen seen;

	vs_stall_init(&st, 30 * SEC, true);
	split_q(&l, VHOST_PATH, VIRTIO_STATUS_KIND_VHOST, 1, 0, 0, 0);
	split_q(&l, VHOST_PATH, VIRTIO_STATUS_KIND_VHOST, 1, 1, 3, 45 * SEC);
	net_dump(&l, 3, 4, 40 * SEC);
	ASSERT_EQ(0, take(&st, &l, &seen));
	ASSERT_EQ(1, seen.n);
	EXPECT_STREQ(NET_PATH, seen.ev[0].path);
	vs_stall_free(&st);
}

TEST(stall_event_json)
{
	struct vs_stall_ev ev = {
		.path = VHOST_PATH,
		.queue = 1,
		.in_flight = 4,
		.stalled_ns = 31 * SEC + 502999999,
		.time_ns = EV_TIME,
	};
	struct json_object *o;
	char *text;

	o = vs_stall_ev_json(&ev);
	ASSERT_NE(NULL, o);
	text = vs_json_text(o, false);
	EXPECT_TEXT(text,
		    "{\"event\": \"VIRTIO_QUEUE_STALLED\", \"data\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 1, \"in-flight\": 4, \"seconds\": 31.502}, \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}}");
	free(text);
	json_object_put(o);

	ev.recovered = true;
	ev.stalled_ns = 30 * SEC;
	o = vs_stall_ev_json(&ev);
	ASSERT_NE(NULL, o);
	text = vs_json_text(o, false);
	EXPECT_TEXT(text,
		    "{\"event\": \"VIRTIO_QUEUE_RECOVERED\", \"data\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 1, \"seconds\": 30.000}, \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}}");
	/* a number to a JSON reader */
	EXPECT_TRUE(json_object_is_type(member(member(o, "data"), "seconds"),
					json_type_double));
	free(text);
	json_object_put(o);
}

/* The events a monitor tick gave, one line each */
struct lines {
	char text[4096];
	size_t n;
};

static void lines_cb(struct json_object *event, void *arg)
{
	struct lines *l = arg;
	char *t = vs_json_text(event, false);
	size_t len = strlen(l->text);

	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", t ? t : "?");
	l->n++;
	free(t);
}

#define WANT_NOT_WATCHED \
	"virtio-status: stalled queues are not watched for now (" WANT_LIST_ONLY \
	"); trying again every 5 s\n"

/* What the ticks below print (the time stamps are now's) */
#define WANT_TICK_STALLED "{\"event\": \"VIRTIO_QUEUE_STALLED\", \"data\": {\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"queue\": 1, \"in-flight\": 4, \"seconds\": 40.000}, \"timestamp\": {"
#define WANT_TICK_RECOVERED "\n{\"event\": \"VIRTIO_QUEUE_RECOVERED\", \"data\": {\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"queue\": 1, \"seconds\": 40.000}, "

TEST(stall_monitor_ticks)
{
	struct vs_cmd_monitor_health h;
	struct lines got = { 0 };
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *errs = NULL;
	size_t errs_len = 0;
	FILE *err = open_memstream(&errs, &errs_len);

	ASSERT_NE(NULL, err);
	net_dump(&f->health, 3, 4, 40 * SEC);
	vs_cmd_monitor_health_init(&h, &be, 30, false, err, 1000);
	/* due at once, then every 5 s */
	EXPECT_EQ(0, vs_cmd_monitor_health_wait(&h, 1000));
	vs_cmd_monitor_health_tick(&h, 1000, false, lines_cb, &got);
	EXPECT_EQ(1, f->health_dumps);
	ASSERT_EQ(1, got.n);
	EXPECT_NE(NULL, strstr(got.text, WANT_TICK_STALLED));
	EXPECT_EQ(5000, vs_cmd_monitor_health_wait(&h, 1000));
	EXPECT_EQ(4000, vs_cmd_monitor_health_wait(&h, 2000));
	vs_cmd_monitor_health_tick(&h, 2000, false, lines_cb, &got);
	EXPECT_EQ(1, f->health_dumps);
	/* still stalled: nothing more */
	vs_cmd_monitor_health_tick(&h, 6000, false, lines_cb, &got);
	EXPECT_EQ(2, f->health_dumps);
	EXPECT_EQ(1, got.n);

	/* the module unloaded: not asked (that would load it) */
	vs_cmd_monitor_health_tick(&h, 11000, true, lines_cb, &got);
	EXPECT_EQ(2, f->health_dumps);
	EXPECT_EQ(5000, vs_cmd_monitor_health_wait(&h, 11000));

	/* failing: said once, asked at every tick */
	vs_err_set(&f->health_err, VS_ERR_LIST_ONLY, 0, "%s",
		   "fingerprint 1234abcd is unknown");
	vs_cmd_monitor_health_tick(&h, 16000, false, lines_cb, &got);
	vs_cmd_monitor_health_tick(&h, 21000, false, lines_cb, &got);
	EXPECT_EQ(4, f->health_dumps);
	fflush(err);
	EXPECT_TEXT(errs, WANT_NOT_WATCHED);

	/* back, and the queue moved: recovered */
	vs_err_clear(&f->health_err);
	vs_health_list_free(&f->health);
	net_dump(&f->health, 3, 0, 0);
	vs_cmd_monitor_health_tick(&h, 26000, false, lines_cb, &got);
	ASSERT_EQ(2, got.n);
	EXPECT_NE(NULL, strstr(got.text, WANT_TICK_RECOVERED));

	/* a new failure is said again */
	vs_err_set(&f->health_err, VS_ERR_LIST_ONLY, 0, "%s",
		   "fingerprint 1234abcd is unknown");
	vs_cmd_monitor_health_tick(&h, 31000, false, lines_cb, &got);
	fflush(err);
	EXPECT_TEXT(errs, WANT_NOT_WATCHED WANT_NOT_WATCHED);

	vs_cmd_monitor_health_free(&h);
	fclose(err);
	free(errs);
	fake_free(f);
}
