// SPDX-License-Identifier: GPL-2.0
/*
 * The guest side: finding the devices on the virtio bus and reading their
 * state. This is the only file that looks inside struct virtio_device.
 *
 * The virtio bus is not exported, so we register a driver that matches no
 * device and take the bus from it. A bus notifier bumps a generation
 * counter on every add, removal (when it starts and once the device is off
 * the bus), bind and unbind, so that a dump spread over several netlink
 * calls can tell it raced with a change, and so that an event can be
 * placed before or after a dump (events.c).
 *
 * Reading a device's registers must not race with its transport tearing it
 * down (virtio-pci unmaps its BARs right after unregistering the device).
 * Transports unregister their virtio devices from their own driver's remove
 * callback, which runs under the transport device's lock; so we take the
 * transport (parent) device's lock, then the virtio device's own lock, and
 * touch registers only if the transport still has its driver and the virtio
 * device is still registered. The virtio device's lock also serializes us
 * with probe, which uses the same feature-select registers.
 *
 * Pinning a virtio device does not pin its parent: device_del() drops the
 * parent reference as it finishes, and a pinned but deleted device keeps a
 * dangling parent pointer. So the module holds its own reference on each
 * registered device's parent, taken when the device is added (or found at
 * load) and dropped on BUS_NOTIFY_REMOVED_DEVICE, which comes before
 * device_del() lets go of the parent; the lock path borrows it from there.
 */
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/virtio.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_ring.h>
#include <linux/virtio_status.h>
#include <linux/xarray.h>

#include "vs.h"

static const struct virtio_device_id vs_no_ids[] = {
	{ 0 },
};

static int vs_anchor_probe(struct virtio_device *vdev)
{
	return -ENODEV;
}

static void vs_anchor_remove(struct virtio_device *vdev)
{
}

/* Never binds: it exists only to give us the virtio bus. */
static struct virtio_driver vs_anchor = {
	.driver.name = KBUILD_MODNAME,
	.driver.owner = THIS_MODULE,
	.driver.suppress_bind_attrs = true,
	.id_table = vs_no_ids,
	.probe = vs_anchor_probe,
	.remove = vs_anchor_remove,
};

/*
 * struct device_driver::bus became a pointer to const in 6.4, and the bus
 * walkers followed; taking the type from the field suits both.
 */
static typeof(vs_anchor.driver.bus) vs_bus;
static atomic_t vs_gen = ATOMIC_INIT(1);

/**
 * vs_virtio_generation() - current generation of the virtio bus
 *
 * Return: a counter that changes whenever a virtio device is added,
 * removed, bound or unbound; never 0, as netlink's dump consistency check
 * treats 0 as "not set".
 */
u32 vs_virtio_generation(void)
{
	return atomic_read(&vs_gen);
}

static int vs_bus_event(struct notifier_block *nb, unsigned long action,
			void *data)
{
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
	case BUS_NOTIFY_DEL_DEVICE:
	case BUS_NOTIFY_REMOVED_DEVICE:
	case BUS_NOTIFY_BOUND_DRIVER:
	case BUS_NOTIFY_UNBOUND_DRIVER:
		if (atomic_inc_return(&vs_gen) == 0)
			atomic_inc(&vs_gen);
		break;
	}
	return NOTIFY_DONE;
}

/* Parent of each registered virtio device, referenced: see the top. */
static DEFINE_MUTEX(vs_parents_lock);
static DEFINE_XARRAY(vs_parents);

static void vs_parent_track(struct device *dev)
{
	lockdep_assert_held(&vs_parents_lock);
	if (!dev->parent || xa_load(&vs_parents, (unsigned long)dev))
		return;
	if (xa_insert(&vs_parents, (unsigned long)dev, get_device(dev->parent),
		      GFP_KERNEL))
		put_device(dev->parent);	/* no memory: never read */
}

/*
 * The virtqueue count each device offers, once read (vs_pci_num_queues()):
 * a device property that stays as it is while the device is registered,
 * so it is read once rather than mapping a register on every request.
 * Entries are xa_mk_value(count), under vs_parents_lock, dropped with the
 * parent reference.
 */
