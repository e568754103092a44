// SPDX-License-Identifier: GPL-2.0
// Binder objects inside a transaction buffer: reading one at an offset with the C driver's
// checks (binder_get_object), finding a parent buffer object (binder_validate_ptr), the
// ordering rule for fix-ups in parents (binder_validate_fixup), the room checks for fd arrays
// and pointer fix-ups, and the scatter-gather copy plan that applies fix-ups while copying
// (binder_do_deferred_txn_copies).
//
// Pure logic over two small interfaces, so it is host-tested (tests/host/test_binder_objects.cpp):
//   Source:  bool read(u64 offset, void *dst, usize n)  — bytes of the buffer's data at offset
//            (the sender's user memory, or the target buffer); false on a fault.
//   View:    bool read(u64 offset, void *dst, usize n)  — the target buffer, with the C
//            allocator's check_buffer rules (in bounds of the whole allocation, offset a multiple
//            of 4); u64 data_size() const.
#pragma once

#include <kcpp/error.h>
#include <kcpp/vec.h>

#include "uapi.h"

namespace binder {

// struct binder_object: any object, for type-independent copies.
union Object {
	ObjectHeader hdr;
	FlatBinderObject fbo;
	FdObject fdo;
	BufferObject bbo;
	FdArrayObject fdao;
};
static_assert(sizeof(Object) == MAX_OBJECT_SIZE);

// The size of an object of this type, 0 for an unknown type.
constexpr usize object_size_of(u32 t)
{
	switch (t) {
	case type::BINDER:
	case type::WEAK_BINDER:
	case type::HANDLE:
	case type::WEAK_HANDLE:
		return sizeof(FlatBinderObject);
	case type::FD:
		return sizeof(FdObject);
	case type::PTR:
		return sizeof(BufferObject);
	case type::FDA:
		return sizeof(FdArrayObject);
	default:
		return 0;
	}
}

// binder_get_object: the object at `offset` of a buffer whose data is `data_size` bytes. Reads
// at most sizeof(Object) bytes (fewer near the end of the data) into `obj`; returns the
// object's size if a whole object of a known type lies inside the data at a 4-byte aligned
// offset, else 0.
template <typename Source> usize read_object(Source &src, u64 data_size, u64 offset, Object &obj)
{
	obj = Object{};
	if (offset > data_size || !is_aligned(offset, sizeof(u32)))
		return 0;
	const u64 left = data_size - offset;
	const usize read_size = left < sizeof(Object) ? static_cast<usize>(left) : sizeof(Object);
	if (read_size < sizeof(ObjectHeader))
		return 0;
	if (!src.read(offset, &obj, read_size))
		return 0;
	const usize size = object_size_of(obj.hdr.type);
	if (size == 0 || data_size < size || offset > data_size - size)
		return 0;
	return size;
}

// A Source over the target buffer view.
template <typename View> struct ViewSource {
	View &view;
	bool read(u64 offset, void *dst, usize n) { return view.read(offset, dst, n); }
};

// binder_validate_ptr: the buffer object whose offset is entry `index` of the offsets array
// (which starts at `offsets_start` in the buffer), if index < num_valid (the entries already
// validated) and a PTR object is there. Fills `obj` and, if given, `object_offset`.
template <typename View>
const BufferObject *validate_ptr(View &view, Object &obj, u64 index, u64 offsets_start, u64 num_valid,
				 u64 *object_offset)
{
	if (index >= num_valid)
		return nullptr;
	u64 at;
	if (!view.read(offsets_start + sizeof(binder_size_t) * index, &at, sizeof(at)))
		return nullptr;
	ViewSource<View> src{view};
	const usize size = read_object(src, view.data_size(), at, obj);
	if (size == 0 || obj.hdr.type != type::PTR)
		return nullptr;
	if (object_offset != nullptr)
		*object_offset = at;
	return &obj.bbo;
}

// binder_validate_fixup: a fix-up at `fixup_offset` inside the buffer object at
// `buffer_obj_offset` is allowed only in the last buffer object fixed up (last_obj_offset) or
// one of its ancestors, and inside one buffer only at increasing offsets:
//
//   A
//     B (parent A, offset 0)
//     C (parent A, offset 16)
//       D (parent C, offset 0)
//     E (parent A, offset 32)   // allowed: the minimum in A is 16 (C's parent offset)
//
// but not B after C in A (decreasing), nor a child of B after C (B is not C or an ancestor).
template <typename View>
bool validate_fixup(View &view, u64 offsets_start, u64 buffer_obj_offset, u64 fixup_offset, u64 last_obj_offset,
		    u64 last_min_offset)
{
	if (last_obj_offset == 0)
		return false; // nothing to fix up in
	ViewSource<View> src{view};
	while (last_obj_offset != buffer_obj_offset) {
		Object last;
		if (read_object(src, view.data_size(), last_obj_offset, last) != sizeof(BufferObject))
			return false;
		// Its parent was checked when it was translated.
		if ((last.bbo.flags & BUFFER_FLAG_HAS_PARENT) == 0)
			return false;
		last_min_offset = last.bbo.parent_offset + sizeof(binder_uintptr_t);
		if (!view.read(offsets_start + sizeof(binder_size_t) * last.bbo.parent, &last_obj_offset,
			       sizeof(last_obj_offset)))
			return false;
	}
	return fixup_offset >= last_min_offset;
}

// Room for `fda.num_fds` descriptors at fda.parent_offset inside the parent buffer.
inline bool fd_array_fits(const FdArrayObject &fda, const BufferObject &parent)
{
	if (fda.num_fds >= static_cast<u64>(-1) / sizeof(u32))
		return false;
	const u64 bytes = sizeof(u32) * fda.num_fds;
	return bytes <= parent.length && fda.parent_offset <= parent.length - bytes;
}

// Room for a pointer at bp.parent_offset inside the parent buffer.
inline bool pointer_fits(const BufferObject &bp, const BufferObject &parent)
{
	return parent.length >= sizeof(binder_uintptr_t) && bp.parent_offset <= parent.length - sizeof(binder_uintptr_t);
}

// The scatter-gather part of a transaction: buffers copied from the sender into the target
// buffer, and fix-ups applied while copying so that untranslated values never appear in the
// target (binder_defer_copy, binder_add_fixup, binder_do_deferred_txn_copies).
class SgPlan {
public:
	struct Copy {
		u64 offset;            // in the target buffer
		binder_uintptr_t from; // sender's user address
		u64 length;
	};
	struct Fixup {
		u64 offset;      // in the target buffer
		u64 skip;        // bytes left untouched (an fd array, filled in by the receiver), or 0
		u64 value;       // else the pointer written here instead of the sender's bytes
	};

