// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. vhost devices: their status, the features
 * their driver offers, what their replies must carry, and their sentences.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/vhost.h>

#include "test.h"

#include "vhost.h"

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
		const char *want = i < n_status_keys ?
				   status_keys[i] : "vhost-dev";

		EXPECT_STREQ(want, k);
		i++;
	}
	EXPECT_EQ(n_status_keys + 1, i);
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