static DEFINE_XARRAY(vs_dev_nvqs);

static void vs_parent_untrack(struct device *dev)
{
	struct device *parent;

	lockdep_assert_held(&vs_parents_lock);
	parent = xa_erase(&vs_parents, (unsigned long)dev);
	xa_erase(&vs_dev_nvqs, (unsigned long)dev);
	put_device(parent);
}

static int vs_parents_event(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	if (action == BUS_NOTIFY_ADD_DEVICE || action == BUS_NOTIFY_REMOVED_DEVICE) {
		mutex_lock(&vs_parents_lock);
		if (action == BUS_NOTIFY_ADD_DEVICE)
			vs_parent_track(data);
		else
			vs_parent_untrack(data);
		mutex_unlock(&vs_parents_lock);
	}
	return vs_bus_event(nb, action, data);
}

static int vs_same_dev(struct device *dev, const void *data)
{
	return dev == data;
}

/* At load: track a device that was there before the notifier. */
static int vs_parent_track_existing(struct device *dev, void *data)
{
	struct device *still;

	mutex_lock(&vs_parents_lock);
	/*
	 * Still on the bus: its REMOVED event (after it leaves the bus, and
	 * under vs_parents_lock) is yet to come and will undo this.
	 */
	still = bus_find_device(vs_bus, NULL, dev, vs_same_dev);
	if (still) {
		vs_parent_track(dev);
		put_device(still);
	}
	mutex_unlock(&vs_parents_lock);
	return 0;
}

static struct notifier_block vs_bus_nb = {
	.notifier_call = vs_parents_event,
};

/**
 * vs_virtio_find() - look a virtio device up by sysfs path or bus id
 * @path: canonical sysfs path ("/sys/devices/.../virtioN"), or NULL
 * @busid: name on the virtio bus ("virtioN"), used when @path is NULL
 *
 * Return: the device with a reference the caller drops with put_device(),
 * ERR_PTR(-ENODEV) if there is none, ERR_PTR(-ENOMEM).
 */
struct virtio_device *vs_virtio_find(const char *path, const char *busid)
{
	struct device *dev;
	char *kpath;
	bool same;

	if (!path) {
		dev = bus_find_device_by_name(vs_bus, NULL, busid);
		return dev ? dev_to_virtio(dev) : ERR_PTR(-ENODEV);
	}

	/* The sysfs path is "/sys" followed by the kobject's path. */
	if (strncmp(path, "/sys/", 5) || !strrchr(path, '/')[1])
		return ERR_PTR(-ENODEV);
	dev = bus_find_device_by_name(vs_bus, NULL, strrchr(path, '/') + 1);
	if (!dev)
		return ERR_PTR(-ENODEV);

	kpath = kobject_get_path(&dev->kobj, GFP_KERNEL);
	if (!kpath) {
		put_device(dev);
		return ERR_PTR(-ENOMEM);
	}
	same = !strcmp(kpath, path + 4);
	kfree(kpath);
	if (!same) {
		put_device(dev);
		return ERR_PTR(-ENODEV);
	}
	return dev_to_virtio(dev);
}

struct vs_each_ctx {
	int (*fn)(struct virtio_device *vdev, void *arg);
	void *arg;
};

static int vs_each_dev(struct device *dev, void *data)
{
	struct vs_each_ctx *ctx = data;

	return ctx->fn(dev_to_virtio(dev), ctx->arg);
}

/**
 * vs_virtio_for_each() - call @fn for every device on the virtio bus
 * @fn: callback; may sleep; a non-zero return stops the walk
 * @arg: passed to @fn
 *
 * The bus keeps each device pinned while @fn runs for it, and only then.
 *
 * Return: the first non-zero value @fn returned, or 0.
 */
