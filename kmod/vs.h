/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_status: shared declarations of the module's parts.
 */
#ifndef _VS_H
#define _VS_H

#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/netlink.h>

#include "compat.h"

/**
 * struct vs_virtio_info - one virtio device, read once, then reported
 * @path: canonical sysfs path ("/sys/devices/.../virtioN"), kmalloc'ed
 * @busid: name on the virtio bus ("virtioN")
 * @driver: name of the bound driver, empty when none is bound
 * @transport: name of the bus the transport device sits on ("pci")
 * @name: QEMU's name for @id
 * @index: virtio index (the N of virtioN)
 * @id: virtio device id
 * @vendor: virtio vendor id
 * @status: device status byte
 * @num_vqs: virtqueues the driver has set up
 * @endian: enum virtio_status_endian
 * @driver_features: features the driver accepted
 * @device_features: features the device offers, valid if !@device_features_err
 * @device_features_err: positive errno saying why @device_features is unknown
 * @broken: at least one virtqueue is marked broken
 * @failed: the device failed to come back from a restore
 * @generation: bus generation (vs_virtio_generation()) when read began
 */
struct vs_virtio_info {
	char *path;
	char busid[32];
	char driver[64];
	char transport[32];
	char name[32];
	u32 index;
	u32 id;
	u32 vendor;
	u32 status;
	u32 num_vqs;
	u32 endian;
	u64 driver_features;
	u64 device_features;
	u32 device_features_err;
	bool broken;
	bool failed;
	u32 generation;
};

/* names.c */
void vs_virtio_name(u32 device_id, char *buf, size_t len);

/* virtio.c */
int vs_virtio_init(void);
void vs_virtio_exit(void);
u32 vs_virtio_generation(void);
struct virtio_device *vs_virtio_find(const char *path, const char *busid);
int vs_virtio_read(struct virtio_device *vdev, bool privileged,
		   struct vs_virtio_info *info);
void vs_virtio_info_free(struct vs_virtio_info *info);
int vs_virtio_for_each(int (*fn)(struct virtio_device *vdev, void *arg),
		       void *arg);

/* family.c */
int vs_family_init(void);
void vs_family_exit(void);

#endif /* _VS_H */
