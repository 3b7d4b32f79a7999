// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. metrics: the Prometheus text of the devices,
 * its families, and the file it writes.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "test.h"

#include "names.h"

#include "metrics.h"

/* Feature bits asked for: --collect.features */
static const struct vs_metrics_opts with_features = { .features = true };

/* The exposition a scrape of @be with @o writes, or NULL. */
static char *metrics_with(struct vs_backend *be, const struct vs_metrics_opts *o,
			  int *ret)
{
	char why[VS_MSG_MAX * 2];
	size_t len;
	char *text;

	*ret = vs_metrics_text(be, o, &text, &len, why, sizeof(why));
	if (text && strlen(text) != len) {
		free(text);
		return NULL;
	}
	return text;
}

static char *metrics_of(struct vs_backend *be, int *ret)
{
	return metrics_with(be, &with_features, ret);
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
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:03.0/virtio0\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio0\",device_id=\"1\",driver=\"virtio_net\",transport=\"pci\",virtio=\"virtio0\"} 1");
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
	/* a stable reason, never the sentence */
	EXPECT_LINE(text, "virtio_status_scrape_error_info{reason=\"module_not_loaded\"} 1");
	EXPECT_EQ(NULL, strstr(text, "modprobe"));
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
	EXPECT_LINE(text, "virtio_status_scrape_error_info{reason=\"permission_denied\"} 1");
	free(text);
	vs_err_set(&k.dump_err, VS_ERR_OLD, 0, "its reply lacks X");
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, "virtio_status_scrape_error_info{reason=\"module_too_old\"} 1");
	EXPECT_EQ(NULL, strstr(text, "its reply lacks X"));
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
	const char *fam, *ftype, *cur = NULL;
	int ret, i, nfam = 0, nopt = 0;
	bool known, opt_in;
	size_t len;

	ASSERT_NE(NULL, f);
	fake_add(f, PCI_PATH, "virtio-net");
	ASSERT_NE(NULL, vs_dev_list_add(&f->list));
	fill_vhost(&f->list.devs[1]);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	for (i = 0; (fam = vs_metrics_family(i, &ftype, &opt_in)); i++) {
		char help[160], type[160];

		nfam++;
		nopt += opt_in;
		EXPECT_EQ(0, strncmp(fam, "virtio_status_", 14));
		snprintf(help, sizeof(help), "# HELP %s ", fam);
		snprintf(type, sizeof(type), "# TYPE %s %s", fam, ftype);
		EXPECT_EQ(1, count_lines(text, help));
		EXPECT_TRUE(has_line(text, type));
		/* a counter's name ends in _total, and only a counter's */
		len = strlen(fam);
		EXPECT_EQ(!strcmp(ftype, "counter"),
			  len > 6 && !strcmp(fam + len - 6, "_total"));
	}
	EXPECT_EQ(32, nfam);
	EXPECT_EQ(3, nopt);
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
		for (i = 0; (fam = vs_metrics_family(i, NULL, NULL)); i++)
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
	for (i = 0; (fam = vs_metrics_family(i, NULL, NULL)); i++) {
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
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:03.0/virtio0\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio0\",device_id=\"1\",driver=\"\",transport=\"\",virtio=\"virtio0\"} 1");
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
		    "virtio_status_device_info{path=\"/sys/devices/pci0000:00/0000:00:05.0/virtio2\",kind=\"virtio\",name=\"virtio-net\",busid=\"virtio2\",device_id=\"1\",driver=\"virtio_net\",transport=\"pci\",virtio=\"virtio2\"} 1");
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