int vs_virtio_for_each(int (*fn)(struct virtio_device *vdev, void *arg),
		       void *arg)
{
	struct vs_each_ctx ctx = { .fn = fn, .arg = arg };

	return bus_for_each_dev(vs_bus, NULL, &ctx, vs_each_dev);
}

/* What vs_lock_live() and vs_ring_lock() say when a lock stays held. */
static const char vs_busy_parent[] =
	"the transport device's lock is held by another task";
static const char vs_busy_dev[] =
	"the virtio device's lock is held by another task";
static const char vs_busy_rtnl[] =
	"the RTNL is held by another task";

/*
 * Lock the transport device, then the virtio device (the driver core's
 * order), and check that the device's registers may still be touched.
 * @parentp gets the transport device, referenced and locked, or NULL.
 * Each lock is waited for within @w's budget only (wait.c): -EBUSY, with
 * @w->busy saying which, if one stays held.
 */
static int vs_lock_live(struct virtio_device *vdev, struct device **parentp,
			struct vs_wait *w)
{
	struct device *parent = NULL;
	int err;

	if (vdev->dev.parent) {
		mutex_lock(&vs_parents_lock);
		parent = xa_load(&vs_parents, (unsigned long)&vdev->dev);
		get_device(parent);
		mutex_unlock(&vs_parents_lock);
		if (!parent)
			return -ENODEV;		/* removed, or being removed */
		if (!vs_device_lock_bounded(parent, w, vs_busy_parent)) {
			put_device(parent);
			return fatal_signal_pending(current) ? -EINTR : -EBUSY;
		}
	}
	if (!vs_device_lock_bounded(&vdev->dev, w, vs_busy_dev)) {
		err = fatal_signal_pending(current) ? -EINTR : -EBUSY;
		goto unlock_parent;
	}
	if (!device_is_registered(&vdev->dev) || (parent && !parent->driver)) {
		err = -ENODEV;
		goto unlock_dev;
	}
	*parentp = parent;
	return 0;

unlock_dev:
	device_unlock(&vdev->dev);
unlock_parent:
	if (parent) {
		device_unlock(parent);
		put_device(parent);
	}
	return err;
}

/*
 * The transport device's bus name and its own name, without taking any
 * device lock: the parent we keep a reference on (vs_parents) cannot go.
 */
static void vs_transport_name(struct virtio_device *vdev,
			      struct vs_virtio_info *info)
{
	struct device *parent;

	mutex_lock(&vs_parents_lock);
	parent = xa_load(&vs_parents, (unsigned long)&vdev->dev);
	strscpy(info->transport, parent && parent->bus ? parent->bus->name : "none",
		sizeof(info->transport));
	strscpy(info->transport_dev, parent ? dev_name(parent) : "",
		sizeof(info->transport_dev));
	mutex_unlock(&vs_parents_lock);
}

static void vs_unlock_live(struct virtio_device *vdev, struct device *parent)
{
	device_unlock(&vdev->dev);
	if (parent) {
		device_unlock(parent);
		put_device(parent);
	}
}

/*
 * The virtqueues the device offers, where the transport shows them without
 * a side effect (modern virtio-pci). @parent is locked with its driver
 * bound. Read once per registered device; see vs_dev_nvqs.
 */
static void vs_read_device_vqs(struct virtio_device *vdev, struct device *parent,
			       struct vs_virtio_info *info)
{
	unsigned long key = (unsigned long)&vdev->dev;
	void *cached;
	u32 num;

	mutex_lock(&vs_parents_lock);
	cached = xa_load(&vs_dev_nvqs, key);
	mutex_unlock(&vs_parents_lock);
	if (!cached) {
		if (!parent || vs_pci_num_queues(parent, &num))
			return;
		cached = xa_mk_value(num);
		mutex_lock(&vs_parents_lock);
		/* Only while tracked: its REMOVED event erases the entry. */
		if (xa_load(&vs_parents, key))
			xa_store(&vs_dev_nvqs, key, cached, GFP_KERNEL);
		mutex_unlock(&vs_parents_lock);
	}
	info->device_num_vqs = xa_to_value(cached);
	info->has_device_num_vqs = true;
}

