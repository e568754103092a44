// SPDX-License-Identifier: GPL-2.0
/*
 * Files and file descriptors for kcpp/file.h (area file).
 *
 * SAFETY: a struct kcpp_file is a struct file on which C++ holds a reference (ARef<fs::File>,
 * from fget or get_file) or that it borrows for the duration of a file operation. The fd
 * shims act on current->files and are called by C++ only in the task that reserved the fd
 * (FdReservation is used where it was made, see kcpp/file.h).
 */
#include <linux/cred.h>
#include <linux/fdtable.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/task_work.h>
#include <kcpp/bindings.h>

#define FILE_OF(f) ((struct file *)(f))

struct kcpp_file *kcpp_fget(unsigned int fd)
{
	return (struct kcpp_file *)fget(fd);
}

void kcpp_get_file(struct kcpp_file *file)
{
	get_file(FILE_OF(file));
}

void kcpp_fput(struct kcpp_file *file)
{
	fput(FILE_OF(file));
}

const struct kcpp_cred *kcpp_file_cred(const struct kcpp_file *file)
{
	return (const struct kcpp_cred *)FILE_OF(file)->f_cred;
}

unsigned int kcpp_file_flags(const struct kcpp_file *file)
{
	return FILE_OF(file)->f_flags;
}

int kcpp_fd_reserve(unsigned int flags)
{
	return get_unused_fd_flags(flags);
}

void kcpp_fd_unreserve(unsigned int fd)
{
	put_unused_fd(fd);
}

void kcpp_fd_install(unsigned int fd, struct kcpp_file *file)
{
	fd_install(fd, FILE_OF(file));
}

/* The deferred fput of kcpp_close_fd_deferred, run by task_work at return to user space. */
struct kcpp_deferred_close {
	struct callback_head twork;
	struct file *file;
};

static void kcpp_deferred_fput(struct callback_head *twork)
{
	struct kcpp_deferred_close *dc = container_of(twork, struct kcpp_deferred_close, twork);

	fput(dc->file);
	kfree(dc);
}

/*
 * As binder_deferred_fd_close: take the file out of the fd table (file_close_fd hands over
 * the table's reference), pin it with a second reference, close it as close(2) would (flush,
 * locks; drops one reference), and drop the pin only at return to user space. So if the
 * ioctl running now was called on this very fd through fdget's borrowed reference, the file
 * outlives the ioctl.
 */
int kcpp_close_fd_deferred(unsigned int fd)
{
	struct kcpp_deferred_close *dc = kzalloc(sizeof(*dc), GFP_KERNEL);

	if (!dc)
		return -ENOMEM;
	init_task_work(&dc->twork, kcpp_deferred_fput);
	dc->file = file_close_fd(fd);
	if (!dc->file) {
		kfree(dc);
		return -EBADF;
	}
	get_file(dc->file);
	filp_close(dc->file, current->files);
	if (task_work_add(current, &dc->twork, TWA_RESUME)) {
		/* The task is exiting (it runs no more task work): no ioctl of it can be using
		 * the file any more, and fput defers the final __fput itself. */
		fput(dc->file);
		kfree(dc);
	}
	return 0;
}
