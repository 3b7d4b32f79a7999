// SPDX-License-Identifier: GPL-2.0
/*
 * The host side: finding vhost devices held open by processes and reading
 * their state. This is the only file that looks inside vhost's structures.
 *
 * No list of vhost devices exists. Each request walks the processes the
 * caller can see (its pid namespace) and their file tables, keeping the
 * files whose file_operations belong to a vhost module, each pinned with
 * get_file() until the request is done. One device held by several
 * processes (fork, fd passing) is one file, so it is reported once, with
 * all its holders; its path names the owner (the process whose mm the
 * device is bound to) if that process holds it, else the holder with the
 * lowest pid, and that process's lowest fd for it: "/proc/PID/fd/FD".
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
 * Locking follows vhost: dev->mutex, then each vq->mutex, both killable.
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
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vhost_iotlb.h>
#include <linux/vhost_types.h>
#include <linux/virtio_byteorder.h>
#include <linux/virtio_config.h>
#include <linux/virtio_status.h>

#include "vs.h"
#include "vhost_layout.h"

/* More than any vhost driver sets up (vhost-scsi has the most, 130). */
#define VS_VHOST_MAX_VQS	1024
/* Upper bound on vhost fds one request will pin. */
#define VS_VHOST_SCAN_MAX	BIT(20)

#ifdef VS_VHOST_LAYOUT_MISSING
#define VS_VHOST_NET_DEV	-1
#define VS_VHOST_VSOCK_DEV	-1
#define VS_VHOST_SCSI_DEV	-1
#define VS_VHOST_VDPA_DEV	-1
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
 * @reason: where to copy why it is off
 * @len: size of @reason
 *
 * Return: true if on.
 */
