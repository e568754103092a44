// SPDX-License-Identifier: GPL-2.0
// kcpp_mapper — binder's kernel plumbing in miniature, to prove the abstractions the binder
// driver uses from real user space (tests/qemu/mapper.sh):
//  - a read-only mmap whose pages the driver allocates lazily, fills straight from another
//    user buffer and inserts into the VMA (Page, Mm/MmUser/mmap guards, VmArea), and unmaps
//    and frees again (zap), pages kept in an RbMap;
//  - file descriptors: fget, reservation committed with fd_install or dropped, deferred close
//    (even of the fd the ioctl runs on);
//  - the caller and the opener: ids, euid, nice with binder's rules, security context, the
//    LSM binder hooks;
//  - waits: interruptible freezable sleep, sync wake-up, poll, and a polled wait queue freed
//    while the file stays open (wake_up_pollfree);
//  - debugfs state files, deferred release on a workqueue, flush and vma_close counts;
//  - devices from a parameter, failing with EEXIST for a taken name.
#include <kcpp/debugfs.h>
#include <kcpp/file.h>
#include <kcpp/kcpp.h>
#include <kcpp/miscdev.h>
#include <kcpp/mm.h>
#include <kcpp/page.h>
#include <kcpp/rbtree.h>
#include <kcpp/security.h>
#include <kcpp/task.h>

#include "mapper_uapi.h"

using namespace kcpp;

KCPP_MODULE_PARAM(ParamString<64>, names, "kcpp_mapper", 0444, "device names, comma-separated (1-4)",
		  param::any<ParamString<64>>);

namespace {

constexpr usize PAGE = Page::SIZE;
constinit Atomic<u64> g_serials{0}; // names the per-open debugfs files
using Pages = RbMap<u64, Page>; // page index -> page

struct DevState;

// Per open file: binder's binder_proc in miniature.
struct MapperFile {
	MapperFile(DevState &d, ARef<task::Task> o, ARef<cred::Cred> c, ARef<mm::Mm> m, Box<PollCondVar> cv, u64 serial)
		: dev(d), owner(move(o)), cred(move(c)), mm(move(m)), serial(serial),
		  waiting(KCPP_LOCK_CLASS("kcpp_mapper_waiting"), Waiting{0, 0, move(cv)})
	{
	}

	DevState &dev;
	ARef<task::Task> owner; // the opening process (group leader)
	ARef<cred::Cred> cred;  // the opener's credentials (f_cred)
	ARef<mm::Mm> mm;        // the opener's address space (mmgrab)
	const u64 serial;

	// Set by mmap and vma_close, which run under the mmap lock: no mutex there (PUT and DROP
	// take `buf` and then the mmap lock, as binder takes its locks before mmap_read_lock).
	Atomic<bool> mapped_once{false};
	Atomic<bool> mapped{false};
	Atomic<unsigned long> base{0};
	Atomic<unsigned long> size{0};

	struct Buffer {
		Pages pages;
	};
	Mutex<Buffer> buf{KCPP_LOCK_CLASS("kcpp_mapper_buf")};

	struct Waiting {
		int kicks = 0;
		int sleepers = 0;
		Box<PollCondVar> cv;
	};
	Mutex<Waiting> waiting;

	debugfs::ShowFile<MapperFile> proc_file;
	Work cleanup{KCPP_LOCK_CLASS("kcpp_mapper_cleanup"), [](Work &w) {
		// The deferred part of release (binder_deferred_release): runs on the device's
		// workqueue, which the module drains before the device goes away.
		Box<MapperFile>::from_raw(Work::owner(&w, &MapperFile::cleanup));
	}};
	~MapperFile();

	static void show(MapperFile &f, debugfs::SeqFile &m)
	{
		auto g = f.buf.lock();
		m.print("owner {} mapped {} size {} pages {}\n", f.owner->tgid(), f.mapped.load_acquire(),
			f.size.load_acquire(), g->pages.len());
		for (Pages::Node &n : g->pages)
			m.print("  page {}\n", n.key());
	}
};

// Per device (binder's context).
struct DevState {
	Atomic<u64> opens{0}, releases{0}, flushes{0}, vma_closes{0}, cleanups{0};
	debugfs::Dir root;
	debugfs::Dir procs;
	debugfs::ShowFile<DevState> state_file;
	// Last: destroyed (drained) first, before anything a pending cleanup touches.
	Optional<Workqueue> wq;

