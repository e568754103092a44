/* SPDX-License-Identifier: GPL-2.0 */
/* kcpp_mapper's ioctls, shared by the module (C++) and its test (tests/qemu/progs/mapper_test.c). */
#ifndef KCPP_MAPPER_UAPI_H
#define KCPP_MAPPER_UAPI_H

#define MAPPER_MAX_MAP (1u << 20) /* larger mappings are used up to this size, as binder's 4 MiB */

struct mapper_put {		/* copy len bytes at user address data into the mapping at offset */
	unsigned long long offset;
	unsigned long long data;
	unsigned long long len;
};
struct mapper_range {		/* unmap and free the pages of [offset, offset + len) */
	unsigned long long offset;
	unsigned long long len;
};
struct mapper_info {
	int pid, tgid;		/* of the caller, in its pid namespace */
	int owner_tgid;		/* of the process that opened the file */
	int nice;		/* the caller's */
	unsigned int euid;	/* the caller's, in its user namespace */
	unsigned int opener_euid;
	int can_nice_minus5;	/* may the caller set nice -5? */
	int min_nice;		/* rlimit_to_nice(RLIMIT_NICE) */
	int secctx_err;		/* 0, or the -errno of getting the opener's security context */
	unsigned int secctx_len;
	char secctx[128];	/* NUL-terminated (cut to 127 bytes) */
};

/* _IOC encodings, spelled out so that the C++ side needs no kernel header. */
#define MAPPER_IOC(dir, nr, size) (((dir) << 30) | ((size) << 16) | ('m' << 8) | (nr))
#define MAPPER_PUT MAPPER_IOC(1u, 1u, (unsigned)sizeof(struct mapper_put))
#define MAPPER_DROP MAPPER_IOC(1u, 2u, (unsigned)sizeof(struct mapper_range))
#define MAPPER_DUPFD MAPPER_IOC(1u, 3u, 4u)	/* returns a new O_CLOEXEC fd for the same file */
#define MAPPER_DUPFD_ABORT MAPPER_IOC(0u, 4u, 0u) /* reserves an fd, drops it, returns its number */
#define MAPPER_CLOSEFD MAPPER_IOC(1u, 5u, 4u)	/* deferred close of an fd of the caller */
#define MAPPER_INFO MAPPER_IOC(2u, 6u, (unsigned)sizeof(struct mapper_info))
#define MAPPER_SETNICE MAPPER_IOC(1u, 7u, 4u)	/* binder's nice rules; returns 20 + the nice set */
#define MAPPER_WAIT MAPPER_IOC(0u, 8u, 0u)	/* sleeps (interruptible, freezable) for a kick */
#define MAPPER_KICK MAPPER_IOC(0u, 9u, 0u)	/* wakes one waiter / pollers (POLLIN) */
#define MAPPER_RESET_WAIT MAPPER_IOC(0u, 10u, 0u) /* replaces the wait queue (pollers detached) */
#define MAPPER_SECURITY MAPPER_IOC(0u, 11u, 0u)	/* the LSM binder hooks' verdict */

#endif
