// The external-tool runner of the render tests, linked into test_report as well.
#include "tests/render/run.cpp"
