// SPDX-License-Identifier: GPL-2.0
// The C++ runtime (src/runtime/cxxabi.cpp), kcpp/new.h, kcpp/types.h, kcpp/panic.h and
// kcpp/io.h: what is left once the containers and locks are tested.
#include "host_test.h"

#include <cstring>
#include <thread>

#include <kcpp/io.h>
#include <kcpp/new.h>
#include <kcpp/panic.h>
#include <kcpp/types.h>

using namespace kcpp;

namespace {

class RuntimeTest : public HostTest {};

struct Shape {
	Shape() { describe(); }
	virtual ~Shape() = default;
	void describe() { (void)sides(); } // virtual call during construction
	virtual int sides() const = 0;
};
struct Triangle : Shape {
	int sides() const override { return 3; }
};

int warn_once_site(bool cond) { return KCPP_WARN_ON_ONCE(cond) ? 1 : 0; }

struct Outer {
	int a;
	double b;
	int inner;
};

} // namespace

TEST_F(RuntimeTest, GfpNewAllocatesWithTheFlags)
{
	int *p = new (gfp::KERNEL) int(5);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(*p, 5);
	EXPECT_EQ(kcpp_host::last_gfp(), static_cast<unsigned>(KCPP_GFP_KERNEL));
	EXPECT_EQ(kcpp_host::live_allocations(), 1);
	delete p;
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(RuntimeTest, GfpNewReturnsNullAndSkipsTheConstructorOnFailure)
{
	struct Loud {
		Loud() { ADD_FAILURE() << "constructor ran on a failed allocation"; }
	};
	kcpp_host::FailAllocations fail;
	Loud *p = new (gfp::KERNEL) Loud;
	EXPECT_EQ(p, nullptr);
	int *a = new (gfp::ATOMIC) int[16];
	EXPECT_EQ(a, nullptr);
}

TEST_F(RuntimeTest, GfpArrayNewAndZeroing)
{
	unsigned char *a = new (gfp::KERNEL | gfp::ZERO) unsigned char[64];
	ASSERT_NE(a, nullptr);
	for (int i = 0; i < 64; ++i)
		EXPECT_EQ(a[i], 0) << i;
	delete[] a;
}

TEST_F(RuntimeTest, ZeroSizeAllocationsAreTheKernelsZeroSizePointer)
{
	void *p = kcpp_kmalloc(0, KCPP_GFP_KERNEL);
	EXPECT_EQ(p, reinterpret_cast<void *>(16));
	kcpp_kfree(p); // a no-op, as in the kernel
	kcpp_kfree(nullptr);
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(RuntimeTest, KreallocKeepsContentsAndFailsSafely)
{
	char *p = static_cast<char *>(kcpp_kmalloc(4, KCPP_GFP_KERNEL));
	ASSERT_NE(p, nullptr);
	memcpy(p, "abc", 4);
	char *q = static_cast<char *>(kcpp_krealloc(p, 4096, KCPP_GFP_KERNEL));
	ASSERT_NE(q, nullptr);
	EXPECT_STREQ(q, "abc");
	{
		kcpp_host::FailAllocations fail;
		EXPECT_EQ(kcpp_krealloc(q, 8192, KCPP_GFP_KERNEL), nullptr);
	}
	EXPECT_STREQ(q, "abc"); // untouched on failure
	EXPECT_EQ(kcpp_krealloc(q, 0, KCPP_GFP_KERNEL), reinterpret_cast<void *>(16)); // freed
	EXPECT_EQ(kcpp_host::live_allocations(), 0);
}

TEST_F(RuntimeTest, KvmallocGoesBeyondKmallocsLimit)
{
	void *big = kcpp_kvmalloc(8ul << 20, KCPP_GFP_KERNEL);
	ASSERT_NE(big, nullptr);
	EXPECT_EQ(kcpp_kmalloc(8ul << 20, KCPP_GFP_KERNEL | KCPP_GFP_NOWARN), nullptr);
	kcpp_kvfree(big);
}

TEST_F(RuntimeTest, SleepingAllocationInAtomicContextWarns)
{
	unsigned long flags = 0;
	{
		// Simulate irqs off: GFP_ATOMIC is fine, GFP_KERNEL is a bug.
		alignas(KCPP_ALIGNOF_SPINLOCK) unsigned char storage[KCPP_SIZEOF_SPINLOCK] = {};
		auto *lock = reinterpret_cast<kcpp_spinlock *>(storage);
		kcpp_spin_lock_init(lock, "alloc", nullptr);
		flags = kcpp_spin_lock_irqsave(lock);
		kcpp_kfree(kcpp_kmalloc(8, KCPP_GFP_ATOMIC));
		EXPECT_EQ(kcpp_host::warn_count(), 0);
		kcpp_kfree(kcpp_kmalloc(8, KCPP_GFP_KERNEL));
		EXPECT_EQ(kcpp_host::warn_count(), 1);
		kcpp_spin_unlock_irqrestore(lock, flags);
	}
	expect_warnings(1);
}

TEST_F(RuntimeTest, FaultInjectionIsPerThread)
{
	kcpp_host::FailAllocations fail;
	EXPECT_EQ(kcpp_kmalloc(8, KCPP_GFP_KERNEL), nullptr);
	void *other = nullptr;
	std::thread t([&] { other = kcpp_kmalloc(8, KCPP_GFP_KERNEL); });
	t.join();
	EXPECT_NE(other, nullptr);
	kcpp_kfree(other);
	EXPECT_EQ(kcpp_fault_inject_current(0), 0);
	void *mine = kcpp_kmalloc(8, KCPP_GFP_KERNEL);
	EXPECT_NE(mine, nullptr);
	kcpp_kfree(mine);
}

TEST_F(RuntimeTest, PanicLogsFileLineAndMessage)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH(kcpp::panic("the sky fell"), "kcpp panic at .*test_runtime.cpp:[0-9]+: the sky fell");
	EXPECT_DEATH(KCPP_BUG_ON(1 + 1 == 2), "BUG_ON\\(1 \\+ 1 == 2\\)");
}

TEST_F(RuntimeTest, PureVirtualCallPanics)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	EXPECT_DEATH({ Triangle t; }, "pure virtual function called");
}

