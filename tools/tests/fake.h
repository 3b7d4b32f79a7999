/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status unit tests: the one fake backend, the devices it answers
 * with (and what the CLI answers for them), the netlink messages a kernel
 * would send, and the ways to run the CLI on them. Every tests/test_*.c
 * shares these; fake.c defines them, without the test harness.
 */
#ifndef VS_TEST_FAKE_H
#define VS_TEST_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <json-c/json.h>
#include <netlink/msg.h>

#include "cli.h"
#include "dev.h"
#include "qmp.h"
#include "serve.h"

#define BIT60		BIT_ULL(60)
/* A feature set to pass by pointer: bits 0-63, bits 64-127 */
#define FSET(lo, hi)	(&(struct vs_fset){ .w = { (lo), (hi) } })

#define PCI_PATH	"/sys/devices/pci0000:00/0000:00:03.0/virtio0"
#define MMIO_PATH	"/sys/devices/platform/a000.virtio_mmio/virtio1"
#define PCI1_PATH	"/sys/devices/pci0000:00/0000:00:04.0/virtio1"
#define VHOST_PATH	"/proc/1234/fd/17"
#define VSOCK_PATH	"/proc/1300/fd/9"
/*
 * Where the names of a vhost device are read (model/names.h): nowhere,
 * unless a test fakes a /proc of its own, so that this machine's
 * processes 1234 and 1300 name nothing
 */
#define NO_PROC		"/nonexistent/virtio-status-test/proc"

/*
 * x-query-virtio of PCI_PATH and MMIO_PATH (fake_add()); the sentence
 * without the module; x-query-virtio-status of fill_vhost()
 */
#define WANT_LIST2 "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/sys/devices/platform/a000.virtio_mmio/virtio1\", \"name\": \"virtio-blk\"}]}"
#define WANT_NOMOD "virtio_status kernel module is not loaded (load it with: modprobe virtio_status, or insmod virtio_status.ko)"
/* (fill_vhost() asked with acked features 5, its driver offering 7) */
#define WANT_VHOST_STATUS "{\"return\": {\"name\": \"vhost-net\", \"device-id\": 1, \"vhost-started\": true, \"device-endian\": \"little\", \"guest-features\": 5, \"host-features\": 7, \"backend-features\": 2, \"num-vqs\": 2, \"status\": 0, \"isr\": 0, \"queue-sel\": 0, \"vm-running\": true, \"broken\": false, \"disabled\": false, \"use-started\": true, \"started\": true, \"start-on-kick\": false, \"disable-legacy-check\": false, \"bus-name\": \"\", \"use-guest-notifier-mask\": false, \"vhost-dev\": {\"n-mem-sections\": 3, \"n-tmp-sections\": 0, \"nvqs\": 2, \"vq-index\": 0, \"features\": 7, \"acked-features\": 5, \"backend-features\": 2, \"protocol-features\": 0, \"max-queues\": 1, \"backend-cap\": 0, \"log-enabled\": false, \"log-size\": 0}}}"

/*
 * What a dev-get reply carried, for the presence masks of the fill_*()
 * devices: an attribute of the dev set, of its header nest (HDR()) or of
 * its vhost nest (VH()).
 */
#define HDR(a)		(0x100 | VIRTIO_STATUS_A_HEADER_##a)
#define VH(a)		(0x200 | VIRTIO_STATUS_A_VHOST_##a)

/*
 * Queue 1 of fill_dev() (fill_guest_queue()) and queue 0 of fill_vhost()
 * (fill_vhost_queue()), as x-query-virtio-queue-status and
 * x-query-virtio-vhost-queue-status answer them
 */
#define GUEST_DESC	0x10f0000ULL
#define GUEST_AVAIL	0x10f1000ULL
#define GUEST_USED	0x10f1240ULL
#define WANT_GUEST_QUEUE "{\"return\": {\"name\": \"virtio-net\", \"queue-index\": 1, \"inuse\": 6, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 17760256, \"vring-avail\": 17764352, \"vring-used\": 17764928, \"shadow-avail-idx\": 1030, \"used-idx\": 1024, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
#define WANT_VHOST_QUEUE "{\"return\": {\"name\": \"vhost-net\", \"queue-index\": 0, \"inuse\": 3, \"vring-num\": 256, \"vring-num-default\": 0, \"vring-align\": 0, \"vring-desc\": 139637976731648, \"vring-avail\": 139637976735744, \"vring-used\": 139637976739840, \"last-avail-idx\": 1, \"shadow-avail-idx\": 2, \"used-idx\": 65534, \"signalled-used\": 0, \"signalled-used-valid\": false}}"
/* num 256 without EVENT_IDX: desc 4096, avail 516, used 2052 */
#define WANT_VHOST_RING "{\"return\": {\"name\": \"vhost-net\", \"kick\": 31, \"call\": 32, \"desc\": 139637976731648, \"avail\": 139637976735744, \"used\": 139637976739840, \"num\": 256, \"desc-phys\": 266240, \"desc-size\": 4096, \"avail-phys\": 270336, \"avail-size\": 516, \"used-phys\": 274432, \"used-size\": 2052}}"

