// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs directories and seq_file show files for kcpp/debugfs.h (area debugfs).
 *
 * SAFETY: a struct kcpp_debugfs_show is pinned C++ storage (in a debugfs::ShowFile) that stays
 * valid until kcpp_debugfs_remove of its dentry returns. debugfs_create_file gives the file
 * debugfs' full proxy operations, so debugfs_remove waits for every reader inside our read
 * (debugfs_file_get/put around each call) and later opens fail: show never runs after the
 * C++ object is gone. A struct kcpp_seq_file is the seq_file of the read in progress.
 */
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/seq_file.h>
#include <kcpp/bindings.h>

static int kcpp_debugfs_seq_show(struct seq_file *m, void *unused)
{
	struct kcpp_debugfs_show *show = m->private;

	show->show(show->ctx, (struct kcpp_seq_file *)m);
	return 0;
}

static int kcpp_debugfs_open(struct inode *inode, struct file *file)
{
	return single_open(file, kcpp_debugfs_seq_show, inode->i_private);
}

static const struct file_operations kcpp_debugfs_show_fops = {
	.owner = THIS_MODULE,
	.open = kcpp_debugfs_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

struct kcpp_dentry *kcpp_debugfs_create_dir(const char *name, struct kcpp_dentry *parent)
{
	return (struct kcpp_dentry *)debugfs_create_dir(name, (struct dentry *)parent);
}

struct kcpp_dentry *kcpp_debugfs_create_show_file(const char *name, unsigned int mode,
						  struct kcpp_dentry *parent,
						  struct kcpp_debugfs_show *show)
{
	return (struct kcpp_dentry *)debugfs_create_file(name, mode, (struct dentry *)parent, show,
							 &kcpp_debugfs_show_fops);
}

void kcpp_debugfs_remove(struct kcpp_dentry *dentry)
{
	debugfs_remove((struct dentry *)dentry);
}

void kcpp_seq_write(struct kcpp_seq_file *m, const char *data, kcpp_size_t len)
{
	seq_write((struct seq_file *)m, data, len);
}
