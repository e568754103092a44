// SPDX-License-Identifier: GPL-2.0
// kcpp/spinlock.h — SpinLock<T> and SpinLockIrq<T>: spinlocks that own the data they protect.
//
// The data is reachable only through a guard, and the guard releases the lock when it goes
// out of scope:
//
//     SpinLock<Stats> stats{KCPP_LOCK_CLASS("mydrv_stats"), Stats{}};
//     {
//         auto guard = stats.lock();
//         guard->packets++;
//     } // unlocked here
//
// SpinLockIrq saves and disables local interrupts while held (spin_lock_irqsave), for data
// also touched by interrupt handlers.
#pragma once

#include <kcpp/lock_class.h>

namespace kcpp {

namespace detail {
// SAFETY: the raw spinlock_t lives inside the lock object, which is Pinned (never moves
// after spin_lock_init registered it) and is only reached through kcpp_spin_* shims.
class RawSpinLock : Pinned {
public:
	explicit RawSpinLock(LockClass cls) { kcpp_spin_lock_init(raw(), cls.name, cls.key->raw()); }
	kcpp_spinlock *raw() const { return const_cast<kcpp_spinlock *>(storage_.as<kcpp_spinlock>()); }

private:
	Opaque<KCPP_SIZEOF_SPINLOCK, KCPP_ALIGNOF_SPINLOCK> storage_;
};
} // namespace detail

template <typename T> class SpinLock;
template <typename T> class SpinLockIrq;

template <typename T> class [[nodiscard]] SpinLockGuard {
public:
	SpinLockGuard(SpinLockGuard &&o) : lock_(exchange(o.lock_, nullptr)) {}
	SpinLockGuard(const SpinLockGuard &) = delete;
	SpinLockGuard &operator=(const SpinLockGuard &) = delete;
	~SpinLockGuard()
	{
		if (lock_ != nullptr)
			kcpp_spin_unlock(lock_->raw_.raw());
	}
	T *operator->() const { return &lock_->data_; }
	T &operator*() const { return lock_->data_; }
	// For CondVar: the raw lock this guard holds.
	kcpp_spinlock *raw_lock() const { return lock_->raw_.raw(); }

private:
	friend class SpinLock<T>;
	explicit SpinLockGuard(const SpinLock<T> *lock) : lock_(lock) {}
	const SpinLock<T> *lock_;
};

template <typename T> class SpinLock : Pinned {
public:
	template <typename... Args>
	explicit SpinLock(LockClass cls, Args &&...args) : raw_(cls), data_(forward<Args>(args)...)
	{
	}

	SpinLockGuard<T> lock() const
	{
		kcpp_spin_lock(raw_.raw());
		return SpinLockGuard<T>(this);
	}
	// Calls f with the guard if the lock was free; returns whether it ran.
	template <typename F> bool try_lock(F &&f) const
	{
		if (!kcpp_spin_trylock(raw_.raw()))
			return false;
		SpinLockGuard<T> guard(this);
		f(guard);
		return true;
	}
	bool is_locked() const { return kcpp_spin_is_locked(raw_.raw()); }

private:
	friend class SpinLockGuard<T>;
	detail::RawSpinLock raw_;
	mutable T data_;
};

template <typename T> class [[nodiscard]] SpinLockIrqGuard {
public:
	SpinLockIrqGuard(SpinLockIrqGuard &&o) : lock_(exchange(o.lock_, nullptr)), flags_(o.flags_) {}
	SpinLockIrqGuard(const SpinLockIrqGuard &) = delete;
	SpinLockIrqGuard &operator=(const SpinLockIrqGuard &) = delete;
	~SpinLockIrqGuard()
	{
		if (lock_ != nullptr)
			kcpp_spin_unlock_irqrestore(lock_->raw_.raw(), flags_);
	}
	T *operator->() const { return &lock_->data_; }
	T &operator*() const { return lock_->data_; }
	kcpp_spinlock *raw_lock() const { return lock_->raw_.raw(); }
	unsigned long *raw_flags() { return &flags_; }

private:
	friend class SpinLockIrq<T>;
	SpinLockIrqGuard(const SpinLockIrq<T> *lock, unsigned long flags) : lock_(lock), flags_(flags) {}
	const SpinLockIrq<T> *lock_;
	unsigned long flags_;
};

template <typename T> class SpinLockIrq : Pinned {
public:
	template <typename... Args>
	explicit SpinLockIrq(LockClass cls, Args &&...args) : raw_(cls), data_(forward<Args>(args)...)
	{
	}

	SpinLockIrqGuard<T> lock() const
	{
		unsigned long flags = kcpp_spin_lock_irqsave(raw_.raw());
		return SpinLockIrqGuard<T>(this, flags);
	}
	bool is_locked() const { return kcpp_spin_is_locked(raw_.raw()); }

private:
	friend class SpinLockIrqGuard<T>;
	detail::RawSpinLock raw_;
	mutable T data_;
};

} // namespace kcpp
