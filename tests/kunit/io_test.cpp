// SPDX-License-Identifier: GPL-2.0
// kcpp_io: kcpp/io.h's inline MMIO accessors against the kernel's own C readl/writel/readq/
// writeq (kcpp_c_* in src/kunit/oracles.c), on ordinary kmalloc'ed memory: same values read,
// same bytes written, nothing else touched.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

namespace {
constexpr usize buf_size = 64;

// Two identical buffers with a known pattern; freed at scope exit.
struct Buffers {
	Buffers()
	{
		a = static_cast<u8 *>(kcpp_kmalloc(buf_size, gfp::KERNEL.bits()));
		b = static_cast<u8 *>(kcpp_kmalloc(buf_size, gfp::KERNEL.bits()));
		if (a && b)
			for (usize i = 0; i < buf_size; ++i)
				a[i] = b[i] = static_cast<u8>(0xa0 + i);
	}
	~Buffers()
	{
		kcpp_kfree(a);
		kcpp_kfree(b);
	}
	bool ok() const { return a && b; }
	bool same() const
	{
		for (usize i = 0; i < buf_size; ++i)
			if (a[i] != b[i])
				return false;
		return true;
	}
	u8 *a = nullptr;
	u8 *b = nullptr;
};
} // namespace

static void readl_matches_kernel_readl(Test &t)
{
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	for (usize off = 0; off + 4 <= buf_size; off += 4)
		KCPP_EXPECT_EQ(t, io::readl(m.a + off), kcpp_c_readl(m.a + off));
	// Little-endian, as the device would see it.
	KCPP_EXPECT_EQ(t, io::readl(m.a), 0xa3a2a1a0u);
}

static void readq_matches_kernel_readq(Test &t)
{
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	for (usize off = 0; off + 8 <= buf_size; off += 8)
		KCPP_EXPECT_EQ(t, io::readq(m.a + off), kcpp_c_readq(m.a + off));
	KCPP_EXPECT_EQ(t, io::readq(m.a + 8), 0xafaeadacabaaa9a8ull);
}

static void writel_matches_kernel_writel(Test &t)
{
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	io::writel(0x12345678u, m.a + 12);
	kcpp_c_writel(0x12345678u, m.b + 12);
	KCPP_EXPECT_TRUE(t, m.same()); // the same 4 bytes changed, neighbours untouched
	KCPP_EXPECT_EQ(t, m.a[11], 0xab);
	KCPP_EXPECT_EQ(t, m.a[12], 0x78);
	KCPP_EXPECT_EQ(t, m.a[15], 0x12);
	KCPP_EXPECT_EQ(t, m.a[16], 0xb0);
}

static void writeq_matches_kernel_writeq(Test &t)
{
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	io::writeq(0x0102030405060708ull, m.a + 24);
	kcpp_c_writeq(0x0102030405060708ull, m.b + 24);
	KCPP_EXPECT_TRUE(t, m.same());
	KCPP_EXPECT_EQ(t, m.a[23], 0xb7);
	KCPP_EXPECT_EQ(t, m.a[24], 0x08);
	KCPP_EXPECT_EQ(t, m.a[31], 0x01);
	KCPP_EXPECT_EQ(t, m.a[32], 0xc0);
}

static void inline_and_c_accessors_interoperate(Test &t)
{
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	io::writel(0xdeadbeefu, m.a);
	KCPP_EXPECT_EQ(t, kcpp_c_readl(m.a), 0xdeadbeefu);
	kcpp_c_writel(0xcafef00du, m.a + 4);
	KCPP_EXPECT_EQ(t, io::readl(m.a + 4), 0xcafef00du);
	KCPP_EXPECT_EQ(t, io::readq(m.a), 0xcafef00ddeadbeefull);
	io::writeq(~0ull, m.a + 8);
	KCPP_EXPECT_EQ(t, kcpp_c_readq(m.a + 8), ~0ull);
	kcpp_c_writeq(0, m.a + 8);
	KCPP_EXPECT_EQ(t, io::readq(m.a + 8), 0ull);
}

static void accesses_are_not_merged_or_elided(Test &t)
{
	// Each accessor is one access the compiler may not drop: a register written twice
	// must see both values, in order, between barriers.
	Buffers m;
	KCPP_ASSERT_TRUE(t, m.ok());
	u32 seen[4];
	for (u32 i = 0; i < 4; ++i) {
		io::writel(i * 0x11111111u, m.a);
		io::wmb();
		io::mb();
		seen[i] = io::readl(m.a);
		io::rmb();
	}
	io::smp_mb();
	io::dma_wmb();
	io::dma_rmb();
	io::barrier();
	for (u32 i = 0; i < 4; ++i)
		KCPP_EXPECT_EQ(t, seen[i], i * 0x11111111u);
	KCPP_EXPECT_EQ(t, kcpp_c_readl(m.a), 0x33333333u);
}

KCPP_KUNIT_SUITE(kcpp_io,
		 KCPP_KUNIT_CASE(readl_matches_kernel_readl),
		 KCPP_KUNIT_CASE(readq_matches_kernel_readq),
		 KCPP_KUNIT_CASE(writel_matches_kernel_writel),
		 KCPP_KUNIT_CASE(writeq_matches_kernel_writeq),
		 KCPP_KUNIT_CASE(inline_and_c_accessors_interoperate),
		 KCPP_KUNIT_CASE(accesses_are_not_merged_or_elided));
