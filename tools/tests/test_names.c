// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The names people use for a device
 * (model/names.c): a guest's children, and a vhost device's tap, CID, VM
 * and uuid read from a /proc faked in a temporary directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

#include "names.h"

static void add_child(struct vs_nl_dev *d, const char *class, const char *name)
{
	struct vs_nl_child *c = &d->child[d->n_child++];

	snprintf(c->class, sizeof(c->class), "%s", class);
	snprintf(c->name, sizeof(c->name), "%s", name);
	vs_nl_set(c->have, VIRTIO_STATUS_A_CHILD_CLASS);
	vs_nl_set(c->have, VIRTIO_STATUS_A_CHILD_NAME);
	vs_dev_set(d, VIRTIO_STATUS_A_DEV_CHILD);
}

TEST(names_guest_child)
{
	struct vs_dev_names n;
	struct vs_nl_dev d;

	/* no child: the bus id only */
	fill_dev(&d);
	EXPECT_EQ(1, vs_dev_names_get(&d, &n, NO_PROC));
	EXPECT_STREQ("", n.device);
	EXPECT_STREQ("virtio0", n.virtio);
	EXPECT_STREQ("", n.tap);
	EXPECT_STREQ("", n.vm);

	/* net first, wherever it is */
	add_child(&d, "input", "input3");
	add_child(&d, "virtio-ports", "vport0p1");
	add_child(&d, "block", "vda");
	add_child(&d, "net", "eth0");
	EXPECT_EQ(2, vs_dev_names_get(&d, &n, NO_PROC));
	EXPECT_STREQ("eth0", n.device);

	/* then block, then virtio-ports, then any */
	d.n_child = 3;
	vs_dev_names_get(&d, &n, NO_PROC);
	EXPECT_STREQ("vda", n.device);
	d.n_child = 2;
	vs_dev_names_get(&d, &n, NO_PROC);
	EXPECT_STREQ("vport0p1", n.device);
	d.n_child = 1;
	vs_dev_names_get(&d, &n, NO_PROC);
	EXPECT_STREQ("input3", n.device);

	/* a reply without children (an older module) */
	d.n_child = 4;
	vs_dev_clear(&d, VIRTIO_STATUS_A_DEV_CHILD);
	vs_dev_names_get(&d, &n, NO_PROC);
	EXPECT_STREQ("", n.device);
}

TEST(names_cgroup)
{
	static const struct {
		const char *text;
		const char *vm;
	} cases[] = {
		/* cgroup v2, libvirt's threads in sub-groups */
		{ "0::/machine.slice/machine-qemu\\x2d1\\x2dweb01.scope/libvirt/emulator\n",
		  "web01" },
		/* a name with dashes, and other escapes */
		{ "0::/machine.slice/machine-qemu\\x2d12\\x2dweb\\x2d01\\x2ddb.scope\n",
		  "web-01-db" },
		{ "0::/machine.slice/machine-qemu\\x2d3\\x2da\\x5cb\\x2ec.scope/libvirt\n",
		  "a\\b.c" },
		/* cgroup v1: one line per hierarchy, the VM in some */
		{ "12:pids:/user.slice/user-0.slice\n"
		  "11:cpu,cpuacct:/machine.slice/machine-qemu\\x2d7\\x2dvm7.scope/emulator\n"
		  "1:name=systemd:/machine.slice/machine-qemu\\x2d7\\x2dvm7.scope\n",
		  "vm7" },
		/* older libvirt: no ID */
		{ "0::/machine.slice/machine-qemu\\x2dold.scope\n", "old" },
		/* libvirt without systemd (cgroupfs) */
		{ "0::/machine/qemu-4-db01.libvirt-qemu/emulator\n", "db01" },
		{ "0::/machine/db02.libvirt-qemu\n", "db02" },
		/* no trailing newline */
		{ "0::/machine.slice/machine-qemu\\x2d5\\x2dlast.scope", "last" },
		/* not a VM */
		{ "0::/system.slice/ssh.service\n", "" },
		{ "0::/machine.slice/machine-lxc\\x2d1\\x2dct.scope\n", "" },
		{ "0::/machine.slice/machine-qemu\\x2d1\\x2d.scope\n", "" },
		{ "garbage without colons\n", "" },
		{ "", "" },
	};
	char vm[256];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		/* 0 when found */
		EXPECT_EQ(!!cases[i].vm[0],
			  !vs_names_cgroup_vm(cases[i].text, vm, sizeof(vm)))
			TH_LOG("%s", cases[i].text);
		EXPECT_STREQ(cases[i].vm, vm) TH_LOG("%s", cases[i].text);
	}
}

