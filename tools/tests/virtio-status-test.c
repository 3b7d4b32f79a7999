// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of virtio-status: JSON building, argument parsing, QMP
 * line handling, error sentences and reply decoding. No kernel module is
 * involved: devices come from a fake backend or from messages built here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <poll.h>
#include <signal.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <json-c/json.h>
#include <linux/netlink.h>
#include <linux/vhost.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "kselftest_harness.h"

#include "cli.h"
#include "dev.h"
#include "nl.h"
#include "features.h"
#include "qmp.h"
#include "uapi-check.h"
#include "vhost.h"
#include "events.h"
#include "monitor.h"
#include "metrics.h"
#include "exporter.h"
#include "serve.h"

#define BIT60		BIT_ULL(60)
/* A feature set to pass by pointer: bits 0-63, bits 64-127 */
#define FSET(lo, hi)	(&(struct vs_fset){ .w = { (lo), (hi) } })
/* EXPECT_STREQ with the expected text last, so it can sit on a line of its own */
#define EXPECT_TEXT(seen, want)	EXPECT_STREQ(want, seen)

#define PCI_PATH	"/sys/devices/pci0000:00/0000:00:03.0/virtio0"
#define MMIO_PATH	"/sys/devices/platform/a000.virtio_mmio/virtio1"
#define PCI1_PATH	"/sys/devices/pci0000:00/0000:00:04.0/virtio1"

/* The exact text QEMU would print for fill_dev() with features 5 and 7 */
#define WANT_STATUS "{\"return\": {\"name\": \"virtio-net\", \"device-id\": 1, \"vhost-started\": false, \"device-endian\": \"little\", \"guest-features\": 5, \"host-features\": 7, \"backend-features\": 0, \"num-vqs\": 3, \"status\": 15, \"isr\": 0, \"queue-sel\": 0, \"vm-running\": true, \"broken\": false, \"disabled\": false, \"use-started\": true, \"started\": true, \"start-on-kick\": false, \"disable-legacy-check\": false, \"bus-name\": \"\", \"use-guest-notifier-mask\": false}}"
#define WANT_LIST2 "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/sys/devices/platform/a000.virtio_mmio/virtio1\", \"name\": \"virtio-blk\"}]}"
#define WANT_NOMOD "virtio_status kernel module is not loaded (load it with: modprobe virtio_status, or insmod virtio_status.ko)"
#define WANT_EPERM_FEAT "permission denied: reading the features a device offers needs CAP_NET_ADMIN; run as root"

#define VHOST_PATH	"/proc/1234/fd/17"
#define VSOCK_PATH	"/proc/1300/fd/9"

/* fill_vhost() asked with acked features 5, its driver offering 7 */
#define WANT_VHOST_STATUS "{\"return\": {\"name\": \"vhost-net\", \"device-id\": 1, \"vhost-started\": true, \"device-endian\": \"little\", \"guest-features\": 5, \"host-features\": 7, \"backend-features\": 2, \"num-vqs\": 2, \"status\": 0, \"isr\": 0, \"queue-sel\": 0, \"vm-running\": true, \"broken\": false, \"disabled\": false, \"use-started\": true, \"started\": true, \"start-on-kick\": false, \"disable-legacy-check\": false, \"bus-name\": \"\", \"use-guest-notifier-mask\": false, \"vhost-dev\": {\"n-mem-sections\": 3, \"n-tmp-sections\": 0, \"nvqs\": 2, \"vq-index\": 0, \"features\": 7, \"acked-features\": 5, \"backend-features\": 2, \"protocol-features\": 0, \"max-queues\": 1, \"backend-cap\": 0, \"log-enabled\": false, \"log-size\": 0}}}"

/*
 * What a dev-get reply carried, for the presence masks: an attribute of the
 * dev set, of its header nest (HDR()) or of its vhost nest (VH()).
 */
#define HDR(a)		(0x100 | VIRTIO_STATUS_A_HEADER_##a)
#define VH(a)		(0x200 | VIRTIO_STATUS_A_VHOST_##a)

static void dev_mark(struct vs_nl_dev *d, const int *attrs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int a = attrs[i] & 0xff;

		switch (attrs[i] >> 8) {
		case 0:
			vs_dev_set(d, a);
			break;
		case 1:
			vs_dev_header_set(d, a);
			break;
		default:
			vs_dev_vhost_set(d, a);
		}
	}
}

/* A vhost-net device held by pids 1234 and 1240, as the module sends it. */
static void fill_vhost(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		HDR(PATH), VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID, VIRTIO_STATUS_A_DEV_TRANSPORT,
		VIRTIO_STATUS_A_DEV_DRIVER, VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS, VIRTIO_STATUS_A_DEV_BROKEN,
		VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_A_DEV_GENERATION,
		VIRTIO_STATUS_A_DEV_KIND,
		VH(ACKED_FEATURES), VH(BACKEND_FEATURES), VH(MEM_REGIONS),
		VH(LOG_ENABLED), VH(STARTED), VH(OWNER_PID), VH(HOLDER_PID),
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", VHOST_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	d->id = 1;
	d->status = 0;
	d->driver_features = 5;
	d->num_vqs = 2;
	d->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->vhost.acked_features = 5;
	d->vhost.backend_features = 2;
	d->vhost.mem_regions = 3;
	d->vhost.log_enabled = false;
	d->vhost.started = true;
	d->vhost.owner_pid = 1234;
	d->vhost.holder_pid[0] = 1234;
	d->vhost.holder_pid[1] = 1240;
	d->vhost.n_holder_pid = 2;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/* A device as a current module would describe it. */
static void fill_dev(struct vs_nl_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", PCI_PATH);
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", "virtio0");
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	d->id = 1;
	d->status = 0x0f;
	d->driver_features = BIT60 | BIT_ULL(32) | 0x5;
	d->device_features = BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7;
	d->num_vqs = 3;
	d->broken = false;
	d->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	vs_dev_header_set(d, VIRTIO_STATUS_A_HEADER_PATH);
	vs_dev_header_set(d, VIRTIO_STATUS_A_HEADER_BUSID);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_NAME);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_ID);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_STATUS);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_NUM_VQS);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_BROKEN);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_ENDIAN);
}

/* The fake backend */

struct fake {
	struct vs_nl_dev dev;		/* answer of dev_get */
	struct vs_err get_err;		/* dev_get fails when kind is set */
	struct vs_dev_list list;	/* answer of dev_dump */
	struct vs_target last;		/* what dev_get was asked */
	struct vs_nl_queue queue;	/* answer of queue_get */
	struct vs_err queue_err;	/* queue_get fails when kind is set */
	u32 queue_index;		/* what queue_get was asked */
	struct vs_target queue_target;
	int queue_gets;
	struct vs_nl_element elem;	/* answer of elem_get */
	struct vs_err elem_err;		/* elem_get fails when kind is set */
	u32 elem_queue;			/* what elem_get was asked */
	bool elem_has_index;
	u32 elem_index;
	struct vs_target elem_target;
	int elem_gets;
	struct vs_nl_info info;		/* answer of info */
	int info_errnum;		/* info fails with this errno if set */
	struct vs_fset features;	/* answer of vhost_features */
	int probe_errnum;		/* vhost_features fails with it if set */
	char probed[64];		/* the node vhost_features was asked */
	bool privileged;
	int gets;
	int dumps;
	int infos;
	int probes;
};

static int fake_get(void *ctx, const struct vs_target *t, struct vs_nl_dev *dev,
		    struct vs_err *e)
{
	struct fake *f = ctx;

	f->gets++;
	f->last = *t;
	if (f->get_err.kind != VS_ERR_NONE) {
		*e = f->get_err;
		return -1;
	}
	*dev = f->dev;
	return 0;
}

static int fake_queue_get(void *ctx, const struct vs_target *t, u32 index,
			  struct vs_nl_queue *q, struct vs_err *e)
{
	struct fake *f = ctx;

	f->queue_gets++;
	f->queue_target = *t;
	f->queue_index = index;
	if (f->queue_err.kind != VS_ERR_NONE) {
		*e = f->queue_err;
		return -1;
	}
	*q = f->queue;
	return 0;
}

static int fake_elem_get(void *ctx, const struct vs_target *t, u32 queue,
			 bool has_index, u32 index, struct vs_nl_element *el,
			 struct vs_err *e)
{
	struct fake *f = ctx;

	f->elem_gets++;
	f->elem_target = *t;
	f->elem_queue = queue;
	f->elem_has_index = has_index;
	f->elem_index = index;
	if (f->elem_err.kind != VS_ERR_NONE) {
		*e = f->elem_err;
		return -1;
	}
	*el = f->elem;
	return 0;
}

static int fake_dump(void *ctx, struct vs_dev_list *list, struct vs_err *e)
{
	struct fake *f = ctx;
	size_t i;

	f->dumps++;
	for (i = 0; i < f->list.n; i++) {
		struct vs_nl_dev *d = vs_dev_list_add(list);

		if (!d) {
			vs_err_sys(e, ENOMEM, NULL);
			return -1;
		}
		*d = f->list.devs[i];
	}
	return 0;
}

static int fake_info(void *ctx, struct vs_nl_info *info, struct vs_err *e)
{
	struct fake *f = ctx;

	f->infos++;
	if (f->info_errnum) {
		vs_err_sys(e, f->info_errnum, NULL);
		return -1;
	}
	*info = f->info;
	return 0;
}

static int fake_vhost_features(void *ctx, const char *node,
			       struct vs_fset *features)
{
	struct fake *f = ctx;

	f->probes++;
	snprintf(f->probed, sizeof(f->probed), "%s", node);
	if (f->probe_errnum)
		return f->probe_errnum;
	*features = f->features;
	return 0;
}

static bool fake_privileged(void *ctx)
{
	return ((struct fake *)ctx)->privileged;
}

static const struct vs_backend_ops fake_ops = {
	.dev_get = fake_get,
	.dev_dump = fake_dump,
	.info = fake_info,
	.queue_get = fake_queue_get,
	.elem_get = fake_elem_get,
	.vhost_features = fake_vhost_features,
	.privileged = fake_privileged,
};

static struct fake *fake_new(struct vs_backend *be)
{
	struct fake *f = calloc(1, sizeof(*f));

	fill_dev(&f->dev);
	be->ops = &fake_ops;
	be->ctx = f;
	return f;
}

static void fake_add(struct fake *f, const char *path, const char *name)
{
	struct vs_nl_dev *d = vs_dev_list_add(&f->list);

	fill_dev(d);
	snprintf(d->header.path, sizeof(d->header.path), "%s", path);
	snprintf(d->name, sizeof(d->name), "%s", name);
}

static void fake_free(struct fake *f)
{
	vs_dev_list_free(&f->list);
	free(f);
}

/* Helpers */

static char *text_of(struct json_object *o)
{
	char *s = vs_json_text(o, false);

	json_object_put(o);
	return s;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

#define ARGV(...) ((char *[]){ "virtio-status", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "virtio-status", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(o, msg, ...) \
	vs_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, msg, sizeof(msg))

/* Run the CLI on a fake; returns the exit status, fills out/err. */
static int run_cli(struct vs_backend *be, const char *input,
		   char **out, char **err, char **argv)
{
	size_t olen = 0, elen = 0;
	FILE *in, *fo, *fe;
	int ret, argc = 0;

	while (argv[argc])
		argc++;

	in = fmemopen((void *)input, strlen(input) + 1, "r");
	fo = open_memstream(out, &olen);
	fe = open_memstream(err, &elen);
	ret = vs_cli_main(argc, argv, be, in, fo, fe);
	fclose(in);
	fclose(fo);
	fclose(fe);
	return ret;
}

/* VirtioStatus */

static const char * const status_keys[] = {
	"name", "device-id", "vhost-started", "device-endian",
	"guest-features", "host-features", "backend-features", "num-vqs",
	"status", "isr", "queue-sel", "vm-running", "broken", "disabled",
	"use-started", "started", "start-on-kick", "disable-legacy-check",
	"bus-name", "use-guest-notifier-mask",
};

/*
 * Whether @k is the "<prev>-hex" string member that follows an integer
 * member @prev above 2^53.
 */
static bool hex_sibling(const char *k, const char *prev)
{
	size_t n = prev ? strlen(prev) : 0;

	return n && !strncmp(k, prev, n) && !strcmp(k + n, "-hex");
}

TEST(status_keys_in_schema_order)
{
	const char *prev = NULL;
	struct json_object *o;
	struct vs_nl_dev d;
	size_t i = 0;

	fill_dev(&d);
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (hex_sibling(k, prev))
			continue;
		prev = k;
		ASSERT_LT(i, ARRAY_SIZE(status_keys));
		EXPECT_STREQ(status_keys[i], k);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(status_keys), i);
	EXPECT_EQ(NULL, member(o, "vhost-dev"));
	json_object_put(o);
}

TEST(status_values_and_types)
{
	struct json_object *o, *v;
	struct vs_nl_dev d;

	fill_dev(&d);
	d.broken = true;
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);

	EXPECT_STREQ("virtio-net", json_object_get_string(member(o, "name")));
	EXPECT_TRUE(json_object_is_type(member(o, "device-id"), json_type_int));
	EXPECT_EQ(1, json_object_get_int64(member(o, "device-id")));
	EXPECT_STREQ("little",
		     json_object_get_string(member(o, "device-endian")));
	EXPECT_EQ(BIT60 | BIT_ULL(32) | 0x5,
		  json_object_get_uint64(member(o, "guest-features")));
	EXPECT_EQ(BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7,
		  json_object_get_uint64(member(o, "host-features")));
	EXPECT_EQ(3, json_object_get_int64(member(o, "num-vqs")));
	EXPECT_EQ(15, json_object_get_int64(member(o, "status")));
	EXPECT_TRUE(json_object_is_type(member(o, "broken"),
					json_type_boolean));
	EXPECT_TRUE(json_object_get_boolean(member(o, "broken")));

	/* the constants a guest cannot see */
	EXPECT_FALSE(json_object_get_boolean(member(o, "vhost-started")));
	EXPECT_EQ(0, json_object_get_uint64(member(o, "backend-features")));
	EXPECT_TRUE(json_object_is_type(member(o, "backend-features"),
					json_type_int));
	EXPECT_EQ(0, json_object_get_int64(member(o, "isr")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "queue-sel")));
	EXPECT_TRUE(json_object_get_boolean(member(o, "vm-running")));
	EXPECT_FALSE(json_object_get_boolean(member(o, "disabled")));
	EXPECT_TRUE(json_object_get_boolean(member(o, "use-started")));
	EXPECT_FALSE(json_object_get_boolean(member(o, "start-on-kick")));
	EXPECT_FALSE(json_object_get_boolean(member(o,
						    "disable-legacy-check")));
	EXPECT_STREQ("", json_object_get_string(member(o, "bus-name")));
	EXPECT_TRUE(json_object_is_type(member(o, "bus-name"),
					json_type_string));
	v = member(o, "use-guest-notifier-mask");
	EXPECT_TRUE(json_object_is_type(v, json_type_boolean));
	EXPECT_FALSE(json_object_get_boolean(v));
	json_object_put(o);
}

/* Above 2^53, and only there, an integer has its "-hex" string too. */
TEST(status_hex_sibling_above_2_53)
{
	struct json_object *o;
	struct vs_nl_dev d;

	fill_dev(&d);
	d.driver_features = BIT_ULL(53);
	d.device_features = BIT_ULL(53) + 1;
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(BIT_ULL(53),
		  json_object_get_uint64(member(o, "guest-features")));
	EXPECT_EQ(NULL, member(o, "guest-features-hex"));
	EXPECT_EQ(BIT_ULL(53) + 1,
		  json_object_get_uint64(member(o, "host-features")));
	EXPECT_STREQ("0x0020000000000001",
		     json_object_get_string(member(o, "host-features-hex")));
	EXPECT_EQ(NULL, member(o, "backend-features-hex"));
	json_object_put(o);

	/* decoded: the bitmaps are objects, no sibling; raw-and-decoded's
	 * "raw" has its "raw-hex" always, once
	 */
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	EXPECT_EQ(NULL, member(o, "host-features-hex"));
	json_object_put(o);
}

TEST(status_big_features_exact_in_text)
{
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.driver_features = BIT60;
	d.device_features = ~0ULL;
	s = text_of(vs_json_status(&d));
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strstr(s, "\"guest-features\": 1152921504606846976,"));
	EXPECT_NE(NULL, strstr(s, "\"host-features\": 18446744073709551615,"));
	free(s);
}

TEST(status_started_from_driver_ok)
{
	static const struct { u32 status; bool started; } cases[] = {
		{ 0x00, false }, { 0x03, false }, { 0x0b, false },
		{ 0x04, true }, { 0x0f, true }, { 0x8f, true },
	};
	struct json_object *o;
	struct vs_nl_dev d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_dev(&d);
		d.status = cases[i].status;
		o = vs_json_status(&d);
		ASSERT_NE(NULL, o);
		EXPECT_EQ(cases[i].started,
			  json_object_get_boolean(member(o, "started")))
			TH_LOG("status 0x%x", cases[i].status);
		EXPECT_EQ(cases[i].status,
			  json_object_get_int64(member(o, "status")));
		json_object_put(o);
	}
}

TEST(status_endian_names)
{
	static const struct { u32 endian; const char *name; } cases[] = {
		{ VIRTIO_STATUS_ENDIAN_LITTLE, "little" },
		{ VIRTIO_STATUS_ENDIAN_BIG, "big" },
		{ VIRTIO_STATUS_ENDIAN_UNKNOWN, "unknown" },
		{ 77, "unknown" },
	};
	struct json_object *o;
	struct vs_nl_dev d;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		fill_dev(&d);
		d.endian = cases[i].endian;
		o = vs_json_status(&d);
		ASSERT_NE(NULL, o);
		EXPECT_STREQ(cases[i].name,
			     json_object_get_string(member(o, "device-endian")));
		json_object_put(o);
	}
}

TEST(status_compact_text_exact)
{
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.driver_features = 5;
	d.device_features = 7;
	s = text_of(vs_qmp_return(vs_json_status(&d)));
	ASSERT_NE(NULL, s);
	EXPECT_STREQ(WANT_STATUS, s);
	free(s);
}

TEST(status_check_missing_and_features_err)
{
	char buf[VS_MSG_MAX * 2];
	struct vs_err e;
	struct vs_nl_dev d;

	fill_dev(&d);
	vs_err_clear(&e);
	EXPECT_EQ(0, vs_dev_check_status(&d, &e));

	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_NUM_VQS);
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	vs_err_sentence(&e, "virtio0", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_DEV_NUM_VQS");

	fill_dev(&d);
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	d.device_features_err = EPERM;
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_FEATURES, e.kind);
	EXPECT_EQ(EPERM, e.errnum);
	vs_err_sentence(&e, "virtio0", buf, sizeof(buf));
	EXPECT_STREQ(WANT_EPERM_FEAT, buf);

	/* neither the features nor why they are missing */
	fill_dev(&d);
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	EXPECT_NE(NULL, strstr(e.detail, "DEV_DEVICE_FEATURES"));
}

/* x-query-virtio */

TEST(list_text_exact_and_ordered)
{
	struct vs_dev_list l = { 0 };
	struct vs_nl_dev *d;
	char *s;

	d = vs_dev_list_add(&l);
	ASSERT_NE(NULL, d);
	snprintf(d->header.path, sizeof(d->header.path), "%s", PCI_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	d = vs_dev_list_add(&l);
	ASSERT_NE(NULL, d);
	snprintf(d->header.path, sizeof(d->header.path), "%s", MMIO_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "virtio-blk");
	s = text_of(vs_qmp_return(vs_json_list(&l)));
	ASSERT_NE(NULL, s);
	EXPECT_STREQ(WANT_LIST2, s);
	free(s);
	vs_dev_list_free(&l);

	s = text_of(vs_qmp_return(vs_json_list(&l)));
	EXPECT_STREQ("{\"return\": []}", s);
	free(s);
}

TEST(list_many_devices)
{
	struct vs_dev_list l = { 0 };
	struct json_object *a, *o;
	char name[32];
	int i;

	for (i = 0; i < 100; i++) {
		struct vs_nl_dev *d = vs_dev_list_add(&l);

		ASSERT_NE(NULL, d);
		snprintf(d->header.path, sizeof(d->header.path), "/sys/x/virtio%d", i);
		snprintf(d->name, sizeof(d->name), "%s", "virtio-rng");
	}
	a = vs_json_list(&l);
	ASSERT_NE(NULL, a);
	ASSERT_EQ(100, json_object_array_length(a));
	for (i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "/sys/x/virtio%d", i);
		o = json_object_array_get_idx(a, i);
		EXPECT_STREQ(name, json_object_get_string(member(o, "path")));
	}
	json_object_put(a);
	vs_dev_list_free(&l);
}

TEST(pretty_text_parses_back)
{
	struct json_object *back, *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	s = vs_json_text(o, true);
	json_object_put(o);
	ASSERT_NE(NULL, s);
	EXPECT_NE(NULL, strchr(s, '\n'));
	EXPECT_EQ(NULL, strstr(s, "\\/"));
	back = json_tokener_parse(s);
	ASSERT_NE(NULL, back);
	EXPECT_EQ(BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7,
		  json_object_get_uint64(member(back, "host-features")));
	json_object_put(back);
	free(s);
}

/* Device arguments */

TEST(target_busid)
{
	struct vs_target t;
	struct vs_err e;

	ASSERT_EQ(0, vs_target_parse("virtio0", &t, &e));
	EXPECT_EQ(VS_TARGET_BUSID, t.kind);
	EXPECT_STREQ("virtio0", t.value);
	ASSERT_EQ(0, vs_target_parse("virtio123", &t, &e));
	EXPECT_EQ(VS_TARGET_BUSID, t.kind);
}

TEST(target_path_verbatim_when_absent)
{
	struct vs_target t;
	struct vs_err e;

	ASSERT_EQ(0, vs_target_parse("/nonexistent/devices/virtio9", &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_STREQ("/nonexistent/devices/virtio9", t.value);
	EXPECT_STREQ("/nonexistent/devices/virtio9", t.arg);
}

TEST(target_path_resolved_when_present)
{
	char dir[] = "/tmp/vs-test-XXXXXX";
	char real[256], link[256];
	struct vs_target t;
	struct vs_err e;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(real, sizeof(real), "%s/virtio0", dir);
	snprintf(link, sizeof(link), "%s/link0", dir);
	ASSERT_EQ(0, mkdir(real, 0700));
	ASSERT_EQ(0, symlink(real, link));
	ASSERT_EQ(0, vs_target_parse(link, &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_STREQ(real, t.value);
	EXPECT_STREQ(link, t.arg);
	unlink(link);
	rmdir(real);
	rmdir(dir);
}

TEST(target_rejects_other_names)
{
	static const char * const bad[] = {
		"virtio", "virtiox", "virtio0a", "eth0", "sys/devices/virtio0",
		"Virtio0",
	};
	struct vs_target t;
	struct vs_err e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		vs_err_clear(&e);
		EXPECT_EQ(-1, vs_target_parse(bad[i], &t, &e)) TH_LOG("%s", bad[i]);
		EXPECT_EQ(VS_ERR_MSG, e.kind);
		EXPECT_NE(NULL, strstr(e.detail, bad[i]));
	}
	/* bus ids longer than the kernel takes */
	vs_err_clear(&e);
	EXPECT_EQ(-1, vs_target_parse("virtio12345678901234567890123456789",
				      &t, &e));
}

/* argv */

TEST(args_commands)
{
	char msg[VS_MSG_MAX];
	struct vs_opts o;

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio"));
	EXPECT_STREQ("x-query-virtio", o.cmd->name);
	EXPECT_FALSE(o.pretty);
	EXPECT_EQ(NULL, o.path);

	ASSERT_EQ(0, PARSE(&o, msg, "-p", "x-query-virtio-status", "--path",
			   "virtio0"));
	EXPECT_STREQ("x-query-virtio-status", o.cmd->name);
	EXPECT_TRUE(o.pretty);
	EXPECT_STREQ("virtio0", o.path);

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-status",
			   "--path=/sys/bus/virtio/devices/virtio1", "--pretty"));
	EXPECT_STREQ("/sys/bus/virtio/devices/virtio1", o.path);
	EXPECT_TRUE(o.pretty);

	ASSERT_EQ(0, PARSE(&o, msg, "--qmp"));
	EXPECT_TRUE(o.qmp);
	EXPECT_EQ(NULL, o.cmd);

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio", "-h"));
	EXPECT_TRUE(o.help);
}

TEST(args_errors)
{
	char msg[VS_MSG_MAX];
	struct vs_opts o;

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-status"));
	EXPECT_STREQ("x-query-virtio-status needs --path DEVICE", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-status", "--path"));
	EXPECT_STREQ("option --path needs a device", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "--bogus"));
	EXPECT_STREQ("unknown option '--bogus'", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "-x"));
	EXPECT_STREQ("unknown option '-x'", msg);

	/* QEMU's name for it before 7.2 */
	EXPECT_EQ(-1, PARSE(&o, msg, "x-debug-virtio-queue-element"));
	EXPECT_STREQ("unknown command 'x-debug-virtio-queue-element'", msg);

	/* qmp_capabilities is for --qmp only */
	EXPECT_EQ(-1, PARSE(&o, msg, "qmp_capabilities"));

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "--path", "virtio0"));
	EXPECT_STREQ("x-query-virtio takes no --path", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "extra"));
	EXPECT_STREQ("unexpected argument 'extra'", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "--qmp", "x-query-virtio"));
	EXPECT_EQ(-1, PARSE(&o, msg, "show", "virtio0", "virtio1"));
	EXPECT_STREQ("unexpected argument 'virtio1'", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "show", "virtio0", "--path", "virtio1"));
	EXPECT_STREQ("show takes one DEVICE", msg);
}

/* Error sentences */

TEST(error_sentences)
{
	char buf[VS_MSG_MAX * 2];
	struct vs_err e;

	vs_err_set(&e, VS_ERR_NOFAMILY, ENOENT, NULL);
	vs_err_sentence(&e, NULL, buf, sizeof(buf));
	EXPECT_STREQ(WANT_NOMOD, buf);

	vs_err_sys(&e, ENODEV, "no such device");
	vs_err_sentence(&e, "virtio9", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "no virtio device at virtio9 (kernel: no such device)");

	vs_err_sys(&e, ENODEV, NULL);
	vs_err_sentence(&e, "/sys/devices/x/virtio9", buf, sizeof(buf));
	EXPECT_STREQ("no virtio device at /sys/devices/x/virtio9", buf);

	vs_err_sys(&e, EPERM, NULL);
	vs_err_sentence(&e, NULL, buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root");

	vs_err_sys(&e, EINVAL, "exactly one of path or busid");
	vs_err_sentence(&e, "virtio0", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "Invalid argument (kernel: exactly one of path or busid)");

	vs_err_sys(&e, EIO, NULL);
	vs_err_sentence(&e, NULL, buf, sizeof(buf));
	EXPECT_STREQ(strerror(EIO), buf);

	vs_err_set(&e, VS_ERR_OLD, 0, "it speaks version %u", 0);
	vs_err_sentence(&e, NULL, buf, sizeof(buf));
	EXPECT_STREQ("kernel module too old: it speaks version 0", buf);

	vs_err_set(&e, VS_ERR_FEATURES, ENODEV, NULL);
	vs_err_sentence(&e, "virtio3", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "the virtio device at virtio3 is going away: the features it offers could not be read");

	vs_err_set(&e, VS_ERR_FEATURES, EINTR, NULL);
	vs_err_sentence(&e, "virtio3", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "interrupted while reading the features the virtio device at virtio3 offers; try again");

	vs_err_set(&e, VS_ERR_DUMP_INTR, VS_DUMP_TRIES, NULL);
	vs_err_sentence(&e, NULL, buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "the list of virtio devices kept changing during 10 tries; try again");
}

/* QMP lines */

static char *qmp(struct vs_backend *be, const char *line)
{
	return text_of(vs_qmp_line(be, line));
}

TEST(qmp_bad_json)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	s = qmp(&be, "{\"execute\": ");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, unexpected end of data\"}}");
	free(s);
	s = qmp(&be, "hello\n");
	EXPECT_NE(NULL, strstr(s, "\"class\": \"GenericError\""));
	EXPECT_NE(NULL, strstr(s, "JSON parse error"));
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\"} {}\n");
	EXPECT_NE(NULL, strstr(s, "more than one JSON value"));
	free(s);
	s = qmp(&be, "[\"x-query-virtio\"]");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"QMP input must be a JSON object\"}}");
	free(s);
	/* blank lines are not answered */
	EXPECT_EQ(NULL, vs_qmp_line(&be, " \t"));
	EXPECT_EQ(0, f->gets + f->dumps);
	fake_free(f);
}

TEST(qmp_bad_requests)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	s = qmp(&be, "{\"execute\": \"x-debug-virtio-queue-element\", \"id\": 7}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command x-debug-virtio-queue-element has not been found\"}, \"id\": 7}");
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio-status\"}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'path' is missing\"}}");
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio-status\", \"arguments\": {}}");
	EXPECT_NE(NULL, strstr(s, "Parameter 'path' is missing"));
	free(s);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}");
	EXPECT_NE(NULL, strstr(s, "Parameter 'queue' is unexpected"));
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_NE(NULL, strstr(s, "Parameter 'path' is unexpected"));
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": 3}}");
	EXPECT_NE(NULL, strstr(s, "Invalid parameter type for 'path', expected: string"));
	free(s);
	s = qmp(&be, "{\"arguments\": {}}");
	EXPECT_NE(NULL, strstr(s, "QMP input lacks member 'execute'"));
	free(s);
	s = qmp(&be, "{\"execute\": 1}");
	EXPECT_NE(NULL, strstr(s, "QMP input member 'execute' must be a string"));
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\", \"arguments\": []}");
	EXPECT_NE(NULL, strstr(s, "QMP input member 'arguments' must be an object"));
	free(s);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\", \"control\": 1}");
	EXPECT_NE(NULL, strstr(s, "QMP input member 'control' is unexpected"));
	free(s);
	/* none of these reached the backend */
	EXPECT_EQ(0, f->gets + f->dumps);
	fake_free(f);
}

TEST(qmp_status_ok_with_id)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *rsp, *ret;

	rsp = vs_qmp_line(&be,
			  "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}, \"id\": \"abc\"}\n");
	ASSERT_NE(NULL, rsp);
	EXPECT_EQ(1, f->gets);
	EXPECT_EQ(VS_TARGET_BUSID, f->last.kind);
	EXPECT_STREQ("virtio0", f->last.value);
	ret = member(rsp, "return");
	ASSERT_NE(NULL, ret);
	EXPECT_STREQ("virtio-net", json_object_get_string(member(ret, "name")));
	EXPECT_EQ(BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7,
		  json_object_get_uint64(member(ret, "host-features")));
	EXPECT_STREQ("abc", json_object_get_string(member(rsp, "id")));
	json_object_put(rsp);
	fake_free(f);
}

TEST(qmp_backend_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	vs_err_sys(&f->get_err, ENODEV, "device not found");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/sys/devices/nothing/virtio7\"}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no virtio device at /sys/devices/nothing/virtio7 (kernel: device not found)\"}}");
	free(s);
	EXPECT_EQ(VS_TARGET_PATH, f->last.kind);

	vs_err_clear(&f->get_err);
	vs_dev_clear(&f->dev, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	f->dev.device_features_err = EPERM;
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_NE(NULL, strstr(s, WANT_EPERM_FEAT));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"eth0\"}}");
	EXPECT_NE(NULL, strstr(s, "'eth0' names no device"));
	free(s);
	EXPECT_EQ(2, f->gets);
	fake_free(f);
}

TEST(qmp_loop_continues_after_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;
	int ret;

	fake_add(f, PCI_PATH, "virtio-net");
	ret = run_cli(&be,
		      "{\"execute\": \"qmp_capabilities\"}\n"
		      "?not json\n"
		      "\n"
		      "{\"execute\": \"nope\"}\n"
		      "{\"execute\": \"x-query-virtio\", \"id\": 1}\n",
		      &out, &err, ARGV("--qmp"));
	EXPECT_EQ(0, ret);
	EXPECT_STREQ("", err);
	EXPECT_TEXT(out,
		    "{\"return\": {}}\n"
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, unexpected character\"}}\n"
		    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command nope has not been found\"}}\n"
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}], \"id\": 1}\n");
	free(out);
	free(err);
	fake_free(f);
}

/* The command line, end to end on the fake */

TEST(cli_query_virtio)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, PCI1_PATH, "virtio-blk");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/sys/devices/pci0000:00/0000:00:04.0/virtio1\", \"name\": \"virtio-blk\"}]}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* a module that leaves out the path is too old */
	vs_dev_header_clear(&f->list.devs[1], VIRTIO_STATUS_A_HEADER_PATH);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_HEADER_PATH\n");
	free(out);
	free(err);

	/* nor one without the header nest */
	memset(&f->list.devs[1].header, 0, sizeof(f->list.devs[1].header));
	vs_dev_clear(&f->list.devs[1], VIRTIO_STATUS_A_DEV_HEADER);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_DEV_HEADER\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(cli_status_errors_on_stderr)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	vs_err_set(&f->get_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio4")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "virtio_status kernel module is not loaded (load it with: modprobe virtio_status, or insmod virtio_status.ko)\n");
	free(out);
	free(err);

	vs_err_clear(&f->get_err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio4")));
	EXPECT_EQ(0, strncmp(out, "{\"return\": {\"name\": \"virtio-net\", ", 34));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	fake_free(f);
}

TEST(cli_usage_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("--frobnicate")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "unknown option '--frobnicate'\nTry 'virtio-status --help' for more information.\n");
	free(out);
	free(err);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("--help")));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status", 20));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_EQ(0, f->gets + f->dumps);
	fake_free(f);
}

