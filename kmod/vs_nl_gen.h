/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	uapi/virtio_status.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VIRTIO_STATUS_GEN_H
#define _LINUX_VIRTIO_STATUS_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/virtio_status.h>

/* Common nested types */
extern const struct nla_policy virtio_status_header_nl_policy[VIRTIO_STATUS_A_HEADER_BUSID + 1];

/* Ops table for virtio_status */
extern const struct genl_split_ops virtio_status_nl_ops[6];

int vs_dev_get_done(struct netlink_callback *cb);
int vs_health_get_done(struct netlink_callback *cb);

int virtio_status_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info);
int virtio_status_nl_dev_get_dumpit(struct sk_buff *skb,
				    struct netlink_callback *cb);
int virtio_status_nl_info_doit(struct sk_buff *skb, struct genl_info *info);
int virtio_status_nl_queue_get_doit(struct sk_buff *skb,
				    struct genl_info *info);
int virtio_status_nl_element_get_doit(struct sk_buff *skb,
				      struct genl_info *info);
int virtio_status_nl_health_get_dumpit(struct sk_buff *skb,
				       struct netlink_callback *cb);

enum {
	VIRTIO_STATUS_NLGRP_EVENTS,
};

#endif /* _LINUX_VIRTIO_STATUS_GEN_H */
