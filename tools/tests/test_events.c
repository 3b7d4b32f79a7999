// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Events: notifications decoded, what the
 * monitor keeps and reports, resync, vhost devices; the netlink sockets
 * refuse forged messages.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/socket.h>

#include "test.h"

#include "events.h"
#include "cmd_monitor.h"
#include "nl.h"

/* A notification of @cmd for virtio0 at PCI_PATH, every attribute there. */
static struct nl_msg *ntf_msg(u8 cmd, const char *driver, u64 seq, u32 gen)
{
	struct nl_msg *msg = dev_msg(cmd);
	struct nlattr *dev;

	if (!msg)
		return NULL;
	if (put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_SEQ, seq) ||
	    put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_TIME, EV_TIME))
		goto fail;
	dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
	if (!dev ||
	    put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0") ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO) ||
	    nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net") ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_INDEX, 0) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4) ||
	    (driver && nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, driver)) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, gen) ||
	    nla_nest_end(msg, dev))
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

/* ntf_msg() parsed into @ev: what vs_event_parse() returns; -2 without memory */
static int ntf_parse(u8 cmd, const char *driver, u64 seq, u32 gen,
		     struct vs_event *ev)
{
	struct nl_msg *msg = ntf_msg(cmd, driver, seq, gen);
	struct vs_err e;
	int ret;

	if (!msg)
		return -2;
	vs_err_clear(&e);
	ret = vs_event_parse(nlmsg_hdr(msg), ev, &e);
	nlmsg_free(msg);
	return ret;
}

TEST(event_decode_bound)
{
	struct vs_event *ev = malloc(sizeof(*ev));
	char *s;

	ASSERT_NE(NULL, ev);
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_BIND_NTF, "virtio_net", 7, 12, ev));
	EXPECT_EQ(VIRTIO_STATUS_CMD_BIND_NTF, ev->cmd);
	EXPECT_EQ(7, ev->seq);
	EXPECT_EQ(EV_TIME, ev->time_ns);
	EXPECT_EQ(12, ev->dev.generation);
	EXPECT_EQ(0x1af4, ev->dev.vendor);
	EXPECT_STREQ("virtio0", ev->dev.header.busid);
	EXPECT_STREQ(PCI_PATH, ev->dev.header.path);
	EXPECT_TRUE(vs_dev_header_has(&ev->dev, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VIRTIO, vs_dev_kind(&ev->dev));
	s = text_of(vs_event_json(ev));
	EXPECT_TEXT(s,
		    "{\"event\": \"VIRTIO_DRIVER_BOUND\", \"data\": {\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"busid\": \"virtio0\", \"name\": \"virtio-net\", \"device-id\": 1, \"driver\": \"virtio_net\", \"seq\": 7}, \"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 123456}}");
	free(s);
	free(ev);
}

TEST(event_decode_each_command)
{
	static const struct {
		u8 cmd;
		const char *name;
	} cmds[] = {
		{ VIRTIO_STATUS_CMD_DEV_ADD_NTF, "VIRTIO_DEVICE_ADDED" },
		{ VIRTIO_STATUS_CMD_DEV_DEL_NTF, "VIRTIO_DEVICE_REMOVED" },
		{ VIRTIO_STATUS_CMD_BIND_NTF, "VIRTIO_DRIVER_BOUND" },
		{ VIRTIO_STATUS_CMD_UNBIND_NTF, "VIRTIO_DRIVER_UNBOUND" },
	};
	struct vs_event *ev = malloc(sizeof(*ev));
	struct json_object *o;
	size_t i;

	ASSERT_NE(NULL, ev);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		ASSERT_EQ(0, ntf_parse(cmds[i].cmd, NULL, 1, 1, ev));
		o = vs_event_json(ev);
		ASSERT_NE(NULL, o);
		EXPECT_STREQ(cmds[i].name, json_object_get_string(member(o, "event")));
		/* no driver attribute: no "driver" member */
		EXPECT_EQ(NULL, member(member(o, "data"), "driver"));
		json_object_put(o);
	}
	/* a reply is not a notification */
	EXPECT_EQ(1, ntf_parse(VIRTIO_STATUS_CMD_DEV_GET, NULL, 1, 1, ev));
	EXPECT_EQ(1, ntf_parse(VIRTIO_STATUS_CMD_UNBIND_NTF + 1, NULL, 1, 1, ev));
	free(ev);
}

