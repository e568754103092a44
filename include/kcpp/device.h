// SPDX-License-Identifier: GPL-2.0
// kcpp/device.h — a bound device (struct device) and dev_*-style logging.
//
//     dev.info("ready: {} queues", n);   // "kcpp_edu 0000:00:03.0: ready: 2 queues"
#pragma once

#include <kcpp/print.h>

namespace kcpp {

// A device as a bus callback sees it; valid while the driver is bound.
class DeviceRef {
public:
	explicit DeviceRef(kcpp_device *raw) : raw_(raw) {}
	const char *name() const { return kcpp_dev_name(raw_); }
	kcpp_device *raw() const { return raw_; }

	template <typename... Args>
	void print(Level level, typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,
		   const Args &...args) const
	{
		char buf[detail::print_line_max];
		FormatBuffer line(buf, sizeof(buf));
		detail::format_decayed<format_arg_t<Args>...>(line, fmt.str, args...);
		kcpp_dev_print(raw_, static_cast<int>(level), line.c_str(), line.len());
	}
#define KCPP_DEFINE_DEV_PR(fn, level)                                                          \
	template <typename... Args>                                                                \
	void fn(typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt,             \
		const Args &...args) const                                                             \
	{                                                                                          \
		print<Args...>(level, fmt, args...);                                                   \
	}
	KCPP_DEFINE_DEV_PR(err, Level::Err)
	KCPP_DEFINE_DEV_PR(warn, Level::Warning)
	KCPP_DEFINE_DEV_PR(notice, Level::Notice)
	KCPP_DEFINE_DEV_PR(info, Level::Info)
#undef KCPP_DEFINE_DEV_PR

private:
	kcpp_device *raw_;
};

} // namespace kcpp
