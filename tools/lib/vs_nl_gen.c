// SPDX-License-Identifier: GPL-2.0
/* Generated from uapi/virtio_status.yaml by tools/ynl/gen_libnl.py: make regen */

#include <stddef.h>

#include "vs_nl_gen.h"

const struct nla_policy vs_nl_header_policy[VIRTIO_STATUS_A_HEADER_MAX + 1] = {
	[VIRTIO_STATUS_A_HEADER_PATH] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_HEADER_BUSID] = { .type = NLA_STRING },
};

const struct nla_policy vs_nl_dev_policy[VIRTIO_STATUS_A_DEV_MAX + 1] = {
	[VIRTIO_STATUS_A_DEV_HEADER] = { .type = NLA_NESTED },
	[VIRTIO_STATUS_A_DEV_KIND] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_NAME] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_DEV_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_ID] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_VENDOR] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_TRANSPORT] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_DEV_DRIVER] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_DEV_STATUS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_BROKEN] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_DEV_FAILED] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_DEV_ENDIAN] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_GENERATION] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_DEV_BUSY] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_DEV_VHOST] = { .type = NLA_NESTED },
	[VIRTIO_STATUS_A_DEV_TRANSPORT_DEV] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_DEV_CHILD] = { .type = NLA_NESTED },
};

const struct nla_policy vs_nl_vhost_policy[VIRTIO_STATUS_A_VHOST_MAX + 1] = {
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_VHOST_MEM_REGIONS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_VHOST_LOG_ENABLED] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_VHOST_STARTED] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_VHOST_OWNER_PID] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_VHOST_HOLDER_PID] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_VHOST_HOLDERS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_VHOST_ERROR] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_VHOST_GUEST_CID] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_VHOST_BACKEND_FD] = { .type = NLA_U32 },
};

const struct nla_policy vs_nl_queue_policy[VIRTIO_STATUS_A_QUEUE_MAX + 1] = {
	[VIRTIO_STATUS_A_QUEUE_HEADER] = { .type = NLA_NESTED },
	[VIRTIO_STATUS_A_QUEUE_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_NAME] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_QUEUE_NUM] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_DESC] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_USED] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_PACKED] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_KICK] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_QUEUE_CALL] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = { .type = NLA_U8 },
};

const struct nla_policy vs_nl_child_policy[VIRTIO_STATUS_A_CHILD_MAX + 1] = {
	[VIRTIO_STATUS_A_CHILD_CLASS] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_CHILD_NAME] = { .type = NLA_STRING },
};

const struct nla_policy vs_nl_health_policy[VIRTIO_STATUS_A_HEALTH_MAX + 1] = {
	[VIRTIO_STATUS_A_HEALTH_HEADER] = { .type = NLA_NESTED },
	[VIRTIO_STATUS_A_HEALTH_KIND] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_ID] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_NUM] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_NUM_FREE] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_PACKED] = { .type = NLA_U8 },
	[VIRTIO_STATUS_A_HEALTH_AVAIL_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_USED_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_IN_FLIGHT] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_HEALTH_STALLED_NS] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_HEALTH_BUSY] = { .type = NLA_STRING },
};

const struct nla_policy vs_nl_element_policy[VIRTIO_STATUS_A_ELEMENT_MAX + 1] = {
	[VIRTIO_STATUS_A_ELEMENT_HEADER] = { .type = NLA_NESTED },
	[VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_INDEX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_HEAD] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_USED_IDX] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_USED_FLAGS] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_ELEMENT_DESC] = { .type = NLA_NESTED },
};

const struct nla_policy vs_nl_desc_policy[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_DESC_LEN] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_DESC_FLAGS] = { .type = NLA_U32 },
};

const struct nla_policy vs_nl_info_policy[VIRTIO_STATUS_A_INFO_MAX + 1] = {
	[VIRTIO_STATUS_A_INFO_VHOST_STATE] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_INFO_VHOST_REASON] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_INFO_VHOST_LAYOUT] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_INFO_GENERATION] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_INFO_MODE] = { .type = NLA_U32 },
	[VIRTIO_STATUS_A_INFO_MODE_REASON] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_INFO_FINGERPRINT] = { .type = NLA_STRING },
	[VIRTIO_STATUS_A_INFO_FEATURE_BITS] = { .type = NLA_U32 },
};

