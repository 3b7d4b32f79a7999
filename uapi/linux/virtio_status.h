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
/*
 * Most VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID attributes one device message
 * carries, so that a device held by thousands of processes (fork) still
 * fits one dump message; VIRTIO_STATUS_A_DEV_VHOST_HOLDERS has the total.
 */
#define VIRTIO_STATUS_HOLDERS_SENT	64

/*
 * Multicast group of the device notifications (VIRTIO_STATUS_CMD_*_NTF).
 * Anyone may join it: the notifications carry what sysfs shows everyone.
 */
#define VIRTIO_STATUS_MCGRP_EVENTS	"events"

/**
 * enum virtio_status_cmd - commands of the virtio_status family
 * @VIRTIO_STATUS_CMD_UNSPEC: unused
 * @VIRTIO_STATUS_CMD_DEV_GET: do: the device named by exactly one of
 *	VIRTIO_STATUS_A_DEV_PATH or VIRTIO_STATUS_A_DEV_BUSID; dump (no
 *	attributes): every device on the virtio bus, then (for CAP_NET_ADMIN
 *	callers) every vhost device held open by a process the caller can
 *	see. Replies carry the same command. A dump that raced with a virtio
 *	device being added, removed, bound or unbound is flagged with
 *	NLM_F_DUMP_INTR (vhost devices have no such signal).
 * @VIRTIO_STATUS_CMD_INFO: do, no attributes: the module's state
 *	(VIRTIO_STATUS_A_INFO_*).
 * @VIRTIO_STATUS_CMD_QUEUE_GET: do: one virtqueue (VIRTIO_STATUS_A_QUEUE_*)
 *	of the device named as for DEV_GET, by VIRTIO_STATUS_A_QUEUE_INDEX.
 *	Sizes and indexes for every caller (a vhost device's for
 *	CAP_NET_ADMIN, as for DEV_GET); ring addresses (DMA, physical, or the
 *	owner's user addresses) only for CAP_SYS_ADMIN, else the reply
 *	leaves them out and says why (VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN).
 * @VIRTIO_STATUS_CMD_ELEMENT_GET: do: the descriptor chain an avail ring
 *	entry of a guest split-ring queue points to (device and
 *	VIRTIO_STATUS_A_QUEUE_INDEX as for QUEUE_GET, optional
 *	VIRTIO_STATUS_A_ELEM_INDEX). CAP_NET_ADMIN only; descriptor
 *	addresses for CAP_SYS_ADMIN only, as for QUEUE_GET.
 * @VIRTIO_STATUS_CMD_DEV_ADD_NTF: notification (events group): a device
 *	was added to the virtio bus.
 * @VIRTIO_STATUS_CMD_DEV_DEL_NTF: notification: a device left the virtio
 *	bus (sent once it is off the bus, after its driver is unbound).
 * @VIRTIO_STATUS_CMD_BIND_NTF: notification: a driver bound to a device
 *	(its probe succeeded); carries VIRTIO_STATUS_A_DEV_DRIVER.
 * @VIRTIO_STATUS_CMD_UNBIND_NTF: notification: a driver was unbound from a
 *	device (its remove ran); carries VIRTIO_STATUS_A_DEV_DRIVER when the
 *	module saw the unbind start.
 *
 * Notifications go to the VIRTIO_STATUS_MCGRP_EVENTS multicast group; a
 * request with one of these commands is refused (EOPNOTSUPP). Each carries
 * VIRTIO_STATUS_A_DEV_KIND, _PATH, _BUSID, _INDEX, _ID, _VENDOR, _NAME,
 * _GENERATION (the bus generation after the change, as dumps report it),
 * VIRTIO_STATUS_A_EVENT_SEQ and VIRTIO_STATUS_A_EVENT_TIME.
 */
