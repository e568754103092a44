// SPDX-License-Identifier: GPL-2.0
/*
 * Misc character devices for kcpp/miscdev.h. The file operations are C trampolines that find
 * the C++ description from file->f_op (embedded in struct kcpp_miscdev) and keep the C++
 * per-open object in file->private_data.
 *
 * SAFETY: struct kcpp_miscdev is pinned C++ storage of the checked size, registered until
 * kcpp_miscdev_deregister; the module owning it cannot unload while a file is open (fops.owner
 * pins it), and misc_deregister happens before the storage goes away. The struct file handed
 * to C++'s open is the file being opened (alive for the call); a struct kcpp_vma handed to
 * mmap is the VMA being created, with the mmap lock held for writing, used only in the call.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <kcpp/bindings.h>
#include <kcpp/gen/layout.h>
#include "misc_types.h"

static_assert(sizeof(struct kcpp_miscdev) == KCPP_SIZEOF_MISCDEV, "kcpp_miscdev size changed");
static_assert((__force unsigned int)EPOLLIN == 0x001 && (__force unsigned int)EPOLLOUT == 0x004 &&
	      (__force unsigned int)EPOLLRDNORM == 0x040 && (__force unsigned int)EPOLLWRNORM == 0x100,
	      "poll bits in kcpp/miscdev.h");

static struct kcpp_miscdev *kcpp_md(struct file *file)
{
	return container_of(file->f_op, struct kcpp_miscdev, fops);
}

static int kcpp_misc_open(struct inode *inode, struct file *file)
{
	struct kcpp_miscdev *md = kcpp_md(file);
	void *data = NULL;
	int ret;

	if (!md->ops->open)
		return 0;
	ret = md->ops->open(md->shared, (struct kcpp_file *)file, &data);
	if (ret)
		return ret;
	file->private_data = data;
	return 0;
}

static int kcpp_misc_release(struct inode *inode, struct file *file)
{
	struct kcpp_miscdev *md = kcpp_md(file);

	if (md->ops->release)
		md->ops->release(file->private_data);
	return 0;
}

static ssize_t kcpp_misc_read(struct file *file, char __user *buf, size_t len, loff_t *pos)
{
	long long p = *pos;
	long ret = kcpp_md(file)->ops->read(file->private_data, (kcpp_uptr_t)buf, len, &p);

	*pos = p;
	return ret;
}

static ssize_t kcpp_misc_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	long long p = *pos;
	long ret = kcpp_md(file)->ops->write(file->private_data, (kcpp_uptr_t)buf, len, &p);

	*pos = p;
	return ret;
}

static long kcpp_misc_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return kcpp_md(file)->ops->ioctl(file->private_data, cmd, arg);
}

static long kcpp_misc_compat_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	return kcpp_md(file)->ops->compat_ioctl(file->private_data, cmd, arg);
}

static int kcpp_misc_flush(struct file *file, fl_owner_t id)
{
	return kcpp_md(file)->ops->flush(file->private_data);
}

/*
 * VMAs created by a kcpp mmap. vm_private_data is the per-open data; the VMA holds a
 * reference to its file (vm_file), so the per-open data outlives every VMA and close runs
 * before release. Pages appear only through kcpp_vma_insert_page: a fault is SIGBUS, as in
 * binder_vm_fault.
 */
static void kcpp_misc_vma_close(struct vm_area_struct *vma)
{
	struct kcpp_miscdev *md = kcpp_md(vma->vm_file);

	if (md->ops->vma_close)
		md->ops->vma_close(vma->vm_private_data);
}

static vm_fault_t kcpp_misc_vma_fault(struct vm_fault *vmf)
{
	return VM_FAULT_SIGBUS;
}

static const struct vm_operations_struct kcpp_misc_vm_ops = {
	.close = kcpp_misc_vma_close,
	.fault = kcpp_misc_vma_fault,
};

static int kcpp_misc_mmap(struct file *file, struct vm_area_struct *vma)
{
	int ret = kcpp_md(file)->ops->mmap(file->private_data, (struct kcpp_vma *)vma);

	if (ret)
		return ret;
	vma->vm_ops = &kcpp_misc_vm_ops;
	vma->vm_private_data = file->private_data;
	return 0;
}

void *kcpp_vma_kcpp_file_data(const struct kcpp_vma *kvma)
{
	const struct vm_area_struct *vma = (const struct vm_area_struct *)kvma;

	return vma->vm_ops == &kcpp_misc_vm_ops ? vma->vm_private_data : NULL;
}

/* What C++ gets as its poll table: poll_wait needs the file too. */
struct kcpp_poll_ctx {
	struct file *file;
	struct poll_table_struct *pt;
};

static __poll_t kcpp_misc_poll(struct file *file, struct poll_table_struct *pt)
{
	struct kcpp_poll_ctx ctx = { file, pt };

	return (__force __poll_t)kcpp_md(file)->ops->poll(file->private_data, &ctx);
}

int kcpp_miscdev_register(struct kcpp_miscdev *md, const char *name, unsigned int mode,
			  const struct kcpp_file_ops_desc *ops, void *shared)
{
	memset(md, 0, sizeof(*md));
	md->ops = ops;
	md->shared = shared;
	md->fops.owner = THIS_MODULE;
	md->fops.open = kcpp_misc_open;
	md->fops.release = kcpp_misc_release;
	if (ops->read)
		md->fops.read = kcpp_misc_read;
	if (ops->write)
		md->fops.write = kcpp_misc_write;
	if (ops->ioctl) {
		md->fops.unlocked_ioctl = kcpp_misc_ioctl;
		md->fops.compat_ioctl = compat_ptr_ioctl;
	}
	if (ops->compat_ioctl)
		md->fops.compat_ioctl = kcpp_misc_compat_ioctl;
	if (ops->poll)
		md->fops.poll = kcpp_misc_poll;
	if (ops->mmap)
		md->fops.mmap = kcpp_misc_mmap;
	if (ops->flush)
		md->fops.flush = kcpp_misc_flush;
	md->fops.llseek = noop_llseek;
	md->misc.minor = MISC_DYNAMIC_MINOR;
	md->misc.name = name;
	md->misc.fops = &md->fops;
	md->misc.mode = mode;
	return misc_register(&md->misc);
}

void kcpp_miscdev_deregister(struct kcpp_miscdev *md)
{
	misc_deregister(&md->misc);
}

void kcpp_poll_wait(void *poll_table, struct kcpp_wait_queue_head *wq)
{
	struct kcpp_poll_ctx *ctx = poll_table;

	poll_wait(ctx->file, (wait_queue_head_t *)wq, ctx->pt);
}

int kcpp_capable_sys_admin(void)
{
	return capable(CAP_SYS_ADMIN);
}
