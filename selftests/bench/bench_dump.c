// SPDX-License-Identifier: GPL-2.0
/*
 * bench_dump: how long a full dump of the virtio_status family takes,
 * next to reading the facts sysfs also has for the same devices.
 *
 *   bench_dump [ITERATIONS]
 *
 * Per iteration, "dump" is one VIRTIO_STATUS_CMD_DEV_GET dump, every reply
 * decoded; "sysfs" is, for every device in /sys/bus/virtio/devices, the
 * reads of device, vendor, status and features, the driver link and the
 * canonical path: the subset of the dump that sysfs can give at all (it has
 * no device-offered features and no virtqueue count). Both run in the same
 * process, interleaved in rounds, so machine noise hits them alike; the
 * ratio is what to compare, not the absolute times.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "vs_netlink.h"

#define SYSFS_DEVS	"/sys/bus/virtio/devices"
#define ROUNDS		10

static int read_small(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[256];
	int fd, n;

	snprintf(path, sizeof(path), "%s/%s/%s", SYSFS_DEVS, dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return n;
}

/* One pass over sysfs; returns the number of devices read. */
static int sysfs_pass(void)
{
	static const char * const files[] = { "device", "vendor", "status",
					      "features" };
	char path[PATH_MAX], link[PATH_MAX], real[PATH_MAX];
	struct dirent *de;
	unsigned int i;
	int n = 0;
	DIR *d;

	d = opendir(SYSFS_DEVS);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		for (i = 0; i < ARRAY_SIZE(files); i++)
			if (read_small(de->d_name, files[i]) < 0)
				n = -1000000;
		snprintf(path, sizeof(path), "%s/%s/driver", SYSFS_DEVS, de->d_name);
		readlink(path, link, sizeof(link));
		snprintf(path, sizeof(path), "%s/%s", SYSFS_DEVS, de->d_name);
		if (!realpath(path, real))
			n = -1000000;
		n++;
	}
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 2000;
	double t_dump = 0, t_sysfs = 0, t;
	struct vs_devlist l;
	struct vs_nl nl;
	long i, per;
	int r, ndev = 0;

	if (iters < ROUNDS) {
		fprintf(stderr, "usage: bench_dump [ITERATIONS >= %d]\n", ROUNDS);
		return 2;
	}
	if (vs_nl_open(&nl, VS_BUF_DEFAULT) || vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "bench_dump: the virtio_status family is not there\n");
		return 1;
	}

	per = iters / ROUNDS;
	for (r = 0; r < ROUNDS; r++) {
		t = vs_now();
		for (i = 0; i < per; i++) {
			memset(&l, 0, sizeof(l));
			if (vs_dump(&nl, &l) || l.bad) {
				fprintf(stderr, "bench_dump: dump failed\n");
				return 1;
			}
			/* sysfs has the virtio-bus devices only */
			ndev = vs_devlist_count(&l, VIRTIO_STATUS_KIND_VIRTIO);
			vs_devlist_free(&l);
		}
		t_dump += vs_now() - t;

		t = vs_now();
		for (i = 0; i < per; i++) {
			if (sysfs_pass() != ndev) {
				fprintf(stderr, "bench_dump: sysfs read failed or differs\n");
				return 1;
			}
		}
		t_sysfs += vs_now() - t;
	}

	printf("{\"devices\": %d, \"iterations\": %ld, \"dump_us\": %.1f, ",
	       ndev, per * ROUNDS, t_dump * 1e6 / (per * ROUNDS));
	printf("\"sysfs_us\": %.1f, \"sysfs_over_dump\": %.2f}\n",
	       t_sysfs * 1e6 / (per * ROUNDS), t_sysfs / t_dump);
	vs_nl_close(&nl);
	return 0;
}
