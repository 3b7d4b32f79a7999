// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit test helper: every entry of features-table.h next to
 * what one set of uapi headers says about its symbol, for the test to
 * compare.
 *
 * Built twice, each time on its own against one header set (see the
 * Makefile): VS_UAPI_SET names the struct vs_uapi_set it defines, and
 * VS_UAPI_SET_DIR the directory the headers came from. The preprocessor
 * does the work: a symbol the headers #define is stringized to its value
 * ("40"), one they lack stays its own name. Without VS_UAPI_SET_DIR (no
 * directory was given) the set is empty and says so.
 */
#include "features.h"
#include "uapi-check.h"

#ifndef VS_UAPI_SET
#error "VS_UAPI_SET must name the set this file defines"
#endif

#ifdef VS_UAPI_SET_DIR

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
/* headers newer than some of the sets */
#if __has_include("linux/virtio_can.h")
#include <linux/virtio_can.h>
#endif
#if __has_include("linux/virtio_rtc.h")
#include <linux/virtio_rtc.h>
#endif

#define VS_STR_(x)	#x
#define VS_STR(x)	VS_STR_(x)

/*
 * Enum constants cannot be tested with #ifdef: they are listed here, and
 * taken only from a header set as new as they are (one that has
 * VIRTIO_F_ADMIN_VQ). The test fails for an E entry missing here.
 */
#ifdef VIRTIO_F_ADMIN_VQ
#define VS_HAS_ENUMS	true
static const struct vs_uapi_enum vs_enums[] = {
	{ "VIRTIO_SND_F_CTLS", VIRTIO_SND_F_CTLS },
};
#else
#define VS_HAS_ENUMS	false
static const struct vs_uapi_enum vs_enums[] = {
	{ "VIRTIO_SND_F_CTLS", -1 },
};
#endif

#define VS_FEAT(table, bit, sym, src, desc) \
	{ table, bit, #sym, (#src)[0], VS_STR(sym), desc },
static const struct vs_uapi_entry vs_entries[] = {
#include "features-table.h"
};

const struct vs_uapi_set VS_UAPI_SET = {
	.dir = VS_UAPI_SET_DIR,
	.entries = vs_entries,
	.n_entries = ARRAY_SIZE(vs_entries),
	.enums = vs_enums,
	.n_enums = ARRAY_SIZE(vs_enums),
	.has_enums = VS_HAS_ENUMS,
};

#else

const struct vs_uapi_set VS_UAPI_SET = {
	.dir = NULL,
};

#endif
