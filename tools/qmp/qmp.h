/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the QMP layer. Devices become json-c objects in QEMU's
 * shapes (schema.c, schema_queue.c), commands are looked up and run
 * (commands.c, commands_queue.c), and --qmp lines are answered (line.c,
 * through request.c, which serve shares); the device backend is passed
 * in, so none of this needs a kernel. serve.h has the QMP server.
 */
#ifndef VS_QMP_H
#define VS_QMP_H

#include <stdbool.h>
#include <stdio.h>

#include "dev.h"

struct json_object;

/*
 * How feature, status and protocol bitmaps are written.
 *
 * VS_JSON_RAW: integers, as QEMU 7.1 and the schema in our reference. A
 *   feature member carries bits 0-63; when a bit above 63 is set, our
 *   "<member>-full" follows it: "0x" and 32 hex digits, bits 127..0.
 *
 * VS_JSON_DECODED: as released QEMU (7.2+) writes them:
 *   features  {"transports": [str], "dev-features": [str],
 *              "unknown-dev-features": uint64 (bits 0-63, only when not 0),
 *              "unknown-dev-features2": uint64 (bits 64-127, only when
 *              not 0; QEMU 10.2+)}
 *   status    {"statuses": [str], "unknown-statuses": uint8 (when not 0)}
 *   protocols {"protocols": [str], "unknown-protocols": uint64 (when not 0)}
 * each string "SYMBOL: description", in ascending bit order (QEMU's order
 * follows its own tables; compare symbols, not positions). "dev-features"
 * is always there, [] when no device bit is set, as QEMU 7.2 answers.
 *
 * VS_JSON_RAW_AND_DECODED, our extension: the decoded object, then
 *   "raw": the integer, "raw-hex": "0x%016llx" of it (exact for consumers
 *   whose numbers are doubles), both bits 0-63; "raw-full": "0x" and 32
 *   hex digits of all 128 bits, only when a bit above 63 is set;
 *   "symbols": the bare symbols of the strings above, in their order
 *   (transports first, then dev-features).
 */
enum vs_json_mode {
	VS_JSON_RAW,
	VS_JSON_DECODED,
	VS_JSON_RAW_AND_DECODED,
};

/*
 * VirtioStatus of @d, a virtio device (no "vhost-dev"), keys in the
 * schema's order; NULL on ENOMEM.
 */
struct json_object *vs_json_status(const struct vs_nl_dev *d);
struct json_object *vs_json_status_mode(const struct vs_nl_dev *d,
					enum vs_json_mode mode);
/*
 * VirtioStatus of @d, a vhost device, with its "vhost-dev"; @offered is
 * what its vhost driver offers (host-features, vhost-dev.features).
 * Features are decoded with the table of the device type the vhost device
 * backs (its device id), plus VHOST_F_LOG_ALL; backend-features with the
 * VHOST_BACKEND_F_* bits.
 */
struct json_object *vs_json_vhost_status(const struct vs_nl_dev *d,
					 const struct vs_fset *offered);
struct json_object *vs_json_vhost_status_mode(const struct vs_nl_dev *d,
					      const struct vs_fset *offered,
					      enum vs_json_mode mode);
/* VhostStatus of @d, a vhost device. */
struct json_object *vs_json_vhost_dev(const struct vs_nl_dev *d,
				      const struct vs_fset *offered);
struct json_object *vs_json_vhost_dev_mode(const struct vs_nl_dev *d,
					   const struct vs_fset *offered,
					   enum vs_json_mode mode);
/*
 * The answer of the info command: {"vhost": "on"|"off", "vhost-reason",
 * "vhost-layout", "mode": "full"|"list-only", "mode-reason",
 * "fingerprint", "feature-bits": 64|128}, each but "vhost" only when the
 * module sent it. NULL with @e set.
 */
struct json_object *vs_json_info(const struct vs_nl_info *info,
				 struct vs_err *e);