/* vs_names_cmdline() of a literal's words (its own NUL ends the last) */
#define CMDLINE(s, vm, uuid) \
	vs_names_cmdline(s, sizeof(s), vm, sizeof(vm), uuid, sizeof(uuid))

TEST(names_cmdline)
{
	char vm[256], uuid[40], small[4];

	/* "\000" before a digit: an octal escape takes three digits at most */
	EXPECT_EQ(0, CMDLINE("/usr/bin/qemu-system-x86_64\0"
			     "-name\0guest=web01,debug-threads=on\0"
			     "-uuid\0000b7a3c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c\0"
			     "-m\0001024",
			     vm, uuid));
	EXPECT_STREQ("web01", vm);
	EXPECT_STREQ("0b7a3c1e-2f4d-4e5a-9b6c-7d8e9f0a1b2c", uuid);

	/* no key: the implied one */
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0plain", vm, uuid));
	EXPECT_STREQ("plain", vm);
	EXPECT_STREQ("", uuid);
	EXPECT_EQ(0, CMDLINE("qemu\0--name\0web02,debug-threads=on", vm, uuid));
	EXPECT_STREQ("web02", vm);
	/* guest= after another key; a flag without a value */
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0debug-threads=on,guest=web03", vm, uuid));
	EXPECT_STREQ("web03", vm);
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0guest=web04,debug-threads", vm, uuid));
	EXPECT_STREQ("web04", vm);
	/* ",," is a comma, in either form */
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0guest=a,,b,debug-threads=on", vm, uuid));
	EXPECT_STREQ("a,b", vm);
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0x,,y,,,process=qemu:x", vm, uuid));
	EXPECT_STREQ("x,y,", vm);
	/* the last -name counts; process= is not the name */
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0first\0-name\0second", vm, uuid));
	EXPECT_STREQ("second", vm);
	EXPECT_EQ(-1, CMDLINE("qemu\0-name\0process=qemu-web", vm, uuid));
	EXPECT_STREQ("", vm);
	/* --uuid; an option's argument is not read as an option */
	EXPECT_EQ(0, CMDLINE("qemu\0--uuid\0u-1\0-name\0-uuid", vm, uuid));
	EXPECT_STREQ("u-1", uuid);
	EXPECT_STREQ("-uuid", vm);
	/* an option last, without its argument; none at all */
	EXPECT_EQ(-1, CMDLINE("qemu\0-name", vm, uuid));
	EXPECT_STREQ("", vm);
	EXPECT_EQ(-1, CMDLINE("vhost-helper\0--verbose", vm, uuid));
	EXPECT_EQ(-1, CMDLINE("", vm, uuid));
	/* cut to fit */
	EXPECT_EQ(0, CMDLINE("qemu\0-name\0guest=longname", small, uuid));
	EXPECT_STREQ("lon", small);
}

TEST(names_fdinfo)
{
	char iff[64];

	EXPECT_EQ(0, vs_names_fdinfo_iff("pos:\t0\nflags:\t0104002\nmnt_id:\t25\n"
					 "ino:\t1072\niff:\ttap0\n", iff, sizeof(iff)));
	EXPECT_STREQ("tap0", iff);
	EXPECT_EQ(0, vs_names_fdinfo_iff("iff:\tvnet12", iff, sizeof(iff)));
	EXPECT_STREQ("vnet12", iff);
	/* a socket, or a tap fd not attached */
	EXPECT_EQ(-1, vs_names_fdinfo_iff("pos:\t0\nflags:\t02\nmnt_id:\t9\nino:\t4242\n",
					  iff, sizeof(iff)));
	EXPECT_STREQ("", iff);
	EXPECT_EQ(-1, vs_names_fdinfo_iff("xiff:\ttap0\niff:\t\n", iff, sizeof(iff)));
}

