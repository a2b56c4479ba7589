// The process-wide conv algorithm choice of conv-algorithm.h (one definition, shared by every vector width).
#include "conv-algorithm.h"

#include <atomic>

namespace {
std::atomic<int> g_algorithm{EDL_CONV_ALGORITHM_AUTO};
}

extern "C" void edl_set_conv_algorithm(edl_conv_algorithm a) { g_algorithm.store((int)a); }
extern "C" edl_conv_algorithm edl_get_conv_algorithm(void) { return (edl_conv_algorithm)g_algorithm.load(); }
