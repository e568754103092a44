// SPDX-License-Identifier: GPL-2.0
// kcpp/revocable.h — access to an object that may go away while others still hold a way to
// reach it (as Rust-for-Linux's Revocable): a character device's open files reaching the
// device they were opened on, after the device has been unbound.
//
//     Arc<Revocable<Controller>> link = ...;           // shared with every open file
//     Result<long> r = link->try_access([&](Controller &c) { return c.ioctl(...); });
//     link->revoke();                                   // in ~Controller: waits for accessors
//
// Accessors run one at a time under a mutex (they may sleep); revoke() waits for the one
// running and makes later attempts fail with ENODEV.
#pragma once

#include <kcpp/mutex.h>

namespace kcpp {

template <typename T> class Revocable : Pinned {
public:
	Revocable(LockClass cls, T &target) : target_(cls, &target) {}

	// f(T &) if the target is still there, else ENODEV. f returns a Result.
	template <typename F> auto try_access(F &&f) const -> decltype(f(declval<T &>()))
	{
		auto target = target_.lock();
		if (*target == nullptr)
			return code::ENODEV;
		return f(**target);
	}

	// After this returns nothing reaches the target any more.
	void revoke() const { *target_.lock() = nullptr; }

private:
	Mutex<T *> target_;
};

} // namespace kcpp
