/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: what a virtqueue carries, from the virtio spec's queue
 * layout of each device type. It tells queues that carry requests (the
 * driver hands the device work and waits for it: transmit, block
 * requests, control) from queues that carry buffers posted in advance for
 * the device to fill when it has something (receive, events, balloon
 * statistics): the latter hold buffers while idle, so a used idx that does
 * not move there is not a stall. README "Queue health" lists the table.
 */
#ifndef VS_QUEUE_ROLE_H
#define VS_QUEUE_ROLE_H

#include <stdbool.h>

#include "vs_nl_gen.h"

enum vs_queue_role {
	VS_QUEUE_REQUEST,	/* the driver waits on the device */
	VS_QUEUE_RECEIVE,	/* buffers waiting for the device to fill */
};

/*
 * The role of queue @index of a device of virtio id @id with @nvqs
 * queues. A device type or queue the table does not know is a request
 * queue: outstanding work that never completes is worth saying.
 */
enum vs_queue_role vs_queue_role(u32 id, u32 index, u32 nvqs);

/* "request" or "receive" */
const char *vs_queue_role_name(enum vs_queue_role role);

#endif /* VS_QUEUE_ROLE_H */
