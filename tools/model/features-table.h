/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: every feature and status bit the tool can name, as one
 * list expanded several times (an "X macro"): features.c builds its tables
 * from it, and the unit test checks it against the uapi headers.
 *
 * Before including, define VS_FEAT(table, bit, sym, src, desc): one bit
 * of a table: the table's key (a virtio device id, VIRTIO_ID_* of
 * <linux/virtio_ids.h>, or one of VS_TBL_* of features.h), the bit number,
 * the symbol exactly as its header spells it, where the symbol is defined,
 * and our own words.
 *
 * src is H when <linux/virtio_*.h> (or vhost_types.h) #defines sym as the
 * bit number, E when it is an enum constant there, S for the status byte
 * (sym is the mask 1 << bit), and N when no uapi header has it (the virtio
 * specification, or QEMU's vhost-user); N entries are checked against the
 * values written in the unit test.
 *
 * The entries of a table are together, in ascending bit order: decoded
 * lists come out in that order.
 */

/* Bits every device type shares: they go to "transports". */
VS_FEAT(VS_TBL_TRANSPORT, 24, VIRTIO_F_NOTIFY_ON_EMPTY, H,
	"interrupt even when no buffers are left (legacy)")
VS_FEAT(VS_TBL_TRANSPORT, 27, VIRTIO_F_ANY_LAYOUT, H,
	"headers need not sit in their own descriptor (legacy)")
VS_FEAT(VS_TBL_TRANSPORT, 28, VIRTIO_RING_F_INDIRECT_DESC, H,
	"descriptors may point to tables of descriptors")
VS_FEAT(VS_TBL_TRANSPORT, 29, VIRTIO_RING_F_EVENT_IDX, H,
	"notifications suppressed by ring index thresholds")
VS_FEAT(VS_TBL_TRANSPORT, 32, VIRTIO_F_VERSION_1, H, "speaks virtio 1.0 or later (not legacy)")
VS_FEAT(VS_TBL_TRANSPORT, 33, VIRTIO_F_ACCESS_PLATFORM, H,
	"DMA goes through the platform IOMMU and restrictions")
VS_FEAT(VS_TBL_TRANSPORT, 34, VIRTIO_F_RING_PACKED, H, "packed virtqueue layout")
VS_FEAT(VS_TBL_TRANSPORT, 35, VIRTIO_F_IN_ORDER, H,
	"buffers are used in the order they were made available")
VS_FEAT(VS_TBL_TRANSPORT, 36, VIRTIO_F_ORDER_PLATFORM, H,
	"memory accesses ordered as the platform requires")
VS_FEAT(VS_TBL_TRANSPORT, 37, VIRTIO_F_SR_IOV, H, "single root I/O virtualization")
VS_FEAT(VS_TBL_TRANSPORT, 38, VIRTIO_F_NOTIFICATION_DATA, H,
	"driver notifications carry ring position data")
VS_FEAT(VS_TBL_TRANSPORT, 39, VIRTIO_F_NOTIF_CONFIG_DATA, H,
	"driver notifications carry a device-given value")
VS_FEAT(VS_TBL_TRANSPORT, 40, VIRTIO_F_RING_RESET, H, "single virtqueues can be reset")
VS_FEAT(VS_TBL_TRANSPORT, 41, VIRTIO_F_ADMIN_VQ, H, "administration virtqueue")

/* Device bits any device type may carry: they go to "dev-features". */
VS_FEAT(VS_TBL_COMMON, 30, VHOST_USER_F_PROTOCOL_FEATURES, N,
	"vhost-user protocol feature negotiation")

/* Device bits of kernel vhost devices only. */
VS_FEAT(VS_TBL_VHOST, 26, VHOST_F_LOG_ALL, H, "dirty page logging for live migration")

/* vhost backend features (VHOST_SET_BACKEND_FEATURES). */
VS_FEAT(VS_TBL_VHOST_BACKEND, 1, VHOST_BACKEND_F_IOTLB_MSG_V2, H, "IOTLB messages in the v2 format")
VS_FEAT(VS_TBL_VHOST_BACKEND, 2, VHOST_BACKEND_F_IOTLB_BATCH, H, "IOTLB updates can be batched")
VS_FEAT(VS_TBL_VHOST_BACKEND, 3, VHOST_BACKEND_F_IOTLB_ASID, H,
	"IOTLB messages carry an address space id")
VS_FEAT(VS_TBL_VHOST_BACKEND, 4, VHOST_BACKEND_F_SUSPEND, H, "the device can be suspended")
VS_FEAT(VS_TBL_VHOST_BACKEND, 5, VHOST_BACKEND_F_RESUME, H, "a suspended device can be resumed")
VS_FEAT(VS_TBL_VHOST_BACKEND, 6, VHOST_BACKEND_F_ENABLE_AFTER_DRIVER_OK, H,
	"queues may be enabled after DRIVER_OK")
VS_FEAT(VS_TBL_VHOST_BACKEND, 7, VHOST_BACKEND_F_DESC_ASID, H,
	"descriptor tables may have their own address space")
VS_FEAT(VS_TBL_VHOST_BACKEND, 8, VHOST_BACKEND_F_IOTLB_PERSIST, H,
	"IOTLB mappings survive a device reset")

/* The device status byte: bit is log2 of the mask. */
VS_FEAT(VS_TBL_STATUS, 0, VIRTIO_CONFIG_S_ACKNOWLEDGE, S, "the guest noticed the device")
VS_FEAT(VS_TBL_STATUS, 1, VIRTIO_CONFIG_S_DRIVER, S, "the guest has a driver for it")
VS_FEAT(VS_TBL_STATUS, 2, VIRTIO_CONFIG_S_DRIVER_OK, S, "the driver is ready, the device is live")
VS_FEAT(VS_TBL_STATUS, 3, VIRTIO_CONFIG_S_FEATURES_OK, S, "feature negotiation is complete")
VS_FEAT(VS_TBL_STATUS, 6, VIRTIO_CONFIG_S_NEEDS_RESET, S,
	"the device hit an error and needs a reset")
VS_FEAT(VS_TBL_STATUS, 7, VIRTIO_CONFIG_S_FAILED, S, "the driver gave up on the device")

VS_FEAT(VIRTIO_ID_NET, 0, VIRTIO_NET_F_CSUM, H, "device checksums partially checksummed packets")
VS_FEAT(VIRTIO_ID_NET, 1, VIRTIO_NET_F_GUEST_CSUM, H,
	"driver accepts partially checksummed packets")
VS_FEAT(VIRTIO_ID_NET, 2, VIRTIO_NET_F_CTRL_GUEST_OFFLOADS, H,
	"receive offloads switchable at run time")
VS_FEAT(VIRTIO_ID_NET, 3, VIRTIO_NET_F_MTU, H, "device suggests an MTU")
VS_FEAT(VIRTIO_ID_NET, 5, VIRTIO_NET_F_MAC, H, "device provides a MAC address")
VS_FEAT(VIRTIO_ID_NET, 6, VIRTIO_NET_F_GSO, H, "device takes any GSO type (legacy)")
VS_FEAT(VIRTIO_ID_NET, 7, VIRTIO_NET_F_GUEST_TSO4, H, "driver receives TCPv4 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 8, VIRTIO_NET_F_GUEST_TSO6, H, "driver receives TCPv6 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 9, VIRTIO_NET_F_GUEST_ECN, H, "driver receives TSO with ECN")
VS_FEAT(VIRTIO_ID_NET, 10, VIRTIO_NET_F_GUEST_UFO, H, "driver receives UDP fragmentation offload")
VS_FEAT(VIRTIO_ID_NET, 11, VIRTIO_NET_F_HOST_TSO4, H, "device takes TCPv4 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 12, VIRTIO_NET_F_HOST_TSO6, H, "device takes TCPv6 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 13, VIRTIO_NET_F_HOST_ECN, H, "device takes TSO with ECN")
VS_FEAT(VIRTIO_ID_NET, 14, VIRTIO_NET_F_HOST_UFO, H, "device takes UDP fragmentation offload")
VS_FEAT(VIRTIO_ID_NET, 15, VIRTIO_NET_F_MRG_RXBUF, H, "receive packets may span merged buffers")
VS_FEAT(VIRTIO_ID_NET, 16, VIRTIO_NET_F_STATUS, H, "link status in the config space")
VS_FEAT(VIRTIO_ID_NET, 17, VIRTIO_NET_F_CTRL_VQ, H, "control virtqueue")
VS_FEAT(VIRTIO_ID_NET, 18, VIRTIO_NET_F_CTRL_RX, H, "receive modes set over the control queue")
VS_FEAT(VIRTIO_ID_NET, 19, VIRTIO_NET_F_CTRL_VLAN, H, "VLAN filter set over the control queue")
VS_FEAT(VIRTIO_ID_NET, 20, VIRTIO_NET_F_CTRL_RX_EXTRA, H,
	"more receive modes over the control queue")
VS_FEAT(VIRTIO_ID_NET, 21, VIRTIO_NET_F_GUEST_ANNOUNCE, H, "driver sends gratuitous announcements")
VS_FEAT(VIRTIO_ID_NET, 22, VIRTIO_NET_F_MQ, H, "several transmit/receive queue pairs")
VS_FEAT(VIRTIO_ID_NET, 23, VIRTIO_NET_F_CTRL_MAC_ADDR, H, "MAC address set over the control queue")
VS_FEAT(VIRTIO_ID_NET, 50, VIRTIO_NET_F_DEVICE_STATS, H, "device-level statistics")
VS_FEAT(VIRTIO_ID_NET, 52, VIRTIO_NET_F_VQ_NOTF_COAL, H, "notification coalescing per virtqueue")
VS_FEAT(VIRTIO_ID_NET, 53, VIRTIO_NET_F_NOTF_COAL, H, "notification coalescing")
VS_FEAT(VIRTIO_ID_NET, 54, VIRTIO_NET_F_GUEST_USO4, H, "driver receives UDPv4 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 55, VIRTIO_NET_F_GUEST_USO6, H, "driver receives UDPv6 segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 56, VIRTIO_NET_F_HOST_USO, H, "device takes UDP segmentation offload")
VS_FEAT(VIRTIO_ID_NET, 57, VIRTIO_NET_F_HASH_REPORT, H, "device reports packet hashes")
VS_FEAT(VIRTIO_ID_NET, 59, VIRTIO_NET_F_GUEST_HDRLEN, H, "driver sets the exact header length")
VS_FEAT(VIRTIO_ID_NET, 60, VIRTIO_NET_F_RSS, H, "receive side scaling")
VS_FEAT(VIRTIO_ID_NET, 61, VIRTIO_NET_F_RSC_EXT, H, "extended receive segment coalescing info")
VS_FEAT(VIRTIO_ID_NET, 62, VIRTIO_NET_F_STANDBY, H, "standby for a passthrough device (failover)")
VS_FEAT(VIRTIO_ID_NET, 63, VIRTIO_NET_F_SPEED_DUPLEX, H,
	"link speed and duplex in the config space")
/* from here on, bits only kernels with 128-bit feature sets (6.17+) keep */
VS_FEAT(VIRTIO_ID_NET, 65, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO, H,
	"driver receives segmentation offload inside UDP tunnels")
VS_FEAT(VIRTIO_ID_NET, 66, VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM, H,
	"driver receives UDP tunnel GSO with the outer checksum to complete")
VS_FEAT(VIRTIO_ID_NET, 67, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO, H,
	"device takes segmentation offload inside UDP tunnels")
VS_FEAT(VIRTIO_ID_NET, 68, VIRTIO_NET_F_HOST_UDP_TUNNEL_GSO_CSUM, H,
	"device takes UDP tunnel GSO with the outer checksum to complete")

VS_FEAT(VIRTIO_ID_BLOCK, 0, VIRTIO_BLK_F_BARRIER, H, "request barriers (legacy)")
VS_FEAT(VIRTIO_ID_BLOCK, 1, VIRTIO_BLK_F_SIZE_MAX, H, "maximum segment size given")
VS_FEAT(VIRTIO_ID_BLOCK, 2, VIRTIO_BLK_F_SEG_MAX, H, "maximum segments per request given")
VS_FEAT(VIRTIO_ID_BLOCK, 4, VIRTIO_BLK_F_GEOMETRY, H, "disk geometry given (legacy)")
VS_FEAT(VIRTIO_ID_BLOCK, 5, VIRTIO_BLK_F_RO, H, "read-only disk")
VS_FEAT(VIRTIO_ID_BLOCK, 6, VIRTIO_BLK_F_BLK_SIZE, H, "block size given")
VS_FEAT(VIRTIO_ID_BLOCK, 7, VIRTIO_BLK_F_SCSI, H, "SCSI command passthrough (legacy)")
VS_FEAT(VIRTIO_ID_BLOCK, 9, VIRTIO_BLK_F_FLUSH, H, "cache flush command")
VS_FEAT(VIRTIO_ID_BLOCK, 10, VIRTIO_BLK_F_TOPOLOGY, H, "alignment and I/O size hints given")
VS_FEAT(VIRTIO_ID_BLOCK, 11, VIRTIO_BLK_F_CONFIG_WCE, H, "write cache mode switchable")
VS_FEAT(VIRTIO_ID_BLOCK, 12, VIRTIO_BLK_F_MQ, H, "several request queues")
VS_FEAT(VIRTIO_ID_BLOCK, 13, VIRTIO_BLK_F_DISCARD, H, "discard command")
VS_FEAT(VIRTIO_ID_BLOCK, 14, VIRTIO_BLK_F_WRITE_ZEROES, H, "write zeroes command")
VS_FEAT(VIRTIO_ID_BLOCK, 15, VIRTIO_BLK_F_LIFETIME, N, "device lifetime information")
VS_FEAT(VIRTIO_ID_BLOCK, 16, VIRTIO_BLK_F_SECURE_ERASE, H, "secure erase command")
VS_FEAT(VIRTIO_ID_BLOCK, 17, VIRTIO_BLK_F_ZONED, H, "zoned block device")

VS_FEAT(VIRTIO_ID_CONSOLE, 0, VIRTIO_CONSOLE_F_SIZE, H, "console size given")
VS_FEAT(VIRTIO_ID_CONSOLE, 1, VIRTIO_CONSOLE_F_MULTIPORT, H, "several ports, control queues")
VS_FEAT(VIRTIO_ID_CONSOLE, 2, VIRTIO_CONSOLE_F_EMERG_WRITE, H, "emergency write register")

VS_FEAT(VIRTIO_ID_BALLOON, 0, VIRTIO_BALLOON_F_MUST_TELL_HOST, H,
	"tell the host before using deflated pages")
VS_FEAT(VIRTIO_ID_BALLOON, 1, VIRTIO_BALLOON_F_STATS_VQ, H, "memory statistics queue")
VS_FEAT(VIRTIO_ID_BALLOON, 2, VIRTIO_BALLOON_F_DEFLATE_ON_OOM, H,
	"deflate when the guest runs out of memory")
VS_FEAT(VIRTIO_ID_BALLOON, 3, VIRTIO_BALLOON_F_FREE_PAGE_HINT, H, "free page hinting queue")
VS_FEAT(VIRTIO_ID_BALLOON, 4, VIRTIO_BALLOON_F_PAGE_POISON, H, "guest poisons freed pages")
VS_FEAT(VIRTIO_ID_BALLOON, 5, VIRTIO_BALLOON_F_REPORTING, H, "free page reporting queue")

VS_FEAT(VIRTIO_ID_SCSI, 0, VIRTIO_SCSI_F_INOUT, H, "requests may both read and write")
VS_FEAT(VIRTIO_ID_SCSI, 1, VIRTIO_SCSI_F_HOTPLUG, H, "target and LUN hot-plug events")
VS_FEAT(VIRTIO_ID_SCSI, 2, VIRTIO_SCSI_F_CHANGE, H, "LUN parameter change events")
VS_FEAT(VIRTIO_ID_SCSI, 3, VIRTIO_SCSI_F_T10_PI, H, "T10 protection information")

VS_FEAT(VIRTIO_ID_9P, 0, VIRTIO_9P_MOUNT_TAG, H, "mount tag given")

VS_FEAT(VIRTIO_ID_GPU, 0, VIRTIO_GPU_F_VIRGL, H, "3D acceleration (virgl)")
VS_FEAT(VIRTIO_ID_GPU, 1, VIRTIO_GPU_F_EDID, H, "EDID of the display")
VS_FEAT(VIRTIO_ID_GPU, 2, VIRTIO_GPU_F_RESOURCE_UUID, H, "resources can be given UUIDs")
VS_FEAT(VIRTIO_ID_GPU, 3, VIRTIO_GPU_F_RESOURCE_BLOB, H, "blob resources")
VS_FEAT(VIRTIO_ID_GPU, 4, VIRTIO_GPU_F_CONTEXT_INIT, H, "contexts of several types")
VS_FEAT(VIRTIO_ID_GPU, 5, VIRTIO_GPU_F_BLOB_ALIGNMENT, H,
	"blob creation and mapping follow an alignment the device gives")

VS_FEAT(VIRTIO_ID_CLOCK, 0, VIRTIO_RTC_F_ALARM, H, "clocks with an alarm")

VS_FEAT(VIRTIO_ID_VSOCK, 0, VIRTIO_VSOCK_F_STREAM, N, "stream sockets")
VS_FEAT(VIRTIO_ID_VSOCK, 1, VIRTIO_VSOCK_F_SEQPACKET, H, "seqpacket sockets")
VS_FEAT(VIRTIO_ID_VSOCK, 2, VIRTIO_VSOCK_F_NO_IMPLIED_STREAM, N, "stream sockets only when offered")

VS_FEAT(VIRTIO_ID_CRYPTO, 0, VIRTIO_CRYPTO_F_REVISION_1, N, "revision 1 request format")
VS_FEAT(VIRTIO_ID_CRYPTO, 1, VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE, N, "stateless cipher requests")
VS_FEAT(VIRTIO_ID_CRYPTO, 2, VIRTIO_CRYPTO_F_HASH_STATELESS_MODE, N, "stateless hash requests")
VS_FEAT(VIRTIO_ID_CRYPTO, 3, VIRTIO_CRYPTO_F_MAC_STATELESS_MODE, N, "stateless MAC requests")
VS_FEAT(VIRTIO_ID_CRYPTO, 4, VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE, N, "stateless AEAD requests")

VS_FEAT(VIRTIO_ID_IOMMU, 0, VIRTIO_IOMMU_F_INPUT_RANGE, H, "input address range given")
VS_FEAT(VIRTIO_ID_IOMMU, 1, VIRTIO_IOMMU_F_DOMAIN_RANGE, H, "domain id range given")
VS_FEAT(VIRTIO_ID_IOMMU, 2, VIRTIO_IOMMU_F_MAP_UNMAP, H, "map and unmap requests")
VS_FEAT(VIRTIO_ID_IOMMU, 3, VIRTIO_IOMMU_F_BYPASS, H, "unattached endpoints bypass translation")
VS_FEAT(VIRTIO_ID_IOMMU, 4, VIRTIO_IOMMU_F_PROBE, H, "probe requests")
VS_FEAT(VIRTIO_ID_IOMMU, 5, VIRTIO_IOMMU_F_MMIO, H, "MMIO mappings")
VS_FEAT(VIRTIO_ID_IOMMU, 6, VIRTIO_IOMMU_F_BYPASS_CONFIG, H,
	"bypass switchable in the config space")

VS_FEAT(VIRTIO_ID_MEM, 0, VIRTIO_MEM_F_ACPI_PXM, H, "node id is an ACPI proximity domain")
VS_FEAT(VIRTIO_ID_MEM, 1, VIRTIO_MEM_F_UNPLUGGED_INACCESSIBLE, H,
	"unplugged memory must not be touched")
VS_FEAT(VIRTIO_ID_MEM, 2, VIRTIO_MEM_F_PERSISTENT_SUSPEND, H, "plugged memory survives suspend")

VS_FEAT(VIRTIO_ID_SOUND, 0, VIRTIO_SND_F_CTLS, E, "control elements")

VS_FEAT(VIRTIO_ID_FS, 0, VIRTIO_FS_F_NOTIFICATION, N, "notification queue")

VS_FEAT(VIRTIO_ID_PMEM, 0, VIRTIO_PMEM_F_SHMEM_REGION, H, "memory given as a shared memory region")

VS_FEAT(VIRTIO_ID_SCMI, 0, VIRTIO_SCMI_F_P2A_CHANNELS, H, "platform-to-agent channels")
VS_FEAT(VIRTIO_ID_SCMI, 1, VIRTIO_SCMI_F_SHARED_MEMORY, H, "shared memory for statistics")

VS_FEAT(VIRTIO_ID_I2C_ADAPTER, 0, VIRTIO_I2C_F_ZERO_LENGTH_REQUEST, H, "zero-length transfers")

VS_FEAT(VIRTIO_ID_CAN, 0, VIRTIO_CAN_F_CAN_CLASSIC, H, "classic CAN frames")
VS_FEAT(VIRTIO_ID_CAN, 1, VIRTIO_CAN_F_CAN_FD, H, "CAN FD frames")
VS_FEAT(VIRTIO_ID_CAN, 2, VIRTIO_CAN_F_RTR_FRAMES, H, "remote transmission request frames")
VS_FEAT(VIRTIO_ID_CAN, 3, VIRTIO_CAN_F_LATE_TX_ACK, H,
	"transmissions confirmed once on the bus, not once queued")

VS_FEAT(VIRTIO_ID_BT, 0, VIRTIO_BT_F_VND_HCI, H, "vendor HCI commands")
VS_FEAT(VIRTIO_ID_BT, 1, VIRTIO_BT_F_MSFT_EXT, H, "Microsoft vendor extensions")
VS_FEAT(VIRTIO_ID_BT, 2, VIRTIO_BT_F_AOSP_EXT, H, "Android vendor extensions")
VS_FEAT(VIRTIO_ID_BT, 3, VIRTIO_BT_F_CONFIG_V2, H, "second configuration layout")

VS_FEAT(VIRTIO_ID_GPIO, 0, VIRTIO_GPIO_F_IRQ, H, "interrupts on GPIO lines")
