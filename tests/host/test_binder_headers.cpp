// SPDX-License-Identifier: GPL-2.0
// The binder-facing headers compile on the host together with the core ones, and the
// constants they take from the layout header are the kernel's (Debian 6.12 x86-64 values in
// the host mirror, checked per kernel by the generated header in module builds).
#include "host_test.h"

#include <kcpp/aref.h>
#include <kcpp/cred.h>
#include <kcpp/debugfs.h>
#include <kcpp/file.h>
#include <kcpp/kcpp.h>
#include <kcpp/miscdev.h>
#include <kcpp/mm.h>
#include <kcpp/page.h>
#include <kcpp/rbtree.h>
#include <kcpp/security.h>
#include <kcpp/task.h>

using namespace kcpp;

namespace {
class BinderHeadersTest : public HostTest {};

// A device type with every optional operation, so describe() sets each one.
struct F {};
struct S {};
struct Everything {
	using Shared = S;
	using File = F;
	static Result<Box<F>> open(S &, fs::File &) { return Box<F>::make(gfp::KERNEL); }
	static Result<long> ioctl(F &, u32, uptr) { return 0; }
	static Result<long> compat_ioctl(F &, u32, uptr) { return 0; }
	static u32 poll(F &, miscdev::PollTable &) { return 0; }
	static Result<void> mmap(F &, mm::VmAreaNew &) { return {}; }
	static void vma_close(F &) {}
	static Result<void> flush(F &) { return {}; }
	static void release(Box<F>) {}
};
struct Minimal {
	using Shared = S;
	using File = F;
	static Result<Box<F>> open(S &) { return Box<F>::make(gfp::KERNEL); }
};
} // namespace

TEST_F(BinderHeadersTest, ConstantsComeFromTheLayoutHeader)
{
	EXPECT_EQ(mm::vm::WRITE, 0x2ul);
	EXPECT_EQ(mm::vm::MAYWRITE, 0x20ul);
	EXPECT_EQ(mm::vm::DONTCOPY, 0x20000ul);
	EXPECT_EQ(mm::vm::MIXEDMAP, 0x10000000ul);
	EXPECT_EQ(fs::O_CLOEXEC, 02000000u);
	EXPECT_EQ(fs::O_NONBLOCK, 04000u);
	EXPECT_EQ(gfp::HIGHMEM.bits(), static_cast<unsigned>(KCPP_GFP_HIGHMEM));
	EXPECT_EQ(Page::SIZE, 4096u);
	EXPECT_EQ(sizeof(RbLinks), static_cast<usize>(KCPP_SIZEOF_RB_NODE));
}

TEST_F(BinderHeadersTest, FileOperationsFollowTheType)
{
	constexpr kcpp_file_ops_desc all = miscdev::detail::describe<Everything>();
	EXPECT_NE(all.open, nullptr);
	EXPECT_NE(all.release, nullptr);
	EXPECT_NE(all.ioctl, nullptr);
	EXPECT_NE(all.compat_ioctl, nullptr);
	EXPECT_NE(all.poll, nullptr);
	EXPECT_NE(all.mmap, nullptr);
	EXPECT_NE(all.vma_close, nullptr);
	EXPECT_NE(all.flush, nullptr);
	EXPECT_EQ(all.read, nullptr);
	EXPECT_EQ(all.write, nullptr);
	constexpr kcpp_file_ops_desc min = miscdev::detail::describe<Minimal>();
	EXPECT_NE(min.open, nullptr);
	EXPECT_NE(min.release, nullptr); // always: it frees the per-open object
	EXPECT_EQ(min.ioctl, nullptr);
	EXPECT_EQ(min.compat_ioctl, nullptr);
	EXPECT_EQ(min.mmap, nullptr);
	EXPECT_EQ(min.vma_close, nullptr);
	EXPECT_EQ(min.flush, nullptr);
	EXPECT_EQ(min.poll, nullptr);
}

TEST_F(BinderHeadersTest, OpenAndReleaseTrampolinesOwnTheFileObject)
{
	// open without the file argument, then release: the object is created and freed once.
	S shared;
	void *data = nullptr;
	constexpr kcpp_file_ops_desc min = miscdev::detail::describe<Minimal>();
	ASSERT_EQ(min.open(&shared, nullptr, &data), 0);
	ASSERT_NE(data, nullptr);
	min.release(data); // HostTest's teardown checks nothing leaked
}