enum virtio_status_cmd {
	VIRTIO_STATUS_CMD_UNSPEC,
	VIRTIO_STATUS_CMD_DEV_GET,
	VIRTIO_STATUS_CMD_INFO,
	VIRTIO_STATUS_CMD_QUEUE_GET,
	VIRTIO_STATUS_CMD_ELEMENT_GET,
	VIRTIO_STATUS_CMD_DEV_ADD_NTF,
	VIRTIO_STATUS_CMD_DEV_DEL_NTF,
	VIRTIO_STATUS_CMD_BIND_NTF,
	VIRTIO_STATUS_CMD_UNBIND_NTF,

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

/**
 * enum virtio_status_kind - what a VIRTIO_STATUS_CMD_DEV_GET reply describes
 * @VIRTIO_STATUS_KIND_UNSPEC: unused
 * @VIRTIO_STATUS_KIND_VIRTIO: a device on the virtio bus (guest side)
 * @VIRTIO_STATUS_KIND_VHOST: a vhost device held open by a process (host
 *	side); its path is "/proc/PID/fd/FD" of one of its holders
 */
enum virtio_status_kind {
	VIRTIO_STATUS_KIND_UNSPEC,
	VIRTIO_STATUS_KIND_VIRTIO,
	VIRTIO_STATUS_KIND_VHOST,
};

/**
 * enum virtio_status_vhost_state - can the module report vhost devices
 * @VIRTIO_STATUS_VHOST_OFF: no: VIRTIO_STATUS_A_INFO_VHOST_REASON says why
 * @VIRTIO_STATUS_VHOST_ON: yes
 */
enum virtio_status_vhost_state {
	VIRTIO_STATUS_VHOST_OFF,
	VIRTIO_STATUS_VHOST_ON,
};

/**
 * enum virtio_status_mode - how much the module reads
 * @VIRTIO_STATUS_MODE_FULL: everything: the kernel interfaces it touches
 *	are the ones it was written and tested for (or the administrator
 *	forced full mode with the allow_untested module parameter)
 * @VIRTIO_STATUS_MODE_LIST_ONLY: the kernel's interfaces differ from every
 *	kernel the module was tested on (an unknown fingerprint): it lists
 *	devices from driver-core data only, calls no transport operation,
 *	reads no queue and no vhost device; VIRTIO_STATUS_A_INFO_MODE_REASON
 *	says why
 */
enum virtio_status_mode {
	VIRTIO_STATUS_MODE_FULL,
	VIRTIO_STATUS_MODE_LIST_ONLY,
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
	VIRTIO_STATUS_A_DEV_KIND,		/* u32: enum virtio_status_kind */

	/*
	 * vhost devices (KIND_VHOST). They carry PATH, NAME, ID, TRANSPORT
	 * ("vhost"), DRIVER (the vhost module), STATUS (0: vhost has no
	 * status byte), DRIVER_FEATURES (= VHOST_ACKED_FEATURES), NUM_VQS,
	 * BROKEN (0), ENDIAN, GENERATION, KIND and these; BUSID, INDEX,
	 * VENDOR, FAILED and DEVICE_FEATURES are virtio-bus only.
	 */
	VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES, /* u64: features the owner
						   * set (virtqueue 0)
						   */
	VIRTIO_STATUS_A_DEV_VHOST_BACKEND_FEATURES, /* u64: backend features
						     * the owner set (vq 0)
						     */
	VIRTIO_STATUS_A_DEV_VHOST_MEM_REGIONS,	/* u32: regions in the memory
						 * table, 0 if none set
						 */
	VIRTIO_STATUS_A_DEV_VHOST_LOG_ENABLED,	/* u8: VHOST_F_LOG_ALL acked */
	VIRTIO_STATUS_A_DEV_VHOST_STARTED,	/* u8: a backend is attached
						 * to some virtqueue
						 */
	VIRTIO_STATUS_A_DEV_VHOST_OWNER_PID,	/* u32: the process that set
						 * itself owner (pid in the
						 * caller's namespace); absent
						 * if none or not visible
						 */
	VIRTIO_STATUS_A_DEV_VHOST_HOLDER_PID,	/* u32, repeated: a process
						 * holding the device open; the
						 * lowest VIRTIO_STATUS_HOLDERS_SENT
						 * pids, in order (the total is
						 * DEV_VHOST_HOLDERS)
						 */

	/* VIRTIO_STATUS_CMD_INFO replies */
	VIRTIO_STATUS_A_INFO_VHOST_STATE,	/* u32: enum
						 * virtio_status_vhost_state
						 */
	VIRTIO_STATUS_A_INFO_VHOST_REASON,	/* string: why vhost is off */
	VIRTIO_STATUS_A_INFO_VHOST_LAYOUT,	/* string: the kernel release
						 * the vhost layout was taken
						 * from, and how
						 */

