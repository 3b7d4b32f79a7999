// SPDX-License-Identifier: GPL-2.0
/*
 * vs_lockhold: the locks test's tool (selftests/groups/vm_locks.py). It
 * takes a lock that belongs to another subsystem and keeps it for a given time,
 * from a kernel thread of its own, so that the test can watch what
 * virtio_status's requests, generic netlink and module loading do in the
 * meantime. Never loaded outside a test VM.
 *
 * /sys/kernel/debug/vs_lockhold/hold (write; one hold at a time):
 *
 *   rtnl SECONDS             the RTNL
 *   pci BDF SECONDS          device_lock() of the PCI device BDF
 *                            (DDDD:BB:DD.F), e.g. a virtio transport
 *   vhost FD OFFSET SECONDS  the mutex OFFSET bytes into the private data
 *                            of the writer's file FD, a vhost-net file:
 *                            OFFSET is where vhost-net keeps its struct
 *                            vhost_dev plus where that keeps its mutex
 *                            (the target kernel's BTF says)
 *   release                  end the current hold now
 *
 * The write returns at once (-EBUSY while a hold is on); the thread takes
 * the lock, and the status file says when it holds it. What a hold names
 * (the PCI device, the file) stays pinned until the hold ends. The thread
 * waits interruptibly while it holds, so the hung task detector never
 * reports the holder itself, only those who wait for it.
 *
 * /sys/kernel/debug/vs_lockhold/status (read), one line:
 *
 *   state=idle|waiting|held lock=WHAT id=N start_ms=T until_ms=T
 *   released_ms=T now_ms=T
 *
 * id numbers the holds since load (0: none yet); the times are the
 * monotonic clock (CLOCK_MONOTONIC) in ms, 0 for "not yet": start_ms when
 * the lock was taken, until_ms when the hold is to end, released_ms when
 * the last hold let go.
 *
 * The module also registers a generic netlink family, "vs_lockhold", with
 * one do command (ECHO). It is not parallel_ops, so its requests take
 * genetlink's global mutex as most families' do: "another family" whose
 * round trips selftests/netlink/genl_probe.c times during a hold.
 */
#include <linux/completion.h>
#include <linux/debugfs.h>
#include <linux/device.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/kthread.h>
#include <linux/major.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include <net/genetlink.h>

#include "vs_lockhold.h"

#define VS_LH_MAX_SECONDS	600
#define VS_LH_CMD_MAX		128
#define VS_LH_WHAT_MAX		48
/* struct vhost_dev sits near the start of every vhost driver's struct */
#define VS_LH_OFFSET_MAX	4096

enum vs_lh_kind { VS_LH_RTNL, VS_LH_PCI, VS_LH_VHOST };
enum vs_lh_state { VS_LH_IDLE, VS_LH_WAITING, VS_LH_HELD };

static const char * const vs_lh_state_names[] = {
	[VS_LH_IDLE] = "idle",
	[VS_LH_WAITING] = "waiting",
	[VS_LH_HELD] = "held",
};

/**
 * struct vs_lh - the one hold
 * @state: where the thread is
 * @kind: which lock
 * @what: its name in the status file
 * @id: holds started since load
 * @seconds: how long to hold
 * @start_ms: when the lock was taken (0 while waiting)
 * @until_ms: when the hold is to end (0 while waiting)
 * @released_ms: when the last hold let go
 * @pdev: VS_LH_PCI: the device, referenced
 * @file: VS_LH_VHOST: the file, referenced
 * @mutex: VS_LH_VHOST: the mutex inside @file's private data
 * @thread_live: a thread was started and has not been waited for
 * @stop: end the hold now
 *
 * Everything is under vs_lh_lock, but @kind, @seconds, @pdev, @file and
 * @mutex are set before a thread starts and stay as they are while it
 * runs, so the thread reads them without the lock; @stop is read and
 * written with READ_ONCE()/WRITE_ONCE().
 */
struct vs_lh {
	enum vs_lh_state state;
	enum vs_lh_kind kind;
	char what[VS_LH_WHAT_MAX];
	unsigned int id;
	unsigned int seconds;
	u64 start_ms;
	u64 until_ms;
	u64 released_ms;
	struct pci_dev *pdev;
	struct file *file;
	struct mutex *mutex;		/* the vhost device's own, not ours */
	bool thread_live;
	bool stop;
};

static struct vs_lh vs_lh;
static DEFINE_MUTEX(vs_lh_lock);
static DECLARE_WAIT_QUEUE_HEAD(vs_lh_wq);
static DECLARE_COMPLETION(vs_lh_done);
static struct dentry *vs_lh_dir;

static u64 vs_lh_now_ms(void)
{
	return ktime_to_ms(ktime_get());
}

static void vs_lh_take(void)
{
	switch (vs_lh.kind) {
	case VS_LH_RTNL:
		rtnl_lock();
		break;
	case VS_LH_PCI:
		device_lock(&vs_lh.pdev->dev);
		break;
	case VS_LH_VHOST:
		mutex_lock(vs_lh.mutex);
		break;
	}
}

