// SPDX-License-Identifier: GPL-2.0
// kcpp/io.h — MMIO accessors and memory barriers, inline.
//
// These are on every I/O path, where a call into a shim would cost measurable speed, so
// they are written here in the same inline assembly as the kernel's x86 versions. Each one
// names the kernel definition it mirrors; tests/kunit/io_test.cpp checks that they behave
// like the C versions (kcpp_c_readl & co., which call the kernel's own).
#pragma once

#include <kcpp/types.h>

#if !defined(__x86_64__)
#error "kcpp/io.h: only x86-64 is implemented"
#endif

namespace kcpp::io {

// SAFETY: mirrors build_mmio_read(readl, "l", unsigned int, "=r", :"memory") in
// arch/x86/include/asm/io.h: one 32-bit load the compiler may not split, merge or reorder
// across other memory accesses (the "memory" clobber). addr must be a mapped MMIO address
// (or ordinary memory, in tests), 4-byte aligned.
inline u32 readl(const volatile void *addr)
{
	u32 v;
	asm volatile("movl %1,%0" : "=r"(v) : "m"(*static_cast<const volatile u32 *>(addr)) : "memory");
	return v;
}
// SAFETY: mirrors build_mmio_write(writel, "l", unsigned int, "r", :"memory").
inline void writel(u32 v, volatile void *addr)
{
	asm volatile("movl %0,%1" : : "r"(v), "m"(*static_cast<volatile u32 *>(addr)) : "memory");
}
// SAFETY: mirrors build_mmio_read(readq, "q", u64, "=r", :"memory") (x86-64 only).
inline u64 readq(const volatile void *addr)
{
	u64 v;
	asm volatile("movq %1,%0" : "=r"(v) : "m"(*static_cast<const volatile u64 *>(addr)) : "memory");
	return v;
}
// SAFETY: mirrors build_mmio_write(writeq, "q", u64, "r", :"memory").
inline void writeq(u64 v, volatile void *addr)
{
	asm volatile("movq %0,%1" : : "r"(v), "m"(*static_cast<volatile u64 *>(addr)) : "memory");
}

// SAFETY: barrier() in include/linux/compiler.h: a compiler-only fence.
inline void barrier() { asm volatile("" : : : "memory"); }
// SAFETY: __mb/__rmb/__wmb in arch/x86/include/asm/barrier.h (x86-64: mfence/lfence/sfence).
inline void mb() { asm volatile("mfence" : : : "memory"); }
inline void rmb() { asm volatile("lfence" : : : "memory"); }
inline void wmb() { asm volatile("sfence" : : : "memory"); }
// SAFETY: x86 dma_rmb/dma_wmb are barrier(): x86 keeps loads and stores to coherent memory
// in order (arch/x86/include/asm/barrier.h).
inline void dma_rmb() { barrier(); }
inline void dma_wmb() { barrier(); }
// SAFETY: __smp_mb in arch/x86/include/asm/barrier.h (x86-64): a locked add to the stack.
inline void smp_mb() { asm volatile("lock; addl $0,-4(%%rsp)" : : : "memory", "cc"); }

} // namespace kcpp::io