const struct nla_policy vs_nl_event_policy[VIRTIO_STATUS_A_EVENT_MAX + 1] = {
	[VIRTIO_STATUS_A_EVENT_SEQ] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_EVENT_TIME] = { .type = NLA_U64 },
	[VIRTIO_STATUS_A_EVENT_DEV] = { .type = NLA_NESTED },
};

static const struct vs_nl_attr vs_nl_header_attrs[VIRTIO_STATUS_A_HEADER_MAX + 1] = {
	[VIRTIO_STATUS_A_HEADER_PATH] = {
		.name = "PATH",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_header, path),
		.size = sizeof(((struct vs_nl_header *)0)->path),
	},
	[VIRTIO_STATUS_A_HEADER_BUSID] = {
		.name = "BUSID",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_header, busid),
		.size = sizeof(((struct vs_nl_header *)0)->busid),
	},
};

const struct vs_nl_set vs_nl_header_set = {
	.name = "header",
	.prefix = "A_HEADER_",
	.max = VIRTIO_STATUS_A_HEADER_MAX,
	.attrs = vs_nl_header_attrs,
	.policy = vs_nl_header_policy,
	.have_offset = offsetof(struct vs_nl_header, have),
	.size = sizeof(struct vs_nl_header),
};

static const struct vs_nl_attr vs_nl_dev_attrs[VIRTIO_STATUS_A_DEV_MAX + 1] = {
	[VIRTIO_STATUS_A_DEV_HEADER] = {
		.name = "HEADER",
		.type = VS_NL_NEST,
		.nested = &vs_nl_header_set,
		.offset = offsetof(struct vs_nl_dev, header),
		.size = sizeof(((struct vs_nl_dev *)0)->header),
	},
	[VIRTIO_STATUS_A_DEV_KIND] = {
		.name = "KIND",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, kind),
		.size = sizeof(((struct vs_nl_dev *)0)->kind),
	},
	[VIRTIO_STATUS_A_DEV_NAME] = {
		.name = "NAME",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_dev, name),
		.size = sizeof(((struct vs_nl_dev *)0)->name),
	},
	[VIRTIO_STATUS_A_DEV_INDEX] = {
		.name = "INDEX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, index),
		.size = sizeof(((struct vs_nl_dev *)0)->index),
	},
	[VIRTIO_STATUS_A_DEV_ID] = {
		.name = "ID",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, id),
		.size = sizeof(((struct vs_nl_dev *)0)->id),
	},
	[VIRTIO_STATUS_A_DEV_VENDOR] = {
		.name = "VENDOR",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, vendor),
		.size = sizeof(((struct vs_nl_dev *)0)->vendor),
	},
	[VIRTIO_STATUS_A_DEV_TRANSPORT] = {
		.name = "TRANSPORT",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_dev, transport),
		.size = sizeof(((struct vs_nl_dev *)0)->transport),
	},
	[VIRTIO_STATUS_A_DEV_DRIVER] = {
		.name = "DRIVER",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_dev, driver),
		.size = sizeof(((struct vs_nl_dev *)0)->driver),
	},
	[VIRTIO_STATUS_A_DEV_STATUS] = {
		.name = "STATUS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, status),
		.size = sizeof(((struct vs_nl_dev *)0)->status),
	},
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES] = {
		.name = "DRIVER_FEATURES",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_dev, driver_features),
		.size = sizeof(((struct vs_nl_dev *)0)->driver_features),
	},
	[VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI] = {
		.name = "DRIVER_FEATURES_HI",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_dev, driver_features_hi),
		.size = sizeof(((struct vs_nl_dev *)0)->driver_features_hi),
	},
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES] = {
		.name = "DEVICE_FEATURES",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_dev, device_features),
		.size = sizeof(((struct vs_nl_dev *)0)->device_features),
	},
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI] = {
		.name = "DEVICE_FEATURES_HI",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_dev, device_features_hi),
		.size = sizeof(((struct vs_nl_dev *)0)->device_features_hi),
	},
	[VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR] = {
		.name = "DEVICE_FEATURES_ERR",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, device_features_err),
		.size = sizeof(((struct vs_nl_dev *)0)->device_features_err),
	},
	[VIRTIO_STATUS_A_DEV_NUM_VQS] = {
		.name = "NUM_VQS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, num_vqs),
		.size = sizeof(((struct vs_nl_dev *)0)->num_vqs),
	},
	[VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS] = {
		.name = "DEVICE_NUM_VQS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, device_num_vqs),
		.size = sizeof(((struct vs_nl_dev *)0)->device_num_vqs),
	},
	[VIRTIO_STATUS_A_DEV_BROKEN] = {
		.name = "BROKEN",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_dev, broken),
		.size = sizeof(((struct vs_nl_dev *)0)->broken),
	},
	[VIRTIO_STATUS_A_DEV_FAILED] = {
		.name = "FAILED",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_dev, failed),
		.size = sizeof(((struct vs_nl_dev *)0)->failed),
	},
	[VIRTIO_STATUS_A_DEV_ENDIAN] = {
		.name = "ENDIAN",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, endian),
		.size = sizeof(((struct vs_nl_dev *)0)->endian),
	},
	[VIRTIO_STATUS_A_DEV_GENERATION] = {
		.name = "GENERATION",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_dev, generation),
		.size = sizeof(((struct vs_nl_dev *)0)->generation),
	},
	[VIRTIO_STATUS_A_DEV_LIST_ONLY] = {
		.name = "LIST_ONLY",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_dev, list_only),
		.size = sizeof(((struct vs_nl_dev *)0)->list_only),
	},
	[VIRTIO_STATUS_A_DEV_BUSY] = {
		.name = "BUSY",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_dev, busy),
		.size = sizeof(((struct vs_nl_dev *)0)->busy),
	},
	[VIRTIO_STATUS_A_DEV_VHOST] = {
		.name = "VHOST",
		.type = VS_NL_NEST,
		.nested = &vs_nl_vhost_set,
		.offset = offsetof(struct vs_nl_dev, vhost),
		.size = sizeof(((struct vs_nl_dev *)0)->vhost),
	},
	[VIRTIO_STATUS_A_DEV_TRANSPORT_DEV] = {
		.name = "TRANSPORT_DEV",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_dev, transport_dev),
		.size = sizeof(((struct vs_nl_dev *)0)->transport_dev),
	},
	[VIRTIO_STATUS_A_DEV_CHILD] = {
		.name = "CHILD",
		.type = VS_NL_NEST,
		.nested = &vs_nl_child_set,
		.offset = offsetof(struct vs_nl_dev, child),
		.size = sizeof(((struct vs_nl_dev *)0)->child[0]),
		.max = VIRTIO_STATUS_CHILD_MAX,
		.count_offset = offsetof(struct vs_nl_dev, n_child),
	},
};

