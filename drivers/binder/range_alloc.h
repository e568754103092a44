// SPDX-License-Identifier: GPL-2.0
// The per-process buffer allocator: how the range a process mmap'ed on its binder file is cut
// into transaction buffers (the bookkeeping half of the C driver's binder_alloc.c; the pages
// behind the range are the driver's Mapping, binder.h).
//
// - The range is at most 4 MiB (the part of a larger mapping beyond it is never used).
// - A request for data_size, offsets_size and extra_buffers_size bytes takes the sum of the
//   three, each rounded up to 8 bytes, at least 8 bytes (so every buffer has its own address);
//   a sum that overflows is EINVAL.
// - Best fit: the smallest free block that is big enough (the lowest such block if several
//   have that size), split when it is bigger; the rest stays a free block.
// - Freeing merges the block with free neighbours, so free blocks are never adjacent.
// - One-way (async) transactions may use half of the range between them: beyond that, ENOSPC
//   before looking for a block. When the async space left falls under a tenth of the whole
//   range, the sender owning more than 50 async buffers or more than a quarter of the range is
//   reported once as a suspected one-way spammer, until the space recovers (C's
//   debug_low_async_space_locked). The block being allocated still has the pid of its last
//   owner during that count, as in C.
// - No block big enough: ENOSPC.
//
// Buffer descriptors are allocated by the caller before taking the process lock the allocator
// lives under (alloc() takes a spare descriptor for the split-off remainder and hands it back
// when it is not needed; free() hands back the descriptors it merged away). Nothing here
// allocates, sleeps or prints, so it runs under a spinlock. Pure logic, host-tested in
// tests/host/test_binder_alloc.cpp. The lists are scanned linearly (a process rarely holds
// more than a few buffers at once); the C driver keeps red-black trees.
#pragma once

#include <kcpp/box.h>
#include <kcpp/error.h>
#include <kcpp/list.h>
#include <kcpp/vec.h>

#include "uapi.h"

