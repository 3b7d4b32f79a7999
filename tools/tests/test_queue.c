// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. x-query-virtio-queue-status and x-query-
 * virtio-vhost-queue-status: their answers, on the command line and over
 * QMP, bad arguments and the kernel's errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static const char * const queue_keys[] = {
	"name", "queue-index", "inuse", "vring-num", "vring-num-default",
	"vring-align", "vring-desc", "vring-avail", "vring-used",
	"last-avail-idx", "shadow-avail-idx", "used-idx", "signalled-used",
	"signalled-used-valid",
};

TEST(queue_guest_exact)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err;

	fill_guest_queue(&f->queue);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	/* the same selector for both requests, the index as asked */
	EXPECT_EQ(1, f->gets);
	EXPECT_EQ(1, f->queue_gets);
	EXPECT_EQ(VS_TARGET_BUSID, f->last.kind);
	EXPECT_EQ(VS_TARGET_BUSID, f->queue_target.kind);
	EXPECT_STREQ("virtio0", f->queue_target.value);
	EXPECT_EQ(1, f->queue_index);

	/* keys and types: every integer is an int, the flag a boolean */
	o = vs_json_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, queue_keys, ARRAY_SIZE(queue_keys),
				  "last-avail-idx"));
	json_object_object_foreach(o, k, v) {
		json_type want = json_type_int;

		if (!strcmp(k, "name"))
			want = json_type_string;
		else if (!strcmp(k, "signalled-used-valid"))
			want = json_type_boolean;
		EXPECT_TRUE(json_object_is_type(v, want));
	}
	/* the device's name, not the driver's name for the queue */
	EXPECT_STREQ("virtio-net", json_object_get_string(member(o, "name")));
	json_object_put(o);

	/* a packed ring: no used idx (0), no avail idx (no shadow) */
	f->queue.packed = true;
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_USED_IDX);
	o = vs_json_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(NULL, member(o, "shadow-avail-idx"));
	EXPECT_EQ(NULL, member(o, "last-avail-idx"));
	EXPECT_EQ(0, json_object_get_int(member(o, "used-idx")));
	EXPECT_EQ(6, json_object_get_int(member(o, "inuse")));
	json_object_put(o);
	fake_free(f);
}

TEST(queue_vhost_exact_cli_and_qmp)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err, *s;

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  VHOST_PATH, "--queue=0")));
	EXPECT_TEXT(out, WANT_VHOST_QUEUE "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	/* /proc paths go out verbatim, in both requests */
	EXPECT_EQ(VS_TARGET_PROC, f->queue_target.kind);
	EXPECT_STREQ(VHOST_PATH, f->queue_target.value);
	EXPECT_EQ(0, f->probes);

	o = vs_json_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, queue_keys, ARRAY_SIZE(queue_keys),
				  NULL));
	json_object_put(o);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}, \"id\": 3}");
	EXPECT_TEXT(s,
		    "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 139637976731648, \"vring-avail\": 139637976735744, \"vring-used\": 139637976739840, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false}, \"id\": 3}");
	free(s);
	fake_free(f);
}

TEST(queue_guest_over_qmp)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	fill_guest_queue(&f->queue);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"queue\": 1, \"path\": \"virtio0\"}}");
	EXPECT_TEXT(s, WANT_GUEST_QUEUE);
	free(s);
	EXPECT_EQ(1, f->queue_index);
	fake_free(f);
}

