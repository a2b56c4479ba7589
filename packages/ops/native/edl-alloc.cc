// See edl-alloc.h.
#include "edl-alloc.h"

#include <atomic>
#include <cstdlib>

namespace {
// Allocations left before they start failing; < 0: never fail.
std::atomic<int64_t> g_left{-1};

bool should_fail() {
  int64_t left = g_left.load(std::memory_order_relaxed);
  while (left >= 0) {
    if (left == 0) return true;
    if (g_left.compare_exchange_weak(left, left - 1, std::memory_order_relaxed)) return false;
  }
  return false;
}
}  // namespace

extern "C" void* edl_malloc(size_t bytes) { return should_fail() ? nullptr : std::malloc(bytes > 0 ? bytes : 1); }

extern "C" void* edl_calloc(size_t n, size_t size) {
  if (should_fail()) return nullptr;
  return std::calloc(n > 0 ? n : 1, size > 0 ? size : 1);
}

extern "C" void edl_free(void* p) { std::free(p); }

extern "C" void edl_debug_fail_allocations(int64_t n) { g_left.store(n < 0 ? -1 : n, std::memory_order_relaxed); }