/* An attribute of the event set, beside HDR() and VH() (fake.h) */
#define EV(a)		(0x300 | VIRTIO_STATUS_A_EVENT_##a)
#define NTF_WHAT	"the virtio_status module sent a VIRTIO_DEVICE_ADDED notification "

/**
 * ntf_bad() - parse a device-added notification with one attribute wrong
 * @skip: the attribute left out (an attribute of the dev set, HDR(), or
 *	EV()), or 0
 * @bad: the attribute put with the wrong size (no NUL for a string), or 0
 * @e: why it was refused
 *
 * Every other attribute the notification needs is there.
 *
 * Return: what vs_event_parse() returns; -2 without memory.
 */
static int ntf_bad(int skip, int bad, struct vs_err *e)
{
	struct vs_event *ev = malloc(sizeof(*ev));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	struct nlattr *dev, *hdr;
	int ret = -2;

/* attribute @a left out, or put wrong, or else put as @put puts it */
#define NTF_PUT(a, wrong, put) ({					\
	int _a = (a);							\
									\
	_a == skip ? 0 :						\
	_a == bad ? nla_put(msg, _a & 0xff, (wrong), "abcd") : (put);	\
})
	if (!ev || !msg ||
	    NTF_PUT(EV(SEQ), 4, nla_put_u64(msg, VIRTIO_STATUS_A_EVENT_SEQ, 1)) ||
	    NTF_PUT(EV(TIME), 4, nla_put_u64(msg, VIRTIO_STATUS_A_EVENT_TIME, 1)))
		goto out;
	if (skip != EV(DEV)) {
		dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
		if (!dev)
			goto out;
		if (skip != VIRTIO_STATUS_A_DEV_HEADER) {
			hdr = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_HEADER);
			if (!hdr ||
			    NTF_PUT(HDR(PATH), 4,
				    nla_put_string(msg, VIRTIO_STATUS_A_HEADER_PATH, "x")) ||
			    NTF_PUT(HDR(BUSID), 4,
				    nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, "x")) ||
			    nla_nest_end(msg, hdr))
				goto out;
		}
		if (NTF_PUT(VIRTIO_STATUS_A_DEV_NAME, 4,
			    nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "x")) ||
		    NTF_PUT(VIRTIO_STATUS_A_DEV_ID, 1,
			    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1)) ||
		    NTF_PUT(VIRTIO_STATUS_A_DEV_GENERATION, 1,
			    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 1)) ||
		    nla_nest_end(msg, dev))
			goto out;
	}
#undef NTF_PUT
	vs_err_clear(e);
	ret = vs_event_parse(nlmsg_hdr(msg), ev, e);
out:
	nlmsg_free(msg);
	free(ev);
	return ret;
}

TEST(event_decode_rejects_incomplete)
{
	static const struct {
		int skip, bad;
		const char *want;
	} cases[] = {
		{ EV(SEQ), 0, NTF_WHAT "with no VIRTIO_STATUS_A_EVENT_SEQ" },
		{ EV(TIME), 0, NTF_WHAT "with no VIRTIO_STATUS_A_EVENT_TIME" },
		{ EV(DEV), 0, NTF_WHAT "with no VIRTIO_STATUS_A_EVENT_DEV" },
		{ VIRTIO_STATUS_A_DEV_HEADER, 0,
		  NTF_WHAT "with no VIRTIO_STATUS_A_DEV_HEADER" },
		{ HDR(PATH), 0, NTF_WHAT "with no VIRTIO_STATUS_A_HEADER_PATH" },
		{ HDR(BUSID), 0, NTF_WHAT "with no VIRTIO_STATUS_A_HEADER_BUSID" },
		{ VIRTIO_STATUS_A_DEV_NAME, 0, NTF_WHAT "with no VIRTIO_STATUS_A_DEV_NAME" },
		{ VIRTIO_STATUS_A_DEV_ID, 0, NTF_WHAT "with no VIRTIO_STATUS_A_DEV_ID" },
		{ VIRTIO_STATUS_A_DEV_GENERATION, 0,
		  NTF_WHAT "with no VIRTIO_STATUS_A_DEV_GENERATION" },
		{ 0, EV(SEQ),
		  "the virtio_status module sent a malformed VIRTIO_STATUS_A_EVENT_SEQ" },
		{ 0, VIRTIO_STATUS_A_DEV_ID,
		  "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_ID" },
		{ 0, VIRTIO_STATUS_A_DEV_NAME,
		  "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_NAME" },
		{ 0, HDR(PATH),
		  "the virtio_status module sent a malformed VIRTIO_STATUS_A_HEADER_PATH" },
	};
	struct vs_err e;
	size_t i;

	EXPECT_EQ(0, ntf_bad(0, 0, &e));
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(-1, ntf_bad(cases[i].skip, cases[i].bad, &e)) TH_LOG("case %zu", i);
		EXPECT_EQ(VS_ERR_MSG, e.kind);
		EXPECT_STREQ(cases[i].want, e.detail);
	}
}