static void vs_lh_drop(void)
{
	switch (vs_lh.kind) {
	case VS_LH_RTNL:
		rtnl_unlock();
		break;
	case VS_LH_PCI:
		device_unlock(&vs_lh.pdev->dev);
		break;
	case VS_LH_VHOST:
		mutex_unlock(vs_lh.mutex);
		break;
	}
}

/* Drop the references a hold took (under vs_lh_lock, no thread running). */
static void vs_lh_put(void)
{
	if (vs_lh.pdev)
		pci_dev_put(vs_lh.pdev);
	if (vs_lh.file)
		fput(vs_lh.file);
	vs_lh.pdev = NULL;
	vs_lh.file = NULL;
	vs_lh.mutex = NULL;
}

/*
 * The holder: take the lock, keep it until the time is up or someone
 * asks to stop, let go. It sleeps interruptibly (a kernel thread gets no
 * signal), which the hung task detector leaves alone.
 */
static int vs_lh_thread(void *unused)
{
	u64 now, until;

	vs_lh_take();
	mutex_lock(&vs_lh_lock);
	now = vs_lh_now_ms();
	vs_lh.state = VS_LH_HELD;
	vs_lh.start_ms = now;
	vs_lh.until_ms = now + (u64)vs_lh.seconds * MSEC_PER_SEC;
	until = vs_lh.until_ms;
	mutex_unlock(&vs_lh_lock);

	while (!READ_ONCE(vs_lh.stop)) {
		now = vs_lh_now_ms();
		if (now >= until)
			break;
		wait_event_interruptible_timeout(vs_lh_wq, READ_ONCE(vs_lh.stop),
						 msecs_to_jiffies(until - now));
	}

	vs_lh_drop();
	mutex_lock(&vs_lh_lock);
	vs_lh.state = VS_LH_IDLE;
	vs_lh.released_ms = vs_lh_now_ms();
	vs_lh_put();
	mutex_unlock(&vs_lh_lock);
	/* nothing touches vs_lh_lock from here: vs_lh_start() may wait */
	kthread_complete_and_exit(&vs_lh_done, 0);
}

/**
 * vs_lh_vhost_file() - the vhost-net file of the caller's descriptor
 * @fd: the descriptor
 * @offset: where the mutex is in its private data
 * @mutex: set to the mutex
 *
 * Return: the file, referenced, or an ERR_PTR().
 */
static struct file *vs_lh_vhost_file(unsigned int fd, unsigned long offset,
				     struct mutex **mutex)
{
	struct inode *inode;
	struct file *file;

	if (offset > VS_LH_OFFSET_MAX || offset % sizeof(long))
		return ERR_PTR(-EINVAL);
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	/* /dev/vhost-net, opened (misc_open() then set the driver's fops) */
	inode = file_inode(file);
	if (!S_ISCHR(inode->i_mode) || imajor(inode) != MISC_MAJOR ||
	    iminor(inode) != VHOST_NET_MINOR || !file->private_data) {
		fput(file);
		return ERR_PTR(-EINVAL);
	}
	*mutex = (struct mutex *)((char *)file->private_data + offset);
	return file;
}

