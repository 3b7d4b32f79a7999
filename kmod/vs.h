/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio_status: shared declarations of the module's parts.
 */
#ifndef _VS_H
#define _VS_H

#include <linux/types.h>
#include <linux/virtio.h>
#include <linux/virtio_status.h>
#include <linux/netlink.h>

#include "compat.h"

/* How long one request (or dump part) may wait for other subsystems' locks. */
#define VS_WAIT_BUDGET_MS	250

/**
 * struct vs_wait - the lock-wait budget of one request; see wait.c
 * @deadline: jiffies after which a lock gets one try only
 * @busy: the last lock that stayed held, as a sentence; NULL if none
 */
struct vs_wait {
	unsigned long deadline;
	const char *busy;
};

void vs_wait_start(struct vs_wait *w);
bool vs_wait_again(struct vs_wait *w, const char *what);
bool vs_mutex_lock_bounded(struct mutex *m, struct vs_wait *w, const char *what);
bool vs_device_lock_bounded(struct device *dev, struct vs_wait *w, const char *what);
bool vs_rtnl_lock_bounded(struct vs_wait *w, const char *what);

/**
 * struct vs_virtio_info - one virtio device, read once, then reported
 * @path: canonical sysfs path ("/sys/devices/.../virtioN"), kmalloc'ed
 * @busid: name on the virtio bus ("virtioN")
 * @driver: name of the bound driver, empty when none is bound
 * @transport: name of the bus the transport device sits on ("pci")
 * @transport_dev: name of the transport device ("0000:01:00.0")
 * @name: QEMU's name for @id
 * @index: virtio index (the N of virtioN)
 * @id: virtio device id
 * @vendor: virtio vendor id
 * @status: device status byte
 * @num_vqs: virtqueues the driver has set up
 * @device_num_vqs: virtqueues the device offers, valid if @has_device_num_vqs
 * @has_device_num_vqs: the transport showed @device_num_vqs
 * @endian: enum virtio_status_endian
 * @driver_features: features the driver accepted (bits 0-63, 64-127)
 * @device_features: features the device offers, valid if !@device_features_err
 * @device_features_err: positive errno saying why @device_features is unknown
 * @has_status: @status was read (the transport has a get_status callback)
 * @broken: at least one virtqueue is marked broken
 * @failed: the device failed to come back from a restore
 * @list_only: list-only mode: only the names, ids, driver and transport
 *	above are valid
 * @generation: bus generation (vs_virtio_generation()) when read began
 * @busy: which lock another task held past the wait budget; then only
 *	the identity (names, ids, transport, driver) is valid
 * @nchildren: entries of @children
 * @children: devices the driver made below it, of a class whose names do
 *	not change (vs_read_children())
 */
struct vs_virtio_info {
	char *path;
	char busid[32];
	char driver[64];
	char transport[32];
	char transport_dev[64];
	char name[32];
	u32 index;
	u32 id;
	u32 vendor;
	u32 status;
	u32 num_vqs;
	u32 device_num_vqs;
	bool has_device_num_vqs;
	u32 endian;
	u64 driver_features[2];
	u64 device_features[2];
	u32 device_features_err;
	bool has_status;
	bool broken;
	bool failed;
	bool list_only;
	u32 generation;
	const char *busy;
	u32 nchildren;
	struct {
		char class[16];
		char name[32];
	} children[VIRTIO_STATUS_CHILD_MAX];
};