	/*
	 * VIRTIO_STATUS_CMD_QUEUE_GET. Ring indices and flags are read from
	 * ring memory (guest) or the vhost virtqueue (host) without stopping
	 * the queue: a snapshot. Addresses are what the device is given: DMA
	 * addresses (guest), the owner's user addresses (vhost).
	 */
	VIRTIO_STATUS_A_QUEUE_INDEX,		/* u32, request: queue index */
	VIRTIO_STATUS_A_QUEUE_NAME,		/* string: the driver's name
						 * for the queue (guest)
						 */
	VIRTIO_STATUS_A_QUEUE_NUM,		/* u32: ring size */
	VIRTIO_STATUS_A_QUEUE_NUM_FREE,		/* u32: free descriptors (guest) */
	VIRTIO_STATUS_A_QUEUE_DESC,		/* u64: descriptor area */
	VIRTIO_STATUS_A_QUEUE_AVAIL,		/* u64: driver (avail) area */
	VIRTIO_STATUS_A_QUEUE_USED,		/* u64: device (used) area */
	VIRTIO_STATUS_A_QUEUE_PACKED,		/* u8: packed ring (guest) */
	VIRTIO_STATUS_A_QUEUE_AVAIL_IDX,	/* u32: avail ring idx (guest:
						 * split rings only; vhost:
						 * last read from the ring)
						 */
	VIRTIO_STATUS_A_QUEUE_USED_IDX,		/* u32: used ring idx (guest:
						 * split only; vhost: last
						 * used idx written)
						 */
	VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS,	/* u32: avail ring flags (split) */
	VIRTIO_STATUS_A_QUEUE_USED_FLAGS,	/* u32: used ring flags (split) */
	VIRTIO_STATUS_A_QUEUE_BROKEN,		/* u8: queue is broken (guest) */
	VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX,	/* u32: next avail entry vhost
						 * will take (vhost)
						 */
	VIRTIO_STATUS_A_QUEUE_KICK,		/* u8: a kick eventfd is set
						 * (vhost)
						 */
	VIRTIO_STATUS_A_QUEUE_CALL,		/* u8: a call eventfd is set
						 * (vhost)
						 */
	VIRTIO_STATUS_A_QUEUE_KICK_FD,		/* u32: the kick eventfd's fd in
						 * the process the path names;
						 * absent if unset or not there
						 */
	VIRTIO_STATUS_A_QUEUE_CALL_FD,		/* u32: the same for the call
						 * eventfd
						 */
	VIRTIO_STATUS_A_QUEUE_DESC_GPA,		/* u64: descriptor area as a
						 * guest physical address,
						 * through the memory table
						 * (vhost); absent if outside
						 */
	VIRTIO_STATUS_A_QUEUE_AVAIL_GPA,	/* u64: the same, driver area */
	VIRTIO_STATUS_A_QUEUE_USED_GPA,		/* u64: the same, device area */

	/* VIRTIO_STATUS_CMD_ELEMENT_GET (and QUEUE_* ring idx and flags) */
	VIRTIO_STATUS_A_ELEM_INDEX,		/* u32, request: avail ring index
						 * (taken modulo the ring size;
						 * default: the last entry the
						 * driver made available)
						 */
	VIRTIO_STATUS_A_ELEM_HEAD,		/* u32: descriptor the entry
						 * points to
						 */
	VIRTIO_STATUS_A_ELEM_DESC,		/* nest, repeated, in chain
						 * order: enum
						 * virtio_status_desc_attr
						 */

	/* notifications (VIRTIO_STATUS_CMD_*_NTF) */
	VIRTIO_STATUS_A_EVENT_SEQ,		/* u64: sequence number of the
						 * notification, from 1 at
						 * module load, +1 for each
						 * change whether anyone
						 * listens or not
						 */
	VIRTIO_STATUS_A_EVENT_TIME,		/* u64: when, CLOCK_REALTIME ns */

	/* VIRTIO_STATUS_CMD_INFO replies, continued */
	VIRTIO_STATUS_A_INFO_GENERATION,	/* u32: current generation of
						 * the virtio bus (as
						 * DEV_GENERATION)
						 */

	/*
	 * 128-bit feature sets (kernels from 6.17 keep up to 128 feature
	 * bits). The _FEATURES attributes above keep bits 0-63; each _HI
	 * attribute carries bits 64-127 of the same set. A module built for
	 * such a kernel sends every _HI attribute whose low word it sends,
	 * zero or not (VIRTIO_STATUS_A_INFO_FEATURE_BITS says 128); one
	 * built for an older kernel sends none.
	 */
	VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI,	/* u64: bits 64-127 of
						 * DRIVER_FEATURES
						 */
	VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI,	/* u64: bits 64-127 of
						 * DEVICE_FEATURES
						 */
	VIRTIO_STATUS_A_DEV_VHOST_ACKED_FEATURES_HI, /* u64: bits 64-127 of
						      * VHOST_ACKED_FEATURES
						      */
	VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS,	/* u32: virtqueues the device
						 * offers (QEMU's num-vqs),
						 * read from a modern
						 * virtio-pci device's common
						 * config; absent where the
						 * transport cannot show it
						 * without a register write
						 * (mmio, legacy pci). NUM_VQS
						 * stays the driver's count.
						 */
	VIRTIO_STATUS_A_DEV_LIST_ONLY,		/* u8 (1): the module runs in
						 * list-only mode (see
						 * VIRTIO_STATUS_A_INFO_MODE):
						 * the reply names the device
						 * and leaves out STATUS,
						 * features, queue counts,
						 * BROKEN and FAILED
						 */

