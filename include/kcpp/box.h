// SPDX-License-Identifier: GPL-2.0
// kcpp/box.h — Box<T>: sole owner of one kmalloc'ed T.
#pragma once

#include <kcpp/error.h>
#include <kcpp/new.h>

namespace kcpp {

template <typename T> class Box {
public:
	// Allocates and constructs a T in place (so T may be Pinned: it never moves).
	template <typename... Args> [[nodiscard]] static Result<Box> make(Gfp flags, Args &&...args)
	{
		T *ptr = new (flags) T(forward<Args>(args)...);
		if (ptr == nullptr)
			return code::ENOMEM;
		return Box(ptr);
	}

	// Takes ownership of a pointer that came from into_raw() (or new (gfp) T).
	static Box from_raw(T *ptr) { return Box(ptr); }
	// Gives up ownership; the caller frees it with Box::from_raw later.
	[[nodiscard]] T *into_raw() && { return exchange(ptr_, nullptr); }

	Box(Box &&other) : ptr_(exchange(other.ptr_, nullptr)) {}
	template <typename U, typename = enable_if_t<is_base_of_v<T, U>>>
	Box(Box<U> &&other) : ptr_(move(other).into_raw()) {}
	Box &operator=(Box &&other)
	{
		Box tmp(move(other));
		swap(ptr_, tmp.ptr_);
		return *this;
	}
	Box(const Box &) = delete;
	Box &operator=(const Box &) = delete;
	~Box() { delete ptr_; }

	T *get() const { return ptr_; }
	T &operator*() const { return *ptr_; }
	T *operator->() const { return ptr_; }
	// Only a moved-from Box is empty.
	explicit operator bool() const { return ptr_ != nullptr; }

private:
	explicit Box(T *ptr) : ptr_(ptr) {}
	T *ptr_;
};

} // namespace kcpp