/* Decoding replies built as the kernel would */

static struct nl_msg *dev_msg(u8 cmd)
{
	/* room for the longest chain an element reply carries */
	struct nl_msg *msg = nlmsg_alloc_size(1 << 16);

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd,
			 VIRTIO_STATUS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* The header nest @attr naming @path and @busid (NULL: left out). */
static int put_header(struct nl_msg *msg, int attr, const char *path,
		      const char *busid)
{
	struct nlattr *nest = nla_nest_start(msg, attr);

	if (!nest ||
	    (path && nla_put_string(msg, VIRTIO_STATUS_A_HEADER_PATH, path) < 0) ||
	    (busid && nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, busid) < 0))
		return -1;
	return nla_nest_end(msg, nest);
}

/*
 * A u64 as the kernel's nla_put_u64_64bit() puts it where it has to align
 * it: the (empty) pad attribute of @attr's set first.
 */
static int put_u64(struct nl_msg *msg, int pad, int attr, u64 v)
{
	if (nla_put(msg, pad, 0, NULL) < 0)
		return -1;
	return nla_put_u64(msg, attr, v);
}

TEST(decode_full_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "pci"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "virtio_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0x0f));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, BIT60 | 1));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, ~0ULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 3));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_FAILED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_BIG));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 42));

	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_STREQ(PCI_PATH, d->header.path);
	EXPECT_STREQ("virtio0", d->header.busid);
	EXPECT_STREQ("virtio-net", d->name);
	EXPECT_STREQ("pci", d->transport);
	EXPECT_STREQ("virtio_net", d->driver);
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(0x1af4, d->vendor);
	EXPECT_EQ(0x0f, d->status);
	EXPECT_EQ(BIT60 | 1, d->driver_features);
	EXPECT_EQ(~0ULL, d->device_features);
	EXPECT_EQ(3, d->num_vqs);
	EXPECT_TRUE(d->broken);
	EXPECT_FALSE(d->failed);
	EXPECT_EQ(VIRTIO_STATUS_ENDIAN_BIG, d->endian);
	EXPECT_EQ(42, d->generation);
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	/* the pads are no attribute of the device */
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_PAD));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	nlmsg_free(msg);
	free(d);
}

TEST(decode_features_err_and_missing)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-blk"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR, EPERM));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NAME));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_EQ(EPERM, d->device_features_err);
	EXPECT_EQ(-1, vs_dev_check_info(d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	EXPECT_TEXT(e.detail, "its reply lacks VIRTIO_STATUS_A_DEV_HEADER");
	nlmsg_free(msg);

	/* a header nest naming the device by bus id only */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-blk"));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_HEADER));
	EXPECT_TRUE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_EQ(-1, vs_dev_check_info(d, &e));
	EXPECT_TEXT(e.detail, "its reply lacks VIRTIO_STATUS_A_HEADER_PATH");
	nlmsg_free(msg);
	free(d);
}

TEST(decode_rejects_wrong_cmd_and_size)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET + 1);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	nlmsg_free(msg);

	/* a u64 attribute of 2 bytes */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_DRIVER_FEATURES");
	nlmsg_free(msg);
	free(d);
}

/* Extended ACK messages */

struct fake_err {
	struct nlmsghdr nlh;
	struct nlmsgerr err;
	struct nlattr nla;
	char text[20];
};

TEST(extack_from_capped_error)
{
	struct fake_err m = { 0 };
	char buf[64];

	m.nla.nla_type = NLMSGERR_ATTR_MSG;
	m.nla.nla_len = NLA_HDRLEN + sizeof("unknown device");
	snprintf(m.text, sizeof(m.text), "%s", "unknown device");
	m.nlh.nlmsg_len = sizeof(m);
	m.nlh.nlmsg_type = NLMSG_ERROR;
	m.nlh.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	m.err.error = -ENODEV;

	EXPECT_EQ(0, vs_nl_extack(&m.nlh, sizeof(m.err), buf, sizeof(buf)));
	EXPECT_STREQ("unknown device", buf);

	/* no TLVs announced: nothing to read */
	m.nlh.nlmsg_flags = NLM_F_CAPPED;
	EXPECT_EQ(-1, vs_nl_extack(&m.nlh, sizeof(m.err), buf, sizeof(buf)));
	EXPECT_STREQ("", buf);

	/* an offset past the message */
	m.nlh.nlmsg_flags = NLM_F_CAPPED | NLM_F_ACK_TLVS;
	EXPECT_EQ(-1, vs_nl_extack(&m.nlh, sizeof(m), buf, sizeof(buf)));
}

/* vhost devices */

static const char * const vhost_dev_keys[] = {
	"n-mem-sections", "n-tmp-sections", "nvqs", "vq-index", "features",
	"acked-features", "backend-features", "protocol-features",
	"max-queues", "backend-cap", "log-enabled", "log-size",
};

TEST(vhost_status_keys_types_and_nesting)
{
	const char *prev = NULL;
	struct json_object *o, *vd;
	struct vs_nl_dev d;
	size_t i = 0;

	fill_vhost(&d);
	d.vhost.log_enabled = true;
	d.vhost.started = false;
	d.broken = true;
	o = vs_json_vhost_status(&d, FSET(BIT_ULL(63) | 7, 0));
	ASSERT_NE(NULL, o);
	/* VirtioStatus in the schema's order, then vhost-dev, last */
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (hex_sibling(k, prev))
			continue;
		prev = k;
		const char *want = i < ARRAY_SIZE(status_keys) ?
				   status_keys[i] : "vhost-dev";

		EXPECT_STREQ(want, k);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(status_keys) + 1, i);
	vd = member(o, "vhost-dev");
	ASSERT_NE(NULL, vd);
	ASSERT_TRUE(json_object_is_type(vd, json_type_object));
	i = 0;
	prev = NULL;
	json_object_object_foreach(vd, k2, v2) {
		if (hex_sibling(k2, prev)) {
			EXPECT_TRUE(json_object_is_type(v2, json_type_string));
			continue;
		}
		prev = k2;
		ASSERT_LT(i, ARRAY_SIZE(vhost_dev_keys));
		EXPECT_STREQ(vhost_dev_keys[i], k2);
		enum json_type want = strcmp(k2, "log-enabled") ?
				      json_type_int : json_type_boolean;

		EXPECT_TRUE(json_object_is_type(v2, want)) TH_LOG("%s", k2);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(vhost_dev_keys), i);

	/* from the device */
	EXPECT_FALSE(json_object_get_boolean(member(o, "vhost-started")));
	EXPECT_FALSE(json_object_get_boolean(member(o, "started")));
	EXPECT_TRUE(json_object_get_boolean(member(o, "broken")));
	EXPECT_EQ(BIT_ULL(63) | 7,
		  json_object_get_uint64(member(o, "host-features")));
	EXPECT_EQ(BIT_ULL(63) | 7,
		  json_object_get_uint64(member(vd, "features")));
	EXPECT_EQ(5, json_object_get_uint64(member(o, "guest-features")));
	EXPECT_EQ(5, json_object_get_uint64(member(vd, "acked-features")));
	EXPECT_EQ(2, json_object_get_uint64(member(o, "backend-features")));
	EXPECT_EQ(2, json_object_get_uint64(member(vd, "backend-features")));
	EXPECT_EQ(3, json_object_get_int64(member(vd, "n-mem-sections")));
	EXPECT_EQ(2, json_object_get_int64(member(vd, "nvqs")));
	EXPECT_TRUE(json_object_get_boolean(member(vd, "log-enabled")));
	/* the constants */
	EXPECT_EQ(0, json_object_get_int64(member(vd, "n-tmp-sections")));
	EXPECT_EQ(0, json_object_get_int64(member(vd, "vq-index")));
	EXPECT_EQ(0, json_object_get_uint64(member(vd, "protocol-features")));
	EXPECT_EQ(1, json_object_get_uint64(member(vd, "max-queues")));
	EXPECT_EQ(0, json_object_get_uint64(member(vd, "backend-cap")));
	EXPECT_EQ(0, json_object_get_uint64(member(vd, "log-size")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "isr")));
	EXPECT_EQ(0, json_object_get_int64(member(o, "queue-sel")));
	EXPECT_TRUE(json_object_get_boolean(member(o, "vm-running")));
	EXPECT_TRUE(json_object_get_boolean(member(o, "use-started")));
	EXPECT_STREQ("", json_object_get_string(member(o, "bus-name")));
	json_object_put(o);
}

TEST(vhost_status_cli_exact)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_vhost(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_TEXT(out, WANT_VHOST_STATUS "\n");
	EXPECT_STREQ("", err);
	/* the path went out as written, marked as a /proc path */
	EXPECT_EQ(VS_TARGET_PROC, f->last.kind);
	EXPECT_STREQ(VHOST_PATH, f->last.value);
	EXPECT_EQ(1, f->probes);
	EXPECT_STREQ("/dev/vhost-net", f->probed);
	free(out);
	free(err);

	/* vsock and scsi are probed at their own nodes */
	snprintf(f->dev.driver, sizeof(f->dev.driver), "%s", "vhost_vsock");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VSOCK_PATH)));
	EXPECT_STREQ("/dev/vhost-vsock", f->probed);
	free(out);
	free(err);
	snprintf(f->dev.driver, sizeof(f->dev.driver), "%s", "vhost_scsi");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VSOCK_PATH)));
	EXPECT_STREQ("/dev/vhost-scsi", f->probed);
	free(out);
	free(err);
	fake_free(f);
}

TEST(vhost_status_over_qmp)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	fill_vhost(&f->dev);
	f->features = vs_fset_of(7, 0);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\"}}");
	EXPECT_STREQ(WANT_VHOST_STATUS, s);
	free(s);
	fake_free(f);
}

TEST(vhost_probe_failure_sentence)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_vhost(&f->dev);
	f->probe_errnum = EACCES;
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "cannot read the features the vhost_net driver offers from /dev/vhost-net: Permission denied\n");
	free(out);
	free(err);

	f->probe_errnum = ENOENT;
	snprintf(f->dev.driver, sizeof(f->dev.driver), "%s", "vhost_vsock");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VSOCK_PATH)));
	EXPECT_TEXT(err,
		    "cannot read the features the vhost_vsock driver offers from /dev/vhost-vsock: No such file or directory\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(vhost_vdpa_is_not_probed)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_vhost(&f->dev);
	snprintf(f->dev.name, sizeof(f->dev.name), "%s", "vhost-vdpa");
	snprintf(f->dev.driver, sizeof(f->dev.driver), "%s", "vhost_vdpa");
	f->dev.id = 0;
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "cannot read the features the vhost_vdpa driver offers: its device node /dev/vhost-vdpa-N is opened exclusively by its owner and cannot be probed (Device or resource busy)\n");
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);

	/* a driver this tool has no node for: no guessing either */
	snprintf(f->dev.driver, sizeof(f->dev.driver), "%s", "vhost_blk");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_TEXT(err,
		    "cannot read the features the vhost driver 'vhost_blk' offers: this virtio-status does not know its device node\n");
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);
	fake_free(f);
}

TEST(vhost_check_by_kind)
{
	char buf[VS_MSG_MAX * 2];
	struct vs_err e;
	struct vs_nl_dev d;

	/* no DEVICE_FEATURES, BUSID or VENDOR needed for vhost */
	fill_vhost(&d);
	EXPECT_EQ(0, vs_dev_check_status(&d, &e));
	EXPECT_EQ(0, vs_dev_check_info(&d, &e));

	vs_dev_vhost_clear(&d, VIRTIO_STATUS_A_VHOST_MEM_REGIONS);
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	vs_err_sentence(&e, VHOST_PATH, buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_VHOST_MEM_REGIONS");

	/* owner and holders are optional */
	fill_vhost(&d);
	vs_dev_vhost_clear(&d, VIRTIO_STATUS_A_VHOST_OWNER_PID);
	vs_dev_vhost_clear(&d, VIRTIO_STATUS_A_VHOST_HOLDER_PID);
	EXPECT_EQ(0, vs_dev_check_status(&d, &e));

	/* the same reply marked virtio needs the virtio attributes */
	fill_vhost(&d);
	d.kind = VIRTIO_STATUS_KIND_VIRTIO;
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	EXPECT_NE(NULL, strstr(e.detail, "DEV_DEVICE_FEATURES"));

	/* a kind from a newer module */
	fill_vhost(&d);
	d.kind = 9;
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module describes a kind of device (9) this virtio-status does not know");
}

TEST(list_with_vhost_entries_in_dump_order)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_nl_dev *d;
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	d = vs_dev_list_add(&f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	d = vs_dev_list_add(&f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	snprintf(d->header.path, sizeof(d->header.path), "%s", VSOCK_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-vsock");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}, {\"path\": \"/proc/1300/fd/9\", \"name\": \"vhost-vsock\"}]}\n");
	EXPECT_STREQ("", err);
	/* listing asks no driver for its features */
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);
	fake_free(f);
}

TEST(target_proc_path_verbatim)
{
	static const char * const paths[] = {
		/* exists here, and realpath() would resolve it */
		"/proc/self/fd/0",
		"/proc/1234/fd/17",
		"/proc/1/fd/../fd/3",
	};
	char self[64];
	struct vs_target t;
	struct vs_err e;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(paths); i++) {
		ASSERT_EQ(0, vs_target_parse(paths[i], &t, &e));
		EXPECT_EQ(VS_TARGET_PROC, t.kind) TH_LOG("%s", paths[i]);
		EXPECT_STREQ(paths[i], t.value);
	}
	snprintf(self, sizeof(self), "/proc/%d/fd/0", getpid());
	ASSERT_EQ(0, vs_target_parse(self, &t, &e));
	EXPECT_STREQ(self, t.value);
	/* a path that merely mentions proc is a sysfs path */
	ASSERT_EQ(0, vs_target_parse("/nonexistent/proc/1/fd/3", &t, &e));
	EXPECT_EQ(VS_TARGET_PATH, t.kind);
	EXPECT_TRUE(vs_is_proc_path("/proc/1/fd/2"));
	EXPECT_FALSE(vs_is_proc_path("/procfs/1"));
	EXPECT_FALSE(vs_is_proc_path("/sys/devices/virtio0"));
}

TEST(vhost_enodev_and_eperm_sentences)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	vs_err_sys(&f->get_err, ENODEV, "no vhost device at this fd");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/proc/99/fd/4\"}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no vhost device at /proc/99/fd/4 (kernel: no vhost device at this fd)\"}}");
	free(s);
	vs_err_sys(&f->get_err, EPERM, "vhost devices need CAP_NET_ADMIN");
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/proc/99/fd/4\"}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root (kernel: vhost devices need CAP_NET_ADMIN)\"}}");
	free(s);
	EXPECT_EQ(VS_TARGET_PROC, f->last.kind);
	EXPECT_EQ(0, f->probes);
	fake_free(f);
}

/* info, and the warning when vhost is off */

static void fake_info_off(struct fake *f, const char *reason)
{
	memset(&f->info, 0, sizeof(f->info));
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_REASON);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_OFF;
	snprintf(f->info.vhost_reason, sizeof(f->info.vhost_reason), "%s",
		 reason);
	snprintf(f->info.vhost_layout, sizeof(f->info.vhost_layout), "%s",
		 "none");
}

TEST(info_command_output)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	snprintf(f->info.vhost_layout, sizeof(f->info.vhost_layout), "%s",
		 "6.12.117: BTF of vhost.ko");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_TEXT(out,
		    "{\"return\": {\"vhost\": \"on\", \"vhost-layout\": \"6.12.117: BTF of vhost.ko\"}}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	fake_info_off(f, "vhost.ko has no BTF");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_TEXT(out,
		    "{\"return\": {\"vhost\": \"off\", \"vhost-reason\": \"vhost.ko has no BTF\", \"vhost-layout\": \"none\"}}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* QMP spelling */
	s = qmp(&be, "{\"execute\": \"x-virtio-status-info\"}");
	EXPECT_TEXT(s,
		    "{\"return\": {\"vhost\": \"off\", \"vhost-reason\": \"vhost.ko has no BTF\", \"vhost-layout\": \"none\"}}");
	free(s);

	/* an old module */
	f->info_errnum = EOPNOTSUPP;
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "kernel module too old: it does not answer VIRTIO_STATUS_CMD_INFO\n");
	free(out);
	free(err);

	/* a state this tool does not know, and a reply without one */
	f->info_errnum = 0;
	f->info.vhost_state = 5;
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_NE(NULL, strstr(err, "vhost state 5"));
	free(out);
	free(err);
	memset(&f->info.have, 0, sizeof(f->info.have));
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_INFO_VHOST_STATE\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(info_args)
{
	char msg[VS_MSG_MAX];
	struct vs_opts o;

	ASSERT_EQ(0, PARSE(&o, msg, "info"));
	EXPECT_STREQ("info", o.cmd->name);
	EXPECT_EQ(-1, PARSE(&o, msg, "info", "--path", "virtio0"));
	EXPECT_STREQ("info takes no --path", msg);
	/* each spelling in its own place */
	EXPECT_EQ(-1, PARSE(&o, msg, "x-virtio-status-info"));
	EXPECT_EQ(NULL, vs_cmd_find("info", true));
	EXPECT_NE(NULL, vs_cmd_find("x-virtio-status-info", true));
}

TEST(vhost_off_warning_on_stderr)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_info_off(f, "vhost.ko has no BTF");
	f->privileged = true;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}]}\n");
	EXPECT_TEXT(err,
		    "virtio-status: vhost devices are not listed: vhost.ko has no BTF\n");
	free(out);
	free(err);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_EQ(0, strncmp(out, "{\"return\": {\"name\": \"virtio-net\", ", 34));
	EXPECT_TEXT(err,
		    "virtio-status: vhost devices are not listed: vhost.ko has no BTF\n");
	free(out);
	free(err);

	/* not for the info command itself, which says so on stdout */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* nor over --qmp, whose answers are all on stdout */
	EXPECT_EQ(0, run_cli(&be, "{\"execute\": \"x-query-virtio\"}\n",
			     &out, &err, ARGV("--qmp")));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	fake_free(f);
}

TEST(vhost_off_warning_silent_cases)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;
	int infos;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_info_off(f, "vhost.ko has no BTF");

	/* unprivileged: vhost devices are not for this caller anyway */
	f->privileged = false;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_STREQ("", err);
	EXPECT_EQ(0, f->infos);
	free(out);
	free(err);

	/* vhost on */
	f->privileged = true;
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* an old module without VIRTIO_STATUS_CMD_INFO */
	f->info_errnum = EOPNOTSUPP;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_STREQ("", err);
	EXPECT_NE(NULL, strstr(out, "virtio-net"));
	free(out);
	free(err);

	/* a failed command: its sentence only */
	f->info_errnum = 0;
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_OFF;
	vs_err_sys(&f->get_err, ENODEV, NULL);
	infos = f->infos;
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio9")));
	EXPECT_STREQ("no virtio device at virtio9\n", err);
	EXPECT_EQ(infos, f->infos);
	free(out);
	free(err);
	fake_free(f);
}

/* The real features probe, on nodes that are not vhost */

TEST(vhost_probe_real_errors_and_cache)
{
	char dir[] = "/tmp/vs-probe-XXXXXX";
	struct vs_vhost_probes c = { 0 };
	struct vs_fset features = vs_fset_of(42, 0);
	char node[256];
	int fd;

	/* not a vhost node: both ioctls fail, the open did not */
	EXPECT_EQ(ENOTTY, vs_vhost_probe_features("/dev/null", &features));
	EXPECT_EQ(42, features.w[0]);

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(node, sizeof(node), "%s/vhost-net", dir);
	EXPECT_EQ(ENOENT, vs_vhost_probe_features(node, &features));

	/* the first answer stands for the rest of the run */
	EXPECT_EQ(ENOENT, vs_vhost_features_cached(&c, node, &features));
	fd = open(node, O_RDWR | O_CREAT, 0600);
	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(ENOTTY, vs_vhost_probe_features(node, &features));
	EXPECT_EQ(ENOENT, vs_vhost_features_cached(&c, node, &features));
	EXPECT_EQ(1, c.n);
	EXPECT_EQ(ENOTTY, vs_vhost_features_cached(&c, "/dev/null",
						   &features));
	EXPECT_EQ(2, c.n);
	unlink(node);
	rmdir(dir);
}

/* Decoding vhost and info replies */

TEST(decode_vhost_reply_with_holders)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, BIT60 | 5));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 2));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_LITTLE));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 7));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES, BIT60 | 5));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES, 6));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_MEM_REGIONS, 4));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_VHOST_LOG_ENABLED, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_VHOST_STARTED, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1240));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 77));
	ASSERT_EQ(0, nla_nest_end(msg, nest));

	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_STREQ(VHOST_PATH, d->header.path);
	EXPECT_STREQ("vhost_net", d->driver);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_EQ(BIT60 | 5, d->vhost.acked_features);
	EXPECT_EQ(6, d->vhost.backend_features);
	EXPECT_EQ(4, d->vhost.mem_regions);
	EXPECT_TRUE(d->vhost.log_enabled);
	EXPECT_TRUE(d->vhost.started);
	EXPECT_EQ(1234, d->vhost.owner_pid);
	ASSERT_EQ(3, d->vhost.n_holder_pid);
	EXPECT_EQ(3, vs_dev_holders(d));
	EXPECT_EQ(3, vs_dev_holders_kept(d));
	EXPECT_EQ(1234, d->vhost.holder_pid[0]);
	EXPECT_EQ(1240, d->vhost.holder_pid[1]);
	EXPECT_EQ(77, d->vhost.holder_pid[2]);
	EXPECT_TRUE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_HOLDER_PID));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_HOLDERS));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_PAD));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_PAD));
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	nlmsg_free(msg);
	free(d);
}

/*
 * A vhost device's reply: KIND, and a vhost nest of @n HOLDER_PIDs from
 * 100 up, HOLDERS @total if not 0.
 */
static struct nl_msg *holders_msg(u32 n, u32 total)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct nlattr *nest;
	u32 i;

	if (!msg || nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST) < 0)
		goto fail;
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	if (!nest)
		goto fail;
	for (i = 0; i < n; i++)
		if (nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 100 + i) < 0)
			goto fail;
	if (total && nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, total) < 0)
		goto fail;
	if (nla_nest_end(msg, nest) < 0)
		goto fail;
	return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

TEST(decode_many_holders_and_bad_holder)
{
	struct nl_msg *msg = holders_msg(VS_HOLDERS_MAX + 6, 0);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* decoded into a cleared struct; past the array: counted, not stored */
	memset(d, 0xa5, sizeof(*d));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_HOLDERS_MAX + 6, d->vhost.n_holder_pid);
	EXPECT_EQ(VS_HOLDERS_MAX + 6, vs_dev_holders(d));
	EXPECT_EQ(VS_HOLDERS_MAX, vs_dev_holders_kept(d));
	EXPECT_EQ(100, d->vhost.holder_pid[0]);
	EXPECT_EQ(100 + VS_HOLDERS_MAX - 1, d->vhost.holder_pid[VS_HOLDERS_MAX - 1]);
	EXPECT_EQ(0, d->vhost.holders);
	EXPECT_STREQ("", d->vhost.error);
	nlmsg_free(msg);

	/* the module sends the lowest pids and the total: the total counts */
	msg = holders_msg(VIRTIO_STATUS_HOLDERS_SENT, 5001);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(5001, vs_dev_holders(d));
	EXPECT_EQ(VIRTIO_STATUS_HOLDERS_SENT, vs_dev_holders_kept(d));
	EXPECT_EQ(100, d->vhost.holder_pid[0]);
	nlmsg_free(msg);

	/* a total below the pids sent does not hide any */
	msg = holders_msg(3, 2);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(3, vs_dev_holders(d));
	nlmsg_free(msg);

	/* a short holder pid, even after a good one, is malformed */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1));
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 3));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_VHOST_HOLDER_PID");
	nlmsg_free(msg);
	free(d);
}

TEST(decode_missing_kind_is_virtio)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* an old module's reply: no KIND */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0x0f));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 5));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, 7));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 3));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_LITTLE));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_KIND));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VIRTIO, vs_dev_kind(d));
	EXPECT_EQ(0, vs_dev_holders(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	nlmsg_free(msg);

	/* and a current module's virtio reply says so */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VIRTIO, vs_dev_kind(d));
	nlmsg_free(msg);
	free(d);
}

TEST(decode_info_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	struct vs_nl_info info;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_VHOST_STATE, VIRTIO_STATUS_VHOST_STATE_OFF));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_VHOST_REASON, "no layout for 6.13"));
	ASSERT_EQ(0, vs_info_from_msg(msg, &info, &e));
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_STATE));
	EXPECT_EQ(VIRTIO_STATUS_VHOST_STATE_OFF, info.vhost_state);
	EXPECT_STREQ("no layout for 6.13", info.vhost_reason);
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT));
	nlmsg_free(msg);

	/* a device reply is not an info reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-1, vs_info_from_msg(msg, &info, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	nlmsg_free(msg);
}

/* Feature tables and decoding */

/* Entries no uapi header has, with the values the specification gives. */
static const struct {
	const char *sym;
	unsigned int bit;
} spec_bits[] = {
	{ "VHOST_USER_F_PROTOCOL_FEATURES", 30 },	/* QEMU's vhost-user */
	{ "VIRTIO_BLK_F_LIFETIME", 15 },
	{ "VIRTIO_VSOCK_F_STREAM", 0 },
	{ "VIRTIO_VSOCK_F_NO_IMPLIED_STREAM", 2 },
	{ "VIRTIO_CRYPTO_F_REVISION_1", 0 },
	{ "VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE", 1 },
	{ "VIRTIO_CRYPTO_F_HASH_STATELESS_MODE", 2 },
	{ "VIRTIO_CRYPTO_F_MAC_STATELESS_MODE", 3 },
	{ "VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE", 4 },
	{ "VIRTIO_FS_F_NOTIFICATION", 0 },
};

/*
 * Every entry of features-table.h against one set of uapi headers: a bit
 * mistyped fails here. With @newest, every H and E symbol must be there
 * too (a symbol misspelt fails); an older set may lack newer symbols.
 */
static void check_uapi_set(struct __test_metadata *_metadata,
			   const struct vs_uapi_set *set, bool newest)
{
	unsigned long long v, want;
	size_t i, j, absent = 0;
	char *end;

	ASSERT_LT(50, set->n_entries);
	EXPECT_EQ(vs_n_feats, set->n_entries);
	for (i = 0; i < set->n_entries; i++) {
		const struct vs_uapi_entry *u = &set->entries[i];
		bool defined = strcmp(u->sym, u->expansion);

		ASSERT_LT(i, vs_n_feats);

		switch (u->src) {
		case 'H':
		case 'S':
			if (!defined) {
				/* older headers than the table: only then */
				EXPECT_FALSE(newest)
					TH_LOG("%s is in no uapi header of %s",
					       u->sym, set->dir);
				absent++;
				break;
			}
			errno = 0;
			v = strtoull(u->expansion, &end, 0);
			EXPECT_TRUE(!errno && !*end)
				TH_LOG("%s is \"%s\", not a number", u->sym,
				       u->expansion);
			/* S: the status byte's mask */
			want = u->src == 'H' ? u->bit : 1ULL << u->bit;
			EXPECT_EQ(want, v) TH_LOG("%s", u->sym);
			break;
		case 'E':
			for (j = 0; j < set->n_enums; j++)
				if (!strcmp(set->enums[j].sym, u->sym))
					break;
			ASSERT_LT(j, set->n_enums)
				TH_LOG("%s: add it to uapi-check.c", u->sym);
			if (!set->has_enums) {
				EXPECT_FALSE(newest)
					TH_LOG("%s: the enums of %s are unknown",
					       u->sym, set->dir);
				absent++;
				break;
			}
			EXPECT_EQ(u->bit, set->enums[j].val) TH_LOG("%s", u->sym);
			break;
		case 'N':
			/* not in uapi: a header that gains it must say H */
			EXPECT_FALSE(defined)
				TH_LOG("%s is in uapi now: mark it H", u->sym);
			for (j = 0; j < ARRAY_SIZE(spec_bits); j++)
				if (!strcmp(spec_bits[j].sym, u->sym))
					break;
			ASSERT_LT(j, ARRAY_SIZE(spec_bits)) TH_LOG("%s", u->sym);
			EXPECT_EQ(spec_bits[j].bit, u->bit) TH_LOG("%s", u->sym);
			break;
		default:
			EXPECT_EQ(0, u->src)
				TH_LOG("%s: source %c", u->sym, u->src);
		}
		/* the tool's table is the same list */
		EXPECT_STREQ(u->sym, vs_feats[i].sym);
		EXPECT_EQ(u->bit, vs_feats[i].bit);
		EXPECT_EQ(u->table, vs_feats[i].table);
		EXPECT_STREQ(u->desc, vs_feats[i].desc);
	}
	if (absent)
		TH_LOG("%zu symbols are newer than the uapi headers of %s",
		       absent, set->dir[0] ? set->dir : "the libc");
}

/*
 * The installed headers (VS_UAPI_DIR, the newest linux-headers package
 * here, else the libc's): they may be older than the table.
 */
TEST(feature_table_matches_uapi)
{
	ASSERT_NE(NULL, vs_uapi_installed.dir);
	check_uapi_set(_metadata, &vs_uapi_installed, false);
}

/*
 * Symbols of the uapi headers with "_F_" in their name and a plain number
 * for a value that are not feature bits of a device, and why.
 */
static const struct {
	const char *sym;	/* a prefix when it ends in '_' */
	const char *why;
} not_feature_bits[] = {
	{ "VRING_", "ring and descriptor flags" },
	{ "VHOST_VRING_F_", "a flag of VHOST_SET_VRING_ADDR" },
	{ "VIRTIO_NET_HDR_F_", "flags of the virtio-net packet header" },
	{ "VIRTIO_TRANSPORT_F_", "the bounds of the transport range" },
	{ "VIRTIO_ADMIN_CMD_", "flags of an admin command" },
	{ "VIRTIO_DEV_PART_F_", "flags of an admin command" },
	{ "VIRTIO_SND_JACK_F_", "features of a jack, in its config" },
	{ "VIRTIO_SND_PCM_F_", "features of a PCM stream, in its config" },
	{ "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_MAPPED",
	  "a guest offload bit (VIRTIO_NET_CTRL_GUEST_OFFLOADS)" },
	{ "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM_MAPPED",
	  "a guest offload bit (VIRTIO_NET_CTRL_GUEST_OFFLOADS)" },
	{ "VHOST_NET_F_VIRTIO_NET_HDR",
	  "bit 27 of vhost-net, which the table names VIRTIO_F_ANY_LAYOUT" },
};

static bool is_feature_sym(const char *sym)
{
	size_t i, n;

	if (!strstr(sym, "_F_"))
		return false;
	for (i = 0; i < ARRAY_SIZE(not_feature_bits); i++) {
		n = strlen(not_feature_bits[i].sym);
		if (not_feature_bits[i].sym[n - 1] == '_' ?
		    !strncmp(sym, not_feature_bits[i].sym, n) :
		    !strcmp(sym, not_feature_bits[i].sym))
			return false;
	}
	return true;
}

/*
 * "#define NAME N" or an enum's "NAME = N," with N a plain number: @sym
 * and @val. Anything else (expressions, other symbols) is not read.
 */
static bool parse_bit_line(const char *line, char *sym, size_t len,
			   unsigned long long *val)
{
	const char *p = line, *name;
	char *end;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "define", 6) || (p[6] != ' ' && p[6] != '\t'))
			return false;
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	name = p;
	while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
		p++;
	n = p - name;
	if (!n || n >= len || (*p != ' ' && *p != '\t'))
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (line[strspn(line, " \t")] != '#') {
		if (*p != '=')
			return false;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	*val = strtoull(p, &end, 0);
	if (errno)
		return false;
	while (*end == ' ' || *end == '\t' || *end == ',')
		end++;
	if (*end && *end != '\n' && strncmp(end, "/*", 2))
		return false;
	memcpy(sym, name, n);
	sym[n] = '\0';
	return true;
}