bool vs_vhost_state(char *reason, size_t len)
{
	bool on;

	mutex_lock(&vs_vhost_lock);
	on = !vs_vhost_reason[0];
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

#ifndef VS_VHOST_LAYOUT_MISSING
/*
 * Reads through the layout. vs_vhost_check_dev() validates a device with
 * fault-tolerant reads first; the plain accessors are used only after it.
 */
#define vs_at(base, off, type)	((type *)((char *)(base) + (off)))

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

static void *vs_vhost_owner_mm(void *dev)
{
	void *mm = NULL;

	if (copy_from_kernel_nofault(&mm, vs_at(dev, VS_VHOST_DEV_MM, void *),
				     sizeof(mm)))
		return NULL;
	return mm;
}

/* The device's state, under dev->mutex and each vq->mutex. */
static int vs_vhost_read_locked(void *dev, int nvqs, struct vs_vhost_info *vi)
{
	struct mutex *dev_mutex = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);
	void **vqs = *vs_at(dev, VS_VHOST_DEV_VQS, void **);
	struct vhost_iotlb *umem;
	int i, err = 0;

	BUILD_BUG_ON(sizeof(struct mutex) != VS_VHOST_DEV_MUTEX_SIZE);
	BUILD_BUG_ON(sizeof(struct mutex) != VS_VQ_MUTEX_SIZE);

	if (mutex_lock_killable(dev_mutex))
		return -EINTR;
	umem = *vs_at(dev, VS_VHOST_DEV_UMEM, struct vhost_iotlb *);
	vi->mem_regions = umem ? umem->nmaps : 0;
	for (i = 0; i < nvqs; i++) {
		struct mutex *vq_mutex = vs_at(vqs[i], VS_VQ_MUTEX, struct mutex);

		if (mutex_lock_killable(vq_mutex)) {
			err = -EINTR;
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
 * One virtqueue, under dev->mutex and its vq->mutex. @kickp and @callp get
 * the eventfds' identities, for comparison only once the locks are gone.
 */
static int vs_vhost_read_queue(void *dev, u32 index, struct vs_queue_info *qi,
			       void **kickp, void **callp)
{
	struct mutex *dev_mutex = vs_at(dev, VS_VHOST_DEV_MUTEX, struct mutex);
	void *vq = (*vs_at(dev, VS_VHOST_DEV_VQS, void **))[index];
	struct mutex *vq_mutex = vs_at(vq, VS_VQ_MUTEX, struct mutex);
	struct vhost_iotlb *umem;
	unsigned int i;

	if (mutex_lock_killable(dev_mutex))
		return -EINTR;
	if (mutex_lock_killable(vq_mutex)) {
		mutex_unlock(dev_mutex);
		return -EINTR;
	}
	qi->vhost = true;
	qi->index = index;
	qi->num = *vs_at(vq, VS_VQ_NUM, unsigned int);
	qi->desc = (unsigned long)*vs_at(vq, VS_VQ_DESC, void *);
	qi->avail = (unsigned long)*vs_at(vq, VS_VQ_AVAIL, void *);
	qi->used = (unsigned long)*vs_at(vq, VS_VQ_USED, void *);
	qi->last_avail_idx = *vs_at(vq, VS_VQ_LAST_AVAIL_IDX, u16);
	qi->avail_idx = *vs_at(vq, VS_VQ_AVAIL_IDX, u16);
	qi->used_idx = *vs_at(vq, VS_VQ_LAST_USED_IDX, u16);
	qi->has_idx = true;
	/* The kick file is pinned for the fd lookup; see vs_vhost_find_efds(). */
	*kickp = *vs_at(vq, VS_VQ_KICK, struct file *);
	if (*kickp)
		get_file(*kickp);
	*callp = *vs_at(vq, VS_VQ_CALL_CTX, void *);
	qi->kick = !!*kickp;
	qi->call = !!*callp;
	umem = *vs_at(dev, VS_VHOST_DEV_UMEM, struct vhost_iotlb *);
	for (i = 0; i < ARRAY_SIZE(qi->gpa); i++)
		if (vs_vhost_gpa(umem, i == 0 ? qi->desc : i == 1 ? qi->avail : qi->used,
				 &qi->gpa[i]))
			qi->gpa_valid |= BIT(i);
	mutex_unlock(vq_mutex);
	mutex_unlock(dev_mutex);
	return 0;
}
#else
static int vs_vhost_check_dev(void *dev, int *nvqsp)
{
	return -EOPNOTSUPP;
}

static int vs_vhost_read_queue(void *dev, u32 index, struct vs_queue_info *qi,
			       void **kickp, void **callp)
{
	return -EOPNOTSUPP;
}

static void *vs_vhost_owner_mm(void *dev)
{
	return NULL;
}

static int vs_vhost_read_locked(void *dev, int nvqs, struct vs_vhost_info *vi)
{
	return -EOPNOTSUPP;
}
#endif

/**
 * struct vs_vhost_fd - one fd on a vhost device, found by the scan
 * @file: the file, pinned
 * @mm: the holder's mm, compared with the device's owner, never used
 * @pid: the holder, in the caller's pid namespace
 * @fd: the fd number in the holder
 * @type: index in vs_vhost_types
 */
struct vs_vhost_fd {
	struct file *file;
	void *mm;
	pid_t pid;
	int fd;
	int type;
};

/**
 * struct vs_vhost_dev - one device: a run of vs_vhost_fd with the same file
 * @first: its first fd (sorted by file, pid, fd)
 * @nfds: fds on it
 * @pid: the process that names it (owner if it holds it, else lowest pid)
 * @fd: that process's lowest fd on it
 * @dev: its struct vhost_dev, NULL if its type has no layout
 * @owner: the owner's pid, 0 if no owner or not visible
 * @err: why @dev is NULL: 0 (its type has no layout), or the error of the
 *	module check (-EIO: vhost support is off; -EAGAIN: not checkable now)
 */
struct vs_vhost_dev {
	struct vs_vhost_fd *first;
	unsigned int nfds;
	pid_t pid;
	int fd;
	void *dev;
	pid_t owner;
	int err;
};

/**
 * struct vs_vhost_scan - what one request found
 * @fds: every vhost fd in the visible processes
 * @nfds: used entries of @fds
 * @cap: size of @fds
 * @overflow: @fds was too small
 * @devs: the devices, sorted by (pid, fd)
 * @ndevs: entries of @devs
 * @pid: while walking: the current process
 * @mm: while walking: its mm
 */
struct vs_vhost_scan {
	struct vs_vhost_fd *fds;
	size_t nfds;
	size_t cap;
	bool overflow;
	struct vs_vhost_dev *devs;
	size_t ndevs;
	pid_t pid;
	void *mm;
};

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

/* iterate_fd() callback, under the holder's file_lock: no sleeping. */
static int vs_vhost_scan_fd(const void *arg, struct file *f, unsigned int fd)
{
	struct vs_vhost_scan *s = (struct vs_vhost_scan *)arg;
	int type = vs_vhost_type_of(f);

	if (type < 0)
		return 0;
	if (s->nfds == s->cap) {
		s->overflow = true;
		return 1;
	}
	get_file(f);
	s->fds[s->nfds++] = (struct vs_vhost_fd) {
		.file = f, .mm = s->mm, .pid = s->pid, .fd = fd, .type = type,
	};
	return 0;
}

static void vs_vhost_scan_free(struct vs_vhost_scan *s)
{
	size_t i;

	for (i = 0; i < s->nfds; i++)
		fput(s->fds[i].file);
	kvfree(s->fds);
	kvfree(s->devs);
	s->fds = NULL;
	s->devs = NULL;
	s->nfds = 0;
	s->ndevs = 0;
}

/* Pin every vhost file of every process visible to the caller. */
static int vs_vhost_scan_fds(struct vs_vhost_scan *s)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct task_struct *g, *p;
	void *last_files;

	for (s->cap = 64;; s->cap *= 4) {
		s->fds = kvmalloc_array(s->cap, sizeof(*s->fds), GFP_KERNEL);
		if (!s->fds)
			return -ENOMEM;
		s->overflow = false;
		last_files = NULL;

		/*
		 * Every thread, not only leaders: a thread may have its own file
		 * table (CLONE_FILES unshared), and a leader that exited has
		 * none. Threads sharing one table come in a row: walk it once.
		 */
		rcu_read_lock();
		for_each_process_thread(g, p) {
			s->pid = task_tgid_nr_ns(p, ns);
			if (!s->pid)
				continue;
			task_lock(p);
			if (p->files && p->files != last_files) {
				last_files = p->files;
				s->mm = p->mm;
				iterate_fd(p->files, 0, vs_vhost_scan_fd, s);
			}
			task_unlock(p);
			if (s->overflow)
				goto walked;
		}
walked:
		rcu_read_unlock();

		if (!s->overflow)
			return 0;
		vs_vhost_scan_free(s);
		if (s->cap >= VS_VHOST_SCAN_MAX)
			return -E2BIG;
	}
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

static int vs_vhost_cmp_dev(const void *a, const void *b)
{
	const struct vs_vhost_dev *x = a, *y = b;

	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return x->fd - y->fd;
}

/*
 * The visible process whose mm is @mm, for an owner that holds no fd on its
 * device any more (it passed it on): the lowest pid of those sharing it.
 */
static pid_t vs_vhost_find_owner(void *mm)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct task_struct *g, *p;
	pid_t found = 0, pid;

	rcu_read_lock();
	for_each_process_thread(g, p) {
		pid = task_tgid_nr_ns(p, ns);
		if (!pid || (found && pid > found))
			continue;
		task_lock(p);
		if (p->mm == mm)
			found = pid;
		task_unlock(p);
	}
	rcu_read_unlock();
	return found;
}

/* Name a device by its owner if it holds it, else its lowest holder. */
static void vs_vhost_name_dev(struct vs_vhost_dev *d)
{
	const struct vs_vhost_type *t = &vs_vhost_types[d->first->type];
	void *owner_mm = NULL;
	unsigned int i;
	int nvqs;

	d->pid = d->first->pid;
	d->fd = d->first->fd;
	d->err = t->dev_off < 0 ? -ENOENT : vs_vhost_check_modules(t->module);
	if (d->err)
		return;
	d->dev = (char *)d->first->file->private_data + t->dev_off;
	/* A device that fails the structure check is named, not read. */
	d->err = vs_vhost_check_dev(d->dev, &nvqs);
	if (d->err) {
		d->dev = NULL;
		return;
	}
	owner_mm = vs_vhost_owner_mm(d->dev);
	if (!owner_mm)
		return;
	/* Sorted by pid then fd: the first match is the owner's lowest fd. */
	for (i = 0; i < d->nfds; i++) {
		if (d->first[i].mm == owner_mm) {
			d->owner = d->first[i].pid;
			d->pid = d->first[i].pid;
			d->fd = d->first[i].fd;
			return;
		}
	}
	d->owner = vs_vhost_find_owner(owner_mm);
}

/* Find all devices, each named and sorted by its name. */
static int vs_vhost_scan(struct vs_vhost_scan *s)
{
	size_t i;
	int err;

	memset(s, 0, sizeof(*s));
	err = vs_vhost_scan_fds(s);
	if (err)
		return err;
	sort(s->fds, s->nfds, sizeof(*s->fds), vs_vhost_cmp_fd, NULL);

	s->devs = kvcalloc(s->nfds ?: 1, sizeof(*s->devs), GFP_KERNEL);
	if (!s->devs) {
		vs_vhost_scan_free(s);
		return -ENOMEM;
	}
	for (i = 0; i < s->nfds; i++) {
		if (i && s->fds[i].file == s->fds[i - 1].file) {
			s->devs[s->ndevs - 1].nfds++;
			continue;
		}
		s->devs[s->ndevs].first = &s->fds[i];
		s->devs[s->ndevs].nfds = 1;
		s->ndevs++;
	}
	for (i = 0; i < s->ndevs; i++)
		vs_vhost_name_dev(&s->devs[i]);
	sort(s->devs, s->ndevs, sizeof(*s->devs), vs_vhost_cmp_dev, NULL);
	return 0;
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
 * Why @d cannot be read through the layout, for its reply: @err from
 * vs_vhost_name_dev() or vs_vhost_check_dev(). One device's failure stays
 * its own: the others are read, and vhost support stays on.
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

/*
 * Everything about one device, for one reply message; a device that cannot
 * be read through the layout is reported with the reason (@vi->error) and
 * nothing read. Return: 0, or an error that ends the request (-EIO: vhost
 * support is off; -EAGAIN; -EINTR; -ENOMEM).
 */
static int vs_vhost_read(struct vs_vhost_dev *d, struct vs_vhost_info *vi)
{
	const struct vs_vhost_type *t = &vs_vhost_types[d->first->type];
	unsigned int i;
	int nvqs, err;

	memset(vi, 0, sizeof(*vi));
	err = d->dev ? vs_vhost_check_dev(d->dev, &nvqs) : d->err;
	if (err == -EIO || err == -EAGAIN)
		return err;

	vi->holders = kcalloc(d->nfds, sizeof(*vi->holders), GFP_KERNEL);
	if (!vi->holders)
		return -ENOMEM;
	for (i = 0; i < d->nfds; i++)
		if (!vi->nholders ||
		    vi->holders[vi->nholders - 1] != d->first[i].pid)
			vi->holders[vi->nholders++] = d->first[i].pid;
	snprintf(vi->path, sizeof(vi->path), "/proc/%d/fd/%d", d->pid, d->fd);
	vi->name = t->name;
	vi->module = t->module;
	vi->id = t->id;
	vi->owner_pid = d->owner;
	if (err) {
		vs_vhost_dev_error(t, err, vi);
		return 0;
	}

	err = vs_vhost_read_locked(d->dev, nvqs, vi);
	if (err) {
		vs_vhost_info_free(vi);
		return err;
	}
	vi->nvqs = nvqs;
	vi->features128 = VS_VQ_ACKED_FEATURES_WORDS > 1;
	vi->log_enabled = !!(vi->acked_features[0] & BIT_ULL(VHOST_F_LOG_ALL));
	vi->endian = (vi->acked_features[0] & BIT_ULL(VIRTIO_F_VERSION_1)) ||
		     virtio_legacy_is_little_endian() ?
		     VIRTIO_STATUS_ENDIAN_LITTLE : VIRTIO_STATUS_ENDIAN_BIG;
	return 0;
}

/**
 * vs_vhost_dump() - report vhost devices after a cursor, in path order
 * @emit: called per device; -EMSGSIZE stops the walk
 * @arg: for @emit
 * @pid: cursor: the pid of the last device reported, 0 to start
 * @fd: cursor: its fd; both are updated to the last device @emit took
 *
 * Every file found is pinned only until this returns.
 *
 * Return: 0 when every device after the cursor was reported, -EMSGSIZE if
 * @emit ran out of room, -EIO if vhost support is (now) off, -EAGAIN if
 * a vhost module's BTF could not be read for this request, -EINTR,
 * -ENOMEM, -E2BIG.
 */
int vs_vhost_dump(int (*emit)(const struct vs_vhost_info *vi, void *arg),
		  void *arg, pid_t *pid, int *fd)
{
	struct vs_vhost_scan s;
	struct vs_vhost_info vi;
	size_t i;
	int err;

	err = vs_vhost_scan(&s);
	if (err)
		return err;
	for (i = 0; i < s.ndevs; i++) {
		struct vs_vhost_dev *d = &s.devs[i];

		if (d->pid < *pid || (d->pid == *pid && d->fd <= *fd))
			continue;
		err = vs_vhost_read(d, &vi);
		if (err)
			break;
		err = emit(&vi, arg);
		vs_vhost_info_free(&vi);
		if (err)
			break;
		*pid = d->pid;
		*fd = d->fd;
	}
	vs_vhost_scan_free(&s);
	return err;
}

/* The device that @pid holds as @fd, among those @s found. */
static struct vs_vhost_dev *vs_vhost_find(struct vs_vhost_scan *s, pid_t pid, int fd)
{
	size_t i, j;

	for (i = 0; i < s->ndevs; i++)
		for (j = 0; j < s->devs[i].nfds; j++)
			if (s->devs[i].first[j].pid == pid &&
			    s->devs[i].first[j].fd == fd)
				return &s->devs[i];
	return NULL;
}

/**
 * vs_vhost_get() - report the vhost device open as fd @fd in process @pid
 * @pid: a holder, in the caller's pid namespace
 * @fd: its fd on the device
 * @emit: called once with the device
 * @arg: for @emit
 *
 * Return: what @emit returned, -ENODEV if that fd is not a vhost device,
 * or the errors of vs_vhost_dump().
 */
int vs_vhost_get(pid_t pid, int fd,
		 int (*emit)(const struct vs_vhost_info *vi, void *arg), void *arg)
{
	struct vs_vhost_scan s;
	struct vs_vhost_info vi;
	struct vs_vhost_dev *d;
	int err;

	err = vs_vhost_scan(&s);
	if (err)
		return err;
	d = vs_vhost_find(&s, pid, fd);
	err = d ? vs_vhost_read(d, &vi) : -ENODEV;
	if (!err) {
		err = emit(&vi, arg);
		vs_vhost_info_free(&vi);
	}
	vs_vhost_scan_free(&s);
	return err;
}

/* Where a queue's eventfds sit in one process's fd table. */
struct vs_vhost_efd {
	void *kick;		/* struct file of the kick eventfd */
	void *call;		/* eventfd_ctx of the call eventfd */
	struct vs_queue_info *qi;
};

/* iterate_fd() callback, under the file_lock: no sleeping. */
static int vs_vhost_efd_scan(const void *arg, struct file *f, unsigned int fd)
{
	const struct vs_vhost_efd *e = arg;
	struct eventfd_ctx *ctx;

	if (e->kick && f == e->kick && e->qi->kick_fd < 0)
		e->qi->kick_fd = fd;
	if (e->call && e->qi->call_fd < 0) {
		ctx = eventfd_ctx_fileget(f);
		if (!IS_ERR(ctx)) {
			if (ctx == e->call)
				e->qi->call_fd = fd;
			eventfd_ctx_put(ctx);
		}
	}
	return e->qi->kick_fd >= 0 && (e->qi->call_fd >= 0 || !e->call);
}

/*
 * Find the queue's eventfds among the fds of @pid (caller's namespace).
 * @kick is pinned by the caller, so the comparison is exact; the call
 * eventfd is known only by its context, which vhost may swap for another
 * between our reading it and this lookup: its fd is best effort.
 */
static void vs_vhost_find_efds(pid_t pid, void *kick, void *call,
			       struct vs_queue_info *qi)
{
	struct vs_vhost_efd e = { .kick = kick, .call = call, .qi = qi };
	struct task_struct *p, *t;
	void *last_files = NULL;
	int done = 0;

	qi->kick_fd = -1;
	qi->call_fd = -1;
	if (!kick && !call)
		return;
	rcu_read_lock();
	p = pid_task(find_vpid(pid), PIDTYPE_TGID);
	/* every thread, as the scan does: an exited leader has no table */
	if (p) {
		for_each_thread(p, t) {
			task_lock(t);
			if (t->files && t->files != last_files) {
				last_files = t->files;
				done = iterate_fd(t->files, 0, vs_vhost_efd_scan, &e);
			}
			task_unlock(t);
			if (done)
				break;
		}
	}
	rcu_read_unlock();
}

/**
 * vs_vhost_get_queue() - read one virtqueue of a vhost device
 * @pid: a holder of the device, in the caller's pid namespace
 * @fd: its fd on the device
 * @index: the queue's index
 * @qi: filled in
 *
 * Return: 0, -ERANGE if the device has no queue @index, or the errors of
 * vs_vhost_get().
 */
int vs_vhost_get_queue(pid_t pid, int fd, u32 index, struct vs_queue_info *qi)
{
	struct vs_vhost_scan s;
	struct vs_vhost_dev *d;
	void *kick, *call;
	int nvqs = 0, err;

	memset(qi, 0, sizeof(*qi));
	err = vs_vhost_scan(&s);
	if (err)
		return err;
	d = vs_vhost_find(&s, pid, fd);
	if (!d) {
		err = -ENODEV;
		goto out;
	}
	err = d->dev ? vs_vhost_check_dev(d->dev, &nvqs) : d->err;
	if (err && err != -EIO && err != -EAGAIN)
		err = -EBADE;	/* this device is not readable: its reply says why */
	if (err)
		goto out;
	if (index >= nvqs)
		err = -ERANGE;
	else
		err = vs_vhost_read_queue(d->dev, index, qi, &kick, &call);
	if (!err) {
		/* in the process the request's path names, not the canonical one */
		vs_vhost_find_efds(pid, kick, call, qi);
		if (kick)
			fput(kick);
	}
out:
	vs_vhost_scan_free(&s);
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
