// Floating point compiled with SSE enabled: the kernel does not save FPU state.
// cxxflags: -msse -msse2 -mfpmath=sse
// expect: uses FPU/SIMD registers
double scale(double x, double y);
double scale(double x, double y) { return x * y + 0.5; }