/**
 * struct vs_vhost_info - one vhost device, read once, then reported
 * @path: "/proc/PID/fd/FD" of the holder that names it
 * @name: QEMU's name for it ("vhost-net")
 * @module: its vhost driver's module ("vhost_net")
 * @id: virtio device id it backs
 * @nvqs: its virtqueues
 * @mem_regions: regions in its memory table
 * @endian: enum virtio_status_endian
 * @acked_features: features the owner set (virtqueue 0; bits 0-63, 64-127)
 * @features128: the vhost of this kernel keeps 128 feature bits
 * @backend_features: backend features the owner set (virtqueue 0)
 * @log_enabled: VHOST_F_LOG_ALL is acked
 * @started: a backend is attached to some virtqueue
 * @owner_pid: the owner process, 0 if none or not visible
 * @holders: pids of the processes holding it, kmalloc'ed
 * @nholders: entries of @holders
 * @error: why it could not be read through the layout; empty if it was.
 *	With an error only @path, @name, @module, @id, @owner_pid and the
 *	holders are valid.
 * @busy: which lock another task held past the wait budget; then as with
 *	@error, only the identity and the holders are valid
 * @holders_counted: @nholders counts every holder (a dump); false when
 *	only the process the request named was looked at (a do)
 * @guest_cid: (vhost-vsock) the guest's context id, 0 if unset or unknown
 * @backend_fd: (vhost-net) the backend's fd in the holder the path names,
 *	-1 if none is set or it is not there
 */
struct vs_vhost_info {
	char path[48];
	const char *name;
	const char *module;
	u32 id;
	u32 nvqs;
	u32 mem_regions;
	u32 endian;
	u64 acked_features[2];
	bool features128;
	u64 backend_features;
	bool log_enabled;
	bool started;
	pid_t owner_pid;
	pid_t *holders;
	u32 nholders;
	char error[160];
	const char *busy;
	bool holders_counted;
	u32 guest_cid;
	int backend_fd;
};

/**
 * struct vs_queue_info - one virtqueue, guest or vhost, read once
 * @index: queue index
 * @name: the driver's name for it (guest), empty for vhost
 * @num: ring size
 * @num_free: free descriptors (guest)
 * @desc: descriptor area address (guest: DMA; vhost: owner's user address)
 * @avail: driver area address
 * @used: device area address
 * @packed: packed ring (guest)
 * @has_idx: @avail_idx, @used_idx and the flags are known
 * @avail_idx: avail ring idx
 * @used_idx: used ring idx
 * @avail_flags: avail ring flags
 * @used_flags: used ring flags
 * @broken: the queue is marked broken (guest)
 * @vhost: this is a vhost queue; the fields below are valid
 * @last_avail_idx: next avail entry vhost will take
 * @kick: a kick eventfd is set
 * @call: a call eventfd is set
 * @kick_fd: the kick eventfd's fd in the naming process, -1 if none
 * @call_fd: the call eventfd's fd in the naming process, -1 if none
 * @gpa_valid: bit n: @gpa[n] is known (0 desc, 1 avail, 2 used)
 * @gpa: the ring areas as guest physical addresses, via the memory table
 * @addr_hidden: the caller may not see addresses: the reply leaves out
 *	@desc, @avail, @used and @gpa, and says why
 * @iova: (vhost) @desc, @avail and @used are I/O virtual addresses (the
 *	owner acked VIRTIO_F_ACCESS_PLATFORM); @gpa is then unknown
 * @busy: which lock another task held past the wait budget (not sent:
 *	a do request that meets it fails with -EBUSY)
 */
struct vs_queue_info {
	u32 index;
	char name[32];
	u32 num;
	u32 num_free;
	u64 desc;
	u64 avail;
	u64 used;
	bool packed;
	bool has_idx;
	u32 avail_idx;
	u32 used_idx;
	u32 avail_flags;
	u32 used_flags;
	bool broken;
	bool vhost;
	u32 last_avail_idx;
	bool kick;
	bool call;
	int kick_fd;
	int call_fd;
	u8 gpa_valid;
	u64 gpa[3];
	bool addr_hidden;
	bool iova;
	const char *busy;
};

/**
 * struct vs_qhealth - one virtqueue's progress (health-get)
 * @index: queue index
 * @num: ring size
 * @num_free: free descriptors (guest)
 * @packed: packed ring (guest): no idx, @in_flight counts descriptors
 * @has_idx: the idx fields and @stalled_ns are known
 * @vhost: a vhost queue: @last_avail_idx is valid
 * @avail_idx: avail idx (vhost: its cached copy)
 * @used_idx: used idx
 * @last_avail_idx: next avail entry vhost will take
 * @in_flight: buffers made available and not used yet
 * @stalled_ns: how long the used idx stood still with buffers in flight
 * @obj: the ring's owner, for vs_health_note() (identity only)
 * @ring: its used ring's address, for vs_health_note() (identity only)
 */
