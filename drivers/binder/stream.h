// SPDX-License-Identifier: GPL-2.0
// The two byte streams of BINDER_WRITE_READ: the commands user space writes (BC_*) and the
// returns the driver writes back (BR_*), over user memory.
//
// Both follow the C driver's pointer arithmetic exactly, because user space can observe it:
// - A command is read at write_buffer + write_consumed while that is below write_size; the
//   command word and its payload are read from user memory without checking that they end
//   inside write_size (binder_thread_write does the same: get_user/copy_from_user at ptr). A
//   command counts as consumed (write_consumed moves past it) only once it has been handled;
//   a fault reading it is EFAULT with write_consumed left at its start.
// - Returns are written at read_buffer + read_consumed. A read that starts at consumed 0
//   begins with BR_NOOP, which BR_SPAWN_LOOPER may later overwrite (always at read_buffer
//   itself). A work item is taken from a queue only while at least
//   sizeof(binder_transaction_data_secctx) + 4 bytes are left, the largest single return.
//
// Pure logic over kcpp::UserSlice (host-tested in tests/host/test_binder_stream.cpp: on the
// host, user addresses are host addresses).
#pragma once

#include <kcpp/error.h>
#include <kcpp/uaccess.h>

#include "uapi.h"

namespace binder {

class CommandReader {
public:
	CommandReader(binder_uintptr_t buffer, binder_size_t size, binder_size_t consumed)
		: buffer_(buffer), size_(size), pos_(consumed), consumed_(consumed)
	{
	}

	// While true, there is (the start of) another command: ptr < end.
	bool has_more() const { return pos_ < size_; }

	// Reads the next plain-data value at the current position and moves past it.
	template <typename T> [[nodiscard]] kcpp::Result<T> read()
	{
		T value = TRY(kcpp::UserSlice(buffer_ + pos_, sizeof(T)).reader().read<T>());
		pos_ += sizeof(T);
		return value;
	}

	// The current command is done: write_consumed moves past it.
	void commit() { consumed_ = pos_; }
	binder_size_t consumed() const { return consumed_; }

private:
	binder_uintptr_t buffer_;
	binder_size_t size_;
	binder_size_t pos_;      // where the next read happens (ptr - buffer)
	binder_size_t consumed_; // what write_consumed becomes
};

// Returns are gathered in a small kernel buffer and copied out together (flush): a user copy
// of a run-time size pays for hardened usercopy's object check each time, and a read usually
// returns a few small items and at most one transaction. Gathering changes nothing user space
// can see: read_consumed moves only when a read succeeds, and a read that fails to copy
// returns EFAULT with read_consumed unchanged either way, as in C. Whoever must know that the
// bytes reached user space (a delivered transaction, an error slot about to be cleared)
// flushes first.
class ReturnWriter {
public:
	// The space a read must still have before another work item is taken off a queue.
	static constexpr usize ITEM_RESERVE = sizeof(TransactionDataSecctx) + sizeof(u32);
	static constexpr usize GATHER = 256;

	ReturnWriter(binder_uintptr_t buffer, binder_size_t size, binder_size_t consumed)
		: buffer_(buffer), size_(size), pos_(consumed)
	{
	}

	template <typename T> [[nodiscard]] kcpp::Result<void> write(const T &value)
	{
		return write_raw(&value, sizeof(T));
	}
	[[nodiscard]] kcpp::Result<void> write_raw(const void *src, usize n)
	{
		if (n > GATHER) {
			TRY(flush());
			TRY(kcpp::UserSlice(buffer_ + pos_, n).writer().write_raw(src, n));
			pos_ += n;
			return {};
		}
		if (pending_ + n > GATHER)
			TRY(flush());
		__builtin_memcpy(gather_ + pending_, src, n);
		pending_ += n;
		return {};
	}
	// Copies what was gathered to user memory.
	[[nodiscard]] kcpp::Result<void> flush()
	{
		if (pending_ == 0)
			return {};
		TRY(kcpp::UserSlice(buffer_ + pos_, pending_).writer().write_raw(gather_, pending_));
		pos_ += pending_;
		pending_ = 0;
		return {};
	}
	// BR_SPAWN_LOOPER replaces the word at the start of the read buffer (binder_thread_read
	// writes it at `buffer`, where the leading BR_NOOP of a fresh read is).
	[[nodiscard]] kcpp::Result<void> overwrite_first(u32 cmd)
	{
		TRY(flush());
		return kcpp::UserSlice(buffer_, sizeof(u32)).writer().write(cmd);
	}

	// end - ptr, never negative (C compares a negative ptrdiff_t as a huge size_t and goes on
	// writing past read_size; this driver does not).
	usize remaining() const { return consumed() < size_ ? size_ - consumed() : 0; }
	bool has_room_for_item() const { return remaining() >= ITEM_RESERVE; }
	// Where the next return goes (ptr - buffer), gathered bytes included.
	binder_size_t consumed() const { return pos_ + pending_; }

private:
	binder_uintptr_t buffer_;
	binder_size_t size_;
	binder_size_t pos_; // what reached user memory
	usize pending_ = 0;
	u8 gather_[GATHER];
};

} // namespace binder