const struct vs_nl_set vs_nl_dev_set = {
	.name = "dev",
	.prefix = "A_DEV_",
	.max = VIRTIO_STATUS_A_DEV_MAX,
	.attrs = vs_nl_dev_attrs,
	.policy = vs_nl_dev_policy,
	.have_offset = offsetof(struct vs_nl_dev, have),
	.size = sizeof(struct vs_nl_dev),
};

static const struct vs_nl_attr vs_nl_vhost_attrs[VIRTIO_STATUS_A_VHOST_MAX + 1] = {
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES] = {
		.name = "ACKED_FEATURES",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_vhost, acked_features),
		.size = sizeof(((struct vs_nl_vhost *)0)->acked_features),
	},
	[VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI] = {
		.name = "ACKED_FEATURES_HI",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_vhost, acked_features_hi),
		.size = sizeof(((struct vs_nl_vhost *)0)->acked_features_hi),
	},
	[VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES] = {
		.name = "BACKEND_FEATURES",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_vhost, backend_features),
		.size = sizeof(((struct vs_nl_vhost *)0)->backend_features),
	},
	[VIRTIO_STATUS_A_VHOST_MEM_REGIONS] = {
		.name = "MEM_REGIONS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, mem_regions),
		.size = sizeof(((struct vs_nl_vhost *)0)->mem_regions),
	},
	[VIRTIO_STATUS_A_VHOST_LOG_ENABLED] = {
		.name = "LOG_ENABLED",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_vhost, log_enabled),
		.size = sizeof(((struct vs_nl_vhost *)0)->log_enabled),
	},
	[VIRTIO_STATUS_A_VHOST_STARTED] = {
		.name = "STARTED",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_vhost, started),
		.size = sizeof(((struct vs_nl_vhost *)0)->started),
	},
	[VIRTIO_STATUS_A_VHOST_OWNER_PID] = {
		.name = "OWNER_PID",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, owner_pid),
		.size = sizeof(((struct vs_nl_vhost *)0)->owner_pid),
	},
	[VIRTIO_STATUS_A_VHOST_HOLDER_PID] = {
		.name = "HOLDER_PID",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, holder_pid),
		.size = sizeof(((struct vs_nl_vhost *)0)->holder_pid[0]),
		.max = VIRTIO_STATUS_HOLDERS_SENT,
		.count_offset = offsetof(struct vs_nl_vhost, n_holder_pid),
	},
	[VIRTIO_STATUS_A_VHOST_HOLDERS] = {
		.name = "HOLDERS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, holders),
		.size = sizeof(((struct vs_nl_vhost *)0)->holders),
	},
	[VIRTIO_STATUS_A_VHOST_ERROR] = {
		.name = "ERROR",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_vhost, error),
		.size = sizeof(((struct vs_nl_vhost *)0)->error),
	},
	[VIRTIO_STATUS_A_VHOST_GUEST_CID] = {
		.name = "GUEST_CID",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, guest_cid),
		.size = sizeof(((struct vs_nl_vhost *)0)->guest_cid),
	},
	[VIRTIO_STATUS_A_VHOST_BACKEND_FD] = {
		.name = "BACKEND_FD",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_vhost, backend_fd),
		.size = sizeof(((struct vs_nl_vhost *)0)->backend_fd),
	},
};

