// Allocation without GFP flags does not compile.
// expect: allocation must name its GFP flags
#include <kcpp/new.h>
int *make();
int *make() { return new int(3); }