struct vs_qhealth {
	u32 index;
	u32 num;
	u32 num_free;
	bool packed;
	bool has_idx;
	bool vhost;
	u16 avail_idx;
	u16 used_idx;
	u16 last_avail_idx;
	u32 in_flight;
	u64 stalled_ns;
	const void *obj;
	u64 ring;
};

/**
 * struct vs_health_dev - every queue of one device, read at once
 * @path: the device's path (virtio: kmalloc'ed; vhost: @vhost_path)
 * @busid: bus id (virtio), NULL for vhost
 * @vhost_path: "/proc/PID/fd/FD" of a vhost device
 * @kind: VIRTIO_STATUS_KIND_*
 * @id: virtio device id
 * @nqs: entries of @qs
 * @qs: the queues, kcalloc'ed
 * @busy: a lock stayed held: no queue was read, and this says which
 */
struct vs_health_dev {
	char *path;
	const char *busid;
	char vhost_path[48];
	u32 kind;
	u32 id;
	u32 nqs;
	struct vs_qhealth *qs;
	const char *busy;
};

void vs_health_dev_free(struct vs_health_dev *hd);

/* health.c */
u64 vs_health_note(const void *obj, u64 ring, u32 index, u16 used, u32 in_flight);
void vs_health_exit(void);

/* Longest descriptor chain element-get reports (the spec's descs-max). */
#define VS_ELEM_MAX_DESCS	VIRTIO_STATUS_DESCS_MAX

/**
 * struct vs_elem_desc - one descriptor, as the ring holds it
 * @addr: buffer address
 * @len: buffer length
 * @flags: VRING_DESC_F_*
 */
struct vs_elem_desc {
	u64 addr;
	u32 len;
	u16 flags;
};

/**
 * struct vs_elem_info - an avail ring entry and the chain it points to
 * @qindex: queue index
 * @eindex: avail ring index read
 * @head: descriptor the entry points to
 * @avail_idx: avail ring idx
 * @avail_flags: avail ring flags
 * @used_idx: used ring idx
 * @used_flags: used ring flags
 * @ndescs: entries of @descs
 * @descs: the chain, in order, kmalloc'ed (VS_ELEM_MAX_DESCS entries)
 * @addr_hidden: leave the descriptors' addresses out, and say why
 */
struct vs_elem_info {
	u32 qindex;
	u32 eindex;
	u32 head;
	u32 avail_idx;
	u32 avail_flags;
	u32 used_idx;
	u32 used_flags;
	u32 ndescs;
	struct vs_elem_desc *descs;
	bool addr_hidden;
};

/* fingerprint.c */
void vs_mode_init(void);
bool vs_mode_list_only(void);
const char *vs_mode_reason(void);
const char *vs_fingerprint(void);

/* pci.c */
int vs_pci_num_queues(struct device *transport, u32 *num);

/* names.c */
void vs_virtio_name(u32 device_id, char *buf, size_t len);

/* virtio.c */
int vs_virtio_init(void);
void vs_virtio_exit(void);
u32 vs_virtio_generation(void);
struct virtio_device *vs_virtio_find(const char *path, const char *busid);
int vs_virtio_read(struct virtio_device *vdev, bool privileged,
		   struct vs_virtio_info *info, struct vs_wait *w);
void vs_virtio_info_free(struct vs_virtio_info *info);
int vs_virtio_queue_read(struct virtio_device *vdev, u32 index,
			 struct vs_queue_info *qi, struct vs_wait *w);
int vs_virtio_health_read(struct virtio_device *vdev, struct vs_health_dev *hd,
			  struct vs_wait *w);
int vs_virtio_elem_read(struct virtio_device *vdev, u32 qindex, bool given,
			u32 eindex, struct vs_elem_info *ei, struct vs_wait *w);