	// Copies come in increasing offsets (each one after the previous one's end).
	[[nodiscard]] kcpp::Result<void> add_copy(u64 offset, binder_uintptr_t from, u64 length)
	{
		return copies_.push(Copy{offset, from, length}, kcpp::gfp::KERNEL);
	}

	// Fix-ups come mostly in increasing offsets: inserted in order, searching from the end.
	[[nodiscard]] kcpp::Result<void> add_fixup(u64 offset, u64 value, u64 skip)
	{
		TRY(fixups_.push(Fixup{}, kcpp::gfp::KERNEL));
		usize i = fixups_.len() - 1;
		while (i > 0 && !(fixups_[i - 1].offset < offset)) {
			fixups_[i] = fixups_[i - 1];
			--i;
		}
		fixups_[i] = Fixup{offset, skip, value};
		return {};
	}

	// Runs the plan: sink.copy_from_user(offset, from, n) -> bool (false: not all copied) and
	// sink.write(offset, const void *, n) -> bool. Every copy is walked even after a failure
	// (as C does), so the result does not depend on where it failed. EINVAL on any failure, or
	// when a value fix-up lies outside every copy (it was validated to lie inside its parent).
	template <typename Sink> [[nodiscard]] kcpp::Result<void> apply(Sink &sink) const
	{
		bool ok = true;
		usize f = 0;
		for (const Copy &c : copies_) {
			u64 done = 0;
			while (done < c.length) {
				const u64 left = c.length - done;
				const u64 at = c.offset + done;
				u64 n = left;
				if (f < fixups_.len() && fixups_[f].offset >= at && fixups_[f].offset - at < left)
					n = fixups_[f].offset - at;
				if (ok && n != 0)
					ok = sink.copy_from_user(at, c.from + done, n);
				done += n;
				if (n == left)
					break;
				const Fixup &fx = fixups_[f++];
				if (fx.skip != 0) {
					done += fx.skip;
				} else {
					if (ok)
						ok = sink.write(fx.offset, &fx.value, sizeof(fx.value));
					done += sizeof(fx.value);
				}
			}
		}
		for (; f < fixups_.len(); ++f)
			if (fixups_[f].skip == 0)
				ok = false;
		if (!ok)
			return kcpp::code::EINVAL;
		return {};
	}

	const kcpp::Vec<Copy> &copies() const { return copies_; }
	const kcpp::Vec<Fixup> &fixups() const { return fixups_; }

private:
	kcpp::Vec<Copy> copies_;
	kcpp::Vec<Fixup> fixups_;
};

} // namespace binder
