// SPDX-License-Identifier: GPL-2.0
// Rc<T>: a counted pointer to a driver object that carries its own count (an intrusive Arc).
//
// Binder objects (processes, threads, nodes, transactions, death notifications) are shared
// between processes and reached from lists they are linked into, so they count themselves:
// a T derives from RcObject, Rc<T>::make allocates it with one reference, and the last Rc
// dropped deletes it. The count is the kernel's refcount_t (saturating, with a warning on
// use-after-free).
//
// Rule kept throughout the driver: an Rc that may be the last one is never dropped while a
// spinlock is held (an object's destructor may drop the last reference on a process, whose
// destructor frees pages and drops the address space). Functions that unlink objects under a
// lock hand them out as Rc values that the caller drops after unlocking.
#pragma once

#include <kcpp/arc.h>
#include <kcpp/error.h>
#include <kcpp/new.h>

namespace binder {

class RcObject : kcpp::Pinned {
public:
	RcObject() = default;
	unsigned int ref_count() const { return refs_.read(); }

private:
	template <typename T> friend class Rc;
	mutable kcpp::RefCount refs_{1};
};

template <typename T> class Rc {
public:
	Rc() = default;
	Rc(decltype(nullptr)) {}
	// A new reference on an object the caller knows is alive (it holds a reference).
	explicit Rc(T *obj) : ptr_(obj)
	{
		if (ptr_ != nullptr)
			ptr_->refs_.inc();
	}
	static Rc from_ref(T &obj) { return Rc(&obj); }

	template <typename... Args> [[nodiscard]] static kcpp::Result<Rc> make(kcpp::Gfp flags, Args &&...args)
	{
		T *obj = new (flags) T(kcpp::forward<Args>(args)...);
		if (obj == nullptr)
			return kcpp::code::ENOMEM;
		return adopt(obj);
	}
	// Takes over a reference the caller owns (from into_raw).
	static Rc adopt(T *obj)
	{
		Rc r;
		r.ptr_ = obj;
		return r;
	}

	Rc(const Rc &o) : Rc(o.ptr_) {}
	Rc(Rc &&o) : ptr_(kcpp::exchange(o.ptr_, nullptr)) {}
	Rc &operator=(const Rc &o)
	{
		Rc tmp(o);
		kcpp::swap(ptr_, tmp.ptr_);
		return *this;
	}
	Rc &operator=(Rc &&o)
	{
		Rc tmp(kcpp::move(o));
		kcpp::swap(ptr_, tmp.ptr_);
		return *this;
	}
	~Rc() { reset(); }

	void reset()
	{
		if (T *p = kcpp::exchange(ptr_, nullptr); p != nullptr && p->refs_.dec_and_test())
			delete p;
	}
	// Drops a reference the caller knows is not the last (another is held): allowed under a
	// spinlock. A BUG if it was the last.
	void drop_not_last()
	{
		if (T *p = kcpp::exchange(ptr_, nullptr))
			KCPP_BUG_ON(p->refs_.dec_and_test());
	}
	// Gives the reference up (to a list that holds it); adopt() takes it back.
	[[nodiscard]] T *into_raw() && { return kcpp::exchange(ptr_, nullptr); }

	T *get() const { return ptr_; }
	T &operator*() const { return *ptr_; }
	T *operator->() const { return ptr_; }
	explicit operator bool() const { return ptr_ != nullptr; }
	bool operator==(const Rc &o) const { return ptr_ == o.ptr_; }
	bool operator==(const T *p) const { return ptr_ == p; }

private:
	T *ptr_ = nullptr;
};

template <typename T> void drop_not_last(Rc<T> &r)
{
	r.drop_not_last();
}

} // namespace binder