/* Events handed to a callback, as text. */
struct ev_sink {
	char *lines[32];
	int n;
};

static void ev_collect(struct json_object *event, void *arg)
{
	struct ev_sink *k = arg;

	if (k->n < (int)ARRAY_SIZE(k->lines))
		k->lines[k->n++] = vs_json_text(event, false);
}

static void ev_sink_free(struct ev_sink *k)
{
	while (k->n)
		free(k->lines[--k->n]);
}

/* A dump entry: a virtio device at @path, bound to @driver if not NULL. */
static void ev_dev(struct vs_dev_list *l, const char *path, u32 id, const char *driver)
{
	struct vs_nl_dev *d = vs_dev_list_add(l);

	snprintf(d->header.path, sizeof(d->header.path), "%s", path);
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", strrchr(path, '/') + 1);
	snprintf(d->name, sizeof(d->name), "%s", id == 1 ? "virtio-net" : "virtio-rng");
	d->id = id;
	vs_dev_header_set(d, VIRTIO_STATUS_A_HEADER_PATH);
	if (driver) {
		snprintf(d->driver, sizeof(d->driver), "%s", driver);
		vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	}
}

TEST(event_track_order_gap_and_generation)
{
	struct vs_event *ev = malloc(sizeof(*ev));
	struct vs_dev_list dump = { 0 };
	struct ev_sink k = { 0 };
	struct vs_ev_track t = { 0 };
	u64 missed = 0;

	ASSERT_NE(NULL, ev);
	/* the starting dump, at generation 10, shows nothing */
	ASSERT_EQ(0, vs_ev_track_resync(&t, &dump, true, 10, "start", 0, ev_collect, &k));
	EXPECT_EQ(1, k.n);
	EXPECT_TEXT(k.lines[0],
		    "{\"event\": \"VIRTIO_EVENTS_RESYNCED\", \"data\": {\"reason\": \"start\", \"devices\": 0}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 0}}");

	/* a change the dump already shows (generation 10) is not reported */
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_ADD_NTF, NULL, 3, 10, ev));
	EXPECT_EQ(VS_EV_SKIP, vs_ev_track_event(&t, ev, NULL));
	/* newer ones are, in order */
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_ADD_NTF, NULL, 4, 11, ev));
	EXPECT_EQ(VS_EV_EMIT, vs_ev_track_event(&t, ev, NULL));
	EXPECT_EQ(1, t.known.n);
	/* the same add twice (a dump saw it early) is reported once */
	EXPECT_EQ(VS_EV_GAP, vs_ev_track_event(&t, ev, &missed));
	t.have_seq = false;
	EXPECT_EQ(VS_EV_SKIP, vs_ev_track_event(&t, ev, NULL));
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_BIND_NTF, "virtio_net", 5, 12, ev));
	EXPECT_EQ(VS_EV_EMIT, vs_ev_track_event(&t, ev, NULL));
	EXPECT_STREQ("virtio_net", t.known.devs[0].driver);
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_UNBIND_NTF, "virtio_net", 6, 13, ev));
	EXPECT_EQ(VS_EV_EMIT, vs_ev_track_event(&t, ev, NULL));
	EXPECT_FALSE(vs_dev_has(&t.known.devs[0], VIRTIO_STATUS_A_DEV_DRIVER));
	/* a gap: 7 and 8 never came */
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_DEL_NTF, NULL, 9, 16, ev));
	EXPECT_EQ(VS_EV_GAP, vs_ev_track_event(&t, ev, &missed));
	EXPECT_EQ(2, missed);
	EXPECT_EQ(6, t.seq);
	/* numbers going back (a reloaded module) are a gap too */
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_DEL_NTF, NULL, 1, 16, ev));
	EXPECT_EQ(VS_EV_GAP, vs_ev_track_event(&t, ev, &missed));
	EXPECT_EQ(0, missed);
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_DEL_NTF, NULL, 7, 14, ev));
	EXPECT_EQ(VS_EV_EMIT, vs_ev_track_event(&t, ev, NULL));
	EXPECT_EQ(0, t.known.n);
	/* removing what is not there reports nothing */
	ASSERT_EQ(0, ntf_parse(VIRTIO_STATUS_CMD_DEV_DEL_NTF, NULL, 8, 15, ev));
	EXPECT_EQ(VS_EV_SKIP, vs_ev_track_event(&t, ev, NULL));
	EXPECT_EQ(8, t.seq);
	ev_sink_free(&k);
	vs_ev_track_free(&t);
	free(ev);
}

