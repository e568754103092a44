// SPDX-License-Identifier: GPL-2.0
// kcpp/atomic.h — a value shared between contexts without a lock (an interrupt handler and
// process context), with the memory ordering named at each access.
//
// Plain data: Atomic<T>() leaves it uninitialised, so it may live in raw memory such as
// blk-mq's per-request data; Atomic<T>(v) is constexpr, for constinit globals.
#pragma once

#include <kcpp/types.h>

namespace kcpp {

template <typename T> class Atomic {
	static_assert(is_integral_v<T>, "Atomic holds integers and bools");

public:
	Atomic() = default;
	constexpr explicit Atomic(T v) : v_(v) {}

	T load_relaxed() const { return __atomic_load_n(&v_, __ATOMIC_RELAXED); }
	// Sees everything written before the matching store_release.
	T load_acquire() const { return __atomic_load_n(&v_, __ATOMIC_ACQUIRE); }
	void store_relaxed(T v) { __atomic_store_n(&v_, v, __ATOMIC_RELAXED); }
	void store_release(T v) { __atomic_store_n(&v_, v, __ATOMIC_RELEASE); }
	// Returns the value before the addition.
	T fetch_add_relaxed(T n) { return __atomic_fetch_add(&v_, n, __ATOMIC_RELAXED); }
	// Replaces `expected` by `desired` if the value is `expected` (acquire and release);
	// says whether it did.
	bool compare_exchange(T expected, T desired)
	{
		return __atomic_compare_exchange_n(&v_, &expected, desired, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
	}
	// Stores v and returns the old value (acquire and release).
	T exchange(T v) { return __atomic_exchange_n(&v_, v, __ATOMIC_ACQ_REL); }

private:
	T v_;
};

} // namespace kcpp
