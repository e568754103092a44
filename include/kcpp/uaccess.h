// SPDX-License-Identifier: GPL-2.0
// kcpp/uaccess.h — user memory, with length tracking (Rust-for-Linux's UserSlice).
//
// A UserSlice is a user-space address range given by user space (an ioctl argument). C++
// never dereferences it: reads and writes go through copy_{from,to}_user, which fault
// safely. A reader/writer remembers how much is left, so a driver cannot read past what user
// space passed in; a short or faulting copy is EFAULT.
//
//     auto reader = UserSlice(arg, sizeof(Cmd)).reader();
//     Cmd cmd = TRY(reader.read<Cmd>());
#pragma once

#include <kcpp/error.h>
#include <kcpp/types.h>

namespace kcpp {

class Page; // kcpp/page.h copies between user slices and pages through advance()

namespace detail {
// The part of a user slice not yet read or written.
class UserCursor {
public:
	UserCursor(uptr addr, usize len) : addr_(addr), left_(len) {}
	usize len() const { return left_; }
	bool is_empty() const { return left_ == 0; }

protected:
	friend class ::kcpp::Page;
	// Runs copy(address) for the next n bytes and moves past them if it copied them all
	// (copy returns the bytes it could not copy, as copy_{from,to}_user do); EFAULT if n is
	// more than is left or the copy faulted, and then the position does not move.
	template <typename Copy> [[nodiscard]] Result<void> advance(usize n, Copy copy)
	{
		if (n > left_ || copy(addr_) != 0)
			return code::EFAULT;
		addr_ += n;
		left_ -= n;
		return {};
	}

private:
	uptr addr_;
	usize left_;
};
} // namespace detail

class UserSliceReader : public detail::UserCursor {
public:
	using UserCursor::UserCursor;

	[[nodiscard]] Result<void> read_raw(void *dst, usize n)
	{
		return advance(n, [&](uptr from) { return kcpp_copy_from_user(dst, from, n); });
	}
	// Reads a plain-data T (any bit pattern must be a valid T).
	template <typename T> [[nodiscard]] Result<T> read()
	{
		static_assert(is_trivially_copyable_v<T>, "read<T> needs a plain-data type");
		T value;
		// A whole object of a size fixed at compile time: no run-time object check needed,
		// as for the kernel's constant-size copies.
		TRY(advance(sizeof(T), [&](uptr from) { return kcpp_copy_object_from_user(&value, from, sizeof(T)); }));
		return value;
	}
	[[nodiscard]] Result<void> skip(usize n)
	{
		return advance(n, [](uptr) { return 0ul; });
	}
};

class UserSliceWriter : public detail::UserCursor {
public:
	using UserCursor::UserCursor;

	[[nodiscard]] Result<void> write_raw(const void *src, usize n)
	{
		return advance(n, [&](uptr to) { return kcpp_copy_to_user(to, src, n); });
	}
	template <typename T> [[nodiscard]] Result<void> write(const T &value)
	{
		static_assert(is_trivially_copyable_v<T>, "write<T> needs a plain-data type");
		return advance(sizeof(T), [&](uptr to) { return kcpp_copy_object_to_user(to, &value, sizeof(T)); });
	}
	[[nodiscard]] Result<void> zero(usize n)
	{
		return advance(n, [&](uptr to) { return kcpp_clear_user(to, n); });
	}
};

class UserSlice {
public:
	UserSlice(uptr addr, usize len) : addr_(addr), len_(len) {}
	UserSliceReader reader() const { return {addr_, len_}; }
	UserSliceWriter writer() const { return {addr_, len_}; }
	usize len() const { return len_; }

private:
	uptr addr_;
	usize len_;
};

} // namespace kcpp
