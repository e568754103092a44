// SPDX-License-Identifier: GPL-2.0
// The host implementation of the shim API (include/kcpp/bindings.h), for the unit tests.
//
// Each shim behaves like its kernel counterpart in src/ as far as a user-space process can:
//  - allocation: malloc, with the kernel's ZERO_SIZE_PTR for size 0, KMALLOC_MAX_SIZE, and
//    per-thread fault injection (kcpp_fault_inject_current, like the kernel's task filter);
//  - panic: message to stderr, then abort() (death tests); warn: counted, printed;
//  - print: captured in a log the tests read;
//  - spin locks and mutexes: error-checking pthread mutexes (recursive locking, unlocking a
//    lock this thread does not hold and use before init are panics); spin locks count in a
//    per-thread preempt count, irqsave in a per-thread "irqs disabled" flag, and sleeping in
//    that state (mutex_lock, GFP_KERNEL allocation, msleep, waits) is a warning;
//  - wait queues: a FIFO of waiters with exclusive wake-ups, on a pthread condvar;
//  - signals: per-thread flags set by tests (kcpp_host::send_signal); interruptible sleeps
//    poll them every 2 ms;
//  - jiffies: CLOCK_MONOTONIC at HZ from kcpp/gen/layout.h, starting at the kernel's
//    INITIAL_JIFFIES (wraps the low 32 bits 5 minutes after start);
//  - work items: run asynchronously on worker threads. Each workqueue has min(max_active, 4)
//    workers (2 when max_active is 0, and for the system workqueue, which is created on first
//    use and never destroyed); a work item never runs on two workers at once. Delayed work
//    carries a due time instead of a timer. Destroying a workqueue runs everything still
//    queued on it, delayed work included (at once), then joins its workers;
//  - user memory: a user address is a host address, except the first page, wrapping ranges
//    and the test-controlled fault range, where copies stop and report bytes not copied;
//  - KUnit: suites are recorded by name, cases run by kcpp_host::kunit_run_case, and an abort
//    longjmps back to it;
//  - module parameters: kcpp_param_ops and __this_module stand in for src/params/params.c
//    and modpost's .mod.c, so KCPP_MODULE_PARAM links and can be driven through __param.
// Not implemented (no host model): PHY, blk-mq, PCI/DMA/IRQ and device shims.

// kcpp headers first: the C library's errno macros (EPERM, ...) must not be defined yet.
#include <kcpp/gen/layout.h>
#include <kcpp/params.h>

#include "host_shims.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <pthread.h>
#include <sched.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>

namespace {

constexpr unsigned kLive = 0x6b637070;	  // "kcpp": initialised
constexpr unsigned kDestroyed = 0xdeadbeef; // mutex_destroy'ed

// Bits of gfp_t the host looks at (Debian 12 values, as in kcpp/gen/layout.h).
constexpr unsigned kGfpDirectReclaim = 0x400;
static_assert((KCPP_GFP_KERNEL & kGfpDirectReclaim) != 0, "GFP_KERNEL may sleep");
static_assert((KCPP_GFP_ATOMIC & kGfpDirectReclaim) == 0, "GFP_ATOMIC may not sleep");

[[noreturn]] void host_panic(const char *msg) { kcpp_panic(__FILE__, __LINE__, msg); }

// ---- per-thread state ---------------------------------------------------------------------

thread_local bool t_fail_alloc = false;
thread_local long t_fail_after = -1; // allocations still allowed before failing (-1: none)
thread_local unsigned t_last_gfp = 0;
thread_local int t_preempt = 0;	     // spin locks held
thread_local unsigned long t_irqs_disabled = 0;

} // namespace

namespace kcpp_host {
struct Task {
	std::atomic<bool> signal{false};
};
} // namespace kcpp_host

namespace {
thread_local kcpp_host::Task t_task;

bool in_atomic() { return t_preempt > 0 || t_irqs_disabled != 0; }

void might_sleep(const char *what)
{
	if (in_atomic()) {
		char msg[160];
		snprintf(msg, sizeof(msg), "sleeping function called from invalid context: %s", what);
		kcpp_warn(__FILE__, __LINE__, msg);
	}
}

// ---- time ---------------------------------------------------------------------------------

constexpr unsigned long long kNsPerJiffy = 1000000000ull / KCPP_HZ;
static_assert(1000 % KCPP_HZ == 0, "the jiffy conversions below assume HZ divides 1000");
constexpr unsigned long kInitialJiffies = static_cast<unsigned long>(static_cast<unsigned int>(-300 * KCPP_HZ));
constexpr unsigned long kMaxJiffyOffset = (LONG_MAX >> 1) - 1;
std::atomic<unsigned long> g_jiffies_offset{0};

unsigned long long mono_ns()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return static_cast<unsigned long long>(ts.tv_sec) * 1000000000ull + static_cast<unsigned long long>(ts.tv_nsec);
}
const unsigned long long g_start_ns = mono_ns();

timespec to_timespec(unsigned long long ns)
{
	timespec ts;
	ts.tv_sec = static_cast<time_t>(ns / 1000000000ull);
	ts.tv_nsec = static_cast<long>(ns % 1000000000ull);
	return ts;
}

void sleep_ns(unsigned long long ns)
{
	timespec ts = to_timespec(mono_ns() + ns);
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
	}
}

// Jiffies left until deadline, rounded up, at least 1 (the wait succeeded).
long jiffies_left(unsigned long long deadline)
{
	unsigned long long now = mono_ns();
	if (now >= deadline)
		return 1;
	unsigned long long left = (deadline - now + kNsPerJiffy - 1) / kNsPerJiffy;
	return left > 0 ? static_cast<long>(left) : 1;
}

// Deadline for a timeout in jiffies (negative or huge: none).
constexpr unsigned long long kNoDeadline = ~0ull;
unsigned long long deadline_after(long timeout)
{
	if (timeout < 0 || static_cast<unsigned long>(timeout) >= kMaxJiffyOffset)
		return kNoDeadline;
	return mono_ns() + static_cast<unsigned long long>(timeout) * kNsPerJiffy;
}

// Interruptible sleepers wake up this often to look at their signal flag.
constexpr unsigned long long kSignalPollNs = 2000000;

// Waits on cond until the next deadline (the real one, or the signal poll).
void cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, unsigned long long deadline, bool interruptible)
{
	if (interruptible) {
		unsigned long long poll = mono_ns() + kSignalPollNs;
		if (poll < deadline)
			deadline = poll;
	}
	if (deadline == kNoDeadline) {
		pthread_cond_wait(c, m);
		return;
	}
	timespec ts = to_timespec(deadline);
	pthread_cond_timedwait(c, m, &ts);
}

