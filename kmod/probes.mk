# SPDX-License-Identifier: GPL-2.0
#
# Feature probes: each looks for an API in the headers of the kernel being
# built for and defines VS_HAVE_<API> for kmod/compat.h. Distribution
# kernels backport, so we test for the thing itself, not a version number.

vs_probe = $(shell grep -qsw '$(1)' $(srctree)/include/$(2) && echo -DVS_HAVE_$(3))

# 6.2 split do/dump ops (struct genl_split_ops, which the generated op
# table is written in; kmod/compat_genl.h); dump attributes moved into a
# struct genl_info.
ccflags-y += $(call vs_probe,genl_split_ops,net/genetlink.h,GENL_SPLIT_OPS)
ccflags-y += $(call vs_probe,genl_info_dump,net/genetlink.h,GENL_INFO_DUMP)
# 6.17: 128 feature bits (vdev->features_array) and an extended feature
# callback that a transport may set instead of get_features.
ccflags-y += $(call vs_probe,get_extended_features,linux/virtio_config.h,EXTENDED_FEATURES)
