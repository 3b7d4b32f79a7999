/* SPDX-License-Identifier: GPL-2.0 */
/* Generated from uapi/virtio_status.yaml by tools/ynl/gen_libnl.py: make regen */

#ifndef VS_NL_GEN_H
#define VS_NL_GEN_H

#include <stddef.h>
#include <linux/virtio_status.h>
#include <netlink/attr.h>

#include "nl_decode.h"

/* attribute set "header" (VIRTIO_STATUS_A_HEADER_*) */
struct vs_nl_header {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_HEADER_MAX)];
	char path[(VIRTIO_STATUS_PATH_LEN_MAX + 1)];
	char busid[(VIRTIO_STATUS_BUSID_LEN_MAX + 1)];
};

/* attribute set "vhost" (VIRTIO_STATUS_A_VHOST_*) */
struct vs_nl_vhost {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_VHOST_MAX)];
	u64 acked_features;
	u64 acked_features_hi;
	u64 backend_features;
	u32 mem_regions;
	u8 log_enabled;
	u8 started;
	u32 owner_pid;
	u32 holder_pid[VIRTIO_STATUS_HOLDERS_SENT];
	u32 n_holder_pid;	/* how many were sent */
	u32 holders;
	char error[VS_NL_STR_MAX];
	u32 guest_cid;
	u32 backend_fd;
};

/* attribute set "child" (VIRTIO_STATUS_A_CHILD_*) */
struct vs_nl_child {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_CHILD_MAX)];
	char class[64];
	char name[64];
};

/* attribute set "dev" (VIRTIO_STATUS_A_DEV_*) */
struct vs_nl_dev {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_DEV_MAX)];
	struct vs_nl_header header;
	u32 kind;
	char name[VS_NL_STR_MAX];
	u32 index;
	u32 id;
	u32 vendor;
	char transport[VS_NL_STR_MAX];
	char driver[VS_NL_STR_MAX];
	u32 status;
	u64 driver_features;
	u64 driver_features_hi;
	u64 device_features;
	u64 device_features_hi;
	u32 device_features_err;
	u32 num_vqs;
	u32 device_num_vqs;
	u8 broken;
	u8 failed;
	u32 endian;
	u32 generation;
	u8 list_only;
	char busy[VS_NL_STR_MAX];
	struct vs_nl_vhost vhost;
	char transport_dev[VS_NL_STR_MAX];
	struct vs_nl_child child[VIRTIO_STATUS_CHILD_MAX];
	u32 n_child;	/* how many were sent */
};

/* attribute set "queue" (VIRTIO_STATUS_A_QUEUE_*) */
struct vs_nl_queue {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_QUEUE_MAX)];
	struct vs_nl_header header;
	u32 index;
	char name[VS_NL_STR_MAX];
	u32 num;
	u32 num_free;
	u64 desc;
	u64 avail;
	u64 used;
	u8 packed;
	u32 avail_idx;
	u32 used_idx;
	u32 avail_flags;
	u32 used_flags;
	u8 broken;
	u32 last_avail_idx;
	u8 kick;
	u8 call;
	u32 kick_fd;
	u32 call_fd;
	u64 desc_gpa;
	u64 avail_gpa;
	u64 used_gpa;
	char addr_hidden[VS_NL_STR_MAX];
	u8 addr_iova;
};

/* attribute set "health" (VIRTIO_STATUS_A_HEALTH_*) */
struct vs_nl_health {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_HEALTH_MAX)];
	struct vs_nl_header header;
	u32 kind;
	u32 id;
	u32 index;
	u32 num;
	u32 num_free;
	u8 packed;
	u32 avail_idx;
	u32 used_idx;
	u32 last_avail_idx;
	u32 in_flight;
	u64 stalled_ns;
	char busy[VS_NL_STR_MAX];
};

/* attribute set "desc" (VIRTIO_STATUS_A_DESC_*) */
struct vs_nl_desc {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_DESC_MAX)];
	u64 addr;
	u32 len;
	u32 flags;
};

/* attribute set "element" (VIRTIO_STATUS_A_ELEMENT_*) */
struct vs_nl_element {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_ELEMENT_MAX)];
	struct vs_nl_header header;
	u32 queue_index;
	u32 index;
	u32 head;
	u32 avail_idx;
	u32 avail_flags;
	u32 used_idx;
	u32 used_flags;
	char addr_hidden[VS_NL_STR_MAX];
	struct vs_nl_desc desc[VIRTIO_STATUS_DESCS_MAX];
	u32 n_desc;	/* how many were sent */
};

/* attribute set "info" (VIRTIO_STATUS_A_INFO_*) */
struct vs_nl_info {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_INFO_MAX)];
	u32 vhost_state;
	char vhost_reason[VS_NL_STR_MAX];
	char vhost_layout[VS_NL_STR_MAX];
	u32 generation;
	u32 mode;
	char mode_reason[VS_NL_STR_MAX];
	char fingerprint[VS_NL_STR_MAX];
	u32 feature_bits;
};

/* attribute set "event" (VIRTIO_STATUS_A_EVENT_*) */
struct vs_nl_event {
	u64 have[VS_NL_PRESENT_WORDS(VIRTIO_STATUS_A_EVENT_MAX)];
	u64 seq;
	u64 time;
	struct vs_nl_dev dev;
};

extern const struct nla_policy vs_nl_header_policy[VIRTIO_STATUS_A_HEADER_MAX + 1];
extern const struct vs_nl_set vs_nl_header_set;
extern const struct nla_policy vs_nl_dev_policy[VIRTIO_STATUS_A_DEV_MAX + 1];
extern const struct vs_nl_set vs_nl_dev_set;
extern const struct nla_policy vs_nl_vhost_policy[VIRTIO_STATUS_A_VHOST_MAX + 1];
extern const struct vs_nl_set vs_nl_vhost_set;
extern const struct nla_policy vs_nl_queue_policy[VIRTIO_STATUS_A_QUEUE_MAX + 1];
extern const struct vs_nl_set vs_nl_queue_set;
extern const struct nla_policy vs_nl_child_policy[VIRTIO_STATUS_A_CHILD_MAX + 1];
extern const struct vs_nl_set vs_nl_child_set;
extern const struct nla_policy vs_nl_health_policy[VIRTIO_STATUS_A_HEALTH_MAX + 1];
extern const struct vs_nl_set vs_nl_health_set;
extern const struct nla_policy vs_nl_element_policy[VIRTIO_STATUS_A_ELEMENT_MAX + 1];
extern const struct vs_nl_set vs_nl_element_set;
extern const struct nla_policy vs_nl_desc_policy[VIRTIO_STATUS_A_DESC_MAX + 1];
extern const struct vs_nl_set vs_nl_desc_set;
extern const struct nla_policy vs_nl_info_policy[VIRTIO_STATUS_A_INFO_MAX + 1];
extern const struct vs_nl_set vs_nl_info_set;
extern const struct nla_policy vs_nl_event_policy[VIRTIO_STATUS_A_EVENT_MAX + 1];
extern const struct vs_nl_set vs_nl_event_set;

#endif /* VS_NL_GEN_H */