/* Whether event line @line is @event of the device at @path. */
static bool ev_is(const char *line, const char *event, const char *path)
{
	char want[256];

	snprintf(want, sizeof(want), "{\"event\": \"%s\", \"data\": {\"path\": \"%s\", ",
		 event, path);
	return line && !strncmp(line, want, strlen(want));
}

TEST(event_resync_reports_the_difference)
{
	struct vs_dev_list dump = { 0 };
	struct ev_sink k = { 0 };
	struct vs_ev_track t = { 0 };
	struct vs_nl_dev *vh;

	ev_dev(&dump, "/sys/a/virtio0", 1, "virtio_net");
	ev_dev(&dump, "/sys/b/virtio1", 4, NULL);
	ev_dev(&dump, "/sys/c/virtio2", 4, "x");
	ev_dev(&dump, "/sys/e/virtio4", 4, "e");
	ASSERT_EQ(0, vs_ev_track_resync(&t, &dump, true, 1, "start", 0, ev_collect, &k));
	ev_sink_free(&k);
	vs_dev_list_free(&dump);

	ev_dev(&dump, "/sys/a/virtio0", 1, "virtio_net");
	ev_dev(&dump, "/sys/b/virtio1", 4, "virtio_rng");
	ev_dev(&dump, "/sys/c/virtio2", 4, "y");
	ev_dev(&dump, "/sys/d/virtio3", 4, NULL);
	vh = vs_dev_list_add(&dump);
	snprintf(vh->header.path, sizeof(vh->header.path), "/proc/1/fd/3");
	vh->kind = VIRTIO_STATUS_KIND_VHOST;
	vs_dev_set(vh, VIRTIO_STATUS_A_DEV_KIND);
	ASSERT_EQ(0, vs_ev_track_resync(&t, &dump, false, 0, "overrun", 5000006000ULL,
					ev_collect, &k));
	ASSERT_EQ(7, k.n);
	EXPECT_TEXT(k.lines[0],
		    "{\"event\": \"VIRTIO_DRIVER_UNBOUND\", \"data\": {\"path\": \"/sys/e/virtio4\", \"busid\": \"virtio4\", \"name\": \"virtio-rng\", \"device-id\": 4, \"driver\": \"e\", \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[1],
		    "{\"event\": \"VIRTIO_DEVICE_REMOVED\", \"data\": {\"path\": \"/sys/e/virtio4\", \"busid\": \"virtio4\", \"name\": \"virtio-rng\", \"device-id\": 4, \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[2],
		    "{\"event\": \"VIRTIO_DRIVER_BOUND\", \"data\": {\"path\": \"/sys/b/virtio1\", \"busid\": \"virtio1\", \"name\": \"virtio-rng\", \"device-id\": 4, \"driver\": \"virtio_rng\", \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[3],
		    "{\"event\": \"VIRTIO_DRIVER_UNBOUND\", \"data\": {\"path\": \"/sys/c/virtio2\", \"busid\": \"virtio2\", \"name\": \"virtio-rng\", \"device-id\": 4, \"driver\": \"x\", \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[4],
		    "{\"event\": \"VIRTIO_DRIVER_BOUND\", \"data\": {\"path\": \"/sys/c/virtio2\", \"busid\": \"virtio2\", \"name\": \"virtio-rng\", \"device-id\": 4, \"driver\": \"y\", \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[5],
		    "{\"event\": \"VIRTIO_DEVICE_ADDED\", \"data\": {\"path\": \"/sys/d/virtio3\", \"busid\": \"virtio3\", \"name\": \"virtio-rng\", \"device-id\": 4, \"resync\": true}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_TEXT(k.lines[6],
		    "{\"event\": \"VIRTIO_EVENTS_RESYNCED\", \"data\": {\"reason\": \"overrun\", \"devices\": 4}, \"timestamp\": {\"seconds\": 5, \"microseconds\": 6}}");
	EXPECT_EQ(4, t.known.n);
	EXPECT_FALSE(t.have_gen);
	EXPECT_FALSE(t.have_seq);
	ev_sink_free(&k);

	/* the same dump again: nothing changed */
	ASSERT_EQ(0, vs_ev_track_resync(&t, &dump, true, 3, "gap", 0, ev_collect, &k));
	EXPECT_EQ(1, k.n);
	EXPECT_TRUE(t.have_gen);
	EXPECT_EQ(3, t.gen);
	ev_sink_free(&k);

	/* a device replaced in the same place (another id): removed, added */
	vs_dev_list_free(&dump);
	ev_dev(&dump, "/sys/a/virtio0", 4, NULL);
	ASSERT_EQ(0, vs_ev_track_resync(&t, &dump, true, 4, "gap", 0, ev_collect, &k));
	/* a, b, c bound: unbound and removed; d removed; then a added */
	ASSERT_EQ(9, k.n);
	EXPECT_TRUE(ev_is(k.lines[0], "VIRTIO_DRIVER_UNBOUND", "/sys/a/virtio0"));
	EXPECT_TRUE(ev_is(k.lines[1], "VIRTIO_DEVICE_REMOVED", "/sys/a/virtio0"));
	EXPECT_NE(NULL, strstr(k.lines[1], "\"name\": \"virtio-net\""));
	EXPECT_TRUE(ev_is(k.lines[6], "VIRTIO_DEVICE_REMOVED", "/sys/d/virtio3"));
	EXPECT_TRUE(ev_is(k.lines[7], "VIRTIO_DEVICE_ADDED", "/sys/a/virtio0"));
	EXPECT_NE(NULL, strstr(k.lines[7], "\"name\": \"virtio-rng\""));
	EXPECT_NE(NULL, strstr(k.lines[8], "\"devices\": 1}"));
	ev_sink_free(&k);
	vs_dev_list_free(&dump);
	vs_ev_track_free(&t);
}