/* Every feature bit the headers in @dir/linux define is in the table. */
static void check_uapi_bits_named(struct __test_metadata *_metadata,
				  const char *dir)
{
	char path[4096], line[512], sym[128];
	unsigned long long val;
	size_t i, seen = 0;
	struct dirent *de;
	DIR *dh;
	FILE *f;

	snprintf(path, sizeof(path), "%s/linux", dir);
	dh = opendir(path);
	ASSERT_NE(NULL, dh) TH_LOG("%s: %s", path, strerror(errno));
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, "virtio_", 7) &&
		    strncmp(de->d_name, "vhost", 5))
			continue;
		if (strcmp(de->d_name + strlen(de->d_name) - 2, ".h"))
			continue;
		snprintf(path, sizeof(path), "%s/linux/%s", dir, de->d_name);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
		while (fgets(line, sizeof(line), f)) {
			if (!parse_bit_line(line, sym, sizeof(sym), &val) ||
			    !is_feature_sym(sym))
				continue;
			seen++;
			for (i = 0; i < vs_n_feats; i++)
				if (!strcmp(vs_feats[i].sym, sym))
					break;
			EXPECT_LT(i, vs_n_feats)
				TH_LOG("%s defines %s %llu: %s", de->d_name,
				       sym, val,
				       "add it to features-table.h (or to not_feature_bits[] if it is no feature bit)");
			if (i < vs_n_feats)
				EXPECT_EQ(val, vs_feats[i].bit) TH_LOG("%s", sym);
		}
		fclose(f);
	}
	closedir(dh);
	/* the scan found the bits it should, so it still works */
	EXPECT_LT(100, seen);
}

TEST(uapi_bit_line_parsing)
{
	unsigned long long v;
	char sym[64];

	ASSERT_TRUE(parse_bit_line("#define VIRTIO_NET_F_MQ\t22\t/* mq */\n",
				   sym, sizeof(sym), &v));
	EXPECT_STREQ("VIRTIO_NET_F_MQ", sym);
	EXPECT_EQ(22, v);
	ASSERT_TRUE(parse_bit_line("#define VHOST_BACKEND_F_IOTLB_BATCH  0x2\n",
				   sym, sizeof(sym), &v));
	EXPECT_EQ(2, v);
	ASSERT_TRUE(parse_bit_line("\tVIRTIO_SND_F_CTLS = 0\n", sym,
				   sizeof(sym), &v));
	EXPECT_STREQ("VIRTIO_SND_F_CTLS", sym);
	EXPECT_FALSE(parse_bit_line("#define VIRTIO_F_IOMMU_PLATFORM VIRTIO_F_ACCESS_PLATFORM\n",
				    sym, sizeof(sym), &v));
	EXPECT_FALSE(parse_bit_line("#define VIRTIO_IOMMU_MAP_F_READ (1 << 0)\n",
				    sym, sizeof(sym), &v));
	EXPECT_FALSE(parse_bit_line("\tVIRTIO_SND_PCM_F_SHMEM_GUEST,\n", sym,
				    sizeof(sym), &v));
	EXPECT_FALSE(is_feature_sym("VRING_DESC_F_NEXT"));
	EXPECT_FALSE(is_feature_sym("VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_MAPPED"));
	EXPECT_TRUE(is_feature_sym("VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO"));
}

/*
 * The newest kernel's headers (VS_UAPI_NEWEST, set by make check): every
 * symbol of the table is there with its bit, and every feature bit they
 * define is in the table. Without them this fails: a table that was never
 * compared with the newest kernel is not known to be right.
 */
TEST(feature_table_matches_newest_uapi)
{
	if (!vs_uapi_newest.dir) {
		TH_LOG("%s",
		       "VS_UAPI_NEWEST is not set: make the tests with VS_UAPI_NEWEST=DIR, DIR the include/uapi directory of the newest kernel's headers (linux-source or linux-headers-*-common of the newest release; make check sets it)");
		ASSERT_NE(NULL, vs_uapi_newest.dir);
	}
	TH_LOG("newest uapi headers: %s", vs_uapi_newest.dir);
	check_uapi_set(_metadata, &vs_uapi_newest, true);
	check_uapi_bits_named(_metadata, vs_uapi_newest.dir);
}

TEST(feature_tables_ordered_and_disjoint)
{
	const struct vs_feat *f, *prev = NULL;
	struct vs_feat_table t;
	bool transport;
	size_t i, n = 0;

	for (i = 0; i < vs_n_feats; i++) {
		f = &vs_feats[i];
		EXPECT_GT(VS_FEAT_BITS, f->bit);
		EXPECT_LT(0, strlen(f->desc));
		/* a table's entries together, in ascending bit order */
		if (prev && prev->table == f->table) {
			EXPECT_LT(prev->bit, f->bit) TH_LOG("%s", f->sym);
		} else {
			ASSERT_TRUE(vs_feat_table(f->table, &t));
			EXPECT_EQ(f, t.feats) TH_LOG("%s", f->sym);
			n += t.n;
		}
		prev = f;
		if (f->table >= VS_TBL_TRANSPORT)
			continue;
		/* device bits never hide transport or shared bits */
		EXPECT_EQ(f, vs_feat_find(f->bit, f->table, VS_AS_VHOST,
					  &transport)) TH_LOG("%s", f->sym);
		EXPECT_NE(NULL, vs_feat_type_name(f->table));
	}
	EXPECT_EQ(vs_n_feats, n);
	/* the transport range is the transport's */
	ASSERT_TRUE(vs_feat_table(VS_TBL_TRANSPORT, &t));
	EXPECT_EQ(24, t.feats[0].bit);
	EXPECT_EQ(41, t.feats[t.n - 1].bit);
	/* device types of the uapi headers with bits have a table */
	EXPECT_TRUE(vs_feat_table(1, &t));	/* net */
	EXPECT_TRUE(vs_feat_table(2, &t));	/* blk */
	EXPECT_TRUE(vs_feat_table(9, &t));	/* 9p */
	EXPECT_TRUE(vs_feat_table(19, &t));	/* vsock */
	EXPECT_TRUE(vs_feat_table(41, &t));	/* gpio */
	EXPECT_FALSE(vs_feat_table(4, &t));	/* rng: no bits */
	EXPECT_FALSE(vs_feat_table(18, &t));	/* input: no bits */
}

TEST(status_flags_short)
{
	char buf[64];

	EXPECT_STREQ("ACK,DRV,FEAT,OK", vs_status_flags(0x0f, buf, sizeof(buf)));
	EXPECT_STREQ("-", vs_status_flags(0, buf, sizeof(buf)));
	EXPECT_STREQ("ACK,DRV,RESET,FAILED,0x30",
		     vs_status_flags(0xf3, buf, sizeof(buf)));
}

static char *member_text(struct json_object *o, const char *key)
{
	struct json_object *m = member(o, key);

	return m ? vs_json_text(m, false) : strdup("(absent)");
}

#define D_VERSION_1	"VIRTIO_F_VERSION_1: speaks virtio 1.0 or later (not legacy)"
#define D_CSUM		"VIRTIO_NET_F_CSUM: device checksums partially checksummed packets"
#define D_GUEST_CSUM	"VIRTIO_NET_F_GUEST_CSUM: driver accepts partially checksummed packets"
#define D_CTRL_OFFL	"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS: receive offloads switchable at run time"
#define D_RSS		"VIRTIO_NET_F_RSS: receive side scaling"
#define D_SPEED		"VIRTIO_NET_F_SPEED_DUPLEX: link speed and duplex in the config space"
#define D_ACK		"VIRTIO_CONFIG_S_ACKNOWLEDGE: the guest noticed the device"
#define D_DRIVER	"VIRTIO_CONFIG_S_DRIVER: the guest has a driver for it"
#define D_DRIVER_OK	"VIRTIO_CONFIG_S_DRIVER_OK: the driver is ready, the device is live"
#define D_FEAT_OK	"VIRTIO_CONFIG_S_FEATURES_OK: feature negotiation is complete"
#define D_RESET		"VIRTIO_CONFIG_S_NEEDS_RESET: the device hit an error and needs a reset"
#define D_FAILED	"VIRTIO_CONFIG_S_FAILED: the driver gave up on the device"

TEST(decoded_net_exact)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\"]}");
	free(s);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_GUEST_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\", \""
		    D_SPEED
		    "\"]}");
	free(s);
	/* a guest has no backend: nothing set, "dev-features" still there */
	s = member_text(o, "backend-features");
	EXPECT_TEXT(s, "{\"transports\": [], \"dev-features\": []}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_DRIVER
		    "\", \""
		    D_DRIVER_OK
		    "\", \""
		    D_FEAT_OK
		    "\"]}");
	free(s);
	/* everything else as before */
	EXPECT_EQ(3, json_object_get_int(member(o, "num-vqs")));
	EXPECT_EQ(20, json_object_object_length(o));
	json_object_put(o);
}

TEST(decoded_unknown_bits)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	/* net: bits 4 and 51 have no name; 40 is RING_RESET */
	d.driver_features = BIT_ULL(51) | BIT_ULL(40) | BIT_ULL(4);
	/* rng (id 4) has no device bits at all: 0 and 58 are unknown */
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\"VIRTIO_F_RING_RESET: single virtqueues can be reset\"], \"dev-features\": [], \"unknown-dev-features\": 2251799813685264}");
	free(s);
	json_object_put(o);

	d.id = 4;
	d.driver_features = BIT_ULL(58) | BIT_ULL(30) | BIT_ULL(0);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_USER_F_PROTOCOL_FEATURES: vhost-user protocol feature negotiation\"], \"unknown-dev-features\": 288230376151711745, \"unknown-dev-features-hex\": \"0x0400000000000001\"}");
	free(s);
	json_object_put(o);

	/* an id no table knows (and past 16 bits) never crashes */
	d.id = 0x12345;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_USER_F_PROTOCOL_FEATURES: vhost-user protocol feature negotiation\"], \"unknown-dev-features\": 288230376151711745, \"unknown-dev-features-hex\": \"0x0400000000000001\"}");
	free(s);
	json_object_put(o);
}

TEST(decoded_status_reset_failed_unknown)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.status = 0xc0 | 0x30 | 0x01;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_RESET
		    "\", \""
		    D_FAILED
		    "\"], \"unknown-statuses\": 48}");
	free(s);
	EXPECT_FALSE(json_object_get_boolean(member(o, "started")));
	json_object_put(o);

	d.status = 0;
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "status");
	EXPECT_TEXT(s, "{\"statuses\": []}");
	free(s);
	json_object_put(o);
}

TEST(decoded_vhost_with_backed_device_table)
{
	struct json_object *o, *dev;
	struct vs_nl_dev d;
	char *s;

	fill_vhost(&d);
	d.vhost.acked_features = BIT_ULL(32) | BIT_ULL(26) | BIT_ULL(0);
	d.vhost.backend_features = BIT_ULL(1) | BIT_ULL(3) | BIT_ULL(20);
	o = vs_json_vhost_status_mode(&d, FSET(BIT_ULL(63) | BIT_ULL(26) | 1, 0),
				      VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\"]}");
	free(s);
	s = member_text(o, "backend-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VHOST_BACKEND_F_IOTLB_MSG_V2: IOTLB messages in the v2 format\", \"VHOST_BACKEND_F_IOTLB_ASID: IOTLB messages carry an address space id\"], \"unknown-dev-features\": 1048576}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s, "{\"statuses\": []}");
	free(s);
	dev = member(o, "vhost-dev");
	ASSERT_NE(NULL, dev);
	s = member_text(dev, "features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\", \""
		    D_SPEED
		    "\"]}");
	free(s);
	s = member_text(dev, "acked-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \"VHOST_F_LOG_ALL: dirty page logging for live migration\"]}");
	free(s);
	s = member_text(dev, "protocol-features");
	EXPECT_TEXT(s, "{\"protocols\": []}");
	free(s);
	/* the plain members stay numbers */
	EXPECT_EQ(2, json_object_get_int(member(dev, "nvqs")));
	json_object_put(o);

	/* vhost-vsock: bit 1 is the vsock table's, not net's */
	d.id = 19;
	d.vhost.acked_features = BIT_ULL(1);
	o = vs_json_vhost_status_mode(&d, FSET(0, 0), VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VIRTIO_VSOCK_F_SEQPACKET: seqpacket sockets\"]}");
	free(s);
	json_object_put(o);
}

TEST(raw_and_decoded_extras)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	fill_dev(&d);
	d.device_features = BIT_ULL(63) | 1;
	d.status = 0x0f | 0x20;
	o = vs_json_status_mode(&d, VS_JSON_RAW_AND_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_SPEED
		    "\"], \"raw\": 9223372036854775809, \"raw-hex\": \"0x8000000000000001\", \"symbols\": [\"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_SPEED_DUPLEX\"]}");
	free(s);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\""
		    D_VERSION_1
		    "\"], \"dev-features\": [\""
		    D_CSUM
		    "\", \""
		    D_CTRL_OFFL
		    "\", \""
		    D_RSS
		    "\"], \"raw\": 1152921508901814277, \"raw-hex\": \"0x1000000100000005\", \"symbols\": [\"VIRTIO_F_VERSION_1\", \"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS\", \"VIRTIO_NET_F_RSS\"]}");
	free(s);
	s = member_text(o, "status");
	EXPECT_TEXT(s,
		    "{\"statuses\": [\""
		    D_ACK
		    "\", \""
		    D_DRIVER
		    "\", \""
		    D_DRIVER_OK
		    "\", \""
		    D_FEAT_OK
		    "\"], \"unknown-statuses\": 32, \"raw\": 47, \"raw-hex\": \"0x000000000000002f\", \"symbols\": [\"VIRTIO_CONFIG_S_ACKNOWLEDGE\", \"VIRTIO_CONFIG_S_DRIVER\", \"VIRTIO_CONFIG_S_DRIVER_OK\", \"VIRTIO_CONFIG_S_FEATURES_OK\"]}");
	free(s);
	json_object_put(o);

	/* vhost protocol features: raw-hex too */
	fill_vhost(&d);
	o = vs_json_vhost_dev_mode(&d, FSET(7, 0), VS_JSON_RAW_AND_DECODED);
	s = member_text(o, "protocol-features");
	EXPECT_TEXT(s,
		    "{\"protocols\": [], \"raw\": 0, \"raw-hex\": \"0x0000000000000000\", \"symbols\": []}");
	free(s);
	json_object_put(o);
}

TEST(cli_decode_options)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char msg[VS_MSG_MAX];
	struct vs_opts o;
	char *out, *err;

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-status", "--path",
			   "virtio0", "--decode"));
	EXPECT_EQ(VS_JSON_DECODED, o.mode);
	ASSERT_EQ(0, PARSE(&o, msg, "--raw-and-decoded", "x-query-virtio-status",
			   "--path", "virtio0", "--decode"));
	EXPECT_EQ(VS_JSON_RAW_AND_DECODED, o.mode);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "--decode"));
	EXPECT_STREQ("--decode and --raw-and-decoded are for x-query-virtio-status",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "show", "--decode"));
	EXPECT_EQ(-1, PARSE(&o, msg, "--qmp", "--decode"));

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--decode")));
	EXPECT_NE(NULL, strstr(out, "\"status\": {\"statuses\": [\"" D_ACK "\""));
	EXPECT_NE(NULL, strstr(out, "\"num-vqs\": 3, "));
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--raw-and-decoded")));
	EXPECT_NE(NULL, strstr(out, "\"raw-hex\": \"0x9000000100000007\""));
	free(out);
	free(err);

	/* without the options: the raw numbers, unchanged */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_NE(NULL, strstr(out, "\"status\": 15, "));
	free(out);
	free(err);
	fake_free(f);
}

TEST(qmp_decode_argument)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": true}}");
	EXPECT_NE(NULL, strstr(s, "\"status\": {\"statuses\": [\"" D_ACK "\""));
	EXPECT_EQ(NULL, strstr(s, "raw-hex"));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"decode\": true, \"path\": \"virtio0\", \"raw-and-decoded\": true}}");
	EXPECT_NE(NULL, strstr(s, "\"raw-hex\": \"0x000000000000000f\""));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": false}}");
	EXPECT_NE(NULL, strstr(s, "\"status\": 15, "));
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": 1}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Invalid parameter type for 'decode', expected: boolean\"}}");
	free(s);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decoded\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'decoded' is unexpected\"}}");
	free(s);

	s = qmp(&be, "{\"execute\": \"x-query-virtio\", \"arguments\": {\"decode\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'decode' is unexpected\"}}");
	free(s);

	s = qmp(&be, "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"decode\": true}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'path' is missing\"}}");
	free(s);
	fake_free(f);
}

/* show */

TEST(show_table_exact)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_nl_dev *d;
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	d = &f->list.devs[0];
	snprintf(d->driver, sizeof(d->driver), "virtio_net");
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	fake_add(f, MMIO_PATH, "virtio-blk");
	d = &f->list.devs[1];
	snprintf(d->header.busid, sizeof(d->header.busid), "virtio1");
	d->id = 2;
	d->status = 0x83;
	d->driver_features = 0;
	d->num_vqs = 0;
	d = vs_dev_list_add(&f->list);
	fill_vhost(d);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER      STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  virtio_net  ACK,DRV,FEAT,OK  4         3    /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "virtio-blk  virtio1  -           ACK,DRV,FAILED   0         0    /sys/devices/platform/a000.virtio_mmio/virtio1\n"
		    "vhost-net   1234/17  vhost_net   started          2         2    /proc/1234/fd/17\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* no command at all is show */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("-p")));
	EXPECT_EQ(0, strncmp(out, "NAME  ", 6));
	free(out);
	free(err);
	fake_free(f);
}

TEST(show_device_exact)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	snprintf(f->dev.driver, sizeof(f->dev.driver), "virtio_net");
	snprintf(f->dev.transport, sizeof(f->dev.transport), "pci");
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_DRIVER);
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_TRANSPORT);
	f->dev.driver_features |= BIT_ULL(40) | BIT_ULL(4);
	f->dev.device_features |= BIT_ULL(40) | BIT_ULL(4) | BIT_ULL(51);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_TEXT(out,
		    "virtio-net virtio0\n"
		    "  path:             /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "  device id:        1 (net)\n"
		    "  driver:           virtio_net\n"
		    "  transport:        pci\n"
		    "  status:           0x0f ACK,DRV,FEAT,OK\n"
		    "  queues:           3\n"
		    "  broken:           no\n"
		    "negotiated features (5):\n"
		    "  VIRTIO_NET_F_CSUM                 device checksums partially checksummed packets\n"
		    "  VIRTIO_NET_F_CTRL_GUEST_OFFLOADS  receive offloads switchable at run time\n"
		    "  VIRTIO_F_VERSION_1                speaks virtio 1.0 or later (not legacy)\n"
		    "  VIRTIO_F_RING_RESET               single virtqueues can be reset\n"
		    "  VIRTIO_NET_F_RSS                  receive side scaling\n"
		    "offered, not negotiated (2):\n"
		    "  VIRTIO_NET_F_GUEST_CSUM    driver accepts partially checksummed packets\n"
		    "  VIRTIO_NET_F_SPEED_DUPLEX  link speed and duplex in the config space\n"
		    "bits without a name:\n"
		    "  negotiated               0x0000000000000010\n"
		    "  offered, not negotiated  0x0008000000000000\n");
	EXPECT_STREQ("", err);
	EXPECT_EQ(VS_TARGET_BUSID, f->last.kind);
	free(out);
	free(err);

	/* unprivileged: what there is, and one line on what is not */
	vs_dev_clear(&f->dev, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	f->dev.device_features_err = EPERM;
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_NE(NULL, strstr(out, "negotiated features (5):\n"));
	EXPECT_NE(NULL, strstr(out,
			       "\noffered features not shown: reading them needs CAP_NET_ADMIN (run as root)\n"
			       "bits without a name:\n"
			       "  negotiated               0x0000000000000010\n"));
	EXPECT_EQ(NULL, strstr(out, "offered, not negotiated"));
	free(out);
	free(err);

	/* errors are a sentence, as for the JSON commands */
	vs_err_set(&f->get_err, VS_ERR_SYS, ENODEV, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("show", "virtio7")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, "no virtio device at virtio7\n");
	free(out);
	free(err);
	fake_free(f);
}

#define WANT_SHOW_EACCES "\noffered features not shown: cannot read the features the vhost_net driver offers from /dev/vhost-net: Permission denied\n"

TEST(show_vhost_device)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_vhost(&f->dev);
	f->dev.vhost.acked_features = BIT_ULL(32) | BIT_ULL(26);
	f->features = vs_fset_of(BIT_ULL(32) | BIT_ULL(26) | BIT_ULL(15), 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", VHOST_PATH)));
	EXPECT_TEXT(out,
		    "vhost-net 1234/17\n"
		    "  path:             /proc/1234/fd/17\n"
		    "  device id:        1 (net)\n"
		    "  driver:           vhost_net\n"
		    "  owner pid:        1234\n"
		    "  holder pids:      1234 1240\n"
		    "  started:          yes\n"
		    "  queues:           2\n"
		    "  memory regions:   3\n"
		    "  dirty log:        off\n"
		    "  backend features: 0x2 VHOST_BACKEND_F_IOTLB_MSG_V2\n"
		    "negotiated features (2):\n"
		    "  VHOST_F_LOG_ALL     dirty page logging for live migration\n"
		    "  VIRTIO_F_VERSION_1  speaks virtio 1.0 or later (not legacy)\n"
		    "offered, not negotiated (1):\n"
		    "  VIRTIO_NET_F_MRG_RXBUF  receive packets may span merged buffers\n");
	EXPECT_STREQ("/dev/vhost-net", f->probed);
	free(out);
	free(err);

	/* the driver cannot be asked: said in one line */
	f->probe_errnum = EACCES;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", VHOST_PATH)));
	EXPECT_NE(NULL, strstr(out, WANT_SHOW_EACCES));
	free(out);
	free(err);
	fake_free(f);
}

/* Queue commands */

#define GUEST_DESC	0x10f0000ULL
#define GUEST_AVAIL	0x10f1000ULL
#define GUEST_USED	0x10f1240ULL

/* Queue 1 of fill_dev(): 256 entries, 250 free, the driver's "output.0". */
static void fill_guest_queue(struct vs_nl_queue *q)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_QUEUE_INDEX, VIRTIO_STATUS_A_QUEUE_NAME,
		VIRTIO_STATUS_A_QUEUE_NUM, VIRTIO_STATUS_A_QUEUE_NUM_FREE,
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_PACKED,
		VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, VIRTIO_STATUS_A_QUEUE_USED_IDX,
		VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS,
		VIRTIO_STATUS_A_QUEUE_USED_FLAGS, VIRTIO_STATUS_A_QUEUE_BROKEN,
	};
	size_t i;

	memset(q, 0, sizeof(*q));
	q->index = 1;
	snprintf(q->name, sizeof(q->name), "%s", "output.0");
	q->num = 256;
	q->num_free = 250;
	q->desc = GUEST_DESC;
	q->avail = GUEST_AVAIL;
	q->used = GUEST_USED;
	q->avail_idx = 1030;
	q->used_idx = 1024;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_queue_set(q, attrs[i]);
}

/* Queue 0 of fill_vhost(): 256 entries, 3 heads taken and not used. */
static void fill_vhost_queue(struct vs_nl_queue *q)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_QUEUE_INDEX, VIRTIO_STATUS_A_QUEUE_NUM,
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
		VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_KICK, VIRTIO_STATUS_A_QUEUE_CALL,
		VIRTIO_STATUS_A_QUEUE_KICK_FD, VIRTIO_STATUS_A_QUEUE_CALL_FD,
		VIRTIO_STATUS_A_QUEUE_DESC_GPA, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,
		VIRTIO_STATUS_A_QUEUE_USED_GPA,
	};
	size_t i;

	memset(q, 0, sizeof(*q));
	q->index = 0;
	q->num = 256;
	q->desc = 0x7f0000001000ULL;
	q->avail = 0x7f0000002000ULL;
	q->used = 0x7f0000003000ULL;
	/* vhost took heads up to 1 (wrapped), used up to 65534: 3 in use */
	q->avail_idx = 2;
	q->last_avail_idx = 1;
	q->used_idx = 65534;
	q->kick = true;
	q->call = true;
	q->kick_fd = 31;
	q->call_fd = 32;
	q->desc_gpa = 0x41000;
	q->avail_gpa = 0x42000;
	q->used_gpa = 0x43000;
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_queue_set(q, attrs[i]);
}

#define WANT_GUEST_QUEUE "{\"return\": {\"name\": \"virtio-net\", \"queue-index\": 1, \"inuse\": 6, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 17760256, \"vring-avail\": 17764352, \"vring-used\": 17764928, \"shadow-avail-idx\": 1030, \"used-idx\": 1024, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
#define WANT_VHOST_QUEUE "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 139637976731648, \"vring-avail\": 139637976735744, \"vring-used\": 139637976739840, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
/* num 256 without EVENT_IDX: desc 4096, avail 516, used 2052 */
#define WANT_VHOST_RING "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 139637976731648, \"avail\": 139637976735744, \"used\": 139637976739840, \"num\": 256, \"desc-phys\": 266240, \"desc-size\": 4096, \"avail-phys\": 270336, \"avail-size\": 516, \"used-phys\": 274432, \"used-size\": 2052}}"

static const char * const queue_keys[] = {
	"name", "queue-index", "inuse", "vring-num", "vring-num-default",
	"vring-align", "vring-desc", "vring-avail", "vring-used",
	"last-avail-idx", "shadow-avail-idx", "used-idx", "signalled-used",
	"signalled-used-valid",
};

static const char * const vhost_ring_keys[] = {
	"name", "kick", "call", "desc", "avail", "used", "num", "desc-phys",
	"desc-size", "avail-phys", "avail-size", "used-phys", "used-size",
};

/* The keys of @o, in order, are @keys less the ones @skip names. */
static bool keys_in_order(struct json_object *o, const char * const *keys,
			  size_t n, const char *skip)
{
	size_t i = 0;

	json_object_object_foreach(o, k, v) {
		(void)v;
		while (i < n && skip && !strcmp(keys[i], skip))
			i++;
		if (i == n || strcmp(k, keys[i]))
			return false;
		i++;
	}
	while (i < n && skip && !strcmp(keys[i], skip))
		i++;
	return i == n;
}

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
	EXPECT_TRUE(keys_in_order(o, vhost_ring_keys,
				  ARRAY_SIZE(vhost_ring_keys), NULL));
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

TEST(queue_args)
{
	struct vs_opts o;
	char msg[VS_MSG_MAX];

	EXPECT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			   "virtio0", "--queue", "65535"));
	EXPECT_TRUE(o.has_queue);
	EXPECT_EQ(65535, o.queue);
	EXPECT_EQ(0, PARSE(&o, msg, "x-query-virtio-vhost-queue-status",
			   "--queue=0", "--path", VHOST_PATH));
	EXPECT_TRUE(o.has_queue);
	EXPECT_EQ(0, o.queue);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0"));
	EXPECT_STREQ("x-query-virtio-queue-status needs --queue N", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-vhost-queue-status",
			    "--queue", "1"));
	EXPECT_STREQ("x-query-virtio-vhost-queue-status needs --path DEVICE",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue"));
	EXPECT_STREQ("option --queue needs a queue index", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue", "-1"));
	EXPECT_STREQ("--queue takes a queue index from 0 to 65535, not '-1'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue", "1x"));
	EXPECT_STREQ("--queue takes a queue index from 0 to 65535, not '1x'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue="));
	EXPECT_STREQ("--queue takes a queue index from 0 to 65535, not ''",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue", "65536"));
	EXPECT_STREQ("--queue takes a queue index from 0 to 65535, not '65536'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-status", "--path",
			    "virtio0", "--queue", "1"));
	EXPECT_STREQ("x-query-virtio-status takes no --queue", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "--qmp", "--queue", "1"));
	EXPECT_TEXT(msg,
		    "--qmp reads its commands from standard input and takes no command, --path, --queue, --index or --decode");
	EXPECT_EQ(-1, PARSE(&o, msg, "show", "virtio0", "--queue", "1"));
	EXPECT_STREQ("show takes no --queue; it is for the queue commands",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue", "1", "--decode"));
	EXPECT_STREQ("--decode and --raw-and-decoded are for x-query-virtio-status",
		     msg);
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

TEST(decode_guest_queue_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_NAME, "output.0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM_FREE, 250));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_DESC, GUEST_DESC));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_AVAIL, GUEST_AVAIL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_USED, GUEST_USED));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_PACKED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 1030));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 1024));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_FLAGS, 0));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_BROKEN, 0));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_EQ(1, q.index);
	EXPECT_STREQ("output.0", q.name);
	EXPECT_EQ(256, q.num);
	EXPECT_EQ(250, q.num_free);
	EXPECT_EQ(GUEST_DESC, q.desc);
	EXPECT_EQ(GUEST_AVAIL, q.avail);
	EXPECT_EQ(GUEST_USED, q.used);
	EXPECT_FALSE(q.packed);
	EXPECT_EQ(1030, q.avail_idx);
	EXPECT_EQ(1024, q.used_idx);
	EXPECT_EQ(1, q.avail_flags);
	EXPECT_TRUE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_USED_FLAGS));
	EXPECT_STREQ("virtio0", q.header.busid);
	EXPECT_TRUE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_HEADER));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_PAD));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_KICK_FD));
	/* decoded, it answers exactly as the fixture does */
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_GUEST_QUEUE);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_vhost_queue_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_DESC, 0x7f0000001000ULL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_AVAIL, 0x7f0000002000ULL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_USED, 0x7f0000003000ULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 65534));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_KICK, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_CALL, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_KICK_FD, 31));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_CALL_FD, 32));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_DESC_GPA, 0x41000));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA, 0x42000));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_USED_GPA, 0x43000));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_TRUE(q.kick);
	EXPECT_TRUE(q.call);
	EXPECT_EQ(31, q.kick_fd);
	EXPECT_EQ(32, q.call_fd);
	EXPECT_EQ(1, q.last_avail_idx);
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_NUM_FREE));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_NAME));
	/* decoded, it answers exactly as the fixture does */
	fill_vhost(d);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, &q)));
	EXPECT_TEXT(s, WANT_VHOST_QUEUE);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_queue_rejects_wrong_cmd_and_size)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_queue q;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module answered with command 1, expected 3",
		     e.detail);
	nlmsg_free(msg);

	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_NUM",
		     e.detail);
	nlmsg_free(msg);
}

/* x-query-virtio-queue-element */

/* One descriptor of a chain, as decoded from its nest. */
static void fill_desc(struct vs_nl_desc *d, u64 addr, u32 len, u32 flags)
{
	memset(d, 0, sizeof(*d));
	d->addr = addr;
	d->len = len;
	d->flags = flags;
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_ADDR);
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_LEN);
	vs_nl_set(d->have, VIRTIO_STATUS_A_DESC_FLAGS);
}

/* Entry 1029 of queue 1 of fill_dev(): head 5, a 2-descriptor chain. */
static void fill_elem(struct fake *f)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, VIRTIO_STATUS_A_ELEMENT_INDEX,
		VIRTIO_STATUS_A_ELEMENT_HEAD, VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS,
		VIRTIO_STATUS_A_ELEMENT_USED_IDX,
		VIRTIO_STATUS_A_ELEMENT_USED_FLAGS, VIRTIO_STATUS_A_ELEMENT_DESC,
	};
	size_t i;

	memset(&f->elem, 0, sizeof(f->elem));
	f->elem.queue_index = 1;
	f->elem.index = 1029;
	f->elem.head = 5;
	f->elem.avail_idx = 1030;
	f->elem.avail_flags = 1;
	f->elem.used_idx = 1024;
	f->elem.used_flags = 0;
	f->elem.n_desc = 2;
	/* VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, then VRING_DESC_F_WRITE */
	fill_desc(&f->elem.desc[0], 0x1000a000ULL, 12, 3);
	fill_desc(&f->elem.desc[1], 0x1000b000ULL, 1514, 2);
	for (i = 0; i < ARRAY_SIZE(attrs); i++)
		vs_elem_set(&f->elem, attrs[i]);
}

/* QEMU lists the flags highest bit first: next|write is ["write", "next"] */
#define WANT_ELEM_RET "{\"name\": \"virtio-net\", \"index\": 5, \"descs\": [{\"addr\": 268476416, \"len\": 12, \"flags\": [\"write\", \"next\"]}, {\"addr\": 268480512, \"len\": 1514, \"flags\": [\"write\"]}], \"avail\": {\"flags\": 1, \"idx\": 1030, \"ring\": 5}, \"used\": {\"flags\": 0, \"idx\": 1024}}"
#define WANT_ELEM "{\"return\": " WANT_ELEM_RET "}"

static const char * const elem_keys[] = {
	"name", "index", "descs", "avail", "used",
};

static const char * const elem_desc_keys[] = { "addr", "len", "flags" };
static const char * const elem_avail_keys[] = { "flags", "idx", "ring" };
static const char * const elem_used_keys[] = { "flags", "idx" };

TEST(elem_cli_exact_without_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o, *descs;
	char *out, *err;
	size_t i;

	fill_elem(f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	/* one DEV_GET for the name, one ELEMENT_GET, the same selector */
	EXPECT_EQ(1, f->gets);
	EXPECT_EQ(1, f->elem_gets);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(VS_TARGET_BUSID, f->last.kind);
	EXPECT_EQ(VS_TARGET_BUSID, f->elem_target.kind);
	EXPECT_STREQ("virtio0", f->elem_target.value);
	EXPECT_EQ(1, f->elem_queue);
	EXPECT_FALSE(f->elem_has_index);

	/* keys in the schema's order, every number an integer */
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, elem_keys, ARRAY_SIZE(elem_keys), NULL));
	EXPECT_TRUE(keys_in_order(member(o, "avail"), elem_avail_keys,
				  ARRAY_SIZE(elem_avail_keys), NULL));
	EXPECT_TRUE(keys_in_order(member(o, "used"), elem_used_keys,
				  ARRAY_SIZE(elem_used_keys), NULL));
	EXPECT_TRUE(json_object_is_type(member(o, "index"), json_type_int));
	descs = member(o, "descs");
	ASSERT_EQ(2, json_object_array_length(descs));
	for (i = 0; i < 2; i++) {
		struct json_object *d = json_object_array_get_idx(descs, i);

		EXPECT_TRUE(keys_in_order(d, elem_desc_keys,
					  ARRAY_SIZE(elem_desc_keys), NULL));
		EXPECT_TRUE(json_object_is_type(member(d, "addr"),
						json_type_int));
		EXPECT_TRUE(json_object_is_type(member(d, "flags"),
						json_type_array));
	}
	json_object_put(o);
	fake_free(f);
}

