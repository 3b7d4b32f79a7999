/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny raw generic netlink client for the virtio_status selftests.
 *
 * No libnl: the tests need to choose the receive buffer size, the message
 * flags and even malformed attributes, so every byte is built here.
 *
 * The family's messages follow uapi/virtio_status.yaml: each message is
 * one attribute set (VIRTIO_STATUS_A_DEV_*, _QUEUE_*, ...), whose numbers
 * start at 1 and are below 64 in every set, and a device is named by a
 * header nest (VIRTIO_STATUS_A_HEADER_PATH or _BUSID) in requests and in
 * replies. Each decoded reply keeps which attributes it carried as one
 * bit per type, a mask per set: VS_HAS(), VS_HAS_HDR(), VS_HAS_VHOST().
 */
#ifndef VS_NETLINK_H
#define VS_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/virtio_status.h>

/* Large enough for any reply, an error echo included (kernel caps at 32k). */
#define VS_BUF_DEFAULT		65536
/* Room for a request with two maximal strings and some junk. */
#define VS_MSG_MAX		(2 * VIRTIO_STATUS_PATH_MAX + 1024)
#define VS_EXTACK_MAX		256
#define VS_NAME_MAX		64
/* Holder pids kept per reply; more are counted in n_holders, not kept. */
#define VS_HOLDERS_MAX		64
/* Longest string kept from a VIRTIO_STATUS_CMD_INFO reply, NUL included. */
#define VS_INFO_STR_MAX		1024
/* VHOST_F_LOG_ALL, from <linux/vhost.h> (not included here). */
#define VS_VHOST_F_LOG_ALL	26
/* Longest QUEUE_ADDR_HIDDEN or ELEMENT_ADDR_HIDDEN kept, NUL included. */
#define VS_ADDR_HIDDEN_MAX	256
/* What the module says in it, to callers without CAP_SYS_ADMIN. */
#define VS_ADDR_HIDDEN_MSG \
	"ring and descriptor addresses are shown to CAP_SYS_ADMIN only"
/* CAP_SYS_ADMIN, from <linux/capability.h>: who sees ring addresses. */
#define VS_CAP_SYS_ADMIN	21
/* Descriptors an ELEMENT_GET reply carries at most. */
#define VS_ELEM_DESCS_MAX	VIRTIO_STATUS_DESCS_MAX
/* Longest VIRTIO_STATUS_A_VHOST_ERROR kept, NUL included. */
#define VS_VHOST_ERROR_MAX	512
/* Longest VIRTIO_STATUS_A_DEV_BUSY kept, NUL included. */
#define VS_BUSY_MAX		256

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#endif

struct vs_nl {
	int fd;
	__u32 portid;
	__u32 seq;
	__u16 family;		/* from CTRL_CMD_GETFAMILY */
	__u32 version;		/* CTRL_ATTR_VERSION */
	__u32 get_flags;	/* GENL_CMD_CAP_* of VIRTIO_STATUS_CMD_DEV_GET */
	__u32 info_flags;	/* GENL_CMD_CAP_* of VIRTIO_STATUS_CMD_INFO */
	__u32 queue_flags;	/* GENL_CMD_CAP_* of ..._CMD_QUEUE_GET */
	__u32 events_group;	/* id of its group VIRTIO_STATUS_MCGRP_EVENTS, 0 if none */
	size_t bufsize;		/* every recvmsg() uses exactly this much */
	char *buf;

	/* Results of the last vs_nl_request() */
	char extack[VS_EXTACK_MAX];	/* NLMSGERR_ATTR_MSG, "" if none */
	__u32 extack_offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	__u32 extack_miss;		/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	unsigned int datagrams;		/* recvmsg() calls that returned data */
	unsigned int data_datagrams;	/* of those, ones with a reply message */
	unsigned int messages;		/* reply messages (not ERROR/DONE) */
	size_t bytes;			/* their total aligned length */
	bool dump_intr;			/* some message had NLM_F_DUMP_INTR */
};

/* A request being built: nlmsghdr + genlmsghdr + attributes. */
struct vs_msg {
	size_t len;
	union {
		struct nlmsghdr nlh;	/* for alignment */
		char buf[VS_MSG_MAX];
	};
};

/* Called for every reply message; a negative return is kept and returned. */
typedef int (*vs_msg_cb)(const struct nlmsghdr *nlh, void *arg);

int vs_nl_open(struct vs_nl *nl, size_t bufsize);
void vs_nl_close(struct vs_nl *nl);
int vs_nl_resolve(struct vs_nl *nl, const char *name);