	static void show(DevState &d, debugfs::SeqFile &m)
	{
		m.print("opens {}\nreleases {}\nflushes {}\nvma_closes {}\ncleanups {}\n", d.opens.load_acquire(),
			d.releases.load_acquire(), d.flushes.load_acquire(), d.vma_closes.load_acquire(),
			d.cleanups.load_acquire());
	}
};

MapperFile::~MapperFile()
{
	proc_file.remove();
	buf.lock()->pages.clear(); // the VMA is gone (a mapping holds the file), so just free
	dev.cleanups.fetch_add_relaxed(1);
}

Result<Optional<mm::MmUser>> live_mm(MapperFile &f)
{
	if (!f.mapped.load_acquire())
		return code::ESRCH;
	Optional<mm::MmUser> user = f.mm->get_user();
	if (!user)
		return code::ESRCH; // the opener has exited
	return user;
}

Result<long> put(MapperFile &f, uptr arg)
{
	const mapper_put a = TRY(UserSlice(arg, sizeof(a)).reader().read<mapper_put>());
	auto g = f.buf.lock();
	Optional<mm::MmUser> user = TRY(live_mm(f));
	const u64 size = f.size.load_acquire(), base = f.base.load_acquire();
	if (a.len > size || a.offset > size - a.len)
		return code::EINVAL;
	UserSliceReader in = UserSlice(a.data, a.len).reader();
	u64 off = a.offset;
	while (!in.is_empty()) {
		const u64 idx = off / PAGE;
		const usize pgoff = off % PAGE;
		const usize n = min(in.len(), PAGE - pgoff);
		Pages::Node *node = g->pages.find(idx);
		if (node == nullptr) {
			// binder_install_single_page: a zeroed page, mapped into the owner's VMA.
			Page fresh = TRY(Page::alloc(gfp::KERNEL | gfp::HIGHMEM | gfp::ZERO));
			Box<Pages::Node> made = TRY(Pages::try_make_node(idx, move(fresh), gfp::KERNEL));
			{
				mm::MmapReadGuard mg = user->read_lock();
				mm::VmArea *vma = mg.vma_lookup(base + idx * PAGE);
				if (vma == nullptr || !vma->is_mapping_of(f))
					return code::ESRCH;
				TRY(vma->insert_page(base + idx * PAGE, made->value()));
			}
			node = made.get();
			(void)g->pages.insert(move(made));
		}
		TRY(node->value().copy_from_user(in, pgoff, n));
		off += n;
	}
	return 0;
}

Result<long> drop(MapperFile &f, uptr arg)
{
	const mapper_range a = TRY(UserSlice(arg, sizeof(a)).reader().read<mapper_range>());
	auto g = f.buf.lock();
	const u64 size = f.size.load_acquire(), base = f.base.load_acquire();
	if (a.len > size || a.offset > size - a.len)
		return code::EINVAL;
	Optional<mm::MmUser> user = f.mm->get_user();
	long freed = 0;
	for (u64 idx = a.offset / PAGE; idx * PAGE < a.offset + a.len; ++idx) {
		Optional<Box<Pages::Node>> node = g->pages.remove(idx);
		if (!node)
			continue;
		if (user && f.mapped.load_acquire()) {
			// As binder's shrinker: try the lock first, then wait for it.
			Optional<mm::MmapReadGuard> mg = user->try_read_lock();
			if (!mg)
				mg = user->read_lock();
			mm::VmArea *vma = mg->vma_lookup(base + idx * PAGE);
			if (vma != nullptr && vma->is_mapping_of(f))
				vma->zap_range(base + idx * PAGE, PAGE);
		}
		++freed; // the node (and its page reference) goes here, after the zap
	}
	return freed;
}

Result<long> dupfd(MapperFile &f, uptr arg)
{
	const u32 fd = TRY(UserSlice(arg, sizeof(u32)).reader().read<u32>());
	ARef<fs::File> file = TRY(fs::File::fget(fd));
	TRY(security::binder_transfer_file(*f.cred, cred::Cred::current(), *file));
	fs::FdReservation slot = TRY(fs::FdReservation::reserve(fs::O_CLOEXEC));
	const long newfd = slot.fd();
	move(slot).commit(move(file));
	return newfd;
}

Result<long> info(MapperFile &f, uptr arg)
{
	task::Task &me = task::Task::current();
	mapper_info out{};
	out.pid = me.pid_in_current_ns();
	out.tgid = me.tgid_in_current_ns();
	out.owner_tgid = f.owner->tgid_in_current_ns();
	out.nice = me.nice();
	out.euid = me.euid().to_uid_in_current_ns();
	out.opener_euid = f.cred->euid().to_uid_in_current_ns();
	out.can_nice_minus5 = me.can_nice(-5);
	out.min_nice = task::current_min_nice();
	Result<security::SecCtx> ctx = security::SecCtx::of_cred(*f.cred);
	if (ctx.is_ok()) {
		out.secctx_len = static_cast<u32>(ctx->len());
		const usize n = min(ctx->len(), sizeof(out.secctx) - 1);
		for (usize i = 0; i < n; ++i)
			out.secctx[i] = ctx->data()[i];
	} else {
		out.secctx_err = ctx.error().to_errno();
	}
	TRY(UserSlice(arg, sizeof(out)).writer().write(out));
	return 0;
}

// binder_set_nice: the requested value if allowed, else the RLIMIT_NICE minimum.
Result<long> set_nice(uptr arg)
{
	const i32 nice = TRY(UserSlice(arg, sizeof(i32)).reader().read<i32>());
	if (nice < task::MIN_NICE || nice > task::MAX_NICE)
		return code::EINVAL;
	task::Task &me = task::Task::current();
	if (me.can_nice(nice)) {
		me.set_user_nice(nice);
		return nice + 20; // a negative ioctl return would be an errno
	}
	const int min_nice = task::current_min_nice();
	if (min_nice > task::MAX_NICE) {
		pr_warn("{}: RLIMIT_NICE not set", me.pid());
		return code::EPERM;
	}
	me.set_user_nice(min_nice);
	return min_nice + 20;
}

Result<long> wait_for_kick(MapperFile &f)
{
	auto g = f.waiting.lock();
	g->sleepers++;
	while (g->kicks == 0) {
		if (g->cv->wait_interruptible_freezable(g)) {
			g->sleepers--;
			return code::ERESTARTSYS; // -EINTR for user space, or restarted
		}
	}
	g->sleepers--;
	g->kicks--;
	return 0;
}

Result<long> reset_wait(MapperFile &f)
{
	Box<PollCondVar> fresh = TRY(Box<PollCondVar>::make(gfp::KERNEL, KCPP_LOCK_CLASS("kcpp_mapper_wait")));
	{
		auto g = f.waiting.lock();
		if (g->sleepers > 0)
			return code::EBUSY; // a sleeper is on the old queue
		swap(g->cv, fresh);
	}
	return 0; // `fresh` now holds the old queue: detached from pollers and freed here
}

Result<long> check_security(MapperFile &f)
{
	cred::Cred &me = cred::Cred::current();
	TRY(security::binder_set_context_mgr(me));
	TRY(security::binder_transaction(*f.cred, me));
	TRY(security::binder_transfer_binder(*f.cred, me));
	return 0;
}

struct Mapper {
	using Shared = DevState;
	using File = MapperFile;

