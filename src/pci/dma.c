// SPDX-License-Identifier: GPL-2.0
/* DMA shims. SAFETY: dev is a bound device (see pci.c); coherent buffers are owned by a C++
 * CoherentAllocation that frees them, with the same size and handle, before unbind ends. */
#include <linux/dma-mapping.h>
#include <linux/version.h>
#include <kcpp/bindings.h>

#define DEV(d) ((struct device *)(d))

int kcpp_dma_set_mask_and_coherent(struct kcpp_device *dev, unsigned int bits)
{
	if (bits > 64)
		return -EINVAL;
	return dma_set_mask_and_coherent(DEV(dev), DMA_BIT_MASK(bits));
}

int kcpp_dma_set_max_seg_size(struct kcpp_device *dev, unsigned int size)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	dma_set_max_seg_size(DEV(dev), size); /* void since 6.11 */
	return 0;
#else
	return dma_set_max_seg_size(DEV(dev), size);
#endif
}

int kcpp_dma_set_min_align_mask(struct kcpp_device *dev, unsigned int mask)
{
	if (!DEV(dev)->dma_parms)
		return -EIO; /* dma_set_min_align_mask would WARN */
	dma_set_min_align_mask(DEV(dev), mask);
	return 0;
}

size_t kcpp_dma_opt_mapping_size(struct kcpp_device *dev)
{
	return dma_opt_mapping_size(DEV(dev));
}

void *kcpp_dma_alloc_coherent(struct kcpp_device *dev, size_t size, unsigned long long *dma_handle,
			      kcpp_gfp_t gfp)
{
	dma_addr_t handle;
	void *cpu = dma_alloc_coherent(DEV(dev), size, &handle, (__force gfp_t)gfp);

	*dma_handle = handle;
	return cpu;
}

void kcpp_dma_free_coherent(struct kcpp_device *dev, size_t size, void *cpu,
			    unsigned long long dma_handle)
{
	dma_free_coherent(DEV(dev), size, cpu, (dma_addr_t)dma_handle);
}
