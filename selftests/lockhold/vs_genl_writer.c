// SPDX-License-Identifier: GPL-2.0
/*
 * vs_genl_writer: registers a generic netlink family when loaded and
 * unregisters it when removed, nothing else. Registering takes generic
 * netlink's global lock for writing, so it waits for every request in
 * flight, and every request that comes after waits for it. The locks
 * test (selftests/groups/vm_locks.py) loads it while vs_lockhold holds a
 * lock and times the insmod: a request stuck on the held lock shows there,
 * and in every other family's round trips behind it.
 */
#include <linux/module.h>
#include <net/genetlink.h>

#define VS_GW_CMD_PING	1

/* A family needs an operation; this one answers with an ack. */
static int vs_gw_ping(struct sk_buff *skb, struct genl_info *info)
{
	return 0;
}

static const struct genl_ops vs_gw_ops[] = {
	{ .cmd = VS_GW_CMD_PING, .doit = vs_gw_ping },
};

static struct genl_family vs_gw_family = {
	.name = "vs_genl_writer",
	.version = 1,
	.module = THIS_MODULE,
	.ops = vs_gw_ops,
	.n_ops = ARRAY_SIZE(vs_gw_ops),
};

static int __init vs_gw_init(void)
{
	return genl_register_family(&vs_gw_family);
}

static void __exit vs_gw_exit(void)
{
	genl_unregister_family(&vs_gw_family);
}

module_init(vs_gw_init);
module_exit(vs_gw_exit);
MODULE_DESCRIPTION("virtio-status selftests: a family registered at load, to time genetlink's write lock");
MODULE_LICENSE("GPL");
