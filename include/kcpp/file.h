// SPDX-License-Identifier: GPL-2.0
// kcpp/file.h — files and file descriptors (Rust-for-Linux's kernel::fs::file). Area `file`.
//
//     ARef<fs::File> f = TRY(fs::File::fget(fd));                 // EBADF if fd is not open
//     ...                                                          // carry it to another task
//     auto slot = TRY(fs::FdReservation::reserve(fs::O_CLOEXEC));  // in the receiving task
//     u32 newfd = slot.fd();                                      // write it into the buffer
//     move(slot).commit(move(f));                                  // fd_install: now visible
//     ...
//     TRY(fs::close_fd_deferred(newfd));                          // binder_deferred_fd_close
//
// Rules:
//  - A `File &` is borrowed; hold an ARef<File> (get_file/fput) to keep it.
//  - FdReservation, commit and close_fd_deferred act on the *current* task's fd table: use
//    them in the task whose table is meant (binder: the receiving thread, in its ioctl), and
//    never hand a reservation to another task. They may sleep.
//  - A reservation that is not committed is released (put_unused_fd) when dropped, so an
//    error path never leaks an fd number; once committed, user space owns the fd.
#pragma once

#include <kcpp/aref.h>
#include <kcpp/cred.h>
#include <kcpp/error.h>

namespace kcpp::fs {

// open(2) flags C++ needs (values from the kernel headers).
inline constexpr u32 O_CLOEXEC = KCPP_O_CLOEXEC;
inline constexpr u32 O_NONBLOCK = KCPP_O_NONBLOCK;

class File : KernelObject {
public:
	// fget(fd) in the current task: a new reference, or EBADF.
	[[nodiscard]] static Result<ARef<File>> fget(u32 fd)
	{
		kcpp_file *f = kcpp_fget(fd);
		if (f == nullptr)
			return code::EBADF;
		return ARef<File>::adopt(&kernel_object<File>(f));
	}

	// The credentials of the task that opened the file (f_cred), valid while the file is.
	cred::Cred &cred() const
	{
		return kernel_object<cred::Cred>(const_cast<kcpp_cred *>(kcpp_file_cred(raw())));
	}
	// f_flags (O_NONBLOCK, O_ACCMODE bits, ...).
	u32 flags() const { return kcpp_file_flags(raw()); }
	bool operator==(const File &o) const { return this == &o; }

	static void inc_ref(const File &f) { kcpp_get_file(f.raw()); }
	static void dec_ref(const File &f) { kcpp_fput(f.raw()); }
	kcpp_file *raw() const { return raw_object<kcpp_file>(*this); }
};

// An fd number reserved in the current task (get_unused_fd_flags), not yet visible to user
// space: commit it with a file (fd_install) or drop it (put_unused_fd).
class [[nodiscard]] FdReservation {
public:
	// flags: O_CLOEXEC or 0. EMFILE when the task is at RLIMIT_NOFILE.
	[[nodiscard]] static Result<FdReservation> reserve(u32 flags)
	{
		const int fd = TRY(to_result_value(kcpp_fd_reserve(flags)));
		return FdReservation(static_cast<u32>(fd));
	}
	FdReservation(FdReservation &&o) : fd_(exchange(o.fd_, none)) {}
	FdReservation(const FdReservation &) = delete;
	FdReservation &operator=(const FdReservation &) = delete;
	~FdReservation()
	{
		if (fd_ != none)
			kcpp_fd_unreserve(fd_);
	}

	u32 fd() const { return fd_; }
	// Installs file at the reserved number (consumes the reference); cannot fail.
	void commit(ARef<File> file) &&
	{
		KCPP_BUG_ON(fd_ == none);
		kcpp_fd_install(exchange(fd_, none), move(file).into_raw()->raw());
	}

private:
	static constexpr u32 none = ~0u;
	explicit FdReservation(u32 fd) : fd_(fd) {}
	u32 fd_;
};

// Closes fd in the current task now (user space can no longer use the number) and drops the
// file when the task returns to user space, so an ioctl may close any fd, even the one it was
// called on (binder_deferred_fd_close: file_close_fd + filp_close + task_work_add of fput).
// EBADF if fd is not open; ENOMEM (the fd stays open). Process context.
[[nodiscard]] inline Result<void> close_fd_deferred(u32 fd) { return to_result(kcpp_close_fd_deferred(fd)); }

} // namespace kcpp::fs