TEST_F(RuntimeTest, WarnOnOnceWarnsOncePerSite)
{
	static bool site_has_warned = false; // once per site per process (--gtest_repeat)
	const int expected = site_has_warned ? 0 : 1;
	EXPECT_EQ(warn_once_site(false), 0);
	EXPECT_EQ(kcpp_host::warn_count(), 0);
	EXPECT_EQ(warn_once_site(true), 1);
	EXPECT_EQ(warn_once_site(true), 1); // still yields the condition ...
	EXPECT_EQ(kcpp_host::warn_count(), expected); // ... but warns only once
	if (expected == 1) {
		EXPECT_NE(kcpp_host::last_warning().find("WARN_ON_ONCE(cond)"), std::string::npos);
	}
	site_has_warned = true;
	expect_warnings(expected);
}

TEST_F(RuntimeTest, TypeUtilities)
{
	static_assert(is_same_v<u32, unsigned int>);
	static_assert(sizeof(u64) == 8 && sizeof(i16) == 2);
	static_assert(is_signed_v<int> && !is_signed_v<unsigned> && !is_signed_v<bool>);
	static_assert(is_integral_v<const long &> && !is_integral_v<float>);
	static_assert(numeric_limits<i8>::min() == -128 && numeric_limits<u16>::max() == 65535);
	static_assert(numeric_limits<long long>::min() == -9223372036854775807LL - 1);
	u32 out = 0;
	EXPECT_TRUE(checked_add<u32>(1, 2, &out));
	EXPECT_EQ(out, 3u);
	EXPECT_FALSE(checked_add<u32>(0xffffffffu, 1, &out));
	usize big = 0;
	EXPECT_FALSE(checked_mul<usize>(~usize(0) / 2, 3, &big));
	EXPECT_TRUE(checked_mul<usize>(1000, 1000, &big));
	EXPECT_EQ(big, 1000000u);
	int a = 1, b = 2;
	swap(a, b);
	EXPECT_EQ(a, 2);
	EXPECT_EQ(exchange(a, 7), 2);
	EXPECT_EQ(a, 7);
	EXPECT_EQ(kcpp::min(3, 4), 3);
	EXPECT_EQ(kcpp::max(3, 4), 4);
}

TEST_F(RuntimeTest, ContainerOfRecoversTheOuterObject)
{
	Outer o{1, 2.0, 3};
	EXPECT_EQ(container_of(&o.inner, &Outer::inner), &o);
	EXPECT_EQ(container_of(&o.a, &Outer::a), &o);
}

TEST_F(RuntimeTest, OpaqueStorageHasTheLayoutSizes)
{
	Opaque<KCPP_SIZEOF_SPINLOCK, KCPP_ALIGNOF_SPINLOCK> s;
	EXPECT_EQ(sizeof(s), static_cast<usize>(KCPP_SIZEOF_SPINLOCK));
	EXPECT_EQ(alignof(decltype(s)), static_cast<usize>(KCPP_ALIGNOF_SPINLOCK));
	Opaque<0, 1> empty; // a lock class key without lockdep
	EXPECT_EQ(sizeof(empty), 1u);
	for (unsigned char c : s.bytes)
		EXPECT_EQ(c, 0); // zero-initialised
}

TEST_F(RuntimeTest, MmioAccessorsMatchTheCVersions)
{
	alignas(8) unsigned char mem[16] = {};
	io::writel(0xdeadbeef, mem);
	EXPECT_EQ(kcpp_c_readl(mem), 0xdeadbeefu);
	kcpp_c_writel(0x12345678, mem + 4);
	EXPECT_EQ(io::readl(mem + 4), 0x12345678u);
	io::writeq(0x0123456789abcdefull, mem + 8);
	EXPECT_EQ(kcpp_c_readq(mem + 8), 0x0123456789abcdefull);
	kcpp_c_writeq(42, mem);
	EXPECT_EQ(io::readq(mem), 42u);
	io::barrier();
	io::mb();
	io::rmb();
	io::wmb();
	io::dma_rmb();
	io::dma_wmb();
	io::smp_mb();
}
