// SPDX-License-Identifier: GPL-2.0
/*
 * What a virtio-pci transport shows without any side effect: the number of
 * virtqueues a modern device offers (common config num_queues), which is
 * what QEMU counts as num-vqs. The driver may set up fewer (virtio-scsi
 * with more request queues than CPUs). Found through the public PCI
 * capability walk; the driver's own mapping is private to it, so the one
 * 16-bit register is mapped, read and unmapped here. Legacy devices and
 * other transports have no such register that can be read without
 * selecting a queue first, which would be a write.
 */
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/virtio_pci.h>

#include "vs.h"

/* A field of struct virtio_pci_cap, from the capability at @pos. */
#define vs_cap_off(field)	offsetof(struct virtio_pci_cap, field)

/**
 * vs_pci_num_queues() - the virtqueues a modern virtio-pci device offers
 * @transport: the virtio device's parent, locked with its driver bound (so
 *	its BARs are enabled and stay so)
 * @num: where the count goes
 *
 * Return: 0, -EOPNOTSUPP if @transport is not a modern virtio-pci device,
 * -ENOMEM if the register could not be mapped.
 */
int vs_pci_num_queues(struct device *transport, u32 *num)
{
	const size_t field = offsetof(struct virtio_pci_common_cfg, num_queues);
	struct pci_dev *pdev;
	void __iomem *reg;
	u32 offset, length;
	u8 type, bar;
	int pos;

	if (!dev_is_pci(transport))
		return -EOPNOTSUPP;
	pdev = to_pci_dev(transport);
	for (pos = pci_find_capability(pdev, PCI_CAP_ID_VNDR); pos;
	     pos = pci_find_next_capability(pdev, pos, PCI_CAP_ID_VNDR)) {
		pci_read_config_byte(pdev, pos + vs_cap_off(cfg_type), &type);
		if (type != VIRTIO_PCI_CAP_COMMON_CFG)
			continue;
		pci_read_config_byte(pdev, pos + vs_cap_off(bar), &bar);
		pci_read_config_dword(pdev, pos + vs_cap_off(offset), &offset);
		pci_read_config_dword(pdev, pos + vs_cap_off(length), &length);
		/* The first usable one, as the driver picks it. */
		if (bar >= PCI_STD_NUM_BARS || length < field + sizeof(u16) ||
		    !(pci_resource_flags(pdev, bar) & IORESOURCE_MEM) ||
		    (u64)offset + field + sizeof(u16) > pci_resource_len(pdev, bar))
			continue;
		reg = pci_iomap_range(pdev, bar, offset + field, sizeof(u16));
		if (!reg)
			return -ENOMEM;
		*num = ioread16(reg);
		pci_iounmap(pdev, reg);
		return 0;
	}
	return -EOPNOTSUPP;
}
