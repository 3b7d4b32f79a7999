/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The one shim between the generated op table (vs_nl_gen.c: ynl-gen-c
 * writes struct genl_split_ops, which genetlink takes from 6.2 on) and
 * the kernels we build for. Kbuild force-includes this header into
 * vs_nl_gen.o, whose source we do not edit; the rest of the module gets
 * it through compat.h. VS_HAVE_GENL_SPLIT_OPS comes from probes.mk.
 */
#ifndef _VS_COMPAT_GENL_H
#define _VS_COMPAT_GENL_H

#include <linux/string.h>
#include <net/genetlink.h>

#ifdef VS_HAVE_GENL_SPLIT_OPS

/* What genl_register_family() takes: the split table itself. */
#define vs_genl_op	genl_split_ops

#else /* !VS_HAVE_GENL_SPLIT_OPS */

/**
 * struct genl_split_ops - one row of the generated op table, on 6.1
 * @doit: the do callback (a row flagged GENL_CMD_CAP_DO)
 * @start: the dump's start callback (a row flagged GENL_CMD_CAP_DUMP)
 * @dumpit: the dump callback
 * @done: the dump's done callback
 * @policy: the row's request policy, NULL for none
 * @maxattr: the highest attribute @policy covers
 * @cmd: the command
 * @internal_flags: the family's own flags
 * @flags: GENL_CMD_CAP_DO or GENL_CMD_CAP_DUMP, and GENL_*_PERM
 * @validate: enum genl_validate_flags
 *
 * 6.1's genetlink does not know this type: vs_genl_set_ops() turns the
 * rows into the struct genl_ops it takes.
 */
struct genl_split_ops {
	int (*doit)(struct sk_buff *skb, struct genl_info *info);
	int (*start)(struct netlink_callback *cb);
	int (*dumpit)(struct sk_buff *skb, struct netlink_callback *cb);
	int (*done)(struct netlink_callback *cb);
	const struct nla_policy *policy;
	unsigned int maxattr;
	u8 cmd;
	u8 internal_flags;
	u8 flags;
	u8 validate;
};

/* What genl_register_family() takes: one struct genl_ops per command. */
#define vs_genl_op	genl_ops

#endif /* VS_HAVE_GENL_SPLIT_OPS */

/**
 * vs_genl_set_ops() - give a family the operations of a split op table
 * @family: the family, not registered yet
 * @ops: room for @n operations, kept by @family while it is registered
 * @split: the do and dump rows of the family's commands
 * @n: rows in @split
 *
 * With split ops the family takes the table itself (@ops is not used).
 * On 6.1 the do and dump rows of a command become one struct genl_ops in
 * @ops: its callbacks from both, its policy from the do row (from the
 * dump row for a dump-only command), since 6.1 validates a command's do
 * and dump requests alike. A row without policy gets none: 6.1 then
 * rejects every attribute itself, where split ops would pass the request
 * on unparsed.
 */
static inline void vs_genl_set_ops(struct genl_family *family,
				   struct vs_genl_op *ops,
				   const struct genl_split_ops *split,
				   unsigned int n)
{
#ifdef VS_HAVE_GENL_SPLIT_OPS
	family->split_ops = split;
	family->n_split_ops = n;
#else
	const u8 caps = GENL_CMD_CAP_DO | GENL_CMD_CAP_DUMP | GENL_CMD_CAP_HASPOL;
	unsigned int i, j, nops = 0;

	memset(ops, 0, n * sizeof(*ops));
	for (i = 0; i < n; i++) {
		const struct genl_split_ops *row = &split[i];
		struct genl_ops *op;

		for (j = 0; j < nops && ops[j].cmd != row->cmd; j++)
			;
		if (j == nops)
			nops++;
		op = &ops[j];
		op->cmd = row->cmd;
		op->flags |= row->flags & ~caps;
		op->internal_flags |= row->internal_flags;
		op->validate |= row->validate;
		if (row->flags & GENL_CMD_CAP_DO) {
			op->doit = row->doit;
			op->policy = row->policy;
			op->maxattr = row->maxattr;
		} else if (row->flags & GENL_CMD_CAP_DUMP) {
			op->start = row->start;
			op->dumpit = row->dumpit;
			op->done = row->done;
			if (!op->doit) {
				op->policy = row->policy;
				op->maxattr = row->maxattr;
			}
		}
	}
	family->ops = ops;
	family->n_ops = nops;
#endif
}

#endif /* _VS_COMPAT_GENL_H */
