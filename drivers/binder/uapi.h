// SPDX-License-Identifier: GPL-2.0
// The binder user-space ABI of Linux 6.12 (include/uapi/linux/android/binder.h), as the
// driver's own C++ declarations: object types, flags, the structures user space passes, and
// the ioctl and BC/BR command numbers computed as the kernel's _IOC macros encode them.
//
// Only the 64-bit protocol (BINDER_IPC_32BIT unset) exists since Linux 4.20, for 64- and 32-bit
// callers alike: binder_size_t and binder_uintptr_t are always 64 bits, so 32-bit processes
// pass the same layouts (compat_ioctl needs no translation). Every size is checked against the
// UAPI header's at compile time below; the ioctl numbers are derived from those sizes, so a
// wrong structure would give a wrong number and fail a static_assert too.
#pragma once

#include <kcpp/types.h>

namespace binder {

using kcpp::i32;
using kcpp::i64;
using kcpp::u16;
using kcpp::u32;
using kcpp::u64;
using kcpp::u8;
using kcpp::usize;

using binder_size_t = u64;
using binder_uintptr_t = u64;

// _IOC encoding (include/uapi/asm-generic/ioctl.h): nr 8 bits, type 8, size 14, dir 2.
namespace ioc {
inline constexpr u32 NONE = 0, WRITE = 1, READ = 2;
constexpr u32 make(u32 dir, char type, u32 nr, usize size)
{
	return (dir << 30) | (static_cast<u32>(size) << 16) | (static_cast<u32>(static_cast<u8>(type)) << 8) | nr;
}
constexpr u32 io(char t, u32 nr) { return make(NONE, t, nr, 0); }
template <typename T> constexpr u32 ior(char t, u32 nr) { return make(READ, t, nr, sizeof(T)); }
template <typename T> constexpr u32 iow(char t, u32 nr) { return make(WRITE, t, nr, sizeof(T)); }
template <typename T> constexpr u32 iowr(char t, u32 nr) { return make(READ | WRITE, t, nr, sizeof(T)); }
constexpr u32 nr(u32 cmd) { return cmd & 0xff; }
constexpr u32 size(u32 cmd) { return (cmd >> 16) & 0x3fff; }
} // namespace ioc

constexpr u32 pack_chars(char c1, char c2, char c3, u32 c4)
{
	return (static_cast<u32>(static_cast<u8>(c1)) << 24) | (static_cast<u32>(static_cast<u8>(c2)) << 16) |
	       (static_cast<u32>(static_cast<u8>(c3)) << 8) | c4;
}
inline constexpr u32 B_TYPE_LARGE = 0x85;

namespace type {
inline constexpr u32 BINDER = pack_chars('s', 'b', '*', B_TYPE_LARGE);
inline constexpr u32 WEAK_BINDER = pack_chars('w', 'b', '*', B_TYPE_LARGE);
inline constexpr u32 HANDLE = pack_chars('s', 'h', '*', B_TYPE_LARGE);
inline constexpr u32 WEAK_HANDLE = pack_chars('w', 'h', '*', B_TYPE_LARGE);
inline constexpr u32 FD = pack_chars('f', 'd', '*', B_TYPE_LARGE);
inline constexpr u32 FDA = pack_chars('f', 'd', 'a', B_TYPE_LARGE);
inline constexpr u32 PTR = pack_chars('p', 't', '*', B_TYPE_LARGE);
} // namespace type

namespace flat_flags {
inline constexpr u32 PRIORITY_MASK = 0xff;
inline constexpr u32 ACCEPTS_FDS = 0x100;
inline constexpr u32 TXN_SECURITY_CTX = 0x1000;
} // namespace flat_flags

inline constexpr u32 BUFFER_FLAG_HAS_PARENT = 0x01;

struct ObjectHeader {
	u32 type;
};

struct FlatBinderObject {
	ObjectHeader hdr;
	u32 flags;
	union {
		binder_uintptr_t binder; // local object
		u32 handle;              // remote object
	};
	binder_uintptr_t cookie;
};

struct FdObject {
	ObjectHeader hdr;
	u32 pad_flags;
	union {
		binder_uintptr_t pad_binder;
		u32 fd;
	};
	binder_uintptr_t cookie;
};

struct BufferObject {
	ObjectHeader hdr;
	u32 flags;
	binder_uintptr_t buffer;
	binder_size_t length;
	binder_size_t parent;
	binder_size_t parent_offset;
};

struct FdArrayObject {
	ObjectHeader hdr;
	u32 pad;
	binder_size_t num_fds;
	binder_size_t parent;
	binder_size_t parent_offset;
};

struct WriteRead {
	binder_size_t write_size;
	binder_size_t write_consumed;
	binder_uintptr_t write_buffer;
	binder_size_t read_size;
	binder_size_t read_consumed;
	binder_uintptr_t read_buffer;
};

struct Version {
	i32 protocol_version;
};
inline constexpr i32 CURRENT_PROTOCOL_VERSION = 8;

struct NodeDebugInfo {
	binder_uintptr_t ptr;
	binder_uintptr_t cookie;
	u32 has_strong_ref;
	u32 has_weak_ref;
};

struct NodeInfoForRef {
	u32 handle;
	u32 strong_count;
	u32 weak_count;
	u32 reserved1;
	u32 reserved2;
	u32 reserved3;
};

struct FreezeInfo {
	u32 pid;
	u32 enable;
	u32 timeout_ms;
};

struct FrozenStatusInfo {
	u32 pid;
	u32 sync_recv;  // bit 0: sync transaction received while frozen; bit 1: transactions pending
	u32 async_recv;
};

struct FrozenStateInfo {
	binder_uintptr_t cookie;
	u32 is_frozen;
	u32 reserved;
};

struct ExtendedError {
	u32 id;
	u32 command;
	i32 param;
};

namespace txn_flags {
inline constexpr u32 ONE_WAY = 0x01;
inline constexpr u32 ROOT_OBJECT = 0x04;
inline constexpr u32 STATUS_CODE = 0x08;
inline constexpr u32 ACCEPT_FDS = 0x10;
inline constexpr u32 CLEAR_BUF = 0x20;
inline constexpr u32 UPDATE_TXN = 0x40;
} // namespace txn_flags

struct TransactionData {
	union {
		u32 handle;
		binder_uintptr_t ptr;
	} target;
	binder_uintptr_t cookie;
	u32 code;
	u32 flags;
	i32 sender_pid;  // __kernel_pid_t
	u32 sender_euid; // __kernel_uid32_t
	binder_size_t data_size;
	binder_size_t offsets_size;
	union {
		struct {
			binder_uintptr_t buffer;
			binder_uintptr_t offsets;
		} ptr;
		u8 buf[8];
	} data;
};

struct TransactionDataSecctx {
	TransactionData transaction_data;
	binder_uintptr_t secctx;
};

struct TransactionDataSg {
	TransactionData transaction_data;
	binder_size_t buffers_size;
};

struct PtrCookie {
	binder_uintptr_t ptr;
	binder_uintptr_t cookie;
};

// __packed in the UAPI header (12 bytes): the commands that carry it encode size 12.
struct [[gnu::packed]] HandleCookie {
	u32 handle;
	binder_uintptr_t cookie;
};

struct PriDesc {
	i32 priority;
	u32 desc;
};

struct PriPtrCookie {
	i32 priority;
	binder_uintptr_t ptr;
	binder_uintptr_t cookie;
};

// Sizes and offsets of the 6.12 UAPI on x86-64 (and of the 64-bit protocol on any arch).
static_assert(sizeof(ObjectHeader) == 4);
static_assert(sizeof(FlatBinderObject) == 24 && __builtin_offsetof(FlatBinderObject, binder) == 8 &&
	      __builtin_offsetof(FlatBinderObject, cookie) == 16);
static_assert(sizeof(FdObject) == 24 && __builtin_offsetof(FdObject, fd) == 8);
static_assert(sizeof(BufferObject) == 40 && __builtin_offsetof(BufferObject, buffer) == 8 &&
	      __builtin_offsetof(BufferObject, parent_offset) == 32);
static_assert(sizeof(FdArrayObject) == 32 && __builtin_offsetof(FdArrayObject, num_fds) == 8);
static_assert(sizeof(WriteRead) == 48);
static_assert(sizeof(Version) == 4);
static_assert(sizeof(NodeDebugInfo) == 24);
static_assert(sizeof(NodeInfoForRef) == 24);
static_assert(sizeof(FreezeInfo) == 12);
static_assert(sizeof(FrozenStatusInfo) == 12);
static_assert(sizeof(FrozenStateInfo) == 16);
static_assert(sizeof(ExtendedError) == 12);
static_assert(sizeof(TransactionData) == 64 && __builtin_offsetof(TransactionData, cookie) == 8 &&
	      __builtin_offsetof(TransactionData, code) == 16 && __builtin_offsetof(TransactionData, sender_pid) == 24 &&
	      __builtin_offsetof(TransactionData, data_size) == 32 && __builtin_offsetof(TransactionData, data) == 48);
static_assert(sizeof(TransactionDataSecctx) == 72);
static_assert(sizeof(TransactionDataSg) == 72);
static_assert(sizeof(PtrCookie) == 16);
static_assert(sizeof(HandleCookie) == 12);
static_assert(sizeof(PriDesc) == 8);
static_assert(sizeof(PriPtrCookie) == 24);

// The largest object a buffer can hold (struct binder_object, a union of the above).
inline constexpr usize MAX_OBJECT_SIZE = sizeof(BufferObject);

// ioctls.
namespace ioctl {
inline constexpr u32 WRITE_READ = ioc::iowr<WriteRead>('b', 1);
inline constexpr u32 SET_IDLE_TIMEOUT = ioc::iow<i64>('b', 3);
inline constexpr u32 SET_MAX_THREADS = ioc::iow<u32>('b', 5);
inline constexpr u32 SET_IDLE_PRIORITY = ioc::iow<i32>('b', 6);
inline constexpr u32 SET_CONTEXT_MGR = ioc::iow<i32>('b', 7);
inline constexpr u32 THREAD_EXIT = ioc::iow<i32>('b', 8);
inline constexpr u32 VERSION = ioc::iowr<Version>('b', 9);
inline constexpr u32 GET_NODE_DEBUG_INFO = ioc::iowr<NodeDebugInfo>('b', 11);
inline constexpr u32 GET_NODE_INFO_FOR_REF = ioc::iowr<NodeInfoForRef>('b', 12);
inline constexpr u32 SET_CONTEXT_MGR_EXT = ioc::iow<FlatBinderObject>('b', 13);
inline constexpr u32 FREEZE = ioc::iow<FreezeInfo>('b', 14);
inline constexpr u32 GET_FROZEN_INFO = ioc::iowr<FrozenStatusInfo>('b', 15);
inline constexpr u32 ENABLE_ONEWAY_SPAM_DETECTION = ioc::iow<u32>('b', 16);
inline constexpr u32 GET_EXTENDED_ERROR = ioc::iowr<ExtendedError>('b', 17);
} // namespace ioctl

// The numbers as the 6.12 kernel (and a headers_install'ed UAPI header) computes them.
static_assert(ioctl::WRITE_READ == 0xc0306201u);
static_assert(ioctl::SET_MAX_THREADS == 0x40046205u);
static_assert(ioctl::SET_CONTEXT_MGR == 0x40046207u);
static_assert(ioctl::THREAD_EXIT == 0x40046208u);
static_assert(ioctl::VERSION == 0xc0046209u);
static_assert(ioctl::GET_NODE_DEBUG_INFO == 0xc018620bu);
static_assert(ioctl::GET_NODE_INFO_FOR_REF == 0xc018620cu);
static_assert(ioctl::SET_CONTEXT_MGR_EXT == 0x4018620du);
static_assert(ioctl::FREEZE == 0x400c620eu);
static_assert(ioctl::GET_FROZEN_INFO == 0xc00c620fu);
static_assert(ioctl::ENABLE_ONEWAY_SPAM_DETECTION == 0x40046210u);
static_assert(ioctl::GET_EXTENDED_ERROR == 0xc00c6211u);

// Returns (driver -> user space), enum binder_driver_return_protocol.
namespace br {
inline constexpr u32 ERROR = ioc::ior<i32>('r', 0);
inline constexpr u32 OK = ioc::io('r', 1);
inline constexpr u32 TRANSACTION_SEC_CTX = ioc::ior<TransactionDataSecctx>('r', 2);
inline constexpr u32 TRANSACTION = ioc::ior<TransactionData>('r', 2);
inline constexpr u32 REPLY = ioc::ior<TransactionData>('r', 3);
inline constexpr u32 ACQUIRE_RESULT = ioc::ior<i32>('r', 4);
inline constexpr u32 DEAD_REPLY = ioc::io('r', 5);
inline constexpr u32 TRANSACTION_COMPLETE = ioc::io('r', 6);
inline constexpr u32 INCREFS = ioc::ior<PtrCookie>('r', 7);
inline constexpr u32 ACQUIRE = ioc::ior<PtrCookie>('r', 8);
inline constexpr u32 RELEASE = ioc::ior<PtrCookie>('r', 9);
inline constexpr u32 DECREFS = ioc::ior<PtrCookie>('r', 10);
inline constexpr u32 ATTEMPT_ACQUIRE = ioc::ior<PriPtrCookie>('r', 11);
inline constexpr u32 NOOP = ioc::io('r', 12);
inline constexpr u32 SPAWN_LOOPER = ioc::io('r', 13);
inline constexpr u32 FINISHED = ioc::io('r', 14);
inline constexpr u32 DEAD_BINDER = ioc::ior<binder_uintptr_t>('r', 15);
inline constexpr u32 CLEAR_DEATH_NOTIFICATION_DONE = ioc::ior<binder_uintptr_t>('r', 16);
inline constexpr u32 FAILED_REPLY = ioc::io('r', 17);
inline constexpr u32 FROZEN_REPLY = ioc::io('r', 18);
inline constexpr u32 ONEWAY_SPAM_SUSPECT = ioc::io('r', 19);
inline constexpr u32 TRANSACTION_PENDING_FROZEN = ioc::io('r', 20);
inline constexpr u32 FROZEN_BINDER = ioc::ior<FrozenStateInfo>('r', 21);
inline constexpr u32 CLEAR_FREEZE_NOTIFICATION_DONE = ioc::ior<binder_uintptr_t>('r', 22);
inline constexpr u32 COUNT = 23; // _IOC_NR(BR_CLEAR_FREEZE_NOTIFICATION_DONE) + 1
} // namespace br

// Commands (user space -> driver), enum binder_driver_command_protocol.
namespace bc {
inline constexpr u32 TRANSACTION = ioc::iow<TransactionData>('c', 0);
inline constexpr u32 REPLY = ioc::iow<TransactionData>('c', 1);
inline constexpr u32 ACQUIRE_RESULT = ioc::iow<i32>('c', 2);
inline constexpr u32 FREE_BUFFER = ioc::iow<binder_uintptr_t>('c', 3);
inline constexpr u32 INCREFS = ioc::iow<u32>('c', 4);
inline constexpr u32 ACQUIRE = ioc::iow<u32>('c', 5);
inline constexpr u32 RELEASE = ioc::iow<u32>('c', 6);
inline constexpr u32 DECREFS = ioc::iow<u32>('c', 7);
inline constexpr u32 INCREFS_DONE = ioc::iow<PtrCookie>('c', 8);
inline constexpr u32 ACQUIRE_DONE = ioc::iow<PtrCookie>('c', 9);
inline constexpr u32 ATTEMPT_ACQUIRE = ioc::iow<PriDesc>('c', 10);
inline constexpr u32 REGISTER_LOOPER = ioc::io('c', 11);
inline constexpr u32 ENTER_LOOPER = ioc::io('c', 12);
inline constexpr u32 EXIT_LOOPER = ioc::io('c', 13);
inline constexpr u32 REQUEST_DEATH_NOTIFICATION = ioc::iow<HandleCookie>('c', 14);
inline constexpr u32 CLEAR_DEATH_NOTIFICATION = ioc::iow<HandleCookie>('c', 15);
inline constexpr u32 DEAD_BINDER_DONE = ioc::iow<binder_uintptr_t>('c', 16);
inline constexpr u32 TRANSACTION_SG = ioc::iow<TransactionDataSg>('c', 17);
inline constexpr u32 REPLY_SG = ioc::iow<TransactionDataSg>('c', 18);
inline constexpr u32 REQUEST_FREEZE_NOTIFICATION = ioc::iow<HandleCookie>('c', 19);
inline constexpr u32 CLEAR_FREEZE_NOTIFICATION = ioc::iow<HandleCookie>('c', 20);
inline constexpr u32 FREEZE_NOTIFICATION_DONE = ioc::iow<binder_uintptr_t>('c', 21);
inline constexpr u32 COUNT = 22; // _IOC_NR(BC_FREEZE_NOTIFICATION_DONE) + 1
} // namespace bc

static_assert(br::TRANSACTION == 0x80407202u && br::TRANSACTION_SEC_CTX == 0x80487202u);
static_assert(br::REPLY == 0x80407203u && br::NOOP == 0x720cu && br::SPAWN_LOOPER == 0x720du);
static_assert(br::DEAD_BINDER == 0x8008720fu && br::FROZEN_BINDER == 0x80107215u);
static_assert(bc::TRANSACTION == 0x40406300u && bc::REPLY == 0x40406301u);
static_assert(bc::TRANSACTION_SG == 0x40486311u && bc::FREE_BUFFER == 0x40086303u);
static_assert(bc::REQUEST_DEATH_NOTIFICATION == 0x400c630eu && bc::DEAD_BINDER_DONE == 0x40086310u);
static_assert(bc::ENTER_LOOPER == 0x630cu && bc::FREEZE_NOTIFICATION_DONE == 0x40086315u);

// The kernel's ALIGN(x, a) for a power of two; callers have checked x cannot overflow.
constexpr u64 align_up(u64 x, u64 a) { return (x + a - 1) & ~(a - 1); }
constexpr bool is_aligned(u64 x, u64 a) { return (x & (a - 1)) == 0; }

// The driver is built for 64-bit kernels only (sizeof(void *) is the alignment C uses).
inline constexpr usize PTR_SIZE = 8;
static_assert(sizeof(void *) == PTR_SIZE, "kcpp_binder needs a 64-bit kernel");

} // namespace binder
