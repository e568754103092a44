// SPDX-License-Identifier: GPL-2.0
// The fixture every host test derives from (directly, or through TEST_F(HostTest, ...)).
#pragma once

#include <gtest/gtest.h>

#include <cerrno>
#include <stdexcept>
#include <string>

#include "host_shims.h"

// After every standard header: the C library's errno macros would hide kcpp::code::EPERM...
#include <kcpp_host_undef_errno.h>

#include <kcpp/error.h>

// The value of a Result that must be ok; an error fails the test (as an exception, which
// GoogleTest reports) instead of reaching Result's BUG_ON.
template <typename T> T must(kcpp::Result<T> &&r)
{
	if (r.is_err()) {
		const char *name = r.error().name();
		throw std::runtime_error(std::string("unexpected error ") + (name ? name : "?"));
	}
	return kcpp::move(r).take();
}
inline void must(kcpp::Result<void> &&r)
{
	if (r.is_err()) {
		const char *name = r.error().name();
		throw std::runtime_error(std::string("unexpected error ") + (name ? name : "?"));
	}
}

// Each test starts with an empty log, no warnings, no fault injection, no user-memory fault
// range and no pending signal, and must end having freed every block it kmalloc'ed and with
// exactly the warnings it announced (expect_warnings).
class HostTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		reset_host();
		kcpp_host::clear_log();
		kcpp_host::reset_warnings();
		allocations_at_start_ = kcpp_host::live_allocations();
	}
	void TearDown() override
	{
		reset_host();
		EXPECT_EQ(kcpp_host::live_allocations(), allocations_at_start_) << "kmalloc'ed memory leaked";
		EXPECT_EQ(kcpp_host::warn_count(), expected_warnings_)
			<< "last warning: " << kcpp_host::last_warning();
	}
	void expect_warnings(int n) { expected_warnings_ = n; }

private:
	static void reset_host()
	{
		kcpp_fault_inject_current(0);
		kcpp_host::clear_user_fault_range();
		kcpp_host::flush_signals(kcpp_host::current_task());
		kcpp_host::set_jiffies_offset(0);
	}
	long allocations_at_start_ = 0;
	int expected_warnings_ = 0;
};
