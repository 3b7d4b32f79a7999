// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. show, for a person: the table of devices, and
 * one device.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

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
	snprintf(f->dev.transport_dev, sizeof(f->dev.transport_dev), "0000:00:03.0");
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_DRIVER);
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_TRANSPORT);
	vs_dev_set(&f->dev, VIRTIO_STATUS_A_DEV_TRANSPORT_DEV);
	f->dev.driver_features |= BIT_ULL(40) | BIT_ULL(4);
	f->dev.device_features |= BIT_ULL(40) | BIT_ULL(4) | BIT_ULL(51);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_TEXT(out,
		    "virtio-net virtio0\n"
		    "  path:             /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "  device id:        1 (net)\n"
		    "  driver:           virtio_net\n"
		    "  transport:        pci\n"
		    "  transport device: 0000:00:03.0\n"
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