int vs_virtio_for_each(int (*fn)(struct virtio_device *vdev, void *arg),
		       void *arg);
int vs_virtio_notifier_register(struct notifier_block *nb);
void vs_virtio_notifier_unregister(struct notifier_block *nb);

/* vhost.c */
int vs_vhost_init(void);
void vs_vhost_exit(void);
bool vs_vhost_state(char *reason, size_t len);
const char *vs_vhost_layout(void);
struct vs_vhost_walk;
struct vs_vhost_walk *vs_vhost_walk_new(void);
int vs_vhost_walk_emit(struct vs_vhost_walk *w,
		       int (*emit)(const struct vs_vhost_info *vi, void *arg),
		       void *arg, struct vs_wait *wait);
void vs_vhost_walk_free(struct vs_vhost_walk *w);
int vs_vhost_get(pid_t pid, int fd, struct vs_vhost_info *vi, struct vs_wait *wait);
void vs_vhost_info_free(struct vs_vhost_info *vi);
int vs_vhost_get_queue(pid_t pid, int fd, u32 index, struct vs_queue_info *qi,
		       struct vs_wait *wait);
int vs_vhost_walk_health(struct vs_vhost_walk *w,
			 int (*emit)(const struct vs_health_dev *hd, void *arg),
			 void *arg, struct vs_wait *wait);

/**
 * struct vs_dev_name - a device as a request names it (its header nest)
 * @path: the path given, or NULL
 * @busid: the bus id given, or NULL
 */
struct vs_dev_name {
	const char *path;
	const char *busid;
};

/* msg.c */
size_t vs_msg_virtio_size(const struct vs_virtio_info *vi);
int vs_msg_put_virtio(struct sk_buff *skb, const struct vs_virtio_info *vi);
size_t vs_msg_vhost_size(const struct vs_vhost_info *vi);
int vs_msg_put_vhost(struct sk_buff *skb, const struct vs_vhost_info *vi,
		     u32 generation);
size_t vs_msg_info_size(void);
int vs_msg_put_info(struct sk_buff *skb);
size_t vs_msg_queue_size(const struct vs_dev_name *name,
			 const struct vs_queue_info *qi);
int vs_msg_put_queue(struct sk_buff *skb, const struct vs_dev_name *name,
		     const struct vs_queue_info *qi);
int vs_msg_put_health(struct sk_buff *skb, const struct vs_health_dev *hd,
		      const struct vs_qhealth *q);
size_t vs_msg_elem_size(const struct vs_dev_name *name,
			const struct vs_elem_info *ei);
int vs_msg_put_elem(struct sk_buff *skb, const struct vs_dev_name *name,
		    const struct vs_elem_info *ei);

/**
 * struct vs_event_info - one device notification, ready to be sent
 * @cmd: VIRTIO_STATUS_CMD_*_NTF
 * @path: canonical sysfs path of the device, kmalloc'ed
 * @busid: name on the virtio bus
 * @driver: the driver bound or unbound, NULL when not known
 * @name: QEMU's name for @id
 * @index: virtio index
 * @id: virtio device id
 * @vendor: virtio vendor id
 * @generation: bus generation after the change
 * @seq: sequence number of the notification
 * @time_ns: when, CLOCK_REALTIME
 */
struct vs_event_info {
	u8 cmd;
	char *path;
	const char *busid;
	const char *driver;
	char name[32];
	u32 index;
	u32 id;
	u32 vendor;
	u32 generation;
	u64 seq;
	u64 time_ns;
};

size_t vs_msg_event_size(const struct vs_event_info *ev);
int vs_msg_put_event(struct sk_buff *skb, const struct vs_event_info *ev);

/* family.c */
int vs_family_init(void);
void vs_family_exit(void);
bool vs_family_has_listeners(void);
int vs_family_notify(const struct vs_event_info *ev);

/* events.c */
int vs_events_init(void);
void vs_events_start(void);
void vs_events_stop(void);
void vs_events_exit(void);

#endif /* _VS_H */