static void vs_read_vqs(struct virtio_device *vdev, struct vs_virtio_info *info)
{
	struct virtqueue *vq;

	spin_lock(&vdev->vqs_list_lock);
	list_for_each_entry(vq, &vdev->vqs, list) {
		info->num_vqs++;
		if (virtqueue_is_broken(vq))
			info->broken = true;
	}
	spin_unlock(&vdev->vqs_list_lock);
}

/*
 * Classes of the devices a driver makes below a virtio device whose names
 * are fixed for their lifetime, or (net) kept in the device itself: a
 * name another class might rename would be freed under the reader.
 */
static const char * const vs_child_classes[] = {
	"net", "block", "virtio-ports", "input",
};

static int vs_read_child(struct device *child, void *data)
{
	struct vs_virtio_info *info = data;
	const char *class = child->class ? child->class->name : NULL;
	unsigned int i, n = info->nchildren;

	if (n >= ARRAY_SIZE(info->children) || !class)
		return 0;
	for (i = 0; i < ARRAY_SIZE(vs_child_classes); i++)
		if (!strcmp(class, vs_child_classes[i]))
			break;
	if (i == ARRAY_SIZE(vs_child_classes))
		return 0;
	strscpy(info->children[n].class, class, sizeof(info->children[n].class));
	/*
	 * An interface is renamed under the RTNL, which frees the device's
	 * name; its own name array stays: a rename in between is a snapshot.
	 */
	if (i == 0)
		strscpy(info->children[n].name, to_net_dev(child)->name,
			sizeof(info->children[n].name));
	else
		strscpy(info->children[n].name, dev_name(child),
			sizeof(info->children[n].name));
	info->nchildren++;
	return 0;
}

/*
 * What the device's driver made below it (eth0, vda, vport0p1): under the
 * device lock, so the driver, and what it made, stay.
 */
static void vs_read_children(struct virtio_device *vdev, struct vs_virtio_info *info)
{
	device_for_each_child(&vdev->dev, info, vs_read_child);
}

/* The device's canonical sysfs path, "/sys/devices/...", kmalloc'ed. */
static char *vs_sysfs_path(struct virtio_device *vdev)
{
	char *kpath = kobject_get_path(&vdev->dev.kobj, GFP_KERNEL);
	char *path;

	if (!kpath)
		return NULL;
	path = kasprintf(GFP_KERNEL, "/sys%s", kpath);
	kfree(kpath);
	return path;
}

/**
 * vs_virtio_read() - read the state of one virtio device
 * @vdev: the device, pinned by the caller
 * @privileged: the caller may make us read the features the device offers
 *	(that writes the transport's feature-select register)
 * @info: filled in; release with vs_virtio_info_free() on success
 * @w: the request's lock-wait budget
 *
 * Nothing here writes device state except the feature-select register a
 * feature read needs; the ISR is never read (reading it clears it).
 *
 * In list-only mode (fingerprint.c) only driver-core data is read: no
 * transport callback is called and no virtio_device field beyond its ids.
 *
 * A device whose lock stays held past @w's budget is reported with its
 * identity only and @info->busy saying which lock (return 0).
 *
 * Return: 0, -ENODEV if the device is going away, -EINTR if a fatal signal
 * came while waiting for its lock, -ENOMEM.
 */
int vs_virtio_read(struct virtio_device *vdev, bool privileged,
		   struct vs_virtio_info *info, struct vs_wait *w)
{
	struct device *parent;
	int err;

	memset(info, 0, sizeof(*info));
	info->generation = vs_virtio_generation();

	info->path = vs_sysfs_path(vdev);
	if (!info->path)
		return -ENOMEM;

	strscpy(info->busid, dev_name(&vdev->dev), sizeof(info->busid));
	info->index = vdev->index;
	info->id = vdev->id.device;
	info->vendor = vdev->id.vendor;
	vs_virtio_name(info->id, info->name, sizeof(info->name));

