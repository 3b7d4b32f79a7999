// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The command line end to end on the fake: the
 * list, errors on stderr, info, and the warning when vhost devices are not
 * listed.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

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
	EXPECT_EQ(VS_EXIT_NO_MODULE,
		  run_cli(&be, "", &out, &err,
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