namespace binder {

inline constexpr u64 MAX_MAPPING = 4u << 20; // SZ_4M
inline constexpr u64 PAGE_SIZE = 4096;

// sanitized_size: the bytes a transaction buffer takes, 0 for an invalid request.
constexpr u64 buffer_total_size(u64 data_size, u64 offsets_size, u64 extra_size)
{
	const u64 a = align_up(data_size, PTR_SIZE), b = align_up(offsets_size, PTR_SIZE);
	if (a < data_size || b < offsets_size)
		return 0; // rounding wrapped around
	const u64 tmp = a + b;
	if (tmp < a)
		return 0;
	const u64 c = align_up(extra_size, PTR_SIZE);
	if (c < extra_size)
		return 0;
	const u64 total = tmp + c;
	if (total < tmp)
		return 0;
	return total < PTR_SIZE ? PTR_SIZE : total;
}

// One block of the range (struct binder_buffer). Extra is the driver's per-buffer state; it
// must be trivially destructible (descriptors are freed under a spinlock).
template <typename Extra> struct RangeBuffer {
	static_assert(kcpp::is_trivially_destructible_v<Extra>);

	kcpp::ListLinks link; // all blocks, by address
	u64 offset = 0;       // from the start of the range
	u64 size = 0;         // while allocated: the block's size (it cannot change until freed)
	bool free = true;
	bool allow_user_free = false;     // delivered: user space may BC_FREE_BUFFER it
	bool async_transaction = false;   // counts against the async half
	bool oneway_spam_suspect = false; // its allocation tripped the spam detector
	bool clear_on_free = false;       // TF_CLEAR_BUF
	u32 debug_id = 0;
	i32 pid = 0; // the tgid that allocated it (the sender)
	u64 data_size = 0;
	u64 offsets_size = 0;
	u64 extra_buffers_size = 0;
	Extra extra{};
};

template <typename Extra> class RangeAllocator {
public:
	using Buffer = RangeBuffer<Extra>;
	using BufferBox = kcpp::Box<Buffer>;

	RangeAllocator() = default;
	RangeAllocator(const RangeAllocator &) = delete;
	RangeAllocator &operator=(const RangeAllocator &) = delete;
	~RangeAllocator() { clear(); }

	bool is_initialized() const { return size_ != 0; }
	u64 size() const { return size_; }
	u64 free_async_space() const { return free_async_space_; }

	// After mmap: the whole range (`size` bytes, a multiple of the page size, at most 4 MiB)
	// becomes one free block, described by `whole`.
	void init(u64 size, BufferBox whole)
	{
		KCPP_BUG_ON(is_initialized() || size == 0 || size > MAX_MAPPING);
		size_ = size;
		free_async_space_ = size / 2;
		Buffer *b = move(whole).into_raw();
		*b = Buffer{};
		blocks_.push_back(*b);
	}

	// The size of a block: up to the next block or the end of the range.
	u64 block_size(const Buffer &b) const
	{
		const Buffer *next = next_of(b);
		return next == nullptr ? size_ - b.offset : next->offset - b.offset;
	}

	struct Allocation {
		Buffer *buffer = nullptr;
		bool spam_suspect = false;
	};

	// Takes a block of `size` bytes (from buffer_total_size, non-zero). `spare` must hold a
	// descriptor; it is used for the remainder of a split block, else left for the caller to
	// free. `pid` is the allocating tgid, for the spam detector.
	[[nodiscard]] kcpp::Result<Buffer *> alloc(u64 size, bool is_async, i32 pid, BufferBox &spare)
	{
		KCPP_BUG_ON(!is_initialized() || size == 0 || !spare);
		if (is_async && free_async_space_ < size)
			return kcpp::code::ENOSPC;
		Buffer *best = nullptr;
		u64 best_size = 0;
		for (Buffer &b : blocks_) {
			if (!b.free)
				continue;
			const u64 s = block_size(b);
			if (s < size || (best != nullptr && s >= best_size))
				continue;
			best = &b;
			best_size = s;
			if (s == size)
				break;
		}
		if (best == nullptr)
			return kcpp::code::ENOSPC;
		if (best_size != size) {
			Buffer *rest = move(spare).into_raw();
			*rest = Buffer{};
			rest->offset = best->offset + size;
			blocks_.insert_after(*best, *rest);
		}
		best->free = false;
		best->size = size;
		best->allow_user_free = false;
		best->async_transaction = is_async;
		best->oneway_spam_suspect = false;
		best->clear_on_free = false;
		if (is_async) {
			free_async_space_ -= size;
			// Before the new block's pid is set, as in C: it counts as the sender's only if
			// the descriptor last belonged to it (descriptors keep their pid when freed).
			best->oneway_spam_suspect = check_low_async_space(pid);
		}
		best->pid = pid;
		return best;
	}

	// binder_alloc_prepare_to_free: the allocated block starting at `offset` that user space
	// may free, now no longer freeable by user space. nullptr when no allocated block starts
	// there; EPERM when one does but it is not (or no longer) user-freeable.
	[[nodiscard]] kcpp::Result<Buffer *> prepare_to_free(u64 offset)
	{
		for (Buffer &b : blocks_) {
			if (b.offset > offset)
				break;
			if (b.offset != offset || b.free)
				continue;
			if (!b.allow_user_free)
				return kcpp::code::EPERM;
			b.allow_user_free = false;
			return &b;
		}
		return static_cast<Buffer *>(nullptr);
	}

	// Gives an allocated block back, merging it with free neighbours; the descriptors merged
	// away are freed (kfree, fine under a spinlock). `b` may be gone afterwards.
	void free(Buffer &b)
	{
		KCPP_BUG_ON(b.free);
		const u64 bsize = block_size(b);
		KCPP_BUG_ON(buffer_total_size(b.data_size, b.offsets_size, b.extra_buffers_size) > bsize);
		if (b.async_transaction)
			free_async_space_ += bsize;
		b.free = true;
		b.size = 0;
		b.allow_user_free = false;
		b.async_transaction = false;
		b.oneway_spam_suspect = false;
		b.extra = Extra{};
		if (Buffer *next = next_of(b); next != nullptr && next->free) {
			blocks_.remove(*next);
			BufferBox::from_raw(next);
		}
		if (Buffer *prev = prev_of(b); prev != nullptr && prev->free) {
			blocks_.remove(b);
			BufferBox::from_raw(&b);
		}
	}

	// Every block, in address order (debugfs, teardown).
	template <typename F> void for_each(F &&f)
	{
		for (Buffer &b : blocks_)
			f(b);
	}
	usize allocated_count() const
	{
		usize n = 0;
		for (const Buffer &b : blocks_)
			n += b.free ? 0 : 1;
		return n;
	}
	usize block_count() const { return blocks_.len(); }

	// Frees every descriptor (allocated or not): the process is gone.
	void clear()
	{
		while (Buffer *b = blocks_.pop_front())
			BufferBox::from_raw(b);
		size_ = 0;
		free_async_space_ = 0;
		spam_detected_ = false;
	}

	struct Summary {
		u64 allocated_bytes = 0, allocated_count = 0, largest_allocated = 0;
		u64 free_bytes = 0, free_count = 0, largest_free = 0;
	};
	Summary summary() const
	{
		Summary s;
		for (const Buffer &b : blocks_) {
			const u64 sz = block_size(b);
			if (b.free) {
				s.free_bytes += sz;
				s.free_count++;
				s.largest_free = kcpp::max(s.largest_free, sz);
			} else {
				s.allocated_bytes += sz;
				s.allocated_count++;
				s.largest_allocated = kcpp::max(s.largest_allocated, sz);
			}
		}
		return s;
	}

private:
	// debug_low_async_space_locked.
	bool check_low_async_space(i32 pid)
	{
		if (free_async_space_ >= size_ / 10) {
			spam_detected_ = false;
			return false;
		}
		u64 total = 0, count = 0;
		for (Buffer &b : blocks_) {
			if (b.free || b.pid != pid || !b.async_transaction)
				continue;
			total += block_size(b);
			count++;
		}
		if (count > 50 || total > size_ / 4) {
			if (!spam_detected_) {
				spam_detected_ = true;
				return true;
			}
		}
		return false;
	}

	// The neighbours of a block in address order, nullptr at either end.
	Buffer *next_of(const Buffer &b) const
	{
		return &b == blocks_.back() ? nullptr : owner(b.link.next);
	}
	Buffer *prev_of(const Buffer &b) const
	{
		return &b == blocks_.front() ? nullptr : owner(b.link.prev);
	}
	static Buffer *owner(kcpp::ListLinks *l) { return kcpp::container_of(l, &Buffer::link); }

	// mutable: List's front()/back() are not const; nothing here changes through them.
	mutable 	kcpp::List<Buffer, &Buffer::link> blocks_;
	u64 size_ = 0;
	u64 free_async_space_ = 0;
	bool spam_detected_ = false;
};

} // namespace binder
