// SPDX-License-Identifier: GPL-2.0
// kcpp/mutex.h — Mutex<T>: a sleeping lock that owns the data it protects.
//
//     Mutex<Config> cfg{KCPP_LOCK_CLASS("mydrv_cfg"), Config{}};
//     auto guard = cfg.lock();           // may sleep
//     auto g2 = TRY(cfg.lock_interruptible()); // -EINTR on a signal
#pragma once

#include <kcpp/error.h>
#include <kcpp/lock_class.h>

namespace kcpp {

template <typename T> class Mutex;

template <typename T> class [[nodiscard]] MutexGuard {
public:
	MutexGuard(MutexGuard &&o) : lock_(exchange(o.lock_, nullptr)) {}
	MutexGuard(const MutexGuard &) = delete;
	MutexGuard &operator=(const MutexGuard &) = delete;
	~MutexGuard()
	{
		if (lock_ != nullptr)
			kcpp_mutex_unlock(lock_->raw());
	}
	T *operator->() const { return &lock_->data_; }
	T &operator*() const { return lock_->data_; }
	kcpp_mutex *raw_lock() const { return lock_->raw(); }

private:
	friend class Mutex<T>;
	explicit MutexGuard(const Mutex<T> *lock) : lock_(lock) {}
	const Mutex<T> *lock_;
};

template <typename T> class Mutex : Pinned {
public:
	template <typename... Args>
	explicit Mutex(LockClass cls, Args &&...args) : data_(forward<Args>(args)...)
	{
		kcpp_mutex_init(raw(), cls.name, cls.key->raw());
	}
	~Mutex() { kcpp_mutex_destroy(raw()); }

	MutexGuard<T> lock() const
	{
		kcpp_mutex_lock(raw());
		return MutexGuard<T>(this);
	}
	[[nodiscard]] Result<MutexGuard<T>> lock_interruptible() const
	{
		TRY(to_result(kcpp_mutex_lock_interruptible(raw())));
		return MutexGuard<T>(this);
	}
	template <typename F> bool try_lock(F &&f) const
	{
		if (!kcpp_mutex_trylock(raw()))
			return false;
		MutexGuard<T> guard(this);
		f(guard);
		return true;
	}
	bool is_locked() const { return kcpp_mutex_is_locked(raw()); }

private:
	friend class MutexGuard<T>;
	// SAFETY: the struct mutex lives inside this Pinned object and is only reached through
	// kcpp_mutex_* shims, from mutex_init in the constructor to mutex_destroy.
	kcpp_mutex *raw() const { return const_cast<kcpp_mutex *>(storage_.as<kcpp_mutex>()); }
	Opaque<KCPP_SIZEOF_MUTEX, KCPP_ALIGNOF_MUTEX> storage_;
	mutable T data_;
};

} // namespace kcpp
