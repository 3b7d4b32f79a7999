// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit test helper: every entry of features-table.h next to
 * what the uapi headers say about its symbol, for the test to compare.
 *
 * Built on its own, against the newest uapi headers the Makefile finds
 * (VS_UAPI_DIR), so that bits newer than the installed libc headers are
 * checked too. The preprocessor does the work: a symbol the headers
 * #define is stringized to its value ("40"), one they lack stays its own
 * name.
 */
#include <linux/vhost_types.h>
#include <linux/virtio_9p.h>
#include <linux/virtio_balloon.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_bt.h>
#include <linux/virtio_config.h>
#include <linux/virtio_console.h>
#include <linux/virtio_crypto.h>
#include <linux/virtio_fs.h>
#include <linux/virtio_gpio.h>
#include <linux/virtio_gpu.h>
#include <linux/virtio_i2c.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_iommu.h>
#include <linux/virtio_mem.h>
#include <linux/virtio_net.h>
#include <linux/virtio_pmem.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_scmi.h>
#include <linux/virtio_scsi.h>
#include <linux/virtio_snd.h>
#include <linux/virtio_vsock.h>

#include "features.h"
#include "uapi-check.h"

#define VS_STR_(x)	#x
#define VS_STR(x)	VS_STR_(x)

/*
 * Enum constants cannot be tested with #ifdef: they are listed here, and
 * taken only from a header set as new as the table (one that has
 * VIRTIO_F_ADMIN_VQ). The test fails for an E entry missing here.
 */
#ifdef VIRTIO_F_ADMIN_VQ
const bool vs_uapi_complete = true;
const struct vs_uapi_enum vs_uapi_enums[] = {
	{ "VIRTIO_SND_F_CTLS", VIRTIO_SND_F_CTLS },
};
#else
const bool vs_uapi_complete;
const struct vs_uapi_enum vs_uapi_enums[] = {
	{ "VIRTIO_SND_F_CTLS", -1 },
};
#endif

const size_t vs_uapi_n_enums = ARRAY_SIZE(vs_uapi_enums);

#define VS_FEAT(table, bit, sym, src, desc) \
	{ table, bit, #sym, (#src)[0], VS_STR(sym), desc },
const struct vs_uapi_entry vs_uapi_entries[] = {
#include "features-table.h"
};

const size_t vs_uapi_n_entries = ARRAY_SIZE(vs_uapi_entries);
