// SPDX-License-Identifier: GPL-2.0
// kcpp/debugfs.h — debugfs directories and read-only files whose contents a C++ function
// writes (seq_file, single_open), removed on drop. Area `debugfs`.
//
//     struct Driver {
//         debugfs::Dir root;                     // /sys/kernel/debug/kcpp_binder
//         debugfs::ShowFile<Driver> state;       // /sys/kernel/debug/kcpp_binder/state
//         static void show_state(Driver &d, debugfs::SeqFile &m) { m.print("procs {}\n", d.nprocs()); }
//     };
//     d->root = TRY(debugfs::Dir::create("kcpp_binder"));
//     TRY(d->state.create("state", 0444, d->root, *d, &Driver::show_state));
//
// Rules:
//  - Names are copied by debugfs (a stack buffer is fine: "proc/1234").
//  - show runs in process context (a read(2) of the file), may sleep and take mutexes; it
//    writes the whole contents each time. It never runs after the ShowFile is removed or
//    destroyed: removal waits for readers inside show. So `data` must outlive the ShowFile
//    (declare the ShowFile after the data it shows, or inside it).
//  - A Dir removes its whole subtree on drop; remove ShowFiles inside it first (declare them
//    after the Dir) so their own removal finds them.
//  - Without debugfs (or for a taken name) create fails with ENODEV/EEXIST; drivers usually
//    log it and carry on, as C drivers ignore debugfs errors.
#pragma once

#include <kcpp/error.h>
#include <kcpp/format.h>

namespace kcpp::debugfs {

// What a show function writes into (a seq_file). Output beyond what the reader asked for is
// buffered by seq_file, which retries show with a bigger buffer: show must be repeatable.
class SeqFile {
public:
	explicit SeqFile(kcpp_seq_file *m) : m_(m) {}
	void write(const char *data, usize len) { kcpp_seq_write(m_, data, len); }
	void puts(const char *s) { write(s, __builtin_strlen(s)); }
	void put(char c) { write(&c, 1); }
	// Formats as pr_info does (kcpp/format.h); up to line_max bytes per call.
	template <typename... Args>
	void print(typename type_identity<FormatString<format_arg_t<Args>...>>::type fmt, const Args &...args)
	{
		char buf[line_max];
		FormatBuffer out(buf, sizeof(buf));
		detail::format_decayed<format_arg_t<Args>...>(out, fmt.str, args...);
		write(out.c_str(), out.len());
	}
	static constexpr usize line_max = 256;

private:
	kcpp_seq_file *m_;
};

class Dir {
public:
	// A directory under parent (nullptr: the debugfs root). ENODEV, EEXIST, ENOMEM.
	[[nodiscard]] static Result<Dir> create(const char *name, const Dir *parent = nullptr)
	{
		kcpp_dentry *d = TRY(from_err_or_null_ptr(
			kcpp_debugfs_create_dir(name, parent ? parent->dentry_ : nullptr)));
		return Dir(d);
	}
	Dir() = default; // no directory (a placeholder to assign to)
	Dir(Dir &&o) : dentry_(exchange(o.dentry_, nullptr)) {}
	Dir &operator=(Dir &&o)
	{
		Dir tmp(move(o));
		swap(dentry_, tmp.dentry_);
		return *this;
	}
	Dir(const Dir &) = delete;
	Dir &operator=(const Dir &) = delete;
	~Dir() { remove(); }
	// Removes the directory and everything under it now.
	void remove()
	{
		if (dentry_ != nullptr)
			kcpp_debugfs_remove(exchange(dentry_, nullptr));
	}
	bool exists() const { return dentry_ != nullptr; }

private:
	template <typename T> friend class ShowFile;
	explicit Dir(kcpp_dentry *d) : dentry_(d) {}
	kcpp_dentry *dentry_ = nullptr;
};

// A read-only file whose contents show(data, m) writes. Pinned: debugfs keeps its address.
template <typename T> class ShowFile : Pinned {
public:
	using Show = void (*)(T &data, SeqFile &m);

	ShowFile() = default;
	~ShowFile() { remove(); }

	// Creates name in parent (nullptr: the debugfs root) with mode (0444 as a rule).
	// EBUSY if this ShowFile already has a file; ENODEV, EEXIST, ENOMEM.
	[[nodiscard]] Result<void> create(const char *name, u32 mode, const Dir *parent, T &data, Show show)
	{
		if (dentry_ != nullptr)
			return code::EBUSY;
		data_ = &data;
		show_ = show;
		desc_.show = &trampoline;
		desc_.ctx = this;
		dentry_ = TRY(from_err_or_null_ptr(kcpp_debugfs_create_show_file(
			name, mode, parent ? parent->dentry_ : nullptr, &desc_)));
		return {};
	}
	[[nodiscard]] Result<void> create(const char *name, u32 mode, const Dir &parent, T &data, Show show)
	{
		return create(name, mode, &parent, data, show);
	}
	// Removes the file now; returns after any reader inside show has left it.
	void remove()
	{
		if (dentry_ != nullptr)
			kcpp_debugfs_remove(exchange(dentry_, nullptr));
	}
	bool exists() const { return dentry_ != nullptr; }

private:
	static void trampoline(void *ctx, kcpp_seq_file *m)
	{
		// SAFETY: ctx is this ShowFile, registered as the file's data until remove(), which
		// waits for readers; data_ outlives the file (see the rules above).
		ShowFile *self = static_cast<ShowFile *>(ctx);
		SeqFile out(m);
		self->show_(*self->data_, out);
	}
	kcpp_debugfs_show desc_{};
	kcpp_dentry *dentry_ = nullptr;
	T *data_ = nullptr;
	Show show_ = nullptr;
};

} // namespace kcpp::debugfs