	vs_transport_name(vdev, info);
	err = vs_lock_live(vdev, &parent, w);
	if (err == -EBUSY) {
		/* the identity above only: the driver is read under the lock */
		info->busy = w->busy;
		return 0;
	}
	if (err) {
		vs_virtio_info_free(info);
		return err;
	}

	if (vdev->dev.driver)
		strscpy(info->driver, vdev->dev.driver->name, sizeof(info->driver));
	if (vs_mode_list_only()) {
		/* Driver-core data only: see fingerprint.c. */
		info->list_only = true;
		vs_unlock_live(vdev, parent);
		return 0;
	}
	/* Every transport sets get_status today; a call is made only if set. */
	if (vdev->config->get_status) {
		info->status = vdev->config->get_status(vdev);
		info->has_status = true;
	}
	vs_driver_features(vdev, info->driver_features);
	if (!privileged)
		info->device_features_err = EPERM;
	else if (vs_device_features(vdev, info->device_features))
		info->device_features_err = EOPNOTSUPP;
	info->failed = vdev->failed;
	vs_read_vqs(vdev, info);
	vs_read_device_vqs(vdev, parent, info);
	vs_read_children(vdev, info);

	vs_unlock_live(vdev, parent);

	/* Test the bit directly: virtio_has_feature() BUG()s on some bits. */
	if (info->driver_features[0] & BIT_ULL(VIRTIO_F_VERSION_1))
		info->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	else if (virtio_legacy_is_little_endian())
		info->endian = VIRTIO_STATUS_ENDIAN_LITTLE;
	else
		info->endian = VIRTIO_STATUS_ENDIAN_BIG;
	return 0;
}

/*
 * The rule for reading ring memory: virtqueue_resize() and virtqueue_reset()
 * free and replace a ring under the driver's feet. In 6.1 .. 7.3 their
 * only caller is virtio-net, and it calls them under the RTNL (ethtool,
 * XDP socket setup); every other driver's rings live from probe to remove,
 * which the device lock (vs_lock_live()) already excludes. So the RTNL is
 * taken for virtio-net devices only. Order: transport, device, RTNL, as on
 * virtio-net's own probe and remove paths; each within the request's
 * budget (wait.c).
 */
static bool vs_ring_lock(struct virtio_device *vdev, struct vs_wait *w)
{
	return vdev->id.device != VIRTIO_ID_NET || vs_rtnl_lock_bounded(w, vs_busy_rtnl);
}

static void vs_ring_unlock(struct virtio_device *vdev)
{
	if (vdev->id.device == VIRTIO_ID_NET)
		rtnl_unlock();
}