TEST(elem_cli_with_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_elem(f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--index",
				  "1029", "--path", PCI_PATH, "--queue=1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(1029, f->elem_index);
	EXPECT_EQ(1, f->elem_queue);
	EXPECT_EQ(VS_TARGET_PATH, f->elem_target.kind);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1", "--index=0")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	free(out);
	free(err);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(0, f->elem_index);
	fake_free(f);
}

TEST(elem_qmp_with_and_without_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	fill_elem(f);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}, \"id\": 9}");
	EXPECT_TEXT(s, "{\"return\": " WANT_ELEM_RET ", \"id\": 9}");
	free(s);
	EXPECT_FALSE(f->elem_has_index);
	EXPECT_EQ(1, f->elem_queue);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"index\": 65535, \"path\": \"virtio0\", \"queue\": 1}}");
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(65535, f->elem_index);
	EXPECT_EQ(2, f->elem_gets);
	fake_free(f);
}

/* "flags" of the first descriptor of an element */
static struct json_object *desc0_flags(struct json_object *o)
{
	return member(json_object_array_get_idx(member(o, "descs"), 0),
		      "flags");
}

TEST(elem_desc_flags)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *s;

	fill_elem(f);
	f->elem.n_desc = 1;
	/* every named bit, an unknown one among them, one past 16 bits */
	f->elem.desc[0].flags = 0x10000 | 0x8000 | 0x80 | 0x8 | 0x4 | 0x2 |
				0x1;
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	s = text_of(json_object_get(desc0_flags(o)));
	EXPECT_TEXT(s,
		    "[\"unknown-0x10000\", \"used\", \"avail\", \"unknown-0x0008\", \"indirect\", \"write\", \"next\"]");
	free(s);
	json_object_put(o);

	f->elem.desc[0].flags = 0;
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	s = text_of(json_object_get(desc0_flags(o)));
	EXPECT_STREQ("[]", s);
	free(s);
	json_object_put(o);
	fake_free(f);
}

TEST(elem_args)
{
	struct vs_opts o;
	char msg[VS_MSG_MAX];

	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			   "virtio0", "--queue", "2"));
	EXPECT_STREQ("x-query-virtio-queue-element", o.cmd->name);
	EXPECT_FALSE(o.has_index);
	EXPECT_EQ(2, o.queue);
	ASSERT_EQ(0, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			   "virtio0", "--queue", "2", "--index", "65535"));
	EXPECT_TRUE(o.has_index);
	EXPECT_EQ(65535, o.index);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0"));
	EXPECT_STREQ("x-query-virtio-queue-element needs --queue N", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--queue",
			    "0", "--index", "1"));
	EXPECT_STREQ("x-query-virtio-queue-element needs --path DEVICE", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--index"));
	EXPECT_STREQ("option --index needs an avail ring index", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--index", "-1"));
	EXPECT_STREQ("--index takes an avail ring index from 0 to 65535, not '-1'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--index", "65536"));
	EXPECT_STREQ("--index takes an avail ring index from 0 to 65535, not '65536'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--index=0x1"));
	EXPECT_STREQ("--index takes an avail ring index from 0 to 65535, not '0x1'",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--index="));
	EXPECT_STREQ("--index takes an avail ring index from 0 to 65535, not ''",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status", "--path",
			    "virtio0", "--queue", "0", "--index", "1"));
	EXPECT_STREQ("x-query-virtio-queue-status takes no --index", msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "show", "--index", "1"));
	EXPECT_STREQ("show takes no --index; it is for x-query-virtio-queue-element",
		     msg);
	EXPECT_EQ(-1, PARSE(&o, msg, "--qmp", "--index", "1"));
	EXPECT_TEXT(msg,
		    "--qmp reads its commands from standard input and takes no command, --path, --queue, --index or --decode");
	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-element", "--path",
			    "virtio0", "--queue", "0", "--decode"));
	EXPECT_STREQ("--decode and --raw-and-decoded are for x-query-virtio-status",
		     msg);
}

TEST(elem_qmp_bad_arguments)
{
	static const struct {
		const char *args;
		const char *desc;
	} cases[] = {
		{ "{\"path\": \"virtio0\"}", "Parameter 'queue' is missing" },
		{ "{\"queue\": 1, \"index\": 0}", "Parameter 'path' is missing" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": \"1\"}",
		  "Parameter 'index' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": null}",
		  "Parameter 'index' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": -1}",
		  "Parameter 'index' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 65536}",
		  "Parameter 'index' expects uint16_t" },
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
			 "{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": %s}",
			 cases[i].args);
		snprintf(want, sizeof(want),
			 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}",
			 cases[i].desc);
		s = qmp(&be, line);
		EXPECT_TEXT(s, want);
		free(s);
	}
	/* "index" belongs to this command only */
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1, \"index\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'index' is unexpected\"}}");
	free(s);
	EXPECT_EQ(0, f->gets + f->queue_gets + f->elem_gets);
	fake_free(f);
}

/* The answer to one QMP element request on @f, as text. */
static char *elem_qmp(struct vs_backend *be, const char *args)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": %s}",
		 args);
	return qmp(be, line);
}

#define QMP_ERR(desc) \
	"{\"error\": {\"class\": \"GenericError\", \"desc\": \"" desc "\"}}"

TEST(elem_kernel_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_elem(f);
	/* a packed ring, a vhost device: the kernel's sentence */
	vs_err_sys(&f->elem_err, EOPNOTSUPP, "packed rings are not supported");
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("packed rings are not supported"));
	free(s);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, "packed rings are not supported\n");
	free(out);
	free(err);
	vs_err_sys(&f->elem_err, EOPNOTSUPP,
		   "vhost devices have no element to show");
	s = elem_qmp(&be, "{\"path\": \"/proc/99/fd/4\", \"queue\": 0}");
	EXPECT_TEXT(s, QMP_ERR("vhost devices have no element to show"));
	free(s);
	/* no extack: an old module answers so too */
	vs_err_sys(&f->elem_err, EOPNOTSUPP, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"queue 1 of virtio0 has no elements to show: Operation not supported (a packed ring, a vhost device, or a kernel module without VIRTIO_STATUS_CMD_ELEMENT_GET)\"}}");
	free(s);

	/* a queue past the device's */
	vs_err_sys(&f->elem_err, ERANGE, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 7}");
	EXPECT_TEXT(s, QMP_ERR("queue 7 is out of range for virtio0"));
	free(s);
	vs_err_sys(&f->elem_err, ERANGE, "the device has 3 queues");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "9", "--index", "2")));
	EXPECT_TEXT(err,
		    "queue 9 is out of range for virtio0 (kernel: the device has 3 queues)\n");
	free(out);
	free(err);

	/* an index the kernel refuses */
	vs_err_sys(&f->elem_err, EINVAL,
		   "avail ring index 300 is past the ring of 256 entries");
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 300}");
	EXPECT_TEXT(s,
		    QMP_ERR("avail ring index 300 is past the ring of 256 entries"));
	free(s);
	vs_err_sys(&f->elem_err, EINVAL, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 300}");
	EXPECT_TEXT(s, QMP_ERR("index 300 is not valid for queue 1 of virtio0"));
	free(s);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("Invalid argument"));
	free(s);

	/* the common sentences stand */
	vs_err_sys(&f->elem_err, EPERM, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root\"}}");
	free(s);
	vs_err_clear(&f->elem_err);
	vs_err_sys(&f->get_err, ENODEV, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio4\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("no virtio device at virtio4"));
	free(s);
	EXPECT_EQ(10, f->elem_gets);	/* not asked without a device */
	vs_err_clear(&f->get_err);

	/* a reply without what the answer needs: module too old */
	vs_elem_clear(&f->elem, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"kernel module too old: its reply lacks VIRTIO_STATUS_A_ELEMENT_USED_FLAGS\"}}");
	free(s);
	fill_elem(f);
	f->elem.n_desc = 0;
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    QMP_ERR("kernel module too old: its reply lacks VIRTIO_STATUS_A_ELEMENT_DESC"));
	free(s);
	fake_free(f);
}

/* A descriptor nest as the kernel builds it: PAD first aligns ADDR. */
static int put_desc(struct nl_msg *msg, u64 addr, u32 len, u32 flags)
{
	struct nlattr *nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);

	if (!nest ||
	    put_u64(msg, VIRTIO_STATUS_A_DESC_PAD, VIRTIO_STATUS_A_DESC_ADDR, addr) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, len) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, flags) < 0)
		return -1;
	return nla_nest_end(msg, nest);
}

/* The fixed part of fill_elem()'s reply, the device named as asked. */
static int put_elem_head(struct nl_msg *msg)
{
	if (put_header(msg, VIRTIO_STATUS_A_ELEMENT_HEADER, NULL, "virtio0") < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX, 1) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_INDEX, 1029) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_HEAD, 5) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX, 1030) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS, 1) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_USED_IDX, 1024) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS, 0) < 0)
		return -1;
	return 0;
}

TEST(decode_element_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_element el;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, put_desc(msg, 0x1000a000ULL, 12, 3));
	ASSERT_EQ(0, put_desc(msg, 0x1000b000ULL, 1514, 2));

	ASSERT_EQ(0, vs_elem_from_msg(msg, &el, &e));
	EXPECT_EQ(1, el.queue_index);
	EXPECT_EQ(1029, el.index);
	EXPECT_EQ(5, el.head);
	EXPECT_EQ(1030, el.avail_idx);
	EXPECT_EQ(1, el.avail_flags);
	EXPECT_EQ(1024, el.used_idx);
	EXPECT_EQ(0, el.used_flags);
	EXPECT_STREQ("virtio0", el.header.busid);
	EXPECT_TRUE(vs_nl_has(el.header.have, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_nl_has(el.header.have, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_HEADER));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_DESC));
	EXPECT_TRUE(vs_elem_has(&el, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS));
	EXPECT_FALSE(vs_elem_addr_hidden(&el));
	ASSERT_EQ(2, el.n_desc);
	/* in chain order */
	EXPECT_EQ(0x1000a000ULL, el.desc[0].addr);
	EXPECT_EQ(12, el.desc[0].len);
	EXPECT_EQ(3, el.desc[0].flags);
	EXPECT_EQ(0x1000b000ULL, el.desc[1].addr);
	EXPECT_EQ(1514, el.desc[1].len);
	EXPECT_EQ(2, el.desc[1].flags);
	/* each descriptor has its own presence mask; the pad is not in it */
	EXPECT_TRUE(vs_nl_has(el.desc[1].have, VIRTIO_STATUS_A_DESC_ADDR));
	EXPECT_FALSE(vs_nl_has(el.desc[1].have, VIRTIO_STATUS_A_DESC_PAD));
	/* the slots past the chain are untouched */
	EXPECT_EQ(0, el.desc[2].have[0] | el.desc[2].len);
	/* decoded, it answers exactly as the fixture does */
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_element(d, &el)));
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_element_rejects_bad_descs)
{
	struct nl_msg *msg;
	struct nlattr *nest;
	struct vs_nl_element el;
	struct vs_err e;

	/* the wrong command */
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_STREQ("the virtio_status module answered with command 3, expected 4",
		     e.detail);
	nlmsg_free(msg);

	/* a descriptor without its length */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_desc(msg, 0x1000, 8, 1));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u64(msg, VIRTIO_STATUS_A_DESC_ADDR, 0x2000));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a VIRTIO_STATUS_A_ELEMENT_DESC with no VIRTIO_STATUS_A_DESC_LEN");
	nlmsg_free(msg);

	/* a 4-byte address */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_ADDR, 0x2000));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DESC_ADDR");
	nlmsg_free(msg);

	/* a 2-byte head */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, VIRTIO_STATUS_A_ELEMENT_HEAD, 5));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_ELEMENT_HEAD",
		     e.detail);
	nlmsg_free(msg);
}

/* metrics and exporter */

/* A fake whose dump fails while @dump_err is set (the module unloaded). */
struct flaky {
	struct fake *f;
	struct vs_err dump_err;
	int dumps;
	int infos;
};

static int flaky_dump(void *ctx, struct vs_dev_list *list, struct vs_err *e)
{
	struct flaky *k = ctx;

	k->dumps++;
	if (k->dump_err.kind != VS_ERR_NONE) {
		*e = k->dump_err;
		return -1;
	}
	return fake_dump(k->f, list, e);
}

static int flaky_info(void *ctx, struct vs_nl_info *info, struct vs_err *e)
{
	struct flaky *k = ctx;

	k->infos++;
	return fake_info(k->f, info, e);
}

static const struct vs_backend_ops flaky_ops = {
	.dev_dump = flaky_dump,
	.info = flaky_info,
};

static char *metrics_of(struct vs_backend *be, int *ret)
{
	char why[VS_MSG_MAX * 2];
	size_t len;
	char *text;

	*ret = vs_metrics_text(be, &text, &len, why, sizeof(why));
	if (text && strlen(text) != len) {
		free(text);
		return NULL;
	}
	return text;
}

/* Lines of @text that start with @prefix. */
static int count_lines(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p = text;
	int count = 0;

	while (p && *p) {
		if (!strncmp(p, prefix, n))
			count++;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return count;
}

/* Whether @line is a whole line of @text. */
static bool has_line(const char *text, const char *line)
{
	size_t n = strlen(line);
	const char *p = text;

	while ((p = strstr(p, line))) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return true;
		p++;
	}
	return false;
}

#define NET_SERIES(m, labels) m "{path=\"" PCI_PATH "\"" labels "}"
#define EXPECT_LINE(text, line) EXPECT_TRUE(has_line(text, line))

/* A fake backend listing one virtio-net device at PCI_PATH. */
FIXTURE(metrics) {
	struct vs_backend be;
	struct fake *f;
	struct vs_nl_dev *d;	/* the virtio-net device */
	char *text;		/* the last scrape's exposition */
	int ret;		/* and what vs_metrics_text() returned */
};

FIXTURE_SETUP(metrics)
{
	self->f = fake_new(&self->be);
	ASSERT_NE(NULL, self->f);
	fake_add(self->f, PCI_PATH, "virtio-net");
	self->d = &self->f->list.devs[0];
}

FIXTURE_TEARDOWN(metrics)
{
	free(self->text);
	fake_free(self->f);
}

/* Scrape the fake again: the exposition (teardown frees it), or NULL. */
static const char *rescrape(struct _test_data_metrics *self)
{
	free(self->text);
	self->text = metrics_of(&self->be, &self->ret);
	return self->text;
}

TEST(metrics_label_value_escaping)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ASSERT_NE(NULL, f);
	vs_prom_label_value(f, "a\\b\"c\nd\te/");
	fclose(f);
	EXPECT_TEXT(buf, "a\\\\b\\\"c\\nd\te/");
	free(buf);
}

TEST(metrics_escaped_labels_in_series)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_nl_dev *d;
	char *text;
	int ret;

	ASSERT_NE(NULL, f);
	fake_add(f, "/sys/devices/x\"y\\z\nw/virtio0", "virtio-net");
	d = &f->list.devs[0];
	snprintf(d->driver, sizeof(d->driver), "%s", "drv\"1");
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, ret);
	EXPECT_LINE(text,
		    "virtio_status_device_virtqueues{path=\"/sys/devices/x\\\"y\\\\z\\nw/virtio0\"} 3");
	EXPECT_NE(NULL, strstr(text, "driver=\"drv\\\"1\""));
	/* no raw newline inside a series */
	EXPECT_EQ(NULL, strstr(text, "x\"y"));
	free(text);
	fake_free(f);
}

TEST_F(metrics, metrics_virtio_device)
{
	struct vs_nl_dev *d = self->d;
	const char *text;

	snprintf(d->driver, sizeof(d->driver), "%s", "virtio_net");
	snprintf(d->transport, sizeof(d->transport), "%s", "pci");
	d->kind = VIRTIO_STATUS_KIND_VIRTIO;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_TRANSPORT);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_KIND);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_FAILED);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_TRUE(has_line(text, "virtio_status_scrape_success 1"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_scrape_error_info{"));
	EXPECT_TRUE(has_line(text, "virtio_status_devices{kind=\"virtio\"} 1"));
	EXPECT_TRUE(has_line(text, "virtio_status_devices{kind=\"vhost\"} 0"));
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:03.0/virtio0\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio0\",device_id=\"1\",driver=\"virtio_net\",transport=\"pci\"} 1");
	EXPECT_TRUE(has_line(text, NET_SERIES("virtio_status_device_virtqueues", "") " 3"));
	EXPECT_TRUE(has_line(text, NET_SERIES("virtio_status_device_broken", "") " 0"));
	EXPECT_TRUE(has_line(text, NET_SERIES("virtio_status_device_failed", "") " 0"));

	/* status 0x0f: the four bits set, NEEDS_RESET and FAILED at 0 */
	EXPECT_EQ(6, count_lines(text, "virtio_status_device_status_bit{"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_status_bit",
					",bit=\"2\",symbol=\"VIRTIO_CONFIG_S_DRIVER_OK\"") " 1"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_status_bit",
					",bit=\"6\",symbol=\"VIRTIO_CONFIG_S_NEEDS_RESET\"") " 0"));

	/* one series per set bit, value 1, never the bitmap */
	EXPECT_EQ(4, count_lines(text, "virtio_status_device_guest_feature{"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_guest_feature",
					",bit=\"0\",symbol=\"VIRTIO_NET_F_CSUM\"") " 1"));
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_guest_feature",
				     ",bit=\"2\",symbol=\"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS\"")
		    " 1");
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_guest_feature",
					",bit=\"32\",symbol=\"VIRTIO_F_VERSION_1\"") " 1"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_guest_feature",
					",bit=\"60\",symbol=\"VIRTIO_NET_F_RSS\"") " 1"));
	EXPECT_TRUE(has_line(text, NET_SERIES("virtio_status_device_host_features_readable", "")
			     " 1"));
	EXPECT_EQ(6, count_lines(text, "virtio_status_device_host_feature{"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_host_feature",
					",bit=\"63\",symbol=\"VIRTIO_NET_F_SPEED_DUPLEX\"") " 1"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_host_feature",
					",bit=\"1\",symbol=\"VIRTIO_NET_F_GUEST_CSUM\"") " 1"));
	EXPECT_EQ(NULL, strstr(text, " 1152921504606846981\n"));
	/* no vhost series for a virtio device */
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_holders{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_backend_feature{"));
	/* the module answered INFO with nothing: no vhost_support */
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_support "));
}

TEST_F(metrics, metrics_unknown_bits_and_status)
{
	struct vs_nl_dev *d = self->d;
	const char *text;

	snprintf(d->name, sizeof(d->name), "%s", "virtio-device-16962");
	d->id = 0x4242;		/* no table: only transport bits are named */
	d->driver_features = BIT_ULL(3) | BIT_ULL(32);
	d->status = 0x13;		/* ACK, DRIVER and bit 4, which has no name */
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_guest_feature",
					",bit=\"3\",symbol=\"unknown\"") " 1"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_guest_feature",
					",bit=\"32\",symbol=\"VIRTIO_F_VERSION_1\"") " 1"));
	EXPECT_EQ(2, count_lines(text, "virtio_status_device_guest_feature{"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_status_bit",
					",bit=\"4\",symbol=\"unknown\"") " 1"));
	EXPECT_TRUE(has_line(text,
			     NET_SERIES("virtio_status_device_status_bit",
					",bit=\"2\",symbol=\"VIRTIO_CONFIG_S_DRIVER_OK\"") " 0"));
	EXPECT_EQ(7, count_lines(text, "virtio_status_device_status_bit{"));
	EXPECT_NE(NULL, strstr(text, "device_id=\"16962\""));
}

TEST_F(metrics, metrics_vhost_device)
{
	const char *text;
	struct vs_nl_dev *d;

	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	self->f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	memset(&self->f->info.have, 0, sizeof(self->f->info.have));
	vs_info_set(&self->f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_TRUE(has_line(text, "virtio_status_devices{kind=\"virtio\"} 1"));
	EXPECT_TRUE(has_line(text, "virtio_status_devices{kind=\"vhost\"} 1"));
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_support 1"));
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/proc/1234/fd/17\",kind=\"vhost\",name=\"vhost-net\",busid=\"\",device_id=\"1\",driver=\"vhost_net\",transport=\"vhost\"} 1");
	EXPECT_TRUE(has_line(text, "virtio_status_device_virtqueues{path=\"" VHOST_PATH "\"} 2"));
	EXPECT_LINE(text, "virtio_status_vhost_memory_regions{path=\"/proc/1234/fd/17\"} 3");
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_log_enabled{path=\"" VHOST_PATH "\"} 0"));
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_started{path=\"" VHOST_PATH "\"} 1"));
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_holders{path=\"" VHOST_PATH "\"} 2"));
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_owner_pid{path=\"" VHOST_PATH "\"} 1234"));
	/* acked 5: bits 0 and 2, by the net table */
	EXPECT_LINE(text,
		    "virtio_status_device_guest_feature{path=\"/proc/1234/fd/17\",bit=\"2\",symbol=\"VIRTIO_NET_F_CTRL_GUEST_OFFLOADS\"} 1");
	EXPECT_LINE(text,
		    "virtio_status_vhost_backend_feature{path=\"/proc/1234/fd/17\",bit=\"1\",symbol=\"VHOST_BACKEND_F_IOTLB_MSG_V2\"} 1");
	EXPECT_EQ(1, count_lines(text, "virtio_status_vhost_backend_feature{"));
	/* nothing a vhost device does not have */
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_status_bit{path=\"" VHOST_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_broken{path=\"" VHOST_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_host_feature{path=\"" VHOST_PATH));
	EXPECT_EQ(NULL, strstr(text, "_host_features_readable{path=\"" VHOST_PATH));
	/* without an owner, no owner series */
	vs_dev_list_free(&self->f->list);
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	vs_dev_vhost_clear(d, VIRTIO_STATUS_A_VHOST_OWNER_PID);
	self->f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_OFF;
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_owner_pid{"));
	EXPECT_TRUE(has_line(text, "virtio_status_vhost_support 0"));
}

TEST_F(metrics, metrics_unprivileged_offered_features)
{
	struct vs_nl_dev *d = self->d;
	const char *text;

	vs_dev_clear(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	d->device_features_err = EPERM;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_TRUE(has_line(text, NET_SERIES("virtio_status_device_host_features_readable", "")
			     " 0"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_host_feature{"));
	EXPECT_EQ(4, count_lines(text, "virtio_status_device_guest_feature{"));
}

TEST(metrics_module_not_loaded_then_back)
{
	struct vs_backend fb, be = { .ops = &flaky_ops };
	struct flaky k = { .f = fake_new(&fb) };
	char *out, *err, *text;
	int ret;

	ASSERT_NE(NULL, k.f);
	be.ctx = &k;
	fake_add(k.f, PCI_PATH, "virtio-net");
	vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, ret);
	EXPECT_TRUE(has_line(text, "virtio_status_scrape_success 0"));
	EXPECT_LINE(text, "virtio_status_scrape_error_info{reason=\"module_not_loaded\",message=\""
		    WANT_NOMOD "\"} 1");
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_info{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_devices{"));
	EXPECT_EQ(1, count_lines(text, "virtio_status_scrape_duration_seconds "));
	EXPECT_EQ(0, k.infos);
	free(text);

	/* the command: the metrics on stdout, the sentence on stderr, exit 0 */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("metrics")));
	EXPECT_TRUE(has_line(out, "virtio_status_scrape_success 0"));
	EXPECT_TEXT(err, WANT_NOMOD "; written as virtio_status_scrape_success 0\n");
	free(out);
	free(err);

	/* other failures have their own reason */
	vs_err_sys(&k.dump_err, EPERM, NULL);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "{reason=\"permission_denied\","));
	free(text);
	vs_err_set(&k.dump_err, VS_ERR_OLD, 0, "its reply lacks X");
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text,
		    "virtio_status_scrape_error_info{reason=\"module_too_old\",message=\"kernel module too old: its reply lacks X\"} 1");
	free(text);

	/* and back */
	vs_err_clear(&k.dump_err);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, ret);
	EXPECT_TRUE(has_line(text, "virtio_status_scrape_success 1"));
	EXPECT_EQ(1, count_lines(text, "virtio_status_device_info{"));
	EXPECT_EQ(1, k.infos);
	free(text);
	fake_free(k.f);
}

TEST(metrics_duplicate_and_pathless_devices)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *text;
	int ret;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI1_PATH, "virtio-blk");
	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, PCI1_PATH, "virtio-rng");
	fake_add(f, "", "virtio-rng");
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(2, count_lines(text, "virtio_status_device_info{"));
	EXPECT_TRUE(has_line(text, "virtio_status_devices{kind=\"virtio\"} 2"));
	/* the first of two devices with one path is kept */
	EXPECT_NE(NULL, strstr(text, "name=\"virtio-blk\""));
	EXPECT_EQ(NULL, strstr(text, "name=\"virtio-rng\""));
	free(text);
	fake_free(f);
}

TEST(metrics_families_grouped_with_help_and_type)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *text, *line, *save, name[128];
	const char *fam, *cur = NULL;
	int ret, i, nfam = 0;
	bool known;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_NE(NULL, vs_dev_list_add(&f->list));
	fill_vhost(&f->list.devs[1]);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	for (i = 0; (fam = vs_metrics_family(i)); i++) {
		char help[160], type[160];

		nfam++;
		EXPECT_EQ(0, strncmp(fam, "virtio_status_", 14));
		snprintf(help, sizeof(help), "# HELP %s ", fam);
		snprintf(type, sizeof(type), "# TYPE %s gauge", fam);
		EXPECT_EQ(1, count_lines(text, help));
		EXPECT_TRUE(has_line(text, type));
	}
	EXPECT_EQ(23, nfam);
	/* every sample belongs to the family whose TYPE line came last */
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "# TYPE ", 7)) {
			cur = line + 7;
			continue;
		}
		if (line[0] == '#')
			continue;
		ASSERT_NE(NULL, cur);
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(line, "{ "), line);
		EXPECT_EQ(0, strncmp(cur, name, strlen(name)));
		EXPECT_EQ(' ', cur[strlen(name)]);
		known = false;
		for (i = 0; (fam = vs_metrics_family(i)); i++)
			known |= !strcmp(fam, name);
		EXPECT_TRUE(known);
	}
	free(text);
	fake_free(f);
}

TEST(metrics_families_documented_in_readme)
{
	const char *fam;
	char *readme;
	size_t len = 0;
	FILE *f;
	int i;

	f = fopen("../README", "r");
	ASSERT_NE(NULL, f);
	readme = calloc(1, 1 << 20);
	ASSERT_NE(NULL, readme);
	len = fread(readme, 1, (1 << 20) - 1, f);
	fclose(f);
	ASSERT_GT(len, 0);
	for (i = 0; (fam = vs_metrics_family(i)); i++) {
		char quoted[160];

		snprintf(quoted, sizeof(quoted), "`%s`", fam);
		EXPECT_NE(NULL, strstr(readme, quoted)) {
			TH_LOG("README does not document %s", fam);
		}
	}
	free(readme);
}

/* Entries of directory @dir, "." and ".." left out. */
static int dir_entries(const char *dir, char *first, size_t len)
{
	struct dirent *de;
	int n = 0;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!n++)
			snprintf(first, len, "%s", de->d_name);
	}
	closedir(d);
	return n;
}

static char *file_text(const char *path)
{
	struct stat st;
	char *buf;
	FILE *f;

	if (stat(path, &st) < 0)
		return NULL;
	f = fopen(path, "r");
	if (!f)
		return NULL;
	buf = calloc(1, st.st_size + 1);
	if (buf && fread(buf, 1, st.st_size, f) != (size_t)st.st_size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

TEST(metrics_output_atomic)
{
	char dir[] = "/tmp/vs-metrics-test.XXXXXX";
	char file[64], sub[64], arg[80], name[256];
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *text;
	struct stat st, st2;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/vs.prom", dir);
	snprintf(arg, sizeof(arg), "--output=%s", file);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("metrics", "--output", file)));
	EXPECT_TEXT(out, "");
	EXPECT_TEXT(err, "");
	free(out);
	free(err);
	ASSERT_EQ(0, stat(file, &st));
	EXPECT_EQ(0644, st.st_mode & 07777);
	text = file_text(file);
	ASSERT_NE(NULL, text);
	EXPECT_TRUE(has_line(text, "virtio_status_scrape_success 1"));
	EXPECT_EQ(1, count_lines(text, "virtio_status_device_info{"));
	EXPECT_EQ('\n', text[strlen(text) - 1]);
	free(text);
	EXPECT_EQ(1, dir_entries(dir, name, sizeof(name)));
	EXPECT_TEXT(name, "vs.prom");

	/* replaced by a rename (a new inode), not rewritten in place */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("metrics", arg)));
	free(out);
	free(err);
	ASSERT_EQ(0, stat(file, &st2));
	EXPECT_NE(st.st_ino, st2.st_ino);
	EXPECT_EQ(1, dir_entries(dir, name, sizeof(name)));

	/* a directory where the file should be: no temporary file left */
	snprintf(sub, sizeof(sub), "%s/d.prom", dir);
	ASSERT_EQ(0, mkdir(sub, 0755));
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--output", sub)));
	EXPECT_EQ(0, strncmp(err, "cannot replace ", 15));
	EXPECT_NE(NULL, strstr(err, "d.prom: Is a directory\n"));
	free(out);
	free(err);
	EXPECT_EQ(2, dir_entries(dir, name, sizeof(name)));
	rmdir(sub);

	/* a directory that does not exist */
	snprintf(sub, sizeof(sub), "%s/nope/x.prom", dir);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--output", sub)));
	EXPECT_NE(NULL, strstr(err, "cannot create a temporary file in "));
	EXPECT_NE(NULL, strstr(err, "/nope for "));
	EXPECT_NE(NULL, strstr(err, ": No such file or directory\n"));
	free(out);
	free(err);

	/* a path that names a directory */
	snprintf(sub, sizeof(sub), "%s/", dir);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--output", sub)));
	EXPECT_NE(NULL, strstr(err, "it names a directory, not a file\n"));
	free(out);
	free(err);
	EXPECT_EQ(1, dir_entries(dir, name, sizeof(name)));

	unlink(file);
	EXPECT_EQ(0, rmdir(dir));
	fake_free(f);
}

#define TRY_METRICS "Try 'virtio-status metrics --help' for more information.\n"
#define TRY_EXPORTER "Try 'virtio-status exporter --help' for more information.\n"
#define LISTEN_FORM "--listen takes ADDR:PORT (127.0.0.1:9123, [::1]:9123, or :9123 for every address), not "
#define LISTEN_PORT "--listen: the port must be a number from 1 to 65535, not "
#define LISTEN_HOST " is not a numeric IPv4 address or an IPv6 address in brackets"

TEST(metrics_args)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--bogus")));
	EXPECT_TEXT(err, "unknown option '--bogus'\n" TRY_METRICS);
	EXPECT_TEXT(out, "");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "extra")));
	EXPECT_TEXT(err, "metrics takes no argument 'extra'\n" TRY_METRICS);
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--output")));
	EXPECT_TEXT(err, "option --output needs a file\n" TRY_METRICS);
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("metrics", "--output=")));
	EXPECT_TEXT(err, "--output is empty\n" TRY_METRICS);
	free(out);
	free(err);
	EXPECT_EQ(0, f->dumps);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("metrics", "--help")));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status metrics [--output FILE]\n", 45));
	EXPECT_TEXT(err, "");
	free(out);
	free(err);
	fake_free(f);
}

