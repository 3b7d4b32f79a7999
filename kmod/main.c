// SPDX-License-Identifier: GPL-2.0
/*
 * virtio_status: report the state of virtio devices over generic netlink,
 * in the terms of QEMU's x-query-virtio QMP commands.
 */
#include <linux/module.h>
#include <linux/virtio_status.h>
#include <net/genetlink.h>

#include "vs.h"

static int __init vs_init(void)
{
	int err;

	/* List-only or full: decided before anything can read a device. */
	vs_mode_init();

	/* The walkers must be ready before the family can call them. */
	err = vs_virtio_init();
	if (err)
		return err;

	err = vs_vhost_init();
	if (err)
		goto virtio_exit;

	/* Following the bus before the family appears, sending once it has. */
	err = vs_events_init();
	if (err)
		goto vhost_exit;

	err = vs_family_init();
	if (err)
		goto events_exit;
	vs_events_start();
	return 0;

events_exit:
	vs_events_exit();
vhost_exit:
	vs_vhost_exit();
virtio_exit:
	vs_virtio_exit();
	return err;
}

static void __exit vs_exit(void)
{
	vs_events_stop();
	vs_family_exit();
	vs_events_exit();
	vs_vhost_exit();
	vs_virtio_exit();
	vs_health_exit();
}

module_init(vs_init);
module_exit(vs_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Report virtio device state over generic netlink");
MODULE_VERSION(VS_VERSION);
MODULE_ALIAS_GENL_FAMILY(VIRTIO_STATUS_FAMILY_NAME);
