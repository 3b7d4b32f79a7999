// SPDX-License-Identifier: GPL-2.0
/*
 * The host side: finding vhost devices held open by processes and reading
 * their state. This is the only file that looks inside vhost's structures.
 *
 * No list of vhost devices exists. A dump walks the threads the caller can
 * see (its pid namespace), by pid number, one at a time: a reference on
 * the thread, no RCU read section held across it, a reschedule point
 * between threads; each fd table is read in slices of
 * VS_WALK_FDS_PER_HOLD files per hold of its lock. The walk keeps each
 * vhost fd it finds as identities (file, holder mm, owner mm), never a
 * reference: nothing of a VM's is kept alive by a walk. A device is pinned
 * again, from a holder's table and only if that fd still holds that very
 * file, while it is read and reported, then let go before the next one.
 * A dump keeps its walk between parts and resumes where it stopped; a
 * continuation never walks again. The owner of a device whose owner holds
 * no fd on it is found by mm among the processes the same walk visited.
 *
 * One device held by several processes (fork, fd passing) is one file,
 * so it is reported once: with the first VIRTIO_STATUS_HOLDERS_SENT
 * holder pids (lowest first) and the count of all, de-duplicated by file
 * identity and pid. Its path names the owner (the process whose mm the
 * device is bound to) if that process holds it, else the holder with the
 * lowest pid, and that process's lowest fd for it: "/proc/PID/fd/FD".
 * A request for one path (a do) looks at that process only: its reply
 * names that process as the one holder it knows of and counts no others.
 *
 * struct vhost_dev and struct vhost_virtqueue are private to vhost and
 * change between kernels, even inside one stable series. Their layout comes
 * from the BTF of the vhost modules of the kernel we were built for (see
 * gen_vhost_layout.py, which writes vhost_layout.h). Before the layout is
 * used, the BTF of the loaded modules (/sys/kernel/btf/MODULE) must be the
 * one it was taken from, and each device must pass structure checks done
 * with fault-tolerant reads (nvqs in range, every vqs[i]->dev pointing
 * back). A device that fails, or whose driver module's BTF differs, is
 * reported with the reason and not read; only a vhost.ko that differs (the
 * structures every device shares) turns vhost support off, with a reason
 * the family's INFO command reports.
 *
 * Locking follows vhost: dev->mutex, then each vq->mutex, each tried for
 * within the request's budget (wait.c) and reported busy if it stays held.
 */
#include <linux/crc32.h>
#include <linux/eventfd.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/namei.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid_namespace.h>
#include <linux/pid.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vdpa.h>
#include <linux/vhost_iotlb.h>
#include <linux/vhost_types.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_status.h>

#include "vs.h"
#include "vhost_layout.h"

/* More than any vhost driver sets up (vhost-scsi has the most, 130). */
#define VS_VHOST_MAX_VQS	1024
/* Upper bound on the vhost fds (and processes) one walk keeps. */
#define VS_VHOST_SCAN_MAX	BIT(20)
/* Files the walk looks at per hold of a table's lock. */
#define VS_WALK_FDS_PER_HOLD	256

#ifdef VS_VHOST_LAYOUT_MISSING
#define VS_VHOST_NET_DEV	-1
#define VS_VHOST_VSOCK_DEV	-1
#define VS_VHOST_SCSI_DEV	-1
#define VS_VHOST_VDPA_DEV	-1
#define VS_VHOST_VDPA_VDPA	-1
#define VS_VHOST_VDPA_VIRTIO_ID	-1
#define VS_VHOST_VSOCK_GUEST_CID	-1
#define VS_VHOST_DEV_MUTEX	0
#define VS_VHOST_LAYOUT_FROM	"none"
#define VS_VHOST_BTF_TABLE
#define VS_VQ_ACKED_FEATURES_WORDS	1
#endif

/**
 * struct vs_vhost_type - a vhost driver
 * @module: name of its module, which owns its device files' fops
 * @name: QEMU's name for such a device
 * @id: virtio device id of the device it backs (0: depends on the device)
 * @dev_off: offset of the struct vhost_dev in its private data, -1 unknown
 */
struct vs_vhost_type {
	const char *module;
	const char *name;
	u32 id;
	long dev_off;
};

static const struct vs_vhost_type vs_vhost_types[] = {
	{ "vhost_net", "vhost-net", 1, VS_VHOST_NET_DEV },
	{ "vhost_vsock", "vhost-vsock", 19, VS_VHOST_VSOCK_DEV },
	{ "vhost_scsi", "vhost-scsi", 8, VS_VHOST_SCSI_DEV },
	{ "vhost_vdpa", "vhost-vdpa", 0, VS_VHOST_VDPA_DEV },
};

/**
 * struct vs_vhost_btf - the BTF a module must have for the layout to hold
 * @module: module name
 * @size: size of its BTF
 * @crc: its CRC32 (as zlib computes it)
 */
struct vs_vhost_btf {
	const char *module;
	u32 size;
	u32 crc;
};

static const struct vs_vhost_btf vs_vhost_btf[] = {
	VS_VHOST_BTF_TABLE
	{ NULL, 0, 0 }
};

/* Guards the two below. */
static DEFINE_MUTEX(vs_vhost_lock);
/*
 * Per entry of vs_vhost_btf: VS_BTF_UNCHECKED, _OK or _DIFFERS. Reset on
 * module events: a module loaded again may be another build.
 */
enum { VS_BTF_UNCHECKED, VS_BTF_OK, VS_BTF_DIFFERS };
static u8 vs_vhost_btf_ok[ARRAY_SIZE(vs_vhost_btf)];
/* Why vhost support is off; empty while it is on. Sticky. */
static char vs_vhost_reason[160];

static void vs_vhost_off(const char *fmt, ...)
{
	va_list ap;

	lockdep_assert_held(&vs_vhost_lock);
	if (vs_vhost_reason[0])
		return;
	va_start(ap, fmt);
	vsnprintf(vs_vhost_reason, sizeof(vs_vhost_reason), fmt, ap);
	va_end(ap);
	pr_warn("vhost support off: %s\n", vs_vhost_reason);
}

/**
 * vs_vhost_state() - is vhost support on
 * @reason: where to copy why it is off, or NULL
 * @len: size of @reason
 *
 * Return: true if on.
 */
bool vs_vhost_state(char *reason, size_t len)
{
	bool on;

	mutex_lock(&vs_vhost_lock);
	on = !vs_vhost_reason[0];
	if (reason)
		strscpy(reason, vs_vhost_reason, len);
	mutex_unlock(&vs_vhost_lock);
	return on;
}

/**
 * vs_vhost_layout() - where the vhost layout was taken from
 *
 * Return: a constant string.
 */
const char *vs_vhost_layout(void)
{
	return VS_VHOST_LAYOUT_FROM;
}

/*
 * The root directory of the init process (pid 1 of the initial pid
 * namespace), referenced. Not init_task's (pid 0): from 7.x the kernel's
 * own first root is an empty file system under the one init mounts /sys in.
 */
static int vs_init_root(struct path *root)
{
	struct task_struct *init;
	int err = -ESRCH;

	rcu_read_lock();
	init = READ_ONCE(init_pid_ns.child_reaper);
	if (init)
		get_task_struct(init);
	rcu_read_unlock();
	if (!init)
		return err;
	task_lock(init);
	if (init->fs) {
		get_fs_root(init->fs, root);
		err = 0;
	}
	task_unlock(init);
	put_task_struct(init);
	return err;
}

#ifdef VS_TEST_HOOKS
/*
 * Tests only (the VS_VHOST_LAYOUT_TEST=wrong build): writing N makes the
 * next N BTF reads fail as if out of memory, and forgets which modules
 * were checked, so that the next request reads (and fails) again.
 */
static atomic_t vs_test_fail_alloc = ATOMIC_INIT(0);

static int vs_test_fail_alloc_set(const char *val, const struct kernel_param *kp)
{
	int n, err = kstrtoint(val, 0, &n);

	if (err || n < 0)
		return err ?: -EINVAL;
	mutex_lock(&vs_vhost_lock);
	memset(vs_vhost_btf_ok, VS_BTF_UNCHECKED, sizeof(vs_vhost_btf_ok));
	atomic_set(&vs_test_fail_alloc, n);
	mutex_unlock(&vs_vhost_lock);
	return 0;
}

static int vs_test_fail_alloc_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&vs_test_fail_alloc));
}

static const struct kernel_param_ops vs_test_fail_alloc_ops = {
	.set = vs_test_fail_alloc_set,
	.get = vs_test_fail_alloc_get,
};
module_param_cb(test_fail_alloc, &vs_test_fail_alloc_ops, NULL, 0600);
MODULE_PARM_DESC(test_fail_alloc, "tests only: fail the next N BTF reads with ENOMEM");

static bool vs_test_alloc_fails(void)
{
	return atomic_add_unless(&vs_test_fail_alloc, -1, 0);
}
#else
static bool vs_test_alloc_fails(void)
{
	return false;
}
#endif

