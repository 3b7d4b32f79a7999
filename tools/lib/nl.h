/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the generic netlink side. One way to make a socket, one
 * request loop serving DO and DUMP, one reader of nlctrl's family
 * descriptions: the requests of every command and the events subscription
 * (model/events.c) are the same code.
 *
 * nl.c: sockets, requests, family lookup, multicast groups.
 * nl_family.c: the virtio_status family's commands, replies and
 * notifications, and the backend the CLI uses.
 */
#ifndef VS_NL_H
#define VS_NL_H

#include <stdbool.h>
#include <stddef.h>

#include "dev.h"
#include "vhost.h"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

/* Times a dump flagged NLM_F_DUMP_INTR is started over before giving up. */
#define VS_DUMP_TRIES	10

struct vs_nl {
	struct nl_sock *sk;
	int family;		/* generic netlink family id */
	unsigned int version;	/* CTRL_ATTR_VERSION of the family */
};

/* Sockets */

/*
 * A generic netlink socket, the only kind this tool makes: its port
 * chosen by the kernel, connected to the kernel (so no other process can
 * send to it), close-on-exec, the kernel's default buffer sizes, asking
 * for extended ACKs and for errors without a copy of the request. The
 * family is not looked up. 0, or -1 with @e set.
 */
int vs_nl_socket(struct vs_nl *nl, struct vs_err *e);
/* A socket, and the virtio_status family resolved on it. 0, or -1. */
int vs_nl_open(struct vs_nl *nl, struct vs_err *e);
void vs_nl_close(struct vs_nl *nl);

/* The socket's descriptor, to poll(). */
int vs_nl_fd(const struct vs_nl *nl);

/* SO_RCVBUF of @nl (the kernel doubles it). 0, or -1 with @e set. */
int vs_nl_set_rcvbuf(struct vs_nl *nl, int size, struct vs_err *e);

/* Requests */

/*
 * A request to family @family (GENL_ID_CTRL: nlctrl): its genetlink
 * header, no attribute yet. NULL on ENOMEM.
 */
struct nl_msg *vs_nl_msg(int family, u8 cmd, u8 version, int flags);

/*
 * Send @msg and read until it is answered (an ACK for a DO asking for one,
 * NLMSG_DONE for a DUMP, or an error), calling @parse (if not NULL) with
 * each reply and skipping whatever does not answer it. When @parse fails,
 * the rest of the answer is read and dropped. @intr (if not NULL) says
 * whether a reply carried NLM_F_DUMP_INTR. 0, or -1 with @e set: the
 * kernel's refusal is VS_ERR_SYS with its errno and extended ACK message.
 */
int vs_nl_request(struct vs_nl *nl, struct nl_msg *msg,
		  int (*parse)(struct nl_msg *msg, void *arg, struct vs_err *e),
		  void *arg, bool *intr, struct vs_err *e);

/*
 * vs_nl_request() of a request to the virtio_status family (@nl->family):
 * when the module was unloaded under it, @e says "not loaded"; when it
 * was loaded again meanwhile, the request is sent again to the new family
 * id (and @nl->family is that id).
 */
int vs_nl_family_request(struct vs_nl *nl, struct nl_msg *msg,
			 int (*parse)(struct nl_msg *msg, void *arg,
				      struct vs_err *e),
			 void *arg, bool *intr, struct vs_err *e);

/*
 * Copy NLMSGERR_ATTR_MSG of an error or DONE message @nlh into @buf; its
 * TLVs start @off bytes into the payload. Returns 0, or -1 with @buf ""
 * when there is no message.
 */
int vs_nl_extack(const struct nlmsghdr *nlh, size_t off, char *buf,
		 size_t len);

/* Families */

/*
 * A family as nlctrl describes it: in a CTRL_CMD_GETFAMILY answer, an
 * entry of its family list, or a CTRL_CMD_NEWFAMILY / DELFAMILY
 * notification.
 */
struct vs_nl_family {
	const char *name;	/* the family wanted; NULL: the one described */
	const char *grp_name;	/* its multicast group wanted, or NULL */
	bool found;		/* @name was described */
	int id;
	unsigned int version;	/* 0 when not said */
	bool has_grp;		/* it has the group @grp_name */
	u32 grp;
};

/*
 * Read @nlh into @f if it describes the family @f->name. Other families
 * leave @f as it was. Returns 0, or -1 when @nlh is no family description
 * (no family id).
 */
int vs_nl_ctrl_parse(const struct nlmsghdr *nlh, struct vs_nl_family *f);

/*
 * Look the virtio_status family up by name, into @nl->family and
 * @nl->version: the kernel loads the module first if it can. The family
 * missing is VS_ERR_NOFAMILY, a version older than this tool's
 * VS_ERR_OLD. 0, or -1 with @e set.
 */
int vs_nl_resolve(struct vs_nl *nl, struct vs_err *e);

/*
 * Find family @name and its multicast group @grp (may be NULL) in nlctrl's
 * family list, which loads no module: @f->found false if it is not
 * registered. 0, or -1 with @e set.
 */
int vs_nl_family_find(struct vs_nl *nl, const char *name, const char *grp,
		      struct vs_nl_family *f, struct vs_err *e);

/* Subscriptions */

/* Join multicast group @grp. 0, or -1 with @e set. */
int vs_nl_join(struct vs_nl *nl, u32 grp, struct vs_err *e);

/* Room for any one notification, and for a batch of them. */
#define VS_NL_NTF_BUF	65536

/*
 * Read what is queued on @nl without blocking, into @buf, and call @fn
 * with each message, in order, until the socket would block. An overrun
 * (the kernel dropped notifications: ENOBUFS) sets *@overrun and reading
 * goes on (what is queued came before it). 0, or -1 with @e set (by @fn,
 * or the socket failed).
 */
