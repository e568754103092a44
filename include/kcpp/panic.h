// SPDX-License-Identifier: GPL-2.0
// kcpp/panic.h — the panic path: a bug that C++ cannot recover from ends in the kernel's BUG().
#pragma once

#include <kcpp/bindings.h>

namespace kcpp {

// Never returns: logs file, line and message, then BUG() (an oops in the current task).
[[noreturn]] inline void panic(const char *msg, const char *file = __builtin_FILE(),
			       int line = __builtin_LINE())
{
	kcpp_panic(file, line, msg);
}

} // namespace kcpp

#define KCPP_BUG_ON(cond)                                                            \
	do {                                                                             \
		if (KCPP_BUG_ON_UNLIKELY_(cond))                                             \
			::kcpp_panic(__FILE__, __LINE__, "BUG_ON(" #cond ")");                   \
	} while (0)
#define KCPP_BUG_ON_UNLIKELY_(x) __builtin_expect(!!(x), 0)

// Warns once per call site (with a stack trace, as WARN_ON_ONCE) and yields the condition.
#define KCPP_WARN_ON_ONCE(cond)                                                      \
	({                                                                               \
		bool kcpp_warn_cond_ = !!(cond);                                             \
		static bool kcpp_warned_;                                                    \
		if (__builtin_expect(kcpp_warn_cond_, 0) && !kcpp_warned_) {                 \
			kcpp_warned_ = true;                                                     \
			::kcpp_warn(__FILE__, __LINE__, "WARN_ON_ONCE(" #cond ")");              \
		}                                                                            \
		kcpp_warn_cond_;                                                             \
	})
