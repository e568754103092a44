// SPDX-License-Identifier: GPL-2.0
// kcpp/task.h — tasks (struct task_struct): the current task, counted references, ids,
// effective uid and nice values (Rust-for-Linux's kernel::task). Area `cred`.
//
//     task::Task &me = task::Task::current();
//     ARef<task::Task> leader{me.group_leader()};        // get_task_struct; put on drop
//     pr_info("pid {} tgid {} nice {}", me.pid(), me.tgid(), me.nice());
//     u32 uid = me.euid().to_uid_in_current_ns();          // as user space sees it
//
// A `Task &` is borrowed: Task::current() is valid for the current syscall (the task cannot
// go away under itself); any other Task must be held through an ARef<Task>. Every method may
// be called in any context unless it says otherwise.
#pragma once

#include <kcpp/aref.h>
#include <kcpp/time.h>

namespace kcpp::task {

// A kernel uid (kuid_t): a uid in the initial user namespace. Compare kuids; convert to a
// user-visible uid only for user space, in the namespace of the task that will read it.
class Kuid {
public:
	constexpr explicit Kuid(u32 raw) : raw_(raw) {}
	constexpr u32 raw() const { return raw_; }
	constexpr bool operator==(const Kuid &o) const { return raw_ == o.raw_; }
	// from_kuid(current_user_ns(), kuid): the uid as the current task's user namespace sees
	// it, or the overflow uid (u32)-1 if it is not mapped there.
	u32 to_uid_in_current_ns() const { return kcpp_kuid_to_uid_in_current_ns(raw_); }

private:
	u32 raw_;
};

// Nice values: MIN_NICE (highest priority) .. MAX_NICE.
inline constexpr int MIN_NICE = -20;
inline constexpr int MAX_NICE = 19;

class Task : KernelObject {
public:
	// The task running this code (current). Not in interrupt context.
	static Task &current() { return kernel_object<Task>(kcpp_task_current()); }

	// The thread-group leader (the "process"); borrowed from this task.
	Task &group_leader() const { return kernel_object<Task>(kcpp_task_group_leader(raw())); }
	// Global ids (init pid namespace), as the kernel's task->pid / task->tgid.
	int pid() const { return kcpp_task_pid(raw()); }
	int tgid() const { return kcpp_task_tgid(raw()); }
	// Ids as the current task's pid namespace sees them (0 if invisible there): what to
	// report to user space (binder's sender_pid).
	int pid_in_current_ns() const { return kcpp_task_pid_in_current_ns(raw()); }
	int tgid_in_current_ns() const { return kcpp_task_tgid_in_current_ns(raw()); }
	// The effective uid (task_euid).
	Kuid euid() const { return Kuid(kcpp_task_euid(raw())); }

	// Scheduling priority (task_nice / set_user_nice / can_nice). set_user_nice may sleep
	// briefly (takes the runqueue lock): process context. can_nice checks RLIMIT_NICE and
	// CAP_SYS_NICE of the *current* task, as the kernel's can_nice does.
	int nice() const { return kcpp_task_nice(raw()); }
	void set_user_nice(int nice) const { kcpp_task_set_user_nice(raw(), nice); }
	bool can_nice(int nice) const { return kcpp_task_can_nice(raw(), nice); }

	bool operator==(const Task &o) const { return this == &o; }

	static void inc_ref(const Task &t) { kcpp_task_get(t.raw()); }
	static void dec_ref(const Task &t) { kcpp_task_put(t.raw()); }
	kcpp_task *raw() const { return raw_object<kcpp_task>(*this); }
};

// The lowest nice value the current task may set itself to under its RLIMIT_NICE
// (rlimit_to_nice(rlimit(RLIMIT_NICE))); MAX_NICE + 1 or more means none.
inline int current_min_nice() { return kcpp_current_min_nice(); }

} // namespace kcpp::task
