// SPDX-License-Identifier: GPL-2.0
/*
 * How long each virtqueue's used index has stood still while buffers were
 * outstanding. Every read of a queue's indexes (health-get, queue-get)
 * notes what it saw here; the table keeps, per queue, the used index of
 * the last read and when it last changed. So a caller that keeps no state
 * of its own (a one-shot metrics run) still sees a stall that began long
 * before it ran.
 *
 * A queue is known by the object that owns its ring (the guest's struct
 * virtqueue, vhost's struct vhost_virtqueue), its index and the address
 * of its used ring: a queue freed and another allocated in its place gets
 * a new ring as well, so it does not inherit the old queue's history. The
 * table is bounded (VS_HEALTH_MAX entries); queues not read for
 * VS_HEALTH_FORGET_NS are forgotten when room is needed, and a forgotten
 * queue starts over as if read for the first time.
 */
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/timekeeping.h>

#include "vs.h"

/* Queues remembered at most: a host with thousands of VMs fits. */
#define VS_HEALTH_MAX		65536
/* A queue nobody read for this long is the first to go. */
#define VS_HEALTH_FORGET_NS	(10ULL * 60 * NSEC_PER_SEC)

/**
 * struct vs_health_ent - what the module last saw of one queue
 * @node: in vs_health_tab
 * @obj: the ring's owner (identity only, never dereferenced)
 * @ring: address of its used ring (identity only)
 * @index: queue index
 * @used: used idx at the last read
 * @since_ns: when @used last changed, or nothing was in flight
 * @seen_ns: the last read
 */
struct vs_health_ent {
	struct hlist_node node;
	const void *obj;
	u64 ring;
	u32 index;
	u16 used;
	u64 since_ns;
	u64 seen_ns;
};

static DEFINE_SPINLOCK(vs_health_lock);
static DEFINE_HASHTABLE(vs_health_tab, 12);
static unsigned int vs_health_count;

static u32 vs_health_hash(const void *obj, u64 ring, u32 index)
{
	return jhash_3words((u32)(unsigned long)obj ^ (u32)((u64)(unsigned long)obj >> 32),
			    (u32)ring ^ (u32)(ring >> 32), index, 0);
}

static struct vs_health_ent *vs_health_find(const void *obj, u64 ring, u32 index,
					    u32 hash)
{
	struct vs_health_ent *e;

	hash_for_each_possible(vs_health_tab, e, node, hash)
		if (e->obj == obj && e->ring == ring && e->index == index)
			return e;
	return NULL;
}

/*
 * Room for one more: drop every queue not read for VS_HEALTH_FORGET_NS,
 * and if that freed nothing, the one read longest ago. Under the lock.
 */
static void vs_health_make_room(u64 now)
{
	struct vs_health_ent *e, *oldest = NULL;
	struct hlist_node *tmp;
	unsigned int bkt;

	hash_for_each_safe(vs_health_tab, bkt, tmp, e, node) {
		if (now - e->seen_ns > VS_HEALTH_FORGET_NS) {
			hash_del(&e->node);
			kfree(e);
			vs_health_count--;
		} else if (!oldest || e->seen_ns < oldest->seen_ns) {
			oldest = e;
		}
	}
	if (vs_health_count >= VS_HEALTH_MAX && oldest) {
		hash_del(&oldest->node);
		kfree(oldest);
		vs_health_count--;
	}
}

/**
 * vs_health_note() - note one read of a queue's indexes
 * @obj: the object that owns the ring
 * @ring: address of its used ring
 * @index: queue index
 * @used: the used idx read
 * @in_flight: buffers outstanding at that read
 *
 * Must be called where sleeping is allowed (it may allocate), after the
 * locks the read needed are released.
 *
 * Return: nanoseconds the used idx has stood still with buffers in flight
 * as far as the reads saw: 0 if none are in flight, at a queue's first
 * read, or if the table could not remember it.
 */
u64 vs_health_note(const void *obj, u64 ring, u32 index, u16 used, u32 in_flight)
{
	u32 hash = vs_health_hash(obj, ring, index);
	u64 now = ktime_get_boottime_ns();
	struct vs_health_ent *e, *fresh = NULL;
	u64 stalled = 0;

again:
	spin_lock(&vs_health_lock);
	e = vs_health_find(obj, ring, index, hash);
	if (!e && !fresh) {
		spin_unlock(&vs_health_lock);
		fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
		if (!fresh)
			return 0;
		goto again;
	}
	if (!e) {
		if (vs_health_count >= VS_HEALTH_MAX)
			vs_health_make_room(now);
		e = fresh;
		fresh = NULL;
		e->obj = obj;
		e->ring = ring;
		e->index = index;
		e->used = used;
		e->since_ns = now;
		hash_add(vs_health_tab, &e->node, hash);
		vs_health_count++;
	} else if (e->used != used || !in_flight ||
		   now - e->seen_ns > VS_HEALTH_FORGET_NS) {
		e->used = used;
		e->since_ns = now;
	}
	e->seen_ns = now;
	if (in_flight)
		stalled = now - e->since_ns;
	spin_unlock(&vs_health_lock);
	kfree(fresh);
	return stalled;
}

/**
 * vs_health_exit() - forget every queue
 */
void vs_health_exit(void)
{
	struct vs_health_ent *e;
	struct hlist_node *tmp;
	unsigned int bkt;

	spin_lock(&vs_health_lock);
	hash_for_each_safe(vs_health_tab, bkt, tmp, e, node) {
		hash_del(&e->node);
		kfree(e);
	}
	vs_health_count = 0;
	spin_unlock(&vs_health_lock);
}