/* A ring field as the device stores it, in the driver's byte order. */
static u16 vs_ring16(struct virtio_device *vdev, __virtio16 v)
{
	if ((vdev->features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
	    virtio_legacy_is_little_endian())
		return le16_to_cpu((__force __le16)v);
	return be16_to_cpu((__force __be16)v);
}

/**
 * vs_virtio_queue_read() - read one virtqueue of a device
 * @vdev: the device, pinned by the caller
 * @index: the queue's index
 * @qi: filled in
 * @w: the request's lock-wait budget
 *
 * The ring's idx and flags are read from ring memory while the driver may
 * be using it: a snapshot, as for any reader outside the driver. Packed
 * rings keep no idx; only split rings report them.
 *
 * Return: 0, -ERANGE if the device has no queue @index, -EPERM in
 * list-only mode, -EBUSY if a lock stayed held (@w->busy says which), or
 * the errors of vs_virtio_read().
 */
int vs_virtio_queue_read(struct virtio_device *vdev, u32 index,
			 struct vs_queue_info *qi, struct vs_wait *w)
{
	const void *seen = NULL;
	struct device *parent;
	struct virtqueue *vq;
	const struct vring *vr;
	int err;

	memset(qi, 0, sizeof(*qi));
	if (vs_mode_list_only())
		return -EPERM;
	err = vs_lock_live(vdev, &parent, w);
	if (err)
		return err;
	if (!vs_ring_lock(vdev, w)) {
		vs_unlock_live(vdev, parent);
		return -EBUSY;
	}
	err = -ERANGE;
	qi->packed = !!(vdev->features & BIT_ULL(VIRTIO_F_RING_PACKED));
	spin_lock(&vdev->vqs_list_lock);
	list_for_each_entry(vq, &vdev->vqs, list) {
		if (vq->index != index)
			continue;
		qi->index = index;
		strscpy(qi->name, vq->name ?: "", sizeof(qi->name));
		qi->num = virtqueue_get_vring_size(vq);
		/* the driver changes it under its own lock: a snapshot */
		qi->num_free = READ_ONCE(vq->num_free);
		qi->desc = virtqueue_get_desc_addr(vq);
		qi->avail = virtqueue_get_avail_addr(vq);
		qi->used = virtqueue_get_used_addr(vq);
		qi->broken = virtqueue_is_broken(vq);
		if (!qi->packed) {
			vr = virtqueue_get_vring(vq);
			qi->avail_idx = vs_ring16(vdev, READ_ONCE(vr->avail->idx));
			qi->avail_flags = vs_ring16(vdev, READ_ONCE(vr->avail->flags));
			qi->used_idx = vs_ring16(vdev, READ_ONCE(vr->used->idx));
			qi->used_flags = vs_ring16(vdev, READ_ONCE(vr->used->flags));
			qi->has_idx = true;
			seen = vq;
		}
		err = 0;
		break;
	}
	spin_unlock(&vdev->vqs_list_lock);
	vs_ring_unlock(vdev);
	vs_unlock_live(vdev, parent);
	if (seen)
		vs_health_note(seen, qi->used, index, qi->used_idx,
			       (u16)(qi->avail_idx - qi->used_idx));
	return err;
}

/* Every queue's indexes, under vqs_list_lock; at most hd->nqs of them. */
static void vs_read_health(struct virtio_device *vdev, struct vs_health_dev *hd)
{
	bool packed = !!(vdev->features & BIT_ULL(VIRTIO_F_RING_PACKED));
	struct virtqueue *vq;
	const struct vring *vr;
	u32 n = 0;

	spin_lock(&vdev->vqs_list_lock);
	list_for_each_entry(vq, &vdev->vqs, list) {
		struct vs_qhealth *q;

		if (n == hd->nqs)
			break;
		q = &hd->qs[n];
		q->index = vq->index;
		q->num = virtqueue_get_vring_size(vq);
		q->num_free = READ_ONCE(vq->num_free);
		q->packed = packed;
		if (packed) {
			q->in_flight = q->num - min(q->num_free, q->num);
		} else {
			vr = virtqueue_get_vring(vq);
			q->avail_idx = vs_ring16(vdev, READ_ONCE(vr->avail->idx));
			q->used_idx = vs_ring16(vdev, READ_ONCE(vr->used->idx));
			q->in_flight = (u16)(q->avail_idx - q->used_idx);
			q->has_idx = true;
			q->obj = vq;
			q->ring = virtqueue_get_used_addr(vq);
		}
		n++;
	}
	spin_unlock(&vdev->vqs_list_lock);
	hd->nqs = n;
}

/**
 * vs_virtio_health_read() - read the progress of every queue of a device
 * @vdev: the device, pinned by the caller
 * @hd: filled in; release with vs_health_dev_free() on success
 * @w: the request's lock-wait budget
 *
 * The indexes are read under the locks vs_virtio_queue_read() takes, all
 * queues at once; then each split ring's read is noted (health.c), which
 * gives its stalled time.
 *
 * Return: 0 (with @hd->busy set if a lock stayed held), -ENODEV if the
 * device is going away, -EINTR, -ENOMEM.
 */
int vs_virtio_health_read(struct virtio_device *vdev, struct vs_health_dev *hd,
			  struct vs_wait *w)
{
	struct device *parent;
	struct virtqueue *vq;
	u32 i, n = 0;
	int err;

	memset(hd, 0, sizeof(*hd));
	hd->path = vs_sysfs_path(vdev);
	if (!hd->path)
		return -ENOMEM;
	hd->busid = dev_name(&vdev->dev);
	hd->kind = VIRTIO_STATUS_KIND_VIRTIO;
	hd->id = vdev->id.device;

	err = vs_lock_live(vdev, &parent, w);
	if (err == -EBUSY) {
		hd->busy = w->busy;
		return 0;
	}
	if (err)
		goto fail;
	if (!vs_ring_lock(vdev, w)) {
		vs_unlock_live(vdev, parent);
		hd->busy = w->busy;
		return 0;
	}
	/* the queues stay while the device lock is held: count, then read */
	spin_lock(&vdev->vqs_list_lock);
	list_for_each_entry(vq, &vdev->vqs, list)
		n++;
	spin_unlock(&vdev->vqs_list_lock);
	hd->qs = kcalloc(max(n, 1U), sizeof(*hd->qs), GFP_KERNEL);
	if (hd->qs) {
		hd->nqs = n;
		vs_read_health(vdev, hd);
	}
	vs_ring_unlock(vdev);
	vs_unlock_live(vdev, parent);
	if (!hd->qs) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < hd->nqs; i++) {
		struct vs_qhealth *q = &hd->qs[i];

		if (q->has_idx)
			q->stalled_ns = vs_health_note(q->obj, q->ring, q->index,
						       q->used_idx, q->in_flight);
	}
	return 0;

fail:
	vs_health_dev_free(hd);
	return err;
}