void init_monotonic_cond(pthread_cond_t *c)
{
	pthread_condattr_t attr;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(c, &attr);
	pthread_condattr_destroy(&attr);
}

void init_errorcheck_mutex(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	pthread_mutexattr_init(&attr);
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ERRORCHECK);
	pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
}

// ---- allocation registry ------------------------------------------------------------------

// The registry's own memory comes from malloc directly: its nodes are freed while it is
// locked, and operator delete (src/runtime/cxxabi.cpp) calls kcpp_kfree.
template <typename T> struct MallocAllocator {
	using value_type = T;
	MallocAllocator() = default;
	template <typename U> MallocAllocator(const MallocAllocator<U> &) {}
	T *allocate(std::size_t n)
	{
		void *p = malloc(n * sizeof(T));
		if (p == nullptr)
			throw std::bad_alloc();
		return static_cast<T *>(p);
	}
	void deallocate(T *p, std::size_t) { free(p); }
	template <typename U> bool operator==(const MallocAllocator<U> &) const { return true; }
	template <typename U> bool operator!=(const MallocAllocator<U> &) const { return false; }
};

// Keys are stored scrambled so that LeakSanitizer does not see the registry as a reference
// to a kmalloc'ed block: a block the code under test leaks is still reported at exit.
constexpr std::uintptr_t kScramble = 0xa5a5a5a5a5a5a5a5ull;
struct Registry {
	std::mutex lock;
	std::unordered_map<std::uintptr_t, std::size_t, std::hash<std::uintptr_t>, std::equal_to<std::uintptr_t>,
			   MallocAllocator<std::pair<const std::uintptr_t, std::size_t>>>
		blocks;
};
Registry &registry()
{
	// Never destroyed: kfree may run from static destructors.
	alignas(Registry) static unsigned char storage[sizeof(Registry)];
	static Registry *r = ::new (storage) Registry();
	return *r;
}

void register_block(const void *p, std::size_t size)
{
	Registry &r = registry();
	std::lock_guard<std::mutex> g(r.lock);
	r.blocks[reinterpret_cast<std::uintptr_t>(p) ^ kScramble] = size;
}

// True when p was kmalloc'ed (and is now forgotten).
bool unregister_block(const void *p)
{
	Registry &r = registry();
	std::lock_guard<std::mutex> g(r.lock);
	return r.blocks.erase(reinterpret_cast<std::uintptr_t>(p) ^ kScramble) != 0;
}

void *const kZeroSizePtr = reinterpret_cast<void *>(16); // the kernel's ZERO_SIZE_PTR

bool is_zero_or_null(const void *p) { return reinterpret_cast<std::uintptr_t>(p) <= 16; }

bool should_fail()
{
	if (!t_fail_alloc)
		return false;
	if (t_fail_after > 0) {
		--t_fail_after;
		return false;
	}
	return true;
}

void *host_alloc(kcpp_size_t size, kcpp_gfp_t flags, unsigned long max)
{
	t_last_gfp = flags;
	if (flags & kGfpDirectReclaim)
		might_sleep("allocation that may sleep (GFP flags with direct reclaim)");
	if (should_fail())
		return nullptr;
	if (size == 0)
		return kZeroSizePtr;
	if (size > max) {
		if (!(flags & KCPP_GFP_NOWARN))
			kcpp_warn(__FILE__, __LINE__, "allocation larger than the allocator's maximum");
		return nullptr;
	}
	void *p = (flags & KCPP_GFP_ZERO) ? calloc(1, size) : malloc(size);
	if (p == nullptr)
		return nullptr;
	register_block(p, size);
	return p;
}

// ---- log and warnings ---------------------------------------------------------------------

struct Log {
	std::mutex lock;
	std::vector<kcpp_host::LogLine> lines;
	int warnings = 0;
	std::string last_warning;
};
Log &log_state()
{
	static Log *l = new Log();
	return *l;
}

// ---- user memory --------------------------------------------------------------------------

std::atomic<std::uintptr_t> g_fault_lo{0}, g_fault_hi{0};

// How many bytes from addr on can be accessed, at most n.
unsigned long user_accessible(kcpp_uptr_t addr, unsigned long n)
{
	if (n == 0)
		return 0;
	kcpp_uptr_t end;
	if (__builtin_add_overflow(addr, n, &end))
		return 0; // access_ok fails: nothing is copied
	if (addr < 4096)
		return 0;
	std::uintptr_t lo = g_fault_lo.load(), hi = g_fault_hi.load();
	if (lo < hi && addr < hi && end > lo)
		return addr >= lo ? 0 : static_cast<unsigned long>(lo - addr);
	return n;
}

} // namespace

// ---- sanitizer defaults (ASAN_OPTIONS / UBSAN_OPTIONS in the environment still override) ----
extern "C" __attribute__((used, visibility("default"))) const char *__asan_default_options()
{
	return "detect_leaks=1:strict_string_checks=1:check_initialization_order=1:"
	       "detect_stack_use_after_return=1";
}
extern "C" __attribute__((used, visibility("default"))) const char *__ubsan_default_options()
{
	return "print_stacktrace=1:halt_on_error=1";
}