const struct vs_nl_set vs_nl_vhost_set = {
	.name = "vhost",
	.prefix = "A_VHOST_",
	.max = VIRTIO_STATUS_A_VHOST_MAX,
	.attrs = vs_nl_vhost_attrs,
	.policy = vs_nl_vhost_policy,
	.have_offset = offsetof(struct vs_nl_vhost, have),
	.size = sizeof(struct vs_nl_vhost),
};

static const struct vs_nl_attr vs_nl_queue_attrs[VIRTIO_STATUS_A_QUEUE_MAX + 1] = {
	[VIRTIO_STATUS_A_QUEUE_HEADER] = {
		.name = "HEADER",
		.type = VS_NL_NEST,
		.nested = &vs_nl_header_set,
		.offset = offsetof(struct vs_nl_queue, header),
		.size = sizeof(((struct vs_nl_queue *)0)->header),
	},
	[VIRTIO_STATUS_A_QUEUE_INDEX] = {
		.name = "INDEX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, index),
		.size = sizeof(((struct vs_nl_queue *)0)->index),
	},
	[VIRTIO_STATUS_A_QUEUE_NAME] = {
		.name = "NAME",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_queue, name),
		.size = sizeof(((struct vs_nl_queue *)0)->name),
	},
	[VIRTIO_STATUS_A_QUEUE_NUM] = {
		.name = "NUM",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, num),
		.size = sizeof(((struct vs_nl_queue *)0)->num),
	},
	[VIRTIO_STATUS_A_QUEUE_NUM_FREE] = {
		.name = "NUM_FREE",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, num_free),
		.size = sizeof(((struct vs_nl_queue *)0)->num_free),
	},
	[VIRTIO_STATUS_A_QUEUE_DESC] = {
		.name = "DESC",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, desc),
		.size = sizeof(((struct vs_nl_queue *)0)->desc),
	},
	[VIRTIO_STATUS_A_QUEUE_AVAIL] = {
		.name = "AVAIL",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, avail),
		.size = sizeof(((struct vs_nl_queue *)0)->avail),
	},
	[VIRTIO_STATUS_A_QUEUE_USED] = {
		.name = "USED",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, used),
		.size = sizeof(((struct vs_nl_queue *)0)->used),
	},
	[VIRTIO_STATUS_A_QUEUE_PACKED] = {
		.name = "PACKED",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_queue, packed),
		.size = sizeof(((struct vs_nl_queue *)0)->packed),
	},
	[VIRTIO_STATUS_A_QUEUE_AVAIL_IDX] = {
		.name = "AVAIL_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, avail_idx),
		.size = sizeof(((struct vs_nl_queue *)0)->avail_idx),
	},
	[VIRTIO_STATUS_A_QUEUE_USED_IDX] = {
		.name = "USED_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, used_idx),
		.size = sizeof(((struct vs_nl_queue *)0)->used_idx),
	},
	[VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS] = {
		.name = "AVAIL_FLAGS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, avail_flags),
		.size = sizeof(((struct vs_nl_queue *)0)->avail_flags),
	},
	[VIRTIO_STATUS_A_QUEUE_USED_FLAGS] = {
		.name = "USED_FLAGS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, used_flags),
		.size = sizeof(((struct vs_nl_queue *)0)->used_flags),
	},
	[VIRTIO_STATUS_A_QUEUE_BROKEN] = {
		.name = "BROKEN",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_queue, broken),
		.size = sizeof(((struct vs_nl_queue *)0)->broken),
	},
	[VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX] = {
		.name = "LAST_AVAIL_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, last_avail_idx),
		.size = sizeof(((struct vs_nl_queue *)0)->last_avail_idx),
	},
	[VIRTIO_STATUS_A_QUEUE_KICK] = {
		.name = "KICK",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_queue, kick),
		.size = sizeof(((struct vs_nl_queue *)0)->kick),
	},
	[VIRTIO_STATUS_A_QUEUE_CALL] = {
		.name = "CALL",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_queue, call),
		.size = sizeof(((struct vs_nl_queue *)0)->call),
	},
	[VIRTIO_STATUS_A_QUEUE_KICK_FD] = {
		.name = "KICK_FD",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, kick_fd),
		.size = sizeof(((struct vs_nl_queue *)0)->kick_fd),
	},
	[VIRTIO_STATUS_A_QUEUE_CALL_FD] = {
		.name = "CALL_FD",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_queue, call_fd),
		.size = sizeof(((struct vs_nl_queue *)0)->call_fd),
	},
	[VIRTIO_STATUS_A_QUEUE_DESC_GPA] = {
		.name = "DESC_GPA",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, desc_gpa),
		.size = sizeof(((struct vs_nl_queue *)0)->desc_gpa),
	},
	[VIRTIO_STATUS_A_QUEUE_AVAIL_GPA] = {
		.name = "AVAIL_GPA",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, avail_gpa),
		.size = sizeof(((struct vs_nl_queue *)0)->avail_gpa),
	},
	[VIRTIO_STATUS_A_QUEUE_USED_GPA] = {
		.name = "USED_GPA",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_queue, used_gpa),
		.size = sizeof(((struct vs_nl_queue *)0)->used_gpa),
	},
	[VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN] = {
		.name = "ADDR_HIDDEN",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_queue, addr_hidden),
		.size = sizeof(((struct vs_nl_queue *)0)->addr_hidden),
	},
	[VIRTIO_STATUS_A_QUEUE_ADDR_IOVA] = {
		.name = "ADDR_IOVA",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_queue, addr_iova),
		.size = sizeof(((struct vs_nl_queue *)0)->addr_iova),
	},
};

