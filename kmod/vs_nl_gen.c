// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	uapi/virtio_status.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "vs_nl_gen.h"

#include <uapi/linux/virtio_status.h>

/* Common nested types */
const struct nla_policy virtio_status_header_nl_policy[VIRTIO_STATUS_A_HEADER_BUSID + 1] = {
	[VIRTIO_STATUS_A_HEADER_PATH] = { .type = NLA_NUL_STRING, .len = VIRTIO_STATUS_PATH_LEN_MAX, },
	[VIRTIO_STATUS_A_HEADER_BUSID] = { .type = NLA_NUL_STRING, .len = VIRTIO_STATUS_BUSID_LEN_MAX, },
};

/* VIRTIO_STATUS_CMD_DEV_GET - do */
static const struct nla_policy virtio_status_dev_get_do_nl_policy[VIRTIO_STATUS_A_DEV_HEADER + 1] = {
	[VIRTIO_STATUS_A_DEV_HEADER] = NLA_POLICY_NESTED(virtio_status_header_nl_policy),
};

/* VIRTIO_STATUS_CMD_DEV_GET - dump */
static const struct nla_policy virtio_status_dev_get_dump_nl_policy[VIRTIO_STATUS_A_DEV_HEADER + 1] = {
	[VIRTIO_STATUS_A_DEV_HEADER] = NLA_POLICY_NESTED(virtio_status_header_nl_policy),
};

/* VIRTIO_STATUS_CMD_QUEUE_GET - do */
static const struct nla_policy virtio_status_queue_get_nl_policy[VIRTIO_STATUS_A_QUEUE_INDEX + 1] = {
	[VIRTIO_STATUS_A_QUEUE_HEADER] = NLA_POLICY_NESTED(virtio_status_header_nl_policy),
	[VIRTIO_STATUS_A_QUEUE_INDEX] = { .type = NLA_U32, },
};

/* VIRTIO_STATUS_CMD_ELEMENT_GET - do */
static const struct nla_policy virtio_status_element_get_nl_policy[VIRTIO_STATUS_A_ELEMENT_INDEX + 1] = {
	[VIRTIO_STATUS_A_ELEMENT_HEADER] = NLA_POLICY_NESTED(virtio_status_header_nl_policy),
	[VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX] = { .type = NLA_U32, },
	[VIRTIO_STATUS_A_ELEMENT_INDEX] = { .type = NLA_U32, },
};

/* Ops table for virtio_status */
const struct genl_split_ops virtio_status_nl_ops[6] = {
	{
		.cmd		= VIRTIO_STATUS_CMD_DEV_GET,
		.doit		= virtio_status_nl_dev_get_doit,
		.policy		= virtio_status_dev_get_do_nl_policy,
		.maxattr	= VIRTIO_STATUS_A_DEV_HEADER,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIRTIO_STATUS_CMD_DEV_GET,
		.dumpit		= virtio_status_nl_dev_get_dumpit,
		.done		= vs_dev_get_done,
		.policy		= virtio_status_dev_get_dump_nl_policy,
		.maxattr	= VIRTIO_STATUS_A_DEV_HEADER,
		.flags		= GENL_CMD_CAP_DUMP,
	},
	{
		.cmd	= VIRTIO_STATUS_CMD_INFO,
		.doit	= virtio_status_nl_info_doit,
		.flags	= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIRTIO_STATUS_CMD_QUEUE_GET,
		.doit		= virtio_status_nl_queue_get_doit,
		.policy		= virtio_status_queue_get_nl_policy,
		.maxattr	= VIRTIO_STATUS_A_QUEUE_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd		= VIRTIO_STATUS_CMD_ELEMENT_GET,
		.doit		= virtio_status_nl_element_get_doit,
		.policy		= virtio_status_element_get_nl_policy,
		.maxattr	= VIRTIO_STATUS_A_ELEMENT_INDEX,
		.flags		= GENL_CMD_CAP_DO,
	},
	{
		.cmd	= VIRTIO_STATUS_CMD_HEALTH_GET,
		.dumpit	= virtio_status_nl_health_get_dumpit,
		.done	= vs_health_get_done,
		.flags	= GENL_CMD_CAP_DUMP,
	},
};

static const struct genl_multicast_group virtio_status_nl_mcgrps[] = {
	[VIRTIO_STATUS_NLGRP_EVENTS] = { "events", },
};
