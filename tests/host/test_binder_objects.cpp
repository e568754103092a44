// SPDX-License-Identifier: GPL-2.0
// drivers/binder/objects.h: objects in a transaction buffer, checked as the C driver checks
// them (binder_get_object, binder_validate_ptr, binder_validate_fixup, the fd-array and
// pointer room checks, and the scatter-gather copy with fix-ups).
#include "../../drivers/binder/objects.h"

#include "host_test.h"

#include <cstring>
#include <map>
#include <vector>

using namespace kcpp;
using namespace binder;

namespace {

class BinderObjectsTest : public HostTest {};

// A transaction buffer: data, then the offsets array (8-byte aligned), then sg buffers.
struct FakeBuffer {
	std::vector<unsigned char> bytes;
	u64 data = 0;

	explicit FakeBuffer(usize total, u64 data_size) : bytes(total, 0), data(data_size) {}
	u64 data_size() const { return data; }
	// check_buffer: inside the allocation and 4-byte aligned.
	bool read(u64 offset, void *dst, usize n)
	{
		if (bytes.size() < n || offset > bytes.size() - n || offset % 4 != 0)
			return false;
		memcpy(dst, bytes.data() + offset, n);
		return true;
	}
	template <typename T> void put(u64 offset, const T &v) { memcpy(bytes.data() + offset, &v, sizeof(T)); }
};

FlatBinderObject binder_obj(u64 ptr)
{
	FlatBinderObject o{};
	o.hdr.type = type::BINDER;
	o.binder = ptr;
	return o;
}
BufferObject ptr_obj(u64 buffer, u64 length, bool has_parent = false, u64 parent = 0, u64 parent_offset = 0)
{
	BufferObject o{};
	o.hdr.type = type::PTR;
	o.flags = has_parent ? BUFFER_FLAG_HAS_PARENT : 0;
	o.buffer = buffer;
	o.length = length;
	o.parent = parent;
	o.parent_offset = parent_offset;
	return o;
}

TEST_F(BinderObjectsTest, SizesByType)
{
	EXPECT_EQ(object_size_of(type::BINDER), 24u);
	EXPECT_EQ(object_size_of(type::WEAK_HANDLE), 24u);
	EXPECT_EQ(object_size_of(type::FD), 24u);
	EXPECT_EQ(object_size_of(type::PTR), 40u);
	EXPECT_EQ(object_size_of(type::FDA), 32u);
	EXPECT_EQ(object_size_of(0x12345678), 0u);
}

TEST_F(BinderObjectsTest, ReadsAWholeObjectInsideTheData)
{
	FakeBuffer b(256, 64);
	b.put(8, binder_obj(0xabc));
	Object o;
	EXPECT_EQ(read_object(b, b.data_size(), 8, o), 24u);
	EXPECT_EQ(o.hdr.type, type::BINDER);
	EXPECT_EQ(o.fbo.binder, 0xabcu);
	// The last place it fits: ends exactly at data_size.
	b.put(40, binder_obj(1));
	EXPECT_EQ(read_object(b, b.data_size(), 40, o), 24u);
}

TEST_F(BinderObjectsTest, RejectsBadOffsetsAndTypes)
{
	FakeBuffer b(256, 64);
	b.put(8, binder_obj(0xabc));
	b.put(44, binder_obj(2));
	Object o;
	EXPECT_EQ(read_object(b, b.data_size(), 10, o), 0u); // not 4-byte aligned
	EXPECT_EQ(read_object(b, b.data_size(), 44, o), 0u); // runs past data_size (44 + 24 > 64)
	EXPECT_EQ(read_object(b, b.data_size(), 64, o), 0u); // no room for a header
	EXPECT_EQ(read_object(b, b.data_size(), 62, o), 0u);
	EXPECT_EQ(read_object(b, b.data_size(), 1000, o), 0u); // beyond the data
	EXPECT_EQ(read_object(b, b.data_size(), 0, o), 0u);  // zeros: unknown type
	FakeBuffer small(256, 16);
	small.put(0, binder_obj(1));
	EXPECT_EQ(read_object(small, small.data_size(), 0, o), 0u); // data smaller than the object
}

TEST_F(BinderObjectsTest, AFaultingSourceIsNoObject)
{
	struct Faulting {
		bool read(u64, void *, usize) { return false; }
	} src;
	Object o;
	EXPECT_EQ(read_object(src, 64, 0, o), 0u);
}

// Data with PTR objects at 0, 40, 80, 120; offsets array at 160.
struct Tree {
	FakeBuffer b{512, 160};
	static constexpr u64 offsets = 160;
	void object(usize index, u64 at, const BufferObject &o)
	{
		b.put(at, o);
		b.put(offsets + 8 * index, at);
	}
};

TEST_F(BinderObjectsTest, ValidatePtrFindsAnEarlierBufferObject)
{
	Tree t;
	t.object(0, 0, ptr_obj(0x1000, 64));
	t.b.put(40, binder_obj(5));
	t.b.put(Tree::offsets + 8, u64(40));
	Object o;
	u64 at = 99;
	const BufferObject *p = validate_ptr(t.b, o, 0, Tree::offsets, 2, &at);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(p->buffer, 0x1000u);
	EXPECT_EQ(at, 0u);
	EXPECT_EQ(validate_ptr(t.b, o, 1, Tree::offsets, 2, nullptr), nullptr); // not a PTR
	EXPECT_EQ(validate_ptr(t.b, o, 2, Tree::offsets, 2, nullptr), nullptr); // not validated yet
	EXPECT_EQ(validate_ptr(t.b, o, ~0ull, Tree::offsets, 2, nullptr), nullptr);
}

TEST_F(BinderObjectsTest, FixupsFollowTheLastObjectAndItsAncestors)
{
	// A at 0 (index 0), B child of A at offset 0 (index 1), C child of A at 16 (index 2),
	// D child of C at 0 (index 3).
	Tree t;
	t.object(0, 0, ptr_obj(0, 64));
	t.object(1, 40, ptr_obj(0, 8, true, 0, 0));
	t.object(2, 80, ptr_obj(0, 32, true, 0, 16));
	t.object(3, 120, ptr_obj(0, 8, true, 2, 0));
	const u64 A = 0, B = 40, C = 80;
	// Nothing fixed up yet: no fix-up is allowed.
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, A, 0, 0, 0));
	// After B (last object B, min 0): a fix-up in A must be at or after B's slot + 8.
	EXPECT_TRUE(validate_fixup(t.b, Tree::offsets, A, 16, B, 0));
	EXPECT_TRUE(validate_fixup(t.b, Tree::offsets, A, 8, B, 0));
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, A, 0, B, 0)); // decreasing within A
	// After D (child of C): fix-ups in C after D's slot, in A after C's slot (16 + 8).
	const u64 D = 120;
	EXPECT_TRUE(validate_fixup(t.b, Tree::offsets, C, 8, D, 0));
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, C, 4, D, 0));
	EXPECT_TRUE(validate_fixup(t.b, Tree::offsets, A, 32, D, 0)); // E at 32 is fine
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, A, 16, D, 0));
	// B is neither D nor an ancestor of D.
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, B, 0, D, 0));
	// The same object with its own minimum.
	EXPECT_TRUE(validate_fixup(t.b, Tree::offsets, C, 24, C, 24));
	EXPECT_FALSE(validate_fixup(t.b, Tree::offsets, C, 20, C, 24));
}