/*
 * Read a sysfs file whole, resolving @path from init's root so that a
 * caller in another mount namespace sees the same /sys. Not through
 * kernel_read_file(): that is for firmware and modules, and LSMs police it.
 */
static void *vs_read_sysfs(const char *path, size_t *lenp, int *errp)
{
	struct path root;
	struct file *f;
	loff_t pos = 0;
	ssize_t len;
	void *buf;

	if (vs_test_alloc_fails()) {
		*errp = -ENOMEM;
		return NULL;
	}

	*errp = vs_init_root(&root);
	if (*errp)
		return NULL;
	f = file_open_root(&root, path, O_RDONLY, 0);
	path_put(&root);
	if (IS_ERR(f)) {
		*errp = PTR_ERR(f);
		return NULL;
	}
	len = i_size_read(file_inode(f));
	buf = len > 0 && len < SZ_16M ? kvmalloc(len, GFP_KERNEL) : NULL;
	if (!buf) {
		*errp = len > 0 ? -ENOMEM : -EFBIG;
		fput(f);
		return NULL;
	}
	/* sysfs hands binary attributes out a page at a time. */
	while (pos < len) {
		ssize_t n = kernel_read(f, buf + pos, len - pos, &pos);

		if (n <= 0) {
			*errp = n ? n : -EIO;
			fput(f);
			kvfree(buf);
			return NULL;
		}
	}
	fput(f);
	*lenp = len;
	return buf;
}

/* Compare a loaded module's BTF with the one the layout came from. */
static int vs_vhost_check_btf(unsigned int i)
{
	const struct vs_vhost_btf *b = &vs_vhost_btf[i];
	char path[64];
	size_t len = 0;
	void *buf;
	int err = 0;
	u32 crc;

	lockdep_assert_held(&vs_vhost_lock);
	if (vs_vhost_btf_ok[i] == VS_BTF_OK)
		return 0;
	if (vs_vhost_btf_ok[i] == VS_BTF_DIFFERS)
		return -EBADE;
	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", b->module);
	buf = vs_read_sysfs(path, &len, &err);
	if (!buf) {
		/*
		 * Not a mismatch: this request goes without vhost devices
		 * and the next one tries again. Only a BTF that differs
		 * from the layout's turns vhost support off.
		 */
		pr_warn_ratelimited("vhost devices left out of a request: cannot read %s (error %d)\n",
				    path, err);
		return -EAGAIN;
	}
	crc = ~crc32_le(~0U, buf, len);
	kvfree(buf);
	if (len != b->size || crc != b->crc) {
		/*
		 * vhost.ko's structures are every device's: all of vhost
		 * goes off. A driver module's only its own devices'.
		 */
		if (!strcmp(b->module, "vhost")) {
			vs_vhost_off("loaded %s is not the one the layout was built from (%s)",
				     b->module, VS_VHOST_LAYOUT_FROM);
			return -EIO;
		}
		pr_warn("%s devices are not read: the loaded %s is not the one the layout was built from (%s)\n",
			b->module, b->module, VS_VHOST_LAYOUT_FROM);
		vs_vhost_btf_ok[i] = VS_BTF_DIFFERS;
		return -EBADE;
	}
	vs_vhost_btf_ok[i] = VS_BTF_OK;
	return 0;
}

/*
 * Check the BTF of vhost and of @module. Return: 0 if both match; -EIO if
 * vhost support is off (vhost.ko differs, or earlier); -EAGAIN if a BTF
 * could not be read for this request; -EBADE if @module's BTF differs;
 * -ENOENT if the build has no layout for @module.
 */
static int vs_vhost_check_modules(const char *module)
{
	unsigned int i;
	bool known = false;
	int err = 0;

	mutex_lock(&vs_vhost_lock);
	if (vs_vhost_reason[0]) {
		err = -EIO;
		goto unlock;
	}
	for (i = 0; vs_vhost_btf[i].module; i++) {
		if (strcmp(vs_vhost_btf[i].module, "vhost") &&
		    strcmp(vs_vhost_btf[i].module, module))
			continue;
		known |= !strcmp(vs_vhost_btf[i].module, module);
		err = vs_vhost_check_btf(i);
		if (err)
			goto unlock;
	}
	if (!known)
		err = -ENOENT;		/* this type only: see vs_vhost_dev_error() */
unlock:
	mutex_unlock(&vs_vhost_lock);
	return err;
}

static int vs_vhost_module_event(struct notifier_block *nb, unsigned long action,
				 void *data)
{
	struct module *mod = data;
	unsigned int i;

	if (action != MODULE_STATE_COMING && action != MODULE_STATE_GOING)
		return NOTIFY_DONE;
	mutex_lock(&vs_vhost_lock);
	for (i = 0; vs_vhost_btf[i].module; i++)
		if (!strcmp(vs_vhost_btf[i].module, mod->name))
			vs_vhost_btf_ok[i] = 0;
	mutex_unlock(&vs_vhost_lock);
	return NOTIFY_DONE;
}

static struct notifier_block vs_vhost_module_nb = {
	.notifier_call = vs_vhost_module_event,
};

/* What a request says when a vhost lock stays held (wait.c). */
static const char vs_busy_dev_mutex[] =
	"the vhost device's mutex is held by another task";
static const char vs_busy_vq_mutex[] =
	"a vhost virtqueue's mutex is held by another task";

/*
 * Reads through the layout. vs_vhost_check_dev() validates a device with
 * fault-tolerant reads first; the plain accessors are used only after it.
 */
#define vs_at(base, off, type)	((type *)((char *)(base) + (off)))

#ifndef VS_VHOST_LAYOUT_MISSING
static int vs_vhost_check_dev(void *dev, int *nvqsp)
{
	void **vqs, *vq, *back;
	int nvqs, i;

	if (copy_from_kernel_nofault(&nvqs, vs_at(dev, VS_VHOST_DEV_NVQS, int),
				     sizeof(nvqs)) ||
	    copy_from_kernel_nofault(&vqs, vs_at(dev, VS_VHOST_DEV_VQS, void **),
				     sizeof(vqs)))
		return -EFAULT;
	if (nvqs < 1 || nvqs > VS_VHOST_MAX_VQS)
		return -ERANGE;
	for (i = 0; i < nvqs; i++) {
		if (copy_from_kernel_nofault(&vq, &vqs[i], sizeof(vq)) || !vq ||
		    copy_from_kernel_nofault(&back, vs_at(vq, VS_VQ_DEV, void *),
					     sizeof(back)))
			return -EFAULT;
		if (back != dev)
			return -EINVAL;
	}
	*nvqsp = nvqs;
	return 0;
}

static const void *vs_vhost_owner_mm(void *dev)
{
	void *mm = NULL;

	if (copy_from_kernel_nofault(&mm, vs_at(dev, VS_VHOST_DEV_MM, void *),
				     sizeof(mm)))
		return NULL;
	return mm;
}

/*
 * vhost-vdpa attaches no backend to its queues (vq->private_data stays
 * NULL): whether it runs is the vdpa device's own DRIVER_OK, asked of its
 * parent driver as vhost-vdpa itself does, under the vhost device's mutex.
 * @priv is the vhost_vdpa; false when the layout has no vdpa pointer.
 */
static bool vs_vhost_vdpa_started(const void *priv)
{
	const struct vdpa_config_ops *ops;
	struct vdpa_device *vdpa;

	if (VS_VHOST_VDPA_VDPA < 0)
		return false;
	vdpa = *vs_at(priv, VS_VHOST_VDPA_VDPA, struct vdpa_device *);
	ops = vdpa ? vdpa->config : NULL;
	if (!ops || !ops->get_status)
		return false;
	return ops->get_status(vdpa) & VIRTIO_CONFIG_S_DRIVER_OK;
}

/*
 * The device's state, under dev->mutex and each vq->mutex. Called with
 * the holder's fd table locked (see vs_vhost_access()), so it never
 * sleeps: each mutex is tried once; -EBUSY, with @busyp saying which, if
 * one is taken, and the caller tries again within its budget.
 */
