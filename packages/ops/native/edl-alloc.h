// Scratch allocation of the @edl/ops native kernels: every kernel allocates through these, checks for null and
// returns EDL_ERR_OUT_OF_MEMORY. edl_debug_fail_allocations makes allocations fail on purpose, so that tests (the
// sanitizer harness, the addon's own tests) can walk every out-of-memory path.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void* edl_malloc(size_t bytes);
/** calloc(n, size); null on overflow of n * size too. */
void* edl_calloc(size_t n, size_t size);
void edl_free(void* p);

/**
 * Test hook: the next `n` allocations succeed and every one after them fails (process-wide, atomic); n < 0
 * turns failures off again (the default).
 */
void edl_debug_fail_allocations(int64_t n);

#ifdef __cplusplus
}
#endif
