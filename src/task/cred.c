// SPDX-License-Identifier: GPL-2.0
/*
 * Tasks, credentials and the LSM binder hooks for kcpp/task.h, kcpp/cred.h and
 * kcpp/security.h (area cred).
 *
 * SAFETY: a struct kcpp_task is current (alive for the running syscall) or a task_struct on
 * which C++ holds a get_task_struct reference (ARef<Task>); a struct kcpp_cred is
 * current_cred() (stable for the syscall), a file's f_cred (alive with the file) or one C++
 * holds a get_cred reference on. kuid values cross as their raw __kuid_val and are turned
 * back into kuid_t only here.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/uidgid.h>
#include <kcpp/bindings.h>

#define TASK(t) ((struct task_struct *)(t))
#define CRED(c) ((const struct cred *)(c))

struct kcpp_task *kcpp_task_current(void)
{
	return (struct kcpp_task *)current;
}

struct kcpp_task *kcpp_task_group_leader(const struct kcpp_task *task)
{
	return (struct kcpp_task *)TASK(task)->group_leader;
}

void kcpp_task_get(struct kcpp_task *task)
{
	get_task_struct(TASK(task));
}

void kcpp_task_put(struct kcpp_task *task)
{
	put_task_struct(TASK(task));
}

int kcpp_task_pid(const struct kcpp_task *task)
{
	return TASK(task)->pid;
}

int kcpp_task_tgid(const struct kcpp_task *task)
{
	return TASK(task)->tgid;
}

int kcpp_task_pid_in_current_ns(const struct kcpp_task *task)
{
	return task_pid_nr_ns(TASK(task), task_active_pid_ns(current));
}

int kcpp_task_tgid_in_current_ns(const struct kcpp_task *task)
{
	return task_tgid_nr_ns(TASK(task), task_active_pid_ns(current));
}

unsigned int kcpp_task_euid(const struct kcpp_task *task)
{
	return __kuid_val(task_euid(TASK(task)));
}

int kcpp_task_nice(const struct kcpp_task *task)
{
	return task_nice(TASK(task));
}

void kcpp_task_set_user_nice(struct kcpp_task *task, long nice)
{
	set_user_nice(TASK(task), nice);
}

int kcpp_task_can_nice(const struct kcpp_task *task, int nice)
{
	return can_nice(TASK(task), nice);
}

int kcpp_current_min_nice(void)
{
	return rlimit_to_nice(rlimit(RLIMIT_NICE));
}

unsigned int kcpp_kuid_to_uid_in_current_ns(unsigned int kuid)
{
	return from_kuid(current_user_ns(), KUIDT_INIT(kuid));
}

const struct kcpp_cred *kcpp_current_cred(void)
{
	return (const struct kcpp_cred *)current_cred();
}

void kcpp_cred_get(const struct kcpp_cred *cred)
{
	get_cred(CRED(cred));
}

void kcpp_cred_put(const struct kcpp_cred *cred)
{
	put_cred(CRED(cred));
}

unsigned int kcpp_cred_euid(const struct kcpp_cred *cred)
{
	return __kuid_val(CRED(cred)->euid);
}

int kcpp_security_binder_set_context_mgr(const struct kcpp_cred *mgr)
{
	return security_binder_set_context_mgr(CRED(mgr));
}

int kcpp_security_binder_transaction(const struct kcpp_cred *from, const struct kcpp_cred *to)
{
	return security_binder_transaction(CRED(from), CRED(to));
}

int kcpp_security_binder_transfer_binder(const struct kcpp_cred *from, const struct kcpp_cred *to)
{
	return security_binder_transfer_binder(CRED(from), CRED(to));
}

int kcpp_security_binder_transfer_file(const struct kcpp_cred *from, const struct kcpp_cred *to,
				       const struct kcpp_file *file)
{
	/* SAFETY: the hook only reads the file (its security blob and path). */
	return security_binder_transfer_file(CRED(from), CRED(to), (struct file *)file);
}

int kcpp_security_cred_secctx(const struct kcpp_cred *cred, char **ctx, unsigned int *len)
{
	u32 secid = 0;
	u32 size = 0;
	int ret;

	security_cred_getsecid(CRED(cred), &secid);
	ret = security_secid_to_secctx(secid, ctx, &size);
	if (ret)
		return ret;
	*len = size;
	return 0;
}

void kcpp_security_release_secctx(char *ctx, unsigned int len)
{
	security_release_secctx(ctx, len);
}