/* Families --collect.features adds; no line of them without it */
TEST_F(metrics, metrics_features_opt_in)
{
	static const struct vs_metrics_opts none = { 0 };
	const char *fam, *names[] = {
		"virtio_status_device_guest_feature",
		"virtio_status_device_host_feature",
		"virtio_status_vhost_backend_feature",
	};
	char *text, *out, *err, needle[64];
	struct vs_nl_dev *d;
	size_t i, n = 0;
	bool opt_in;
	int ret;

	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	text = metrics_with(&self->be, &none, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, ret);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		snprintf(needle, sizeof(needle), "%s ", names[i]);
		EXPECT_EQ(NULL, strstr(text, needle));
		snprintf(needle, sizeof(needle), "%s{", names[i]);
		EXPECT_EQ(NULL, strstr(text, needle));
	}
	/* the rest as ever */
	EXPECT_LINE(text, NET_SERIES("virtio_status_device_host_features_readable", "") " 1");
	EXPECT_LINE(text, "virtio_status_vhost_started{path=\"" VHOST_PATH "\"} 1");
	free(text);
	/* NULL: the defaults */
	text = metrics_with(&self->be, NULL, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(NULL, strstr(text, "_feature{"));
	free(text);
	for (i = 0; (fam = vs_metrics_family(i, NULL, &opt_in)); i++) {
		if (opt_in && n < ARRAY_SIZE(names))
			EXPECT_TEXT(fam, names[n]);
		n += opt_in;
	}
	EXPECT_EQ(3, n);

	/* the command: off by default, on with the switch */
	EXPECT_EQ(0, run_cli(&self->be, "", &out, &err, ARGV("metrics")));
	EXPECT_EQ(0, count_lines(out, "# HELP virtio_status_device_guest_feature "));
	EXPECT_EQ(0, count_lines(out, "virtio_status_device_guest_feature{"));
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&self->be, "", &out, &err,
			     ARGV("metrics", "--collect.features")));
	EXPECT_EQ(1, count_lines(out, "# HELP virtio_status_device_guest_feature "));
	EXPECT_LINE(out, "# TYPE virtio_status_vhost_backend_feature gauge");
	EXPECT_EQ(6, count_lines(out, "virtio_status_device_guest_feature{"));
	EXPECT_EQ(6, count_lines(out, "virtio_status_device_host_feature{"));
	EXPECT_EQ(1, count_lines(out, "virtio_status_vhost_backend_feature{"));
	EXPECT_TEXT(err, "");
	free(out);
	free(err);
}

/* virtio_status_build_info as this CLI on this kernel writes it */
static const char *build_info(const char *layout)
{
	static char line[512];
	struct utsname u;

	if (uname(&u) < 0)
		return "uname failed";
	snprintf(line, sizeof(line),
		 "virtio_status_build_info{version=\"%s\",family_version=\"%d\",kernel=\"%s\",vhost_layout=\"%s\"} 1",
		 VS_VERSION, VIRTIO_STATUS_FAMILY_VERSION, u.release, layout);
	return line;
}

TEST_F(metrics, metrics_build_info_and_bus_changes)
{
	const char *text;

	vs_info_set(&self->f->info, VIRTIO_STATUS_A_INFO_GENERATION);
	vs_info_set(&self->f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	self->f->info.generation = 42;
	snprintf(self->f->info.vhost_layout, sizeof(self->f->info.vhost_layout),
		 "%s", "6.12.57 (btf)");
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, build_info("6.12.57 (btf)"));
	/* the generation starts at 1: 41 changes */
	EXPECT_LINE(text, "# TYPE virtio_status_bus_changes_total counter");
	EXPECT_LINE(text, "virtio_status_bus_changes_total 41");

	/* a module that says nothing: no counter, no layout */
	memset(&self->f->info, 0, sizeof(self->f->info));
	text = rescrape(self);
	EXPECT_LINE(text, build_info(""));
	EXPECT_EQ(0, count_lines(text, "virtio_status_bus_changes_total "));
	EXPECT_EQ(1, count_lines(text, "# HELP virtio_status_bus_changes_total "));
}

