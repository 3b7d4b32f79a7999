// SPDX-License-Identifier: GPL-2.0
/*
 * How much the module may do on the kernel it runs on. The build takes a
 * fingerprint of the kernel interfaces the module relies on (struct
 * virtio_device, virtio_config_ops, virtqueue and friends, from the
 * kernel's BTF: gen_fingerprint.py) and looks it up among the kernels the
 * module was tested on (kmod/fingerprints). A clean build proves nothing
 * about such a kernel: on 6.17+ a warning-free build called a callback a
 * transport had left unset.
 *
 * On an untested kernel the module starts in list-only mode: it lists the
 * devices from driver-core data (names, ids, bound driver), calls no
 * transport operation, reads no queue and reads no vhost device. The
 * allow_untested parameter gives full mode anyway. Either way the kernel
 * log says which kernel and why, and the INFO command reports it.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/utsname.h>
#include <linux/virtio_status.h>

#include "vs.h"
#include "fingerprint.h"

static bool allow_untested;
module_param(allow_untested, bool, 0444);
MODULE_PARM_DESC(allow_untested,
		 "read device state even on a kernel whose interfaces differ from every kernel the module was tested on (default: list devices only)");

/* Set once in vs_mode_init(), before the family exists; read-only after. */
static bool vs_list_only;
static char vs_reason[256];

/**
 * vs_mode_init() - decide the mode, and say so in the kernel log
 */
void vs_mode_init(void)
{
	if (VS_FINGERPRINT_TESTED)
		return;
	if (allow_untested) {
		snprintf(vs_reason, sizeof(vs_reason),
			 "full mode forced by allow_untested=1 on untested kernel %s: %s",
			 init_utsname()->release, VS_FINGERPRINT_WHY);
		pr_warn("%s\n", vs_reason);
		return;
	}
	vs_list_only = true;
	snprintf(vs_reason, sizeof(vs_reason), "kernel %s is untested: %s",
		 init_utsname()->release, VS_FINGERPRINT_WHY);
	pr_warn("list-only mode: %s; devices are listed, no device state is read (load with allow_untested=1 to read it anyway)\n",
		vs_reason);
}

/**
 * vs_mode_list_only() - whether the module only lists devices
 *
 * Return: true in list-only mode: no transport operation, queue or vhost
 * device may be read.
 */
bool vs_mode_list_only(void)
{
	return vs_list_only;
}

/**
 * vs_mode_reason() - why the mode is what it is
 *
 * Return: a sentence, or NULL on a tested kernel in full mode.
 */
const char *vs_mode_reason(void)
{
	return vs_reason[0] ? vs_reason : NULL;
}

/**
 * vs_fingerprint() - the build's fingerprint and the kernel it was taken from
 *
 * Return: a constant string.
 */
const char *vs_fingerprint(void)
{
	return VS_FINGERPRINT " (" VS_FINGERPRINT_KERNEL ")";
}
