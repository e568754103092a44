// SPDX-License-Identifier: GPL-2.0
// kcpp/print.h — kernel log output with the module's name as prefix, type-safe formatting.
//
//     pr_info("probed {} with {} queues, cap {:#x}", name, nr_queues, cap);
//     -> "mydrv: probed nvme0 with 2 queues, cap 0x1234" at KERN_INFO
//
// Messages longer than the 256-byte line buffer are cut and end with "...".
#pragma once

#include <kcpp/format.h>

namespace kcpp {

enum class Level : int { Emerg = 0, Alert, Crit, Err, Warning, Notice, Info, Debug };

namespace detail {
inline constexpr usize print_line_max = 256;
void print_line(Level level, FormatBuffer &line);
} // namespace detail

template <typename... Args>
void print(Level level, typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,
	   const Args &...args)
{
	char buf[detail::print_line_max];
	FormatBuffer line(buf, sizeof(buf));
	detail::format_decayed<format_arg_t<Args>...>(line, fmt.str, args...);
	detail::print_line(level, line);
}

#define KCPP_DEFINE_PR(fn, level)                                                          \
	template <typename... Args>                                                            \
	void fn(typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,         \
		const Args &...args)                                                               \
	{                                                                                      \
		print<Args...>(level, fmt, args...);                                               \
	}
KCPP_DEFINE_PR(pr_emerg, Level::Emerg)
KCPP_DEFINE_PR(pr_alert, Level::Alert)
KCPP_DEFINE_PR(pr_crit, Level::Crit)
KCPP_DEFINE_PR(pr_err, Level::Err)
KCPP_DEFINE_PR(pr_warn, Level::Warning)
KCPP_DEFINE_PR(pr_notice, Level::Notice)
KCPP_DEFINE_PR(pr_info, Level::Info)
#undef KCPP_DEFINE_PR

// Compiled in only when the module defines KCPP_DEBUG (the kernel's pr_debug with DEBUG).
template <typename... Args>
void pr_debug([[maybe_unused]] typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,
	      [[maybe_unused]] const Args &...args)
{
#ifdef KCPP_DEBUG
	print<Args...>(Level::Debug, fmt, args...);
#endif
}

} // namespace kcpp