TEST(metrics_build_info_without_module)
{
	struct vs_backend fb, be = { .ops = &flaky_ops };
	struct flaky k = { .f = fake_new(&fb) };
	char *text;
	int ret;

	ASSERT_NE(NULL, k.f);
	be.ctx = &k;
	vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
	text = metrics_of(&be, &ret);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(0, ret);
	/* who scraped is known without the module; nothing else */
	EXPECT_EQ(1, count_lines(text, "virtio_status_build_info{version=\"" VS_VERSION "\","));
	EXPECT_EQ(0, count_lines(text, "virtio_status_bus_changes_total "));
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_listed{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_queue_health_read{"));
	free(text);
	fake_free(k.f);
}

TEST_F(metrics, metrics_vhost_listed)
{
	const char *text;

	vs_info_set(&self->f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	self->f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	self->f->privileged = true;
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"ok\"} 1");
	EXPECT_EQ(1, count_lines(text, "virtio_status_vhost_listed{"));

	self->f->privileged = false;
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"no_permission\"} 0");

	/* vhost off says more than the missing capability */
	self->f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_OFF;
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"vhost_off\"} 0");

	/* a module without INFO: ok if a vhost device came, else unknown */
	self->f->privileged = true;
	self->f->info_errnum = EOPNOTSUPP;
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"unknown\"} 0");
	ASSERT_NE(NULL, vs_dev_list_add(&self->f->list));
	fill_vhost(&self->f->list.devs[1]);
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"ok\"} 1");

	/* list-only mode (which turns vhost off) */
	self->f->info_errnum = 0;
	fake_list_only(self->f, "fingerprint 1234abcd is unknown");
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_vhost_listed{reason=\"list_only\"} 0");
}

#define QSERIES(m, path, q) m "{path=\"" path "\",queue=\"" q "\"}"
#define BLK_PATH	"/sys/devices/pci0000:00/0000:00:06.0/virtio3"

TEST_F(metrics, metrics_queue_health)
{
	const u32 V = VIRTIO_STATUS_KIND_VIRTIO, H = VIRTIO_STATUS_KIND_VHOST;
	struct fake *f = self->f;
	struct vs_nl_health *q;
	struct vs_nl_dev *d;
	const char *text;

	d = vs_dev_list_add(&f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	fake_add(f, BLK_PATH, "virtio-blk");
	f->list.devs[2].id = 2;
	/* virtio-net: rx, tx (stuck 90 s with 6 in flight), ctrl */
	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, V, 1, 0, 256, 300, 44, 0));
	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, V, 1, 1, 256, 1030, 1024,
				       90500000000ULL));
	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, V, 1, 2, 64, 7, 7, 0));
	/* vhost-net: rx waits (a long time, by design), tx moves */
	ASSERT_NE(NULL, fake_add_queue(f, VHOST_PATH, H, 1, 0, 256, 2, 65534, 5000000000ULL));
	ASSERT_NE(NULL, fake_add_queue(f, VHOST_PATH, H, 1, 1, 256, 10, 10, 0));
	/* virtio-blk, a packed ring: size and in flight only */
	q = fake_add_queue(f, BLK_PATH, V, 2, 0, 128, 0, 0, 0);
	ASSERT_NE(NULL, q);
	q->packed = 1;
	q->in_flight = 5;
	vs_nl_clear(q->have, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX);
	vs_nl_clear(q->have, VIRTIO_STATUS_A_HEALTH_USED_IDX);
	vs_nl_clear(q->have, VIRTIO_STATUS_A_HEALTH_STALLED_NS);
	/* a device the device dump did not list: left out */
	ASSERT_NE(NULL, fake_add_queue(f, PCI1_PATH, V, 1, 1, 256, 5, 1, 7000000000ULL));
	/* the same queue twice: the first kept */
	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, V, 1, 2, 32, 9, 9, 0));
	/* a busy device: one entry, no index, no series */
	q = vs_health_list_add(&f->health);
	ASSERT_NE(NULL, q);
	snprintf(q->header.path, sizeof(q->header.path), "%s", BLK_PATH);
	vs_nl_set(q->header.have, VIRTIO_STATUS_A_HEADER_PATH);
	vs_nl_set(q->have, VIRTIO_STATUS_A_HEALTH_HEADER);
	vs_nl_set(q->have, VIRTIO_STATUS_A_HEALTH_BUSY);
	snprintf(q->busy, sizeof(q->busy), "%s", BUSY_WHY);

	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_EQ(1, self->ret);
	EXPECT_EQ(1, f->health_dumps);
	EXPECT_LINE(text, "virtio_status_queue_health_read{reason=\"ok\"} 1");

	EXPECT_LINE(text, QSERIES("virtio_status_queue_size", PCI_PATH, "0") " 256");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_size", PCI_PATH, "2") " 64");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_avail_idx", PCI_PATH, "1") " 1030");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_used_idx", PCI_PATH, "1") " 1024");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_in_flight", PCI_PATH, "1") " 6");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_in_flight", VHOST_PATH, "0") " 4");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_used_idx", VHOST_PATH, "0") " 65534");
	EXPECT_EQ(6, count_lines(text, "virtio_status_queue_size{"));
	EXPECT_EQ(6, count_lines(text, "virtio_status_queue_in_flight{"));
	EXPECT_EQ(5, count_lines(text, "virtio_status_queue_avail_idx{"));
	EXPECT_EQ(5, count_lines(text, "virtio_status_queue_used_idx{"));

	/* stalled: request queues of split rings only (tx, ctrl; vhost tx) */
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", PCI_PATH, "1")
		    " 90.500000");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", PCI_PATH, "2")
		    " 0.000000");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", VHOST_PATH, "1")
		    " 0.000000");
	EXPECT_EQ(3, count_lines(text, "virtio_status_queue_stalled_seconds{"));
	EXPECT_EQ(NULL, strstr(text, "_stalled_seconds{path=\"" PCI_PATH "\",queue=\"0\""));
	EXPECT_EQ(NULL, strstr(text, "_stalled_seconds{path=\"" VHOST_PATH "\",queue=\"0\""));

	/* the packed ring: size and in flight */
	EXPECT_LINE(text, QSERIES("virtio_status_queue_size", BLK_PATH, "0") " 128");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_in_flight", BLK_PATH, "0") " 5");
	EXPECT_EQ(NULL, strstr(text, "_idx{path=\"" BLK_PATH));
	EXPECT_EQ(NULL, strstr(text, "_stalled_seconds{path=\"" BLK_PATH));
	/* not listed, duplicated: not written */
	EXPECT_EQ(NULL, strstr(text, "{path=\"" PCI1_PATH "\""));
	EXPECT_EQ(NULL, strstr(text, QSERIES("virtio_status_queue_size", PCI_PATH, "2")
			       " 32"));
}