/* fill_vhost() (/proc/1234/fd/17, owned by 1234) with backend fd @fd */
static void vhost_with_backend(struct vs_nl_dev *d, u32 fd)
{
	fill_vhost(d);
	d->vhost.backend_fd = fd;
	vs_dev_vhost_set(d, VIRTIO_STATUS_A_VHOST_BACKEND_FD);
}

TEST(names_vhost_net)
{
	struct proc_tree t;
	struct vs_dev_names n;
	struct vs_nl_dev d;
	char dev_tap[32];
	unsigned int lo;

	ASSERT_EQ(0, proc_tree_new(&t));
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/fdinfo/20",
			       "pos:\t0\nflags:\t0104002\nmnt_id:\t25\nino:\t1072\niff:\tvnet3\n"));
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/cgroup",
			       "0::/machine.slice/machine-qemu\\x2d2\\x2dweb01.scope/libvirt\n"));
	ASSERT_EQ(0, PROC_ARGV(&t, "1234/cmdline",
			       "/usr/bin/qemu-system-x86_64\0"
			       "-name\0guest=from-cmdline,debug-threads=on\0"
			       "-uuid\0u-web01"));

	vhost_with_backend(&d, 20);
	EXPECT_EQ(3, vs_dev_names_get(&d, &n, t.root));
	EXPECT_STREQ("vnet3", n.tap);
	/* the cgroup's name before -name's */
	EXPECT_STREQ("web01", n.vm);
	EXPECT_STREQ("u-web01", n.uuid);
	EXPECT_STREQ("", n.device);
	EXPECT_STREQ("", n.virtio);
	EXPECT_STREQ("", n.cid);

	/* no cgroup of a VM: -name */
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/cgroup", "0::/user.slice/user-0.slice/session-1.scope\n"));
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("from-cmdline", n.vm);

	/* macvtap: no iff line, the fd is /dev/tapIFINDEX */
	lo = if_nametoindex("lo");
	ASSERT_NE(0, lo);
	snprintf(dev_tap, sizeof(dev_tap), "/dev/tap%u", lo);
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/fdinfo/21", "pos:\t0\nflags:\t02\n"));
	ASSERT_EQ(0, proc_dir(&t, "1234/fd"));
	ASSERT_EQ(0, proc_link(&t, "1234/fd/21", dev_tap));
	ASSERT_EQ(0, proc_link(&t, "1234/fd/22", "/dev/net/tun"));
	vhost_with_backend(&d, 21);
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("lo", n.tap);
	/* neither */
	vhost_with_backend(&d, 22);
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("", n.tap);

	/* no backend fd sent: no tap, the rest as before */
	fill_vhost(&d);
	EXPECT_EQ(2, vs_dev_names_get(&d, &n, t.root));
	EXPECT_STREQ("", n.tap);
	EXPECT_STREQ("from-cmdline", n.vm);
	proc_tree_free(&t);
}

TEST(names_vhost_owner)
{
	struct proc_tree t;
	struct vs_dev_names n;
	struct vs_nl_dev d;

	ASSERT_EQ(0, proc_tree_new(&t));
	/* the path names a holder (1234); the owner (1200) is the VM */
	ASSERT_EQ(0, PROC_TEXT(&t, "1234/cgroup", "0::/user.slice\n"));
	ASSERT_EQ(0, PROC_ARGV(&t, "1234/cmdline", "helper\0-name\0not-this"));
	ASSERT_EQ(0, PROC_TEXT(&t, "1200/cgroup",
			       "0::/machine.slice/machine-qemu\\x2d9\\x2downer\\x2dvm.scope\n"));
	ASSERT_EQ(0, PROC_ARGV(&t, "1200/cmdline", "qemu\0-uuid\0owner-uuid"));
	fill_vhost(&d);
	d.vhost.owner_pid = 1200;
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("owner-vm", n.vm);
	EXPECT_STREQ("owner-uuid", n.uuid);

	/* without an owner: the process the path names */
	vs_dev_vhost_clear(&d, VIRTIO_STATUS_A_VHOST_OWNER_PID);
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("not-this", n.vm);
	EXPECT_STREQ("", n.uuid);
	proc_tree_free(&t);
}

