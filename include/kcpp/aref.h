// SPDX-License-Identifier: GPL-2.0
// kcpp/aref.h — ARef<T>: a counted reference to an object the kernel owns and counts itself
// (a task, a file, credentials, an address space), as Rust-for-Linux's ARef.
//
//     ARef<task::Task> owner{task::Task::current().group_leader()};   // get_task_struct
//     ...                                                             // put_task_struct at scope end
//
// T is an opaque kcpp type (Task, fs::File, cred::Cred, mm::Mm) with
// `static void inc_ref(const T &)` and `static void dec_ref(const T &)`. Copying takes another
// reference, destruction drops one; a moved-from ARef is empty and drops nothing.
#pragma once

#include <kcpp/panic.h>
#include <kcpp/types.h>

namespace kcpp {

template <typename T> class ARef {
public:
	// Takes a new reference on obj, which the caller borrows (so it is alive now).
	explicit ARef(T &obj) : ptr_(&obj) { T::inc_ref(obj); }
	// Adopts a reference the caller already owns (from a shim that returned one).
	static ARef adopt(T *ptr)
	{
		KCPP_BUG_ON(ptr == nullptr);
		return ARef(ptr, Adopt{});
	}

	ARef(const ARef &o) : ptr_(o.ptr_) { T::inc_ref(*ptr_); }
	ARef(ARef &&o) : ptr_(exchange(o.ptr_, nullptr)) {}
	ARef &operator=(ARef o)
	{
		swap(ptr_, o.ptr_);
		return *this;
	}
	~ARef()
	{
		if (ptr_ != nullptr)
			T::dec_ref(*ptr_);
	}

	T &operator*() const { return *ptr_; }
	T *operator->() const { return ptr_; }
	T *get() const { return ptr_; }
	// Only a moved-from ARef is empty.
	explicit operator bool() const { return ptr_ != nullptr; }
	// Gives the reference up (to a shim that consumes one, e.g. fd_install).
	[[nodiscard]] T *into_raw() && { return exchange(ptr_, nullptr); }

private:
	struct Adopt {};
	ARef(T *ptr, Adopt) : ptr_(ptr) {}
	T *ptr_;
};

// Base of the opaque kcpp types that stand for a kernel object: never constructed, copied or
// destroyed by C++; a `T &` is the kernel object's address.
struct KernelObject {
	KernelObject() = delete;
	KernelObject(const KernelObject &) = delete;
	KernelObject &operator=(const KernelObject &) = delete;
	~KernelObject() = delete;
};

// SAFETY: T is an empty KernelObject standing for the kernel structure R at the same address;
// C++ never reads or writes through the T, it only passes the address back to shims.
template <typename T, typename R> T &kernel_object(R *raw) { return *reinterpret_cast<T *>(raw); }
template <typename R, typename T> R *raw_object(const T &obj) { return reinterpret_cast<R *>(const_cast<T *>(&obj)); }

} // namespace kcpp
