// SPDX-License-Identifier: GPL-2.0
/*
 * vs_canary: the debug leg's positive control. Loaded with bugs=..., it
 * commits each named mistake once, on purpose, so that the test can show
 * that the debug kernel notices it and that our harness fails the run and
 * prints the report. Never loaded outside that one test VM.
 *
 * The order matters: a lockdep report turns lockdep off for the rest of
 * the boot, and a KASAN report taints the kernel in a way that does the
 * same, so lockdep goes first and KASAN last.
 */
#include <linux/bug.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>

static char *bugs = "";
module_param(bugs, charp, 0444);
MODULE_PARM_DESC(bugs, "comma-separated: lockdep,sleep,ubsan,list,leak,warn,kasan");

static DEFINE_MUTEX(vs_canary_a);
static DEFINE_MUTEX(vs_canary_b);
static DEFINE_SPINLOCK(vs_canary_lock);

/* A then B, later B then A: lockdep's circular dependency, no deadlock. */
static noinline void vs_canary_lockdep(void)
{
	mutex_lock(&vs_canary_a);
	mutex_lock(&vs_canary_b);
	mutex_unlock(&vs_canary_b);
	mutex_unlock(&vs_canary_a);

	mutex_lock(&vs_canary_b);
	mutex_lock(&vs_canary_a);
	mutex_unlock(&vs_canary_a);
	mutex_unlock(&vs_canary_b);
}

/* Says it may sleep under a spinlock (DEBUG_ATOMIC_SLEEP); never sleeps. */
static noinline void vs_canary_sleep(void)
{
	spin_lock(&vs_canary_lock);
	might_sleep();
	spin_unlock(&vs_canary_lock);
}

/* A shift by more than the width of the type (UBSAN_SHIFT). */
static noinline void vs_canary_ubsan(void)
{
	int by = 40, one = 1;

	OPTIMIZER_HIDE_VAR(by);
	OPTIMIZER_HIDE_VAR(one);
	pr_info("vs_canary: 1 << %d = %d\n", by, one << by);
}

/* list_add() of an entry whose neighbours do not point back (DEBUG_LIST). */
static noinline void vs_canary_list(void)
{
	struct list_head head, other, entry;

	INIT_LIST_HEAD(&head);
	INIT_LIST_HEAD(&other);
	head.next = &other;
	list_add(&entry, &head);
}

/*
 * Allocations nothing points to any more (KMEMLEAK). Several: a stale copy
 * of a pointer (a dead task's cached stack, a register) can hide one.
 */
static noinline void vs_canary_leak(void)
{
	char *p;
	int i;

	for (i = 0; i < 16; i++) {
		p = kmalloc(64, GFP_KERNEL);
		if (p)
			snprintf(p, 64, "vs_canary leak %d", i);
		OPTIMIZER_HIDE_VAR(p);
	}
}

/* A plain WARN, as any code's own sanity check would print. */
static noinline void vs_canary_warn(void)
{
	WARN(1, "vs_canary: a warning on purpose\n");
}

/* A read of freed memory (KASAN). */
static noinline void vs_canary_kasan(void)
{
	char *p = kmalloc(32, GFP_KERNEL);

	if (!p)
		return;
	kfree(p);
	OPTIMIZER_HIDE_VAR(p);
	pr_info("vs_canary: read %d after free\n", READ_ONCE(p[8]));
}

static const struct {
	const char *name;
	void (*run)(void);
} vs_canary_bugs[] = {
	{ "lockdep", vs_canary_lockdep },
	{ "sleep", vs_canary_sleep },
	{ "ubsan", vs_canary_ubsan },
	{ "list", vs_canary_list },
	{ "leak", vs_canary_leak },
	{ "warn", vs_canary_warn },
	{ "kasan", vs_canary_kasan },
};

static bool vs_canary_asked(const char *name)
{
	size_t len = strlen(name);
	const char *p = bugs;

	while ((p = strstr(p, name))) {
		if ((p == bugs || p[-1] == ',') && (p[len] == ',' || !p[len]))
			return true;
		p += len;
	}
	return false;
}

static int __init vs_canary_init(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_canary_bugs); i++) {
		if (!vs_canary_asked(vs_canary_bugs[i].name))
			continue;
		pr_info("vs_canary: %s\n", vs_canary_bugs[i].name);
		vs_canary_bugs[i].run();
	}
	return 0;
}

static void __exit vs_canary_exit(void)
{
}

module_init(vs_canary_init);
module_exit(vs_canary_exit);
MODULE_DESCRIPTION("virtio-status selftests: deliberate bugs for the debug kernel leg");
MODULE_LICENSE("GPL");
