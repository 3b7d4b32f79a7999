// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The QMP answers: VirtioStatus and the device
 * list as QEMU's schema has them, the error sentences, and the request
 * lines of --qmp.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "nl.h"

/* The exact text QEMU would print for fill_dev() with features 5 and 7 */
#define WANT_STATUS "{\"return\": {\"name\": \"virtio-net\", \"device-id\": 1, \"vhost-started\": false, \"device-endian\": \"little\", \"guest-features\": 5, \"host-features\": 7, \"backend-features\": 0, \"num-vqs\": 3, \"status\": 15, \"isr\": 0, \"queue-sel\": 0, \"vm-running\": true, \"broken\": false, \"disabled\": false, \"use-started\": true, \"started\": true, \"start-on-kick\": false, \"disable-legacy-check\": false, \"bus-name\": \"\", \"use-guest-notifier-mask\": false}}"
#define WANT_EPERM_FEAT "permission denied: reading the features a device offers needs CAP_NET_ADMIN; run as root"

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
		ASSERT_LT(i, n_status_keys);
		EXPECT_STREQ(status_keys[i], k);
		i++;
	}
	EXPECT_EQ(n_status_keys, i);
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

#define EXPECT_HAS(text, part)	EXPECT_NE(NULL, strstr(text, part))

/*
 * Whether @k is the "<prev>-full" member after @prev (or after @prev's
 * "-hex").
 */
static bool full_sibling(const char *k, const char *prev)
{
	size_t n = prev ? strlen(prev) : 0;

	return n && !strncmp(k, prev, n) && !strcmp(k + n, "-full");
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
		ASSERT_LT(i, n_status_keys);
		EXPECT_STREQ(status_keys[i], k);
		i++;
	}
	EXPECT_EQ(n_status_keys, i);
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