/*
 * What the vhost driver of @d (a vhost device) offers, asked through the
 * backend's vhost_features op. 0, or -1 with @e set to a sentence naming
 * the device node and the errno; vhost-vdpa always fails (its node is
 * held exclusively by its owner).
 */
int vs_vhost_offered(const struct vs_backend *be, const struct vs_nl_dev *d,
		     struct vs_fset *features, struct vs_err *e);

/*
 * @e for a device whose reply says the module runs in list-only mode
 * (VS_ERR_LIST_ONLY), with the reason the module's info gives, if any.
 */
void vs_err_list_only(const struct vs_backend *be, struct vs_err *e);
/*
 * Our member "names" of device @d, model/names.h's names read with /proc
 * at vs_names_proc_root(): {"device", "virtio", "tap", "cid", "vm",
 * "uuid"}, each only when known (strings, "cid" too). NULL on ENOMEM.
 */
struct json_object *vs_json_names(const struct vs_nl_dev *d);
/* [VirtioInfo] of @l, in @l's order; NULL on ENOMEM. */
struct json_object *vs_json_list(const struct vs_dev_list *l);

/*
 * VirtQueueStatus of queue @q of @d: a guest queue for a virtio device, a
 * vhost virtqueue for a vhost device (see the views in schema_queue.c for the
 * members neither side has). NULL on ENOMEM.
 *
 * When the kernel left the addresses out (vs_queue_addr_hidden(): the
 * caller lacks CAP_SYS_ADMIN), so are the members that hold them, here
 * and in the two below, never answered 0: "vring-desc", "vring-avail" and
 * "vring-used" here; "desc", "avail", "used", "desc-phys", "avail-phys"
 * and "used-phys" of VirtVhostQueueStatus; each descriptor's "addr" of
 * VirtioQueueElement. The object then ends in our extension member
 * "addresses-hidden": the kernel's sentence saying why.
 *
 * When the ring addresses of a vhost queue are I/O virtual addresses
 * (vs_queue_addr_iova(): its owner acked VIRTIO_F_ACCESS_PLATFORM), they
 * are answered as they are, and the object ends in our extension member
 * "addresses-are-iova": true, here and in the one below.
 *
 * The _qmp variants answer over QMP (--qmp, serve): QEMU's shape alone,
 * without "addresses-are-iova". (An answer without addresses is an error
 * there; the caller refuses it before.)
 */
struct json_object *vs_json_queue_status(const struct vs_nl_dev *d,
					 const struct vs_nl_queue *q);
struct json_object *vs_json_queue_status_qmp(const struct vs_nl_dev *d,
					     const struct vs_nl_queue *q);
/*
 * VirtVhostQueueStatus of queue @q of @d, a vhost device; the ring sizes
 * follow @d's acked VIRTIO_RING_F_EVENT_IDX. "desc-phys", "avail-phys"
 * and "used-phys" are the areas' guest physical addresses, 0 outside the
 * memory table; with I/O virtual addresses, the same IOVAs as "desc",
 * "avail" and "used", as QEMU answers under an IOMMU. NULL on ENOMEM.
 */
struct json_object *vs_json_vhost_queue_status(const struct vs_nl_dev *d,
					       const struct vs_nl_queue *q);
struct json_object *vs_json_vhost_queue_status_qmp(const struct vs_nl_dev *d,
						   const struct vs_nl_queue *q);
/*
 * VirtioQueueElement of element @el of a queue of @d: {"name", "index",
 * "descs": [{"addr", "len", "flags": [str]}], "avail": {"flags", "idx",
 * "ring"}, "used": {"flags", "idx"}}. NULL on ENOMEM.
 */
struct json_object *vs_json_queue_element(const struct vs_nl_dev *d,
					  const struct vs_nl_element *el);
/* Bytes of the split ring's areas for a ring of @num entries. */
u64 vs_ring_desc_size(u32 num);
u64 vs_ring_avail_size(u32 num, bool event_idx);
u64 vs_ring_used_size(u32 num, bool event_idx);