TEST(names_vhost_vsock_and_missing)
{
	struct proc_tree t;
	struct vs_dev_names n;
	struct vs_nl_dev d;

	ASSERT_EQ(0, proc_tree_new(&t));
	fill_vhost(&d);
	snprintf(d.header.path, sizeof(d.header.path), "%s", VSOCK_PATH);
	snprintf(d.name, sizeof(d.name), "vhost-vsock");
	d.id = 19;
	d.vhost.owner_pid = 1300;
	d.vhost.guest_cid = 3;
	vs_dev_vhost_set(&d, VIRTIO_STATUS_A_VHOST_GUEST_CID);
	/* no file of 1300 at all: the CID only */
	EXPECT_EQ(1, vs_dev_names_get(&d, &n, t.root));
	EXPECT_STREQ("3", n.cid);
	EXPECT_STREQ("", n.vm);
	EXPECT_STREQ("", n.uuid);

	/* unreadable files leave their names "" (root reads them anyway) */
	ASSERT_EQ(0, PROC_TEXT(&t, "1300/cgroup",
			       "0::/machine.slice/machine-qemu\\x2d1\\x2dhidden.scope\n"));
	if (geteuid()) {
		char path[128];

		snprintf(path, sizeof(path), "%s/1300/cgroup", t.root);
		ASSERT_EQ(0, chmod(path, 0));
		vs_dev_names_get(&d, &n, t.root);
		EXPECT_STREQ("", n.vm);
		ASSERT_EQ(0, chmod(path, 0600));
	}
	vs_dev_names_get(&d, &n, t.root);
	EXPECT_STREQ("hidden", n.vm);

	/* a path that is not /proc/PID/fd/FD names nothing */
	snprintf(d.header.path, sizeof(d.header.path), "/proc/1300/fd/9x");
	EXPECT_EQ(0, vs_dev_names_get(&d, &n, t.root));
	proc_tree_free(&t);
}

TEST(names_vhost_unknown_identity)
{
	struct vs_dev_names n;
	struct vs_nl_dev d;

	/* vhost-scsi with nothing to go by: no name, its path is its identity */
	fill_vhost(&d);
	snprintf(d.name, sizeof(d.name), "vhost-scsi");
	d.id = 8;
	EXPECT_EQ(0, vs_dev_names_get(&d, &n, NO_PROC));
	EXPECT_STREQ("", n.vm);
	EXPECT_STREQ("", n.tap);
}

/* fill_dev() with its network interface and a console port below it */
static void guest_with_children(struct vs_nl_dev *d)
{
	add_child(d, "virtio-ports", "vport0p1");
	add_child(d, "net", "eth0");
}

TEST(names_show_guest)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	guest_with_children(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio0")));
	EXPECT_NE(NULL, strstr(out,
			       "  driver:           none bound\n"
			       "  device:           eth0\n"
			       "  status:           0x0f ACK,DRV,FEAT,OK\n"));
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the table: under the row, when there is a name */
	fake_add(f, PCI_PATH, "virtio-net");
	guest_with_children(&f->list.devs[0]);
	fake_add(f, MMIO_PATH, "virtio-blk");
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER  STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -       ACK,DRV,FEAT,OK  4         3    /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "  device: eth0\n"
		    "virtio-blk  virtio0  -       ACK,DRV,FEAT,OK  4         3    /sys/devices/platform/a000.virtio_mmio/virtio1\n");
	free(out);
	free(err);
	fake_free(f);
}