const struct vs_nl_set vs_nl_queue_set = {
	.name = "queue",
	.prefix = "A_QUEUE_",
	.max = VIRTIO_STATUS_A_QUEUE_MAX,
	.attrs = vs_nl_queue_attrs,
	.policy = vs_nl_queue_policy,
	.have_offset = offsetof(struct vs_nl_queue, have),
	.size = sizeof(struct vs_nl_queue),
};

static const struct vs_nl_attr vs_nl_child_attrs[VIRTIO_STATUS_A_CHILD_MAX + 1] = {
	[VIRTIO_STATUS_A_CHILD_CLASS] = {
		.name = "CLASS",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_child, class),
		.size = sizeof(((struct vs_nl_child *)0)->class),
	},
	[VIRTIO_STATUS_A_CHILD_NAME] = {
		.name = "NAME",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_child, name),
		.size = sizeof(((struct vs_nl_child *)0)->name),
	},
};

const struct vs_nl_set vs_nl_child_set = {
	.name = "child",
	.prefix = "A_CHILD_",
	.max = VIRTIO_STATUS_A_CHILD_MAX,
	.attrs = vs_nl_child_attrs,
	.policy = vs_nl_child_policy,
	.have_offset = offsetof(struct vs_nl_child, have),
	.size = sizeof(struct vs_nl_child),
};

