// SPDX-License-Identifier: GPL-2.0
// kcpp/arc.h — Arc<T>: shared ownership with an atomic reference count (the kernel's
// refcount_t, which saturates instead of wrapping). Shared means read-only: Arc gives const
// access, and mutation goes through a lock inside T (SpinLock/Mutex work through const).
#pragma once

#include <kcpp/error.h>
#include <kcpp/new.h>

namespace kcpp {

class RefCount : Pinned {
public:
	explicit RefCount(int initial = 1) { kcpp_refcount_set(raw(), initial); }
	void inc() { kcpp_refcount_inc(raw()); }
	[[nodiscard]] bool inc_not_zero() { return kcpp_refcount_inc_not_zero(raw()); }
	// True when this dropped the last reference.
	[[nodiscard]] bool dec_and_test() { return kcpp_refcount_dec_and_test(raw()); }
	unsigned int read() const { return kcpp_refcount_read(storage_.as<kcpp_refcount>()); }

private:
	kcpp_refcount *raw() { return storage_.as<kcpp_refcount>(); }
	Opaque<KCPP_SIZEOF_REFCOUNT, KCPP_ALIGNOF_REFCOUNT> storage_;
};

template <typename T> class Arc {
	struct Inner {
		template <typename... Args> explicit Inner(Args &&...args) : data(forward<Args>(args)...) {}
		RefCount refs;
		T data;
	};

public:
	template <typename... Args> [[nodiscard]] static Result<Arc> make(Gfp flags, Args &&...args)
	{
		Inner *inner = new (flags) Inner(forward<Args>(args)...);
		if (inner == nullptr)
			return code::ENOMEM;
		return Arc(inner);
	}

	Arc(const Arc &other) : inner_(other.inner_) { inner_->refs.inc(); }
	Arc(Arc &&other) : inner_(exchange(other.inner_, nullptr)) {}
	Arc &operator=(Arc other)
	{
		swap(inner_, other.inner_);
		return *this;
	}
	~Arc()
	{
		if (inner_ != nullptr && inner_->refs.dec_and_test())
			delete inner_;
	}

	const T &operator*() const { return inner_->data; }
	const T *operator->() const { return &inner_->data; }
	const T *get() const { return &inner_->data; }
	// Only a moved-from Arc is empty.
	explicit operator bool() const { return inner_ != nullptr; }
	bool ptr_eq(const Arc &other) const { return inner_ == other.inner_; }
	unsigned int ref_count() const { return inner_->refs.read(); }

	// Hands the reference to C (e.g. as a void * cookie); from_raw takes it back.
	[[nodiscard]] const T *into_raw() && { return &exchange(inner_, nullptr)->data; }
	static Arc from_raw(const T *data)
	{
		// SAFETY: data came from into_raw(), so it is the `data` member of a live Inner
		// whose reference the caller hands back.
		return Arc(container_of(const_cast<T *>(data), &Inner::data));
	}

private:
	explicit Arc(Inner *inner) : inner_(inner) {}
	Inner *inner_;
};

} // namespace kcpp