TEST(listen_parse)
{
	static const struct {
		const char *arg;
		const char *msg;
	} bad[] = {
		{ "9123", LISTEN_FORM "'9123'" },
		{ "[::1]9123", LISTEN_FORM "'[::1]9123'" },
		{ "[::1", LISTEN_FORM "'[::1'" },
		{ "127.0.0.1:", LISTEN_PORT "''" },
		{ "127.0.0.1:0", LISTEN_PORT "'0'" },
		{ "127.0.0.1:65536", LISTEN_PORT "'65536'" },
		{ "127.0.0.1:+80", LISTEN_PORT "'+80'" },
		{ "127.0.0.1:80x", LISTEN_PORT "'80x'" },
		{ "::1:9123",
		  "--listen: write an IPv6 address in brackets ([::1]:9123), not '::1:9123'" },
		{ "localhost:9123", "--listen: 'localhost'" LISTEN_HOST },
		{ "1.2.3:9123", "--listen: '1.2.3'" LISTEN_HOST },
		{ "[1.2.3.4]:9123", "--listen: '1.2.3.4'" LISTEN_HOST },
		{ "[]:9123", "--listen: ''" LISTEN_HOST },
	};
	struct sockaddr_storage ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	char msg[VS_MSG_MAX];
	socklen_t len;
	size_t i;

	ASSERT_EQ(0, vs_listen_parse("127.0.0.1:9123", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET, s4->sin_family);
	EXPECT_EQ(9123, ntohs(s4->sin_port));
	EXPECT_EQ(htonl(INADDR_LOOPBACK), s4->sin_addr.s_addr);
	EXPECT_EQ(sizeof(*s4), len);
	ASSERT_EQ(0, vs_listen_parse("[::1]:65535", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET6, s6->sin6_family);
	EXPECT_EQ(65535, ntohs(s6->sin6_port));
	EXPECT_TRUE(IN6_IS_ADDR_LOOPBACK(&s6->sin6_addr));
	EXPECT_EQ(sizeof(*s6), len);
	ASSERT_EQ(0, vs_listen_parse(":1", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET6, s6->sin6_family);
	EXPECT_EQ(1, ntohs(s6->sin6_port));
	EXPECT_TRUE(IN6_IS_ADDR_UNSPECIFIED(&s6->sin6_addr));
	ASSERT_EQ(0, vs_listen_parse("0.0.0.0:80", &ss, &len, msg, sizeof(msg)));
	EXPECT_EQ(AF_INET, s4->sin_family);
	EXPECT_EQ(0, s4->sin_addr.s_addr);

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-1, vs_listen_parse(bad[i].arg, &ss, &len, msg, sizeof(msg)));
		EXPECT_TEXT(msg, bad[i].msg);
	}
}

TEST(exporter_args_and_port_in_use)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t slen = sizeof(sin);
	char arg[64], want[256];
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;
	int fd;

	ASSERT_NE(NULL, f);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", "--listen", "nope")));
	EXPECT_TEXT(err, LISTEN_FORM "'nope'\n" TRY_EXPORTER);
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", "--listen")));
	EXPECT_TEXT(err, "option --listen needs ADDR:PORT\n" TRY_EXPORTER);
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", "--port", "1")));
	EXPECT_TEXT(err, "unknown option '--port'\n" TRY_EXPORTER);
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", "now")));
	EXPECT_TEXT(err, "exporter takes no argument 'now'\n" TRY_EXPORTER);
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("exporter", "-h")));
	EXPECT_EQ(0, strncmp(out, "Usage: virtio-status exporter [--listen ADDR:PORT]\n", 51));
	free(out);
	free(err);

	/* a port somebody else listens on */
	fd = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ASSERT_EQ(0, bind(fd, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(fd, 1));
	ASSERT_EQ(0, getsockname(fd, (struct sockaddr *)&sin, &slen));
	snprintf(arg, sizeof(arg), "--listen=127.0.0.1:%u", ntohs(sin.sin_port));
	snprintf(want, sizeof(want),
		 "cannot listen on 127.0.0.1:%u: Address already in use (another exporter, or another server, has that port)\n",
		 ntohs(sin.sin_port));
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("exporter", arg)));
	EXPECT_TEXT(err, want);
	EXPECT_TEXT(out, "");
	free(out);
	free(err);
	close(fd);
	EXPECT_EQ(0, f->dumps);
	fake_free(f);
}

/* The status vs_exporter_answer() gives @method @url; 0 if it failed. */
static unsigned int status_of(const struct vs_backend *be, const char *method,
			      const char *url)
{
	struct vs_http_answer a;

	if (vs_exporter_answer(be, method, url, &a) < 0)
		return 0;
	free(a.body);
	return a.status;
}

TEST(exporter_answers)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_http_answer a;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_EQ(0, vs_exporter_answer(&be, "GET", "/metrics", &a));
	EXPECT_EQ(200, a.status);
	EXPECT_TEXT(a.type, "text/plain; version=0.0.4; charset=utf-8");
	EXPECT_EQ(NULL, a.allow);
	EXPECT_EQ(strlen(a.body), a.len);
	EXPECT_TRUE(has_line(a.body, "virtio_status_scrape_success 1"));
	free(a.body);
	EXPECT_EQ(1, f->dumps);
	EXPECT_EQ(200, status_of(&be, "HEAD", "/metrics"));
	ASSERT_EQ(0, vs_exporter_answer(&be, "POST", "/metrics", &a));
	EXPECT_EQ(405, a.status);
	EXPECT_TEXT(a.allow, "GET, HEAD");
	free(a.body);
	EXPECT_EQ(405, status_of(&be, "DELETE", "/"));
	ASSERT_EQ(0, vs_exporter_answer(&be, "GET", "/metrics/", &a));
	EXPECT_EQ(404, a.status);
	EXPECT_TEXT(a.body, "Not found: this exporter serves /metrics\n");
	free(a.body);
	EXPECT_EQ(404, status_of(&be, "POST", "/nope"));
	ASSERT_EQ(0, vs_exporter_answer(&be, "GET", "/", &a));
	EXPECT_EQ(200, a.status);
	EXPECT_TEXT(a.type, "text/html; charset=utf-8");
	EXPECT_NE(NULL, strstr(a.body, "<a href=\"/metrics\">"));
	free(a.body);
	/* only GET and HEAD of /metrics scrape */
	EXPECT_EQ(2, f->dumps);
	fake_free(f);
}

/* One HTTP/1.0 request to 127.0.0.1:@port; the whole answer, or NULL. */
static char *http_request(unsigned int port, const char *request)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct timeval tv = { .tv_sec = 60 };
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	ssize_t n;
	int fd;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (!buf || fd < 0)
		goto fail;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    write(fd, request, strlen(request)) != (ssize_t)strlen(request))
		goto fail;
	while ((n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += n;
		if (cap - len < 2) {
			char *p = realloc(buf, cap *= 2);

			if (!p)
				goto fail;
			buf = p;
		}
	}
	if (n < 0)
		goto fail;
	buf[len] = '\0';
	close(fd);
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

TEST(exporter_http_recovers)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct vs_backend fb, be = { .ops = &flaky_ops };
	struct flaky k = { .f = fake_new(&fb) };
	struct vs_exporter *x;
	char msg[VS_MSG_MAX];
	unsigned int port;
	char *r;

	ASSERT_NE(NULL, k.f);
	be.ctx = &k;
	fake_add(k.f, PCI_PATH, "virtio-net");
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	x = vs_exporter_start(&be, (struct sockaddr *)&sin, sizeof(sin),
			      "127.0.0.1:0", msg, sizeof(msg));
	ASSERT_NE(NULL, x) {
		TH_LOG("%s", msg);
	}
	port = vs_exporter_port(x);
	ASSERT_NE(0, port);

	r = http_request(port, "GET /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_EQ(0, strncmp(r + 8, " 200 OK\r\n", 9));
	EXPECT_NE(NULL, strstr(r, "\r\nContent-Type: " VS_METRICS_CONTENT_TYPE "\r\n"));
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 1"));
	EXPECT_EQ(1, count_lines(strstr(r, "\r\n\r\n"), "virtio_status_device_info{"));
	free(r);

	/* the module goes away: still 200, scrape_success 0 */
	vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	r = http_request(port, "GET /metrics?x=1 HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 200 OK\r\n"));
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 0"));
	EXPECT_NE(NULL, strstr(r, "{reason=\"module_not_loaded\","));
	EXPECT_EQ(NULL, strstr(r, "virtio_status_device_info{"));
	free(r);

	/* and comes back */
	vs_err_clear(&k.dump_err);
	r = http_request(port, "GET /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_TRUE(has_line(r, "virtio_status_scrape_success 1"));
	EXPECT_NE(NULL, strstr(r, "virtio_status_device_info{"));
	free(r);
	EXPECT_EQ(3, k.dumps);

	r = http_request(port, "POST /metrics HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 405 Method Not Allowed\r\n"));
	EXPECT_NE(NULL, strstr(r, "\r\nAllow: GET, HEAD\r\n"));
	free(r);
	r = http_request(port, "GET /nothing HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 404 Not Found\r\n"));
	free(r);
	r = http_request(port, "HEAD /metrics HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, " 200 OK\r\n"));
	EXPECT_EQ(NULL, strstr(r, "virtio_status_scrape_success"));
	free(r);
	r = http_request(port, "GET / HTTP/1.0\r\n\r\n");
	ASSERT_NE(NULL, r);
	EXPECT_NE(NULL, strstr(r, "<a href=\"/metrics\">/metrics</a>"));
	free(r);
	EXPECT_EQ(4, k.dumps);

	vs_exporter_stop(x);
	/* the port is free again */
	EXPECT_EQ(NULL, http_request(port, "GET / HTTP/1.0\r\n\r\n"));
	fake_free(k.f);
}

/* Events: notifications decoded, what the library knows, resync */

#define EV_TIME		1700000000123456789ULL

/* A notification of @cmd for virtio0 at PCI_PATH, every attribute there. */
static struct nl_msg *ntf_msg(u8 cmd, const char *driver, u64 seq, u32 gen)
{
	struct nl_msg *msg = dev_msg(cmd);
	struct nlattr *dev;

	if (!msg)
		return NULL;
	if (put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_SEQ, seq) ||
	    put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_TIME, EV_TIME) ||
	    !(dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV)) ||
	    put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0") ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO) ||
	    nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net") ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_INDEX, 0) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4) ||
	    (driver && nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, driver)) ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, gen) ||
	    nla_nest_end(msg, dev)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

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

/* An attribute of the event set, in dev_mark()'s notation */
#define EV(a)		(0x300 | VIRTIO_STATUS_A_EVENT_##a)
#define NTF_WHAT	"the virtio_status module sent a VIRTIO_DEVICE_ADDED notification "

/*
 * A device-added notification without @skip, or with @bad of the wrong
 * size (@wrong bytes, no NUL), in dev_mark()'s notation and EV(); every
 * other attribute it needs there.
 */
static int ntf_bad(int skip, int bad, struct vs_err *e)
{
	struct vs_event *ev = malloc(sizeof(*ev));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	struct nlattr *dev, *hdr;
	int ret = -2;

#define NTF_PUT(a, wrong, put) \
	(skip == (a) ? 0 : bad == (a) ? nla_put(msg, (a) & 0xff, (wrong), "abcd") : (put))
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
			    NTF_PUT(HDR(PATH), 4, nla_put_string(msg, VIRTIO_STATUS_A_HEADER_PATH, "x")) ||
			    NTF_PUT(HDR(BUSID), 4, nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, "x")) ||
			    nla_nest_end(msg, hdr))
				goto out;
		}
		if (NTF_PUT(VIRTIO_STATUS_A_DEV_NAME, 4, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "x")) ||
		    NTF_PUT(VIRTIO_STATUS_A_DEV_ID, 1, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1)) ||
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

#define MON_ARGC(...) ((int)(sizeof((char *[]){ "monitor", __VA_ARGS__ }) / sizeof(char *)))
#define MON_PARSE(o, msg, ...) \
	vs_monitor_parse(MON_ARGC(__VA_ARGS__), (char *[]){ "monitor", __VA_ARGS__, NULL }, \
			 o, msg, sizeof(msg))

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

TEST(monitor_args)
{
	struct vs_monitor_opts o;
	char msg[VS_MSG_MAX];
	char *out, *err;
	struct vs_backend be = { 0 };

	EXPECT_EQ(0, MON_PARSE(&o, msg, "-p", "--rcvbuf", "4096", "--no-vhost"));
	EXPECT_TRUE(o.pretty);
	EXPECT_TRUE(o.no_vhost);
	EXPECT_EQ(4096, o.rcvbuf);
	EXPECT_EQ(0, MON_PARSE(&o, msg, "--rcvbuf=1"));
	EXPECT_EQ(1, o.rcvbuf);
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "--rcvbuf"));
	EXPECT_STREQ("option --rcvbuf needs a size in bytes", msg);
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "--rcvbuf", "0"));
	EXPECT_STREQ("--rcvbuf takes a size in bytes from 1 to 67108864, not '0'", msg);
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "--rcvbuf=-5"));
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "--rcvbuf", "99999999999"));
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "--decode"));
	EXPECT_STREQ("monitor: unknown option '--decode'", msg);
	EXPECT_EQ(-1, MON_PARSE(&o, msg, "virtio0"));
	EXPECT_STREQ("monitor takes no argument, not 'virtio0'", msg);

	/* through the command line: a sentence, exit status 1, no kernel */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("monitor", "--bogus")));
	EXPECT_STREQ("", out);
	EXPECT_STREQ(err,
		     "monitor: unknown option '--bogus'\nTry 'virtio-status monitor --help' for more information.\n");
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("monitor", "--help")));
	EXPECT_NE(NULL, strstr(out, "VIRTIO_EVENTS_RESYNCED"));
	EXPECT_STREQ("", err);
	free(out);
	free(err);
}

TEST(event_new_timestamp)
{
	char *s = text_of(vs_event_new("X", NULL, 999999999ULL));

	EXPECT_TEXT(s,
		    "{\"event\": \"X\", \"data\": {}, \"timestamp\": {\"seconds\": 0, \"microseconds\": 999999}}");
	free(s);
}

/* serve: the QMP server */

/* The text a client is sent for @o, which is put. */
static char *serve_text_of(struct json_object *o)
{
	char *t = vs_serve_text(o, NULL);

	json_object_put(o);
	return t;
}

/* Every answer session @s gives to @len bytes of @in, fed @step at a time. */
static char *sess_feed(struct vs_qmp_sess *s, struct vs_backend *be,
		       const char *in, size_t len, size_t step)
{
	size_t off = 0, alen = 0, used, n;
	char *all = NULL, *t;
	struct json_object *r;
	FILE *f = open_memstream(&all, &alen);

	while (off < len) {
		n = len - off < step ? len - off : step;
		used = vs_qmp_sess_feed(s, be, in + off, n, &r);
		if (used == (size_t)-1) {
			fputs("(nomem)", f);
			break;
		}
		off += used;
		if (!r)
			continue;
		t = serve_text_of(r);
		fputs(t ? t : "(nomem)", f);
		free(t);
	}
	fclose(f);
	return all;
}

/* The answers of a fresh session to @in, negotiated first if @neg. */
static char *serve_answers(struct vs_backend *be, const char *in, bool neg)
{
	struct vs_qmp_sess s;
	char *out;

	vs_qmp_sess_init(&s);
	s.negotiated = neg;
	out = sess_feed(&s, be, in, strlen(in), strlen(in));
	vs_qmp_sess_free(&s);
	return out;
}

#define QERR(class, desc) \
	"{\"error\": {\"class\": \"" class "\", \"desc\": \"" desc "\"}}\r\n"
#define QERR_ID(id, class, desc) \
	"{\"id\": " id ", \"error\": {\"class\": \"" class "\", \"desc\": \"" desc "\"}}\r\n"
#define NEED_CAPS	"Expecting capabilities negotiation with 'qmp_capabilities'"
#define WANT_VERSION \
	"{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"virtio-status (virtio_status family version 2)\"}"
#define NOT_OBJECT	QERR("GenericError", "QMP input must be a JSON object")

/* @in answered @want by a fresh session, negotiated or not */
#define EXPECT_SERVE(be, neg, in, want) do {			\
	char *_s = serve_answers(be, in, neg);			\
	EXPECT_TEXT(_s, want);					\
	free(_s);						\
} while (0)

TEST(serve_greeting_and_version)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *t = serve_text_of(vs_serve_greeting());

	EXPECT_TEXT(t, "{\"QMP\": {\"version\": " WANT_VERSION ", \"capabilities\": []}}\r\n");
	free(t);
	EXPECT_SERVE(&be, true, "{\"execute\": \"query-version\", \"id\": \"v\"}",
		     "{\"return\": " WANT_VERSION ", \"id\": \"v\"}\r\n");
	fake_free(f);
}

TEST(serve_negotiation)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	/* known or not, every command waits for qmp_capabilities */
	EXPECT_SERVE(&be, false,
		     "{\"execute\": \"x-query-virtio\"}\n"
		     "{\"execute\": \"query-commands\", \"arguments\": {\"a\": 1}}\n"
		     "{\"execute\": \"nope\", \"id\": 3}\n",
		     QERR("CommandNotFound", NEED_CAPS)
		     QERR("CommandNotFound", NEED_CAPS)
		     QERR_ID("3", "CommandNotFound", NEED_CAPS));
	EXPECT_EQ(0, f->dumps);
	/* once, not twice */
	EXPECT_SERVE(&be, false,
		     "{\"execute\":\"qmp_capabilities\",\"id\":1}\n"
		     "{\"execute\":\"qmp_capabilities\",\"id\":2}\n"
		     "{\"execute\":\"x-query-virtio\",\"id\":{\"a\":[1]}}\n",
		     "{\"return\": {}, \"id\": 1}\r\n"
		     QERR_ID("2", "CommandNotFound",
			     "Capabilities negotiation is already complete, command ignored")
		     "{\"return\": [], \"id\": {\"a\": [1]}}\r\n");
	EXPECT_EQ(1, f->dumps);
	fake_free(f);
}

TEST(serve_capabilities_arguments)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, false,
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\", \"oob\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"foo\"]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\", 1]}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": \"oob\"}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": null}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"oob\"], \"x\": 1}}\n"
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": []}}",
		     QERR("GenericError", "Capability oob not available")
		     QERR("GenericError", "Capability oob, oob not available")
		     QERR("GenericError", "Parameter 'null' does not accept value 'foo'")
		     QERR("GenericError",
			  "Invalid parameter type for 'enable[1]', expected: string")
		     QERR("GenericError", "Invalid parameter type for 'enable', expected: array")
		     QERR("GenericError", "Invalid parameter type for 'enable', expected: array")
		     QERR("GenericError", "Parameter 'x' is unexpected")
		     "{\"return\": {}}\r\n");
	/* bad arguments are found before "already complete" */
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"qmp_capabilities\", \"arguments\": {\"enable\": [\"foo\"]}}",
		     QERR("GenericError", "Parameter 'null' does not accept value 'foo'"));
	fake_free(f);
}

TEST(serve_json_errors_as_qemu)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, true, "hello\n",
		     QERR("GenericError", "JSON parse error, invalid keyword 'hello'"));
	EXPECT_SERVE(&be, true, "[1 2]{\"a\" 1}{1:2}}{\"a\":}[1,]\n",
		     QERR("GenericError", "JSON parse error, expected separator in list")
		     QERR("GenericError", "JSON parse error, missing : in object pair")
		     QERR("GenericError", "JSON parse error, key is not a string in object")
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value"));
	EXPECT_SERVE(&be, true, "{\"execute\": \"x\", \"execute\": \"y\"}",
		     QERR("GenericError", "JSON parse error, duplicate key"));
	/* a control character in a string; then recovery at ':' */
	EXPECT_SERVE(&be, true, "{\"exec\nute\":\"query-version\"}\n",
		     QERR("GenericError", "JSON parse error, stray '\\\"exec\\n'")
		     QERR("GenericError", "JSON parse error, expecting value")
		     NOT_OBJECT
		     QERR("GenericError", "JSON parse error, expecting value"));
	/* a NUL ends the quoted text, as QEMU's %s does; 0xFF is U+FFFD */
	EXPECT_SERVE(&be, true, "X\n",
		     QERR("GenericError", "JSON parse error, stray 'X'"));
	EXPECT_SERVE(&be, true, "\"\xc3\xa9\xff\n",
		     QERR("GenericError", "JSON parse error, stray '\\\"\xc3\xa9\xef\xbf\xbd'"));
	{
		char *s = NULL;
		struct vs_qmp_sess ss;

		vs_qmp_sess_init(&ss);
		s = sess_feed(&ss, &be, "\0\n", 2, 2);
		EXPECT_TEXT(s, QERR("GenericError", "JSON parse error, stray ''"));
		free(s);
		vs_qmp_sess_free(&ss);
	}
	/*
	 * QEMU's numbers: "01" is a lexical error, after which the rest of
	 * the line is skipped (recovery stops at a control character)
	 */
	EXPECT_SERVE(&be, true, "01 -x 1.x\n01\n-x\n1.x\n",
		     QERR("GenericError", "JSON parse error, stray '01'")
		     QERR("GenericError", "JSON parse error, stray '01'")
		     QERR("GenericError", "JSON parse error, stray '-x'")
		     QERR("GenericError", "JSON parse error, stray '1.x'"));
	/* a bracket closed by a brace: two errors, as QEMU 7.2 gives */
	EXPECT_SERVE(&be, true, "[}]\n",
		     QERR("GenericError", "JSON parse error, expecting value")
		     QERR("GenericError", "JSON parse error, expecting value"));
	EXPECT_EQ(0, f->dumps + f->gets);
	fake_free(f);
}

TEST(serve_strings_as_qemu)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"\\ud800\"}{\"execute\": \"\\u12\"}{\"execute\": \"\\q\"}\n"
		     "{\"execute\": \"\xc3\"}{\"execute\": \"\xef\xbf\xbe\"}\n"
		     "{\"execute\": \"\\uDBFF\\uDFFF\"}",
		     QERR("GenericError",
			  "JSON parse error, \\\\ud800 is not a valid Unicode character")
		     QERR("GenericError",
			  "JSON parse error, \\\\u12\\\" is not a valid Unicode character")
		     QERR("GenericError", "JSON parse error, invalid escape sequence in string")
		     QERR("GenericError", "JSON parse error, invalid UTF-8 sequence in string")
		     QERR("GenericError", "JSON parse error, invalid UTF-8 sequence in string")
		     QERR("GenericError",
			  "JSON parse error, \\\\uDBFF\\\\uDFFF is not a valid Unicode character"));
	/* single quotes, \', a pair of surrogates, U+0000 */
	EXPECT_SERVE(&be, true,
		     "{'execute': 'a\\'\"b', 'id': '\\uD83D\\uDE00'}{\"execute\": \"\\u0000\"}",
		     QERR_ID("\"\xf0\x9f\x98\x80\"", "CommandNotFound",
			     "The command a'\\\"b has not been found")
		     QERR("CommandNotFound", "The command \\u0000 has not been found"));
	fake_free(f);
}

TEST(serve_request_checks_in_qemu_order)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	/* QEMU walks members in its QDict's order: "x" before "execute" ... */
	EXPECT_SERVE(&be, true, "{\"execute\": 1, \"x\": 1}",
		     QERR("GenericError", "QMP input member 'x' is unexpected"));
	/* ... "execute" before "arguments" */
	EXPECT_SERVE(&be, true, "{\"arguments\": [], \"execute\": 1}",
		     QERR("GenericError", "QMP input member 'execute' must be a string"));
	EXPECT_SERVE(&be, false, "{\"id\": 5}[1]\"s\" true {\"exec-oob\": \"x\"}",
		     QERR_ID("5", "GenericError", "QMP input lacks member 'execute'")
		     NOT_OBJECT NOT_OBJECT NOT_OBJECT
		     QERR("GenericError", "QMP input member 'exec-oob' is unexpected"));
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"query-version\", \"arguments\": []}\n"
		     "{\"id\": [1, 2], \"execute\": \"nope\"}",
		     QERR("GenericError", "QMP input member 'arguments' must be an object")
		     QERR_ID("[1, 2]", "CommandNotFound", "The command nope has not been found"));
	/* of several unexpected arguments, the one QEMU's hash table has first */
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"query-version\", \"arguments\": {\"x\": 1, \"y\": 2}, \"id\": \"q\"}\n"
		     "{\"execute\": \"query-commands\", \"arguments\": {\"a\": 1, \"b\": 2, \"c\": 3}}",
		     QERR_ID("\"q\"", "GenericError", "Parameter 'y' is unexpected")
		     QERR("GenericError", "Parameter 'b' is unexpected"));
	fake_free(f);
}

TEST(serve_table_commands)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s, *want;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, MMIO_PATH, "virtio-blk");
	/* the answer of --qmp, with the id where QEMU puts it */
	s = serve_answers(&be, "{\"execute\": \"x-query-virtio\", \"id\": 9}", true);
	EXPECT_EQ(0, strncmp(s, WANT_LIST2, strlen(WANT_LIST2) - 1));
	EXPECT_TEXT(s + strlen(WANT_LIST2) - 1, ", \"id\": 9}\r\n");
	free(s);
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": 3}}\n"
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\", \"decode\": 1}}",
		     QERR("GenericError", "Invalid parameter type for 'path', expected: string")
		     QERR("GenericError",
			  "Invalid parameter type for 'decode', expected: boolean"));
	/* what --qmp answers, with the id */
	want = qmp(&be,
		   "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	s = serve_answers(&be,
			  "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}, \"id\": \"s\"}",
			  true);
	ASSERT_NE(NULL, want);
	EXPECT_EQ(0, strncmp(want, "{\"return\": {\"name\": \"virtio-net\"", 31));
	EXPECT_EQ(0, strncmp(s, want, strlen(want) - 1));
	EXPECT_TEXT(s + strlen(want) - 1, ", \"id\": \"s\"}\r\n");
	free(want);
	free(s);
	EXPECT_STREQ("virtio0", f->last.value);
	/* a backend error: the --qmp sentence, id first */
	vs_err_sys(&f->get_err, ENODEV, "device not found");
	EXPECT_SERVE(&be, true,
		     "{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio7\"}, \"id\": 1}",
		     QERR_ID("1", "GenericError",
			     "no virtio device at virtio7 (kernel: device not found)"));
	/* CLI-only commands are not QMP commands */
	EXPECT_SERVE(&be, true, "{\"execute\": \"info\"}",
		     QERR("CommandNotFound", "The command info has not been found"));
	fake_free(f);
}

TEST(serve_query_commands_are_all_answered)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	size_t i;
	char *s;

	s = serve_answers(&be, "{\"execute\": \"query-commands\"}", true);
	EXPECT_TEXT(s,
		    "{\"return\": [{\"name\": \"query-commands\"}, {\"name\": \"query-version\"}, {\"name\": \"qmp_capabilities\"}, {\"name\": \"x-query-virtio\"}, {\"name\": \"x-query-virtio-status\"}, {\"name\": \"x-query-virtio-queue-status\"}, {\"name\": \"x-query-virtio-vhost-queue-status\"}, {\"name\": \"x-query-virtio-queue-element\"}, {\"name\": \"x-virtio-status-info\"}]}\r\n");
	free(s);
	/* every one listed is known (none "has not been found") */
	for (i = 0; vs_serve_command(i); i++) {
		char req[128];

		snprintf(req, sizeof(req), "{\"execute\": \"%s\"}", vs_serve_command(i));
		s = serve_answers(&be, req, true);
		EXPECT_EQ(NULL, strstr(s ? s : "has not been found", "has not been found"))
			TH_LOG("%s: %s", vs_serve_command(i), s);
		free(s);
	}
	/* and the command line's own command is not offered */
	for (i = 0; vs_serve_command(i); i++)
		EXPECT_STRNE("info", vs_serve_command(i));
	fake_free(f);
}

TEST(serve_values_across_lines_and_reads)
{
	static const char in[] =
		"{\"execute\":\n\"query-version\",\n\"id\": 1}{\"execute\": \"query-version\", \"id\": 2}\r\n"
		"  \t{\"execute\": \"nope\"} 7 [\"a\",\n{}]\n";
	static const char want[] =
		"{\"return\": " WANT_VERSION ", \"id\": 1}\r\n"
		"{\"return\": " WANT_VERSION ", \"id\": 2}\r\n"
		QERR("CommandNotFound", "The command nope has not been found")
		NOT_OBJECT NOT_OBJECT;
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_qmp_sess s;
	size_t step;
	char *out;

	/* whole, and cut at every size down to one byte at a time */
	for (step = sizeof(in) - 1; step >= 1; step = step > 7 ? step / 2 : step - 1) {
		vs_qmp_sess_init(&s);
		s.negotiated = true;
		out = sess_feed(&s, &be, in, sizeof(in) - 1, step);
		EXPECT_TEXT(out, want) TH_LOG("fed %zu bytes at a time", step);
		free(out);
		vs_qmp_sess_free(&s);
	}
	fake_free(f);
}

TEST(serve_limits)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	size_t n = VS_SERVE_NESTING_MAX + 1, i;
	char *in = malloc(VS_SERVE_VALUE_MAX + 64), *s;

	ASSERT_NE(NULL, in);
	/* QEMU's nesting limit: 1024 deep is a value, 1025 is not */
	for (i = 0; i < n - 1; i++)
		in[i] = '[';
	for (i = 0; i < n - 1; i++)
		in[n - 1 + i] = ']';
	in[2 * (n - 1)] = '\0';
	EXPECT_SERVE(&be, true, in, NOT_OBJECT);
	memset(in, '[', n);
	in[n] = '\0';
	EXPECT_SERVE(&be, true, in,
		     QERR("GenericError", "JSON nesting depth limit exceeded"));
	/* a string as long as a whole value may be: given up on, by QEMU's words */
	in[0] = '"';
	memset(in + 1, 'a', VS_SERVE_VALUE_MAX + 8);
	memcpy(in + VS_SERVE_VALUE_MAX + 9, "\"\n", 3);
	s = serve_answers(&be, in, true);
	EXPECT_EQ(0, strncmp(s, QERR("GenericError", "JSON token size limit exceeded"),
			     strlen(QERR("GenericError", "JSON token size limit exceeded"))));
	free(s);
	/*
	 * Many small tokens: QEMU's check counts their text and one more
	 * byte, so [1,...,1] with n "1," is a value while 2n + 4 bytes fit.
	 */
	for (n = VS_SERVE_VALUE_MAX / 2 - 2; n <= VS_SERVE_VALUE_MAX / 2 - 1; n++) {
		in[0] = '[';
		for (i = 0; i < n; i++)
			memcpy(in + 1 + 2 * i, "1,", 2);
		memcpy(in + 1 + 2 * n, "1]", 3);
		s = serve_answers(&be, in, true);
		/* one token too many: the last 1 is refused, then "]" alone */
		EXPECT_TEXT(s, 2 * n + 4 > VS_SERVE_VALUE_MAX ?
			    QERR("GenericError", "JSON token size limit exceeded")
			    QERR("GenericError", "JSON parse error, expecting value") :
			    NOT_OBJECT);
		free(s);
	}
	free(in);
	fake_free(f);
}

TEST(serve_text_is_valid_utf8)
{
	struct json_object *o = json_object_new_object();
	char *t;

	json_object_object_add(o, "a\xc0\x80", json_object_new_string("x\xc0\x80y\xfe\xc3"));
	json_object_object_add(o, "b", json_object_new_string("\xe2\x82\xac"));
	t = serve_text_of(o);
	EXPECT_TEXT(t,
		    "{\"a\xef\xbf\xbd\": \"x\\u0000y\xef\xbf\xbd\xef\xbf\xbd\", \"b\": \"\xe2\x82\xac\"}\r\n");
	free(t);
}

TEST(serve_args)
{
	struct vs_serve_opts o;
	char msg[VS_MSG_MAX];

#define SERVE(...) vs_serve_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), &o, msg, sizeof(msg))
	EXPECT_EQ(0, SERVE("--socket", "/run/vs.sock"));
	EXPECT_STREQ("/run/vs.sock", o.socket);
	EXPECT_EQ(0600, o.mode);
	EXPECT_EQ((gid_t)-1, o.gid);
	EXPECT_EQ(0, SERVE("--socket=/s", "--mode=0640", "--group", "0"));
	EXPECT_EQ(0640, o.mode);
	EXPECT_EQ(0, o.gid);
	EXPECT_EQ(0, SERVE("--help"));
	EXPECT_TRUE(o.help);
	EXPECT_EQ(-1, SERVE("--mode", "0600"));
	EXPECT_STREQ("serve needs --socket PATH", msg);
	EXPECT_EQ(-1, SERVE("--socket"));
	EXPECT_STREQ("option --socket needs a value", msg);
	EXPECT_EQ(-1, SERVE("--socket", ""));
	EXPECT_STREQ("--socket is empty", msg);
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--mode", "rw"));
	EXPECT_STREQ("--mode takes octal permissions such as 0660, not 'rw'", msg);
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--mode", "01777"));
	EXPECT_STREQ("--mode takes octal permissions such as 0660, not '01777'", msg);
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--mode", "0666"));
	EXPECT_TEXT(msg,
		    "--mode 0666 would let every user connect and read what root sees (vhost devices, offered features); use --group and a mode such as 0660");
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--mode", "0400"));
	EXPECT_TEXT(msg,
		    "--mode 0400 leaves the owner unable to connect; give it write permission (0600)");
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--group", "no-such-group-here"));
	EXPECT_STREQ("--group: no group named 'no-such-group-here'", msg);
	EXPECT_EQ(-1, SERVE("--socket", "/s", "--verbose"));
	EXPECT_STREQ("unknown option '--verbose'", msg);
	EXPECT_EQ(-1, SERVE("--socket", "/s", "extra"));
	EXPECT_STREQ("unexpected argument 'extra'", msg);
#undef SERVE
}

/* A scratch directory for sockets (short: sun_path is 108 bytes). */
static void serve_tmpdir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/vs-serve-XXXXXX");
	if (!mkdtemp(dir))
		dir[0] = '\0';
}

