// SPDX-License-Identifier: GPL-2.0
// kcpp/security.h — the LSM hooks binder calls, and security contexts. Area `cred`.
//
//     TRY(security::binder_transaction(proc.cred(), target.cred()));   // EPERM & co. from SELinux
//     auto ctx = TRY(security::SecCtx::of_cred(proc.cred()));           // "u:r:app:s0"
//     copy ctx.data(), ctx.len() ...                                    // released on drop
//
// Each hook returns the LSM's verdict as a Result (ok when no LSM objects). May sleep:
// process context, no spinlock held (SELinux's AVC can allocate).
#pragma once

#include <kcpp/cred.h>
#include <kcpp/error.h>
#include <kcpp/file.h>

namespace kcpp::security {

// May `mgr` become the context manager? (security_binder_set_context_mgr)
[[nodiscard]] inline Result<void> binder_set_context_mgr(const cred::Cred &mgr)
{
	return to_result(kcpp_security_binder_set_context_mgr(mgr.raw()));
}
// May `from` send a transaction to `to`? (security_binder_transaction)
[[nodiscard]] inline Result<void> binder_transaction(const cred::Cred &from, const cred::Cred &to)
{
	return to_result(kcpp_security_binder_transaction(from.raw(), to.raw()));
}
// May `from` pass a binder object to `to`? (security_binder_transfer_binder)
[[nodiscard]] inline Result<void> binder_transfer_binder(const cred::Cred &from, const cred::Cred &to)
{
	return to_result(kcpp_security_binder_transfer_binder(from.raw(), to.raw()));
}
// May `from` pass `file` to `to`? (security_binder_transfer_file)
[[nodiscard]] inline Result<void> binder_transfer_file(const cred::Cred &from, const cred::Cred &to,
						       const fs::File &file)
{
	return to_result(kcpp_security_binder_transfer_file(from.raw(), to.raw(), file.raw()));
}

// A security context string (security_cred_getsecid + security_secid_to_secctx), released
// with security_release_secctx on drop. Not NUL-terminated as a rule: use data() and len()
// (binder copies len() bytes and terminates them itself).
class SecCtx {
public:
	// EOPNOTSUPP when no LSM provides contexts; ENOMEM.
	[[nodiscard]] static Result<SecCtx> of_cred(const cred::Cred &cred)
	{
		char *ctx = nullptr;
		unsigned int len = 0;
		TRY(to_result(kcpp_security_cred_secctx(cred.raw(), &ctx, &len)));
		return SecCtx(ctx, len);
	}
	SecCtx(SecCtx &&o) : ctx_(exchange(o.ctx_, nullptr)), len_(exchange(o.len_, 0u)) {}
	SecCtx(const SecCtx &) = delete;
	SecCtx &operator=(const SecCtx &) = delete;
	~SecCtx()
	{
		if (ctx_ != nullptr)
			kcpp_security_release_secctx(ctx_, len_);
	}
	const char *data() const { return ctx_; }
	usize len() const { return len_; }

private:
	SecCtx(char *ctx, unsigned int len) : ctx_(ctx), len_(len) {}
	char *ctx_;
	unsigned int len_;
};

} // namespace kcpp::security
