// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the role of each virtqueue, by device type. Facts from
 * the virtio specification's "Virtqueues" section of each device; the same
 * layout holds for the vhost device that backs one (vhost-net: its two
 * data queues, vhost-vsock: rx and tx, vhost-scsi and vhost-vdpa: the
 * whole layout).
 */
#include "queue_role.h"

#define VS_ID_NET	1
#define VS_ID_CONSOLE	3
#define VS_ID_BALLOON	5
#define VS_ID_SCSI	8
#define VS_ID_GPU	16
#define VS_ID_INPUT	18
#define VS_ID_VSOCK	19
#define VS_ID_IOMMU	23
#define VS_ID_SOUND	25

enum vs_queue_role vs_queue_role(u32 id, u32 index, u32 nvqs)
{
	switch (id) {
	case VS_ID_NET:
		/* receiveqN at 2N, transmitqN at 2N+1, controlq last if odd */
		if ((nvqs & 1) && index == nvqs - 1)
			return VS_QUEUE_REQUEST;
		return index & 1 ? VS_QUEUE_REQUEST : VS_QUEUE_RECEIVE;
	case VS_ID_CONSOLE:
		/* receiveq of each port and the control receiveq are even */
		return index & 1 ? VS_QUEUE_REQUEST : VS_QUEUE_RECEIVE;
	case VS_ID_BALLOON:
		/* inflateq, deflateq, statsq (held until the device asks), ... */
		return index == 2 ? VS_QUEUE_RECEIVE : VS_QUEUE_REQUEST;
	case VS_ID_SCSI:
	case VS_ID_IOMMU:
		/* controlq, eventq, requestqs; iommu: requestq, eventq */
		return index == 1 ? VS_QUEUE_RECEIVE : VS_QUEUE_REQUEST;
	case VS_ID_INPUT:
		/* eventq, statusq */
		return index == 0 ? VS_QUEUE_RECEIVE : VS_QUEUE_REQUEST;
	case VS_ID_VSOCK:
		/* rx, tx, event */
		return index == 1 ? VS_QUEUE_REQUEST : VS_QUEUE_RECEIVE;
	case VS_ID_GPU:
		/* controlq, cursorq */
		return VS_QUEUE_REQUEST;
	case VS_ID_SOUND:
		/* controlq, eventq, txq, rxq */
		return index == 1 || index == 3 ? VS_QUEUE_RECEIVE : VS_QUEUE_REQUEST;
	default:
		return VS_QUEUE_REQUEST;
	}
}

const char *vs_queue_role_name(enum vs_queue_role role)
{
	return role == VS_QUEUE_RECEIVE ? "receive" : "request";
}
