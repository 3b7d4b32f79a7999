// SPDX-License-Identifier: GPL-2.0
/*
 * Host unit tests of virtio-status: JSON building, argument parsing, QMP
 * line handling, error sentences and reply decoding. No kernel module is
 * involved: devices come from a fake backend or from messages built here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "kselftest_harness.h"

#include "cli.h"
#include "dev.h"
#include "nl.h"
#include "qmp.h"

#define BIT60		BIT_ULL(60)
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

/* A device as a current module would describe it. */
static void fill_dev(struct vs_dev *d)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->path, sizeof(d->path), "%s", PCI_PATH);
	snprintf(d->busid, sizeof(d->busid), "%s", "virtio0");
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	d->device_id = 1;
	d->status = 0x0f;
	d->driver_features = BIT60 | BIT_ULL(32) | 0x5;
	d->device_features = BIT_ULL(63) | BIT60 | BIT_ULL(32) | 0x7;
	d->num_vqs = 3;
	d->broken = false;
	d->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_PATH);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_BUSID);
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
	struct vs_dev dev;		/* answer of dev_get */
	struct vs_err get_err;		/* dev_get fails when kind is set */
	struct vs_dev_list list;	/* answer of dev_dump */
	struct vs_target last;		/* what dev_get was asked */
	int gets;
	int dumps;
};

