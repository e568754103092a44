// SPDX-License-Identifier: GPL-2.0
/* DMA shims. SAFETY: dev is a bound device (see pci.c); coherent buffers are owned by a C++
 * CoherentAllocation that frees them, with the same size and handle, before unbind ends. */
#include <linux/dma-mapping.h>
#include <kcpp/bindings.h>

#define DEV(d) ((struct device *)(d))

int kcpp_dma_set_mask_and_coherent(struct kcpp_device *dev, unsigned int bits)
{
	if (bits > 64)
		return -EINVAL;
	return dma_set_mask_and_coherent(DEV(dev), DMA_BIT_MASK(bits));
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
