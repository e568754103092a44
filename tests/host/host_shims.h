// SPDX-License-Identifier: GPL-2.0
// Test hooks of the host implementation of the shim API (host_shims.cpp).
//
// The host shims implement include/kcpp/bindings.h in user space: allocation on malloc,
// locks and waits on pthreads, jiffies on CLOCK_MONOTONIC, work items on worker threads,
// user memory as host memory. These hooks let tests observe and steer them.
#pragma once

#include <kcpp/bindings.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kcpp::param {
struct KernelParam;
}

namespace kcpp_host {

// ---- kcpp_print: every line is captured (and echoed to stderr if KCPP_HOST_ECHO is set) ----
struct LogLine {
	int level;
	std::string text;
};
std::vector<LogLine> log_lines();
// The text of the last line, or "" when the log is empty.
std::string last_log();
void clear_log();

// ---- kcpp_warn: counted (and printed to stderr) ----
int warn_count();
std::string last_warning(); // "file:line: msg"
void reset_warnings();

// ---- allocation ----
// kmalloc'ed blocks not yet kfree'd (all threads).
long live_allocations();
// The GFP flags of the calling thread's last kmalloc/krealloc/kvmalloc.
unsigned int last_gfp();
// The calling thread's allocations fail from now until reset: the same switch as
// kcpp_fault_inject_current(1), but only after `n` more allocations have succeeded.
void fail_allocations_after(long n);
// RAII form of kcpp_fault_inject_current(1)/(0).
struct FailAllocations {
	FailAllocations() { kcpp_fault_inject_current(1); }
	~FailAllocations() { kcpp_fault_inject_current(0); }
	FailAllocations(const FailAllocations &) = delete;
	FailAllocations &operator=(const FailAllocations &) = delete;
};
// Requests above this fail (kmalloc's KMALLOC_MAX_SIZE, with a warning unless NOWARN).
inline constexpr unsigned long kmalloc_max_size = 4ul << 20;

// ---- user memory: a user address is a host address ----
// Bytes in [lo, hi) fault: copies stop there and report the rest as not copied. Addresses in
// the first page and ranges that wrap always fault, as for the kernel's access_ok.
void set_user_fault_range(std::uintptr_t lo, std::uintptr_t hi);
void clear_user_fault_range();
inline kcpp_uptr_t user_addr(const void *p) { return reinterpret_cast<kcpp_uptr_t>(p); }

// ---- tasks (threads) and signals ----
struct Task;
Task *current_task();
// Makes signal_pending() true for task until flush_signals; interruptible waits of that task
// return -ERESTARTSYS / -EINTR within a few milliseconds.
void send_signal(Task *task);
void flush_signals(Task *task);
// spin locks held by the calling thread (the host's preempt count).
int preempt_count();

// ---- time ----
// Added to jiffies (e.g. to run close to a wrap-around).
void set_jiffies_offset(unsigned long offset);

// ---- KUnit (kcpp/kunit.h) on the host ----
struct KunitResult {
	bool failed = false;
	bool aborted = false;
	bool skipped = false;
	std::string skip_reason;
	std::vector<std::string> messages; // "file:line: msg" of each failure, and kunit_log lines
};
// The suite filled by kcpp_kunit_fill_suite under `name`, or nullptr.
const kcpp_kunit_suite_def *kunit_suite(const char *name);
// Runs one case as KUnit would: a kcpp_kunit_abort ends it (longjmp back here).
KunitResult kunit_run_case(const kcpp_kunit_case_def &c);

// ---- module parameters (KCPP_MODULE_PARAM) as the kernel's parse_args and sysfs see them ----
// The struct kernel_param named `name` in this binary's __param section, or nullptr.
const kcpp::param::KernelParam *find_param(const char *name);
// Sets it through kcpp_param_ops as `insmod m.ko name=val` would: 0, -errno, or -ENOENT for an
// unknown name. A failure logs "kcpp_host_tests: parameter 'NAME': invalid value ..." as
// src/params/params.c does.
int set_param(const char *name, const char *val);
// Reads it through kcpp_param_ops as sysfs would (a PAGE_SIZE buffer).
std::string get_param(const char *name);

} // namespace kcpp_host