static const struct vs_nl_attr vs_nl_health_attrs[VIRTIO_STATUS_A_HEALTH_MAX + 1] = {
	[VIRTIO_STATUS_A_HEALTH_HEADER] = {
		.name = "HEADER",
		.type = VS_NL_NEST,
		.nested = &vs_nl_header_set,
		.offset = offsetof(struct vs_nl_health, header),
		.size = sizeof(((struct vs_nl_health *)0)->header),
	},
	[VIRTIO_STATUS_A_HEALTH_KIND] = {
		.name = "KIND",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, kind),
		.size = sizeof(((struct vs_nl_health *)0)->kind),
	},
	[VIRTIO_STATUS_A_HEALTH_ID] = {
		.name = "ID",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, id),
		.size = sizeof(((struct vs_nl_health *)0)->id),
	},
	[VIRTIO_STATUS_A_HEALTH_INDEX] = {
		.name = "INDEX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, index),
		.size = sizeof(((struct vs_nl_health *)0)->index),
	},
	[VIRTIO_STATUS_A_HEALTH_NUM] = {
		.name = "NUM",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, num),
		.size = sizeof(((struct vs_nl_health *)0)->num),
	},
	[VIRTIO_STATUS_A_HEALTH_NUM_FREE] = {
		.name = "NUM_FREE",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, num_free),
		.size = sizeof(((struct vs_nl_health *)0)->num_free),
	},
	[VIRTIO_STATUS_A_HEALTH_PACKED] = {
		.name = "PACKED",
		.type = VS_NL_U8,
		.offset = offsetof(struct vs_nl_health, packed),
		.size = sizeof(((struct vs_nl_health *)0)->packed),
	},
	[VIRTIO_STATUS_A_HEALTH_AVAIL_IDX] = {
		.name = "AVAIL_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, avail_idx),
		.size = sizeof(((struct vs_nl_health *)0)->avail_idx),
	},
	[VIRTIO_STATUS_A_HEALTH_USED_IDX] = {
		.name = "USED_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, used_idx),
		.size = sizeof(((struct vs_nl_health *)0)->used_idx),
	},
	[VIRTIO_STATUS_A_HEALTH_LAST_AVAIL_IDX] = {
		.name = "LAST_AVAIL_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, last_avail_idx),
		.size = sizeof(((struct vs_nl_health *)0)->last_avail_idx),
	},
	[VIRTIO_STATUS_A_HEALTH_IN_FLIGHT] = {
		.name = "IN_FLIGHT",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_health, in_flight),
		.size = sizeof(((struct vs_nl_health *)0)->in_flight),
	},
	[VIRTIO_STATUS_A_HEALTH_STALLED_NS] = {
		.name = "STALLED_NS",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_health, stalled_ns),
		.size = sizeof(((struct vs_nl_health *)0)->stalled_ns),
	},
	[VIRTIO_STATUS_A_HEALTH_BUSY] = {
		.name = "BUSY",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_health, busy),
		.size = sizeof(((struct vs_nl_health *)0)->busy),
	},
};