static int vs_vhost_read_locked(void *dev, int nvqs, struct vs_vhost_info *vi,
				struct file **backendp, const char **busyp)
{
	struct mutex *dev_mutex = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);
	void **vqs = *vs_at(dev, VS_VHOST_DEV_VQS, void **);
	struct vhost_iotlb *umem;
	int i, err = 0;

	BUILD_BUG_ON(sizeof(struct mutex) != VS_VHOST_DEV_MUTEX_SIZE);
	BUILD_BUG_ON(sizeof(struct mutex) != VS_VQ_MUTEX_SIZE);

	if (!mutex_trylock(dev_mutex)) {
		*busyp = vs_busy_dev_mutex;
		return -EBUSY;
	}
	umem = *vs_at(dev, VS_VHOST_DEV_UMEM, struct vhost_iotlb *);
	vi->mem_regions = umem ? umem->nmaps : 0;
	for (i = 0; i < nvqs; i++) {
		struct mutex *vq_mutex = vs_at(vqs[i], VS_VQ_MUTEX, struct mutex);

		if (!mutex_trylock(vq_mutex)) {
			*busyp = vs_busy_vq_mutex;
			err = -EBUSY;
			break;
		}
		if (!i) {
			vi->acked_features[0] =
				*vs_at(vqs[i], VS_VQ_ACKED_FEATURES, u64);
			/* 6.17+: a second word right after, in a union */
			if (VS_VQ_ACKED_FEATURES_WORDS > 1)
				vi->acked_features[1] =
					*vs_at(vqs[i], VS_VQ_ACKED_FEATURES + 8, u64);
			vi->backend_features =
				*vs_at(vqs[i], VS_VQ_ACKED_BACKEND_FEATURES, u64);
		}
		if (*vs_at(vqs[i], VS_VQ_PRIVATE_DATA, void *))
			vi->started = true;
		/*
		 * vhost-net's backend is a socket whose file vhost holds while
		 * it is set: pinned for the one lookup of its fd number.
		 */
		if (backendp && !*backendp) {
			struct socket *sock = *vs_at(vqs[i], VS_VQ_PRIVATE_DATA,
						     struct socket *);

			if (sock && sock->file)
				*backendp = get_file(sock->file);
		}
		mutex_unlock(vq_mutex);
	}
	mutex_unlock(dev_mutex);
	return err;
}

/* A user address of the owner as a guest physical address, by the table. */
static bool vs_vhost_gpa(struct vhost_iotlb *umem, u64 hva, u64 *gpa)
{
	struct vhost_iotlb_map *map;

	if (!umem)
		return false;
	list_for_each_entry(map, &umem->list, link) {
		if (hva >= map->addr && hva - map->addr < map->size) {
			*gpa = map->start + (hva - map->addr);
			return true;
		}
	}
	return false;
}

/*
 * One virtqueue, under dev->mutex and its vq->mutex, each tried once as in
 * vs_vhost_read_locked(). @kickp gets the kick eventfd's context,
 * referenced (a context, not the file: holding it delays no release), and
 * @callp the call eventfd's context as an identity, for the fd lookup
 * once the locks are gone. With VIRTIO_F_ACCESS_PLATFORM acked, the ring
 * addresses are IOVAs: not in the memory table.
 */
static int vs_vhost_read_queue(void *dev, u32 index, struct vs_queue_info *qi,
			       struct eventfd_ctx **kickp, void **callp,
			       const void **objp, const char **busyp)
{
	struct mutex *dev_mutex = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);
	void *vq = (*vs_at(dev, VS_VHOST_DEV_VQS, void **))[index];
	struct mutex *vq_mutex = vs_at(vq, VS_VQ_MUTEX, struct mutex);
	struct vhost_iotlb *umem;
	struct file *kick;
	unsigned int i;

	if (!mutex_trylock(dev_mutex)) {
		*busyp = vs_busy_dev_mutex;
		return -EBUSY;
	}
	if (!mutex_trylock(vq_mutex)) {
		mutex_unlock(dev_mutex);
		*busyp = vs_busy_vq_mutex;
		return -EBUSY;
	}
	qi->vhost = true;
	qi->iova = !!(*vs_at(vq, VS_VQ_ACKED_FEATURES, u64) &
		      BIT_ULL(VIRTIO_F_ACCESS_PLATFORM));
	qi->index = index;
	qi->num = *vs_at(vq, VS_VQ_NUM, unsigned int);
	qi->desc = (unsigned long)*vs_at(vq, VS_VQ_DESC, void *);
	qi->avail = (unsigned long)*vs_at(vq, VS_VQ_AVAIL, void *);
	qi->used = (unsigned long)*vs_at(vq, VS_VQ_USED, void *);
	qi->last_avail_idx = *vs_at(vq, VS_VQ_LAST_AVAIL_IDX, u16);
	qi->avail_idx = *vs_at(vq, VS_VQ_AVAIL_IDX, u16);
	qi->used_idx = *vs_at(vq, VS_VQ_LAST_USED_IDX, u16);
	qi->has_idx = true;
	*objp = vq;
	/* vhost holds the kick file while it is set, under the vq's mutex */
	kick = *vs_at(vq, VS_VQ_KICK, struct file *);
	*kickp = kick ? eventfd_ctx_fileget(kick) : NULL;
	if (IS_ERR(*kickp))
		*kickp = NULL;
	*callp = *vs_at(vq, VS_VQ_CALL_CTX, void *);
	qi->kick = !!kick;
	qi->call = !!*callp;
	umem = qi->iova ? NULL : *vs_at(dev, VS_VHOST_DEV_UMEM, struct vhost_iotlb *);
	for (i = 0; i < ARRAY_SIZE(qi->gpa); i++)
		if (vs_vhost_gpa(umem, i == 0 ? qi->desc : i == 1 ? qi->avail : qi->used,
				 &qi->gpa[i]))
			qi->gpa_valid |= BIT(i);
	mutex_unlock(vq_mutex);
	mutex_unlock(dev_mutex);
	return 0;
}

/*
 * The indexes of the first @nqs queues (health-get), under dev->mutex and
 * each vq->mutex, each tried once as in vs_vhost_read_locked(). vhost's
 * avail idx is its own copy, refreshed when its worker looks at the ring.
 */
static int vs_vhost_read_health(void *dev, u32 nqs, struct vs_qhealth *qs,
				const char **busyp)
{
	struct mutex *dev_mutex = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);
	void **vqs = *vs_at(dev, VS_VHOST_DEV_VQS, void **);
	int err = 0;
	u32 i;

	if (!mutex_trylock(dev_mutex)) {
		*busyp = vs_busy_dev_mutex;
		return -EBUSY;
	}
	for (i = 0; i < nqs; i++) {
		struct mutex *vq_mutex = vs_at(vqs[i], VS_VQ_MUTEX, struct mutex);
		struct vs_qhealth *q = &qs[i];

		if (!mutex_trylock(vq_mutex)) {
			*busyp = vs_busy_vq_mutex;
			err = -EBUSY;
			break;
		}
		q->index = i;
		q->vhost = true;
		q->has_idx = true;
		q->num = *vs_at(vqs[i], VS_VQ_NUM, unsigned int);
		q->last_avail_idx = *vs_at(vqs[i], VS_VQ_LAST_AVAIL_IDX, u16);
		q->avail_idx = *vs_at(vqs[i], VS_VQ_AVAIL_IDX, u16);
		q->used_idx = *vs_at(vqs[i], VS_VQ_LAST_USED_IDX, u16);
		q->in_flight = (u16)(q->avail_idx - q->used_idx);
		q->obj = vqs[i];
		q->ring = (unsigned long)*vs_at(vqs[i], VS_VQ_USED, void *);
		mutex_unlock(vq_mutex);
	}
	mutex_unlock(dev_mutex);
	return err;
}
#else
static int vs_vhost_check_dev(void *dev, int *nvqsp)
{
	return -EOPNOTSUPP;
}

static int vs_vhost_read_queue(void *dev, u32 index, struct vs_queue_info *qi,
			       struct eventfd_ctx **kickp, void **callp,
			       const void **objp, const char **busyp)
{
	return -EOPNOTSUPP;
}

static int vs_vhost_read_health(void *dev, u32 nqs, struct vs_qhealth *qs,
				const char **busyp)
{
	return -EOPNOTSUPP;
}

static const void *vs_vhost_owner_mm(void *dev)
{
	return NULL;
}

static bool vs_vhost_vdpa_started(const void *priv)
{
	return false;
}

static int vs_vhost_read_locked(void *dev, int nvqs, struct vs_vhost_info *vi,
				struct file **backendp, const char **busyp)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * struct vs_vhost_fd - one fd on a vhost device, as the walk saw it
 * @file: the open file; an identity only, compared and never dereferenced
 *	once the walk let go of the fd table it was in
 * @mm: the holder's mm, an identity only
 * @owner_mm: the device's owner's mm as the walk read it, an identity only
 * @pid: the holder (thread group), in the caller's pid namespace
 * @tid: the thread whose fd table holds it
 * @fd: the fd number
 * @type: index in vs_vhost_types
 */
struct vs_vhost_fd {
	const void *file;
	const void *mm;
	const void *owner_mm;
	pid_t pid;
	pid_t tid;
	int fd;
	int type;
};

/**
 * struct vs_vhost_proc - a process the walk visited, to find owners by mm
 * @mm: its mm, an identity only
 * @pid: its thread group id, in the caller's pid namespace
 */
struct vs_vhost_proc {
	const void *mm;
	pid_t pid;
};

/**
 * struct vs_vhost_dev - one device: a run of vs_vhost_fd with the same file
 * @first: its first fd (sorted by file, pid, fd)
 * @nfds: fds on it
 * @name: the fd that names it: the owner's lowest if the owner holds it,
 *	else the lowest pid's lowest
 * @owner: the owner's pid, 0 if no owner or not visible
 */
