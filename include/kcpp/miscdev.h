// SPDX-License-Identifier: GPL-2.0
// kcpp/miscdev.h — misc character devices with file operations generated from a C++ type.
//
//     struct Echo {
//         using Shared = EchoState;   // the device's data, shared by every open file
//         using File = EchoFile;      // created at open, destroyed at the last close
//         static Result<Box<EchoFile>> open(EchoState &shared);
//         static Result<usize> read(EchoFile &, UserSliceWriter &out, i64 &pos);    // optional
//         static Result<usize> write(EchoFile &, UserSliceReader &in, i64 &pos);    // optional
//         static Result<long> ioctl(EchoFile &, u32 cmd, uptr arg);               // optional
//         static u32 poll(EchoFile &, miscdev::PollTable &);                      // optional
//     };
//     miscdev::Registration<Echo> dev;
//     TRY(dev.register_device("kcpp_echo", state, 0666));   // /dev/kcpp_echo
//
// More optional operations (binder's):
//
//         // open may take the file being opened, e.g. to keep its opener's credentials:
//         static Result<Box<F>> open(S &shared, fs::File &file);   // instead of open(S &)
//         static Result<long> compat_ioctl(F &, u32 cmd, uptr arg); // default: compat_ptr_ioctl
//         static Result<void> mmap(F &, mm::VmAreaNew &vma);       // mmap(2); needs area `mm`
//         static void vma_close(F &);                               // a VMA of this file went away
//         static Result<void> flush(F &);                           // each close(2) of an fd
//         static void release(Box<F> file);                         // last close: owns the object
//
// Only the operations the type defines are set in struct file_operations (so a missing
// write is EINVAL from the VFS, as for C drivers). ioctl numbers are handled for 32-bit
// callers too (compat_ptr_ioctl) unless the type has its own compat_ioctl. The registration
// is removed when the object is destroyed (misc_deregister); open files keep the module
// loaded until they are closed. register_device fails with EEXIST if the name is taken (the
// kernel also logs a sysfs duplicate-name warning with a stack dump).
//
// Contexts and lifetimes:
//  - Every operation runs in process context of the calling task, may sleep, and may run
//    concurrently with any other on the same file (except release, which is the last).
//  - release: without T::release, the per-file object is destroyed when the last reference
//    to the file is dropped. With it, T::release gets the object and may defer the heavy
//    part (binder queues its cleanup on a workqueue); whatever it defers must finish before
//    the module's state goes away (destroy or flush that workqueue in the module's destructor).
//  - mmap gets the new VMA with the mmap lock held for writing; the VMA is valid only during
//    the call. If mmap succeeds the VMA gets kcpp's vm_operations: faults are SIGBUS (pages
//    appear only through VmArea::insert_page), VmArea::is_mapping_of(file object) recognises
//    it later, and vma_close runs when (each part of) it is unmapped — always before release,
//    since a mapping holds a reference to the file.
//  - flush runs at every close(2) of a descriptor of the file (also from exit), not only the
//    last; its error is close(2)'s return value.
#pragma once

#include <kcpp/box.h>
#include <kcpp/condvar.h>
#include <kcpp/error.h>
#include <kcpp/file.h>
#include <kcpp/mm.h>
#include <kcpp/uaccess.h>