static int serve_connect(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Connect to a server just started: it may take a while to listen (10 s). */
static int serve_connect_wait(const char *path)
{
	int fd, i;

	for (i = 0; i < 200 && (fd = serve_connect(path)) < 0; i++)
		usleep(50000);
	return fd;
}

TEST(serve_listen_socket)
{
	char dir[64], path[160], msg[2 * VS_MSG_MAX];
	struct stat st;
	mode_t old;
	int fd, fd2, c;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);

	/* 0600 even under a umask that lets everything through */
	old = umask(0);
	fd = vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg));
	umask(old);
	ASSERT_LE(0, fd) TH_LOG("%s", msg);
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_TRUE(S_ISSOCK(st.st_mode));
	EXPECT_EQ(0600, st.st_mode & 07777);
	c = serve_connect(path);
	EXPECT_LE(0, c);
	close(c);

	/* somebody listens: left alone */
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "a server is already listening on /tmp/vs-serve-"));
	close(fd);

	/* nobody listens: a stale socket, replaced; the mode and group asked */
	fd = vs_serve_listen(path, 0660, getgid(), msg, sizeof(msg));
	ASSERT_LE(0, fd) TH_LOG("%s", msg);
	ASSERT_EQ(0, lstat(path, &st));
	EXPECT_EQ(0660, st.st_mode & 07777);
	EXPECT_EQ(getgid(), st.st_gid);
	close(fd);
	unlink(path);

	/* anything else at the path is never replaced */
	fd2 = open(path, O_CREAT | O_WRONLY, 0644);
	ASSERT_LE(0, fd2);
	close(fd2);
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "exists and is not a socket; not replacing it"));
	unlink(path);
	ASSERT_EQ(0, symlink("/tmp", path));
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "exists and is not a socket; not replacing it"));
	unlink(path);
	rmdir(dir);

	memset(path, 'a', sizeof(path) - 1);
	path[0] = '/';
	path[sizeof(path) - 1] = '\0';
	EXPECT_EQ(-1, vs_serve_listen(path, 0600, (gid_t)-1, msg, sizeof(msg)));
	EXPECT_NE(NULL, strstr(msg, "is too long (at most 107 bytes)"));
}

/* One line from @fd (without "\r\n"), waiting up to 20 s; NULL on EOF/timeout. */
static char *serve_line(int fd)
{
	char *line = malloc(1 << 16);
	size_t n = 0;
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (line && n < (1 << 16) - 1) {
		if (poll(&p, 1, 20000) != 1 || read(fd, line + n, 1) != 1)
			break;
		if (line[n++] != '\n')
			continue;
		line[n >= 2 && line[n - 2] == '\r' ? n - 2 : n - 1] = '\0';
		return line;
	}
	free(line);
	return NULL;
}

static int serve_say(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
}

/* user + system CPU time of process @pid so far, in clock ticks */
static long serve_cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	/* after "(comm)": state is field 3, utime and stime 14 and 15 */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
			 &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/*
 * Out of file descriptors, the server leaves connections waiting in the
 * backlog instead of polling a listening socket it cannot accept from
 * (which spins a CPU), says so once, and takes them when fds come back.
 */
TEST(serve_out_of_fds_waits)
{
	char dir[64], path[96], log[96], buf[512], *l;
	int c[8], greeted = 0, later = 0, status, i, fd, lfd;
	bool got[8] = { false };
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	long before, after;
	ssize_t n;
	pid_t pid;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);
	snprintf(log, sizeof(log), "%s/err", dir);
	fake_add(f, PCI_PATH, "virtio-net");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		FILE *err = fopen(log, "w");
		struct rlimit rl;

		/* room for what is open, the two of the server, and 3 clients */
		for (fd = 0, i = 0; fd < 1024; fd++)
			i += fcntl(fd, F_GETFD) >= 0;
		rl.rlim_cur = (rlim_t)(i + 5);
		rl.rlim_max = rl.rlim_cur;
		if (!err || setrlimit(RLIMIT_NOFILE, &rl))
			_exit(99);
		_exit(vs_serve_main(ARGC("--socket", path), ARGV("--socket", path),
				    &be, err, err));
	}
	lfd = serve_connect_wait(path);
	ASSERT_LE(0, lfd);
	l = serve_line(lfd);
	ASSERT_NE(NULL, l);
	free(l);
	for (i = 0; i < 8; i++) {
		c[i] = serve_connect(path);
		ASSERT_LE(0, c[i]);
	}
	for (i = 0; i < 8; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLIN };

		if (poll(&p, 1, 2000) == 1) {
			l = serve_line(c[i]);
			got[i] = !!l;
			greeted += got[i];
			free(l);
		}
	}
	EXPECT_GT(8, greeted);
	/* a spinning server burns about 100 ticks a second */
	before = serve_cpu_ticks(pid);
	sleep(2);
	after = serve_cpu_ticks(pid);
	ASSERT_LE(0, before);
	EXPECT_GT(20, after - before) TH_LOG("%ld ticks in 2 s", after - before);
	/* fds come back: the waiting ones are greeted */
	close(lfd);
	for (i = 0; i < 8; i++)
		if (got[i])
			close(c[i]);
	for (i = 0; i < 8; i++) {
		if (got[i])
			continue;
		l = serve_line(c[i]);
		later += !!l;
		free(l);
		if (!l)
			break;
		close(c[i]);
		got[i] = true;
	}
	EXPECT_EQ(8 - greeted, later);
	for (i = 0; i < 8; i++)
		if (!got[i])
			close(c[i]);
	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	fd = open(log, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	EXPECT_NE(NULL, strstr(buf, "cannot accept a connection: Too many open files; "
			       "new connections wait\n"))
		TH_LOG("%s", buf);
	EXPECT_NE(NULL, strstr(buf, "accepting connections again\n")) TH_LOG("%s", buf);
	unlink(log);
	unlink(path);
	rmdir(dir);
	fake_free(f);
}

TEST(serve_end_to_end)
{
	char dir[64], path[96], *l;
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	int a, b, g, p, status, i, flags;
	size_t flooded = 0;
	pid_t pid;

	serve_tmpdir(dir, sizeof(dir));
	ASSERT_NE(0, dir[0]);
	snprintf(path, sizeof(path), "%s/qmp.sock", dir);
	fake_add(f, PCI_PATH, "virtio-net");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		FILE *null = fopen("/dev/null", "w");

		_exit(vs_serve_main(ARGC("--socket", path), ARGV("--socket", path),
				    &be, null, null));
	}
	a = serve_connect_wait(path);
	ASSERT_LE(0, a);
	b = serve_connect(path);
	g = serve_connect(path);
	ASSERT_LE(0, b);
	ASSERT_LE(0, g);
	for (i = 0; i < 3; i++) {
		l = serve_line(i == 0 ? a : i == 1 ? b : g);
		ASSERT_NE(NULL, l);
		EXPECT_EQ(0, strncmp(l, "{\"QMP\": {\"version\": ", 20));
		free(l);
	}
	/* a sends garbage, and then floods without reading */
	ASSERT_EQ(0, serve_say(g, "\xff{]}garbage\n"));
	ASSERT_EQ(0, serve_say(a, "{\"execute\": \"qmp_capabilities\"}\n"));
	l = serve_line(a);
	EXPECT_STREQ("{\"return\": {}}", l);
	free(l);
	flags = fcntl(a, F_GETFL);
	fcntl(a, F_SETFL, flags | O_NONBLOCK);
	for (;;) {
		static const char q[] = "{\"execute\": \"x-query-virtio\"}\n";
		ssize_t n = write(a, q, sizeof(q) - 1);

		if (n <= 0)
			break;
		flooded += (size_t)n;
	}
	TH_LOG("a flooded %zu bytes before its socket filled", flooded);
	/* b is answered all the same */
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"x-query-virtio\", \"id\": 1}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"id\": 1, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \""
		     NEED_CAPS "\"}}", l);
	free(l);
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"qmp_capabilities\"}\n"
			       "{\"execute\": \"x-query-virtio\", \"id\": 2}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": {}}", l);
	free(l);
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": [{\"path\": \"" PCI_PATH
		     "\", \"name\": \"virtio-net\"}], \"id\": 2}", l);
	free(l);
	/* a client gone in the middle of a request harms no one */
	p = serve_connect(path);
	ASSERT_LE(0, p);
	free(serve_line(p));
	ASSERT_EQ(0, serve_say(p, "{\"execute\": \"qmp_capab"));
	close(p);
	ASSERT_EQ(0, serve_say(b, "{\"execute\": \"query-version\", \"id\": 4}\n"));
	l = serve_line(b);
	EXPECT_STREQ("{\"return\": " WANT_VERSION ", \"id\": 4}", l ? l : "");
	free(l);
	/* the garbage got QEMU's errors */
	for (i = 0; i < 4; i++) {
		static const char *const want[] = {
			"stray '\xef\xbf\xbd'", "expecting value", "expecting value",
			"invalid keyword 'garbage'",
		};
		char line[256];

		snprintf(line, sizeof(line),
			 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"JSON parse error, %s\"}}",
			 want[i]);
		l = serve_line(g);
		EXPECT_STREQ(line, l ? l : "");
		free(l);
	}
	/* a half-closed client is answered, then closed */
	ASSERT_EQ(0, serve_say(g, "{\"execute\": \"query-version\", \"id\": 3}"));
	shutdown(g, SHUT_WR);
	l = serve_line(g);
	EXPECT_STREQ("{\"id\": 3, \"error\": {\"class\": \"CommandNotFound\", \"desc\": \""
		     NEED_CAPS "\"}}", l ? l : "");
	free(l);
	l = serve_line(g);
	EXPECT_EQ(NULL, l);
	close(a);
	close(b);
	close(g);
	kill(pid, SIGTERM);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	EXPECT_NE(0, access(path, F_OK));
	rmdir(dir);
	fake_free(f);
}

/* 128-bit feature sets, the newer attributes and list-only mode */

#define EXPECT_HAS(text, part)	EXPECT_NE(NULL, strstr(text, part))

/* fill_dev() on a kernel with 128-bit feature sets: _HI words sent. */
static void fill_dev128(struct vs_nl_dev *d, u64 driver_hi, u64 device_hi)
{
	fill_dev(d);
	d->driver_features_hi = driver_hi;
	d->device_features_hi = device_hi;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI);
}

/*
 * Whether @k is the "<prev>-full" member after @prev (or after @prev's
 * "-hex").
 */
static bool full_sibling(const char *k, const char *prev)
{
	size_t n = prev ? strlen(prev) : 0;

	return n && !strncmp(k, prev, n) && !strcmp(k + n, "-full");
}

/* Each set has its presence mask, as wide as its numbers go. */
TEST(presence_masks_per_set)
{
	u64 wide[VS_NL_PRESENT_WORDS(130)] = { 0 };
	struct vs_nl_info info;
	struct vs_nl_dev d;

	/* one word holds numbers 0-63; bit 64 is not bit 0, 129 not 1 */
	EXPECT_EQ(1, VS_NL_PRESENT_WORDS(63));
	EXPECT_EQ(2, VS_NL_PRESENT_WORDS(64));
	ASSERT_EQ(3, ARRAY_SIZE(wide));
	vs_nl_set(wide, 64);
	vs_nl_set(wide, 129);
	EXPECT_TRUE(vs_nl_has(wide, 64));
	EXPECT_TRUE(vs_nl_has(wide, 129));
	EXPECT_FALSE(vs_nl_has(wide, 0));
	EXPECT_FALSE(vs_nl_has(wide, 1));
	EXPECT_FALSE(vs_nl_has(wide, 65));
	EXPECT_EQ(0, wide[0]);
	EXPECT_EQ(1, wide[1]);
	EXPECT_EQ(BIT_ULL(1), wide[2]);
	vs_nl_clear(wide, 64);
	EXPECT_FALSE(vs_nl_has(wide, 64));
	EXPECT_FALSE(vs_nl_has(wide, -1));
	/* each struct's mask covers its set */
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_DEV_MAX), ARRAY_SIZE(d.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_VHOST_MAX), ARRAY_SIZE(d.vhost.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_HEADER_MAX), ARRAY_SIZE(d.header.have));
	EXPECT_EQ(VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_INFO_MAX), ARRAY_SIZE(info.have));

	memset(&d, 0, sizeof(d));
	memset(&info, 0, sizeof(info));
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	vs_info_set(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS);
	vs_info_set(&info, VIRTIO_STATUS_A_INFO_FINGERPRINT);
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS));
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FINGERPRINT));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_MODE));
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY));
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_LIST_ONLY));

	/* a nest's attribute marks the nest; its number is of the nest's set */
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ERROR);
	vs_dev_header_set(&d, VIRTIO_STATUS_A_HEADER_BUSID);
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_TRUE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_HEADER));
	EXPECT_TRUE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_TRUE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_FALSE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	/* without its nest, a nest's attribute is not there */
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_VHOST);
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_HEADER);
	EXPECT_FALSE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_FALSE(vs_dev_header_has(&d, VIRTIO_STATUS_A_HEADER_BUSID));

	/* numbers past a set's are never there, even with their bit set */
	vs_nl_set(d.have, VIRTIO_STATUS_A_DEV_MAX + 1);
	vs_nl_set(d.vhost.have, VIRTIO_STATUS_A_VHOST_MAX + 1);
	vs_nl_set(info.have, VIRTIO_STATUS_A_INFO_MAX + 1);
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_VHOST);
	EXPECT_FALSE(vs_dev_has(&d, VIRTIO_STATUS_A_DEV_MAX + 1));
	EXPECT_FALSE(vs_dev_has(&d, 64 * ARRAY_SIZE(d.have)));
	EXPECT_FALSE(vs_dev_has(&d, -1));
	EXPECT_FALSE(vs_dev_vhost_has(&d, VIRTIO_STATUS_A_VHOST_MAX + 1));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_MAX + 1));
	EXPECT_FALSE(vs_info_has(&info, 64 * ARRAY_SIZE(info.have)));
}

/* Every attribute of every set has its uapi name, and the nests their set. */
TEST(attribute_tables_match_uapi)
{
	static const struct {
		const struct vs_nl_set *set;
		int max;
		int pad;	/* no name, not kept; 0: the set has none */
	} sets[] = {
		{ &vs_nl_header_set, VIRTIO_STATUS_A_HEADER_MAX, 0 },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_MAX, VIRTIO_STATUS_A_DEV_PAD },
		{ &vs_nl_vhost_set, VIRTIO_STATUS_A_VHOST_MAX, VIRTIO_STATUS_A_VHOST_PAD },
		{ &vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_MAX, VIRTIO_STATUS_A_QUEUE_PAD },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_MAX, 0 },
		{ &vs_nl_desc_set, VIRTIO_STATUS_A_DESC_MAX, VIRTIO_STATUS_A_DESC_PAD },
		{ &vs_nl_info_set, VIRTIO_STATUS_A_INFO_MAX, 0 },
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_MAX, VIRTIO_STATUS_A_EVENT_PAD },
	};
#define NAMED(set, attr) { &vs_nl_##set##_set, VIRTIO_STATUS_##attr, "VIRTIO_STATUS_" #attr }
	static const struct {
		const struct vs_nl_set *set;
		int attr;
		const char *name;
	} names[] = {
		NAMED(header, A_HEADER_PATH), NAMED(header, A_HEADER_BUSID),
		NAMED(dev, A_DEV_HEADER), NAMED(dev, A_DEV_LIST_ONLY),
		NAMED(dev, A_DEV_BUSY), NAMED(dev, A_DEV_VHOST),
		NAMED(vhost, A_VHOST_ERROR), NAMED(vhost, A_VHOST_HOLDER_PID),
		NAMED(queue, A_QUEUE_ADDR_HIDDEN), NAMED(queue, A_QUEUE_ADDR_IOVA),
		NAMED(element, A_ELEMENT_QUEUE_INDEX), NAMED(element, A_ELEMENT_DESC),
		NAMED(desc, A_DESC_FLAGS), NAMED(info, A_INFO_FEATURE_BITS),
		NAMED(event, A_EVENT_SEQ), NAMED(event, A_EVENT_DEV),
	};
#undef NAMED
	static const struct {
		const struct vs_nl_set *set;
		int attr;
		const struct vs_nl_set *nested;
		u32 max;		/* repeated: how many are kept */
	} nests[] = {
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, &vs_nl_vhost_set, 0 },
		{ &vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_HEADER, &vs_nl_header_set, 0 },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, &vs_nl_desc_set,
		  VIRTIO_STATUS_DESCS_MAX },
		/* event-dev is a subset of dev: the dev set's table and struct */
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_DEV, &vs_nl_dev_set, 0 },
	};
	char want[96];
	size_t i;
	int a;

	for (i = 0; i < ARRAY_SIZE(sets); i++) {
		const struct vs_nl_set *set = sets[i].set;

		EXPECT_EQ(sets[i].max, set->max) TH_LOG("%s", set->name);
		for (a = 1; a <= set->max; a++) {
			const struct vs_nl_attr *d = &set->attrs[a];

			if (a == sets[i].pad) {
				EXPECT_EQ(0, d->type) TH_LOG("%s pad", set->name);
				continue;
			}
			ASSERT_NE(NULL, d->name) TH_LOG("%s %d", set->name, a);
			EXPECT_NE(0, d->type) TH_LOG("%s %d", set->name, a);
			EXPECT_EQ(d->type == VS_NL_NEST, d->nested != NULL);
			snprintf(want, sizeof(want), "VIRTIO_STATUS_%s%s",
				 set->prefix, d->name);
			EXPECT_STREQ(want, vs_nl_attr_name(set, a));
		}
		/* a number this CLI does not know, and 0: the number */
		snprintf(want, sizeof(want), "VIRTIO_STATUS_%s%d", set->prefix,
			 set->max + 1);
		EXPECT_STREQ(want, vs_nl_attr_name(set, set->max + 1));
		snprintf(want, sizeof(want), "VIRTIO_STATUS_%s0", set->prefix);
		EXPECT_STREQ(want, vs_nl_attr_name(set, 0));
	}
	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_STREQ(names[i].name, vs_nl_attr_name(names[i].set, names[i].attr));
	for (i = 0; i < ARRAY_SIZE(nests); i++) {
		const struct vs_nl_attr *d = &nests[i].set->attrs[nests[i].attr];

		EXPECT_EQ(VS_NL_NEST, d->type) TH_LOG("nest %zu", i);
		EXPECT_EQ(nests[i].nested, d->nested) TH_LOG("nest %zu", i);
		EXPECT_EQ(nests[i].max, d->max) TH_LOG("nest %zu", i);
	}
	EXPECT_EQ(VIRTIO_STATUS_HOLDERS_SENT,
		  vs_nl_vhost_set.attrs[VIRTIO_STATUS_A_VHOST_HOLDER_PID].max);
}

TEST(decode_reply_with_new_attributes)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest;
	struct vs_fset fs;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 1));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI, 0x1e));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, 3));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_DEV_PAD, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI, 0));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_VHOST_PAD, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI, 4));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 4));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS, 5));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_LIST_ONLY, 1));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(0x1e, d->driver_features_hi);
	fs = vs_dev_driver_features(d);
	EXPECT_EQ(1, fs.w[0]);
	EXPECT_EQ(0x1e, fs.w[1]);
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI));
	fs = vs_dev_device_features(d);
	EXPECT_EQ(0, fs.w[1]);
	EXPECT_EQ(4, d->vhost.acked_features_hi);
	EXPECT_TRUE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI));
	fs = vs_dev_vhost_acked(d);
	EXPECT_EQ(4, fs.w[1]);
	EXPECT_EQ(4, d->num_vqs);
	EXPECT_EQ(5, d->device_num_vqs);
	EXPECT_EQ(5, vs_dev_num_vqs(d));
	EXPECT_TRUE(vs_dev_list_only(d));
	nlmsg_free(msg);

	/* a _HI of the wrong size is refused like any other */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VS_ERR_MSG, e.kind);
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI");
	nlmsg_free(msg);

	/* without _HI (an older kernel) the high word is 0, whatever is kept */
	fill_dev(d);
	d->driver_features_hi = 7;
	fs = vs_dev_driver_features(d);
	EXPECT_EQ(0, fs.w[1]);
	EXPECT_FALSE(vs_dev_list_only(d));
	free(d);
}

TEST(decode_info_reply_new_attributes)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	struct vs_nl_info info;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_VHOST_STATE, VIRTIO_STATUS_VHOST_STATE_ON));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_GENERATION, 9));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_MODE, VIRTIO_STATUS_MODE_LIST_ONLY));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_MODE_REASON, "unknown fingerprint"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_INFO_FINGERPRINT, "abc123 7.4.1"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 128));
	ASSERT_EQ(0, vs_info_from_msg(msg, &info, &e));
	EXPECT_EQ(9, info.generation);
	EXPECT_TRUE(vs_info_list_only(&info));
	EXPECT_STREQ("unknown fingerprint", info.mode_reason);
	EXPECT_STREQ("abc123 7.4.1", info.fingerprint);
	EXPECT_EQ(128, info.feature_bits);
	EXPECT_TRUE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_FEATURE_BITS));
	EXPECT_FALSE(vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_REASON));
	nlmsg_free(msg);

	msg = dev_msg(VIRTIO_STATUS_CMD_INFO);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 128));
	EXPECT_EQ(-1, vs_info_from_msg(msg, &info, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_INFO_FEATURE_BITS");
	nlmsg_free(msg);
}

TEST(fset_hex_and_helpers)
{
	struct vs_fset a = vs_fset_of(BIT_ULL(63) | 1, BIT_ULL(1));
	struct vs_fset b = vs_fset_of(1, 0);
	struct vs_fset c;
	char buf[VS_FSET_HEX_LEN];

	EXPECT_STREQ("0x00000000000000028000000000000001",
		     vs_fset_hex(&a, buf, sizeof(buf)));
	EXPECT_EQ(34, strlen(buf));
	EXPECT_TRUE(vs_fset_test(&a, 65));
	EXPECT_FALSE(vs_fset_test(&a, 64));
	EXPECT_FALSE(vs_fset_test(&a, 128));
	EXPECT_TRUE(vs_fset_high(&a));
	EXPECT_FALSE(vs_fset_high(&b));
	EXPECT_EQ(3, vs_fset_weight(&a));
	c = vs_fset_andnot(&a, &b);
	EXPECT_EQ(BIT_ULL(63), c.w[0]);
	EXPECT_EQ(BIT_ULL(1), c.w[1]);
}

/* The plain shape: -full after a set with a bit above 63, and only then. */
TEST(status_full_members_only_with_high_bits)
{
	const char *prev = NULL;
	struct json_object *o;
	struct vs_nl_dev d;
	size_t i = 0;
	char *s;

	/* a 6.17+ module sends _HI, here 0: nothing changes */
	fill_dev128(&d, 0, 0);
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	s = vs_json_text(o, false);
	json_object_put(o);
	fill_dev(&d);
	o = vs_json_status(&d);
	EXPECT_TEXT(s, vs_json_text(o, false));
	EXPECT_EQ(NULL, strstr(s, "-full"));
	free(s);
	json_object_put(o);

	/* bit 65 (GUEST_UDP_TUNNEL_GSO) negotiated, 65-68 offered */
	fill_dev128(&d, BIT_ULL(1), 0x1e);
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	/* the uint64 members and their -hex are the low word, as before */
	EXPECT_EQ(BIT60 | BIT_ULL(32) | 0x5,
		  json_object_get_uint64(member(o, "guest-features")));
	EXPECT_STREQ("0x1000000100000005",
		     json_object_get_string(member(o, "guest-features-hex")));
	EXPECT_STREQ("0x00000000000000021000000100000005",
		     json_object_get_string(member(o, "guest-features-full")));
	EXPECT_STREQ("0x000000000000001e9000000100000007",
		     json_object_get_string(member(o, "host-features-full")));
	EXPECT_EQ(NULL, member(o, "backend-features-full"));
	/* each right after its member (and -hex), the schema's order kept */
	json_object_object_foreach(o, k, v) {
		(void)v;
		if (hex_sibling(k, prev) || full_sibling(k, prev))
			continue;
		prev = k;
		ASSERT_LT(i, ARRAY_SIZE(status_keys));
		EXPECT_STREQ(status_keys[i], k);
		i++;
	}
	EXPECT_EQ(ARRAY_SIZE(status_keys), i);
	s = vs_json_text(o, false);
	EXPECT_HAS(s,
		   "\"guest-features\": 1152921508901814277, \"guest-features-hex\": \"0x1000000100000005\", \"guest-features-full\": \"0x00000000000000021000000100000005\", \"host-features\": ");
	free(s);
	json_object_put(o);

	/* below 2^53 there is no -hex, -full still follows */
	fill_dev128(&d, BIT_ULL(3), 0);
	d.driver_features = 1;
	o = vs_json_status(&d);
	s = vs_json_text(o, false);
	EXPECT_HAS(s,
		   "\"guest-features\": 1, \"guest-features-full\": \"0x00000000000000080000000000000001\", \"host-features\": 10376293545756590087, \"host-features-hex\": \"0x9000000100000007\", \"backend-features\": 0, ");
	free(s);
	json_object_put(o);
}

TEST(vhost_full_members)
{
	struct json_object *o, *dev;
	struct vs_nl_dev d;

	fill_vhost(&d);
	d.vhost.acked_features_hi = BIT_ULL(2);
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI);
	o = vs_json_vhost_status(&d, FSET(7, BIT_ULL(2) | BIT_ULL(4)));
	ASSERT_NE(NULL, o);
	EXPECT_EQ(5, json_object_get_uint64(member(o, "guest-features")));
	EXPECT_STREQ("0x00000000000000040000000000000005",
		     json_object_get_string(member(o, "guest-features-full")));
	EXPECT_STREQ("0x00000000000000140000000000000007",
		     json_object_get_string(member(o, "host-features-full")));
	dev = member(o, "vhost-dev");
	ASSERT_NE(NULL, dev);
	EXPECT_EQ(7, json_object_get_uint64(member(dev, "features")));
	EXPECT_STREQ("0x00000000000000140000000000000007",
		     json_object_get_string(member(dev, "features-full")));
	EXPECT_EQ(5, json_object_get_uint64(member(dev, "acked-features")));
	EXPECT_STREQ("0x00000000000000040000000000000005",
		     json_object_get_string(member(dev, "acked-features-full")));
	EXPECT_EQ(NULL, member(dev, "backend-features-full"));
	json_object_put(o);

	/* nothing above 63: exactly the old answer */
	fill_vhost(&d);
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI);
	o = vs_json_vhost_status(&d, FSET(7, 0));
	EXPECT_TEXT(text_of(vs_qmp_return(o)), WANT_VHOST_STATUS);
}

#define D_GUEST_UDP	"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO: driver receives segmentation offload inside UDP tunnels"
#define D_HOST_UDP_CSUM	"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM: device takes UDP tunnel GSO with the outer checksum to complete"

TEST(decoded_bits_above_63)
{
	struct json_object *o;
	struct vs_nl_dev d;
	char *s;

	/* 65 and 68 have names, 64 and 70 do not */
	fill_dev128(&d, BIT_ULL(1) | BIT_ULL(4) | BIT_ULL(0) | BIT_ULL(6), 0);
	d.driver_features = BIT_ULL(32) | BIT_ULL(4);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	ASSERT_NE(NULL, o);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [\"" D_VERSION_1 "\"], \"dev-features\": [\""
		    D_GUEST_UDP "\", \"" D_HOST_UDP_CSUM
		    "\"], \"unknown-dev-features\": 16, \"unknown-dev-features2\": 65}");
	free(s);
	/* nothing unnamed above 63: no unknown-dev-features2 */
	s = member_text(o, "host-features");
	EXPECT_EQ(NULL, strstr(s, "unknown-dev-features2"));
	free(s);
	json_object_put(o);

	/* only unnamed high bits: unknown-dev-features left out, 2 there */
	d.driver_features = 0;
	d.driver_features_hi = BIT_ULL(63);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [], \"unknown-dev-features2\": 9223372036854775808, \"unknown-dev-features2-hex\": \"0x8000000000000000\"}");
	free(s);
	json_object_put(o);

	/* raw-and-decoded: raw/raw-hex the low word, raw-full all of it */
	fill_dev128(&d, BIT_ULL(1), 0);
	d.driver_features = 1;
	o = vs_json_status_mode(&d, VS_JSON_RAW_AND_DECODED);
	s = member_text(o, "guest-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"" D_CSUM "\", \"" D_GUEST_UDP
		    "\"], \"raw\": 1, \"raw-hex\": \"0x0000000000000001\", \"raw-full\": \"0x00000000000000020000000000000001\", \"symbols\": [\"VIRTIO_NET_F_CSUM\", \"VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO\"]}");
	free(s);
	/* no high bit: no raw-full */
	s = member_text(o, "host-features");
	EXPECT_EQ(NULL, strstr(s, "raw-full"));
	EXPECT_NE(NULL, strstr(s, "\"raw-hex\": \"0x9000000100000007\""));
	free(s);
	json_object_put(o);

	/* vhost: the acked set decoded whole */
	fill_vhost(&d);
	d.vhost.acked_features_hi = BIT_ULL(3);
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI);
	o = vs_json_vhost_status_mode(&d, FSET(0, BIT_ULL(3)), VS_JSON_DECODED);
	s = member_text(member(o, "vhost-dev"), "acked-features");
	EXPECT_NE(NULL, strstr(s, "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO: "));
	free(s);
	s = member_text(o, "host-features");
	EXPECT_TEXT(s,
		    "{\"transports\": [], \"dev-features\": [\"VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO: device takes segmentation offload inside UDP tunnels\"]}");
	free(s);
	json_object_put(o);
}

TEST(num_vqs_device_count_first)
{
	struct json_object *o;
	struct vs_nl_dev d;

	/* modern virtio-pci: the device's count, as QEMU's num-vqs */
	fill_dev(&d);
	d.num_vqs = 4;
	d.device_num_vqs = 5;
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	o = vs_json_status(&d);
	EXPECT_EQ(5, json_object_get_int64(member(o, "num-vqs")));
	json_object_put(o);
	o = vs_json_status_mode(&d, VS_JSON_DECODED);
	EXPECT_EQ(5, json_object_get_int64(member(o, "num-vqs")));
	json_object_put(o);

	/* mmio, legacy pci: the driver's */
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	o = vs_json_status(&d);
	EXPECT_EQ(4, json_object_get_int64(member(o, "num-vqs")));
	json_object_put(o);
}

static void fake_list_only(struct fake *f, const char *reason)
{
	static const int state[] = {
		VIRTIO_STATUS_A_DEV_STATUS, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_DEVICE_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS, VIRTIO_STATUS_A_DEV_BROKEN,
	};
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(state); i++) {
		vs_dev_clear(&f->dev, state[i]);
		for (j = 0; j < f->list.n; j++)
			vs_dev_clear(&f->list.devs[j], state[i]);
	}
	f->dev.list_only = true;
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	for (j = 0; j < f->list.n; j++) {
		f->list.devs[j].list_only = true;
		vs_dev_set(&f->list.devs[j], VIRTIO_STATUS_A_DEV_LIST_ONLY);
	}
	memset(&f->info, 0, sizeof(f->info));
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_MODE);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	f->info.mode = VIRTIO_STATUS_MODE_LIST_ONLY;
	if (reason) {
		vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_MODE_REASON);
		snprintf(f->info.mode_reason, sizeof(f->info.mode_reason),
			 "%s", reason);
	}
}

#define WANT_LIST_ONLY "the virtio_status module runs in list-only mode (fingerprint 1234abcd is unknown); it lists devices but reads no state; load it with allow_untested=1 to read state anyway"

TEST(list_only_cli_and_qmp)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, MMIO_PATH, "virtio-blk");
	fake_list_only(f, "fingerprint 1234abcd is unknown");

	/* the list still works: path and name */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out, WANT_LIST2 "\n");
	free(out);
	free(err);

	/* status: one sentence, on stderr; the same with --decode */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--decode")));
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	free(out);
	free(err);
	/* the queue commands too */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "0")));
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	EXPECT_EQ(0, f->queue_gets);
	free(out);
	free(err);

	/* --qmp (and serve): a GenericError with that desc */
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" WANT_LIST_ONLY "\"}}");
	free(s);

	/* no reason given, or no INFO answer: the sentence without one */
	fake_list_only(f, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_TEXT(err,
		    "the virtio_status module runs in list-only mode; it lists devices but reads no state; load it with allow_untested=1 to read state anyway\n");
	free(out);
	free(err);
	f->info_errnum = EOPNOTSUPP;
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_NE(NULL, strstr(s, "list-only mode; it lists devices"));
	free(s);
	fake_free(f);
}

TEST(list_only_show)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_list_only(f, "fingerprint 1234abcd is unknown");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER  STATUS  FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -       -       -         -    /sys/devices/pci0000:00/0000:00:03.0/virtio0\n");
	EXPECT_TEXT(err, "virtio-status: " WANT_LIST_ONLY "\n");
	free(out);
	free(err);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_TEXT(out,
		    "virtio-net virtio0\n"
		    "  path:             /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "  device id:        1 (net)\n"
		    "  driver:           none bound\n"
		    "  status:           -\n"
		    "  queues:           -\n"
		    "  broken:           -\n"
		    "  state:            not read (the module runs in list-only mode)\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	fake_free(f);
}