// ---- the host's global operator new --------------------------------------------------------
// src/runtime/cxxabi.cpp replaces the global operator delete with kcpp_kfree (which frees
// what it does not know with free()), so everything else operator new allocates must come
// from malloc too: otherwise ASan reports new/free mismatches in GoogleTest's own objects.
void *operator new(std::size_t n)
{
	void *p = malloc(n ? n : 1);
	if (p == nullptr)
		throw std::bad_alloc();
	return p;
}
void *operator new[](std::size_t n) { return operator new(n); }
void *operator new(std::size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void *operator new[](std::size_t n, const std::nothrow_t &) noexcept { return malloc(n ? n : 1); }
void operator delete(void *p, const std::nothrow_t &) noexcept { kcpp_kfree(p); }
void operator delete[](void *p, const std::nothrow_t &) noexcept { kcpp_kfree(p); }

// ---- storage types, checked against kcpp/gen/layout.h ----------------------------------------

struct HostSpinLock {
	pthread_mutex_t m;
	int locked;
	unsigned magic;
};
struct HostMutex {
	pthread_mutex_t m;
	int locked;
	unsigned magic;
};
struct HostWaiter {
	HostWaiter *next;
	HostWaiter *prev;
	bool woken;
};
struct HostWaitQueue {
	pthread_mutex_t m;
	pthread_cond_t c;
	HostWaiter *head;
	HostWaiter *tail;
	unsigned magic;
};
struct HostCompletion {
	pthread_mutex_t m;
	pthread_cond_t c;
	unsigned done;
	unsigned magic;
};
struct HostWorkqueue;
struct HostWork {
	HostWork *next;
	HostWork *prev;
	kcpp_work_fn fn;
	HostWorkqueue *wq;
	unsigned long long due_ns; // 0: runnable now
	int pending;
	int canceling;
	int delayed;
	unsigned magic;
};

#define KCPP_HOST_CHECK_LAYOUT(Type, NAME)                                                   \
	static_assert(sizeof(Type) == KCPP_SIZEOF_##NAME, #Type " does not match KCPP_SIZEOF_" #NAME); \
	static_assert(alignof(Type) == KCPP_ALIGNOF_##NAME, #Type " does not match KCPP_ALIGNOF_" #NAME)
KCPP_HOST_CHECK_LAYOUT(HostSpinLock, SPINLOCK);
KCPP_HOST_CHECK_LAYOUT(HostMutex, MUTEX);
KCPP_HOST_CHECK_LAYOUT(HostWaitQueue, WAIT_QUEUE_HEAD);
KCPP_HOST_CHECK_LAYOUT(HostCompletion, COMPLETION);
KCPP_HOST_CHECK_LAYOUT(int, REFCOUNT);
KCPP_HOST_CHECK_LAYOUT(HostWork, WORK);
KCPP_HOST_CHECK_LAYOUT(HostWork, DELAYED_WORK);
static_assert(KCPP_SIZEOF_LOCK_CLASS_KEY == 0, "the host keeps no lockdep state");
#undef KCPP_HOST_CHECK_LAYOUT

namespace {
HostSpinLock *S(kcpp_spinlock *l)
{
	auto *s = reinterpret_cast<HostSpinLock *>(l);
	if (s->magic != kLive)
		host_panic("spinlock used before kcpp_spin_lock_init");
	return s;
}
HostMutex *M(kcpp_mutex *l)
{
	auto *m = reinterpret_cast<HostMutex *>(l);
	if (m->magic == kDestroyed)
		host_panic("mutex used after kcpp_mutex_destroy");
	if (m->magic != kLive)
		host_panic("mutex used before kcpp_mutex_init");
	return m;
}
HostWaitQueue *WQ(kcpp_wait_queue_head *w)
{
	auto *q = reinterpret_cast<HostWaitQueue *>(w);
	if (q->magic != kLive)
		host_panic("wait queue used before kcpp_waitqueue_init");
	return q;
}
HostCompletion *C(kcpp_completion *c)
{
	auto *h = reinterpret_cast<HostCompletion *>(c);
	if (h->magic != kLive)
		host_panic("completion used before kcpp_completion_init");
	return h;
}
HostWork *W(kcpp_work *w)
{
	auto *h = reinterpret_cast<HostWork *>(w);
	if (h->magic != kLive)
		host_panic("work item used before kcpp_work_init");
	return h;
}
int *R(kcpp_refcount *r) { return reinterpret_cast<int *>(r); }

void spin_lock(HostSpinLock *s)
{
	int r = pthread_mutex_lock(&s->m);
	if (r == EDEADLK)
		host_panic("spin_lock: this thread already holds the lock (deadlock)");
	++t_preempt;
	__atomic_store_n(&s->locked, 1, __ATOMIC_RELAXED);
}
void spin_unlock(HostSpinLock *s)
{
	__atomic_store_n(&s->locked, 0, __ATOMIC_RELAXED);
	if (pthread_mutex_unlock(&s->m) != 0)
		host_panic("spin_unlock: this thread does not hold the lock");
	--t_preempt;
}
void mutex_lock(HostMutex *m)
{
	int r = pthread_mutex_lock(&m->m);
	if (r == EDEADLK)
		host_panic("mutex_lock: this thread already holds the mutex (deadlock)");
	__atomic_store_n(&m->locked, 1, __ATOMIC_RELAXED);
}
void mutex_unlock(HostMutex *m)
{
	__atomic_store_n(&m->locked, 0, __ATOMIC_RELAXED);
	if (pthread_mutex_unlock(&m->m) != 0)
		host_panic("mutex_unlock: this thread does not hold the mutex");
}

} // namespace

extern "C" {

// ---- runtime ------------------------------------------------------------------------------

void kcpp_panic(const char *file, int line, const char *msg) noexcept
{
	fprintf(stderr, "kcpp panic at %s:%d: %s\n", file, line, msg);
	fflush(stderr);
	abort();
}

void kcpp_warn(const char *file, int line, const char *msg) noexcept
{
	Log &l = log_state();
	char text[512];
	snprintf(text, sizeof(text), "%s:%d: %s", file, line, msg);
	{
		std::lock_guard<std::mutex> g(l.lock);
		++l.warnings;
		l.last_warning = text;
	}
	fprintf(stderr, "kcpp warning at %s\n", text);
}

void kcpp_print(int level, const char *msg, kcpp_size_t len) noexcept
{
	Log &l = log_state();
	std::string text(msg, len);
	if (getenv("KCPP_HOST_ECHO") != nullptr)
		fprintf(stderr, "<%d>%s\n", level, text.c_str());
	std::lock_guard<std::mutex> g(l.lock);
	l.lines.push_back({level, std::move(text)});
}

int kcpp_format_pointer(char *buf, kcpp_size_t size, const void *ptr) noexcept
{
	// scnprintf semantics: the number of characters written, without the NUL.
	if (size == 0)
		return 0;
	int n = snprintf(buf, size, "%p", ptr);
	if (n < 0)
		return 0;
	return static_cast<kcpp_size_t>(n) < size ? n : static_cast<int>(size - 1);
}

int kcpp_in_atomic(void) noexcept { return in_atomic(); }

// ---- allocation ---------------------------------------------------------------------------

void *kcpp_kmalloc(kcpp_size_t size, kcpp_gfp_t flags) noexcept
{
	return host_alloc(size, flags, kcpp_host::kmalloc_max_size);
}

void *kcpp_krealloc(const void *ptr, kcpp_size_t size, kcpp_gfp_t flags) noexcept
{
	if (is_zero_or_null(ptr))
		return kcpp_kmalloc(size, flags);
	if (size == 0) {
		kcpp_kfree(ptr);
		return kZeroSizePtr;
	}
	t_last_gfp = flags;
	if (flags & kGfpDirectReclaim)
		might_sleep("krealloc that may sleep");
	if (should_fail())
		return nullptr;
	if (size > kcpp_host::kmalloc_max_size) {
		if (!(flags & KCPP_GFP_NOWARN))
			kcpp_warn(__FILE__, __LINE__, "krealloc larger than KMALLOC_MAX_SIZE");
		return nullptr;
	}
	if (!unregister_block(ptr))
		host_panic("krealloc of a pointer that kmalloc did not return");
	void *p = realloc(const_cast<void *>(ptr), size);
	if (p == nullptr) {
		register_block(ptr, 0);
		return nullptr;
	}
	register_block(p, size);
	return p;
}

void kcpp_kfree(const void *ptr) noexcept
{
	if (is_zero_or_null(ptr))
		return;
	// Not registered: memory from the host's operator new (see above), or a double kfree,
	// which free() hands to ASan to report.
	unregister_block(ptr);
	free(const_cast<void *>(ptr));
}

void *kcpp_kvmalloc(kcpp_size_t size, kcpp_gfp_t flags) noexcept { return host_alloc(size, flags, 1ul << 30); }

void kcpp_kvfree(const void *ptr) noexcept { kcpp_kfree(ptr); }

int kcpp_fault_inject_current(int enable) noexcept
{
	t_fail_alloc = enable != 0;
	t_fail_after = -1;
	return 0;
}

// ---- locks --------------------------------------------------------------------------------

void kcpp_spin_lock_init(kcpp_spinlock *lock, const char *, kcpp_lock_class_key *) noexcept
{
	auto *s = reinterpret_cast<HostSpinLock *>(lock);
	init_errorcheck_mutex(&s->m);
	s->locked = 0;
	s->magic = kLive;
}

void kcpp_spin_lock(kcpp_spinlock *lock) noexcept { spin_lock(S(lock)); }
void kcpp_spin_unlock(kcpp_spinlock *lock) noexcept { spin_unlock(S(lock)); }

int kcpp_spin_trylock(kcpp_spinlock *lock) noexcept
{
	HostSpinLock *s = S(lock);
	if (pthread_mutex_trylock(&s->m) != 0)
		return 0;
	++t_preempt;
	__atomic_store_n(&s->locked, 1, __ATOMIC_RELAXED);
	return 1;
}

unsigned long kcpp_spin_lock_irqsave(kcpp_spinlock *lock) noexcept
{
	HostSpinLock *s = S(lock);
	unsigned long flags = t_irqs_disabled;
	t_irqs_disabled = 1;
	spin_lock(s);
	return flags;
}

void kcpp_spin_unlock_irqrestore(kcpp_spinlock *lock, unsigned long flags) noexcept
{
	spin_unlock(S(lock));
	t_irqs_disabled = flags;
}

int kcpp_spin_is_locked(kcpp_spinlock *lock) noexcept { return __atomic_load_n(&S(lock)->locked, __ATOMIC_RELAXED); }

int kcpp_irqs_disabled(void) noexcept { return t_irqs_disabled != 0; }

void kcpp_mutex_init(kcpp_mutex *lock, const char *, kcpp_lock_class_key *) noexcept
{
	auto *m = reinterpret_cast<HostMutex *>(lock);
	init_errorcheck_mutex(&m->m);
	m->locked = 0;
	m->magic = kLive;
}

void kcpp_mutex_destroy(kcpp_mutex *lock) noexcept
{
	HostMutex *m = M(lock);
	if (__atomic_load_n(&m->locked, __ATOMIC_RELAXED)) {
		kcpp_warn(__FILE__, __LINE__, "mutex_destroy of a locked mutex");
		return;
	}
	pthread_mutex_destroy(&m->m);
	m->magic = kDestroyed;
}

void kcpp_mutex_lock(kcpp_mutex *lock) noexcept
{
	HostMutex *m = M(lock);
	might_sleep("mutex_lock");
	mutex_lock(m);
}

int kcpp_mutex_lock_interruptible(kcpp_mutex *lock) noexcept
{
	HostMutex *m = M(lock);
	might_sleep("mutex_lock_interruptible");
	for (;;) {
		// As the kernel: an uncontended lock is taken even with a signal pending.
		int r = pthread_mutex_trylock(&m->m);
		if (r == 0)
			break;
		if (t_task.signal.load())
			return -4; // -EINTR
		timespec ts = to_timespec(mono_ns() + kSignalPollNs);
		r = pthread_mutex_clocklock(&m->m, CLOCK_MONOTONIC, &ts);
		if (r == 0)
			break;
		if (r == EDEADLK)
			host_panic("mutex_lock_interruptible: this thread already holds the mutex (deadlock)");
	}
	__atomic_store_n(&m->locked, 1, __ATOMIC_RELAXED);
	return 0;
}

int kcpp_mutex_trylock(kcpp_mutex *lock) noexcept
{
	HostMutex *m = M(lock);
	if (pthread_mutex_trylock(&m->m) != 0)
		return 0;
	__atomic_store_n(&m->locked, 1, __ATOMIC_RELAXED);
	return 1;
}

void kcpp_mutex_unlock(kcpp_mutex *lock) noexcept { mutex_unlock(M(lock)); }

int kcpp_mutex_is_locked(kcpp_mutex *lock) noexcept { return __atomic_load_n(&M(lock)->locked, __ATOMIC_RELAXED); }

// ---- waiting ------------------------------------------------------------------------------

void kcpp_waitqueue_init(kcpp_wait_queue_head *wq, const char *, kcpp_lock_class_key *) noexcept
{
	auto *q = reinterpret_cast<HostWaitQueue *>(wq);
	pthread_mutex_init(&q->m, nullptr);
	init_monotonic_cond(&q->c);
	q->head = q->tail = nullptr;
	q->magic = kLive;
}

void kcpp_wake_up_one(kcpp_wait_queue_head *wq) noexcept
{
	HostWaitQueue *q = WQ(wq);
	pthread_mutex_lock(&q->m);
	for (HostWaiter *w = q->head; w != nullptr; w = w->next) {
		if (!w->woken) { // exclusive waiters: wake the first one not yet woken
			w->woken = true;
			break;
		}
	}
	pthread_cond_broadcast(&q->c);
	pthread_mutex_unlock(&q->m);
}

void kcpp_wake_up_all(kcpp_wait_queue_head *wq) noexcept
{
	HostWaitQueue *q = WQ(wq);
	pthread_mutex_lock(&q->m);
	for (HostWaiter *w = q->head; w != nullptr; w = w->next)
		w->woken = true;
	pthread_cond_broadcast(&q->c);
	pthread_mutex_unlock(&q->m);
}

} // extern "C"

namespace {

// The shape of src/sync/wait.c: queue, drop the caller's lock, sleep, retake it.
template <typename Unlock, typename Relock>
long condvar_sleep(kcpp_wait_queue_head *wq, int interruptible, long timeout, Unlock unlock, Relock relock)
{
	HostWaitQueue *q = WQ(wq);
	HostWaiter w{nullptr, nullptr, false};
	const unsigned long long deadline = deadline_after(timeout);

	pthread_mutex_lock(&q->m);
	w.prev = q->tail;
	if (q->tail != nullptr)
		q->tail->next = &w;
	else
		q->head = &w;
	q->tail = &w;
	unlock();
	might_sleep("condition variable wait");
	for (;;) {
		if (w.woken)
			break;
		if (interruptible && t_task.signal.load())
			break;
		if (deadline != kNoDeadline && mono_ns() >= deadline)
			break;
		cond_wait_until(&q->c, &q->m, deadline, interruptible);
	}
	const bool woken = w.woken;
	if (w.prev != nullptr)
		w.prev->next = w.next;
	else
		q->head = w.next;
	if (w.next != nullptr)
		w.next->prev = w.prev;
	else
		q->tail = w.prev;
	pthread_mutex_unlock(&q->m);
	relock();

	if (interruptible && t_task.signal.load())
		return -512; // -ERESTARTSYS
	if (timeout < 0)
		return 1;
	return woken ? jiffies_left(deadline) : 0;
}

// Shared by the completion waits: > 0 jiffies left (1 without timeout), 0, or -ERESTARTSYS.
long completion_wait(kcpp_completion *c, long timeout, bool interruptible)
{
	HostCompletion *h = C(c);
	might_sleep("wait_for_completion");
	const unsigned long long deadline = deadline_after(timeout);
	pthread_mutex_lock(&h->m);
	while (h->done == 0) {
		if (interruptible && t_task.signal.load()) {
			pthread_mutex_unlock(&h->m);
			return -512;
		}
		if (deadline != kNoDeadline && mono_ns() >= deadline) {
			pthread_mutex_unlock(&h->m);
			return 0;
		}
		cond_wait_until(&h->c, &h->m, deadline, interruptible);
	}
	if (h->done != UINT_MAX)
		--h->done;
	pthread_mutex_unlock(&h->m);
	return deadline == kNoDeadline ? 1 : jiffies_left(deadline);
}

} // namespace

extern "C" {

long kcpp_condvar_wait_mutex(kcpp_wait_queue_head *wq, kcpp_mutex *lock, int interruptible, long timeout) noexcept
{
	HostMutex *m = M(lock);
	return condvar_sleep(wq, interruptible, timeout, [m] { mutex_unlock(m); }, [m] { mutex_lock(m); });
}

long kcpp_condvar_wait_spin(kcpp_wait_queue_head *wq, kcpp_spinlock *lock, int interruptible, long timeout) noexcept
{
	HostSpinLock *s = S(lock);
	return condvar_sleep(wq, interruptible, timeout, [s] { spin_unlock(s); }, [s] { spin_lock(s); });
}

long kcpp_condvar_wait_spin_irqsave(kcpp_wait_queue_head *wq, kcpp_spinlock *lock, unsigned long *flags,
				    int interruptible, long timeout) noexcept
{
	HostSpinLock *s = S(lock);
	return condvar_sleep(
		wq, interruptible, timeout,
		[s, flags] {
			spin_unlock(s);
			t_irqs_disabled = *flags;
		},
		[s, flags] {
			*flags = t_irqs_disabled;
			t_irqs_disabled = 1;
			spin_lock(s);
		});
}

void kcpp_completion_init(kcpp_completion *c) noexcept
{
	auto *h = reinterpret_cast<HostCompletion *>(c);
	pthread_mutex_init(&h->m, nullptr);
	init_monotonic_cond(&h->c);
	h->done = 0;
	h->magic = kLive;
}

void kcpp_completion_reinit(kcpp_completion *c) noexcept
{
	HostCompletion *h = C(c);
	pthread_mutex_lock(&h->m);
	h->done = 0;
	pthread_mutex_unlock(&h->m);
}

void kcpp_complete(kcpp_completion *c) noexcept
{
	HostCompletion *h = C(c);
	pthread_mutex_lock(&h->m);
	if (h->done != UINT_MAX)
		++h->done;
	pthread_cond_broadcast(&h->c);
	pthread_mutex_unlock(&h->m);
}

void kcpp_complete_all(kcpp_completion *c) noexcept
{
	HostCompletion *h = C(c);
	pthread_mutex_lock(&h->m);
	h->done = UINT_MAX;
	pthread_cond_broadcast(&h->c);
	pthread_mutex_unlock(&h->m);
}

void kcpp_wait_for_completion(kcpp_completion *c) noexcept { (void)completion_wait(c, -1, false); }

unsigned long kcpp_wait_for_completion_timeout(kcpp_completion *c, unsigned long timeout) noexcept
{
	long t = timeout > static_cast<unsigned long>(LONG_MAX) ? -1 : static_cast<long>(timeout);
	return static_cast<unsigned long>(completion_wait(c, t, false));
}

int kcpp_wait_for_completion_interruptible(kcpp_completion *c) noexcept
{
	return completion_wait(c, -1, true) < 0 ? -512 : 0;
}

int kcpp_completion_done(kcpp_completion *c) noexcept
{
	HostCompletion *h = C(c);
	pthread_mutex_lock(&h->m);
	int done = h->done != 0;
	pthread_mutex_unlock(&h->m);
	return done;
}

// ---- reference counts: the kernel's refcount_t, saturating at REFCOUNT_SATURATED ------------

static constexpr int kRefcountSaturated = INT_MIN / 2;

static void refcount_saturate(int *r, const char *what)
{
	__atomic_store_n(r, kRefcountSaturated, __ATOMIC_RELAXED);
	kcpp_warn(__FILE__, __LINE__, what);
}

void kcpp_refcount_set(kcpp_refcount *r, int n) noexcept { __atomic_store_n(R(r), n, __ATOMIC_RELAXED); }

unsigned int kcpp_refcount_read(const kcpp_refcount *r) noexcept
{
	return static_cast<unsigned int>(__atomic_load_n(reinterpret_cast<const int *>(r), __ATOMIC_RELAXED));
}

void kcpp_refcount_inc(kcpp_refcount *r) noexcept
{
	int old = __atomic_fetch_add(R(r), 1, __ATOMIC_RELAXED);
	if (old == 0)
		refcount_saturate(R(r), "refcount_t: addition on 0; use-after-free.");
	else if (old < 0 || old == INT_MAX)
		refcount_saturate(R(r), "refcount_t: saturated; leaking memory.");
}

int kcpp_refcount_inc_not_zero(kcpp_refcount *r) noexcept
{
	int old = __atomic_load_n(R(r), __ATOMIC_RELAXED);
	do {
		if (old == 0)
			return 0;
	} while (!__atomic_compare_exchange_n(R(r), &old, static_cast<int>(static_cast<unsigned>(old) + 1u), true,
					      __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	if (old < 0 || old == INT_MAX)
		refcount_saturate(R(r), "refcount_t: saturated; leaking memory.");
	return 1;
}

int kcpp_refcount_dec_and_test(kcpp_refcount *r) noexcept
{
	int old = __atomic_fetch_sub(R(r), 1, __ATOMIC_RELEASE);
	if (old == 1) {
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		return 1;
	}
	if (old <= 0)
		refcount_saturate(R(r), "refcount_t: underflow; use-after-free.");
	return 0;
}

// ---- time and tasks -----------------------------------------------------------------------

unsigned long kcpp_jiffies(void) noexcept
{
	return kInitialJiffies + static_cast<unsigned long>((mono_ns() - g_start_ns) / kNsPerJiffy) +
	       g_jiffies_offset.load();
}

unsigned long kcpp_msecs_to_jiffies(unsigned int ms) noexcept
{
	if (static_cast<int>(ms) < 0)
		return kMaxJiffyOffset;
	constexpr unsigned int per = 1000 / KCPP_HZ;
	return (ms + per - 1) / per;
}

unsigned int kcpp_jiffies_to_msecs(unsigned long j) noexcept
{
	return static_cast<unsigned int>((1000 / KCPP_HZ) * j);
}

unsigned long long kcpp_ktime_get_ns(void) noexcept { return mono_ns(); }

void kcpp_msleep(unsigned int ms) noexcept
{
	might_sleep("msleep");
	sleep_ns(static_cast<unsigned long long>(ms) * 1000000ull);
}

void kcpp_usleep_range(unsigned long min_us, unsigned long) noexcept
{
	might_sleep("usleep_range");
	sleep_ns(static_cast<unsigned long long>(min_us) * 1000ull);
}

void kcpp_udelay(unsigned long us) noexcept
{
	const unsigned long long end = mono_ns() + static_cast<unsigned long long>(us) * 1000ull;
	while (mono_ns() < end) {
	}
}

void kcpp_might_sleep(void) noexcept { might_sleep("might_sleep"); }

void kcpp_cond_resched(void) noexcept
{
	might_sleep("cond_resched");
	sched_yield();
}

int kcpp_signal_pending(void) noexcept { return t_task.signal.load(); }

int kcpp_current_pid(void) noexcept { return static_cast<int>(gettid()); }

unsigned int kcpp_num_online_cpus(void) noexcept
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? static_cast<unsigned int>(n) : 1u;
}

} // extern "C"

// ---- work items ---------------------------------------------------------------------------

struct HostWorker {
	HostWorkqueue *wq = nullptr;
	HostWork *current = nullptr;
	std::thread thread;
};

struct HostWorkqueue {
	std::string name;
	HostWork *head = nullptr;
	HostWork *tail = nullptr;
	std::vector<HostWorker *> workers;
	bool stopping = false;
};

namespace {

// One lock and one condition variable for all work state: simple, and fast enough.
struct WorkState {
	std::mutex lock;
	std::condition_variable cv;
	std::vector<HostWorker *> workers; // of every workqueue
	HostWorkqueue *system = nullptr;
};
WorkState &work_state()
{
	static WorkState *s = new WorkState(); // never destroyed: workers outlive main()
	return *s;
}
thread_local HostWorker *t_worker = nullptr;

bool running_anywhere(WorkState &s, const HostWork *w)
{
	for (HostWorker *worker : s.workers)
		if (worker->current == w)
			return true;
	return false;
}

void unlink_work(HostWorkqueue *wq, HostWork *w)
{
	if (w->prev != nullptr)
		w->prev->next = w->next;
	else
		wq->head = w->next;
	if (w->next != nullptr)
		w->next->prev = w->prev;
	else
		wq->tail = w->prev;
	w->next = w->prev = nullptr;
}

void worker_main(HostWorker *self)
{
	WorkState &s = work_state();
	t_worker = self;
	HostWorkqueue *wq = self->wq;
	std::unique_lock<std::mutex> lk(s.lock);
	for (;;) {
		const unsigned long long now = mono_ns();
		unsigned long long earliest = kNoDeadline;
		HostWork *pick = nullptr;
		for (HostWork *w = wq->head; w != nullptr; w = w->next) {
			if (w->due_ns > now) {
				earliest = std::min(earliest, w->due_ns);
			} else if (!running_anywhere(s, w)) {
				pick = w;
				break;
			}
		}
		if (pick != nullptr) {
			unlink_work(wq, pick);
			pick->pending = 0;
			self->current = pick;
			kcpp_work_fn fn = pick->fn;
			lk.unlock();
			fn(reinterpret_cast<kcpp_work *>(pick)); // may free the item: not touched after
			lk.lock();
			self->current = nullptr;
			s.cv.notify_all();
			continue;
		}
		if (wq->stopping && wq->head == nullptr)
			break;
		if (earliest == kNoDeadline)
			s.cv.wait(lk);
		else
			s.cv.wait_for(lk, std::chrono::nanoseconds(earliest - now));
	}
	t_worker = nullptr;
}

HostWorkqueue *create_workqueue(const char *name, int max_active)
{
	auto *wq = new HostWorkqueue();
	wq->name = name != nullptr ? name : "";
	const int n = max_active <= 0 ? 2 : std::min(max_active, 4);
	WorkState &s = work_state();
	std::lock_guard<std::mutex> g(s.lock);
	for (int i = 0; i < n; ++i) {
		auto *worker = new HostWorker();
		worker->wq = wq;
		wq->workers.push_back(worker);
		s.workers.push_back(worker);
		worker->thread = std::thread(worker_main, worker);
	}
	return wq;
}

HostWorkqueue *resolve(kcpp_workqueue *wq)
{
	if (wq != nullptr)
		return reinterpret_cast<HostWorkqueue *>(wq);
	static std::once_flag once;
	std::call_once(once, [] { work_state().system = create_workqueue("events", 0); });
	return work_state().system;
}

int queue_work(kcpp_workqueue *wq, HostWork *w, unsigned long delay)
{
	HostWorkqueue *target = resolve(wq);
	WorkState &s = work_state();
	std::lock_guard<std::mutex> g(s.lock);
	if (w->pending || w->canceling)
		return 0;
	w->pending = 1;
	w->wq = target;
	w->due_ns = delay == 0 ? 0 : mono_ns() + static_cast<unsigned long long>(std::min(delay, kMaxJiffyOffset)) * kNsPerJiffy;
	w->next = nullptr;
	w->prev = target->tail;
	if (target->tail != nullptr)
		target->tail->next = w;
	else
		target->head = w;
	target->tail = w;
	s.cv.notify_all();
	return 1;
}

int cancel_work(HostWork *w)
{
	might_sleep("cancel_work_sync");
	WorkState &s = work_state();
	std::unique_lock<std::mutex> lk(s.lock);
	if (t_worker != nullptr && t_worker->current == w)
		host_panic("cancel_work_sync called by the work item itself (deadlock)");
	const int was_pending = w->pending;
	if (was_pending) {
		unlink_work(w->wq, w);
		w->pending = 0;
	}
	w->canceling = 1; // queueing fails until the running instance is done
	s.cv.wait(lk, [&] { return !running_anywhere(s, w); });
	w->canceling = 0;
	return was_pending;
}

void init_work(kcpp_work *work, kcpp_work_fn fn, bool delayed)
{
	auto *w = reinterpret_cast<HostWork *>(work);
	w->next = w->prev = nullptr;
	w->fn = fn;
	w->wq = nullptr;
	w->due_ns = 0;
	w->pending = 0;
	w->canceling = 0;
	w->delayed = delayed;
	w->magic = kLive;
}

} // namespace

extern "C" {

void kcpp_work_init(kcpp_work *work, kcpp_work_fn fn, const char *, kcpp_lock_class_key *) noexcept
{
	init_work(work, fn, false);
}

int kcpp_work_queue(kcpp_workqueue *wq, kcpp_work *work) noexcept { return queue_work(wq, W(work), 0); }

int kcpp_work_cancel_sync(kcpp_work *work) noexcept { return cancel_work(W(work)); }

int kcpp_work_flush(kcpp_work *work) noexcept
{
	HostWork *w = W(work);
	might_sleep("flush_work");
	WorkState &s = work_state();
	std::unique_lock<std::mutex> lk(s.lock);
	if (t_worker != nullptr && t_worker->current == w)
		host_panic("flush_work called by the work item itself (deadlock)");
	if (!w->pending && !running_anywhere(s, w))
		return 0;
	s.cv.wait(lk, [&] { return !w->pending && !running_anywhere(s, w); });
	return 1;
}

int kcpp_work_pending(kcpp_work *work) noexcept
{
	HostWork *w = W(work);
	std::lock_guard<std::mutex> g(work_state().lock);
	return w->pending;
}

void kcpp_delayed_work_init(kcpp_delayed_work *dwork, kcpp_work_fn fn, const char *, kcpp_lock_class_key *) noexcept
{
	// As src/task/workqueue.c: fn receives the delayed work's own storage pointer.
	init_work(reinterpret_cast<kcpp_work *>(dwork), fn, true);
}

int kcpp_delayed_work_queue(kcpp_workqueue *wq, kcpp_delayed_work *dwork, unsigned long delay) noexcept
{
	return queue_work(wq, W(reinterpret_cast<kcpp_work *>(dwork)), delay);
}

int kcpp_delayed_work_cancel_sync(kcpp_delayed_work *dwork) noexcept
{
	return cancel_work(W(reinterpret_cast<kcpp_work *>(dwork)));
}

kcpp_work *kcpp_delayed_work_to_work(kcpp_delayed_work *dwork) noexcept { return reinterpret_cast<kcpp_work *>(dwork); }

kcpp_workqueue *kcpp_workqueue_alloc(const char *name, unsigned int, int max_active) noexcept
{
	if (should_fail()) // alloc_workqueue allocates with GFP_KERNEL
		return nullptr;
	return reinterpret_cast<kcpp_workqueue *>(create_workqueue(name, max_active));
}

void kcpp_workqueue_destroy(kcpp_workqueue *raw) noexcept
{
	might_sleep("destroy_workqueue");
	HostWorkqueue *wq = resolve(raw);
	if (wq == work_state().system)
		host_panic("destroy_workqueue of the system workqueue");
	WorkState &s = work_state();
	{
		std::lock_guard<std::mutex> g(s.lock);
		wq->stopping = true;
		for (HostWork *w = wq->head; w != nullptr; w = w->next)
			w->due_ns = 0;
		s.cv.notify_all();
	}
	for (HostWorker *worker : wq->workers)
		worker->thread.join();
	{
		std::lock_guard<std::mutex> g(s.lock);
		for (HostWorker *worker : wq->workers) {
			std::erase(s.workers, worker);
			delete worker;
		}
	}
	delete wq;
}

void kcpp_workqueue_flush(kcpp_workqueue *raw) noexcept
{
	might_sleep("flush_workqueue");
	HostWorkqueue *wq = resolve(raw);
	WorkState &s = work_state();
	std::unique_lock<std::mutex> lk(s.lock);
	const unsigned long long start = mono_ns();
	s.cv.wait(lk, [&] {
		for (HostWork *w = wq->head; w != nullptr; w = w->next)
			if (w->due_ns <= start)
				return false;
		for (HostWorker *worker : wq->workers)
			if (worker->current != nullptr)
				return false;
		return true;
	});
}

// ---- user memory --------------------------------------------------------------------------

unsigned long kcpp_copy_from_user(void *to, kcpp_uptr_t from, unsigned long n) noexcept
{
	const unsigned long ok = user_accessible(from, n);
	if (ok > 0)
		memcpy(to, reinterpret_cast<const void *>(from), ok);
	if (ok < n) // copy_from_user zeroes what it could not copy
		memset(static_cast<char *>(to) + ok, 0, n - ok);
	return n - ok;
}

unsigned long kcpp_copy_to_user(kcpp_uptr_t to, const void *from, unsigned long n) noexcept
{
	const unsigned long ok = user_accessible(to, n);
	if (ok > 0)
		memcpy(reinterpret_cast<void *>(to), from, ok);
	return n - ok;
}

// The whole-object copies behave the same on the host (no hardened usercopy here).
unsigned long kcpp_copy_object_from_user(void *to, kcpp_uptr_t from, unsigned long n) noexcept
{
	return kcpp_copy_from_user(to, from, n);
}

unsigned long kcpp_copy_object_to_user(kcpp_uptr_t to, const void *from, unsigned long n) noexcept
{
	return kcpp_copy_to_user(to, from, n);
}

unsigned long kcpp_clear_user(kcpp_uptr_t to, unsigned long n) noexcept
{
	const unsigned long ok = user_accessible(to, n);
	if (ok > 0)
		memset(reinterpret_cast<void *>(to), 0, ok);
	return n - ok;
}

// ---- test-only oracles (the kernel's readl & co. are plain volatile accesses on x86) ----

unsigned int kcpp_c_readl(const volatile void *addr) noexcept { return *static_cast<const volatile unsigned int *>(addr); }
void kcpp_c_writel(unsigned int val, volatile void *addr) noexcept { *static_cast<volatile unsigned int *>(addr) = val; }
unsigned long long kcpp_c_readq(const volatile void *addr) noexcept
{
	return *static_cast<const volatile unsigned long long *>(addr);
}
void kcpp_c_writeq(unsigned long long val, volatile void *addr) noexcept
{
	*static_cast<volatile unsigned long long *>(addr) = val;
}

} // extern "C"

// ---- KUnit ----------------------------------------------------------------------------------

namespace {
struct HostKunit {
	kcpp_host::KunitResult *result;
	jmp_buf abort_jump;
	std::vector<void *> user_blocks; // kcpp_kunit_alloc_user, freed with the case
};
std::mutex g_kunit_lock;
std::map<std::string, kcpp_kunit_suite_def> &kunit_suites()
{
	static auto *m = new std::map<std::string, kcpp_kunit_suite_def>();
	return *m;
}
HostKunit *K(kcpp_kunit *t) { return reinterpret_cast<HostKunit *>(t); }
} // namespace

extern "C" {

void kcpp_kunit_fill_suite(void *, const kcpp_kunit_suite_def *def) noexcept
{
	std::lock_guard<std::mutex> g(g_kunit_lock);
	kunit_suites()[def->name] = *def;
}

void kcpp_kunit_fail(kcpp_kunit *test, const char *file, int line, const char *msg) noexcept
{
	kcpp_host::KunitResult *r = K(test)->result;
	r->failed = true;
	r->messages.push_back(std::string(file) + ":" + std::to_string(line) + ": " + msg);
}

void kcpp_kunit_abort(kcpp_kunit *test, const char *file, int line, const char *msg) noexcept
{
	kcpp_kunit_fail(test, file, line, msg);
	K(test)->result->aborted = true;
	longjmp(K(test)->abort_jump, 1);
}

void kcpp_kunit_skip(kcpp_kunit *test, const char *reason) noexcept
{
	K(test)->result->skipped = true;
	K(test)->result->skip_reason = reason;
}

void kcpp_kunit_log(kcpp_kunit *test, const char *msg) noexcept { K(test)->result->messages.push_back(msg); }

// "User memory" of the test case: host memory (a user address is a host address here).
kcpp_uptr_t kcpp_kunit_alloc_user(kcpp_kunit *test, kcpp_size_t size) noexcept
{
	void *p = calloc(1, size ? size : 1);
	if (p == nullptr)
		return 0;
	K(test)->user_blocks.push_back(p);
	return reinterpret_cast<kcpp_uptr_t>(p);
}

} // extern "C"

// ---- module parameters: the host's kcpp_param_ops (src/params/params.c) and module ------------

struct kcpp_kernel_param_ops {
	int (*set)(const char *val, const kcpp::param::KernelParam *kp);
	int (*get)(char *buffer, const kcpp::param::KernelParam *kp);
};
struct kcpp_module {
	const char *name;
};

namespace {
int host_param_ops_set(const char *val, const kcpp::param::KernelParam *kp)
{
	int err = kcpp_param_set(kp->arg, kp->name, val);
	if (err) {
		char line[256];
		int n = snprintf(line, sizeof(line), "kcpp_host_tests: parameter '%s': invalid value '%s' (%d)", kp->name,
				 val ? val : "(none)", err);
		kcpp_print(3, line, static_cast<kcpp_size_t>(std::min<int>(n, sizeof(line) - 1)));
	}
	return err;
}
int host_param_ops_get(char *buffer, const kcpp::param::KernelParam *kp)
{
	return kcpp_param_get(kp->arg, buffer, KCPP_PAGE_SIZE);
}
} // namespace

// Declared extern "C" in kcpp/bindings.h.
const kcpp_kernel_param_ops kcpp_param_ops = {host_param_ops_set, host_param_ops_get};
kcpp_module __this_module = {"kcpp_host_tests"};

// The __param section as the linker delimits it (weak: a binary may define no parameter).
extern "C" {
extern const kcpp::param::KernelParam __start___param[] __attribute__((weak));
extern const kcpp::param::KernelParam __stop___param[] __attribute__((weak));
}

// ---- test hooks -----------------------------------------------------------------------------

namespace kcpp_host {

std::vector<LogLine> log_lines()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	return l.lines;
}

std::string last_log()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	return l.lines.empty() ? std::string() : l.lines.back().text;
}

void clear_log()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	l.lines.clear();
}

int warn_count()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	return l.warnings;
}

std::string last_warning()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	return l.last_warning;
}