TEST_F(BinderObjectsTest, RoomChecksForFdArraysAndPointers)
{
	BufferObject parent = ptr_obj(0, 32);
	FdArrayObject fda{};
	fda.hdr.type = type::FDA;
	fda.num_fds = 8;
	fda.parent_offset = 0;
	EXPECT_TRUE(fd_array_fits(fda, parent));
	fda.parent_offset = 4;
	EXPECT_FALSE(fd_array_fits(fda, parent));
	fda.num_fds = 7;
	EXPECT_TRUE(fd_array_fits(fda, parent));
	fda.num_fds = ~0ull / 4;
	EXPECT_FALSE(fd_array_fits(fda, parent));
	fda.num_fds = (1ull << 62) + 1; // 4 * n wraps to 4
	EXPECT_FALSE(fd_array_fits(fda, parent));

	BufferObject child = ptr_obj(0, 8, true, 0, 24);
	EXPECT_TRUE(pointer_fits(child, parent));
	child.parent_offset = 25;
	EXPECT_FALSE(pointer_fits(child, parent));
	BufferObject tiny = ptr_obj(0, 4);
	child.parent_offset = 0;
	EXPECT_FALSE(pointer_fits(child, tiny));
}

// Records the plan's effect on a target buffer.
struct Sink {
	std::vector<unsigned char> target = std::vector<unsigned char>(256, 0);
	bool fail_copies = false;
	bool copy_from_user(u64 offset, uptr from, u64 n)
	{
		if (fail_copies)
			return false;
		memcpy(target.data() + offset, reinterpret_cast<const void *>(from), n);
		return true;
	}
	bool write(u64 offset, const void *src, usize n)
	{
		memcpy(target.data() + offset, src, n);
		return true;
	}
	u64 word(u64 offset) const
	{
		u64 v;
		memcpy(&v, target.data() + offset, 8);
		return v;
	}
};