TEST(show_bits_above_63)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_dev128(&f->dev, BIT_ULL(1) | BIT_ULL(6), 0x1e | BIT_ULL(6));
	f->dev.device_num_vqs = 5;
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_NE(NULL, strstr(out, "  queues:           5 (the driver set up 3)\n"));
	EXPECT_NE(NULL, strstr(out,
			       "negotiated features (5):\n"
			       "  VIRTIO_NET_F_CSUM                  device checksums partially checksummed packets\n"
			       "  VIRTIO_NET_F_CTRL_GUEST_OFFLOADS   receive offloads switchable at run time\n"
			       "  VIRTIO_F_VERSION_1                 speaks virtio 1.0 or later (not legacy)\n"
			       "  VIRTIO_NET_F_RSS                   receive side scaling\n"
			       "  VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO  driver receives segmentation offload inside UDP tunnels\n"
			       "offered, not negotiated (5):\n"));
	EXPECT_NE(NULL, strstr(out,
			       "  VIRTIO_NET_F_SPEED_DUPLEX               link speed and duplex in the config space\n"
			       "  VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM  driver receives UDP tunnel GSO with the outer checksum to complete\n"
			       "  VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO        device takes segmentation offload inside UDP tunnels\n"
			       "  VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM   device takes UDP tunnel GSO with the outer checksum to complete\n"
			       "bits without a name:\n"
			       "  negotiated               0x00000000000000400000000000000000\n"));
	EXPECT_EQ(NULL, strstr(out, "offered, not negotiated  0x"));
	free(out);
	free(err);

	/* the table counts all 128 bits, VQS is num-vqs */
	fake_add(f, PCI_PATH, "virtio-net");
	f->list.devs[0] = f->dev;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_NE(NULL, strstr(out, "ACK,DRV,FEAT,OK  6         5    /sys/"));
	free(out);
	free(err);
	fake_free(f);
}

TEST(info_new_fields)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fake_list_only(f, "fingerprint 1234abcd is unknown");
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_FINGERPRINT);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_FEATURE_BITS);
	snprintf(f->info.fingerprint, sizeof(f->info.fingerprint),
		 "1234abcd 7.4.0-1-amd64");
	f->info.feature_bits = 128;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_TEXT(out,
		    "{\"return\": {\"vhost\": \"on\", \"mode\": \"list-only\", \"mode-reason\": \"fingerprint 1234abcd is unknown\", \"fingerprint\": \"1234abcd 7.4.0-1-amd64\", \"feature-bits\": 128}}\n");
	free(out);
	free(err);

	/* full mode has no reason unless forced */
	f->info.mode = VIRTIO_STATUS_MODE_FULL;
	vs_nl_clear(f->info.have, VIRTIO_STATUS_A_INFO_MODE_REASON);
	f->info.feature_bits = 64;
	s = qmp(&be, "{\"execute\": \"x-virtio-status-info\"}");
	EXPECT_TEXT(s,
		    "{\"return\": {\"vhost\": \"on\", \"mode\": \"full\", \"fingerprint\": \"1234abcd 7.4.0-1-amd64\", \"feature-bits\": 64}}");
	free(s);

	/* a mode this tool does not know */
	f->info.mode = 7;
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("info")));
	EXPECT_TEXT(err,
		    "the virtio_status module reports mode 7, which this virtio-status does not know\n");
	free(out);
	free(err);
	fake_free(f);
}

#define GUEST_FEAT	"virtio_status_device_guest_feature"
#define HOST_FEAT	"virtio_status_device_host_feature"
/* The series of bit @bit named @sym of the virtio-net device, set */
#define NET_BIT(m, bit, sym) \
	NET_SERIES(m, ",bit=\"" bit "\",symbol=\"" sym "\"") " 1"

TEST_F(metrics, metrics_bits_above_63)
{
	const char *text;

	fill_dev128(self->d, BIT_ULL(1) | BIT_ULL(2) | BIT_ULL(3) | BIT_ULL(4) |
				BIT_ULL(9), 0x1e);
	snprintf(self->d->header.path, sizeof(self->d->header.path), "%s", PCI_PATH);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, NET_BIT(GUEST_FEAT, "65",
				  "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO"));
	EXPECT_LINE(text, NET_BIT(GUEST_FEAT, "66",
				  "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM"));
	EXPECT_LINE(text, NET_BIT(GUEST_FEAT, "67",
				  "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO"));
	EXPECT_LINE(text, NET_BIT(GUEST_FEAT, "68",
				  "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM"));
	EXPECT_LINE(text, NET_BIT(GUEST_FEAT, "73", "unknown"));
	EXPECT_EQ(9, count_lines(text, GUEST_FEAT "{"));
	EXPECT_LINE(text, NET_BIT(HOST_FEAT, "68",
				  "VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM"));
	EXPECT_EQ(10, count_lines(text, "virtio_status_device_host_feature{"));
	EXPECT_LINE(text, "virtio_status_module_list_only 0");
}

TEST_F(metrics, metrics_virtqueues_device_and_driver)
{
	const char *text;

	self->d->num_vqs = 4;
	self->d->device_num_vqs = 5;
	vs_dev_set(self->d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_virtqueues", "") " 5");
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_driver_virtqueues", "") " 4");

	/* mmio: the driver's count in both */
	vs_dev_clear(self->d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	text = rescrape(self);
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_virtqueues", "") " 4");
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_driver_virtqueues", "") " 4");

	/* a vhost device has nvqs, and no driver count of its own */
	fill_vhost(self->d);
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_device_virtqueues{path=\"" VHOST_PATH "\"} 2");
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_driver_virtqueues{"));
}

TEST_F(metrics, metrics_list_only)
{
	const char *text;

	fake_list_only(self->f, "fingerprint 1234abcd is unknown");
	/* whatever the reply still has: no state series */
	vs_dev_set(self->d, VIRTIO_STATUS_A_DEV_FAILED);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_LINE(text, "virtio_status_scrape_success 1");
	EXPECT_LINE(text, "virtio_status_module_list_only 1");
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:03.0/virtio0\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio0\",device_id=\"1\",driver=\"\",transport=\"\"} 1");
	EXPECT_LINE(text, "virtio_status_devices{kind=\"virtio\"} 1");
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_status_bit{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_virtqueues{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_driver_virtqueues{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_broken{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_failed{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_guest_feature{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_host_features_readable{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_host_feature{"));

	/* the devices say so even when INFO does not answer */
	self->f->info_errnum = EOPNOTSUPP;
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_module_list_only 1");

	/* full mode: 0; a failed scrape: no sample */
	self->f->info_errnum = 0;
	self->f->info.mode = VIRTIO_STATUS_MODE_FULL;
	self->d->list_only = false;
	vs_dev_clear(self->d, VIRTIO_STATUS_A_DEV_LIST_ONLY);
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_module_list_only 0");
}

/* A stand-in for ioctl(2) on a vhost fd of a kernel of each age. */
static int fake_vhost_errno;	/* what GET_FEATURES_ARRAY fails with; 0: known */
static int fake_vhost_calls;

static int fake_vhost_ioctl(int fd, unsigned long req, void *arg)
{
	__u64 *p = arg;

	(void)fd;
	fake_vhost_calls++;
	if (req == VHOST_GET_FEATURES) {
		*p = BIT_ULL(32) | 1;
		return 0;
	}
	if (_IOC_NR(req) != 0x83 || _IOC_DIR(req) != _IOC_READ ||
	    _IOC_SIZE(req) != sizeof(__u64)) {
		errno = ENOTTY;
		return -1;
	}
	if (fake_vhost_errno) {
		errno = fake_vhost_errno;
		return -1;
	}
	/* count, then that many words */
	if (p[0] != 2) {
		errno = EINVAL;
		return -1;
	}
	p[1] = BIT_ULL(32) | 1;
	p[2] = BIT_ULL(3);
	return 0;
}

TEST(vhost_features_array_and_fallback)
{
	static const int old[] = { ENOTTY, EINVAL, EPERM, ENOBUFS, EOPNOTSUPP };
	struct vs_fset fs;
	size_t i;

	/* a 6.17+ driver: all 128 bits, one request */
	fake_vhost_errno = 0;
	fake_vhost_calls = 0;
	ASSERT_EQ(0, vs_vhost_get_features(3, fake_vhost_ioctl, &fs));
	EXPECT_EQ(BIT_ULL(32) | 1, fs.w[0]);
	EXPECT_EQ(BIT_ULL(3), fs.w[1]);
	EXPECT_EQ(1, fake_vhost_calls);

	/* older drivers: each way they refuse it falls back to 64 bits */
	for (i = 0; i < ARRAY_SIZE(old); i++) {
		fake_vhost_errno = old[i];
		fake_vhost_calls = 0;
		fs = vs_fset_of(~0ULL, ~0ULL);
		ASSERT_EQ(0, vs_vhost_get_features(3, fake_vhost_ioctl, &fs));
		EXPECT_EQ(BIT_ULL(32) | 1, fs.w[0]);
		EXPECT_EQ(0, fs.w[1]);
		EXPECT_EQ(2, fake_vhost_calls);
	}

	/* a real failure is reported, not papered over */
	fake_vhost_errno = EFAULT;
	fake_vhost_calls = 0;
	EXPECT_EQ(EFAULT, vs_vhost_get_features(3, fake_vhost_ioctl, &fs));
	EXPECT_EQ(1, fake_vhost_calls);
}

/* Ring and descriptor addresses: for CAP_SYS_ADMIN only */

/* The kernel's sentence, as VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN carries it */
#define ADDR_WHY	"ring and descriptor addresses are shown to CAP_SYS_ADMIN only"

/*
 * @q as a reply to a caller without CAP_SYS_ADMIN: no address attribute,
 * ADDR_HIDDEN with @why. The old values stay in the struct, so an answer
 * that printed them, or 0, would show.
 */
static void hide_queue_addrs(struct vs_nl_queue *q, const char *why)
{
	static const int addrs[] = {
		VIRTIO_STATUS_A_QUEUE_DESC, VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED, VIRTIO_STATUS_A_QUEUE_DESC_GPA,
		VIRTIO_STATUS_A_QUEUE_AVAIL_GPA, VIRTIO_STATUS_A_QUEUE_USED_GPA,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(addrs); i++)
		vs_queue_clear(q, addrs[i]);
	snprintf(q->addr_hidden, sizeof(q->addr_hidden), "%s", why);
	vs_queue_set(q, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

/* fill_elem() as a reply to a caller without CAP_SYS_ADMIN. */
static void hide_elem_addrs(struct fake *f, const char *why)
{
	u32 i;

	for (i = 0; i < f->elem.n_desc; i++) {
		f->elem.desc[i].addr = 0;
		vs_nl_clear(f->elem.desc[i].have, VIRTIO_STATUS_A_DESC_ADDR);
	}
	snprintf(f->elem.addr_hidden, sizeof(f->elem.addr_hidden), "%s", why);
	vs_elem_set(&f->elem, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN);
}

#define WANT_GUEST_QUEUE_HIDDEN "{\"return\": {\"name\": \"virtio-net\", \"queue-index\": 1, \"inuse\": 6, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"shadow-avail-idx\": 1030, \"used-idx\": 1024, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_VHOST_QUEUE_HIDDEN "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_VHOST_RING_HIDDEN "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"num\": 256, \"desc-size\": 4096, \"avail-size\": 516, \"used-size\": 2052, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"
#define WANT_ELEM_HIDDEN "{\"return\": {\"name\": \"virtio-net\", \"index\": 5, \"descs\": [{\"len\": 12, \"flags\": [\"write\", \"next\"]}, {\"len\": 1514, \"flags\": [\"write\"]}], \"avail\": {\"flags\": 1, \"idx\": 1030, \"ring\": 5}, \"used\": {\"flags\": 0, \"idx\": 1024}, \"addresses-hidden\": \"ring and descriptor addresses are shown to CAP_SYS_ADMIN only\"}}"

#define QUEUE_HIDDEN_ERR "queue status without ring addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"
#define VHOST_HIDDEN_ERR "vhost queue status without ring addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"
#define ELEM_HIDDEN_ERR "queue element without descriptor addresses: they are shown to CAP_SYS_ADMIN only (kernel: ring and descriptor addresses are shown to CAP_SYS_ADMIN only)"

#define Q_GUEST	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}"
#define Q_VHOST	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}}"
#define Q_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1234/fd/17\", \"queue\": 0}}"
#define Q_ELEM	"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}}"

/* The address members of each answer, none of which may be there. */
static const char * const queue_addr_members[] = {
	"vring-desc", "vring-avail", "vring-used",
};

static const char * const vhost_ring_addr_members[] = {
	"desc", "avail", "used", "desc-phys", "avail-phys", "used-phys",
};

/*
 * @o has none of the @n members @addrs names, and ends in
 * "addresses-hidden": ADDR_WHY.
 */
static bool hidden_shape(struct json_object *o, const char * const *addrs,
			 size_t n)
{
	const char *last = NULL;
	size_t i;

	if (!o)
		return false;
	for (i = 0; i < n; i++)
		if (member(o, addrs[i]))
			return false;
	json_object_object_foreach(o, k, v) {
		(void)v;
		last = k;
	}
	return last && !strcmp(last, "addresses-hidden") &&
	       !strcmp(json_object_get_string(member(o, "addresses-hidden")),
		       ADDR_WHY);
}

TEST(addr_hidden_guest_queue_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err;

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* sizes and indexes as ever; the three addresses gone, not 0 */
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	EXPECT_EQ(256, json_object_get_int(member(o, "vring-num")));
	EXPECT_EQ(6, json_object_get_int(member(o, "inuse")));
	EXPECT_EQ(1024, json_object_get_int(member(o, "used-idx")));
	json_object_put(o);

	/* pretty, too */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("-p", "x-query-virtio-queue-status",
				  "--path", "virtio0", "--queue", "1")));
	EXPECT_NE(NULL, strstr(out, "\"addresses-hidden\": \"" ADDR_WHY "\"\n"));
	EXPECT_EQ(NULL, strstr(out, "vring-desc"));
	free(out);
	free(err);
	fake_free(f);
}

TEST(addr_hidden_vhost_queue_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err;

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_QUEUE_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the owner's addresses and the guest physical ones: all gone */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, vhost_ring_addr_members,
				 ARRAY_SIZE(vhost_ring_addr_members)));
	json_object_put(o);
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	json_object_put(o);
	fake_free(f);
}

TEST(addr_hidden_element_plain)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o, *descs;
	char *out, *err;
	size_t i;

	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM_HIDDEN "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* each descriptor is {"len", "flags"}; the object ends with why */
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(hidden_shape(o, NULL, 0));
	descs = member(o, "descs");
	ASSERT_EQ(2, json_object_array_length(descs));
	for (i = 0; i < 2; i++)
		EXPECT_TRUE(keys_in_order(json_object_array_get_idx(descs, i),
					  elem_desc_keys,
					  ARRAY_SIZE(elem_desc_keys), "addr"));
	json_object_put(o);
	fake_free(f);
}

TEST(addr_hidden_qmp_is_an_error)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s, QMP_ERR(QUEUE_HIDDEN_ERR));
	free(s);
	EXPECT_EQ(1, f->queue_gets);

	/* --qmp itself: the error is the answer, the run goes on, exit 0 */
	EXPECT_EQ(0, run_cli(&be, Q_GUEST "\n{\"execute\": \"x-query-virtio\"}\n",
			     &out, &err, ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(QUEUE_HIDDEN_ERR) "\n{\"return\": []}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the kernel gave no reason: the sentence stands alone */
	hide_queue_addrs(&f->queue, "");
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"queue status without ring addresses: they are shown to CAP_SYS_ADMIN only\"}}");
	free(s);

	/* both vhost queue commands */
	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, QMP_ERR(QUEUE_HIDDEN_ERR));
	free(s);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, QMP_ERR(VHOST_HIDDEN_ERR));
	free(s);

	/* an element */
	fill_dev(&f->dev);
	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	s = qmp(&be, Q_ELEM);
	EXPECT_TEXT(s, QMP_ERR(ELEM_HIDDEN_ERR));
	free(s);
	fake_free(f);
}

TEST(addr_hidden_serve_is_an_error)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);

	fill_guest_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_GUEST "\n",
		     QERR("GenericError", QUEUE_HIDDEN_ERR));
	fill_elem(f);
	hide_elem_addrs(f, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_ELEM "\n",
		     QERR("GenericError", ELEM_HIDDEN_ERR));
	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	hide_queue_addrs(&f->queue, ADDR_WHY);
	EXPECT_SERVE(&be, true, Q_VHOST "\n" Q_RING "\n",
		     QERR("GenericError", QUEUE_HIDDEN_ERR)
		     QERR("GenericError", VHOST_HIDDEN_ERR));
	EXPECT_EQ(3, f->queue_gets);
	EXPECT_EQ(1, f->elem_gets);
	fake_free(f);
}

/* A reply with its addresses (CAP_SYS_ADMIN) answers as it always did. */
TEST(addr_shown_unchanged)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_guest_queue(&f->queue);
	fill_elem(f);
	EXPECT_FALSE(vs_queue_addr_hidden(&f->queue));
	EXPECT_FALSE(vs_elem_addr_hidden(&f->elem));
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE "\n");
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_GUEST);
	EXPECT_TEXT(s, WANT_GUEST_QUEUE);
	free(s);
	s = qmp(&be, Q_ELEM);
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	EXPECT_SERVE(&be, true, Q_GUEST "\n" Q_ELEM "\n",
		     WANT_GUEST_QUEUE "\r\n" WANT_ELEM "\r\n");

	fill_vhost(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, WANT_VHOST_QUEUE);
	free(s);

	/* addresses missing without a word why: an old or broken module, never 0 */
	fill_dev(&f->dev);
	fill_guest_queue(&f->queue);
	vs_queue_clear(&f->queue, VIRTIO_STATUS_A_QUEUE_AVAIL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_QUEUE_AVAIL\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(decode_queue_reply_addr_hidden)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue *q = malloc(sizeof(*q));
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, q);
	/* as the module sends it to a caller without CAP_SYS_ADMIN */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, NULL, "virtio0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN,
				    ADDR_WHY));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 1030));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 1024));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_QUEUE_NAME, "output.0"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM_FREE, 250));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_PACKED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_FLAGS, 0));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_BROKEN, 0));

	ASSERT_EQ(0, vs_queue_from_msg(msg, q, &e));
	EXPECT_TRUE(vs_queue_addr_hidden(q));
	EXPECT_STREQ(ADDR_WHY, q->addr_hidden);
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_DESC));
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_AVAIL));
	EXPECT_FALSE(vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_USED));
	EXPECT_EQ(256, q->num);
	EXPECT_EQ(1030, q->avail_idx);
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_status(d, q)));
	EXPECT_TEXT(s, WANT_GUEST_QUEUE_HIDDEN);
	free(s);
	nlmsg_free(msg);

	/* the attribute's name, and a malformed one */
	EXPECT_STREQ("VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN",
		     vs_nl_attr_name(&vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN));
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN, 3, "abc"));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN",
		     e.detail);
	nlmsg_free(msg);
	free(q);
	free(d);
}

/* A descriptor nest without DESC_ADDR, as sent with ADDR_HIDDEN. */
static int put_desc_noaddr(struct nl_msg *msg, u32 len, u32 flags)
{
	struct nlattr *nest = nla_nest_start(msg, VIRTIO_STATUS_A_ELEMENT_DESC);

	if (!nest ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_LEN, len) < 0 ||
	    nla_put_u32(msg, VIRTIO_STATUS_A_DESC_FLAGS, flags) < 0)
		return -1;
	return nla_nest_end(msg, nest);
}

TEST(decode_element_reply_addr_hidden)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_element el;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN,
				    ADDR_WHY));
	ASSERT_EQ(0, put_desc_noaddr(msg, 12, 3));
	ASSERT_EQ(0, put_desc_noaddr(msg, 1514, 2));

	ASSERT_EQ(0, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TRUE(vs_elem_addr_hidden(&el));
	EXPECT_STREQ(ADDR_WHY, el.addr_hidden);
	ASSERT_EQ(2, el.n_desc);
	EXPECT_EQ(12, el.desc[0].len);
	EXPECT_EQ(3, el.desc[0].flags);
	EXPECT_EQ(1514, el.desc[1].len);
	EXPECT_EQ(2, el.desc[1].flags);
	fill_dev(d);
	s = text_of(vs_qmp_return(vs_json_queue_element(d, &el)));
	EXPECT_TEXT(s, WANT_ELEM_HIDDEN);
	free(s);
	nlmsg_free(msg);

	/* without ADDR_HIDDEN a descriptor still needs its address */
	msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_elem_head(msg));
	ASSERT_EQ(0, put_desc(msg, 0x1000a000ULL, 12, 3));
	ASSERT_EQ(0, put_desc_noaddr(msg, 1514, 2));
	EXPECT_EQ(-1, vs_elem_from_msg(msg, &el, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a VIRTIO_STATUS_A_ELEMENT_DESC with no VIRTIO_STATUS_A_DESC_ADDR");
	nlmsg_free(msg);
	free(d);
}

/* A vhost device the module could not read (VHOST_ERROR) */

#define UNREAD_PATH	"/proc/1400/fd/5"
#define UNREAD_WHY	"the device failed the layout check: vq->dev mismatch"
#define UNREAD_SENTENCE	"vhost device " UNREAD_PATH " could not be read: " UNREAD_WHY
#define UNREAD_EXTACK	"this vhost device could not be read (x-query-virtio-status says why)"
#define Q_UNREAD_STATUS	"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/proc/1400/fd/5\"}}"
#define Q_UNREAD_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1400/fd/5\", \"queue\": 0}}"

/*
 * A vhost-net device held by pids 1400 (its owner) and 1401 that the
 * module could not read, as it sends one: who it is, who holds it, why.
 */
static void fill_vhost_unread(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH),
		VIRTIO_STATUS_A_DEV_NAME, VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION,
		VH(OWNER_PID), VH(HOLDER_PID), VH(HOLDERS), VH(ERROR),
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", UNREAD_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	snprintf(d->vhost.error, sizeof(d->vhost.error), "%s", UNREAD_WHY);
	d->id = 1;
	d->generation = 9;
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->vhost.owner_pid = 1400;
	d->vhost.holder_pid[0] = 1400;
	d->vhost.holder_pid[1] = 1401;
	d->vhost.n_holder_pid = 2;
	d->vhost.holders = 2;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

TEST(decode_vhost_reply_with_error)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	char sentence[2 * VS_MSG_MAX];
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, UNREAD_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 9));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1400));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_VHOST_ERROR, UNREAD_WHY));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1400));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1401));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, 2));
	ASSERT_EQ(0, nla_nest_end(msg, nest));

	vs_err_clear(&e);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_TRUE(vs_dev_vhost_error(d));
	EXPECT_STREQ(UNREAD_WHY, d->vhost.error);
	EXPECT_STREQ(UNREAD_PATH, d->header.path);
	EXPECT_STREQ("vhost-net", d->name);
	EXPECT_STREQ("vhost_net", d->driver);
	EXPECT_STREQ("vhost", d->transport);
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(9, d->generation);
	EXPECT_EQ(1400, d->vhost.owner_pid);
	ASSERT_EQ(2, d->vhost.n_holder_pid);
	EXPECT_EQ(2, vs_dev_holders(d));
	EXPECT_EQ(1400, d->vhost.holder_pid[0]);
	EXPECT_EQ(1401, d->vhost.holder_pid[1]);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS));
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES));
	EXPECT_STREQ("VIRTIO_STATUS_A_VHOST_ERROR",
		     vs_nl_attr_name(&vs_nl_vhost_set, VIRTIO_STATUS_A_VHOST_ERROR));
	/* listed as any device: path and name are there */
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	/* its status is the reason, not "kernel module too old" */
	vs_err_clear(&e);
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	EXPECT_EQ(VS_ERR_VHOST_UNREAD, e.kind);
	vs_err_sentence(&e, UNREAD_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(UNREAD_SENTENCE, sentence);
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("a vhost device could not be read: " UNREAD_WHY, sentence);
	nlmsg_free(msg);

	/* an unterminated VHOST_ERROR is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_VHOST_ERROR, 3, "bad"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_VHOST_ERROR",
		     sentence);
	nlmsg_free(msg);

	/* only a vhost device can be unread */
	fill_dev(d);
	vs_dev_vhost_set(d, VIRTIO_STATUS_A_VHOST_ERROR);
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	free(d);
}

TEST(vhost_unread_status_sentence)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_vhost_unread(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", UNREAD_PATH)));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", UNREAD_PATH,
				  "--raw-and-decoded")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	/* nothing negotiated to show next to an offer: the driver is not asked */
	EXPECT_EQ(0, f->probes);

	/* named through another holder: the sentence names what was asked */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  "/proc/1401/fd/3")));
	EXPECT_TEXT(err, "vhost device /proc/1401/fd/3 could not be read: " UNREAD_WHY "\n");
	free(out);
	free(err);

	/* --qmp and serve: a GenericError with that desc */
	s = qmp(&be, Q_UNREAD_STATUS);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_SENTENCE));
	free(s);
	EXPECT_EQ(0, run_cli(&be, Q_UNREAD_STATUS "\n", &out, &err,
			     ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(UNREAD_SENTENCE) "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_SERVE(&be, true, Q_UNREAD_STATUS "\n",
		     QERR("GenericError", UNREAD_SENTENCE));
	EXPECT_EQ(0, f->probes);
	fake_free(f);
}

TEST(vhost_unread_queue_commands)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_vhost_unread(&f->dev);
	/* the kernel refuses to read its queues, and says so */
	vs_err_sys(&f->queue_err, EBADE, UNREAD_EXTACK);
	vs_err_sys(&f->elem_err, EBADE, UNREAD_EXTACK);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  UNREAD_PATH, "--queue", "1")));
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	/* the kernel was asked each time, the queue asked for */
	EXPECT_EQ(2, f->queue_gets);
	EXPECT_EQ(1, f->queue_index);
	EXPECT_EQ(1, f->elem_gets);
	s = qmp(&be, Q_UNREAD_RING);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_EXTACK));
	free(s);
	EXPECT_SERVE(&be, true, Q_UNREAD_RING "\n",
		     QERR("GenericError", UNREAD_EXTACK));

	/* a kernel error without a sentence: the reason DEV_GET gave */
	vs_err_sys(&f->queue_err, EBADE, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	/* a queue answered all the same: no acked features to decode it by */
	vs_err_clear(&f->queue_err);
	fill_vhost_queue(&f->queue);
	s = qmp(&be, Q_UNREAD_RING);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_SENTENCE));
	free(s);
	/* the element's own errors keep their sentences */
	vs_err_sys(&f->elem_err, EOPNOTSUPP,
		   "queue elements of vhost devices are not supported");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, "queue elements of vhost devices are not supported\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(vhost_unread_show)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_vhost_unread(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", UNREAD_PATH)));
	EXPECT_TEXT(out,
		    "vhost-net 1400/5\n"
		    "  path:             /proc/1400/fd/5\n"
		    "  device id:        1 (net)\n"
		    "  driver:           vhost_net\n"
		    "  owner pid:        1400\n"
		    "  holder pids:      1400 1401\n"
		    "  started:          -\n"
		    "  queues:           -\n"
		    "  memory regions:   -\n"
		    "  dirty log:        -\n"
		    "  backend features: -\n"
		    "error: " UNREAD_WHY "\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_STREQ("", err);
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);
	fake_free(f);
}

/* virtio-net, a vhost-net device read as usual, and one not read */
static void fake_add_unread_pair(struct fake *f)
{
	struct vs_nl_dev *d;

	fake_add(f, PCI_PATH, "virtio-net");
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost_unread(d);
}

TEST(vhost_unread_and_good_in_one_dump)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fake_add_unread_pair(f);
	ASSERT_EQ(3, f->list.n);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}, {\"path\": \"/proc/1400/fd/5\", \"name\": \"vhost-net\"}]}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the table: "-" for what was not read, the reason under its row */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER     STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -          ACK,DRV,FEAT,OK  4         3    " PCI_PATH "\n"
		    "vhost-net   1234/17  vhost_net  started          2         2    /proc/1234/fd/17\n"
		    "vhost-net   1400/5   vhost_net  -                -         -    /proc/1400/fd/5\n"
		    "  error: " UNREAD_WHY "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the good one is still read in full */
	f->features = vs_fset_of(7, 0);
	fill_vhost(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_TEXT(out, WANT_VHOST_STATUS "\n");
	free(out);
	free(err);
	fake_free(f);
}

/* Times @needle occurs in @text. */
static int count_in(const char *text, const char *needle)
{
	int n = 0;

	while ((text = strstr(text, needle))) {
		n++;
		text += strlen(needle);
	}
	return n;
}

TEST_F(metrics, metrics_vhost_unread)
{
	const char *text;
	struct vs_nl_dev *d;

	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost_unread(d);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_LINE(text, "virtio_status_devices{kind=\"vhost\"} 2");
	/* who it is, who holds it, and why it was not read */
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/proc/1400/fd/5\",kind=\"vhost\",name=\"vhost-net\",busid=\"\",device_id=\"1\",driver=\"vhost_net\",transport=\"vhost\"} 1");
	EXPECT_LINE(text, "virtio_status_vhost_holders{path=\"" UNREAD_PATH "\"} 2");
	EXPECT_LINE(text, "virtio_status_vhost_owner_pid{path=\"" UNREAD_PATH "\"} 1400");
	EXPECT_LINE(text,
		    "virtio_status_vhost_read_error_info{path=\"/proc/1400/fd/5\",reason=\"the device failed the layout check: vq->dev mismatch\"} 1");
	EXPECT_EQ(1, count_lines(text, "virtio_status_vhost_read_error_info{"));
	EXPECT_LINE(text, "# TYPE virtio_status_vhost_read_error_info gauge");
	/* no state series of it: only those four name its path */
	EXPECT_EQ(4, count_in(text, "{path=\"" UNREAD_PATH "\""));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_virtqueues{path=\"" UNREAD_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_guest_feature{path=\"" UNREAD_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_vhost_backend_feature{path=\"" UNREAD_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_vhost_memory_regions{path=\"" UNREAD_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_vhost_log_enabled{path=\"" UNREAD_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_vhost_started{path=\"" UNREAD_PATH));
	/* the good one has its series, and no error series */
	EXPECT_LINE(text, "virtio_status_vhost_memory_regions{path=\"" VHOST_PATH "\"} 3");
	EXPECT_LINE(text, "virtio_status_vhost_started{path=\"" VHOST_PATH "\"} 1");
	EXPECT_LINE(text, "virtio_status_device_virtqueues{path=\"" VHOST_PATH "\"} 2");
	EXPECT_EQ(NULL, strstr(text, "virtio_status_vhost_read_error_info{path=\"" VHOST_PATH));
	/* and the virtio device as ever */
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_virtqueues", "") " 3");

	/* no unread device: the family's HELP and TYPE, no sample */
	vs_dev_list_free(&self->f->list);
	fake_add(self->f, PCI_PATH, "virtio-net");
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, count_lines(text, "# HELP virtio_status_vhost_read_error_info "));
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_read_error_info{"));
}

/* Devices whose state a lock held by another task kept out (BUSY) */

#define BUSY_WHY	"the RTNL is held by another task"
#define BUSY_VHOST_WHY	"the vhost device's mutex is held by another task"
#define BUSY_PATH	"/sys/devices/pci0000:00/0000:00:05.0/virtio2"
#define BUSY_VHOST_PATH	"/proc/1500/fd/7"
#define BUSY_SENTENCE	"virtio device virtio2 is busy: " BUSY_WHY "; try again"
#define BUSY_VHOST_SENTENCE \
	"vhost device " BUSY_VHOST_PATH " is busy: " BUSY_VHOST_WHY "; try again"
#define Q_BUSY_STATUS	"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio2\"}}"
#define Q_BUSY_QUEUE	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio2\", \"queue\": 1}}"
#define Q_BUSY_ELEM	"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio2\", \"queue\": 1}}"
#define Q_BUSY_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1500/fd/7\", \"queue\": 0}}"
/* EBUSY without an extack */
#define BUSY_NO_WHY	"virtio device virtio2 is busy: a lock its state is read under stayed held by another task; try again"
/* fake_add_busy_mix() as x-query-virtio answers it */
#define WANT_BUSY_LIST \
	"{\"return\": [{\"path\": \"" PCI_PATH "\", \"name\": \"virtio-net\"}, " \
	"{\"path\": \"" BUSY_PATH "\", \"name\": \"virtio-net\"}, " \
	"{\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}, " \
	"{\"path\": \"" BUSY_VHOST_PATH "\", \"name\": \"vhost-net\"}]}"

/* virtio2, a bound virtio-net device, as a dump sends it when it is busy */
static void fill_busy(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH), HDR(BUSID),
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID, VIRTIO_STATUS_A_DEV_VENDOR,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION, VIRTIO_STATUS_A_DEV_BUSY,
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", BUSY_PATH);
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", "virtio2");
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "pci");
	snprintf(d->driver, sizeof(d->driver), "%s", "virtio_net");
	snprintf(d->busy, sizeof(d->busy), "%s", BUSY_WHY);
	d->kind = VIRTIO_STATUS_KIND_VIRTIO;
	d->id = 1;
	d->vendor = 0x1af4;
	d->generation = 4;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

/* A vhost-net device owned by pid 1500 whose mutex stayed held. */
static void fill_vhost_busy(struct vs_nl_dev *d)
{
	static const int attrs[] = {
		VIRTIO_STATUS_A_DEV_KIND, HDR(PATH),
		VIRTIO_STATUS_A_DEV_NAME, VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_TRANSPORT, VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_GENERATION,
		VH(OWNER_PID), VH(HOLDER_PID), VH(HOLDERS),
		VIRTIO_STATUS_A_DEV_BUSY,
	};

	memset(d, 0, sizeof(*d));
	snprintf(d->header.path, sizeof(d->header.path), "%s", BUSY_VHOST_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "vhost-net");
	snprintf(d->transport, sizeof(d->transport), "%s", "vhost");
	snprintf(d->driver, sizeof(d->driver), "%s", "vhost_net");
	snprintf(d->busy, sizeof(d->busy), "%s", BUSY_VHOST_WHY);
	d->kind = VIRTIO_STATUS_KIND_VHOST;
	d->id = 1;
	d->generation = 4;
	d->vhost.owner_pid = 1500;
	d->vhost.holder_pid[0] = 1500;
	d->vhost.n_holder_pid = 1;
	d->vhost.holders = 1;
	dev_mark(d, attrs, ARRAY_SIZE(attrs));
}

TEST(decode_busy_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	char sentence[2 * VS_MSG_MAX];
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* a virtio device: its identity, and which lock kept the rest out */
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VIRTIO));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_PATH, "virtio2"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "pci"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "virtio_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_BUSY, BUSY_WHY));

	vs_err_clear(&e);
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_busy(d));
	EXPECT_STREQ(BUSY_WHY, d->busy);
	EXPECT_STREQ(BUSY_PATH, d->header.path);
	EXPECT_STREQ("virtio2", d->header.busid);
	EXPECT_STREQ("virtio-net", d->name);
	EXPECT_STREQ("virtio_net", d->driver);
	EXPECT_STREQ("pci", d->transport);
	EXPECT_EQ(0x1af4, d->vendor);
	EXPECT_EQ(4, d->generation);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS));
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_STREQ("VIRTIO_STATUS_A_DEV_BUSY",
		     vs_nl_attr_name(&vs_nl_dev_set, VIRTIO_STATUS_A_DEV_BUSY));
	/* listed as any device */
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	/* its status is the lock, not "kernel module too old" */
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	EXPECT_EQ(VS_ERR_BUSY, e.kind);
	EXPECT_EQ(EBUSY, e.errnum);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_SENTENCE, sentence);
	vs_err_sentence(&e, BUSY_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ("virtio device " BUSY_PATH " is busy: " BUSY_WHY "; try again",
		     sentence);
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("a device is busy: " BUSY_WHY "; try again", sentence);
	nlmsg_free(msg);

	/* a vhost device: identity and holders */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_KIND, VIRTIO_STATUS_KIND_VHOST));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "vhost"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "vhost_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 4));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1500));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1500));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1502));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDERS, 2));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_BUSY, BUSY_VHOST_WHY));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(VIRTIO_STATUS_KIND_VHOST, vs_dev_kind(d));
	EXPECT_TRUE(vs_dev_busy(d));
	EXPECT_FALSE(vs_dev_vhost_error(d));
	EXPECT_STREQ(BUSY_VHOST_WHY, d->busy);
	EXPECT_EQ(1500, d->vhost.owner_pid);
	ASSERT_EQ(2, d->vhost.n_holder_pid);
	EXPECT_EQ(1502, d->vhost.holder_pid[1]);
	EXPECT_FALSE(vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	EXPECT_EQ(-1, vs_dev_check_status(d, &e));
	vs_err_sentence(&e, BUSY_VHOST_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_VHOST_SENTENCE, sentence);
	nlmsg_free(msg);

	/* an unterminated BUSY is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, BUSY_PATH, NULL));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_BUSY, 4, "RTNL"));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_DEV_BUSY",
		     sentence);
	nlmsg_free(msg);

	/* a reply without BUSY is not busy */
	fill_dev(d);
	EXPECT_FALSE(vs_dev_busy(d));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	free(d);
}

