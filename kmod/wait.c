// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded waits for other subsystems' locks.
 *
 * A request runs under genetlink's cb_lock (read side). Sleeping there on a
 * lock some other task holds for long (a driver probe under a device lock,
 * the RTNL, a vhost flush under the vhost device's mutex) would queue the
 * next genl_register_family() behind us, and with it every genetlink user
 * of the machine. So requests never sleep on such a lock: they try it, and
 * retry for a short while, sharing one budget per request (or per dump
 * part). A device whose lock stays taken is reported busy.
 *
 * The budget, VS_WAIT_BUDGET_MS: long enough that the holds a healthy
 * system makes (a probe, a netdev registration, a vhost ioctl; seen at
 * tens of ms on the debug kernel under TCG, the slowest place we run) are
 * waited out, short enough that a genetlink writer stuck behind us waits
 * no longer than a human would notice. The retry step is 1-2 ms.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>

#include "vs.h"

#define VS_WAIT_STEP_US		1000

/**
 * vs_wait_start() - start the lock-wait budget of one request
 * @w: the budget
 */
void vs_wait_start(struct vs_wait *w)
{
	w->busy = NULL;
	w->deadline = jiffies + msecs_to_jiffies(VS_WAIT_BUDGET_MS);
}

/*
 * Call @try until it succeeds or the budget is spent. Once spent, each
 * further lock of the request gets one try: a request that met one busy
 * device does not wait again for the next.
 */
/**
 * vs_wait_again() - wait one step before another try, if the budget allows
 * @w: the request's budget
 * @what: the sentence saying which lock was taken, kept in @w->busy when
 *	the budget is spent
 *
 * For callers that must let go of their own locks between tries.
 *
 * Return: true after a 1-2 ms sleep: try again; false: the budget is spent
 * (or a fatal signal came), report busy.
 */
bool vs_wait_again(struct vs_wait *w, const char *what)
{
	if (time_after_eq(jiffies, w->deadline) || fatal_signal_pending(current)) {
		w->busy = what;
		return false;
	}
	usleep_range(VS_WAIT_STEP_US, 2 * VS_WAIT_STEP_US);
	return true;
}

static bool vs_wait_for(bool (*try)(void *arg), void *arg, struct vs_wait *w,
			const char *what)
{
	do {
		if (try(arg))
			return true;
	} while (vs_wait_again(w, what));
	return false;
}

static bool vs_try_mutex(void *m)
{
	return mutex_trylock(m);
}

static bool vs_try_device(void *dev)
{
	return device_trylock(dev);
}

static bool vs_try_rtnl(void *unused)
{
	return rtnl_trylock();
}

/**
 * vs_mutex_lock_bounded() - take @m within the request's budget
 * @m: a mutex of another subsystem
 * @w: the request's budget
 * @what: the sentence saying which lock, kept in @w->busy if it stays held
 *
 * Return: true with @m held, false if it stayed held by someone else (or a
 * fatal signal came).
 */
bool vs_mutex_lock_bounded(struct mutex *m, struct vs_wait *w, const char *what)
{
	return vs_wait_for(vs_try_mutex, m, w, what);
}

/**
 * vs_device_lock_bounded() - device_lock() within the request's budget
 * @dev: the device
 * @w: the request's budget
 * @what: the sentence saying which lock, kept in @w->busy if it stays held
 *
 * Return: true with the device locked, false if it stayed locked.
 */
bool vs_device_lock_bounded(struct device *dev, struct vs_wait *w, const char *what)
{
	return vs_wait_for(vs_try_device, dev, w, what);
}

/**
 * vs_rtnl_lock_bounded() - the RTNL within the request's budget
 * @w: the request's budget
 * @what: the sentence saying which lock, kept in @w->busy if it stays held
 *
 * Return: true with the RTNL held, false if it stayed held.
 */
bool vs_rtnl_lock_bounded(struct vs_wait *w, const char *what)
{
	return vs_wait_for(vs_try_rtnl, NULL, w, what);
}