/**
 * vs_health_dev_free() - release what a health read kept
 * @hd: the device's queues
 */
void vs_health_dev_free(struct vs_health_dev *hd)
{
	if (hd->kind == VIRTIO_STATUS_KIND_VIRTIO)
		kfree(hd->path);
	kfree(hd->qs);
	hd->path = NULL;
	hd->qs = NULL;
}

/* The chain from @ei->head, under the queue's locks (see below). */
static void vs_read_chain(struct virtio_device *vdev, const struct vring *vr,
			  struct vs_elem_info *ei)
{
	u32 i = ei->head;

	ei->ndescs = 0;
	while (ei->ndescs < min_t(u32, vr->num, VS_ELEM_MAX_DESCS) && i < vr->num) {
		struct vs_elem_desc *d = &ei->descs[ei->ndescs++];
		const struct vring_desc *rd = &vr->desc[i];
		bool le = (vdev->features & BIT_ULL(VIRTIO_F_VERSION_1)) ||
			  virtio_legacy_is_little_endian();

		d->addr = le ? le64_to_cpu((__force __le64)READ_ONCE(rd->addr)) :
			       be64_to_cpu((__force __be64)READ_ONCE(rd->addr));
		d->len = le ? le32_to_cpu((__force __le32)READ_ONCE(rd->len)) :
			      be32_to_cpu((__force __be32)READ_ONCE(rd->len));
		d->flags = vs_ring16(vdev, READ_ONCE(rd->flags));
		if (!(d->flags & VRING_DESC_F_NEXT))
			break;
		i = vs_ring16(vdev, READ_ONCE(rd->next));
	}
}

/**
 * vs_virtio_elem_read() - an avail ring entry of a split-ring queue
 * @vdev: the device, pinned by the caller
 * @qindex: the queue's index
 * @given: @eindex was given; else the last entry the driver made available
 * @eindex: avail ring index, taken modulo the ring size
 * @ei: filled in; @ei->descs must hold VS_ELEM_MAX_DESCS entries
 * @w: the request's lock-wait budget
 *
 * Read under the same locks as vs_virtio_queue_read(): a snapshot of ring
 * memory the driver keeps using. Indirect descriptors are not followed.
 *
 * Return: 0, -ERANGE (no such queue), -EOPNOTSUPP (packed ring), -EIO (the
 * entry points past the descriptor table), -EPERM (list-only mode), -EBUSY
 * (as vs_virtio_queue_read()), or the errors of vs_virtio_read().
 */
