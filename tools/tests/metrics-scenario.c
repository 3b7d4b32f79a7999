// SPDX-License-Identifier: GPL-2.0
/*
 * metrics-scenario: the exposition of `virtio-status metrics` for a made-up
 * machine, from the unit tests' fake backend, without a kernel module. For
 * checks that want real output (promtool check metrics, the dashboard's
 * metric names, tools/monitoring/check.sh) and for counting series
 * (selftests/bench/series.py).
 *
 *   metrics-scenario [--collect.features] SCENARIO
 *
 * SCENARIO:
 *   guest          a guest: virtio-net (2 queue pairs and a control
 *                  queue), virtio-blk, a packed-ring virtio-blk,
 *                  virtio-scsi, vsock, balloon, one device busy, and a
 *                  stalled transmit queue
 *   host:VMS:PAIRS a host running VMS VMs, each with PAIRS vhost-net
 *                  devices (QEMU opens one /dev/vhost-net per queue
 *                  pair: 2 virtqueues each), the module's info complete
 *   no-module      the module is not loaded
 *   list-only      the module runs in list-only mode
 *   health-failed  the health dump fails (a module without health-get)
 *
 * Exit status 0, or 1 on a usage error or when the text cannot be written.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fake.h"
#include "metrics.h"

#define SCN_PATH_MAX	128

/* What a virtio-net driver of Linux accepts from QEMU 7.2, and more offered */
#define NET_ACCEPTED	(BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(2) | BIT_ULL(5) | \
			 BIT_ULL(7) | BIT_ULL(8) | BIT_ULL(9) | BIT_ULL(10) | \
			 BIT_ULL(11) | BIT_ULL(12) | BIT_ULL(13) | BIT_ULL(14) | \
			 BIT_ULL(15) | BIT_ULL(16) | BIT_ULL(17) | BIT_ULL(18) | \
			 BIT_ULL(19) | BIT_ULL(21) | BIT_ULL(22) | BIT_ULL(23) | \
			 BIT_ULL(28) | BIT_ULL(29) | BIT_ULL(32))
#define NET_OFFERED	(NET_ACCEPTED | BIT_ULL(6) | BIT_ULL(24) | BIT_ULL(27) | \
			 BIT_ULL(33) | BIT_ULL(34))
/* What QEMU acks on a vhost-net device: MRG_RXBUF, INDIRECT_DESC, EVENT_IDX, VERSION_1 */
#define VHOST_NET_ACKED	(BIT_ULL(15) | BIT_ULL(28) | BIT_ULL(29) | BIT_ULL(32))
/* VHOST_BACKEND_F_IOTLB_MSG_V2 */
#define VHOST_BACKEND	BIT_ULL(1)

static void usage(FILE *f)
{
	fputs("Usage: metrics-scenario [--collect.features] SCENARIO\n"
	      "SCENARIO: guest, host:VMS:PAIRS, no-module, list-only, health-failed\n",
	      f);
}

/* The info of a module in full mode with vhost on. */
static void full_info(struct fake *f)
{
	memset(&f->info, 0, sizeof(f->info));
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_STATE);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_GENERATION);
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_MODE);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_ON;
	f->info.mode = VIRTIO_STATUS_MODE_FULL;
	f->info.generation = 37;
	snprintf(f->info.vhost_layout, sizeof(f->info.vhost_layout), "%s",
		 "6.12.57+deb12-amd64 (btf)");
	f->privileged = true;
}

/* A guest device of virtio id @id at PCI slot @slot, bus id virtio@n. */
static struct vs_nl_dev *guest_dev(struct fake *f, unsigned int slot,
				   unsigned int n, u32 id, const char *name,
				   const char *driver, u32 nvqs)
{
	char path[SCN_PATH_MAX];
	struct vs_nl_dev *d;

	snprintf(path, sizeof(path), "/sys/devices/pci0000:00/0000:00:%02x.0/virtio%u",
		 0x10 + slot, n);
	fake_add(f, path, name);
	d = &f->list.devs[f->list.n - 1];
	snprintf(d->header.busid, sizeof(d->header.busid), "virtio%u", n);
	snprintf(d->driver, sizeof(d->driver), "%s", driver);
	snprintf(d->transport, sizeof(d->transport), "%s", "pci");
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DRIVER);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_TRANSPORT);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_FAILED);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_KIND);
	d->kind = VIRTIO_STATUS_KIND_VIRTIO;
	d->id = id;
	d->num_vqs = nvqs;
	d->device_num_vqs = nvqs;
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS);
	d->driver_features = BIT_ULL(28) | BIT_ULL(29) | BIT_ULL(32);
	d->device_features = d->driver_features | BIT_ULL(24) | BIT_ULL(27);
	return d;
}

/* Its @nvqs queues, each 256 entries; a request queue stalled @stalled. */
static int guest_queues(struct fake *f, const struct vs_nl_dev *d, u32 nvqs,
			u32 stalled, u64 ns)
{
	u32 i;

	for (i = 0; i < nvqs; i++)
		if (!fake_add_queue(f, d->header.path, VIRTIO_STATUS_KIND_VIRTIO, d->id,
				    i, 256, 1000 + 3 * i, 1000 + 3 * i - (i == stalled ? 6 : 0),
				    i == stalled ? ns : 0))
			return -1;
	return 0;
}

