// SPDX-License-Identifier: GPL-2.0
// kcpp/completion.h — Completion: one side waits until the other says "done".
#pragma once

#include <kcpp/error.h>
#include <kcpp/gen/layout.h>
#include <kcpp/types.h>

namespace kcpp {

class Completion : Pinned {
public:
	Completion() { kcpp_completion_init(raw()); }

	void complete() { kcpp_complete(raw()); }
	void complete_all() { kcpp_complete_all(raw()); }
	void reinit() { kcpp_completion_reinit(raw()); }
	bool done() { return kcpp_completion_done(raw()); }

	void wait() { kcpp_wait_for_completion(raw()); }
	// False on timeout.
	[[nodiscard]] bool wait_timeout(unsigned long jiffies)
	{
		return kcpp_wait_for_completion_timeout(raw(), jiffies) != 0;
	}
	// ERESTARTSYS when a signal interrupted the wait.
	[[nodiscard]] Result<void> wait_interruptible()
	{
		return to_result(kcpp_wait_for_completion_interruptible(raw()));
	}

private:
	// SAFETY: the struct completion lives in this Pinned object, initialised in the
	// constructor; waiters and completers only reach it through this object.
	kcpp_completion *raw() { return storage_.as<kcpp_completion>(); }
	Opaque<KCPP_SIZEOF_COMPLETION, KCPP_ALIGNOF_COMPLETION> storage_;
};

} // namespace kcpp