TEST(event_vhost_diff)
{
	struct vs_dev_list known = { 0 }, dump = { 0 };
	struct ev_sink k = { 0 };
	struct vs_nl_dev *d;
	int i;

	for (i = 0; i < 2; i++) {
		d = vs_dev_list_add(&dump);
		snprintf(d->header.path, sizeof(d->header.path), "/proc/%d/fd/3", 10 + i);
		snprintf(d->name, sizeof(d->name), "vhost-net");
		snprintf(d->driver, sizeof(d->driver), "vhost_net");
		d->kind = VIRTIO_STATUS_KIND_VHOST;
		d->vhost.owner_pid = 10 + i;
		vs_dev_set(d, VIRTIO_STATUS_A_DEV_KIND);
		vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
		if (i)
			vs_dev_vhost_set(d, VIRTIO_STATUS_A_VHOST_OWNER_PID);
	}
	ev_dev(&dump, PCI_PATH, 1, NULL);	/* virtio devices are not its business */
	ASSERT_EQ(0, vs_ev_vhost_diff(&known, &dump, 1000, ev_collect, &k));
	ASSERT_EQ(2, k.n);
	EXPECT_TEXT(k.lines[0],
		    "{\"event\": \"VHOST_DEVICE_ADDED\", \"data\": {\"path\": \"/proc/10/fd/3\", \"name\": \"vhost-net\", \"driver\": \"vhost_net\"}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 1}}");
	EXPECT_TEXT(k.lines[1],
		    "{\"event\": \"VHOST_DEVICE_ADDED\", \"data\": {\"path\": \"/proc/11/fd/3\", \"name\": \"vhost-net\", \"driver\": \"vhost_net\", \"owner-pid\": 11}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 1}}");
	ev_sink_free(&k);
	EXPECT_EQ(2, known.n);
	/* the first one closed */
	memmove(&dump.devs[0], &dump.devs[1], 2 * sizeof(dump.devs[0]));
	dump.n--;
	ASSERT_EQ(0, vs_ev_vhost_diff(&known, &dump, 1000, ev_collect, &k));
	ASSERT_EQ(1, k.n);
	EXPECT_TEXT(k.lines[0],
		    "{\"event\": \"VHOST_DEVICE_REMOVED\", \"data\": {\"path\": \"/proc/10/fd/3\", \"name\": \"vhost-net\", \"driver\": \"vhost_net\"}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 1}}");
	ev_sink_free(&k);
	EXPECT_EQ(1, known.n);
	vs_dev_list_free(&known);
	vs_dev_list_free(&dump);
}