TEST_F(metrics, metrics_queue_role_counts_the_device_queues)
{
	struct fake *f = self->f;
	const char *text;
	u32 i;

	/* virtio-net with 2 pairs and no control queue: 1 and 3 are tx */
	for (i = 0; i < 4; i++)
		ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, i,
					       256, 10, 4, 2000000000ULL));
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", PCI_PATH, "1")
		    " 2.000000");
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", PCI_PATH, "3")
		    " 2.000000");
	EXPECT_EQ(2, count_lines(text, "virtio_status_queue_stalled_seconds{"));
	/* and a fifth queue is the control queue, a request queue */
	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 4,
				       64, 1, 1, 0));
	text = rescrape(self);
	EXPECT_LINE(text, QSERIES("virtio_status_queue_stalled_seconds", PCI_PATH, "4")
		    " 0.000000");
	EXPECT_EQ(3, count_lines(text, "virtio_status_queue_stalled_seconds{"));
}

TEST_F(metrics, metrics_queue_health_fails_alone)
{
	struct fake *f = self->f;
	char *out, *err;
	const char *text;

	ASSERT_NE(NULL, fake_add_queue(f, PCI_PATH, VIRTIO_STATUS_KIND_VIRTIO, 1, 1, 256,
				       10, 4, 0));
	vs_err_sys(&f->health_err, EOPNOTSUPP, NULL);
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	/* the scrape succeeds, the queue families are there, empty */
	EXPECT_EQ(1, self->ret);
	EXPECT_LINE(text, "virtio_status_scrape_success 1");
	EXPECT_EQ(0, count_lines(text, "virtio_status_scrape_error_info{"));
	EXPECT_LINE(text, "virtio_status_queue_health_read{reason=\"module_too_old\"} 0");
	EXPECT_LINE(text, "# TYPE virtio_status_queue_in_flight gauge");
	EXPECT_EQ(0, count_lines(text, "virtio_status_queue_size{"));
	EXPECT_EQ(0, count_lines(text, "virtio_status_queue_in_flight{"));
	EXPECT_EQ(1, count_lines(text, "virtio_status_device_info{"));

	/* the command says why on stderr, and exits 0 */
	vs_err_set(&f->health_err, VS_ERR_DUMP_INTR, 0, NULL);
	EXPECT_EQ(0, run_cli(&self->be, "", &out, &err, ARGV("metrics")));
	EXPECT_LINE(out, "virtio_status_queue_health_read{reason=\"dump_interrupted\"} 0");
	EXPECT_EQ(0, strncmp(err, "queue health not read: ", 23));
	EXPECT_NE(NULL, strstr(err, "; written as virtio_status_queue_health_read 0\n"));
	free(out);
	free(err);

	vs_err_sys(&f->health_err, EPERM, NULL);
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_queue_health_read{reason=\"permission_denied\"} 0");
	vs_err_sys(&f->health_err, EIO, "something broke");
	text = rescrape(self);
	EXPECT_LINE(text, "virtio_status_queue_health_read{reason=\"error\"} 0");

	/* list-only mode: not even asked, and nothing on stderr */
	f->health_dumps = 0;
	vs_err_clear(&f->health_err);
	fake_list_only(f, "fingerprint 1234abcd is unknown");
	EXPECT_EQ(0, run_cli(&self->be, "", &out, &err, ARGV("metrics")));
	EXPECT_LINE(out, "virtio_status_queue_health_read{reason=\"list_only\"} 0");
	EXPECT_EQ(0, count_lines(out, "virtio_status_queue_size{"));
	EXPECT_TEXT(err, "");
	EXPECT_EQ(0, f->health_dumps);
	free(out);
	free(err);
}