static int fake_get(void *ctx, const struct vs_target *t, struct vs_dev *dev,
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

static int fake_dump(void *ctx, struct vs_dev_list *list, struct vs_err *e)
{
	struct fake *f = ctx;
	size_t i;

	f->dumps++;
	for (i = 0; i < f->list.n; i++) {
		struct vs_dev *d = vs_dev_list_add(list);

		if (!d) {
			vs_err_sys(e, ENOMEM, NULL);
			return -1;
		}
		*d = f->list.devs[i];
	}
	return 0;
}

static const struct vs_backend_ops fake_ops = {
	.dev_get = fake_get,
	.dev_dump = fake_dump,
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
	struct vs_dev *d = vs_dev_list_add(&f->list);

	fill_dev(d);
	snprintf(d->path, sizeof(d->path), "%s", path);
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

TEST(status_keys_in_schema_order)
{
	struct json_object *o;
	struct vs_dev d;
	size_t i = 0;

	fill_dev(&d);
	o = vs_json_status(&d);
	ASSERT_NE(NULL, o);
	json_object_object_foreach(o, k, v) {
		(void)v;
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
	struct vs_dev d;

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

TEST(status_big_features_exact_in_text)
{
	struct vs_dev d;
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
	struct vs_dev d;
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
	struct vs_dev d;
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
	struct vs_dev d;
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
	struct vs_dev d;

	fill_dev(&d);
	vs_err_clear(&e);
	EXPECT_EQ(0, vs_dev_check_status(&d, &e));

	d.have &= ~(1u << VIRTIO_STATUS_A_DEV_NUM_VQS);
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	vs_err_sentence(&e, "virtio0", buf, sizeof(buf));
	EXPECT_TEXT(buf,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_DEV_NUM_VQS");

	fill_dev(&d);
	d.have &= ~(1u << VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	vs_dev_set(&d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR);
	d.device_features_err = EPERM;
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_FEATURES, e.kind);
	EXPECT_EQ(EPERM, e.errnum);
	vs_err_sentence(&e, "virtio0", buf, sizeof(buf));
	EXPECT_STREQ(WANT_EPERM_FEAT, buf);

	/* neither the features nor why they are missing */
	fill_dev(&d);
	d.have &= ~(1u << VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
	EXPECT_EQ(-1, vs_dev_check_status(&d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	EXPECT_NE(NULL, strstr(e.detail, "DEV_DEVICE_FEATURES"));
}

/* x-query-virtio */

TEST(list_text_exact_and_ordered)
{
	struct vs_dev_list l = { 0 };
	struct vs_dev *d;
	char *s;

	d = vs_dev_list_add(&l);
	ASSERT_NE(NULL, d);
	snprintf(d->path, sizeof(d->path), "%s", PCI_PATH);
	snprintf(d->name, sizeof(d->name), "%s", "virtio-net");
	d = vs_dev_list_add(&l);
	ASSERT_NE(NULL, d);
	snprintf(d->path, sizeof(d->path), "%s", MMIO_PATH);
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
		struct vs_dev *d = vs_dev_list_add(&l);

		ASSERT_NE(NULL, d);
		snprintf(d->path, sizeof(d->path), "/sys/x/virtio%d", i);
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
	struct vs_dev d;
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

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio-queue-status"));
	EXPECT_STREQ("unknown command 'x-query-virtio-queue-status'", msg);

	/* qmp_capabilities is for --qmp only */
	EXPECT_EQ(-1, PARSE(&o, msg, "qmp_capabilities"));

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "--path", "virtio0"));
	EXPECT_STREQ("x-query-virtio takes no --path", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "x-query-virtio", "extra"));
	EXPECT_STREQ("unexpected argument 'extra'", msg);

	EXPECT_EQ(-1, PARSE(&o, msg, "--qmp", "x-query-virtio"));
	EXPECT_EQ(-1, PARSE(&o, msg, "-p"));
	EXPECT_STREQ("no command given", msg);
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

	s = qmp(&be, "{\"execute\": \"x-query-virtio-queue-status\", \"id\": 7}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"CommandNotFound\", \"desc\": \"The command x-query-virtio-queue-status has not been found\"}, \"id\": 7}");
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
	f->dev.have &= ~(1u << VIRTIO_STATUS_A_DEV_DEVICE_FEATURES);
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
	f->list.devs[1].have &= ~(1u << VIRTIO_STATUS_A_DEV_PATH);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err,
		    "kernel module too old: its reply lacks VIRTIO_STATUS_A_DEV_PATH\n");
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
	struct nl_msg *msg = nlmsg_alloc();

	if (!msg)
		return NULL;
	if (!genlmsg_put(msg, 0, 1, 0x20, 0, 0, cmd,
			 VIRTIO_STATUS_FAMILY_VERSION)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

TEST(decode_full_reply)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_PATH, PCI_PATH));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_BUSID, "virtio0"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_INDEX, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ID, 1));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_VENDOR, 0x1af4));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_TRANSPORT, "pci"));
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_DRIVER, "virtio_net"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_STATUS, 0x0f));
	ASSERT_EQ(0, nla_put_u64(msg, VIRTIO_STATUS_A_DEV_DRIVER_FEATURES, BIT60 | 1));
	ASSERT_EQ(0, nla_put_u64(msg, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES, ~0ULL));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_NUM_VQS, 3));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_BROKEN, 1));
	ASSERT_EQ(0, nla_put_u8(msg, VIRTIO_STATUS_A_DEV_FAILED, 0));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_ENDIAN, VIRTIO_STATUS_ENDIAN_BIG));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_GENERATION, 42));

	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_STREQ(PCI_PATH, d->path);
	EXPECT_STREQ("virtio0", d->busid);
	EXPECT_STREQ("virtio-net", d->name);
	EXPECT_STREQ("pci", d->transport);
	EXPECT_STREQ("virtio_net", d->driver);
	EXPECT_EQ(1, d->device_id);
	EXPECT_EQ(0x1af4, d->vendor);
	EXPECT_EQ(0x0f, d->status);
	EXPECT_EQ(BIT60 | 1, d->driver_features);
	EXPECT_EQ(~0ULL, d->device_features);
	EXPECT_EQ(3, d->num_vqs);
	EXPECT_TRUE(d->broken);
	EXPECT_FALSE(d->failed);
	EXPECT_EQ(VIRTIO_STATUS_ENDIAN_BIG, d->endian);
	EXPECT_EQ(42, d->generation);
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_EQ(0, vs_dev_check_status(d, &e));
	EXPECT_EQ(0, vs_dev_check_info(d, &e));
	nlmsg_free(msg);
	free(d);
}

TEST(decode_features_err_and_missing)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET);
	struct vs_dev *d = malloc(sizeof(*d));
	struct vs_err e;

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, d);
	ASSERT_EQ(0, nla_put_string(msg, VIRTIO_STATUS_A_DEV_NAME, "virtio-blk"));
	ASSERT_EQ(0, nla_put_u32(msg, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR, EPERM));
	ASSERT_EQ(0, vs_dev_from_msg(msg, d, &e));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_NAME));
	EXPECT_TRUE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
	EXPECT_FALSE(vs_dev_has(d, VIRTIO_STATUS_A_DEV_PATH));
	EXPECT_EQ(EPERM, d->device_features_err);
	EXPECT_EQ(-1, vs_dev_check_info(d, &e));
	EXPECT_EQ(VS_ERR_OLD, e.kind);
	nlmsg_free(msg);
	free(d);
}

TEST(decode_rejects_wrong_cmd_and_size)
{
	struct nl_msg *msg = dev_msg(VIRTIO_STATUS_CMD_DEV_GET + 1);
	struct vs_dev *d = malloc(sizeof(*d));
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

TEST_HARNESS_MAIN