/* A VM's vhost-net device: tap vnet3, VM web01 (fill_vhost(), fd 20) */
static void vm_tree(struct proc_tree *t, struct vs_nl_dev *d)
{
	PROC_TEXT(t, "1234/fdinfo/20", "pos:\t0\nflags:\t0104002\niff:\tvnet3\n");
	PROC_TEXT(t, "1234/cgroup",
		  "0::/machine.slice/machine-qemu\\x2d2\\x2dweb01.scope/libvirt\n");
	PROC_ARGV(t, "1234/cmdline", "qemu\0-name\0guest=web01\0-uuid\0u-web01");
	vhost_with_backend(d, 20);
}

TEST(names_show_vhost)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct proc_tree t;
	char *out, *err;

	ASSERT_EQ(0, proc_tree_new(&t));
	vm_tree(&t, &f->dev);
	f->features = vs_fset_of(7, 0);
	vs_names_set_proc_root(t.root);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", VHOST_PATH)));
	EXPECT_NE(NULL, strstr(out,
			       "  driver:           vhost_net\n"
			       "  tap:              vnet3\n"
			       "  vm:               web01\n"
			       "  uuid:             u-web01\n"
			       "  owner pid:        1234\n"));
	free(out);
	free(err);

	fake_add(f, PCI_PATH, "virtio-net");
	vs_dev_list_add(&f->list);
	f->list.devs[1] = f->dev;
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_NE(NULL, strstr(out,
			       "/proc/1234/fd/17\n"
			       "  tap: vnet3  vm: web01\n"));
	free(out);
	free(err);
	vs_names_set_proc_root(NO_PROC);
	proc_tree_free(&t);
	fake_free(f);
}

#define WANT_LIST_NAMES "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\", \"names\": {\"device\": \"eth0\", \"virtio\": \"virtio0\"}}, {\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\", \"names\": {\"tap\": \"vnet3\", \"vm\": \"web01\", \"uuid\": \"u-web01\"}}]}"

/* How x-query-virtio-status --names ends */
#define WANT_STATUS_END_VHOST "\"log-size\": 0}, \"names\": {\"tap\": \"vnet3\", \"vm\": \"web01\", \"uuid\": \"u-web01\"}}}\n"
#define WANT_STATUS_END_GUEST "\"use-guest-notifier-mask\": false, \"names\": {\"device\": \"eth0\", \"virtio\": \"virtio0\"}}}\n"

TEST(names_json)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct vs_nl_dev *d;
	struct proc_tree t;
	char *out, *err, *line;

	ASSERT_EQ(0, proc_tree_new(&t));
	vs_names_set_proc_root(t.root);
	fake_add(f, PCI_PATH, "virtio-net");
	guest_with_children(&f->list.devs[0]);
	d = vs_dev_list_add(&f->list);
	vm_tree(&t, d);

	/* opt-in */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio", "--names")));
	EXPECT_TEXT(out, WANT_LIST_NAMES "\n");
	free(out);
	free(err);
	/* without it, QEMU's shape, byte for byte */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}]}\n");
	free(out);
	free(err);

	/* x-query-virtio-status: "names" last, after vhost-dev */
	f->dev = *d;
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_TEXT(out, WANT_VHOST_STATUS "\n");
	free(out);
	free(err);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--names", "--path", VHOST_PATH)));
	EXPECT_NE(NULL, strstr(out, WANT_STATUS_END_VHOST));
	free(out);
	free(err);
	fill_dev(&f->dev);
	guest_with_children(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--decode", "--path", "virtio0",
				  "--names")));
	EXPECT_NE(NULL, strstr(out, WANT_STATUS_END_GUEST));
	free(out);
	free(err);

	/* --qmp: QEMU's shape; "names" is no argument of its commands */
	line = qmp(&be, "{\"execute\": \"x-query-virtio\"}");
	EXPECT_EQ(NULL, strstr(line, "names"));
	free(line);
	line = qmp(&be, "{\"execute\": \"x-query-virtio\", \"arguments\": {\"names\": true}}");
	EXPECT_TEXT(line, QMP_ERR("Parameter 'names' is unexpected"));
	free(line);
	vs_names_set_proc_root(NO_PROC);
	proc_tree_free(&t);
	fake_free(f);
}
