// SPDX-License-Identifier: GPL-2.0
// kcpp/lock_class.h — lockdep classes per declaration site.
//
// The kernel's spin_lock_init()/mutex_init() macros give every call site its own static
// lock_class_key. kcpp does the same: KCPP_LOCK_CLASS("name") expands, at each use, to a
// distinct static key (a lambda's local static), so lockdep tells kcpp locks apart exactly as
// it tells C locks apart. One shared key would put every C++ lock in one class.
#pragma once

#include <kcpp/gen/layout.h>
#include <kcpp/types.h>

namespace kcpp {

// Static storage for a struct lock_class_key (empty without lockdep).
struct LockClassKey {
	kcpp_lock_class_key *raw() { return storage.as<kcpp_lock_class_key>(); }
	Opaque<KCPP_SIZEOF_LOCK_CLASS_KEY, KCPP_ALIGNOF_LOCK_CLASS_KEY> storage;
};

struct LockClass {
	const char *name;
	LockClassKey *key;
};

} // namespace kcpp

// SAFETY: the key is a function-local static, so it lives in the module's .bss for as long
// as the module, as lockdep requires of static keys; constant initialisation, no guard.
#define KCPP_LOCK_CLASS(lock_name)                                               \
	([]() -> ::kcpp::LockClass {                                                 \
		static ::kcpp::LockClassKey kcpp_lock_key_;                              \
		return {lock_name, &kcpp_lock_key_};                                     \
	}())