/*
 * fill_elem() as x-query-virtio-queue-element answers it. QEMU lists the
 * flags highest bit first: next|write is ["write", "next"].
 */
#define WANT_ELEM_RET "{\"name\": \"virtio-net\", \"index\": 5, \"descs\": [{\"addr\": 268476416, \"len\": 12, \"flags\": [\"write\", \"next\"]}, {\"addr\": 268480512, \"len\": 1514, \"flags\": [\"write\"]}], \"avail\": {\"flags\": 1, \"idx\": 1030, \"ring\": 5}, \"used\": {\"flags\": 0, \"idx\": 1024}}"
#define WANT_ELEM "{\"return\": " WANT_ELEM_RET "}"

/* The error QMP answers with @desc, on one line */
#define QMP_ERR(desc) \
	"{\"error\": {\"class\": \"GenericError\", \"desc\": \"" desc "\"}}"

/* An error as serve sends it (a line ending in CRLF), its id first if any */
#define QERR(class, desc) \
	"{\"error\": {\"class\": \"" class "\", \"desc\": \"" desc "\"}}\r\n"
#define QERR_ID(id, class, desc) \
	"{\"id\": " id ", \"error\": {\"class\": \"" class "\", \"desc\": \"" desc "\"}}\r\n"
#define NEED_CAPS	"Expecting capabilities negotiation with 'qmp_capabilities'"
#define WANT_VERSION \
	"{\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"virtio-status (virtio_status family version 2)\"}"
#define NOT_OBJECT	QERR("GenericError", "QMP input must be a JSON object")

/* The notifications' time stamp */
#define EV_TIME		1700000000123456789ULL

/* fake_list_only() with reason "fingerprint 1234abcd is unknown" */
#define WANT_LIST_ONLY "the virtio_status module runs in list-only mode (fingerprint 1234abcd is unknown); it lists devices but reads no state; load it with allow_untested=1 to read state anyway"

/* fill_vhost_unread(): a vhost device the module could not read */
#define UNREAD_PATH	"/proc/1400/fd/5"
#define UNREAD_WHY	"the device failed the layout check: vq->dev mismatch"
#define UNREAD_SENTENCE	"vhost device " UNREAD_PATH " could not be read: " UNREAD_WHY

/* fill_busy(), fill_vhost_busy(): a lock held by another task */
#define BUSY_WHY	"the RTNL is held by another task"
#define BUSY_VHOST_WHY	"the vhost device's mutex is held by another task"
#define BUSY_PATH	"/sys/devices/pci0000:00/0000:00:05.0/virtio2"
#define BUSY_VHOST_PATH	"/proc/1500/fd/7"
#define BUSY_SENTENCE	"virtio device virtio2 is busy: " BUSY_WHY "; try again"
#define BUSY_VHOST_SENTENCE \
	"vhost device " BUSY_VHOST_PATH " is busy: " BUSY_VHOST_WHY "; try again"

/* argv as main() gets it, "virtio-status" first; and its argc */
#define ARGV(...) ((char *[]){ "virtio-status", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "virtio-status", __VA_ARGS__ }) / sizeof(char *)))
/* vs_cmd_parse_args() of those arguments, @msg an array */
#define PARSE(o, msg, ...) \
	vs_cmd_parse_args(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), o, msg, sizeof(msg))

/* The fake backend: what it answers, and what it was asked */
struct fake {
	struct vs_nl_dev dev;		/* answer of dev_get */
	struct vs_err get_err;		/* dev_get fails when kind is set */
	struct vs_dev_list list;	/* answer of dev_dump */
	struct vs_health_list health;	/* answer of health_dump */
	struct vs_err health_err;	/* health_dump fails when kind is set */
	int health_dumps;
	struct vs_target last;		/* what dev_get was asked */
	struct vs_nl_queue queue;	/* answer of queue_get */
	struct vs_err queue_err;	/* queue_get fails when kind is set */
	u32 queue_index;		/* what queue_get was asked */
	struct vs_target queue_target;
	int queue_gets;
	struct vs_nl_element elem;	/* answer of elem_get */
	struct vs_err elem_err;		/* elem_get fails when kind is set */
	u32 elem_queue;			/* what elem_get was asked */
	bool elem_has_index;
	u32 elem_index;
	struct vs_target elem_target;
	int elem_gets;
	struct vs_nl_info info;		/* answer of info */
	int info_errnum;		/* info fails with this errno if set */
	struct vs_fset features;	/* answer of vhost_features */
	int probe_errnum;		/* vhost_features fails with it if set */
	char probed[64];		/* the node vhost_features was asked */
	bool privileged;
	int gets;
	int dumps;
	int infos;
	int probes;
};