static int scenario_guest(struct fake *f)
{
	struct vs_nl_dev *d;
	unsigned int n = 0;

	full_info(f);
	f->info.vhost_state = VIRTIO_STATUS_VHOST_STATE_OFF;
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_REASON);
	snprintf(f->info.vhost_reason, sizeof(f->info.vhost_reason), "%s",
		 "no vhost module is loaded");
	vs_info_set(&f->info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT);
	f->info.vhost_layout[0] = '\0';

	/* virtio-net: rx0, tx0 (stalled 95 s), rx1, tx1, ctrl */
	d = guest_dev(f, 3, n++, 1, "virtio-net", "virtio_net", 5);
	d->driver_features = NET_ACCEPTED;
	d->device_features = NET_OFFERED;
	if (guest_queues(f, d, 5, 1, 95000000000ULL) < 0)
		return -1;
	d = guest_dev(f, 4, n++, 2, "virtio-blk", "virtio_blk", 2);
	if (guest_queues(f, d, 2, ~0U, 0) < 0)
		return -1;
	/* a packed ring: no indexes, no stall figure */
	d = guest_dev(f, 5, n++, 2, "virtio-blk", "virtio_blk", 1);
	d->driver_features |= BIT_ULL(34);
	if (guest_queues(f, d, 1, ~0U, 0) < 0)
		return -1;
	f->health.q[f->health.n - 1].packed = 1;
	vs_nl_clear(f->health.q[f->health.n - 1].have, VIRTIO_STATUS_A_HEALTH_AVAIL_IDX);
	vs_nl_clear(f->health.q[f->health.n - 1].have, VIRTIO_STATUS_A_HEALTH_USED_IDX);
	vs_nl_clear(f->health.q[f->health.n - 1].have, VIRTIO_STATUS_A_HEALTH_STALLED_NS);
	/* virtio-scsi: control, event, 2 request queues */
	d = guest_dev(f, 6, n++, 8, "virtio-scsi", "virtio_scsi", 4);
	if (guest_queues(f, d, 4, ~0U, 0) < 0)
		return -1;
	d = guest_dev(f, 7, n++, 19, "vhost-vsock", "vmw_vsock_virtio_transport", 3);
	if (guest_queues(f, d, 3, ~0U, 0) < 0)
		return -1;
	d = guest_dev(f, 8, n++, 5, "virtio-balloon", "virtio_balloon", 3);
	if (guest_queues(f, d, 3, ~0U, 0) < 0)
		return -1;
	/* a device whose lock stayed held: its identity only */
	d = vs_dev_list_add(&f->list);
	if (!d)
		return -1;
	fill_busy(d);
	snprintf(d->header.path, sizeof(d->header.path), "%s",
		 "/sys/devices/pci0000:00/0000:00:19.0/virtio6");
	snprintf(d->header.busid, sizeof(d->header.busid), "%s", "virtio6");
	return 0;
}

/* @vms VMs of @pairs vhost-net devices each, pids 10000 up, fds 30 up. */
static int scenario_host(struct fake *f, unsigned int vms, unsigned int pairs)
{
	struct vs_nl_dev *d;
	unsigned int vm, p;

	full_info(f);
	for (vm = 0; vm < vms; vm++) {
		for (p = 0; p < pairs; p++) {
			d = vs_dev_list_add(&f->list);
			if (!d)
				return -1;
			fill_vhost(d);
			snprintf(d->header.path, sizeof(d->header.path),
				 "/proc/%u/fd/%u", 10000 + vm, 30 + 2 * p);
			d->vhost.acked_features = VHOST_NET_ACKED;
			d->driver_features = VHOST_NET_ACKED;
			d->vhost.backend_features = VHOST_BACKEND;
			d->vhost.owner_pid = 10000 + vm;
			d->vhost.holder_pid[0] = 10000 + vm;
			d->vhost.n_holder_pid = 1;
			if (!fake_add_queue(f, d->header.path, VIRTIO_STATUS_KIND_VHOST, 1, 0,
					    256, 40, 65376, 0) ||
			    !fake_add_queue(f, d->header.path, VIRTIO_STATUS_KIND_VHOST, 1, 1,
					    256, 500, 498, 0))
				return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vs_metrics_opts mo = { 0 };
	unsigned int vms, pairs;
	char why[2 * VS_MSG_MAX];
	struct vs_backend be;
	const char *scn;
	struct fake *f;
	int i = 1, ret;
	char end;

	if (argc > i && !strcmp(argv[i], "--collect.features")) {
		mo.features = true;
		i++;
	}
	if (argc != i + 1) {
		usage(stderr);
		return 1;
	}
	scn = argv[i];
	f = fake_new(&be);
	if (!f)
		return 1;
	if (!strcmp(scn, "guest")) {
		ret = scenario_guest(f);
	} else if (sscanf(scn, "host:%u:%u%c", &vms, &pairs, &end) == 2) {
		ret = scenario_host(f, vms, pairs);
	} else if (!strcmp(scn, "no-module")) {
		ret = 0;
	} else if (!strcmp(scn, "list-only")) {
		ret = scenario_guest(f);
		fake_list_only(f, "fingerprint 1234abcd is unknown");
	} else if (!strcmp(scn, "health-failed")) {
		ret = scenario_guest(f);
		vs_err_sys(&f->health_err, EOPNOTSUPP, NULL);
	} else {
		usage(stderr);
		fake_free(f);
		return 1;
	}
	if (ret < 0) {
		fprintf(stderr, "metrics-scenario: out of memory\n");
		fake_free(f);
		return 1;
	}
	if (!strcmp(scn, "no-module")) {
		/* the fake's dump does not fail: a backend whose dump does */
		struct flaky k = { .f = f };
		struct vs_backend fb = { .ops = &flaky_ops, .ctx = &k };

		vs_err_set(&k.dump_err, VS_ERR_NOFAMILY, ENOENT, NULL);
		ret = vs_metrics_write(&fb, &mo, stdout, why, sizeof(why));
	} else {
		ret = vs_metrics_write(&be, &mo, stdout, why, sizeof(why));
	}
	if (why[0])
		fprintf(stderr, "metrics-scenario: %s\n", why);
	fake_free(f);
	return ret < 0;
}