void vs_msg_init(struct vs_msg *m, __u16 type, __u16 flags, __u8 cmd,
		 __u8 version);
int vs_msg_put(struct vs_msg *m, __u16 type, const void *data, size_t len);
int vs_msg_put_str(struct vs_msg *m, __u16 type, const char *s);
int vs_msg_nest_start(struct vs_msg *m, __u16 type);
void vs_msg_nest_end(struct vs_msg *m, int off);
int vs_msg_put_header(struct vs_msg *m, __u16 nest, __u16 type,
		      const char *value);
int vs_nl_request(struct vs_nl *nl, struct vs_msg *m, vs_msg_cb cb,
		  void *arg);
int vs_nl_recv(struct vs_nl *nl, vs_msg_cb cb, void *arg);

int vs_attr_parse(const struct nlattr **tb, int maxtype, const void *data,
		  size_t len);
int vs_attr_parse_multi(const struct nlattr **tb, int maxtype,
			const void *data, size_t len, __u64 multi);

/* The attribute sets of the family, for vs_attr_name(). */
enum vs_aset {
	VS_AS_HEADER,
	VS_AS_DEV,
	VS_AS_VHOST,
	VS_AS_QUEUE,
	VS_AS_ELEMENT,
	VS_AS_DESC,
	VS_AS_INFO,
	VS_AS_EVENT,
};

const char *vs_aset_name(enum vs_aset set);
const char *vs_attr_name(enum vs_aset set, unsigned int type);

/*
 * An attribute a reply carried that this header does not define (type 0,
 * or above its set's _MAX): the first one seen, in any of the reply's
 * sets and nests. The check functions refuse a reply with one.
 */
struct vs_unknown {
	bool seen;		/* false: none, @set and @type unused */
	enum vs_aset set;	/* the set it came in */
	__u32 type;
};

/* One VIRTIO_STATUS_CMD_DEV_GET reply, decoded. */
struct vs_dev {
	__u64 present;		/* bit n: VIRTIO_STATUS_A_DEV_* n was seen */
	__u64 hdr_present;	/* bit n: VIRTIO_STATUS_A_HEADER_* n, in DEV_HEADER */
	__u64 vhost_present;	/* bit n: VIRTIO_STATUS_A_VHOST_* n, in DEV_VHOST */
	struct vs_unknown unknown;
	__u16 nlmsg_flags;
	/* the header nest */
	char path[VIRTIO_STATUS_PATH_MAX];
	char busid[VIRTIO_STATUS_BUSID_MAX];
	char name[VS_NAME_MAX];
	char transport[VS_NAME_MAX];
	char driver[VS_NAME_MAX];
	__u32 index;
	__u32 id;
	__u32 vendor;
	__u32 status;
	__u64 driver_features;
	__u64 driver_features_hi;	/* bits 64-127 */
	__u64 device_features;
	__u64 device_features_hi;
	__u32 device_features_err;
	__u32 num_vqs;
	__u32 device_num_vqs;
	__u8 list_only;
	__u8 broken;
	__u8 failed;
	__u32 endian;
	__u32 generation;
	__u32 kind;			/* enum virtio_status_kind */
	/* KIND_VHOST only: the DEV_VHOST nest */
	__u64 vhost_acked_features;
	__u64 vhost_acked_features_hi;
	__u64 vhost_backend_features;
	__u32 vhost_mem_regions;
	__u8 vhost_log_enabled;
	__u8 vhost_started;
	__u32 vhost_owner_pid;
	unsigned int n_holders;		/* HOLDER_PID attributes in the reply */
	__u32 vhost_holders;		/* VHOST_HOLDERS: every holder, counted */
	__u32 holders[VS_HOLDERS_MAX];	/* the first VS_HOLDERS_MAX of them */
	/* VHOST_ERROR: why the module could not read it (vs_vhost_unread()) */
	char vhost_error[VS_VHOST_ERROR_MAX];
	/* DEV_BUSY: which lock kept its state out of the reply */
	char busy[VS_BUSY_MAX];
};

/* The bit of an attribute type, in a presence mask or a mask below. */
#define VS_BIT(type)		(1ULL << (type))
/* Whether a reply carried @type: of its own set, in its header, in DEV_VHOST. */
#define VS_HAS(r, type)		(!!((r)->present & VS_BIT(type)))
#define VS_HAS_HDR(r, type)	(!!((r)->hdr_present & VS_BIT(type)))
#define VS_HAS_VHOST(d, type)	(!!((d)->vhost_present & VS_BIT(type)))
#define VS_IS_VHOST(d)		((d)->kind == VIRTIO_STATUS_KIND_VHOST)
/* A vhost reply of a device the module could not read: no state in it. */
static inline bool vs_vhost_unread(const struct vs_dev *d)
{
	return VS_IS_VHOST(d) && VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_ERROR);
}