/*
 * A vhost device with a tap and a VM name is known by them, not by its
 * path, so its series stay the same when the VM restarts; device_info
 * still maps its path to them. Two devices the names cannot tell apart
 * keep their paths.
 */
TEST_F(metrics, metrics_vhost_named)
{
	struct proc_tree t;
	struct vs_nl_dev *d;
	const char *text;

	ASSERT_EQ(0, proc_tree_new(&t));
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/fdinfo/20", "pos:\t0\niff:\tvnet3\n"));
	ASSERT_EQ(0, PROC_ARGV(&t, "1234/cmdline",
			       "qemu-system-x86_64\0-name\0guest=web01,debug-threads=on"));
	vs_names_set_proc_root(t.root);
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	fill_vhost(d);
	d->vhost.backend_fd = 20;
	vs_dev_vhost_set(d, VIRTIO_STATUS_A_VHOST_BACKEND_FD);
	ASSERT_NE(NULL, fake_add_queue(self->f, VHOST_PATH, VIRTIO_STATUS_KIND_VHOST, 1, 1,
				       256, 9, 4, 61000000000ULL));
	text = rescrape(self);
	ASSERT_NE(NULL, text);
#define WEB01	"vm=\"web01\",tap=\"vnet3\""
	EXPECT_LINE(text,
		    "virtio_status_device_info{path=\"/proc/1234/fd/17\",kind=\"vhost\",name=\"vhost-net\",busid=\"\",device_id=\"1\",driver=\"vhost_net\",transport=\"vhost\",tap=\"vnet3\",vm=\"web01\"} 1");
	EXPECT_LINE(text, "virtio_status_vhost_started{" WEB01 "} 1");
	EXPECT_LINE(text, "virtio_status_queue_in_flight{" WEB01 ",queue=\"1\"} 5");
	EXPECT_LINE(text, "virtio_status_queue_stalled_seconds{" WEB01 ",queue=\"1\"} 61.000000");
#undef WEB01
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_started{path="));

	/* a second device with the same names: both go back to their paths */
	d = vs_dev_list_add(&self->f->list);
	ASSERT_NE(NULL, d);
	*d = self->f->list.devs[self->f->list.n - 2];
	snprintf(d->header.path, sizeof(d->header.path), "/proc/1234/fd/18");
	text = rescrape(self);
	ASSERT_NE(NULL, text);
	EXPECT_LINE(text, "virtio_status_vhost_started{path=\"" VHOST_PATH "\"} 1");
	EXPECT_LINE(text, "virtio_status_vhost_started{path=\"/proc/1234/fd/18\"} 1");
	EXPECT_EQ(0, count_lines(text, "virtio_status_vhost_started{vm="))
		TH_LOG("%s", text);
	vs_names_set_proc_root(NO_PROC);
	proc_tree_free(&t);
}
