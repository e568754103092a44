// SPDX-License-Identifier: GPL-2.0
// kcpp/time.h — jiffies, monotonic time and delays.
#pragma once

#include <kcpp/gen/layout.h>
#include <kcpp/types.h>

namespace kcpp::time {

inline constexpr unsigned long HZ = KCPP_HZ;

inline unsigned long jiffies() { return kcpp_jiffies(); }
inline unsigned long msecs_to_jiffies(unsigned int ms) { return kcpp_msecs_to_jiffies(ms); }
inline unsigned int jiffies_to_msecs(unsigned long j) { return kcpp_jiffies_to_msecs(j); }
// Wrap-safe "a is after b" for jiffies values (the kernel's time_after).
inline bool after(unsigned long a, unsigned long b) { return static_cast<long>(b - a) < 0; }

// Monotonic nanoseconds (ktime_get_ns).
inline u64 now_ns() { return kcpp_ktime_get_ns(); }

// Sleeping delays: process context only.
inline void msleep(unsigned int ms) { kcpp_msleep(ms); }
inline void usleep_range(unsigned long min_us, unsigned long max_us) { kcpp_usleep_range(min_us, max_us); }
// Busy-wait: any context, keep it short.
inline void udelay(unsigned long us) { kcpp_udelay(us); }

} // namespace kcpp::time

namespace kcpp::task {
inline void might_sleep() { kcpp_might_sleep(); }
inline void cond_resched() { kcpp_cond_resched(); }
inline bool signal_pending() { return kcpp_signal_pending(); }
inline int current_pid() { return kcpp_current_pid(); }
inline bool in_atomic() { return kcpp_in_atomic(); }
inline unsigned int online_cpus() { return kcpp_num_online_cpus(); }
} // namespace kcpp::task