TEST(vhost_ring_exact_and_sizes)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err, *s;

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}}");
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);

	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, vhost_ring_keys, n_vhost_ring_keys, NULL));
	EXPECT_TRUE(json_object_is_type(member(o, "name"), json_type_string));
	json_object_object_foreach(o, k, v) {
		json_type want = strcmp(k, "name") ? json_type_int :
						     json_type_string;

		EXPECT_TRUE(json_object_is_type(v, want));
	}
	json_object_put(o);

	/* VIRTIO_RING_F_EVENT_IDX acked: used_event / avail_event */
	f->dev.vhost.acked_features |= BIT_ULL(29);
	f->queue.num = 1024;
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(16384, json_object_get_int64(member(o, "desc-size")));
	EXPECT_EQ(4 + 2048 + 2, json_object_get_int64(member(o, "avail-size")));
	EXPECT_EQ(4 + 8192 + 2, json_object_get_int64(member(o, "used-size")));
	EXPECT_EQ(1024, json_object_get_int64(member(o, "num")));
	json_object_put(o);
	EXPECT_EQ(4 * 16, vs_ring_desc_size(4));
	EXPECT_EQ(12, vs_ring_avail_size(4, false));
	EXPECT_EQ(14, vs_ring_avail_size(4, true));
	EXPECT_EQ(36, vs_ring_used_size(4, false));
	EXPECT_EQ(38, vs_ring_used_size(4, true));

	/* no eventfds, areas outside the memory table: -1 and 0 */
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_KICK_FD);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_CALL_FD);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_DESC_GPA);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_USED_GPA);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(-1, json_object_get_int64(member(o, "kick")));
	EXPECT_EQ(-1, json_object_get_int64(member(o, "call")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "desc-phys")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "avail-phys")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "used-phys")));
	json_object_put(o);
	fake_free(f);
}

TEST(vhost_ring_refuses_guest_device)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", "virtio0", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, "virtio0 is not a vhost device\n");
	free(out);
	free(err);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"virtio0 is not a vhost device\"}}");
	free(s);
	/* refused before the queue was asked */
	EXPECT_EQ(0, f->queue_gets);
	fake_free(f);
}

TEST(queue_qmp_bad_arguments)
{
	static const struct {
		const char *args;
		const char *desc;
	} cases[] = {
		{ "{\"path\": \"virtio0\"}", "Parameter 'queue' is missing" },
		{ "{\"queue\": 1}", "Parameter 'path' is missing" },
		{ "{\"path\": \"virtio0\", \"queue\": \"1\"}",
		  "Parameter 'queue' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": 1.5}",
		  "Parameter 'queue' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": -1}",
		  "Parameter 'queue' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 65536}",
		  "Parameter 'queue' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"decode\": true}",
		  "Parameter 'decode' is unexpected" },
	};
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char line[512], want[512];
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line),
			 "{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": %s}",
			 cases[i].args);
		snprintf(want, sizeof(want),
			 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}",
			 cases[i].desc);
		s = qmp(&be, line);
		EXPECT_TEXT(s, want);
		free(s);
	}
	s = qmp(&be, "{\"execute\": \"x-query-virtio-vhost-queue-status\"}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'path' is missing\"}}");
	free(s);
	EXPECT_EQ(0, f->gets + f->queue_gets);
	fake_free(f);
}

TEST(queue_kernel_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	vs_err_sys(&f->queue_err, ERANGE, "the device has 3 queues");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 7}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"queue 7 is out of range for virtio0 (kernel: the device has 3 queues)\"}}");
	free(s);
	vs_err_sys(&f->queue_err, ERANGE, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "9")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, "queue 9 is out of range for virtio0\n");
	free(out);
	free(err);

	/* the device gone, or a vhost device without CAP_NET_ADMIN */
	vs_err_sys(&f->get_err, ENODEV, "device not found");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/sys/devices/nothing/virtio7\", \"queue\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no virtio device at /sys/devices/nothing/virtio7 (kernel: device not found)\"}}");
	free(s);
	vs_err_sys(&f->get_err, EPERM, "vhost devices need CAP_NET_ADMIN");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/99/fd/4\", \"queue\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root (kernel: vhost devices need CAP_NET_ADMIN)\"}}");
	free(s);
	/* the same errors from QUEUE_GET itself read the same */
	vs_err_clear(&f->get_err);
	fill_vhost(&f->dev);
	vs_err_sys(&f->queue_err, ENODEV, NULL);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/proc/99/fd/4\", \"queue\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no vhost device at /proc/99/fd/4\"}}");
	free(s);

	/* a reply without what the answer needs: module too old */
	vs_err_clear(&f->queue_err);
	fill_vhost_queue(&f->queue);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/proc/99/fd/4\", \"queue\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"kernel module too old: its reply lacks VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX\"}}");
	free(s);
	fake_free(f);
}
