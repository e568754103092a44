// SPDX-License-Identifier: GPL-2.0
/* Time, delays and small facts about the current task. */
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <kcpp/bindings.h>

unsigned long kcpp_jiffies(void)
{
	return jiffies;
}

unsigned long kcpp_msecs_to_jiffies(unsigned int ms)
{
	return msecs_to_jiffies(ms);
}

unsigned int kcpp_jiffies_to_msecs(unsigned long j)
{
	return jiffies_to_msecs(j);
}

unsigned long long kcpp_ktime_get_ns(void)
{
	return ktime_get_ns();
}

void kcpp_msleep(unsigned int ms)
{
	msleep(ms);
}

void kcpp_usleep_range(unsigned long min_us, unsigned long max_us)
{
	usleep_range(min_us, max_us);
}

void kcpp_udelay(unsigned long us)
{
	udelay(us);
}

void kcpp_might_sleep(void)
{
	might_sleep();
}

void kcpp_cond_resched(void)
{
	cond_resched();
}

int kcpp_signal_pending(void)
{
	return signal_pending(current);
}

unsigned int kcpp_num_online_cpus(void)
{
	return num_online_cpus();
}

int kcpp_current_pid(void)
{
	return task_pid_nr(current);
}