int vs_nl_read_ntf(struct vs_nl *nl, void *buf, size_t len,
		   int (*fn)(const struct nlmsghdr *nlh, void *arg,
			     struct vs_err *e),
		   void *arg, bool *overrun, struct vs_err *e);

/* The virtio_status family (nl_family.c) */

int vs_nl_dev_get(struct vs_nl *nl, const struct vs_target *t,
		  struct vs_nl_dev *dev, struct vs_err *e);
int vs_nl_dev_dump(struct vs_nl *nl, struct vs_dev_list *list,
		   struct vs_err *e);
/*
 * Every queue's progress (HEALTH_GET dump), restarted like the device dump
 * when it races with the bus. 0, or -1 with @e set and @list empty.
 */
int vs_nl_health_dump(struct vs_nl *nl, struct vs_health_list *list,
		      struct vs_err *e);
/*
 * VIRTIO_STATUS_CMD_QUEUE_GET of queue @index of the device @t names (the
 * selector as for DEV_GET). An index past the device's queues is ERANGE.
 */
int vs_nl_queue_get(struct vs_nl *nl, const struct vs_target *t, u32 index,
		    struct vs_nl_queue *q, struct vs_err *e);
/*
 * VIRTIO_STATUS_CMD_ELEMENT_GET of queue @queue of the device @t names,
 * with VIRTIO_STATUS_A_ELEMENT_INDEX @index when @has_index.
 */
int vs_nl_elem_get(struct vs_nl *nl, const struct vs_target *t, u32 queue,
		   bool has_index, u32 index, struct vs_nl_element *el,
		   struct vs_err *e);
/* VIRTIO_STATUS_CMD_INFO; an old module fails it with EOPNOTSUPP. */
int vs_nl_info(struct vs_nl *nl, struct vs_nl_info *info, struct vs_err *e);

/*
 * The bus generation of family instance @family (INFO), -1 in @gen if
 * its answer does not say. Sent once, to @family whatever @nl->family
 * is: a module reloaded meanwhile is an error (ENOENT), not a retry.
 * 0, or -1 with @e set.
 */
int vs_nl_generation(struct vs_nl *nl, int family, long long *gen,
		     struct vs_err *e);

/*
 * Decode one VIRTIO_STATUS_CMD_DEV_GET reply into @dev (every repeated
 * VHOST_HOLDER_PID counted, the first VS_HOLDERS_MAX kept), with the
 * tables generated from the spec (vs_nl_gen.c). Returns 0, or
 * -1 with @e set when the message is malformed. Whether the attributes a
 * command needs are there is for the caller to check.
 */
int vs_dev_from_msg(struct nl_msg *msg, struct vs_nl_dev *dev,
		    struct vs_err *e);
/* The same for one VIRTIO_STATUS_CMD_INFO reply. */
int vs_info_from_msg(struct nl_msg *msg, struct vs_nl_info *info,
		     struct vs_err *e);

/* The same for one VIRTIO_STATUS_CMD_QUEUE_GET reply. */
int vs_queue_from_msg(struct nl_msg *msg, struct vs_nl_queue *q,
		      struct vs_err *e);

/*
 * The same for one VIRTIO_STATUS_CMD_ELEMENT_GET reply, its repeated
 * VIRTIO_STATUS_A_ELEMENT_DESC nests included (each must carry DESC_ADDR,
 * DESC_LEN and DESC_FLAGS; DESC_ADDR only when the reply has no
 * VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN); the first VIRTIO_STATUS_DESCS_MAX
 * are kept, n_desc counts all.
 */
int vs_elem_from_msg(struct nl_msg *msg, struct vs_nl_element *el,
		     struct vs_err *e);

/*
 * The notifications' names, as their QMP event objects spell them
 * (model/event_json.h names the events the library makes itself).
 */
#define VS_EV_DEVICE_ADDED	"VIRTIO_DEVICE_ADDED"
#define VS_EV_DEVICE_REMOVED	"VIRTIO_DEVICE_REMOVED"
#define VS_EV_DRIVER_BOUND	"VIRTIO_DRIVER_BOUND"
#define VS_EV_DRIVER_UNBOUND	"VIRTIO_DRIVER_UNBOUND"

/* One notification of the events group, decoded. */
struct vs_event {
	u8 cmd;				/* VIRTIO_STATUS_CMD_*_NTF */
	u64 seq;
	u64 time_ns;			/* CLOCK_REALTIME, ns */
	struct vs_nl_dev dev;		/* path, busid, name, device id, driver */
};

/*
 * Decode one notification @nlh (a whole netlink message of the family).
 * Returns 0, 1 if it is not an event notification (ignore it), or -1 with
 * @e set if it is malformed or lacks a member every event carries.
 */
int vs_event_parse(const struct nlmsghdr *nlh, struct vs_event *ev,
		   struct vs_err *e);

/* The name of notification command @cmd, or NULL if it is none. */
const char *vs_nl_ntf_name(u8 cmd);

/*
 * A backend over a vs_nl that opens it on first use, so a run that fails
 * before talking to the kernel (usage errors, --qmp with bad input) never
 * needs the module. Its vhost_features and privileged ops are vhost.c's.
 */
struct vs_nl_lazy {
	struct vs_nl nl;
	bool opened;
	struct vs_vhost_probes probes;	/* vhost_features answers so far */
};

extern const struct vs_backend_ops vs_nl_backend_ops;

/*
 * Forget @be's kernel connection, if it is a vs_nl_lazy backend: the next
 * request opens a new socket and looks the family up again (its id
 * changes when the module is reloaded). Other backends are left alone.
 */
void vs_nl_backend_reset(const struct vs_backend *be);

#endif /* VS_NL_H */