struct vs_vhost_dev {
	struct vs_vhost_fd *first;
	unsigned int nfds;
	struct vs_vhost_fd *name;
	pid_t owner;
};

/**
 * struct vs_vhost_walk - the vhost devices one request (or one dump) found
 * @fds: every vhost fd in the visible processes
 * @nfds: used entries of @fds
 * @cap: size of @fds
 * @procs: every visited process with an mm, sorted by (mm, pid) once done
 * @nprocs: used entries of @procs
 * @pcap: size of @procs
 * @devs: the devices, sorted by name (pid, fd)
 * @ndevs: entries of @devs
 * @next: a dump's cursor: the first device not reported yet
 * @type_err: per vhost type, the result of its module check
 * @last_pid: while walking: the process of the last fd table walked
 * @last_files: while walking: that table, an identity only
 *
 * Nothing here holds a reference: files, mms and tables are kept as
 * identities, and a device is read through its holder's fd table while
 * that table is locked (vs_vhost_access()). A pointer freed and reused by
 * another vhost file between the walk and the read is caught there: the
 * fd must still hold that very file. A dump keeps this between
 * its parts and resumes at @next: a continuation does not walk again.
 */
struct vs_vhost_walk {
	struct vs_vhost_fd *fds;
	size_t nfds;
	size_t cap;
	struct vs_vhost_proc *procs;
	size_t nprocs;
	size_t pcap;
	struct vs_vhost_dev *devs;
	size_t ndevs;
	size_t next;
	int type_err[ARRAY_SIZE(vs_vhost_types)];
	pid_t last_pid;
	const void *last_files;
};

/* The walk's per-table state, for iterate_fd(). */
struct vs_vhost_walk_table {
	struct vs_vhost_walk *w;
	const void *mm;
	pid_t pid;
	pid_t tid;
	unsigned int seen;
	unsigned int next;
	bool full;
};

static bool vs_vhost_is_net(int type)
{
	return !strcmp(vs_vhost_types[type].module, "vhost_net");
}

static bool vs_vhost_is_vsock(int type)
{
	return !strcmp(vs_vhost_types[type].module, "vhost_vsock");
}

static bool vs_vhost_is_vdpa(int type)
{
	return !strcmp(vs_vhost_types[type].module, "vhost_vdpa");
}

static int vs_vhost_type_of(const struct file *f)
{
	const struct file_operations *fop = f->f_op;
	unsigned int i;

	if (!fop || !fop->owner)
		return -1;
	for (i = 0; i < ARRAY_SIZE(vs_vhost_types); i++)
		if (!strcmp(fop->owner->name, vs_vhost_types[i].module))
			return i;
	return -1;
}

/*
 * The device's owner mm, read where the layout says, fault-tolerant: the
 * walk has not checked the module's BTF yet, and uses the value only to
 * compare (and only once that check passed).
 */
static const void *vs_vhost_file_owner_mm(const struct file *f, int type)
{
	long off = vs_vhost_types[type].dev_off;

	if (off < 0)
		return NULL;
	return vs_vhost_owner_mm((char *)f->private_data + off);
}

/*
 * iterate_fd() callback, under the table's file_lock: no sleeping, and at
 * most VS_WALK_FDS_PER_HOLD files before it lets the lock go.
 */
static int vs_vhost_walk_fd(const void *arg, struct file *f, unsigned int fd)
{
	struct vs_vhost_walk_table *t = (struct vs_vhost_walk_table *)arg;
	struct vs_vhost_walk *w = t->w;
	int type;

	if (t->seen++ == VS_WALK_FDS_PER_HOLD) {
		t->next = fd;
		return 1;
	}
	type = vs_vhost_type_of(f);
	if (type < 0)
		return 0;
	if (w->nfds == w->cap) {
		t->full = true;
		t->next = fd;
		return 1;
	}
	w->fds[w->nfds++] = (struct vs_vhost_fd) {
		.file = f, .mm = t->mm, .owner_mm = vs_vhost_file_owner_mm(f, type),
		.pid = t->pid, .tid = t->tid, .fd = fd, .type = type,
	};
	return 0;
}