/*
 * The events library's netlink sockets take messages from the kernel only:
 * another local socket sending to their port is refused, so it cannot
 * forge a notification (or nlctrl's family news).
 */
TEST(event_sockets_refuse_forged_messages)
{
	struct vs_events_opts o = { .wait_for_module = true, .no_vhost = true };
	struct nlmsghdr h = { .nlmsg_len = sizeof(h), .nlmsg_type = GENL_ID_CTRL };
	bool before[1024];
	struct sockaddr_nl sa;
	struct vs_events *ev;
	int fd, forger, n = 0;
	struct vs_err e;
	socklen_t len;

	/* with the module, a libnl socket for dumps is opened too */
	if (!access("/sys/module/virtio_status", F_OK))
		SKIP(return, "the virtio_status module is loaded");
	for (fd = 0; fd < 1024; fd++)
		before[fd] = fcntl(fd, F_GETFD) >= 0;
	vs_err_clear(&e);
	ASSERT_EQ(0, vs_events_open_opts(&ev, &o, &e));
	forger = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, forger);
	for (fd = 0; fd < 1024; fd++) {
		len = sizeof(sa);
		if (before[fd] || fd == forger ||
		    getsockname(fd, (struct sockaddr *)&sa, &len) < 0 ||
		    sa.nl_family != AF_NETLINK)
			continue;
		errno = 0;
		EXPECT_EQ(-1, sendto(forger, &h, sizeof(h), 0, (struct sockaddr *)&sa,
				     sizeof(sa)));
		EXPECT_EQ(ECONNREFUSED, errno);
		n++;
	}
	/* the event socket and the control socket */
	EXPECT_EQ(2, n);
	close(forger);
	vs_events_close(ev);
}

/* The same holds for the socket of requests and dumps. */
TEST(request_socket_refuses_other_senders)
{
	struct nlmsghdr h = { .nlmsg_len = sizeof(h), .nlmsg_type = NLMSG_NOOP };
	struct sockaddr_nl sa;
	socklen_t len = sizeof(sa);
	struct vs_nl nl;
	struct vs_err e;
	int forger;

	vs_err_clear(&e);
	ASSERT_EQ(0, vs_nl_socket(&nl, &e));
	ASSERT_EQ(0, getsockname(nl_socket_get_fd(nl.sk), (struct sockaddr *)&sa, &len));
	ASSERT_NE(0, sa.nl_pid);
	forger = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	ASSERT_LE(0, forger);
	errno = 0;
	EXPECT_EQ(-1, sendto(forger, &h, sizeof(h), 0, (struct sockaddr *)&sa, sizeof(sa)));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(forger);
	vs_nl_close(&nl);
}

TEST(event_new_timestamp)
{
	char *s = text_of(vs_event_new("X", NULL, 999999999ULL));

	EXPECT_TEXT(s,
		    "{\"event\": \"X\", \"data\": {}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 999999}}");
	free(s);
}
