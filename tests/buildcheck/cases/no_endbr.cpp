// A function whose address sits in an ops table but that has no ENDBR: an indirect call to
// it faults on IBT hardware (QEMU's TCG would never show it).
// expect: has no ENDBR64
struct Ops {
	int (*get)(int);
};
__attribute__((nocf_check)) static int twice(int x) { return 2 * x; }
extern const Ops no_endbr_ops;
constinit const Ops no_endbr_ops = {reinterpret_cast<int (*)(int)>(twice)};
