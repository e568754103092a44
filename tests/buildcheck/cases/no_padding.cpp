// Function padding turned off for one object: call-depth-tracking thunks would be patched
// over whatever precedes the function.
// cxxflags: -fpatchable-function-entry=0,0
// expect: call padding
int add(int a, int b);
int add(int a, int b) { return a + b; }