const struct vs_nl_set vs_nl_health_set = {
	.name = "health",
	.prefix = "A_HEALTH_",
	.max = VIRTIO_STATUS_A_HEALTH_MAX,
	.attrs = vs_nl_health_attrs,
	.policy = vs_nl_health_policy,
	.have_offset = offsetof(struct vs_nl_health, have),
	.size = sizeof(struct vs_nl_health),
};

static const struct vs_nl_attr vs_nl_element_attrs[VIRTIO_STATUS_A_ELEMENT_MAX + 1] = {
	[VIRTIO_STATUS_A_ELEMENT_HEADER] = {
		.name = "HEADER",
		.type = VS_NL_NEST,
		.nested = &vs_nl_header_set,
		.offset = offsetof(struct vs_nl_element, header),
		.size = sizeof(((struct vs_nl_element *)0)->header),
	},
	[VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX] = {
		.name = "QUEUE_INDEX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, queue_index),
		.size = sizeof(((struct vs_nl_element *)0)->queue_index),
	},
	[VIRTIO_STATUS_A_ELEMENT_INDEX] = {
		.name = "INDEX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, index),
		.size = sizeof(((struct vs_nl_element *)0)->index),
	},
	[VIRTIO_STATUS_A_ELEMENT_HEAD] = {
		.name = "HEAD",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, head),
		.size = sizeof(((struct vs_nl_element *)0)->head),
	},
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX] = {
		.name = "AVAIL_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, avail_idx),
		.size = sizeof(((struct vs_nl_element *)0)->avail_idx),
	},
	[VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS] = {
		.name = "AVAIL_FLAGS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, avail_flags),
		.size = sizeof(((struct vs_nl_element *)0)->avail_flags),
	},
	[VIRTIO_STATUS_A_ELEMENT_USED_IDX] = {
		.name = "USED_IDX",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, used_idx),
		.size = sizeof(((struct vs_nl_element *)0)->used_idx),
	},
	[VIRTIO_STATUS_A_ELEMENT_USED_FLAGS] = {
		.name = "USED_FLAGS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_element, used_flags),
		.size = sizeof(((struct vs_nl_element *)0)->used_flags),
	},
	[VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN] = {
		.name = "ADDR_HIDDEN",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_element, addr_hidden),
		.size = sizeof(((struct vs_nl_element *)0)->addr_hidden),
	},
	[VIRTIO_STATUS_A_ELEMENT_DESC] = {
		.name = "DESC",
		.type = VS_NL_NEST,
		.nested = &vs_nl_desc_set,
		.offset = offsetof(struct vs_nl_element, desc),
		.size = sizeof(((struct vs_nl_element *)0)->desc[0]),
		.max = VIRTIO_STATUS_DESCS_MAX,
		.count_offset = offsetof(struct vs_nl_element, n_desc),
	},
};

const struct vs_nl_set vs_nl_element_set = {
	.name = "element",
	.prefix = "A_ELEMENT_",
	.max = VIRTIO_STATUS_A_ELEMENT_MAX,
	.attrs = vs_nl_element_attrs,
	.policy = vs_nl_element_policy,
	.have_offset = offsetof(struct vs_nl_element, have),
	.size = sizeof(struct vs_nl_element),
};

static const struct vs_nl_attr vs_nl_desc_attrs[VIRTIO_STATUS_A_DESC_MAX + 1] = {
	[VIRTIO_STATUS_A_DESC_ADDR] = {
		.name = "ADDR",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_desc, addr),
		.size = sizeof(((struct vs_nl_desc *)0)->addr),
	},
	[VIRTIO_STATUS_A_DESC_LEN] = {
		.name = "LEN",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_desc, len),
		.size = sizeof(((struct vs_nl_desc *)0)->len),
	},
	[VIRTIO_STATUS_A_DESC_FLAGS] = {
		.name = "FLAGS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_desc, flags),
		.size = sizeof(((struct vs_nl_desc *)0)->flags),
	},
};