/* Parse one command into @h (its kind, seconds, what, references). */
static int vs_lh_parse(char *cmd, struct vs_lh *h)
{
	unsigned int dom, bus, slot, fn, fd;
	unsigned long offset;
	struct file *file;
	char tail;

	if (sscanf(cmd, "rtnl %u %c", &h->seconds, &tail) == 1) {
		h->kind = VS_LH_RTNL;
		strscpy(h->what, "rtnl", sizeof(h->what));
	} else if (sscanf(cmd, "pci %x:%x:%x.%x %u %c", &dom, &bus, &slot, &fn,
			  &h->seconds, &tail) == 5) {
		if (dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
			return -EINVAL;
		h->pdev = pci_get_domain_bus_and_slot(dom, bus,
						      PCI_DEVFN(slot, fn));
		if (!h->pdev)
			return -ENODEV;
		h->kind = VS_LH_PCI;
		snprintf(h->what, sizeof(h->what), "pci:%s",
			 pci_name(h->pdev));
	} else if (sscanf(cmd, "vhost %u %lu %u %c", &fd, &offset,
			  &h->seconds, &tail) == 3) {
		file = vs_lh_vhost_file(fd, offset, &h->mutex);
		if (IS_ERR(file))
			return PTR_ERR(file);
		h->file = file;
		h->kind = VS_LH_VHOST;
		snprintf(h->what, sizeof(h->what), "vhost:%u+%lu", fd, offset);
	} else {
		return -EINVAL;
	}
	if (!h->seconds || h->seconds > VS_LH_MAX_SECONDS)
		return -ERANGE;
	return 0;
}

/*
 * Start the hold @h names. Its references move into vs_lh (and @h's are
 * cleared) unless another hold is on: -EBUSY.
 */
static int vs_lh_start(struct vs_lh *h)
{
	struct task_struct *t;

	mutex_lock(&vs_lh_lock);
	if (vs_lh.state != VS_LH_IDLE) {
		mutex_unlock(&vs_lh_lock);
		return -EBUSY;
	}
	if (vs_lh.thread_live) {
		/* idle: the last thread is at its last step */
		wait_for_completion(&vs_lh_done);
		vs_lh.thread_live = false;
	}
	reinit_completion(&vs_lh_done);
	vs_lh.kind = h->kind;
	vs_lh.seconds = h->seconds;
	vs_lh.pdev = h->pdev;
	vs_lh.file = h->file;
	vs_lh.mutex = h->mutex;
	h->pdev = NULL;
	h->file = NULL;
	strscpy(vs_lh.what, h->what, sizeof(vs_lh.what));
	vs_lh.id++;
	vs_lh.start_ms = 0;
	vs_lh.until_ms = 0;
	WRITE_ONCE(vs_lh.stop, false);
	vs_lh.state = VS_LH_WAITING;
	t = kthread_run(vs_lh_thread, NULL, "vs_lockhold");
	if (IS_ERR(t)) {
		vs_lh.state = VS_LH_IDLE;
		vs_lh_put();
		mutex_unlock(&vs_lh_lock);
		return PTR_ERR(t);
	}
	vs_lh.thread_live = true;
	mutex_unlock(&vs_lh_lock);
	return 0;
}

static void vs_lh_release(void)
{
	WRITE_ONCE(vs_lh.stop, true);
	wake_up(&vs_lh_wq);
}

static ssize_t vs_lh_hold_write(struct file *f, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[VS_LH_CMD_MAX];
	struct vs_lh h = {};
	char *cmd;
	int err;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	cmd = strim(buf);
	if (!strcmp(cmd, "release")) {
		vs_lh_release();
		return len;
	}
	err = vs_lh_parse(cmd, &h);
	if (!err)
		err = vs_lh_start(&h);
	if (err) {
		if (h.pdev)
			pci_dev_put(h.pdev);
		if (h.file)
			fput(h.file);
		return err;
	}
	return len;
}

static const struct file_operations vs_lh_hold_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = vs_lh_hold_write,
};

static int vs_lh_status_show(struct seq_file *m, void *unused)
{
	mutex_lock(&vs_lh_lock);
	seq_printf(m, "state=%s lock=%s id=%u start_ms=%llu until_ms=%llu released_ms=%llu now_ms=%llu\n",
		   vs_lh_state_names[vs_lh.state],
		   vs_lh.id ? vs_lh.what : "none", vs_lh.id, vs_lh.start_ms,
		   vs_lh.until_ms, vs_lh.released_ms, vs_lh_now_ms());
	mutex_unlock(&vs_lh_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vs_lh_status);

/* ECHO: answer with the VALUE the request carried (0 if none). */
static struct genl_family vs_lh_family;

static int vs_lh_echo(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *a = info->attrs[VS_LOCKHOLD_A_VALUE];
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(nla_total_size(sizeof(u32)), GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &vs_lh_family, 0,
				VS_LOCKHOLD_CMD_ECHO);
	if (!hdr || nla_put_u32(msg, VS_LOCKHOLD_A_VALUE,
				a ? nla_get_u32(a) : 0)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

static const struct nla_policy vs_lh_echo_policy[VS_LOCKHOLD_A_MAX + 1] = {
	[VS_LOCKHOLD_A_VALUE] = { .type = NLA_U32 },
};

static const struct genl_ops vs_lh_ops[] = {
	{
		.cmd = VS_LOCKHOLD_CMD_ECHO,
		.policy = vs_lh_echo_policy,
		.maxattr = VS_LOCKHOLD_A_MAX,
		.doit = vs_lh_echo,
	},
};

static struct genl_family vs_lh_family = {
	.name = VS_LOCKHOLD_FAMILY_NAME,
	.version = VS_LOCKHOLD_FAMILY_VERSION,
	.module = THIS_MODULE,
	.ops = vs_lh_ops,
	.n_ops = ARRAY_SIZE(vs_lh_ops),
};

static int __init vs_lh_init(void)
{
	int err;

	err = genl_register_family(&vs_lh_family);
	if (err)
		return err;
	vs_lh_dir = debugfs_create_dir("vs_lockhold", NULL);
	debugfs_create_file("hold", 0200, vs_lh_dir, NULL, &vs_lh_hold_fops);
	debugfs_create_file("status", 0444, vs_lh_dir, NULL,
			    &vs_lh_status_fops);
	return 0;
}

static void __exit vs_lh_exit(void)
{
	bool live;

	/* no write or read runs after this, so no new hold starts */
	debugfs_remove_recursive(vs_lh_dir);
	genl_unregister_family(&vs_lh_family);
	mutex_lock(&vs_lh_lock);
	live = vs_lh.thread_live;
	mutex_unlock(&vs_lh_lock);
	if (live) {
		vs_lh_release();
		wait_for_completion(&vs_lh_done);
	}
}

module_init(vs_lh_init);
module_exit(vs_lh_exit);
MODULE_DESCRIPTION("virtio-status selftests: hold another subsystem's lock for a while");
MODULE_LICENSE("GPL");
