// SPDX-License-Identifier: GPL-2.0
// kcpp_task_cred: tasks, credentials and the LSM entry points on the KUnit test thread (a
// kernel thread running as root): ids, counted references, nice values, euid, and the
// binder hooks' verdicts when no binder-aware LSM is active. (A user process with its own
// uid, nice limits and security context: tests/qemu/mapper.sh.)
#include "common.h"

#include <kcpp/security.h>

using namespace kcpp;
using namespace kcpp_test;

static void current_ids(Test &t)
{
	task::Task &me = task::Task::current();
	KCPP_EXPECT_EQ(t, me.pid(), task::current_pid());
	KCPP_EXPECT_GT(t, me.pid(), 0);
	KCPP_EXPECT_EQ(t, me.tgid(), me.group_leader().tgid());
	KCPP_EXPECT_TRUE(t, me.group_leader().group_leader() == me.group_leader());
	KCPP_EXPECT_EQ(t, me.pid_in_current_ns(), me.pid()); // the initial pid namespace
	KCPP_EXPECT_EQ(t, me.tgid_in_current_ns(), me.tgid());
	ARef<task::Task> ref{me};
	ARef<task::Task> copy = ref;
	KCPP_EXPECT_TRUE(t, *copy == me);
	ARef<task::Task> moved = move(copy);
	KCPP_EXPECT_FALSE(t, static_cast<bool>(copy));
	KCPP_EXPECT_EQ(t, moved->pid(), me.pid());
}

static void nice_values(Test &t)
{
	task::Task &me = task::Task::current();
	const int before = me.nice();
	KCPP_EXPECT_GE(t, before, task::MIN_NICE);
	KCPP_EXPECT_LE(t, before, task::MAX_NICE);
	me.set_user_nice(7);
	const int after = me.nice();
	KCPP_EXPECT_TRUE(t, me.can_nice(-5)); // root has CAP_SYS_NICE
	me.set_user_nice(before);
	KCPP_EXPECT_EQ(t, after, 7);
	KCPP_EXPECT_EQ(t, me.nice(), before);
}

static void root_credentials(Test &t)
{
	cred::Cred &c = cred::Cred::current();
	KCPP_EXPECT_TRUE(t, c.euid() == task::Kuid(0));
	KCPP_EXPECT_EQ(t, c.euid().to_uid_in_current_ns(), 0u);
	KCPP_EXPECT_TRUE(t, task::Task::current().euid() == c.euid());
	ARef<cred::Cred> held{c};
	KCPP_EXPECT_TRUE(t, *held == c);
}

static void binder_hooks_allow_without_binder_lsm(Test &t)
{
	// This kernel boots with no LSM that implements the binder hooks (SELinux is built but
	// not in the LSM list), so every hook's verdict is "allowed".
	cred::Cred &c = cred::Cred::current();
	KCPP_EXPECT_OK(t, security::binder_set_context_mgr(c));
	KCPP_EXPECT_OK(t, security::binder_transaction(c, c));
	KCPP_EXPECT_OK(t, security::binder_transfer_binder(c, c));
	Result<security::SecCtx> ctx = security::SecCtx::of_cred(c);
	if (ctx.is_ok()) {
		KCPP_EXPECT_GT(t, ctx.value().len(), 0u);
		KCPP_EXPECT_TRUE(t, ctx.value().data() != nullptr);
	} else {
		KCPP_EXPECT_ERR(t, move(ctx), code::EOPNOTSUPP); // no LSM with contexts
	}
}

KCPP_KUNIT_SUITE(kcpp_task_cred,
		 KCPP_KUNIT_CASE(current_ids),
		 KCPP_KUNIT_CASE(nice_values),
		 KCPP_KUNIT_CASE(root_credentials),
		 KCPP_KUNIT_CASE(binder_hooks_allow_without_binder_lsm));
