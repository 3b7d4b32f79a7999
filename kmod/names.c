// SPDX-License-Identifier: GPL-2.0
/*
 * QEMU's names for virtio device ids, so that a guest answers with the same
 * "name" QEMU's x-query-virtio gives for the device on the host.
 */
#include <linux/kernel.h>

#include "vs.h"

static const char * const vs_names[] = {
	[1] = "virtio-net",
	[2] = "virtio-blk",
	[3] = "virtio-serial",
	[4] = "virtio-rng",
	[5] = "virtio-balloon",
	[6] = "virtio-iomem",
	[7] = "virtio-rpmsg",
	[8] = "virtio-scsi",
	[9] = "virtio-9p",
	[10] = "virtio-mac-wlan",
	[11] = "virtio-rproc-serial",
	[12] = "virtio-caif",
	[13] = "virtio-mem-balloon",
	[16] = "virtio-gpu",
	[17] = "virtio-clk",
	[18] = "virtio-input",
	[19] = "vhost-vsock",
	[20] = "virtio-crypto",
	[21] = "virtio-signal",
	[22] = "virtio-pstore",
	[23] = "virtio-iommu",
	[24] = "virtio-mem",
	[25] = "virtio-sound",
	[26] = "virtio-user-fs",
	[27] = "virtio-pmem",
	[28] = "virtio-rpmb",
	[29] = "virtio-mac-hwsim",
	[30] = "virtio-vid-encoder",
	[31] = "virtio-vid-decoder",
	[32] = "virtio-scmi",
	[33] = "virtio-nitro-sec-mod",
	[34] = "vhost-user-i2c",
	[35] = "virtio-watchdog",
	[36] = "virtio-can",
	[37] = "virtio-dmabuf",
	[38] = "virtio-param-serv",
	[39] = "virtio-audio-pol",
	[40] = "virtio-bluetooth",
	[41] = "virtio-gpio",
};

/**
 * vs_virtio_name() - QEMU's name for a virtio device id
 * @device_id: the virtio device id
 * @buf: where to write the name
 * @len: size of @buf
 *
 * Ids QEMU has no name for (holes in its table, ids newer than it) are
 * named "virtio-device-<id>", so every device has a stable, non-empty name.
 */
void vs_virtio_name(u32 device_id, char *buf, size_t len)
{
	if (device_id < ARRAY_SIZE(vs_names) && vs_names[device_id])
		strscpy(buf, vs_names[device_id], len);
	else
		snprintf(buf, len, "virtio-device-%u", device_id);
}