	static Result<Box<MapperFile>> open(DevState &dev, fs::File &file)
	{
		ARef<mm::Mm> mm = TRY(mm::Mm::current());
		Box<PollCondVar> cv = TRY(Box<PollCondVar>::make(gfp::KERNEL, KCPP_LOCK_CLASS("kcpp_mapper_wait")));
		auto f = TRY(Box<MapperFile>::make(gfp::KERNEL, dev, ARef<task::Task>(task::Task::current().group_leader()),
						   ARef<cred::Cred>(file.cred()), move(mm), move(cv),
						   g_serials.fetch_add_relaxed(1)));
		char name[32];
		FormatBuffer fb(name, sizeof(name));
		format_to(fb, "{}-{}", f->owner->tgid(), f->serial);
		if (dev.procs.exists()) {
			Result<void> r = f->proc_file.create(name, 0444, dev.procs, *f, &MapperFile::show);
			if (r.is_err())
				pr_warn("debugfs proc/{}: {}", name, r.error());
		}
		dev.opens.fetch_add_relaxed(1);
		return f;
	}

	static void release(Box<MapperFile> f)
	{
		DevState &dev = f->dev;
		dev.releases.fetch_add_relaxed(1);
		MapperFile *raw = move(f).into_raw();
		raw->cleanup.queue(&*dev.wq);
	}

	static Result<void> flush(MapperFile &f)
	{
		f.dev.flushes.fetch_add_relaxed(1);
		return {};
	}

	static Result<void> mmap(MapperFile &f, mm::VmAreaNew &vma)
	{
		if (!(task::Task::current().group_leader() == *f.owner))
			return code::EINVAL; // only the opener maps its buffer (binder_mmap)
		if (vma.flags() & mm::vm::WRITE)
			return code::EPERM; // read-only for user space
		if (f.mapped_once.exchange(true))
			return code::EBUSY;
		vma.set_flags(mm::vm::DONTCOPY | mm::vm::MIXEDMAP, mm::vm::MAYWRITE);
		f.base.store_release(vma.start());
		f.size.store_release(min<usize>(vma.size(), MAPPER_MAX_MAP));
		f.mapped.store_release(true);
		return {};
	}