TEST(busy_errno_sentences)
{
	char sentence[2 * VS_MSG_MAX];
	struct vs_err e;

	/* a do request's EBUSY: the extack names the lock */
	vs_err_sys(&e, EBUSY, BUSY_WHY);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_SENTENCE, sentence);
	vs_err_sentence(&e, "/sys/bus/virtio/devices/virtio2", sentence,
			sizeof(sentence));
	EXPECT_TEXT(sentence, "virtio device /sys/bus/virtio/devices/virtio2 is busy: "
		    BUSY_WHY "; try again");
	vs_err_sys(&e, EBUSY, BUSY_VHOST_WHY);
	vs_err_sentence(&e, BUSY_VHOST_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_VHOST_SENTENCE, sentence);
	/* without the kernel's words, still one sentence saying busy */
	vs_err_sys(&e, EBUSY, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_NO_WHY, sentence);
	vs_err_set(&e, VS_ERR_BUSY, EBUSY, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_NO_WHY, sentence);
	/* other errnos keep their sentences */
	vs_err_sys(&e, ENODEV, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ("no virtio device at virtio2", sentence);
}

/* The kernel answers each request about the device with EBUSY. */
TEST(busy_do_requests_cli_qmp_serve)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	vs_err_sys(&f->get_err, EBUSY, BUSY_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2",
				  "--decode")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("show", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->elem_gets);

	/* --qmp and serve: a GenericError with that desc, and on it goes */
	s = qmp(&be, Q_BUSY_STATUS);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);
	EXPECT_EQ(0, run_cli(&be, Q_BUSY_STATUS "\n" Q_BUSY_QUEUE "\n" Q_BUSY_ELEM "\n",
			     &out, &err, ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(BUSY_SENTENCE) "\n" QMP_ERR(BUSY_SENTENCE) "\n"
		    QMP_ERR(BUSY_SENTENCE) "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_SERVE(&be, true, Q_BUSY_STATUS "\n" Q_BUSY_QUEUE "\n",
		     QERR("GenericError", BUSY_SENTENCE)
		     QERR("GenericError", BUSY_SENTENCE));

	/* a vhost device, named by a holder's fd */
	vs_err_sys(&f->get_err, EBUSY, BUSY_VHOST_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  BUSY_VHOST_PATH, "--queue", "0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  BUSY_VHOST_PATH)));
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_RING);
	EXPECT_TEXT(s, QMP_ERR(BUSY_VHOST_SENTENCE));
	free(s);
	EXPECT_SERVE(&be, true, Q_BUSY_RING "\n",
		     QERR("GenericError", BUSY_VHOST_SENTENCE));
	EXPECT_EQ(0, f->probes);

	/* the device was read, then its queue's lock stayed held */
	vs_err_clear(&f->get_err);
	fill_dev(&f->dev);
	fill_elem(f);
	vs_err_sys(&f->queue_err, EBUSY, BUSY_WHY);
	vs_err_sys(&f->elem_err, EBUSY, BUSY_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_ELEM);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);

	/* even for a vhost device the module could not read, busy says busy */
	fill_vhost_unread(&f->dev);
	vs_err_sys(&f->queue_err, EBUSY, BUSY_VHOST_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, "vhost device " UNREAD_PATH " is busy: " BUSY_VHOST_WHY "; try again\n");
	free(out);
	free(err);
	fake_free(f);
}

/* A DEV_GET reply that carries BUSY is refused before any other request. */
TEST(busy_reply_refuses_state)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_busy(&f->dev);
	fill_guest_queue(&f->queue);
	fill_elem(f);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_QUEUE);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->elem_gets);

	/* a vhost device: its driver is not asked for an offer either */
	fill_vhost_busy(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  BUSY_VHOST_PATH)));
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_RING);
	EXPECT_TEXT(s, QMP_ERR(BUSY_VHOST_SENTENCE));
	free(s);
	EXPECT_SERVE(&be, true, Q_BUSY_RING "\n",
		     QERR("GenericError", BUSY_VHOST_SENTENCE));
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->probes);
	fake_free(f);
}

/* virtio-net, a busy virtio-net, vhost-net read as usual, a busy vhost-net */
static void fake_add_busy_mix(struct fake *f)
{
	struct vs_nl_dev *d;

	fake_add(f, PCI_PATH, "virtio-net");
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_busy(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost_busy(d);
}

TEST(busy_in_dump_list_and_show)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fake_add_busy_mix(f);
	ASSERT_EQ(4, f->list.n);
	/* listed as any device: path and name */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out, WANT_BUSY_LIST "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\"}");
	EXPECT_TEXT(s, WANT_BUSY_LIST);
	free(s);

	/* the table: who it is, "busy" for its state, the lock under it */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER      STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -           ACK,DRV,FEAT,OK  4         3    /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "virtio-net  virtio2  virtio_net  busy             -         -    /sys/devices/pci0000:00/0000:00:05.0/virtio2\n"
		    "  busy: " BUSY_WHY "\n"
		    "vhost-net   1234/17  vhost_net   started          2         2    /proc/1234/fd/17\n"
		    "vhost-net   1500/7   vhost_net   busy             -         -    /proc/1500/fd/7\n"
		    "  busy: " BUSY_VHOST_WHY "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* one device, should a reply for one say busy */
	fill_busy(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio2")));
	EXPECT_TEXT(out,
		    "virtio-net virtio2\n"
		    "  path:             " BUSY_PATH "\n"
		    "  device id:        1 (net)\n"
		    "  driver:           virtio_net\n"
		    "  transport:        pci\n"
		    "  vendor id:        0x1af4\n"
		    "  status:           -\n"
		    "  queues:           -\n"
		    "  broken:           -\n"
		    "busy: " BUSY_WHY "\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	fill_vhost_busy(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", BUSY_VHOST_PATH)));
	EXPECT_TEXT(out,
		    "vhost-net 1500/7\n"
		    "  path:             " BUSY_VHOST_PATH "\n"
		    "  device id:        1 (net)\n"
		    "  driver:           vhost_net\n"
		    "  owner pid:        1500\n"
		    "  holder pids:      1500\n"
		    "  started:          -\n"
		    "  queues:           -\n"
		    "  memory regions:   -\n"
		    "  dirty log:        -\n"
		    "  backend features: -\n"
		    "busy: " BUSY_VHOST_WHY "\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);
	fake_free(f);
}

TEST_F(metrics, metrics_busy)
{
	const char *text;
	struct vs_nl_dev *d;

	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_busy(d);
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost_busy(d);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_LINE(text, "virtio_status_scrape_success 1");
	EXPECT_LINE(text, "virtio_status_devices{kind=\"virtio\"} 2");
	EXPECT_LINE(text, "virtio_status_devices{kind=\"vhost\"} 2");
	/* who they are, and which lock kept their state out */
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:05.0/virtio2\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio2\",device_id=\"1\",driver=\"virtio_net\",transport=\"pci\"} 1");
	EXPECT_LINE(text,
		    "virtio_status_device_busy_info{path=\"/sys/devices/pci0000:00/0000:00:05.0/virtio2\",reason=\"the RTNL is held by another task\"} 1");
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/proc/1500/fd/7\",kind=\"vhost\",name=\"vhost-net\",busid=\"\",device_id=\"1\",driver=\"vhost_net\",transport=\"vhost\"} 1");
	EXPECT_LINE(text, "virtio_status_vhost_holders{path=\"" BUSY_VHOST_PATH "\"} 1");
	EXPECT_LINE(text, "virtio_status_vhost_owner_pid{path=\"" BUSY_VHOST_PATH "\"} 1500");
	EXPECT_LINE(text,
		    "virtio_status_device_busy_info{path=\"/proc/1500/fd/7\",reason=\"the vhost device's mutex is held by another task\"} 1");
	EXPECT_EQ(2, count_lines(text, "virtio_status_device_busy_info{"));
	EXPECT_LINE(text, "# TYPE virtio_status_device_busy_info gauge");
	/* no state series, not even a 0: only those name their paths */
	EXPECT_EQ(2, count_in(text, "{path=\"" BUSY_PATH "\""));
	EXPECT_EQ(4, count_in(text, "{path=\"" BUSY_VHOST_PATH "\""));
	EXPECT_EQ(1, count_lines(text, "virtio_status_device_host_features_readable{"));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_status_bit{path=\"" BUSY_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_broken{path=\"" BUSY_PATH));
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_read_error_info{"));
	/* the others as ever, and not busy */
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_host_features_readable", "") " 1");
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_virtqueues", "") " 3");
	EXPECT_LINE(text, "virtio_status_vhost_started{path=\"" VHOST_PATH "\"} 1");
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_busy_info{path=\"" PCI_PATH));
	EXPECT_EQ(NULL, strstr(text, "virtio_status_device_busy_info{path=\"" VHOST_PATH "\""));

	/* nothing busy: the family's HELP and TYPE, no sample */
	vs_dev_list_free(&self->f->list);
	fake_add(self->f, PCI_PATH, "virtio-net");
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, count_lines(text, "# HELP virtio_status_device_busy_info "));
	EXPECT_EQ(0, count_lines(text, "virtio_status_device_busy_info{"));
}

/* vhost rings at I/O virtual addresses (QUEUE_ADDR_IOVA) */

#define IOVA_DESC	0x10000000ULL
#define IOVA_AVAIL	0x10001000ULL
#define IOVA_USED	0x10002000ULL
#define IOVA_RING_QMP "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 268435456, \"avail\": 268439552, \"used\": 268443648, \"num\": 256, \"desc-phys\": 268435456, \"desc-size\": 4096, \"avail-phys\": 268439552, \"avail-size\": 516, \"used-phys\": 268443648, \"used-size\": 2052}}"
#define IOVA_RING_CLI "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 268435456, \"avail\": 268439552, \"used\": 268443648, \"num\": 256, \"desc-phys\": 268435456, \"desc-size\": 4096, \"avail-phys\": 268439552, \"avail-size\": 516, \"used-phys\": 268443648, \"used-size\": 2052, \"addresses-are-iova\": true}}"
#define IOVA_QUEUE_QMP "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 268435456, \"vring-avail\": 268439552, \"vring-used\": 268443648, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
#define IOVA_QUEUE_CLI "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 268435456, \"vring-avail\": 268439552, \"vring-used\": 268443648, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false, \"addresses-are-iova\": true}}"

/* fill_vhost_queue() as sent when the owner acked ACCESS_PLATFORM. */
static void fill_vhost_queue_iova(struct vs_nl_queue *q)
{
	fill_vhost_queue(q);
	q->desc = IOVA_DESC;
	q->avail = IOVA_AVAIL;
	q->used = IOVA_USED;
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_DESC_GPA);
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_AVAIL_GPA);
	vs_queue_clear(q, VIRTIO_STATUS_A_QUEUE_USED_GPA);
	q->addr_iova = true;
	vs_queue_set(q, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
}

TEST(vhost_ring_iova)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *out, *err, *s;

	fill_vhost(&f->dev);
	fill_vhost_queue_iova(&f->queue);
	EXPECT_TRUE(vs_queue_addr_iova(&f->queue));
	/* each phys is its IOVA, as QEMU answers; ours says what they are */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, IOVA_RING_CLI "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, IOVA_QUEUE_CLI "\n");
	free(out);
	free(err);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(json_object_get_boolean(member(o, "addresses-are-iova")));
	json_object_put(o);

	/* over QMP: QEMU's shape alone, every member there */
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);
	s = qmp(&be, Q_VHOST);
	EXPECT_TEXT(s, IOVA_QUEUE_QMP);
	free(s);
	EXPECT_SERVE(&be, true, Q_RING "\n" Q_VHOST "\n",
		     IOVA_RING_QMP "\r\n" IOVA_QUEUE_QMP "\r\n");
	o = vs_json_vhost_queue_status_qmp(&f->dev, &f->queue);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, vhost_ring_keys,
				  ARRAY_SIZE(vhost_ring_keys), NULL));
	json_object_put(o);

	/* a GPA sent all the same is no guest physical address of an IOVA */
	f->queue.desc_gpa = 0x41000;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_DESC_GPA);
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);

	/* hidden addresses: nothing to say of them */
	hide_queue_addrs(&f->queue, ADDR_WHY);
	o = vs_json_vhost_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, vhost_ring_addr_members,
				 ARRAY_SIZE(vhost_ring_addr_members)));
	json_object_put(o);
	o = vs_json_queue_status(&f->dev, &f->queue);
	EXPECT_TRUE(hidden_shape(o, queue_addr_members,
				 ARRAY_SIZE(queue_addr_members)));
	json_object_put(o);

	/* ADDR_IOVA 0: user addresses and GPAs, as ever */
	fill_vhost_queue(&f->queue);
	f->queue.addr_iova = false;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
	EXPECT_FALSE(vs_queue_addr_iova(&f->queue));
	s = qmp(&be, Q_RING);
	EXPECT_TEXT(s, WANT_VHOST_RING);
	free(s);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status",
				  "--path", VHOST_PATH, "--queue", "0")));
	EXPECT_TEXT(out, WANT_VHOST_RING "\n");
	free(out);
	free(err);

	/* a guest queue's addresses are DMA addresses: the flag is not ours */
	fill_dev(&f->dev);
	fill_guest_queue(&f->queue);
	f->queue.addr_iova = true;
	vs_queue_set(&f->queue, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_GUEST_QUEUE "\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(decode_vhost_queue_reply_iova)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct vs_nl_queue q;
	struct vs_err e;
	char *s;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	/* as the module sends it: IOVAs, the flag, no GPA */
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_QUEUE_HEADER, VHOST_PATH, NULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_NUM, 256));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_DESC, IOVA_DESC));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_AVAIL, IOVA_AVAIL));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_QUEUE_PAD, VIRTIO_STATUS_A_QUEUE_USED, IOVA_USED));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_AVAIL_IDX, 2));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_USED_IDX, 65534));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_KICK, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_QUEUE_CALL, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_KICK_FD, 31));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_QUEUE_CALL_FD, 32));

	ASSERT_EQ(0, vs_queue_from_msg(msg, &q, &e));
	EXPECT_TRUE(vs_queue_addr_iova(&q));
	EXPECT_FALSE(vs_queue_has(&q, VIRTIO_STATUS_A_QUEUE_DESC_GPA));
	EXPECT_EQ(IOVA_DESC, q.desc);
	EXPECT_STREQ("VIRTIO_STATUS_A_QUEUE_ADDR_IOVA",
		     vs_nl_attr_name(&vs_nl_queue_set, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA));
	fill_vhost(d);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status(d, &q)));
	EXPECT_TEXT(s, IOVA_RING_CLI);
	free(s);
	s = text_of(vs_qmp_return(vs_json_vhost_queue_status_qmp(d, &q)));
	EXPECT_TEXT(s, IOVA_RING_QMP);
	free(s);
	s = text_of(vs_qmp_return(vs_json_queue_status_qmp(d, &q)));
	EXPECT_TEXT(s, IOVA_QUEUE_QMP);
	free(s);
	nlmsg_free(msg);

	/* an empty ADDR_IOVA is a malformed reply */
	msg = dev_msg(VIRTIO_STATUS_CMD_QUEUE_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_QUEUE_ADDR_IOVA, 0, NULL));
	EXPECT_EQ(-1, vs_queue_from_msg(msg, &q, &e));
	EXPECT_STREQ("the virtio_status module sent a malformed VIRTIO_STATUS_A_QUEUE_ADDR_IOVA",
		     e.detail);
	nlmsg_free(msg);
	free(d);
}

/* tools/nl_decode.c: the one walker, on the generated tables */

/* Any of the decoded structs */
union nl_obj {
	struct vs_nl_dev dev;
	struct vs_nl_queue queue;
	struct vs_nl_element element;
	struct vs_nl_info info;
	struct vs_nl_event event;
};

/* vs_nl_decode() of the attributes of @msg after its genetlink header, less the last @cut bytes. */
static int decode_msg(const struct vs_nl_set *set, void *obj,
		      struct nl_msg *msg, int cut, struct vs_err *e)
{
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(msg));

	vs_err_clear(e);
	return vs_nl_decode(set, obj, genlmsg_attrdata(g, 0),
			    genlmsg_attrlen(g, 0) - cut, e);
}

/* Payloads of the wrong size fail the whole message, in a nest too. */
TEST(nl_decode_attribute_sizes)
{
	static const struct {
		const struct vs_nl_set *set;	/* the message's */
		int nest;			/* @attr is in this nest; 0: not */
		int attr;
		int len;			/* bytes of "abcdefg" and its NUL */
		const char *bad;		/* the sentence's name; NULL: fine */
	} cases[] = {
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_BROKEN, 0, "VIRTIO_STATUS_A_DEV_BROKEN" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_BROKEN, 1, NULL },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 0, "VIRTIO_STATUS_A_DEV_ID" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 3, "VIRTIO_STATUS_A_DEV_ID" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_ID, 4, NULL },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 4,
		  "VIRTIO_STATUS_A_DEV_DRIVER_FEATURES" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 7,
		  "VIRTIO_STATUS_A_DEV_DRIVER_FEATURES" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, 8, NULL },
		/* a string without its NUL, or empty */
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 7, "VIRTIO_STATUS_A_DEV_NAME" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 0, "VIRTIO_STATUS_A_DEV_NAME" },
		{ &vs_nl_dev_set, 0, VIRTIO_STATUS_A_DEV_NAME, 8, NULL },
		/* in the nests, named by their own set */
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, VIRTIO_STATUS_A_HEADER_PATH, 3,
		  "VIRTIO_STATUS_A_HEADER_PATH" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_HEADER, VIRTIO_STATUS_A_HEADER_PATH, 8, NULL },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_ACKED_FEATURES, 4,
		  "VIRTIO_STATUS_A_VHOST_ACKED_FEATURES" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_LOG_ENABLED, 0,
		  "VIRTIO_STATUS_A_VHOST_LOG_ENABLED" },
		{ &vs_nl_dev_set, VIRTIO_STATUS_A_DEV_VHOST, VIRTIO_STATUS_A_VHOST_OWNER_PID, 2,
		  "VIRTIO_STATUS_A_VHOST_OWNER_PID" },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, VIRTIO_STATUS_A_DESC_LEN, 2,
		  "VIRTIO_STATUS_A_DESC_LEN" },
		{ &vs_nl_element_set, VIRTIO_STATUS_A_ELEMENT_DESC, VIRTIO_STATUS_A_DESC_ADDR, 8, NULL },
		{ &vs_nl_queue_set, 0, VIRTIO_STATUS_A_QUEUE_PACKED, 0, "VIRTIO_STATUS_A_QUEUE_PACKED" },
		{ &vs_nl_info_set, 0, VIRTIO_STATUS_A_INFO_FEATURE_BITS, 1,
		  "VIRTIO_STATUS_A_INFO_FEATURE_BITS" },
		{ &vs_nl_event_set, 0, VIRTIO_STATUS_A_EVENT_TIME, 4, "VIRTIO_STATUS_A_EVENT_TIME" },
		{ &vs_nl_event_set, VIRTIO_STATUS_A_EVENT_DEV, VIRTIO_STATUS_A_DEV_GENERATION, 1,
		  "VIRTIO_STATUS_A_DEV_GENERATION" },
	};
	union nl_obj *obj = malloc(sizeof(*obj));
	char want[VS_MSG_MAX];
	struct nlattr *nest;
	struct nl_msg *msg;
	struct vs_err e;
	size_t i;

	ASSERT_NE(NULL, obj);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		msg = dev_msg(0);
		ASSERT_NE(NULL, msg);
		nest = cases[i].nest ? nla_nest_start(msg, cases[i].nest) : NULL;
		ASSERT_EQ(0, nla_put(msg, cases[i].attr, cases[i].len, "abcdefg"));
		if (nest)
			ASSERT_EQ(0, nla_nest_end(msg, nest));
		if (!cases[i].bad) {
			EXPECT_EQ(0, decode_msg(cases[i].set, obj, msg, 0, &e))
				TH_LOG("case %zu: %s", i, e.detail);
		} else {
			EXPECT_EQ(-1, decode_msg(cases[i].set, obj, msg, 0, &e))
				TH_LOG("case %zu", i);
			snprintf(want, sizeof(want),
				 "the virtio_status module sent a malformed %s",
				 cases[i].bad);
			EXPECT_EQ(VS_ERR_MSG, e.kind);
			EXPECT_STREQ(want, e.detail);
		}
		nlmsg_free(msg);
	}

	/* a string longer than its member is cut there, NUL-terminated */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, NULL,
				"virtio0123456789012345678901234567890123456789"));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, &obj->dev, msg, 0, &e));
	EXPECT_EQ(VIRTIO_STATUS_BUSID_LEN_MAX, strlen(obj->dev.header.busid));
	EXPECT_EQ(0, strncmp("virtio0123456789", obj->dev.header.busid, 16));
	nlmsg_free(msg);
	free(obj);
}

/* Nests in nests: each decoded, cleared first, into its struct. */
TEST(nl_decode_nests)
{
	struct vs_nl_event *ev = malloc(sizeof(*ev));
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *dev, *nest;
	struct nl_msg *msg;
	struct vs_err e;

	ASSERT_NE(NULL, ev);
	ASSERT_NE(NULL, d);
	/* event -> dev -> header and dev -> vhost; attributes after a nest */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_SEQ, 9));
	dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
	ASSERT_NE(NULL, dev);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, VHOST_PATH, "virtio5"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "vhost-net"));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_OWNER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1234));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_HOLDER_PID, 1240));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_VHOST_ERROR, "why"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_nest_end(msg, dev));
	ASSERT_EQ(0, put_u64(msg, VIRTIO_STATUS_A_EVENT_PAD, VIRTIO_STATUS_A_EVENT_TIME, EV_TIME));
	memset(ev, 0xa5, sizeof(*ev));
	ASSERT_EQ(0, decode_msg(&vs_nl_event_set, ev, msg, 0, &e));
	EXPECT_EQ(9, ev->seq);
	EXPECT_EQ(EV_TIME, ev->time);
	EXPECT_TRUE(vs_nl_has(ev->have, VIRTIO_STATUS_A_EVENT_DEV));
	EXPECT_FALSE(vs_nl_has(ev->have, VIRTIO_STATUS_A_EVENT_PAD));
	EXPECT_STREQ("vhost-net", ev->dev.name);
	EXPECT_EQ(1, ev->dev.id);
	EXPECT_STREQ(VHOST_PATH, ev->dev.header.path);
	EXPECT_STREQ("virtio5", ev->dev.header.busid);
	EXPECT_TRUE(vs_dev_header_has(&ev->dev, VIRTIO_STATUS_A_HEADER_PATH));
	EXPECT_TRUE(vs_dev_header_has(&ev->dev, VIRTIO_STATUS_A_HEADER_BUSID));
	EXPECT_EQ(1234, ev->dev.vhost.owner_pid);
	EXPECT_EQ(2, ev->dev.vhost.n_holder_pid);
	EXPECT_EQ(1240, ev->dev.vhost.holder_pid[1]);
	EXPECT_EQ(0, ev->dev.vhost.holder_pid[2]);
	EXPECT_STREQ("why", ev->dev.vhost.error);
	EXPECT_TRUE(vs_dev_vhost_has(&ev->dev, VIRTIO_STATUS_A_VHOST_ERROR));
	EXPECT_FALSE(vs_dev_vhost_has(&ev->dev, VIRTIO_STATUS_A_VHOST_HOLDERS));
	/* what the message left out is 0, not what the struct held */
	EXPECT_EQ(0, ev->dev.vhost.holders);
	EXPECT_EQ(0, ev->dev.kind);
	EXPECT_FALSE(vs_dev_has(&ev->dev, VIRTIO_STATUS_A_DEV_KIND));
	nlmsg_free(msg);

	/* an empty nest is there, with nothing in it */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_nest_end_keep_empty(msg, nest));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_VHOST));
	EXPECT_EQ(0, d->vhost.have[0]);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_HEADER));
	nlmsg_free(msg);

	/*
	 * NLA_F_NESTED, as the kernel's nla_nest_start() sets it; a nest
	 * sent twice is the second one, nothing of the first left
	 */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER, PCI_PATH, "virtio0"));
	ASSERT_EQ(0, put_header(msg, VIRTIO_STATUS_A_DEV_HEADER | NLA_F_NESTED, NULL,
				"virtio1"));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_STREQ("virtio1", d->header.busid);
	EXPECT_STREQ("", d->header.path);
	EXPECT_FALSE(vs_dev_header_has(d, VIRTIO_STATUS_A_HEADER_PATH));
	nlmsg_free(msg);

	/* a malformed attribute deep in the nests fails the whole message */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_ADD_NTF);
	ASSERT_NE(NULL, msg);
	dev = nla_nest_start(msg, VIRTIO_STATUS_A_EVENT_DEV);
	ASSERT_NE(NULL, dev);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_HEADER_BUSID, 7, "virtio0"));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_nest_end(msg, dev));
	EXPECT_EQ(-1, decode_msg(&vs_nl_event_set, ev, msg, 0, &e));
	EXPECT_TEXT(e.detail,
		    "the virtio_status module sent a malformed VIRTIO_STATUS_A_HEADER_BUSID");
	nlmsg_free(msg);
	free(ev);
	free(d);
}

/* Repeated nests, in order; past their array counted, not stored. */
TEST(nl_decode_repeated_descs)
{
	struct vs_nl_element *el = malloc(sizeof(*el));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_ELEMENT_GET);
	struct vs_err e;
	u32 i, n = VIRTIO_STATUS_DESCS_MAX + 3;

	ASSERT_NE(NULL, el);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, put_elem_head(msg));
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, put_desc(msg, 0x1000ULL * (i + 1), i, i & 7)) TH_LOG("desc %u", i);
	/* what follows them is still read */
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN, "after"));
	memset(el, 0xa5, sizeof(*el));
	ASSERT_EQ(0, decode_msg(&vs_nl_element_set, el, msg, 0, &e));
	EXPECT_EQ(n, el->n_desc);
	for (i = 0; i < VIRTIO_STATUS_DESCS_MAX; i++) {
		if (el->desc[i].addr != 0x1000ULL * (i + 1) || el->desc[i].len != i ||
		    el->desc[i].flags != (i & 7) ||
		    !vs_nl_has(el->desc[i].have, VIRTIO_STATUS_A_DESC_FLAGS)) {
			EXPECT_EQ(0, i + 1) TH_LOG("desc %u out of place", i);
			break;
		}
	}
	EXPECT_EQ(5, el->head);
	EXPECT_STREQ("after", el->addr_hidden);
	EXPECT_TRUE(vs_elem_has(el, VIRTIO_STATUS_A_ELEMENT_DESC));
	nlmsg_free(msg);
	free(el);
}

/* Numbers this CLI does not know, pads and 0 are skipped, whatever they hold. */
TEST(nl_decode_skips_unknown)
{
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct nlattr *nest;
	struct vs_err e;

	ASSERT_NE(NULL, d);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, 0, 3, "abc"));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_MAX + 1, 3, "abc"));
	ASSERT_EQ(0, nla_put(msg, 0x3fff, 1, "a"));
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_DEV_PAD, 3, "abc"));
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_VHOST);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put(msg, VIRTIO_STATUS_A_VHOST_MAX + 1, 1, "a"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_VHOST_MEM_REGIONS, 3));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_EQ(1, d->id);
	EXPECT_EQ(3, d->vhost.mem_regions);
	EXPECT_EQ(BIT_ULL(VIRTIO_STATUS_A_DEV_VHOST) | BIT_ULL(VIRTIO_STATUS_A_DEV_ID),
		  d->have[0]);
	EXPECT_EQ(BIT_ULL(VIRTIO_STATUS_A_VHOST_MEM_REGIONS), d->vhost.have[0]);
	nlmsg_free(msg);
	free(d);
}

/* What is left after the last attribute: a cut message. */
TEST(nl_decode_cut_stream)
{
	static const char junk[3] = { 0x08, 0x00, 0x06 };
	struct vs_nl_dev *d = malloc(sizeof(*d));
	struct nlattr *nest, *a;
	struct nl_msg *msg;
	struct vs_err e;
	int cut;

	ASSERT_NE(NULL, d);
	/* 1 to 3 bytes after the attributes, too short for a header */
	for (cut = 1; cut <= 3; cut++) {
		msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
		ASSERT_NE(NULL, msg);
		ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
		ASSERT_EQ(0, nlmsg_append(msg, (void *)junk, cut, 0));
		vs_err_clear(&e);
		EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e)) TH_LOG("%d bytes", cut);
		EXPECT_EQ(VS_ERR_MSG, e.kind);
		EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
		nlmsg_free(msg);
	}

	/* the last attribute cut short: in its payload, in its header */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	for (cut = 1; cut < 8; cut++) {
		EXPECT_EQ(-1, decode_msg(&vs_nl_dev_set, d, msg, cut, &e)) TH_LOG("cut %d", cut);
		EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
	}
	nlmsg_free(msg);

	/* an attribute header claiming less than itself */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	a = nla_reserve(msg, VIRTIO_STATUS_A_DEV_INDEX, 4);
	ASSERT_NE(NULL, a);
	a->nla_len = 2;
	EXPECT_EQ(-1, decode_msg(&vs_nl_dev_set, d, msg, 0, &e));
	EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed dev message");
	nlmsg_free(msg);

	/* in a nest: the nest's set is named */
	msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, VIRTIO_STATUS_A_DEV_HEADER);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_HEADER_BUSID, "virtio0"));
	ASSERT_EQ(0, nlmsg_append(msg, (void *)junk, 2, 0));
	ASSERT_EQ(0, nla_nest_end(msg, nest));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	EXPECT_EQ(-1, vs_dev_from_msg(msg, d, &e));
	EXPECT_TEXT(e.detail, "the virtio_status module sent a malformed header message");
	nlmsg_free(msg);
	free(d);
}

TEST_HARNESS_MAIN
