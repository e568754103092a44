// SPDX-License-Identifier: GPL-2.0
// kcpp/cred.h — credentials (struct cred), counted with get_cred/put_cred. Area `cred`.
//
//     ARef<cred::Cred> opener{file.cred()};               // the opener's credentials, kept
//     task::Kuid euid = opener->euid();
//
// Credentials are immutable once published (Cred has no mutating method), so a `Cred &` may be
// read from any context while a reference is held. The LSM checks that take credentials are in kcpp/security.h.
#pragma once

#include <kcpp/aref.h>
#include <kcpp/task.h>

namespace kcpp::cred {

class Cred : KernelObject {
public:
	// The current task's subjective credentials (current_cred()), borrowed for the syscall.
	static Cred &current() { return kernel_object<Cred>(const_cast<kcpp_cred *>(kcpp_current_cred())); }

	task::Kuid euid() const { return task::Kuid(kcpp_cred_euid(raw())); }
	bool operator==(const Cred &o) const { return this == &o; }

	static void inc_ref(const Cred &c) { kcpp_cred_get(c.raw()); }
	static void dec_ref(const Cred &c) { kcpp_cred_put(c.raw()); }
	const kcpp_cred *raw() const { return raw_object<const kcpp_cred>(*this); }
};

} // namespace kcpp::cred