namespace kcpp::miscdev {

namespace poll {
inline constexpr u32 IN = 0x001;
inline constexpr u32 OUT = 0x004;
inline constexpr u32 RDNORM = 0x040;
inline constexpr u32 WRNORM = 0x100;
} // namespace poll

// What a poll operation registers its wait queues with (poll_wait).
class PollTable {
public:
	explicit PollTable(void *raw) : raw_(raw) {}
	void wait(CondVar &cv) { kcpp_poll_wait(raw_, cv.wait_queue()); }
	// For a wait queue that is freed while the file stays open (see PollCondVar).
	void wait(PollCondVar &cv)
	{
		cv.mark_polled();
		kcpp_poll_wait(raw_, cv.wait_queue());
	}

private:
	void *raw_;
};

// capable(CAP_SYS_ADMIN) for the calling task, for operations C drivers restrict the same way.
inline bool caller_is_admin() { return kcpp_capable_sys_admin(); }

namespace detail {

template <typename T> int open(void *shared, kcpp_file *raw_file, void **out)
{
	using S = typename T::Shared;
	// SAFETY: shared is the T::Shared the registration was given, alive while registered.
	S &sh = *static_cast<S *>(shared);
	Result<Box<typename T::File>> made = [&] {
		if constexpr (requires(fs::File &f) { T::open(sh, f); })
			return T::open(sh, kernel_object<fs::File>(raw_file)); // SAFETY: the file being opened
		else
			return T::open(sh);
	}();
	if (made.is_err())
		return made.error().to_errno();
	*out = move(made).take().into_raw();
	return 0;
}
template <typename T> void release(void *data)
{
	// SAFETY: data is what open returned for this file; this is its last use.
	auto owned = Box<typename T::File>::from_raw(static_cast<typename T::File *>(data));
	if constexpr (requires(Box<typename T::File> b) { T::release(move(b)); })
		T::release(move(owned));
}
template <typename T> typename T::File &file(void *data) { return *static_cast<typename T::File *>(data); }

template <typename T> long read(void *data, uptr buf, usize len, long long *pos)
{
	UserSliceWriter out(buf, len);
	i64 p = *pos;
	Result<usize> r = T::read(file<T>(data), out, p);
	if (r.is_err())
		return r.error().to_errno();
	*pos = p;
	return static_cast<long>(r.value());
}
template <typename T> long write(void *data, uptr buf, usize len, long long *pos)
{
	UserSliceReader in(buf, len);
	i64 p = *pos;
	Result<usize> r = T::write(file<T>(data), in, p);
	if (r.is_err())
		return r.error().to_errno();
	*pos = p;
	return static_cast<long>(r.value());
}
template <typename T> long ioctl(void *data, unsigned int cmd, unsigned long arg)
{
	Result<long> r = T::ioctl(file<T>(data), cmd, arg);
	return r.is_ok() ? r.value() : r.error().to_errno();
}
template <typename T> long compat_ioctl(void *data, unsigned int cmd, unsigned long arg)
{
	Result<long> r = T::compat_ioctl(file<T>(data), cmd, arg);
	return r.is_ok() ? r.value() : r.error().to_errno();
}
template <typename T> unsigned int poll(void *data, void *table)
{
	PollTable pt(table);
	return T::poll(file<T>(data), pt);
}
template <typename T> int mmap(void *data, kcpp_vma *vma)
{
	// SAFETY: the VMA being created; the mmap lock is held for writing during this call.
	return T::mmap(file<T>(data), kernel_object<mm::VmAreaNew>(vma)).to_errno();
}
template <typename T> void vma_close(void *data) { T::vma_close(file<T>(data)); }
template <typename T> int flush(void *data) { return T::flush(file<T>(data)).to_errno(); }

template <typename T> constexpr kcpp_file_ops_desc describe()
{
	kcpp_file_ops_desc d{};
	d.open = &open<T>;
	d.release = &release<T>;
	if constexpr (requires { &T::read; })
		d.read = &read<T>;
	if constexpr (requires { &T::write; })
		d.write = &write<T>;
	if constexpr (requires { &T::ioctl; })
		d.ioctl = &ioctl<T>;
	if constexpr (requires { &T::compat_ioctl; })
		d.compat_ioctl = &compat_ioctl<T>;
	if constexpr (requires { &T::poll; })
		d.poll = &poll<T>;
	if constexpr (requires { &T::mmap; })
		d.mmap = &mmap<T>;
	if constexpr (requires { &T::vma_close; })
		d.vma_close = &vma_close<T>;
	if constexpr (requires { &T::flush; })
		d.flush = &flush<T>;
	return d;
}

} // namespace detail

template <typename T> class Registration : Pinned {
public:
	Registration() = default;
	~Registration() { deregister(); }

	// Removes the device now (misc_deregister) rather than at destruction.
	void deregister()
	{
		if (exchange(registered_, false))
			kcpp_miscdev_deregister(storage_.as<kcpp_miscdev>());
	}

	// Creates /dev/<name> (name must outlive the registration: a string literal or storage
	// owned next to the registration). EEXIST if a device of that name exists.
	[[nodiscard]] Result<void> register_device(const char *name, typename T::Shared &shared, u32 mode = 0600)
	{
		if (registered_)
			return code::EBUSY;
		TRY(to_result(kcpp_miscdev_register(storage_.as<kcpp_miscdev>(), name, mode, &ops_, &shared)));
		registered_ = true;
		return {};
	}

private:
	static constexpr kcpp_file_ops_desc ops_ = detail::describe<T>();
	Opaque<KCPP_SIZEOF_MISCDEV, KCPP_ALIGNOF_MISCDEV> storage_;
	bool registered_ = false;
};

} // namespace kcpp::miscdev