const struct vs_nl_set vs_nl_desc_set = {
	.name = "desc",
	.prefix = "A_DESC_",
	.max = VIRTIO_STATUS_A_DESC_MAX,
	.attrs = vs_nl_desc_attrs,
	.policy = vs_nl_desc_policy,
	.have_offset = offsetof(struct vs_nl_desc, have),
	.size = sizeof(struct vs_nl_desc),
};

static const struct vs_nl_attr vs_nl_info_attrs[VIRTIO_STATUS_A_INFO_MAX + 1] = {
	[VIRTIO_STATUS_A_INFO_VHOST_STATE] = {
		.name = "VHOST_STATE",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_info, vhost_state),
		.size = sizeof(((struct vs_nl_info *)0)->vhost_state),
	},
	[VIRTIO_STATUS_A_INFO_VHOST_REASON] = {
		.name = "VHOST_REASON",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_info, vhost_reason),
		.size = sizeof(((struct vs_nl_info *)0)->vhost_reason),
	},
	[VIRTIO_STATUS_A_INFO_VHOST_LAYOUT] = {
		.name = "VHOST_LAYOUT",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_info, vhost_layout),
		.size = sizeof(((struct vs_nl_info *)0)->vhost_layout),
	},
	[VIRTIO_STATUS_A_INFO_GENERATION] = {
		.name = "GENERATION",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_info, generation),
		.size = sizeof(((struct vs_nl_info *)0)->generation),
	},
	[VIRTIO_STATUS_A_INFO_MODE] = {
		.name = "MODE",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_info, mode),
		.size = sizeof(((struct vs_nl_info *)0)->mode),
	},
	[VIRTIO_STATUS_A_INFO_MODE_REASON] = {
		.name = "MODE_REASON",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_info, mode_reason),
		.size = sizeof(((struct vs_nl_info *)0)->mode_reason),
	},
	[VIRTIO_STATUS_A_INFO_FINGERPRINT] = {
		.name = "FINGERPRINT",
		.type = VS_NL_STRING,
		.offset = offsetof(struct vs_nl_info, fingerprint),
		.size = sizeof(((struct vs_nl_info *)0)->fingerprint),
	},
	[VIRTIO_STATUS_A_INFO_FEATURE_BITS] = {
		.name = "FEATURE_BITS",
		.type = VS_NL_U32,
		.offset = offsetof(struct vs_nl_info, feature_bits),
		.size = sizeof(((struct vs_nl_info *)0)->feature_bits),
	},
};

const struct vs_nl_set vs_nl_info_set = {
	.name = "info",
	.prefix = "A_INFO_",
	.max = VIRTIO_STATUS_A_INFO_MAX,
	.attrs = vs_nl_info_attrs,
	.policy = vs_nl_info_policy,
	.have_offset = offsetof(struct vs_nl_info, have),
	.size = sizeof(struct vs_nl_info),
};

static const struct vs_nl_attr vs_nl_event_attrs[VIRTIO_STATUS_A_EVENT_MAX + 1] = {
	[VIRTIO_STATUS_A_EVENT_SEQ] = {
		.name = "SEQ",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_event, seq),
		.size = sizeof(((struct vs_nl_event *)0)->seq),
	},
	[VIRTIO_STATUS_A_EVENT_TIME] = {
		.name = "TIME",
		.type = VS_NL_U64,
		.offset = offsetof(struct vs_nl_event, time),
		.size = sizeof(((struct vs_nl_event *)0)->time),
	},
	[VIRTIO_STATUS_A_EVENT_DEV] = {
		.name = "DEV",
		.type = VS_NL_NEST,
		.nested = &vs_nl_dev_set,
		.offset = offsetof(struct vs_nl_event, dev),
		.size = sizeof(((struct vs_nl_event *)0)->dev),
	},
};

const struct vs_nl_set vs_nl_event_set = {
	.name = "event",
	.prefix = "A_EVENT_",
	.max = VIRTIO_STATUS_A_EVENT_MAX,
	.attrs = vs_nl_event_attrs,
	.policy = vs_nl_event_policy,
	.have_offset = offsetof(struct vs_nl_event, have),
	.size = sizeof(struct vs_nl_event),
};
