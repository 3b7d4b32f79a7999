// SPDX-License-Identifier: GPL-2.0
/*
 * Device notifications: a virtio device added to the bus, removed from it,
 * a driver bound to it or unbound from it, each sent to the family's
 * "events" multicast group (family.c sends, msg.c writes the attributes).
 *
 * A bus notifier of our own, registered after virtio.c's generation
 * notifier (so the generation it reports already counts the change) and
 * before the family, so that no change after the family appears goes
 * unannounced; it sends only between vs_events_start() and
 * vs_events_stop(), while the family is registered. Only
 * what the driver core hands every bus notifier is used: the device's
 * name, kobject path and virtio ids, all in memory. No register is read,
 * no device lock is taken (the core may hold it while it notifies).
 *
 * Every change takes a sequence number, whether anyone listens or not, so
 * that a listener that misses one can tell. A mutex keeps numbers and
 * sends in the same order; building and sending happen only when a socket
 * listens. Bus notifiers run in process context, one change at a time per
 * device, so sleeping here is fine and no hot path is touched.
 *
 * The removal is announced on BUS_NOTIFY_REMOVED_DEVICE, once the driver
 * is unbound and the device is off the bus, so that a listener sees
 * added, bound, unbound, removed in that order. When the unbind ends
 * (BUS_NOTIFY_UNBOUND_DRIVER) the device no longer points to its driver:
 * the driver is remembered from BUS_NOTIFY_UNBIND_DRIVER, which the core
 * sends first for the same device under the same device lock.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/virtio.h>
#include <linux/virtio_status.h>
#include <linux/xarray.h>

#include "vs.h"

/* Serializes sequence numbers and sends, and guards vs_ev_ready. */
static DEFINE_MUTEX(vs_ev_lock);
static u64 vs_ev_seq;
static bool vs_ev_ready;

/* Device -> the struct device_driver being unbound from it. */
static DEFINE_XARRAY(vs_ev_unbinding);

/* Fill in and send @ev for @dev; called with vs_ev_lock held. */
static void vs_ev_send(struct vs_event_info *ev, struct device *dev)
{
	struct virtio_device *vdev = dev_to_virtio(dev);
	char *kpath;

	kpath = kobject_get_path(&dev->kobj, GFP_KERNEL);
	if (!kpath)
		return;		/* the listener sees a gap in the numbers */
	ev->path = kasprintf(GFP_KERNEL, "/sys%s", kpath);
	kfree(kpath);
	if (!ev->path)
		return;
	ev->busid = dev_name(dev);
	ev->index = vdev->index;
	ev->id = vdev->id.device;
	ev->vendor = vdev->id.vendor;
	vs_virtio_name(ev->id, ev->name, sizeof(ev->name));
	ev->generation = vs_virtio_generation();
	ev->time_ns = ktime_get_real_ns();
	/* -ESRCH (the last listener left) and -ENOBUFS need nothing more. */
	vs_family_notify(ev);
	kfree(ev->path);
}

static void vs_ev_emit(struct device *dev, u8 cmd, const char *driver)
{
	struct vs_event_info ev = { .cmd = cmd, .driver = driver };

	mutex_lock(&vs_ev_lock);
	ev.seq = ++vs_ev_seq;
	if (vs_ev_ready && vs_family_has_listeners())
		vs_ev_send(&ev, dev);
	mutex_unlock(&vs_ev_lock);
}

static int vs_ev_bus(struct notifier_block *nb, unsigned long action, void *data)
{
	struct device_driver *drv;
	struct device *dev = data;

	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		vs_ev_emit(dev, VIRTIO_STATUS_CMD_DEV_ADD_NTF, NULL);
		break;
	case BUS_NOTIFY_REMOVED_DEVICE:
		vs_ev_emit(dev, VIRTIO_STATUS_CMD_DEV_DEL_NTF, NULL);
		break;
	case BUS_NOTIFY_BOUND_DRIVER:
		vs_ev_emit(dev, VIRTIO_STATUS_CMD_BIND_NTF,
			   dev->driver ? dev->driver->name : NULL);
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		/* No memory: the notification goes without the driver. */
		if (dev->driver)
			xa_store(&vs_ev_unbinding, (unsigned long)dev, dev->driver,
				 GFP_KERNEL);
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		/* The driver is still registered: it is being unbound. */
		drv = xa_erase(&vs_ev_unbinding, (unsigned long)dev);
		vs_ev_emit(dev, VIRTIO_STATUS_CMD_UNBIND_NTF, drv ? drv->name : NULL);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vs_ev_nb = {
	.notifier_call = vs_ev_bus,
};

/**
 * vs_events_init() - start following the virtio bus (nothing is sent yet)
 *
 * Call after vs_virtio_init() and before vs_family_init().
 *
 * Return: 0 or a negative errno.
 */
int vs_events_init(void)
{
	return vs_virtio_notifier_register(&vs_ev_nb);
}

/**
 * vs_events_start() - send notifications; the family is registered
 */
void vs_events_start(void)
{
	mutex_lock(&vs_ev_lock);
	vs_ev_ready = true;
	mutex_unlock(&vs_ev_lock);
}

/**
 * vs_events_stop() - send nothing more; call before the family goes
 */
void vs_events_stop(void)
{
	mutex_lock(&vs_ev_lock);
	vs_ev_ready = false;
	mutex_unlock(&vs_ev_lock);
}

/**
 * vs_events_exit() - stop following the virtio bus
 */
void vs_events_exit(void)
{
	vs_virtio_notifier_unregister(&vs_ev_nb);
	xa_destroy(&vs_ev_unbinding);
}