TEST_F(BinderObjectsTest, SgCopiesApplyPointerFixupsInsteadOfSenderBytes)
{
	std::vector<u64> a(4, 0x1111), b(2, 0x2222);
	SgPlan plan;
	must(plan.add_copy(0, reinterpret_cast<uptr>(a.data()), 32));
	must(plan.add_copy(32, reinterpret_cast<uptr>(b.data()), 16));
	must(plan.add_fixup(40, 0xb40, 0)); // in b, added first
	must(plan.add_fixup(8, 0xa08, 0));  // in a, added after: inserted before
	Sink s;
	must(plan.apply(s));
	EXPECT_EQ(s.word(0), 0x1111u);
	EXPECT_EQ(s.word(8), 0xa08u);
	EXPECT_EQ(s.word(16), 0x1111u);
	EXPECT_EQ(s.word(32), 0x2222u);
	EXPECT_EQ(s.word(40), 0xb40u);
	EXPECT_EQ(plan.fixups()[0].offset, 8u);
}

TEST_F(BinderObjectsTest, SgSkipsLeaveFdArraysUntouched)
{
	std::vector<u64> a(4, 0x1111111111111111ull);
	SgPlan plan;
	must(plan.add_copy(0, reinterpret_cast<uptr>(a.data()), 32));
	must(plan.add_fixup(8, 0, 12)); // three fds at 8..20
	Sink s;
	s.target.assign(256, 0x77);
	must(plan.apply(s));
	EXPECT_EQ(s.word(0), 0x1111111111111111ull);
	EXPECT_EQ(s.target[8], 0x77);
	EXPECT_EQ(s.target[19], 0x77);
	EXPECT_EQ(s.target[20], 0x11);
}

TEST_F(BinderObjectsTest, SgFailuresAreEinval)
{
	std::vector<u64> a(4, 0x1111);
	SgPlan plan;
	must(plan.add_copy(0, reinterpret_cast<uptr>(a.data()), 32));
	Sink s;
	s.fail_copies = true;
	EXPECT_EQ(plan.apply(s).error(), code::EINVAL);
	SgPlan stray;
	must(stray.add_copy(0, reinterpret_cast<uptr>(a.data()), 16));
	must(stray.add_fixup(64, 1, 0)); // outside every copy
	Sink s2;
	EXPECT_EQ(stray.apply(s2).error(), code::EINVAL);
}

} // namespace