/* Attributes every virtio-bus reply must carry; DRIVER and features aside. */
#define VS_MANDATORY	(VS_BIT(VIRTIO_STATUS_A_DEV_HEADER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NAME) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_INDEX) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ID) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_VENDOR) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_TRANSPORT) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_STATUS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NUM_VQS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_BROKEN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_FAILED) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ENDIAN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_GENERATION) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_KIND))

/* The header of a virtio-bus reply: both names. */
#define VS_HDR_VIRTIO	(VS_BIT(VIRTIO_STATUS_A_HEADER_PATH) |		\
			 VS_BIT(VIRTIO_STATUS_A_HEADER_BUSID))

/* The header of a vhost reply: the path, and no bus id. */
#define VS_HDR_VHOST	VS_BIT(VIRTIO_STATUS_A_HEADER_PATH)

/* Attributes only virtio-bus replies may carry. */
#define VS_VIRTIO_ONLY	(VS_BIT(VIRTIO_STATUS_A_DEV_INDEX) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_VENDOR) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_FAILED) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR) | \
			 VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_HI) | \
			 VS_BIT(VIRTIO_STATUS_A_DEV_DEVICE_NUM_VQS) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_LIST_ONLY))

/* Attributes only vhost replies may carry: the DEV_VHOST nest. */
#define VS_VHOST_ONLY	VS_BIT(VIRTIO_STATUS_A_DEV_VHOST)

/* Attributes every vhost reply must carry. */
#define VS_VHOST_MANDATORY						\
			(VS_BIT(VIRTIO_STATUS_A_DEV_HEADER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NAME) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ID) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_TRANSPORT) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_STATUS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NUM_VQS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_BROKEN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ENDIAN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_GENERATION) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_KIND) |		\
			 VS_VHOST_ONLY)

/*
 * What the DEV_VHOST nest of every vhost reply must carry (OWNER_PID,
 * HOLDERS and ACKED_FEATURES_HI are optional).
 */
#define VS_VHOST_NEST_MANDATORY						\
			(VS_BIT(VIRTIO_STATUS_A_VHOST_ACKED_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES) | \
			 VS_BIT(VIRTIO_STATUS_A_VHOST_MEM_REGIONS) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_LOG_ENABLED) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_STARTED) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_HOLDER_PID))

/*
 * Attributes every vhost reply carrying VHOST_ERROR must carry: the
 * device and its holders (in DEV_VHOST, with the error), nothing read
 * through the layout.
 */
#define VS_VHOST_UNREAD_MANDATORY					\
			(VS_BIT(VIRTIO_STATUS_A_DEV_HEADER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NAME) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ID) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_TRANSPORT) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_GENERATION) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_KIND) |		\
			 VS_VHOST_ONLY)

/* What such a reply must not carry: the state read through the layout. */
#define VS_VHOST_STATE	(VS_BIT(VIRTIO_STATUS_A_DEV_STATUS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NUM_VQS) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_BROKEN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ENDIAN) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_DRIVER_FEATURES_HI))

/* Nor in its DEV_VHOST nest (owner and holders are no layout reads). */
#define VS_VHOST_NEST_STATE						\
			(VS_BIT(VIRTIO_STATUS_A_VHOST_ACKED_FEATURES) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_ACKED_FEATURES_HI) | \
			 VS_BIT(VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES) | \
			 VS_BIT(VIRTIO_STATUS_A_VHOST_MEM_REGIONS) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_LOG_ENABLED) |	\
			 VS_BIT(VIRTIO_STATUS_A_VHOST_STARTED))

int vs_dev_parse(const struct nlmsghdr *nlh, struct vs_dev *d, char *why,
		 size_t whylen);
int vs_dev_check(const struct vs_dev *d, char *why, size_t whylen);
int vs_proc_path_parse(const char *path, __u32 *pid, __u32 *fd);
bool vs_dev_has_holder(const struct vs_dev *d, __u32 pid);

/* The result of one dump. */
struct vs_devlist {
	struct vs_dev *dev;
	size_t n;
	size_t cap;
	bool intr;			/* the dump carried NLM_F_DUMP_INTR */
	unsigned int bad;		/* replies vs_dev_parse() rejected */
	char bad_why[128];		/* reason for the first one */
};