/* Make room in an array of the walk, outside any lock. */
static int vs_vhost_grow(void **arr, size_t *cap, size_t used, size_t size)
{
	size_t ncap = *cap ? *cap * 4 : 64;
	void *n;

	if (ncap > VS_VHOST_SCAN_MAX)
		return -E2BIG;
	n = kvmalloc_array(ncap, size, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	if (used)
		memcpy(n, *arr, used * size);
	kvfree(*arr);
	*arr = n;
	*cap = ncap;
	return 0;
}

/*
 * Walk one thread's fd table a slice at a time: the thread's task_lock
 * (which keeps ->files) and the table's file_lock are held for one slice,
 * then let go; the next slice starts at the first fd not seen.
 */
static int vs_vhost_walk_files(struct vs_vhost_walk *w, struct task_struct *task,
			       struct vs_vhost_walk_table *t)
{
	unsigned int start = 0;
	int ret, err;

	for (;;) {
		t->seen = 0;
		t->full = false;
		task_lock(task);
		ret = task->files ? iterate_fd(task->files, start, vs_vhost_walk_fd, t) : 0;
		task_unlock(task);
		if (!ret)
			return 0;
		start = t->next;
		if (t->full) {
			err = vs_vhost_grow((void **)&w->fds, &w->cap, w->nfds,
					    sizeof(*w->fds));
			if (err)
				return err;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
}

/* Remember a process by its mm, to find owners that hold no fd. */
static void vs_vhost_add_proc(struct vs_vhost_walk *w, const void *mm, pid_t pid)
{
	if (!mm || (w->nprocs && w->procs[w->nprocs - 1].pid == pid))
		return;
	/* past the cap an owner may go unnamed (0): never an error */
	if (w->nprocs == w->pcap &&
	    vs_vhost_grow((void **)&w->procs, &w->pcap, w->nprocs, sizeof(*w->procs)))
		return;
	w->procs[w->nprocs++] = (struct vs_vhost_proc) { .mm = mm, .pid = pid };
}

/*
 * One thread, referenced by the caller, no lock held; the caller skipped
 * it if it shares its group leader's table (vs_vhost_shares_leader_files():
 * the leader's visit walks that). One whose leader has none (it exited)
 * or has another walks its own, once per table and process in a row.
 */
static int vs_vhost_walk_task(struct vs_vhost_walk *w, struct task_struct *task,
			      struct pid_namespace *ns)
{
	struct vs_vhost_walk_table t = { .w = w };
	const void *files;

	t.pid = task_tgid_nr_ns(task, ns);
	t.tid = task_pid_nr_ns(task, ns);
	if (!t.pid || !t.tid)
		return 0;
	task_lock(task);
	files = task->files;
	t.mm = task->mm;
	task_unlock(task);
	if (!files || (t.pid == w->last_pid && files == w->last_files))
		return 0;
	w->last_pid = t.pid;
	w->last_files = files;
	vs_vhost_add_proc(w, t.mm, t.pid);
	return vs_vhost_walk_files(w, task, &t);
}

/*
 * Whether @task is not its group's leader and uses the leader's fd table,
 * which the leader's visit walks. Under RCU (task structs are freed after
 * a grace period); the table pointers are compared, never dereferenced.
 */
static bool vs_vhost_shares_leader_files(struct task_struct *task)
{
	struct task_struct *leader = READ_ONCE(task->group_leader);
	const void *files = READ_ONCE(task->files);

	return leader != task && files && READ_ONCE(leader->files) == files;
}

/*
 * Every thread visible to the caller, by pid number, one at a time: a
 * reference on the thread, no RCU read section or lock held across the
 * walk of its table, a chance to reschedule between threads.
 */
static int vs_vhost_walk_tasks(struct vs_vhost_walk *w)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct task_struct *task;
	struct pid *pid;
	int nr, err;

	for (nr = 1; nr > 0; nr++) {
		rcu_read_lock();
		pid = find_ge_pid(nr, ns);
		task = pid ? pid_task(pid, PIDTYPE_PID) : NULL;
		if (pid)
			nr = pid_nr_ns(pid, ns);
		/* most threads share their leader's table: no reference for them */
		if (task && vs_vhost_shares_leader_files(task))
			task = NULL;
		if (task)
			get_task_struct(task);
		rcu_read_unlock();
		if (!pid)
			break;
		if (task) {
			err = vs_vhost_walk_task(w, task, ns);
			put_task_struct(task);
			if (err)
				return err;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static int vs_vhost_cmp_fd(const void *a, const void *b)
{
	const struct vs_vhost_fd *x = a, *y = b;

	if (x->file != y->file)
		return x->file < y->file ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd - y->fd;
}

static int vs_vhost_cmp_proc(const void *a, const void *b)
{
	const struct vs_vhost_proc *x = a, *y = b;

	if (x->mm != y->mm)
		return x->mm < y->mm ? -1 : 1;
	return x->pid - y->pid;
}

static int vs_vhost_cmp_dev(const void *a, const void *b)
{
	const struct vs_vhost_dev *x = a, *y = b;

	if (x->name->pid != y->name->pid)
		return x->name->pid < y->name->pid ? -1 : 1;
	return x->name->fd - y->name->fd;
}

/* The lowest visited pid whose mm is @mm (procs sorted), 0 if none. */
static pid_t vs_vhost_pid_of_mm(const struct vs_vhost_walk *w, const void *mm)
{
	size_t lo = 0, hi = w->nprocs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (w->procs[mid].mm < mm)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->nprocs && w->procs[lo].mm == mm ? w->procs[lo].pid : 0;
}

/*
 * Name a device and find its owner, from what the walk saw: the owner's
 * lowest fd if the owner holds it, else the lowest holder's lowest fd.
 */
static void vs_vhost_name_dev(struct vs_vhost_walk *w, struct vs_vhost_dev *d)
{
	const void *owner_mm = d->first->owner_mm;
	unsigned int i;

	d->name = d->first;
	if (w->type_err[d->first->type] || !owner_mm)
		return;
	/* Sorted by pid then fd: the first match is the owner's lowest fd. */
	for (i = 0; i < d->nfds; i++) {
		if (d->first[i].mm == owner_mm) {
			d->owner = d->first[i].pid;
			d->name = &d->first[i];
			return;
		}
	}
	d->owner = vs_vhost_pid_of_mm(w, owner_mm);
}

/*
 * Check the modules of the types found (this may read sysfs: no lock is
 * held). Return: 0, -EIO if vhost support is off, -EAGAIN if a BTF could
 * not be read for this request.
 */
static int vs_vhost_check_types(struct vs_vhost_walk *w)
{
	bool seen[ARRAY_SIZE(vs_vhost_types)] = {};
	size_t i;
	int t, err;

	for (i = 0; i < w->nfds; i++)
		seen[w->fds[i].type] = true;
	for (t = 0; t < ARRAY_SIZE(vs_vhost_types); t++) {
		if (!seen[t])
			continue;
		err = vs_vhost_types[t].dev_off < 0 ? -ENOENT :
		      vs_vhost_check_modules(vs_vhost_types[t].module);
		if (err == -EIO || err == -EAGAIN)
			return err;
		w->type_err[t] = err;
	}
	return 0;
}

/**
 * vs_vhost_walk_free() - release what vs_vhost_walk_new() made
 * @w: the walk, or NULL
 */
void vs_vhost_walk_free(struct vs_vhost_walk *w)
{
	if (!w)
		return;
	kvfree(w->fds);
	kvfree(w->procs);
	kvfree(w->devs);
	kfree(w);
}

/**
 * vs_vhost_walk_new() - find every vhost device the caller can see
 *
 * One walk of the caller's pid namespace, holding no reference beyond the
 * thread it is at; the devices come out named and sorted by name.
 *
 * Return: the walk, or an ERR_PTR: -EIO (vhost support is off), -EAGAIN
 * (a vhost module's BTF could not be read for this request), -EINTR,
 * -ENOMEM, -E2BIG (more vhost fds than VS_VHOST_SCAN_MAX).
 */
struct vs_vhost_walk *vs_vhost_walk_new(void)
{
	struct vs_vhost_walk *w;
	size_t i;
	int err;

	if (!vs_vhost_state(NULL, 0))
		return ERR_PTR(-EIO);
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return ERR_PTR(-ENOMEM);
	err = vs_vhost_grow((void **)&w->fds, &w->cap, 0, sizeof(*w->fds));
	if (!err)
		err = vs_vhost_walk_tasks(w);
	if (!err)
		err = vs_vhost_check_types(w);
	if (err)
		goto fail;
	sort(w->fds, w->nfds, sizeof(*w->fds), vs_vhost_cmp_fd, NULL);
	sort(w->procs, w->nprocs, sizeof(*w->procs), vs_vhost_cmp_proc, NULL);
	w->devs = kvcalloc(w->nfds ?: 1, sizeof(*w->devs), GFP_KERNEL);
	if (!w->devs) {
		err = -ENOMEM;
		goto fail;
	}
	for (i = 0; i < w->nfds; i++) {
		struct vs_vhost_fd *f = &w->fds[i];

		/* one table walked twice (threads): the same fd once */
		if (i && f->file == f[-1].file && f->pid == f[-1].pid && f->fd == f[-1].fd)
			continue;
		if (i && f->file == f[-1].file) {
			w->devs[w->ndevs - 1].nfds++;
			continue;
		}
		w->devs[w->ndevs++] = (struct vs_vhost_dev) { .first = f, .nfds = 1 };
	}
	for (i = 0; i < w->ndevs; i++)
		vs_vhost_name_dev(w, &w->devs[i]);
	sort(w->devs, w->ndevs, sizeof(*w->devs), vs_vhost_cmp_dev, NULL);
	return w;

fail:
	vs_vhost_walk_free(w);
	return ERR_PTR(err);
}

/* iterate_fd() callback: whether exactly ->fd holds ->want; no pin. */
struct vs_vhost_holds_ctx {
	unsigned int fd;
	const void *want;
	bool holds;
};

static int vs_vhost_holds_fd(const void *arg, struct file *f, unsigned int fd)
{
	struct vs_vhost_holds_ctx *c = (struct vs_vhost_holds_ctx *)arg;

	c->holds = fd == c->fd && f == c->want;
	return 1;
}

/* The thread @nr of the caller's namespace, referenced, or NULL. */
static struct task_struct *vs_vhost_task(pid_t nr, enum pid_type type)
{
	struct task_struct *task;

	rcu_read_lock();
	task = pid_task(find_vpid(nr), type);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

/*
 * @h's thread, referenced, if its fd still holds @h's file; else NULL. A
 * look at the table: no reference on the file.
 */
static struct task_struct *vs_vhost_holder(const struct vs_vhost_fd *h)
{
	struct vs_vhost_holds_ctx c = { .fd = h->fd, .want = h->file };
	struct task_struct *task = vs_vhost_task(h->tid, PIDTYPE_PID);

	if (!task)
		return NULL;
	task_lock(task);
	if (task->files)
		iterate_fd(task->files, h->fd, vs_vhost_holds_fd, &c);
	task_unlock(task);
	if (!c.holds) {
		put_task_struct(task);
		return NULL;
	}
	return task;
}

/* Whether @h's fd still holds its file. */
static bool vs_vhost_still_holds(const struct vs_vhost_fd *h)
{
	struct task_struct *task = vs_vhost_holder(h);

	if (task)
		put_task_struct(task);
	return task;
}

/**
 * vs_vhost_info_free() - release what vs_vhost_read() allocated
 * @vi: the device state
 */
void vs_vhost_info_free(struct vs_vhost_info *vi)
{
	kfree(vi->holders);
	vi->holders = NULL;
}

/*
 * Why a device cannot be read through the layout, for its reply: @err
 * from its module check or vs_vhost_check_dev(). One device's failure
 * stays its own: the others are read, and vhost support stays on.
 */
static void vs_vhost_dev_error(const struct vs_vhost_type *t, int err,
			       struct vs_vhost_info *vi)
{
	size_t len = sizeof(vi->error);

	switch (err) {
	case -ENOENT:
		snprintf(vi->error, len, "no layout for %s in this build (%s)",
			 t->module, VS_VHOST_LAYOUT_FROM);
		break;
	case -EBADE:
		snprintf(vi->error, len,
			 "the loaded %s is not the one the layout was built from (%s)",
			 t->module, VS_VHOST_LAYOUT_FROM);
		break;
	case -ERANGE:
		snprintf(vi->error, len,
			 "the device failed the layout check: nvqs out of range (1..%d)",
			 VS_VHOST_MAX_VQS);
		break;
	case -EINVAL:
		snprintf(vi->error, len,
			 "the device failed the layout check: vq->dev mismatch");
		break;
	default:
		snprintf(vi->error, len,
			 "the device failed the layout check: unreadable (%d)", err);
	}
	pr_warn_ratelimited("vhost device %s not read: %s\n", vi->path, vi->error);
}

/**
 * struct vs_vhost_target - one device to read, and where it is held
 * @task: the thread whose fd table holds it, referenced (a task, not the
 *	file: holding it delays nothing of the device's)
 * @file: the device's file, an identity; NULL until a do request looked
 * @type: index in vs_vhost_types
 * @type_err: its module check's result
 * @pid: the holder that names it
 * @fd: that holder's fd
 * @owner: the owner's pid, 0 if unknown
 * @holders: the first holder pids, ascending (at most
 *	VIRTIO_STATUS_HOLDERS_SENT)
 * @nholders: every holder (a dump) or 1 (a do)
 * @nsent: entries of @holders
 * @counted: @nholders counts every holder (a dump)
 */
struct vs_vhost_target {
	struct task_struct *task;
	const void *file;
	int type;
	int type_err;
	pid_t pid;
	int fd;
	pid_t owner;
	pid_t holders[VIRTIO_STATUS_HOLDERS_SENT];
	unsigned int nholders;
	unsigned int nsent;
	bool counted;
};

/* One look at a device through its holder's table; see vs_vhost_access(). */
struct vs_vhost_access {
	const struct vs_vhost_target *tg;
	int (*fn)(struct file *f, void *arg, const char **busyp);
	void *arg;
	const char *busy;
	bool found;
	int err;
};

static int vs_vhost_access_fd(const void *arg, struct file *f, unsigned int fd)
{
	struct vs_vhost_access *a = (struct vs_vhost_access *)arg;

	if (fd == a->tg->fd && (!a->tg->file || f == a->tg->file)) {
		a->found = true;
		a->err = a->fn(f, a->arg, &a->busy);
	}
	return 1;
}

/*
 * Call @fn on the target's file while its holder's fd table is locked
 * (task_lock, then the table's file_lock): the file stays open, and the
 * device with it, without a reference of ours. A VM closing that fd waits
 * for the table lock at most as long as @fn runs, and its release then
 * runs as ever, in its own context: no reference of ours defers it. @fn
 * must not sleep; it tries each mutex once and says -EBUSY if one is
 * taken, and the look is repeated within @wait's budget.
 *
 * Return: what @fn returned, -ENODEV if the fd no longer holds the file,
 * -EBUSY (@wait->busy says which lock) once the budget is spent.
 */
static int vs_vhost_access(const struct vs_vhost_target *tg,
			   int (*fn)(struct file *f, void *arg, const char **busyp),
			   void *arg, struct vs_wait *wait)
{
	struct vs_vhost_access a;

	for (;;) {
		a = (struct vs_vhost_access) { .tg = tg, .fn = fn, .arg = arg };
		task_lock(tg->task);
		if (tg->task->files)
			iterate_fd(tg->task->files, tg->fd, vs_vhost_access_fd, &a);
		task_unlock(tg->task);
		if (!a.found)
			return -ENODEV;
		if (a.err != -EBUSY)
			return a.err;
		if (!vs_wait_again(wait, a.busy))
			return -EBUSY;
	}
}

/* What vs_vhost_read() reads under the table lock. */
struct vs_vhost_dev_read {
	const struct vs_vhost_target *tg;
	struct vs_vhost_info *vi;
	int nvqs;
	int layout_err;
	struct file *vdpa_file;
	struct file *backend;
};

static int vs_vhost_read_fd(struct file *f, void *arg, const char **busyp)
{
	struct vs_vhost_dev_read *r = arg;
	const struct vs_vhost_type *t = &vs_vhost_types[r->tg->type];
	void *dev = (char *)f->private_data + t->dev_off;
	int err;

	r->layout_err = vs_vhost_check_dev(dev, &r->nvqs);
	if (r->layout_err)
		return 0;
	err = vs_vhost_read_locked(dev, r->nvqs, r->vi,
				   vs_vhost_is_net(r->tg->type) ? &r->backend : NULL, busyp);
	if (err)
		return err;
	/* set under vhost_vsock's own lock, which we do not take: a snapshot */
	if (vs_vhost_is_vsock(r->tg->type) && VS_VHOST_VSOCK_GUEST_CID >= 0)
		r->vi->guest_cid = READ_ONCE(*vs_at(f->private_data, VS_VHOST_VSOCK_GUEST_CID,
						    u32));
	/* the virtio device a vhost-vdpa device backs: set at its probe */
	if (vs_vhost_is_vdpa(r->tg->type) && VS_VHOST_VDPA_VIRTIO_ID >= 0)
		r->vi->id = *vs_at(f->private_data, VS_VHOST_VDPA_VIRTIO_ID, int);
	/*
	 * vhost-vdpa's started asks its parent driver, which may sleep: that
	 * one type's file is pinned, for that one call.
	 */
	if (vs_vhost_is_vdpa(r->tg->type)) {
		get_file(f);
		r->vdpa_file = f;
	}
	return 0;
}

/* vhost-vdpa's started, from the pinned file, under the device's mutex. */
static void vs_vhost_read_vdpa(struct file *f, const struct vs_vhost_type *t,
			       struct vs_vhost_info *vi, struct vs_wait *wait)
{
	void *dev = (char *)f->private_data + t->dev_off;
	struct mutex *m = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);

	if (!vs_mutex_lock_bounded(m, wait, vs_busy_dev_mutex)) {
		vi->busy = wait->busy;
		return;
	}
	vi->started = vs_vhost_vdpa_started(f->private_data);
	mutex_unlock(m);
}

/*
 * Everything about one device, for one reply message. A device that cannot
 * be read through the layout is reported with the reason (@vi->error); one
 * whose locks stay held with @vi->busy; neither is read.
 *
 * Return: 0, -ENODEV (its holder closed it meanwhile), -ENOMEM.
 */
static int vs_vhost_find_file(pid_t pid, const struct file *file);

static int vs_vhost_read(const struct vs_vhost_target *tg, struct vs_vhost_info *vi,
			 struct vs_wait *wait)
{
	const struct vs_vhost_type *t = &vs_vhost_types[tg->type];
	struct vs_vhost_dev_read r = { .tg = tg, .vi = vi };
	int err;

	memset(vi, 0, sizeof(*vi));
	vi->holders = kmemdup(tg->holders, max(tg->nsent, 1U) * sizeof(pid_t), GFP_KERNEL);
	if (!vi->holders)
		return -ENOMEM;
	vi->nholders = tg->nholders;
	vi->holders_counted = tg->counted;
	snprintf(vi->path, sizeof(vi->path), "/proc/%d/fd/%d", tg->pid, tg->fd);
	vi->name = t->name;
	vi->module = t->module;
	vi->id = t->id;
	vi->owner_pid = tg->owner;
	vi->backend_fd = -1;

	err = tg->type_err ? 0 : vs_vhost_access(tg, vs_vhost_read_fd, &r, wait);
	if (r.backend) {
		if (!err && !r.layout_err)
			vi->backend_fd = vs_vhost_find_file(tg->pid, r.backend);
		fput(r.backend);
	}
	if (err == -EBUSY) {
		vi->busy = wait->busy;
		return 0;
	}
	if (err) {
		vs_vhost_info_free(vi);
		return err;
	}
	err = tg->type_err ?: r.layout_err;
	if (err) {
		vi->owner_pid = 0;
		vs_vhost_dev_error(t, err, vi);
		return 0;
	}
	if (r.vdpa_file) {
		vs_vhost_read_vdpa(r.vdpa_file, t, vi, wait);
		fput(r.vdpa_file);
	}
	vi->nvqs = r.nvqs;
	vi->features128 = VS_VQ_ACKED_FEATURES_WORDS > 1;
	vi->log_enabled = !!(vi->acked_features[0] & BIT_ULL(VHOST_F_LOG_ALL));
	vi->endian = (vi->acked_features[0] & BIT_ULL(VIRTIO_F_VERSION_1)) ||
		     virtio_legacy_is_little_endian() ?
		     VIRTIO_STATUS_ENDIAN_LITTLE : VIRTIO_STATUS_ENDIAN_BIG;
	return 0;
}

/*
 * Holders, count and name of @d, from its walked fds; with @recheck, only
 * those fds that still hold the file, looked at one by one: the holder
 * that named it let go of it since the walk.
 */
static void vs_vhost_holders(const struct vs_vhost_dev *d, bool recheck,
			     struct vs_vhost_target *tg)
{
	const struct vs_vhost_fd *lowest = NULL, *owner = NULL;
	pid_t last = 0;
	unsigned int i;

	for (i = 0; i < d->nfds; i++) {
		const struct vs_vhost_fd *h = &d->first[i];

		if (recheck && !vs_vhost_still_holds(h))
			continue;
		if (!lowest)
			lowest = h;
		if (!owner && d->owner && h->pid == d->owner)
			owner = h;
		if (h->pid == last)
			continue;
		last = h->pid;
		tg->nholders++;
		if (tg->nsent < ARRAY_SIZE(tg->holders))
			tg->holders[tg->nsent++] = h->pid;
	}
	if (recheck && (owner || lowest)) {
		tg->pid = (owner ?: lowest)->pid;
		tg->fd = (owner ?: lowest)->fd;
	}
}

/*
 * Find a walked device again: the first of its holders (the one that
 * names it first) whose fd still holds that very file. Fills @tg, with a
 * reference on that holder's thread. Return: false if every holder let go
 * of it since the walk.
 */
static bool vs_vhost_target_of(const struct vs_vhost_walk *w,
			       const struct vs_vhost_dev *d,
			       struct vs_vhost_target *tg)
{
	const struct vs_vhost_fd *named = NULL;
	unsigned int i;

	memset(tg, 0, sizeof(*tg));
	for (i = 0; i <= d->nfds && !tg->task; i++) {
		const struct vs_vhost_fd *h = i ? &d->first[i - 1] : d->name;

		if (i && h == d->name)
			continue;
		tg->task = vs_vhost_holder(h);
		named = h;
	}
	if (!tg->task)
		return false;
	tg->file = named->file;
	tg->type = d->first->type;
	tg->type_err = w->type_err[tg->type];
	tg->pid = named->pid;
	tg->fd = named->fd;
	tg->owner = d->owner;
	tg->counted = true;
	vs_vhost_holders(d, named != d->name, tg);
	/* the holders' recheck may name another fd of the same file */
	if (tg->pid != named->pid || tg->fd != named->fd) {
		put_task_struct(tg->task);
		tg->task = NULL;
		for (i = 0; i < d->nfds && !tg->task; i++)
			if (d->first[i].pid == tg->pid && d->first[i].fd == tg->fd)
				tg->task = vs_vhost_task(d->first[i].tid, PIDTYPE_PID);
	}
	return tg->task;
}

/*
 * Call @one for each device of a walk from its cursor on, with a target
 * that references its holder's thread for that call. A device that every
 * holder closed since the walk is left out; so is one whose @one says
 * -ENODEV (closed meanwhile). Any other error stops the walk at that
 * device, which the next call tries again.
 */
static int vs_vhost_walk_each(struct vs_vhost_walk *w,
			      int (*one)(const struct vs_vhost_target *tg, void *arg,
					 struct vs_wait *wait),
			      void *arg, struct vs_wait *wait)
{
	struct vs_vhost_target tg;
	int err;

	for (; w->next < w->ndevs; w->next++) {
		if (!vs_vhost_target_of(w, &w->devs[w->next], &tg))
			continue;
		err = one(&tg, arg, wait);
		put_task_struct(tg.task);
		if (err == -ENODEV)
			continue;
		if (err)
			return err;
		cond_resched();
	}
	return 0;
}

/* An emit callback and its argument, for the vs_vhost_walk_each() users. */
struct vs_vhost_emit {
	int (*dev)(const struct vs_vhost_info *vi, void *arg);
	int (*health)(const struct vs_health_dev *hd, void *arg);
	void *arg;
};

static int vs_vhost_emit_dev(const struct vs_vhost_target *tg, void *arg,
			     struct vs_wait *wait)
{
	const struct vs_vhost_emit *e = arg;
	struct vs_vhost_info vi;
	int err;

	err = vs_vhost_read(tg, &vi, wait);
	if (err)
		return err;
	err = e->dev(&vi, e->arg);
	vs_vhost_info_free(&vi);
	return err;
}

/**
 * vs_vhost_walk_emit() - report a walk's devices from its cursor on
 * @w: the walk (vs_vhost_walk_new())
 * @emit: called per device; -EMSGSIZE stops and the device is tried again
 *	by the next call
 * @arg: for @emit
 * @wait: the lock-wait budget of this call
 *
 * Each device is read through its holder's fd table (vs_vhost_access()):
 * no reference on its file. A device that every holder closed since the
 * walk is left out.
 *
 * Return: 0 when every device was reported, -EMSGSIZE if @emit ran out of
 * room, -ENOMEM.
 */
int vs_vhost_walk_emit(struct vs_vhost_walk *w,
		       int (*emit)(const struct vs_vhost_info *vi, void *arg),
		       void *arg, struct vs_wait *wait)
{
	struct vs_vhost_emit e = { .dev = emit, .arg = arg };

	return vs_vhost_walk_each(w, vs_vhost_emit_dev, &e, wait);
}

/* What vs_vhost_emit_health() reads under the table lock. */
struct vs_vhost_health_read {
	const struct vs_vhost_target *tg;
	struct vs_health_dev *hd;
	int nvqs;
	int layout_err;
};

/* The first look counts the queues (@r->hd->qs unset), the second reads. */
static int vs_vhost_health_fd(struct file *f, void *arg, const char **busyp)
{
	struct vs_vhost_health_read *r = arg;
	void *dev = (char *)f->private_data + vs_vhost_types[r->tg->type].dev_off;

	r->layout_err = vs_vhost_check_dev(dev, &r->nvqs);
	if (r->layout_err)
		return 0;
	if (vs_vhost_is_vdpa(r->tg->type) && VS_VHOST_VDPA_VIRTIO_ID >= 0)
		r->hd->id = *vs_at(f->private_data, VS_VHOST_VDPA_VIRTIO_ID, int);
	if (!r->hd->qs)
		return 0;
	return vs_vhost_read_health(dev, min_t(u32, r->nvqs, r->hd->nqs), r->hd->qs, busyp);
}

/*
 * One device's queues, to @e->health. A device that cannot be read
 * through the layout is left out (its dev-get reply says why); a busy one
 * is reported as busy.
 */
static int vs_vhost_emit_health(const struct vs_vhost_target *tg, void *arg,
				struct vs_wait *wait)
{
	const struct vs_vhost_emit *e = arg;
	struct vs_health_dev hd = {
		.kind = VIRTIO_STATUS_KIND_VHOST,
		.id = vs_vhost_types[tg->type].id,
	};
	struct vs_vhost_health_read r = { .tg = tg, .hd = &hd };
	int err;
	u32 i;

	snprintf(hd.vhost_path, sizeof(hd.vhost_path), "/proc/%d/fd/%d", tg->pid, tg->fd);
	hd.path = hd.vhost_path;
	if (tg->type_err)
		return 0;
	err = vs_vhost_access(tg, vs_vhost_health_fd, &r, wait);
	if (!err && !r.layout_err) {
		hd.qs = kcalloc(max(r.nvqs, 1), sizeof(*hd.qs), GFP_KERNEL);
		if (!hd.qs)
			return -ENOMEM;
		hd.nqs = r.nvqs;
		err = vs_vhost_access(tg, vs_vhost_health_fd, &r, wait);
	}
	if (err == -EBUSY) {
		kfree(hd.qs);
		hd.qs = NULL;
		hd.nqs = 0;
		hd.busy = wait->busy;
		return e->health(&hd, e->arg);
	}
	if (err || r.layout_err) {
		kfree(hd.qs);
		return err;
	}
	for (i = 0; i < hd.nqs; i++) {
		struct vs_qhealth *q = &hd.qs[i];

		q->stalled_ns = vs_health_note(q->obj, q->ring, q->index, q->used_idx,
					       q->in_flight);
	}
	err = e->health(&hd, e->arg);
	kfree(hd.qs);
	return err;
}

/**
 * vs_vhost_walk_health() - report every queue of a walk's devices
 * @w: the walk (vs_vhost_walk_new())
 * @emit: called per device with all its queues (or busy); -EMSGSIZE stops
 *	and the device is read and given again by the next call
 * @arg: for @emit
 * @wait: the lock-wait budget of this call
 *
 * Return: as vs_vhost_walk_emit().
 */
int vs_vhost_walk_health(struct vs_vhost_walk *w,
			 int (*emit)(const struct vs_health_dev *hd, void *arg),
			 void *arg, struct vs_wait *wait)
{
	struct vs_vhost_emit e = { .health = emit, .arg = arg };

	return vs_vhost_walk_each(w, vs_vhost_emit_health, &e, wait);
}

/* A do's first look at its fd: which file, of which vhost type. */
struct vs_vhost_peek {
	const void *file;
	int type;
	const void *owner_mm;
};

static int vs_vhost_peek_fd(struct file *f, void *arg, const char **busyp)
{
	struct vs_vhost_peek *p = arg;

	p->file = f;
	p->type = vs_vhost_type_of(f);
	if (p->type >= 0)
		p->owner_mm = vs_vhost_file_owner_mm(f, p->type);
	return 0;
}

/* A thread of process @pid whose fd table holds its fds, referenced. */
static struct task_struct *vs_vhost_table_task(pid_t pid)
{
	struct task_struct *p, *t, *holder = NULL;

	p = vs_vhost_task(pid, PIDTYPE_TGID);
	if (!p)
		return NULL;
	/* the leader's table, or a live thread's if the leader exited */
	rcu_read_lock();
	for_each_thread(p, t) {
		if (READ_ONCE(t->files)) {
			holder = t;
			get_task_struct(holder);
			break;
		}
	}
	rcu_read_unlock();
	put_task_struct(p);
	return holder;
}

/*
 * The device a do request names: fd @fd of process @pid (caller's
 * namespace), looking at that process only. Its holders are that process
 * (nothing else is walked); its owner is known if that process is it.
 * Return: 0 with a reference on the holder thread in @tg->task, -ENODEV
 * (no such process or fd, or not a vhost device), -EIO, -EAGAIN.
 */
static int vs_vhost_target_at(pid_t pid, int fd, struct vs_vhost_target *tg)
{
	struct vs_vhost_peek peek = { .type = -1 };
	const void *mm;
	int err;

	memset(tg, 0, sizeof(*tg));
	if (!vs_vhost_state(NULL, 0))
		return -EIO;
	tg->task = vs_vhost_table_task(pid);
	if (!tg->task)
		return -ENODEV;
	tg->fd = fd;
	err = fd < 0 ? -ENODEV : vs_vhost_access(tg, vs_vhost_peek_fd, &peek, NULL);
	if (!err && peek.type < 0)
		err = -ENODEV;
	if (!err) {
		tg->type = peek.type;
		err = vs_vhost_types[tg->type].dev_off < 0 ? -ENOENT :
		      vs_vhost_check_modules(vs_vhost_types[tg->type].module);
	}
	if (err == -EIO || err == -EAGAIN || err == -ENODEV) {
		put_task_struct(tg->task);
		tg->task = NULL;
		return err;
	}
	task_lock(tg->task);
	mm = tg->task->mm;
	task_unlock(tg->task);
	tg->type_err = err;
	tg->file = peek.file;
	tg->pid = pid;
	tg->holders[0] = pid;
	tg->nholders = 1;
	tg->nsent = 1;
	if (!err && peek.owner_mm && peek.owner_mm == mm)
		tg->owner = pid;
	return 0;
}

/**
 * vs_vhost_get() - read the vhost device open as fd @fd in process @pid
 * @pid: a holder, in the caller's pid namespace
 * @fd: its fd on the device
 * @vi: filled in; release with vs_vhost_info_free() on success
 * @wait: the request's lock-wait budget
 *
 * Only process @pid is looked at: the reply's holders are that process,
 * and its owner is named only if that process is the owner.
 *
 * Return: 0, -ENODEV if that fd is not a vhost device, -EBUSY if the
 * device's locks stayed held (@wait->busy says which), -EIO if vhost
 * support is off, -EAGAIN if its module's BTF could not be read now,
 * -ENOMEM.
 */
int vs_vhost_get(pid_t pid, int fd, struct vs_vhost_info *vi, struct vs_wait *wait)
{
	struct vs_vhost_target tg;
	int err;

	err = vs_vhost_target_at(pid, fd, &tg);
	if (err)
		return err;
	err = vs_vhost_read(&tg, vi, wait);
	put_task_struct(tg.task);
	if (err)
		return err;
	if (vi->busy) {
		vs_vhost_info_free(vi);
		return -EBUSY;
	}
	return 0;
}

/* Where a queue's eventfds sit in one process's fd table. */
struct vs_vhost_efd {
	struct eventfd_ctx *kick;	/* referenced */
	void *call;			/* an identity */
	struct vs_queue_info *qi;
};

/* iterate_fd() callback, under the file_lock: no sleeping. */
static int vs_vhost_efd_scan(const void *arg, struct file *f, unsigned int fd)
{
	const struct vs_vhost_efd *e = arg;
	struct eventfd_ctx *ctx = eventfd_ctx_fileget(f);

	if (IS_ERR(ctx))
		return 0;
	if (e->kick && ctx == e->kick && e->qi->kick_fd < 0)
		e->qi->kick_fd = fd;
	if (e->call && ctx == e->call && e->qi->call_fd < 0)
		e->qi->call_fd = fd;
	eventfd_ctx_put(ctx);
	return e->qi->kick_fd >= 0 && (e->qi->call_fd >= 0 || !e->call);
}

/*
 * Call @scan (an iterate_fd() callback: no sleeping) on the fds of @pid
 * (caller's namespace), every thread's own table once, until it returns
 * non-zero. Only that process is looked at.
 */
static void vs_vhost_scan_pid(pid_t pid,
			      int (*scan)(const void *arg, struct file *f, unsigned int fd),
			      const void *arg)
{
	struct task_struct *p, *t;
	void *last_files = NULL;
	int done = 0;

	rcu_read_lock();
	p = pid_task(find_vpid(pid), PIDTYPE_TGID);
	/* every thread with its own table: an exited leader has none */
	if (p) {
		for_each_thread(p, t) {
			task_lock(t);
			if (t->files && t->files != last_files) {
				last_files = t->files;
				done = iterate_fd(t->files, 0, scan, arg);
			}
			task_unlock(t);
			if (done)
				break;
		}
	}
	rcu_read_unlock();
}

/*
 * Find the queue's eventfds among the fds of @pid, the process the
 * request named. The kick eventfd's context is referenced by the caller,
 * so its comparison is exact; the call eventfd is known only by its
 * context, which vhost may swap for another between our reading it and
 * this lookup: its fd is best effort.
 */
static void vs_vhost_find_efds(pid_t pid, struct eventfd_ctx *kick, void *call,
			       struct vs_queue_info *qi)
{
	struct vs_vhost_efd e = { .kick = kick, .call = call, .qi = qi };

	qi->kick_fd = -1;
	qi->call_fd = -1;
	if (kick || call)
		vs_vhost_scan_pid(pid, vs_vhost_efd_scan, &e);
}

struct vs_vhost_file_fd {
	const struct file *want;
	int fd;
};

static int vs_vhost_file_scan(const void *arg, struct file *f, unsigned int fd)
{
	struct vs_vhost_file_fd *ff = (struct vs_vhost_file_fd *)arg;

	if (f != ff->want)
		return 0;
	ff->fd = fd;
	return 1;
}

/*
 * The lowest fd of @pid holding @file, which the caller keeps referenced
 * (so the comparison is exact); -1 if it holds none.
 */
static int vs_vhost_find_file(pid_t pid, const struct file *file)
{
	struct vs_vhost_file_fd ff = { .want = file, .fd = -1 };

	vs_vhost_scan_pid(pid, vs_vhost_file_scan, &ff);
	return ff.fd;
}

/* What vs_vhost_get_queue() reads under the table lock. */
struct vs_vhost_queue_read {
	const struct vs_vhost_target *tg;
	u32 index;
	struct vs_queue_info *qi;
	struct eventfd_ctx *kick;
	void *call;
	const void *obj;
};

static int vs_vhost_queue_fd(struct file *f, void *arg, const char **busyp)
{
	struct vs_vhost_queue_read *r = arg;
	void *dev = (char *)f->private_data + vs_vhost_types[r->tg->type].dev_off;
	int nvqs;

	if (vs_vhost_check_dev(dev, &nvqs))
		return -EBADE;	/* not readable: its DEV_GET reply says why */
	if (r->index >= nvqs)
		return -ERANGE;
	return vs_vhost_read_queue(dev, r->index, r->qi, &r->kick, &r->call, &r->obj,
				   busyp);
}

/**
 * vs_vhost_get_queue() - read one virtqueue of a vhost device
 * @pid: a holder of the device, in the caller's pid namespace
 * @fd: its fd on the device
 * @index: the queue's index
 * @qi: filled in
 * @wait: the request's lock-wait budget
 *
 * Return: 0, -ERANGE if the device has no queue @index, -EBADE if the
 * device cannot be read (its DEV_GET reply says why), or the errors of
 * vs_vhost_get().
 */
int vs_vhost_get_queue(pid_t pid, int fd, u32 index, struct vs_queue_info *qi,
		       struct vs_wait *wait)
{
	struct vs_vhost_queue_read r = { .index = index, .qi = qi };
	struct vs_vhost_target tg;
	int err;

	memset(qi, 0, sizeof(*qi));
	err = vs_vhost_target_at(pid, fd, &tg);
	if (err)
		return err;
	r.tg = &tg;
	err = tg.type_err ? -EBADE : vs_vhost_access(&tg, vs_vhost_queue_fd, &r, wait);
	put_task_struct(tg.task);
	if (!err) {
		/* vhost-vdpa's rings are always in the device's I/O space */
		if (vs_vhost_is_vdpa(tg.type))
			qi->iova = true;
		/* in the process the request's path names, not the canonical one */
		vs_vhost_find_efds(pid, r.kick, r.call, qi);
		vs_health_note(r.obj, qi->used, index, qi->used_idx,
			       (u16)(qi->avail_idx - qi->used_idx));
	} else if (err == -EBUSY) {
		qi->busy = wait->busy;
	}
	if (r.kick)
		eventfd_ctx_put(r.kick);
	return err;
}

/**
 * vs_vhost_init() - start following vhost module loads
 *
 * Return: 0 or a negative errno.
 */
int vs_vhost_init(void)
{
#ifdef VS_VHOST_LAYOUT_MISSING
	mutex_lock(&vs_vhost_lock);
	vs_vhost_off("%s", VS_VHOST_LAYOUT_MISSING);
	mutex_unlock(&vs_vhost_lock);
#endif
	if (vs_mode_list_only()) {
		mutex_lock(&vs_vhost_lock);
		vs_vhost_off("the module runs in list-only mode: %s", vs_mode_reason());
		mutex_unlock(&vs_vhost_lock);
	}
	return register_module_notifier(&vs_vhost_module_nb);
}

/**
 * vs_vhost_exit() - undo vs_vhost_init()
 */
void vs_vhost_exit(void)
{
	unregister_module_notifier(&vs_vhost_module_nb);
}