	/* VIRTIO_STATUS_CMD_INFO replies, continued */
	VIRTIO_STATUS_A_INFO_MODE,		/* u32: enum virtio_status_mode */
	VIRTIO_STATUS_A_INFO_MODE_REASON,	/* string: why the module runs
						 * in list-only mode, or was
						 * forced out of it; absent in
						 * the normal full mode
						 */
	VIRTIO_STATUS_A_INFO_FINGERPRINT,	/* string: the fingerprint of
						 * the kernel interfaces the
						 * module was built against,
						 * and the kernel release
						 */
	VIRTIO_STATUS_A_INFO_FEATURE_BITS,	/* u32: feature bits the kernel
						 * keeps per device: 64 or 128
						 */

	/* vhost devices, continued */
	VIRTIO_STATUS_A_DEV_VHOST_HOLDERS,	/* u32: processes holding the
						 * device open, all of them
						 * (HOLDER_PID lists the first)
						 */
	VIRTIO_STATUS_A_DEV_VHOST_ERROR,	/* string: why this one device
						 * could not be read (its
						 * module's BTF differs from
						 * the layout's, no layout for
						 * its type, it failed the
						 * structure checks); the reply
						 * then carries KIND, PATH,
						 * NAME, ID, TRANSPORT, DRIVER,
						 * GENERATION, the holders and
						 * this, nothing read through
						 * the layout. Other devices
						 * are read as usual.
						 */

	/* VIRTIO_STATUS_CMD_QUEUE_GET and _ELEMENT_GET, continued */
	VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN,	/* string: why the reply leaves
						 * out every address (QUEUE_DESC,
						 * _AVAIL, _USED, the _GPA ones,
						 * DESC_ADDR): they are given to
						 * callers with CAP_SYS_ADMIN in
						 * the initial user namespace
						 * only; absent when they are in
						 */

	/* issue 11: bounded waits, IOVAs */
	VIRTIO_STATUS_A_DEV_BUSY,		/* string: this device's state
						 * is left out of this reply:
						 * the named lock (another
						 * subsystem's) stayed held by
						 * another task for longer than
						 * the request waits. The reply
						 * then carries the device's
						 * identity only (KIND, PATH,
						 * BUSID, NAME, ID, ...). A do
						 * request gets EBUSY instead.
						 */
	VIRTIO_STATUS_A_QUEUE_ADDR_IOVA,	/* u8 (1): QUEUE_DESC, _AVAIL
						 * and _USED are I/O virtual
						 * addresses (the owner acked
						 * VIRTIO_F_ACCESS_PLATFORM;
						 * always so for vhost-vdpa),
						 * not user addresses: the _GPA
						 * attributes are then absent
						 */

	__VIRTIO_STATUS_A_MAX,
	VIRTIO_STATUS_A_MAX = __VIRTIO_STATUS_A_MAX - 1
};

/*
 * One descriptor of a chain (VIRTIO_STATUS_A_ELEM_DESC), as the ring holds
 * it. An indirect descriptor is reported as itself, not followed.
 */
enum virtio_status_desc_attr {
	VIRTIO_STATUS_A_DESC_UNSPEC,
	VIRTIO_STATUS_A_DESC_PAD,		/* pad for 64-bit attributes */
	VIRTIO_STATUS_A_DESC_ADDR,		/* u64: buffer address (DMA) */
	VIRTIO_STATUS_A_DESC_LEN,		/* u32: buffer length */
	VIRTIO_STATUS_A_DESC_FLAGS,		/* u32: VRING_DESC_F_* */

	__VIRTIO_STATUS_A_DESC_MAX,
	VIRTIO_STATUS_A_DESC_MAX = __VIRTIO_STATUS_A_DESC_MAX - 1
};

#endif /* _UAPI_LINUX_VIRTIO_STATUS_H */