int vs_dump(struct vs_nl *nl, struct vs_devlist *l);
void vs_devlist_free(struct vs_devlist *l);
int vs_devlist_check(const struct vs_devlist *l, char *why, size_t whylen);
size_t vs_devlist_keep(struct vs_devlist *l, __u32 kind);
size_t vs_devlist_count(const struct vs_devlist *l, __u32 kind);
int vs_get(struct vs_nl *nl, __u16 type, const char *value, struct vs_dev *d);

/* A VIRTIO_STATUS_CMD_INFO reply, decoded. */
struct vs_info {
	__u64 present;			/* bit n: VIRTIO_STATUS_A_INFO_* n seen */
	struct vs_unknown unknown;
	__u32 vhost_state;		/* enum virtio_status_vhost_state */
	char vhost_reason[VS_INFO_STR_MAX];
	char vhost_layout[VS_INFO_STR_MAX];
	__u32 generation;
	__u32 mode;			/* enum virtio_status_mode */
	char mode_reason[VS_INFO_STR_MAX];
	char fingerprint[VS_INFO_STR_MAX];
	__u32 feature_bits;		/* 64 or 128 */
};

int vs_info_get(struct vs_nl *nl, struct vs_info *info, char *why,
		size_t whylen);

/* One VIRTIO_STATUS_CMD_QUEUE_GET reply, decoded. */
struct vs_queue {
	__u64 present;		/* bit n: VIRTIO_STATUS_A_QUEUE_* n was seen */
	__u64 hdr_present;	/* bit n: VIRTIO_STATUS_A_HEADER_* n, in QUEUE_HEADER */
	struct vs_unknown unknown;
	/* the header nest: the device */
	char path[VIRTIO_STATUS_PATH_MAX];
	char busid[VIRTIO_STATUS_BUSID_MAX];
	char name[VS_NAME_MAX];
	__u32 index;
	__u32 num;
	__u32 num_free;
	__u64 desc;
	__u64 avail;
	__u64 used;
	__u8 packed;
	__u32 avail_idx;
	__u32 used_idx;
	__u32 avail_flags;
	__u32 used_flags;
	__u8 broken;
	__u32 last_avail_idx;
	__u8 kick;
	__u8 call;
	__u32 kick_fd;		/* QUEUE_KICK_FD, when present */
	__u32 call_fd;		/* QUEUE_CALL_FD, when present */
	__u64 desc_gpa;		/* QUEUE_*_GPA, when present */
	__u64 avail_gpa;
	__u64 used_gpa;
	/* QUEUE_ADDR_HIDDEN, when present (vs_queue_addr_hidden()) */
	char addr_hidden[VS_ADDR_HIDDEN_MAX];
	__u8 addr_iova;		/* QUEUE_ADDR_IOVA, when present */
};

/*
 * Attributes every queue reply carries. The ring addresses (VS_QUEUE_ADDRS)
 * come too, unless the reply says with QUEUE_ADDR_HIDDEN that the caller
 * may not see them (no CAP_SYS_ADMIN); then so do the GPAs of a vhost
 * queue.
 */
#define VS_QUEUE_COMMON	(VS_BIT(VIRTIO_STATUS_A_QUEUE_HEADER) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_INDEX) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_NUM))

#define VS_QUEUE_ADDRS	(VS_BIT(VIRTIO_STATUS_A_QUEUE_DESC) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_USED))

#define VS_QUEUE_GPAS	(VS_BIT(VIRTIO_STATUS_A_QUEUE_DESC_GPA) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_GPA) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_USED_GPA))

/* Those of a guest queue with a packed ring. */
#define VS_QUEUE_PACKED	(VS_QUEUE_COMMON |				\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_NAME) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_NUM_FREE) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_PACKED) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_BROKEN))

/* Those of a guest queue with a split ring. */
#define VS_QUEUE_SPLIT	(VS_QUEUE_PACKED |				\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_USED_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_FLAGS) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_USED_FLAGS))

/* Those of a vhost queue. */
#define VS_QUEUE_VHOST	(VS_QUEUE_COMMON |				\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_AVAIL_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_USED_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_KICK) |		\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_CALL))

/* Those a vhost queue may carry besides (the GPAs not when hidden). */
#define VS_QUEUE_VHOST_OPT (VS_BIT(VIRTIO_STATUS_A_QUEUE_KICK_FD) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_CALL_FD) |	\
			 VS_BIT(VIRTIO_STATUS_A_QUEUE_ADDR_IOVA) |	\
			 VS_QUEUE_GPAS)

