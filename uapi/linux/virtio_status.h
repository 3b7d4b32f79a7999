/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * virtio_status: a generic netlink family that reports the state of the
 * virtio devices the kernel knows about, in the terms of QEMU's
 * x-query-virtio / x-query-virtio-status QMP commands.
 *
 * Every device is one message of VIRTIO_STATUS_CMD_DEV_GET carrying the
 * VIRTIO_STATUS_A_DEV_* attributes below. Integers are host endian; 64-bit
 * values are aligned with VIRTIO_STATUS_A_PAD.
 */
#ifndef _UAPI_LINUX_VIRTIO_STATUS_H
#define _UAPI_LINUX_VIRTIO_STATUS_H

#define VIRTIO_STATUS_FAMILY_NAME	"virtio_status"
#define VIRTIO_STATUS_FAMILY_VERSION	1

/* Longest value accepted in VIRTIO_STATUS_A_DEV_PATH, including the NUL. */
#define VIRTIO_STATUS_PATH_MAX		4096
/* Longest value accepted in VIRTIO_STATUS_A_DEV_BUSID, including the NUL. */
#define VIRTIO_STATUS_BUSID_MAX		32

/**
 * enum virtio_status_cmd - commands of the virtio_status family
 * @VIRTIO_STATUS_CMD_UNSPEC: unused
 * @VIRTIO_STATUS_CMD_DEV_GET: do: the device named by exactly one of
 *	VIRTIO_STATUS_A_DEV_PATH or VIRTIO_STATUS_A_DEV_BUSID; dump (no
 *	attributes): every device on the virtio bus. Replies carry the same
 *	command. A dump that raced with a device being added, removed, bound
 *	or unbound is flagged with NLM_F_DUMP_INTR.
 */
enum virtio_status_cmd {
	VIRTIO_STATUS_CMD_UNSPEC,
	VIRTIO_STATUS_CMD_DEV_GET,

	__VIRTIO_STATUS_CMD_MAX,
	VIRTIO_STATUS_CMD_MAX = __VIRTIO_STATUS_CMD_MAX - 1
};

/**
 * enum virtio_status_endian - byte order the device uses for its fields
 * @VIRTIO_STATUS_ENDIAN_UNKNOWN: not known
 * @VIRTIO_STATUS_ENDIAN_LITTLE: little endian (every VIRTIO 1.0+ device)
 * @VIRTIO_STATUS_ENDIAN_BIG: big endian (legacy device on a big-endian guest)
 */
enum virtio_status_endian {
	VIRTIO_STATUS_ENDIAN_UNKNOWN,
	VIRTIO_STATUS_ENDIAN_LITTLE,
	VIRTIO_STATUS_ENDIAN_BIG,
};

/*
 * Attributes. The type of each is in its comment; "request" marks the
 * ones a request may carry, every other one is reply-only.
 */
enum virtio_status_attr {
	VIRTIO_STATUS_A_UNSPEC,
	VIRTIO_STATUS_A_PAD,			/* pad for 64-bit attributes */
	VIRTIO_STATUS_A_DEV_PATH,		/* string, request: canonical
						 * sysfs path of the device,
						 * "/sys/devices/.../virtioN"
						 */
	VIRTIO_STATUS_A_DEV_BUSID,		/* string, request: name on the
						 * virtio bus, "virtioN"
						 */
	VIRTIO_STATUS_A_DEV_NAME,		/* string: QEMU's name for the
						 * device id ("virtio-net")
						 */
	VIRTIO_STATUS_A_DEV_INDEX,		/* u32: N of virtioN */
	VIRTIO_STATUS_A_DEV_ID,			/* u32: virtio device id */
	VIRTIO_STATUS_A_DEV_VENDOR,		/* u32: virtio vendor id */
	VIRTIO_STATUS_A_DEV_TRANSPORT,		/* string: bus of the transport
						 * device ("pci", "platform")
						 */
	VIRTIO_STATUS_A_DEV_DRIVER,		/* string: bound driver; absent
						 * when no driver is bound
						 */
	VIRTIO_STATUS_A_DEV_STATUS,		/* u32: device status byte */
	VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,	/* u64: features the driver
						 * accepted (vdev->features)
						 */
	VIRTIO_STATUS_A_DEV_DEVICE_FEATURES,	/* u64: features the device
						 * offers; absent when
						 * ..._FEATURES_ERR is present
						 */
	VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR, /* u32: positive errno saying
						  * why DEVICE_FEATURES is
						  * absent: EPERM (caller lacks
						  * CAP_NET_ADMIN), ENODEV
						  * (transport going away),
						  * EINTR (interrupted)
						  */
	VIRTIO_STATUS_A_DEV_NUM_VQS,		/* u32: virtqueues set up */
	VIRTIO_STATUS_A_DEV_BROKEN,		/* u8: a virtqueue is broken */
	VIRTIO_STATUS_A_DEV_FAILED,		/* u8: last restore failed */
	VIRTIO_STATUS_A_DEV_ENDIAN,		/* u32: enum virtio_status_endian */
	VIRTIO_STATUS_A_DEV_GENERATION,		/* u32: bus generation the
						 * reply was built in
						 */

	__VIRTIO_STATUS_A_MAX,
	VIRTIO_STATUS_A_MAX = __VIRTIO_STATUS_A_MAX - 1
};

#endif /* _UAPI_LINUX_VIRTIO_STATUS_H */