void reset_warnings()
{
	Log &l = log_state();
	std::lock_guard<std::mutex> g(l.lock);
	l.warnings = 0;
	l.last_warning.clear();
}

long live_allocations()
{
	Registry &r = registry();
	std::lock_guard<std::mutex> g(r.lock);
	return static_cast<long>(r.blocks.size());
}

unsigned int last_gfp() { return t_last_gfp; }

void fail_allocations_after(long n)
{
	t_fail_alloc = true;
	t_fail_after = n;
}

void set_user_fault_range(std::uintptr_t lo, std::uintptr_t hi)
{
	g_fault_lo = lo;
	g_fault_hi = hi;
}

void clear_user_fault_range() { set_user_fault_range(0, 0); }

Task *current_task() { return &t_task; }
void send_signal(Task *task) { task->signal = true; }
void flush_signals(Task *task) { task->signal = false; }
int preempt_count() { return t_preempt; }

void set_jiffies_offset(unsigned long offset) { g_jiffies_offset = offset; }

const kcpp_kunit_suite_def *kunit_suite(const char *name)
{
	std::lock_guard<std::mutex> g(g_kunit_lock);
	auto it = kunit_suites().find(name);
	return it == kunit_suites().end() ? nullptr : &it->second;
}

KunitResult kunit_run_case(const kcpp_kunit_case_def &c)
{
	// Heap-held so that its state is well defined after the longjmp of an abort.
	auto result = std::make_unique<KunitResult>();
	auto test = std::make_unique<HostKunit>();
	test->result = result.get();
	if (setjmp(test->abort_jump) == 0)
		c.run(reinterpret_cast<kcpp_kunit *>(test.get()));
	for (void *p : test->user_blocks)
		free(p);
	return *result;
}

const kcpp::param::KernelParam *find_param(const char *name)
{
	if (__start___param == nullptr)
		return nullptr;
	for (const kcpp::param::KernelParam *kp = __start___param; kp != __stop___param; ++kp)
		if (strcmp(kp->name, name) == 0)
			return kp;
	return nullptr;
}

int set_param(const char *name, const char *val)
{
	const kcpp::param::KernelParam *kp = find_param(name);
	if (kp == nullptr)
		return -2; // -ENOENT, as parse_args for an unknown parameter
	return kp->ops->set(val, kp);
}

std::string get_param(const char *name)
{
	const kcpp::param::KernelParam *kp = find_param(name);
	if (kp == nullptr)
		return "<no such parameter>";
	std::vector<char> page(KCPP_PAGE_SIZE);
	int n = kp->ops->get(page.data(), kp);
	return n < 0 ? "<error>" : std::string(page.data(), static_cast<std::size_t>(n));
}

} // namespace kcpp_host
