// A global with a dynamic initialiser: the module loader would never run it on Debian's
// kernel (no CONFIG_CONSTRUCTORS) and would on a KASAN kernel.
// expect: dynamic initialisation
int seed();
int seeded = seed();