int vs_virtio_elem_read(struct virtio_device *vdev, u32 qindex, bool given,
			u32 eindex, struct vs_elem_info *ei, struct vs_wait *w)
{
	struct device *parent;
	const struct vring *vr;
	struct virtqueue *vq;
	int err;

	if (vs_mode_list_only())
		return -EPERM;
	err = vs_lock_live(vdev, &parent, w);
	if (err)
		return err;
	if (!vs_ring_lock(vdev, w)) {
		vs_unlock_live(vdev, parent);
		return -EBUSY;
	}
	err = -ERANGE;
	spin_lock(&vdev->vqs_list_lock);
	list_for_each_entry(vq, &vdev->vqs, list) {
		if (vq->index != qindex)
			continue;
		if (vdev->features & BIT_ULL(VIRTIO_F_RING_PACKED)) {
			err = -EOPNOTSUPP;
			break;
		}
		vr = virtqueue_get_vring(vq);
		ei->qindex = qindex;
		ei->avail_idx = vs_ring16(vdev, READ_ONCE(vr->avail->idx));
		ei->avail_flags = vs_ring16(vdev, READ_ONCE(vr->avail->flags));
		ei->used_idx = vs_ring16(vdev, READ_ONCE(vr->used->idx));
		ei->used_flags = vs_ring16(vdev, READ_ONCE(vr->used->flags));
		ei->eindex = (given ? eindex : (u16)(ei->avail_idx - 1)) % vr->num;
		ei->head = vs_ring16(vdev, READ_ONCE(vr->avail->ring[ei->eindex]));
		err = ei->head < vr->num ? 0 : -EIO;
		if (!err)
			vs_read_chain(vdev, vr, ei);
		break;
	}
	spin_unlock(&vdev->vqs_list_lock);
	vs_ring_unlock(vdev);
	vs_unlock_live(vdev, parent);
	return err;
}

/**
 * vs_virtio_info_free() - release what vs_virtio_read() allocated
 * @info: the device state
 */
void vs_virtio_info_free(struct vs_virtio_info *info)
{
	kfree(info->path);
	info->path = NULL;
}

/**
 * vs_virtio_init() - find the virtio bus and start following its changes
 *
 * Return: 0 or a negative errno.
 */
int vs_virtio_init(void)
{
	int err;

	err = register_virtio_driver(&vs_anchor);
	if (err)
		return err;
	vs_bus = vs_anchor.driver.bus;

	err = bus_register_notifier(vs_bus, &vs_bus_nb);
	if (err)
		goto unregister_anchor;
	/* After the notifier, so that no device is missed. */
	bus_for_each_dev(vs_bus, NULL, NULL, vs_parent_track_existing);
	return 0;

unregister_anchor:
	unregister_virtio_driver(&vs_anchor);
	return err;
}

/**
 * vs_virtio_notifier_register() - follow the virtio bus's changes too
 * @nb: called after the generation was bumped for the change (the
 *	generation's own notifier was registered first)
 *
 * Return: 0 or a negative errno.
 */
int vs_virtio_notifier_register(struct notifier_block *nb)
{
	return bus_register_notifier(vs_bus, nb);
}

/**
 * vs_virtio_notifier_unregister() - undo vs_virtio_notifier_register()
 * @nb: the notifier; no call of it runs once this returns
 */
void vs_virtio_notifier_unregister(struct notifier_block *nb)
{
	bus_unregister_notifier(vs_bus, nb);
}

/**
 * vs_virtio_exit() - undo vs_virtio_init()
 */
void vs_virtio_exit(void)
{
	struct device *parent;
	unsigned long dev;

	bus_unregister_notifier(vs_bus, &vs_bus_nb);
	xa_for_each(&vs_parents, dev, parent)
		put_device(parent);
	xa_destroy(&vs_parents);
	xa_destroy(&vs_dev_nvqs);
	unregister_virtio_driver(&vs_anchor);
}
