/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels we build for (Debian 12's 6.1 and
 * 6.12 lines, Debian 13 backports' newest) lives here, and in the probes
 * that feed it (probes.mk).
 */
#ifndef _VS_COMPAT_H
#define _VS_COMPAT_H

#include <linux/errno.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <net/genetlink.h>

#include "compat_genl.h"

/*
 * VS_HAVE_* come from the feature probes in kmod/probes.mk, which look at
 * the kernel we build for rather than trusting its version number.
 */

/**
 * vs_dump_attrs() - attributes of the request that started a dump
 * @cb: the dump's netlink callback
 *
 * Return: the attribute table genetlink parsed and validated against the
 * op's policy; valid in the op's start, dumpit and done callbacks.
 */
static inline struct nlattr **vs_dump_attrs(struct netlink_callback *cb)
{
#ifdef VS_HAVE_GENL_INFO_DUMP
	return genl_info_dump(cb)->attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Feature bits a virtio device keeps: 64 until 6.16, 128 from 6.17 (a
 * union of vdev->features with vdev->features_array). We report two words
 * at most; the second stays 0 on older kernels.
 */
#ifdef VS_HAVE_EXTENDED_FEATURES
#include <linux/virtio_features.h>
#define VS_FEATURE_BITS		128
static_assert(VIRTIO_FEATURES_U64S >= 2);
#else
#define VS_FEATURE_BITS		64
#endif

/**
 * vs_driver_features() - the features the driver accepted, 128 bits
 * @vdev: the device
 * @f: bits 0-63 in f[0], 64-127 in f[1]
 */
static inline void vs_driver_features(const struct virtio_device *vdev, u64 f[2])
{
	f[0] = vdev->features;
#ifdef VS_HAVE_EXTENDED_FEATURES
	f[1] = vdev->features_array[1];
#else
	f[1] = 0;
#endif
}

/**
 * vs_device_features() - the features the device offers, from the transport
 * @vdev: the device, locked and live (the read writes a select register)
 * @f: bits 0-63 in f[0], 64-127 in f[1]
 *
 * From 6.17 a transport sets get_extended_features, get_features or both;
 * virtio-pci modern sets only the former. Only a callback that is set is
 * called.
 *
 * Return: 0, or -EOPNOTSUPP when the transport has neither callback.
 */
static inline int vs_device_features(struct virtio_device *vdev, u64 f[2])
{
	const struct virtio_config_ops *ops = vdev->config;

#ifdef VS_HAVE_EXTENDED_FEATURES
	if (ops->get_extended_features) {
		u64 all[VIRTIO_FEATURES_U64S] = {};

		ops->get_extended_features(vdev, all);
		f[0] = all[0];
		f[1] = all[1];
		return 0;
	}
#endif
	if (!ops->get_features)
		return -EOPNOTSUPP;
	f[0] = ops->get_features(vdev);
	f[1] = 0;
	return 0;
}

#endif /* _VS_COMPAT_H */