/*
 * Whether a reply holds what VirtioStatus / VirtioInfo need, by the kind
 * of device it describes. 0, or -1 with @e set (VS_ERR_OLD for a missing
 * attribute, VS_ERR_FEATURES when the kernel could not read a virtio
 * device's features, VS_ERR_VHOST_UNREAD for a vhost device the module
 * could not read, VS_ERR_BUSY for a device whose state was left out
 * because another task held a lock it is read under, VS_ERR_MSG for a
 * kind this tool does not know).
 */
int vs_dev_check_status(const struct vs_nl_dev *d, struct vs_err *e);
int vs_dev_check_info(const struct vs_nl_dev *d, struct vs_err *e);

/* {"return": @ret} (takes @ret) and {"error": {"class", "desc"}} */
struct json_object *vs_qmp_return(struct json_object *ret);
struct json_object *vs_qmp_error(const char *class, const char *desc);

/*
 * Text of @o: QEMU's compact form ({"a": 1, "b": [2, 3]}) or json-c's
 * pretty form. Slashes are not escaped. malloc()ed; NULL on ENOMEM.
 */
char *vs_json_text(struct json_object *o, bool pretty);

/* What a command is asked: its arguments. */
struct vs_call {
	const char *path;	/* "path" / --path, or NULL */
	enum vs_json_mode mode;	/* "decode", "raw-and-decoded" / --decode... */
	bool has_queue;		/* "queue" / --queue given */
	u32 queue;		/* its value, 0..VS_QUEUE_MAX */
	bool has_index;		/* "index" / --index given */
	u32 index;		/* its value, 0..VS_QUEUE_MAX */
	/*
	 * --names (the command line only): x-query-virtio and
	 * x-query-virtio-status add our member "names" to each device,
	 * vs_json_names()
	 */
	bool names;
	/*
	 * Asked over QMP (--qmp, serve): the answer must be whole as QEMU's
	 * schema has it, so a queue without its addresses is an error there
	 * and not an answer with members left out.
	 */
	bool qmp;
};

/*
 * Largest queue index taken: QEMU's "queue" is a uint16. The same bound
 * holds for "index", a uint16 too.
 */
#define VS_QUEUE_MAX	65535

/* A command of both the command line and --qmp. */
struct vs_qmp_cmd {
	const char *name;
	bool takes_path;	/* its one argument, "path" / --path */
	bool takes_queue;	/* and "queue" / --queue, with the path */
	bool takes_index;	/* and optional "index" / --index */
	/* optional "decode" / "raw-and-decoded" (--decode, --raw-and-decoded) */
	bool takes_decode;
	bool qmp_only;		/* not offered on the command line */
	bool cli_only;		/* not offered over --qmp */
	/* on the command line, warn when vhost devices are left out */
	bool warn_vhost_off;
	/* the QMP "return" value, or NULL with @e set */
	struct json_object *(*run)(const struct vs_backend *be,
				   const struct vs_call *c, struct vs_err *e);
};

const struct vs_qmp_cmd *vs_qmp_cmd_find(const char *name, bool qmp);
/* The @i-th command offered over --qmp (@qmp) or the command line; NULL past the last. */
const struct vs_qmp_cmd *vs_qmp_cmd_at(size_t i, bool qmp);

/*
 * Run @cmd and wrap the answer: {"return": ...}, or a GenericError whose
 * desc is the error sentence. Never NULL unless out of memory.
 */
struct json_object *vs_qmp_cmd_answer(const struct vs_qmp_cmd *cmd,
				      const struct vs_backend *be,
				      const struct vs_call *c);

/*
 * Answer one --qmp input line. NULL for a blank line (nothing to answer)
 * or when out of memory.
 */
struct json_object *vs_qmp_line(const struct vs_backend *be,
				const char *line);

/* Answer every line of @in on @out until EOF. Returns 0, or -1 on I/O. */
int vs_qmp_loop(const struct vs_backend *be, FILE *in, FILE *out,
		bool pretty);

#endif /* VS_QMP_H */
