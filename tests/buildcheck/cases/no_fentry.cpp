// Functions without ftrace records: ftrace and livepatch cannot see them.
// cxxflags: -mno-record-mcount
// expect: without an ftrace \(fentry\) record
int sub(int a, int b);
int sub(int a, int b) { return a - b; }