/* Whether the module left the addresses out of a queue reply. */
static inline bool vs_queue_addr_hidden(const struct vs_queue *q)
{
	return VS_HAS(q, VIRTIO_STATUS_A_QUEUE_ADDR_HIDDEN);
}

int vs_queue_parse(const struct nlmsghdr *nlh, struct vs_queue *q, char *why,
		   size_t whylen);
int vs_queue_check(const struct vs_queue *q, bool vhost, char *why,
		   size_t whylen);
int vs_queue_get(struct vs_nl *nl, __u16 type, const char *value,
		 __u32 index, struct vs_queue *q, char *why, size_t whylen);
void vs_queue_msg(struct vs_nl *nl, struct vs_msg *m);

/* One descriptor of an ELEMENT_GET reply (an ELEMENT_DESC nest). */
struct vs_elem_desc {
	__u64 present;		/* bit n: VIRTIO_STATUS_A_DESC_* n was seen */
	__u64 addr;		/* DESC_ADDR: absent when addresses are hidden */
	__u32 len;
	__u32 flags;
};

/* One VIRTIO_STATUS_CMD_ELEMENT_GET reply, decoded. */
struct vs_elem {
	__u64 present;		/* bit n: VIRTIO_STATUS_A_ELEMENT_* n seen */
	__u64 hdr_present;	/* bit n: VIRTIO_STATUS_A_HEADER_* n, in ELEMENT_HEADER */
	struct vs_unknown unknown;
	/* the header nest: the device */
	char path[VIRTIO_STATUS_PATH_MAX];
	char busid[VIRTIO_STATUS_BUSID_MAX];
	__u32 queue_index;
	__u32 elem_index;
	__u32 head;
	__u32 avail_idx;
	__u32 avail_flags;
	__u32 used_idx;
	__u32 used_flags;
	/* ELEMENT_ADDR_HIDDEN, when present (vs_elem_addr_hidden()) */
	char addr_hidden[VS_ADDR_HIDDEN_MAX];
	unsigned int n_descs;	/* ELEMENT_DESC nests, in chain order */
	struct vs_elem_desc descs[VS_ELEM_DESCS_MAX];
};

/* Attributes every element reply carries, ELEMENT_DESC nests included. */
#define VS_ELEM_MANDATORY (VS_BIT(VIRTIO_STATUS_A_ELEMENT_HEADER) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_QUEUE_INDEX) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_INDEX) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_HEAD) |		\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_USED_IDX) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_USED_FLAGS) |	\
			 VS_BIT(VIRTIO_STATUS_A_ELEMENT_DESC))

/* Whether the module left the addresses out of an element reply. */
static inline bool vs_elem_addr_hidden(const struct vs_elem *el)
{
	return VS_HAS(el, VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN);
}

int vs_elem_parse(const struct nlmsghdr *nlh, struct vs_elem *el, char *why,
		  size_t whylen);
int vs_elem_check(const struct vs_elem *el, char *why, size_t whylen);
int vs_elem_get(struct vs_nl *nl, __u16 type, const char *value,
		__u32 queue, const __u32 *index, struct vs_elem *el, char *why,
		size_t whylen);

/* One notification of the events group (VIRTIO_STATUS_CMD_*_NTF), decoded. */
struct vs_event {
	__u64 present;		/* bit n: VIRTIO_STATUS_A_EVENT_* n was seen */
	struct vs_unknown unknown;
	__u8 cmd;
	__u64 seq;
	__u64 time;		/* CLOCK_REALTIME ns */
	/* the EVENT_DEV nest, its DEV_HEADER in dev.path, dev.busid */
	struct vs_dev dev;
};

/*
 * What the EVENT_DEV nest of every notification carries (the spec's
 * event-dev set, but the driver, which only some have).
 */
#define VS_EVENT_DEV	(VS_BIT(VIRTIO_STATUS_A_DEV_HEADER) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_KIND) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_NAME) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_INDEX) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_ID) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_VENDOR) |		\
			 VS_BIT(VIRTIO_STATUS_A_DEV_GENERATION))

int vs_event_parse(const struct nlmsghdr *nlh, struct vs_event *ev, char *why,
		   size_t whylen);
int vs_event_check(const struct vs_event *ev, char *why, size_t whylen);

int vs_have_cap(unsigned int cap);

/* Descriptors the driver has made available that the device has not used. */
static inline __u16 vs_queue_in_flight(const struct vs_queue *q)
{
	return (__u16)(q->avail_idx - q->used_idx);
}

void vs_json_put_str(const char *key, const char *s);
double vs_now(void);

#endif /* VS_NETLINK_H */