	static void vma_close(MapperFile &f)
	{
		f.mapped.store_release(false); // under the mmap lock: no mutex here
		f.dev.vma_closes.fetch_add_relaxed(1);
	}

	static Result<long> ioctl(MapperFile &f, u32 cmd, uptr arg)
	{
		switch (cmd) {
		case MAPPER_PUT:
			return put(f, arg);
		case MAPPER_DROP:
			return drop(f, arg);
		case MAPPER_DUPFD:
			return dupfd(f, arg);
		case MAPPER_DUPFD_ABORT: {
			fs::FdReservation slot = TRY(fs::FdReservation::reserve(fs::O_CLOEXEC));
			return static_cast<long>(slot.fd()); // released (put_unused_fd) here
		}
		case MAPPER_CLOSEFD: {
			const u32 fd = TRY(UserSlice(arg, sizeof(u32)).reader().read<u32>());
			TRY(fs::close_fd_deferred(fd));
			return 0;
		}
		case MAPPER_INFO:
			return info(f, arg);
		case MAPPER_SETNICE:
			return set_nice(arg);
		case MAPPER_WAIT:
			return wait_for_kick(f);
		case MAPPER_KICK: {
			auto g = f.waiting.lock();
			g->kicks++;
			g->cv->notify_one_sync();
			return 0;
		}
		case MAPPER_RESET_WAIT:
			return reset_wait(f);
		case MAPPER_SECURITY:
			return check_security(f);
		default:
			return code::ENOTTY;
		}
	}

	static u32 poll(MapperFile &f, miscdev::PollTable &table)
	{
		auto g = f.waiting.lock();
		table.wait(*g->cv);
		return g->kicks > 0 ? (miscdev::poll::IN | miscdev::poll::RDNORM) : 0;
	}
};

struct Device {
	DevState state;
	miscdev::Registration<Mapper> reg; // deregistered first, then the state goes
	char name[32] = {};
};

} // namespace

class MapperModule {
public:
	static Result<Box<MapperModule>> init()
	{
		auto m = TRY(Box<MapperModule>::make(gfp::KERNEL));
		const ParamString<64> names = kcpp_param::names.get(); // a copy: get() returns by value
		const char *p = names.c_str();
		while (*p != '\0') {
			auto dev = TRY(Box<Device>::make(gfp::KERNEL));
			usize n = 0;
			while (p[n] != '\0' && p[n] != ',')
				++n;
			if (n == 0 || n >= sizeof(dev->name) || m->devices_.len() == 4) {
				pr_err("bad names= parameter at \"{}\"", p);
				return code::EINVAL;
			}
			for (usize i = 0; i < n; ++i)
				dev->name[i] = p[i];
			p += n + (p[n] == ',');
			TRY(setup(*dev));
			Result<void> r = dev->reg.register_device(dev->name, dev->state, 0666);
			if (r.is_err()) {
				pr_err("cannot register /dev/{}: {}", dev->name, r.error());
				return r.error(); // devices_ (and this one) are torn down on return
			}
			TRY(m->devices_.push(move(dev), gfp::KERNEL));
		}
		if (m->devices_.len() == 0) {
			pr_err("names= lists no device");
			return code::EINVAL;
		}
		return m;
	}

private:
	static Result<void> setup(Device &dev)
	{
		dev.state.wq = TRY(Workqueue::alloc("kcpp_mapper_release", 0, 0));
		// debugfs errors are logged, not fatal (as C drivers treat them).
		Result<debugfs::Dir> root = debugfs::Dir::create(dev.name);
		if (root.is_err()) {
			pr_warn("debugfs {}: {}", dev.name, root.error());
			return {};
		}
		dev.state.root = move(root).take();
		Result<debugfs::Dir> procs = debugfs::Dir::create("proc", &dev.state.root);
		if (procs.is_ok())
			dev.state.procs = move(procs).take();
		Result<void> r = dev.state.state_file.create("state", 0444, dev.state.root, dev.state, &DevState::show);
		if (r.is_err())
			pr_warn("debugfs {}/state: {}", dev.name, r.error());
		return {};
	}

	Vec<Box<Device>> devices_;
};

KCPP_MODULE(MapperModule, "GPL");
KCPP_MODULE_AUTHOR("kcpp developers");
KCPP_MODULE_DESCRIPTION("kcpp sample: binder's kernel plumbing in miniature (mmap'd pages, fds, tasks, waits, debugfs)");