struct fake *fake_new(struct vs_backend *be);
void fake_add(struct fake *f, const char *path, const char *name);
void fake_list_only(struct fake *f, const char *reason);
void fake_free(struct fake *f);

/* A fake /proc: a temporary directory, removed by proc_tree_free() */
struct proc_tree {
	char root[64];
};

int proc_tree_new(struct proc_tree *t);
void proc_tree_free(struct proc_tree *t);
/* ROOT/@rel's directories, then @len bytes of @data in it */
int proc_file(struct proc_tree *t, const char *rel, const char *data, size_t len);
int proc_text(struct proc_tree *t, const char *rel, const char *s);
int proc_dir(struct proc_tree *t, const char *rel);
int proc_link(struct proc_tree *t, const char *rel, const char *to);

#define PROC_TEXT(t, rel, s)	proc_text(t, rel, s)
/* A command line: NUL-separated words, the literal's own NUL ending it */
#define PROC_ARGV(t, rel, s)	proc_file(t, rel, s, sizeof(s))

/*
 * Queue @index of the device at @path in the health dump: split ring, @num
 * entries, indexes @avail and @used, in flight their difference, stalled
 * @ns. NULL on ENOMEM.
 */
struct vs_nl_health *fake_add_queue(struct fake *f, const char *path, u32 kind,
				    u32 id, u32 index, u32 num, u32 avail, u32 used, u64 ns);

/* A fake whose dump fails while @dump_err is set (the module unloaded). */
struct flaky {
	struct fake *f;
	struct vs_err dump_err;
	int dumps;
	int infos;
};

/* dev_dump and info of the fake @ctx (a struct flaky) stands for */
extern const struct vs_backend_ops flaky_ops;

/* Devices, queues and elements as the module describes them */
void fill_dev(struct vs_nl_dev *d);
void fill_dev128(struct vs_nl_dev *d, u64 driver_hi, u64 device_hi);
void fill_vhost(struct vs_nl_dev *d);
void fill_vhost_unread(struct vs_nl_dev *d);
void fill_busy(struct vs_nl_dev *d);
void fill_vhost_busy(struct vs_nl_dev *d);
void fill_guest_queue(struct vs_nl_queue *q);
void fill_vhost_queue(struct vs_nl_queue *q);
void fill_elem(struct fake *f);

/* Messages as the kernel builds them */
struct nl_msg *dev_msg(u8 cmd);
int put_header(struct nl_msg *msg, int attr, const char *path,
	       const char *busid);
int put_u64(struct nl_msg *msg, int pad, int attr, u64 v);
int put_desc(struct nl_msg *msg, u64 addr, u32 len, u32 flags);
int put_elem_head(struct nl_msg *msg);

/* The CLI run on a backend: as a command line, a --qmp line, a serve session */
int run_cli(struct vs_backend *be, const char *input, char **out, char **err,
	    char **argv);
char *qmp(struct vs_backend *be, const char *line);
char *serve_text_of(struct json_object *o);
char *sess_feed(struct vs_qmp_sess *s, struct vs_backend *be, const char *in,
		size_t len, size_t step);
char *serve_answers(struct vs_backend *be, const char *in, bool neg);

/* JSON answers */
char *text_of(struct json_object *o);
struct json_object *member(struct json_object *o, const char *key);
bool keys_in_order(struct json_object *o, const char * const *keys, size_t n,
		   const char *skip);
bool hex_sibling(const char *k, const char *prev);

/* The members of three answers, in QEMU's order, and how many */
extern const char * const status_keys[];
extern const size_t n_status_keys;
extern const char * const vhost_ring_keys[];
extern const size_t n_vhost_ring_keys;
extern const char * const elem_desc_keys[];
extern const size_t n_elem_desc_keys;

/* Prometheus text */
int count_lines(const char *text, const char *prefix);
bool has_line(const char *text, const char *line);

#endif /* VS_TEST_FAKE_H */
