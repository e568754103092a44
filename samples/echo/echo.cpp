// SPDX-License-Identifier: GPL-2.0
// kcpp_echo — a misc character device, /dev/kcpp_echo: it keeps the last message written
// and gives it back to readers. It exercises kcpp's file operations end to end: per-open
// state, reads and writes through user slices with positions, ioctls (one of them for the
// administrator only), poll, and errors for bad input.
#include <kcpp/kcpp.h>
#include <kcpp/miscdev.h>

using namespace kcpp;

KCPP_MODULE_PARAM(unsigned int, max_message, 4096, 0444, "largest message accepted, in bytes (1-65536)",
		  param::range<1u, 65536u>);

namespace ioc {
// The kernel's _IOC encoding (include/uapi/asm-generic/ioctl.h).
constexpr u32 make(u32 dir, u32 nr, u32 size) { return (dir << 30) | (size << 16) | (u32('k') << 8) | nr; }
inline constexpr u32 LENGTH = make(2, 1, sizeof(u64)); // _IOR('k', 1, __u64): message length
inline constexpr u32 CLEAR = make(0, 2, 0);            // _IO('k', 2): forget it (CAP_SYS_ADMIN)
inline constexpr u32 OPENS = make(2, 3, sizeof(u64));  // _IOR('k', 3, __u64): opens so far
} // namespace ioc

struct Message {
	Vec<u8> bytes;
	u64 opens = 0;
};

// The device's state, shared by every open file.
struct EchoState {
	Mutex<Message> message{KCPP_LOCK_CLASS("kcpp_echo_message")};
	CondVar written{KCPP_LOCK_CLASS("kcpp_echo_written")};
};

struct EchoFile {
	EchoState &state;
};

struct Echo {
	using Shared = EchoState;
	using File = EchoFile;

	static Result<Box<EchoFile>> open(EchoState &state)
	{
		state.message.lock()->opens++;
		return Box<EchoFile>::make(gfp::KERNEL, EchoFile{state});
	}

	static Result<usize> read(EchoFile &f, UserSliceWriter &out, i64 &pos)
	{
		auto msg = f.state.message.lock();
		const usize len = msg->bytes.len();
		if (pos < 0)
			return code::EINVAL;
		if (static_cast<u64>(pos) >= len)
			return 0;
		const usize n = min(out.len(), len - static_cast<usize>(pos));
		TRY(out.write_raw(msg->bytes.data() + pos, n));
		pos += n;
		return n;
	}

	// Replaces the message (all of it, whatever the position).
	static Result<usize> write(EchoFile &f, UserSliceReader &in, i64 &)
	{
		const usize n = in.len();
		if (n > kcpp_param::max_message.get()) {
			pr_warn("message of {} bytes refused (max_message={})", n, kcpp_param::max_message.get());
			return code::EFBIG;
		}
		Vec<u8> fresh;
		TRY(fresh.resize(n, gfp::KERNEL));
		TRY(in.read_raw(fresh.data(), n));
		f.state.message.lock()->bytes = move(fresh);
		f.state.written.notify_all();
		return n;
	}

	static Result<long> ioctl(EchoFile &f, u32 cmd, uptr arg)
	{
		switch (cmd) {
		case ioc::LENGTH: {
			const u64 len = f.state.message.lock()->bytes.len();
			TRY(UserSlice(arg, sizeof(u64)).writer().write(len));
			return 0;
		}
		case ioc::OPENS: {
			const u64 opens = f.state.message.lock()->opens;
			TRY(UserSlice(arg, sizeof(u64)).writer().write(opens));
			return 0;
		}
		case ioc::CLEAR:
			if (!miscdev::caller_is_admin())
				return code::EPERM;
			f.state.message.lock()->bytes.clear();
			return 0;
		default:
			return code::ENOTTY;
		}
	}

	static u32 poll(EchoFile &f, miscdev::PollTable &table)
	{
		table.wait(f.state.written);
		u32 mask = miscdev::poll::OUT | miscdev::poll::WRNORM;
		if (!f.state.message.lock()->bytes.is_empty())
			mask |= miscdev::poll::IN | miscdev::poll::RDNORM;
		return mask;
	}
};

class EchoModule {
public:
	static Result<Box<EchoModule>> init()
	{
		auto module = TRY(Box<EchoModule>::make(gfp::KERNEL));
		TRY(module->device_.register_device("kcpp_echo", module->state_, 0666));
		return module;
	}

private:
	EchoState state_;
	miscdev::Registration<Echo> device_; // deregistered before the state goes away
};

KCPP_MODULE(EchoModule, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("kcpp sample: a misc character device that echoes the last message");
