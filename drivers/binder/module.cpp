// SPDX-License-Identifier: GPL-2.0
// kcpp_binder: the module — one misc device (and binder context) per name in `devices`,
// statistics, and the rate limit of user-error log lines.
#include "binder.h"

using namespace kcpp;

KCPP_MODULE_PARAM(ParamString<128>, devices, "binder", 0444,
		  "comma-separated binder device names (each its own context manager)", param::any<ParamString<128>>);

namespace binder {

constinit Stats g_stats;

namespace {
// pr_info_ratelimited's defaults: a burst of 10 lines per 5 seconds.
constinit kcpp::Atomic<unsigned long> g_log_window{0};
constinit kcpp::Atomic<u32> g_log_count{0};
constinit kcpp::Atomic<bool> g_log_started{false};
} // namespace

bool log_allowed()
{
	const unsigned long now = kcpp::time::jiffies();
	if (!g_log_started.load_acquire() || kcpp::time::after(now, g_log_window.load_relaxed() + 5 * kcpp::time::HZ)) {
		g_log_window.store_relaxed(now);
		g_log_count.store_relaxed(0);
		g_log_started.store_release(true);
	}
	return g_log_count.fetch_add_relaxed(1) < 10;
}

void Process::stat_bc(u32 cmd)
{
	stats.count_bc(cmd);
	g_stats.count_bc(cmd);
}

void Process::stat_br(u32 cmd)
{
	stats.count_br(cmd);
	g_stats.count_br(cmd);
}

Result<Box<Driver>> Driver::init()
{
	Box<Driver> d = TRY(Box<Driver>::make(gfp::KERNEL));
	d->debugfs_init();
	const ParamString<128> param = kcpp_param::devices.get(); // a copy: get() returns by value
	const char *names = param.c_str();
	usize i = 0;
	for (;;) {
		usize len = 0;
		while (names[i + len] != '\0' && names[i + len] != ',')
			++len;
		if (len == 0 || len >= MAX_NAME) {
			pr_err("invalid device name in devices={} (1 to {} characters each)", names, MAX_NAME - 1);
			return code::EINVAL;
		}
		Box<Context> ctx = TRY(Box<Context>::make(gfp::KERNEL, *d));
		for (usize k = 0; k < len; ++k)
			ctx->name[k] = names[i + k];
		TRY(d->contexts.push(move(ctx), gfp::KERNEL));
		Context &c = *d->contexts[d->contexts.len() - 1];
		if (Result<void> r = c.device.register_device(c.name, c, 0600); r.is_err()) {
			pr_err("cannot register /dev/{}: {}", c.name, r.error());
			return r.error();
		}
		i += len;
		if (names[i] == '\0')
			break;
		++i; // the comma
	}
	return d;
}

Driver::~Driver()
{
	// Devices go first: no file can be opened any more (open files keep the module loaded,
	// so none is left now).
	for (Box<Context> &c : contexts)
		c->device.deregister();
	state_file.remove();
	stats_file.remove();
	transactions_file.remove();
	debugfs_procs.remove();
	debugfs_root.remove();
}

} // namespace binder

class BinderModule {
public:
	static Result<Box<BinderModule>> init()
	{
		Box<BinderModule> m = TRY(Box<BinderModule>::make(gfp::KERNEL));
		m->driver_ = TRY(binder::Driver::init());
		return m;
	}

private:
	Box<binder::Driver> driver_ = Box<binder::Driver>::from_raw(nullptr);
};

KCPP_MODULE(BinderModule, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("Android binder IPC (the Linux 6.12 UAPI), in C++");
