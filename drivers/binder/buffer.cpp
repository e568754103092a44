// SPDX-License-Identifier: GPL-2.0
// Buffers: the mmap'ed range of a process, its pages, allocating and freeing transaction
// buffers in it (binder_alloc.c's kernel side), and releasing the objects a buffer carried
// (binder_transaction_buffer_release, binder_free_buf).
#include "binder.h"

namespace binder {

using kcpp::Page;

// ---- the mapping and its pages ------------------------------------------------------------

// Calls f(page, offset in page, bytes, bytes done before) for each page piece of [offset,
// offset + n); false if a page is missing or f fails.
template <typename F> bool Mapping::for_pages(u64 offset, u64 n, F &&f) const
{
	u64 done = 0;
	while (done < n) {
		const u64 at = offset + done;
		const u64 index = at / Page::SIZE;
		const u64 in_page = at % Page::SIZE;
		const u64 chunk = kcpp::min<u64>(n - done, Page::SIZE - in_page);
		if (index >= pages_.len() || !pages_[index].present.load_acquire())
			return false;
		if (!f(const_cast<Page &>(*pages_[index].page), in_page, chunk, done))
			return false;
		done += chunk;
	}
	return true;
}

bool Mapping::copy_from_user(u64 offset, uptr from, u64 n)
{
	return for_pages(offset, n, [&](Page &p, u64 at, u64 len, u64 done) {
		kcpp::UserSliceReader in(from + done, len);
		return p.copy_from_user(in, at, len).is_ok();
	});
}

bool Mapping::write(u64 offset, const void *src, u64 n)
{
	return for_pages(offset, n, [&](Page &p, u64 at, u64 len, u64 done) {
		return p.write_raw(static_cast<const u8 *>(src) + done, at, len).is_ok();
	});
}

bool Mapping::read(u64 offset, void *dst, u64 n) const
{
	return for_pages(offset, n, [&](Page &p, u64 at, u64 len, u64 done) {
		return p.read_raw(static_cast<u8 *>(dst) + done, at, len).is_ok();
	});
}

bool Mapping::zero(u64 offset, u64 n)
{
	return for_pages(offset, n, [&](Page &p, u64 at, u64 len, u64) { return p.fill_zero(at, len).is_ok(); });
}

// binder_mmap + binder_alloc_mmap_handler.
Result<void> Process::mmap(kcpp::mm::VmAreaNew &vma)
{
	if (!(kcpp::task::Task::current().group_leader() == *task))
		return kcpp::code::EINVAL;
	if (vma.flags() & kcpp::mm::vm::WRITE) {
		kcpp::pr_err("binder_mmap: {} {:x}-{:x} bad vm_flags failed -1", pid, vma.start(), vma.end());
		return kcpp::code::EPERM;
	}
	vma.set_flags(kcpp::mm::vm::DONTCOPY | kcpp::mm::vm::MIXEDMAP, kcpp::mm::vm::MAYWRITE);
	if (!(vma.mm() == *mm)) {
		BINDER_LOG("binder_alloc_mmap_handler: {} {:x}-{:x} invalid vma->vm_mm failed -22", pid, vma.start(), vma.end());
		return kcpp::code::EINVAL;
	}
	{
		auto g = inner.lock();
		if (g->mapped || mapping.size_ != 0) {
			BINDER_LOG("binder_alloc_mmap_handler: {} {:x}-{:x} already mapped failed -16", pid, vma.start(),
				   vma.end());
			return kcpp::code::EBUSY;
		}
		// Claimed (size_ set) before allocating, so a second mmap gets EBUSY.
		mapping.size_ = kcpp::min<u64>(vma.size(), MAX_MAPPING);
	}
	const u64 size = mapping.size_;
	// (No Mapping::install_ here: installers take it before the mmap lock we hold now.)
	Result<void> r = mapping.pages_.resize(size / Page::SIZE, kcpp::gfp::KERNEL);
	Result<Allocator::BufferBox> whole = Allocator::BufferBox::make(kcpp::gfp::KERNEL);
	if (r.is_err() || whole.is_err()) {
		mapping.pages_ = Vec<PageSlot>();
		auto g = inner.lock();
		mapping.size_ = 0;
		BINDER_LOG("binder_alloc_mmap_handler: {} {:x}-{:x} alloc page array failed -12", pid, vma.start(), vma.end());
		return kcpp::code::ENOMEM;
	}
	mapping.base_ = vma.start();
	{
		auto g = inner.lock();
		g->alloc.init(size, move(whole).take());
		g->mapped = true;
	}
	vma_alive.store_release(true);
	return {};
}

// binder_vma_close: the mapping (or part of it) is gone: no new buffers.
void Process::vma_close()
{
	vma_alive.store_release(false);
}

// binder_install_buffer_pages: makes sure pages back [offset, offset + size).
Result<void> Process::install_pages(u64 offset, u64 size)
{
	const u64 first = offset / Page::SIZE, last = (offset + size - 1) / Page::SIZE;
	for (u64 i = first; i <= last; ++i) {
		PageSlot &slot = mapping.pages_[i];
		if (slot.present.load_acquire())
			continue;
		auto installing = mapping.install_.lock();
		if (slot.present.load_acquire())
			continue;
		Optional<kcpp::mm::MmUser> user = mm->get_user();
		if (!user)
			return kcpp::code::ESRCH;
		const uptr addr = mapping.base_ + i * Page::SIZE;
		Result<void> done = [&]() -> Result<void> {
			kcpp::mm::MmapReadGuard mg = (*user).read_lock();
			// vma_close runs under the mmap write lock: while we hold it for reading, a live
			// flag means the VMA that has our file's data is ours.
			if (!vma_alive.load_acquire()) {
				kcpp::pr_err("{}: binder_install_single_page failed, no vma", pid);
				return kcpp::code::ESRCH;
			}
			kcpp::mm::VmArea *vma = mg.vma_lookup(addr);
			if (vma == nullptr || !vma->is_mapping_of(*static_cast<const ProcFile *>(file_tag))) {
				kcpp::pr_err("{}: binder_install_single_page failed, no vma", pid);
				return kcpp::code::ESRCH;
			}
			Result<Page> page = Page::alloc(kcpp::gfp::KERNEL | kcpp::gfp::HIGHMEM | kcpp::gfp::ZERO);
			if (page.is_err()) {
				kcpp::pr_err("{}: failed to allocate page", pid);
				return kcpp::code::ENOMEM;
			}
			if (Result<void> r = vma->insert_page(addr, page.value()); r.is_err()) {
				kcpp::pr_err("{}: binder_install_single_page failed to insert page at offset {:x} with {}", pid,
					     addr - mapping.base_, r.error());
				return kcpp::code::ENOMEM;
			}
			slot.page = move(page).take();
			return {};
		}();
		if (done.is_err())
			return done;
		if (i + 1 > *installing)
			*installing = i + 1; // pages_high
		mapping.installed_.fetch_add_relaxed(1);
		slot.present.store_release(true);
	}
	return {};
}

// binder_alloc_new_buf. `init` is recorded in the buffer under the same lock; its target
// node pointer is not counted here (the caller gives the buffer its reference on success).
Result<Buffer *> Process::alloc_buffer(u64 data_size, u64 offsets_size, u64 extra_size, bool is_async, bool &spam,
				       const BufExtra &init, u32 debug_id, bool clear_on_free)
{
	if (!vma_alive.load_acquire()) {
		BINDER_LOG("{}: binder_alloc_buf, no vma", pid);
		return kcpp::code::ESRCH;
	}
	const u64 size = buffer_total_size(data_size, offsets_size, extra_size);
	if (size == 0)
		return kcpp::code::EINVAL;
	Allocator::BufferBox spare = TRY(Allocator::BufferBox::make(kcpp::gfp::KERNEL));
	Buffer *b;
	{
		auto g = inner.lock();
		if (!g->mapped) {
			BINDER_LOG("{}: binder_alloc_buf, no vma", pid);
			return kcpp::code::ESRCH;
		}
		Result<Buffer *> r = g->alloc.alloc(size, is_async, kcpp::task::Task::current().tgid(), spare);
		if (r.is_err()) {
			if (!is_async || g->alloc.free_async_space() >= size) {
				const Allocator::Summary s = g->alloc.summary();
				BINDER_LOG("{}: binder_alloc_buf size {} failed, no address space", pid, size);
				BINDER_LOG("allocated: {} (num: {} largest: {}), free: {} (num: {} largest: {})",
					   s.allocated_bytes, s.allocated_count, s.largest_allocated, s.free_bytes,
					   s.free_count, s.largest_free);
			}
			return r.error();
		}
		b = r.value();
		b->data_size = data_size;
		b->offsets_size = offsets_size;
		b->extra_buffers_size = extra_size;
		b->extra = init;
		b->debug_id = debug_id;
		b->clear_on_free = clear_on_free;
		spam = b->oneway_spam_suspect;
	}
	if (Result<void> r = install_pages(b->offset, size); r.is_err()) {
		{
			auto g = inner.lock();
			b->extra = BufExtra{}; // the caller keeps what it lent
			b->clear_on_free = false;
		}
		free_buffer_space(b);
		return r.error();
	}
	return b;
}

// binder_alloc_free_buf. The buffer is no longer reachable by anyone else: its fields are
// stable without the lock until it is given back.
void Process::free_buffer_space(Buffer *b)
{
	if (b->clear_on_free) {
		(void)mapping.zero(b->offset, b->size);
		b->clear_on_free = false;
	}
	auto g = inner.lock();
	g->alloc.free(*b);
}

// ---- views and copies (check_buffer rules) ------------------------------------------------

Process::BufferView Process::view(Buffer &b)
{
	return BufferView{*this, b, b.size};
}

namespace {
// check_buffer: inside the block, at a 4-byte aligned offset.
bool in_block(u64 block, u64 offset, u64 n)
{
	return block >= n && offset <= block - n && is_aligned(offset, sizeof(u32));
}
} // namespace

bool Process::BufferView::read(u64 offset, void *dst, usize n)
{
	return in_block(size, offset, n) && proc.mapping.read(buf.offset + offset, dst, n);
}

// A buffer's offset and size do not change while it is allocated, and the driver copies into
// or out of a buffer only while it cannot be freed (being built, delivered, or being freed by
// the one freeing it): no lock needed.
bool Process::copy_to_buffer(Buffer &b, u64 offset, const void *src, usize n)
{
	return in_block(b.size, offset, n) && mapping.write(b.offset + offset, src, n);
}

bool Process::copy_user_to_buffer(Buffer &b, u64 offset, uptr from, u64 n)
{
	return in_block(b.size, offset, n) && mapping.copy_from_user(b.offset + offset, from, n);
}

// ---- releasing a buffer -------------------------------------------------------------------

// binder_transaction_buffer_release: drops what the objects in `b` hold (up to the offsets
// entry at off_end): the target node's local strong count, node counts for nodes of this
// process, handle counts, and (for delivered buffers) the fds of fd arrays.
void Process::release_buffer_objects(Thread *thread, Buffer &b, u64 off_end, bool is_failure)
{
	Node *target;
	{
		auto g = inner.lock();
		target = kcpp::exchange(b.extra.target_node, nullptr);
	}
	release_buffer_objects(thread, b, off_end, is_failure, target);
}

// The same, with the target node already taken out of the buffer (counted, or null).
void Process::release_buffer_objects(Thread *thread, Buffer &b, u64 off_end, bool is_failure, Node *target)
{
	const u32 debug_id = b.debug_id;
	if (target != nullptr) {
		Rc<Node> held = Rc<Node>::adopt(target), gone;
		{
			auto g = target->owner().inner.lock();
			gone = target->dec(g, true, false);
		}
	}

	BufferView v = view(b);
	const u64 off_start = align_up(b.data_size, PTR_SIZE);
	for (u64 at = off_start; at < off_end; at += sizeof(binder_size_t)) {
		u64 object_offset = 0;
		Object obj;
		usize size = 0;
		if (v.read(at, &object_offset, sizeof(object_offset))) {
			ViewSource<BufferView> src{v};
			size = read_object(src, b.data_size, object_offset, obj);
		}
		if (size == 0) {
			kcpp::pr_err("transaction release {} bad object at offset {}, size {}", debug_id, object_offset,
				     b.data_size);
			continue;
		}
		switch (obj.hdr.type) {
		case type::BINDER:
		case type::WEAK_BINDER: {
			NodeTmp node = get_node(obj.fbo.binder);
			if (!node) {
				kcpp::pr_err("transaction release {} bad node {:016x}", debug_id, obj.fbo.binder);
				break;
			}
			Rc<Node> gone;
			{
				auto g = inner.lock();
				gone = node->dec(g, obj.hdr.type == type::BINDER, false);
			}
			break;
		}
		case type::HANDLE:
		case type::WEAK_HANDLE: {
			Result<RefData> r = update_ref(obj.fbo.handle, false, obj.hdr.type == type::HANDLE);
			if (r.is_err())
				kcpp::pr_err("transaction release {} bad handle {}, ret = {}", debug_id, obj.fbo.handle,
					     r.error().to_errno());
			break;
		}
		case type::FD:
			// Delivered: user space owns (and closes) the fd. Undelivered: never installed;
			// the file went with the transaction's fixups.
			break;
		case type::PTR:
			break;
		case type::FDA: {
			if (is_failure)
				break; // the fds were never installed
			const FdArrayObject &fda = obj.fdao;
			const u64 num_valid = (at - off_start) / sizeof(binder_size_t);
			Object parent_obj;
			const BufferObject *parent = validate_ptr(v, parent_obj, fda.parent, off_start, num_valid, nullptr);
			if (parent == nullptr) {
				kcpp::pr_err("transaction release {} bad parent offset", debug_id);
				break;
			}
			if (!fd_array_fits(fda, *parent)) {
				kcpp::pr_err("transaction release {} not enough space for {} fds in buffer", debug_id,
					     fda.num_fds);
				break;
			}
			const u64 fda_offset = parent->buffer - buffer_user_addr(b) + fda.parent_offset;
			for (u64 i = 0; i < fda.num_fds; ++i) {
				u32 fd;
				const bool ok = v.read(fda_offset + i * sizeof(u32), &fd, sizeof(fd));
				KCPP_WARN_ON_ONCE(!ok);
				if (!ok)
					continue;
				// binder_deferred_fd_close: this runs in the owning task (BC_FREE_BUFFER).
				(void)kcpp::fs::close_fd_deferred(fd);
				if (thread != nullptr) {
					auto g = inner.lock();
					thread->data(g).looper_need_return = true;
				}
			}
			break;
		}
		default:
			kcpp::pr_err("transaction release {} bad object type {:x}", debug_id, obj.hdr.type);
			break;
		}
	}
}

// binder_free_buf: BC_FREE_BUFFER (or a delivery that failed). The next one-way transaction
// of the node, if any, becomes process work.
void Process::free_buf(Thread *thread, Buffer *b, bool is_failure)
{
	Node *target;
	bool async;
	{
		auto g = inner.lock();
		if (Transaction *t = b->extra.txn) {
			t->buffer = nullptr;
			b->extra.txn = nullptr;
		}
		target = kcpp::exchange(b->extra.target_node, nullptr); // released below
		async = b->async_transaction;
		if (async && target != nullptr) {
			NodeData &nd = target->data(g); // a node of this process
			KCPP_BUG_ON(!nd.has_async_transaction);
			if (Work *w = nd.async_todo.pop_front()) {
				enqueue(g, *w);
				wakeup(g);
			} else {
				nd.has_async_transaction = false;
			}
		}
	}
	release_buffer_objects(thread, *b, offsets_end(*b), is_failure, target);
	free_buffer_space(b);
}

} // namespace binder
