// SPDX-License-Identifier: GPL-2.0
/* The kernel's own C versions of helpers that kcpp/io.h implements inline in C++: KUnit
 * tests compare the two. Linked into test modules only. */
#include <linux/io.h>
#include <kcpp/bindings.h>

unsigned int kcpp_c_readl(const volatile void *addr)
{
	return readl((const volatile void __iomem *)addr);
}

void kcpp_c_writel(unsigned int val, volatile void *addr)
{
	writel(val, (volatile void __iomem *)addr);
}

unsigned long long kcpp_c_readq(const volatile void *addr)
{
	return readq((const volatile void __iomem *)addr);
}

void kcpp_c_writeq(unsigned long long val, volatile void *addr)
{
	writeq(val, (volatile void __iomem *)addr);
}
