// Memory-bound tensor kernels of @edl/ops that the wasm backend runs slowly on NHWC training graphs: Tile (the
// BatchNorm gradient broadcasts a per-channel vector to the full activation with it) and Sum / Mean over leading
// axes (per-channel reductions of BatchNorm and its gradient). Plain C++; the compiler vectorises the loops.
#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "tensor-kernels.h"

namespace {

void tile_rec(const unsigned char* x, unsigned char* out, const int* shape, const int* reps, int rank, int d,
              const size_t* xstride, const size_t* ostride, size_t elem) {
  if (d == rank - 1) {
    const size_t row = (size_t)shape[d] * elem;
    for (int r = 0; r < reps[d]; r++) memcpy(out + r * row, x, row);
    return;
  }
  for (int i = 0; i < shape[d]; i++)
    tile_rec(x + i * xstride[d] * elem, out + i * ostride[d] * elem, shape, reps, rank, d + 1, xstride, ostride, elem);
  // the other repetitions of this axis are copies of the block just written
  const size_t block = (size_t)shape[d] * ostride[d] * elem;
  for (int r = 1; r < reps[d]; r++) memcpy(out + r * block, out, block);
}

struct ReduceCtx {
  const float* x;
  size_t outer, inner;
  float* partials;  // [nparts][inner]
  int nparts;
};

// inner == 1: a flat sum, 16 independent lanes so the compiler vectorises it.
void reduce_flat_part(const ReduceCtx& c, int p0, int p1) {
  for (int p = p0; p < p1; p++) {
    const size_t r0 = c.outer * p / c.nparts, r1 = c.outer * (p + 1) / c.nparts;
    float lanes[16] = {0};
    double total = 0;
    size_t r = r0;
    for (; r + 16 <= r1;) {
      const size_t end = r + 4096 < r1 ? r + 4096 : r1;
      for (; r + 16 <= end; r += 16)
        for (int l = 0; l < 16; l++) lanes[l] += c.x[r + l];
      for (int l = 0; l < 16; l++) {
        total += lanes[l];
        lanes[l] = 0.f;
      }
    }
    for (; r < r1; r++) total += c.x[r];
    c.partials[p] = (float)total;
  }
}

void reduce_part(void* vctx, int p0, int p1) {
  const ReduceCtx& c = *static_cast<ReduceCtx*>(vctx);
  if (c.inner == 1) {
    reduce_flat_part(c, p0, p1);
    return;
  }
  const size_t block = 256;  // rows summed into a block total before it joins the running sum (less round-off)
  float* tmp = static_cast<float*>(malloc(sizeof(float) * c.inner));
  for (int p = p0; p < p1; p++) {
    float* acc = c.partials + (size_t)p * c.inner;
    const size_t r0 = c.outer * p / c.nparts, r1 = c.outer * (p + 1) / c.nparts;
    for (size_t b = r0; b < r1; b += block) {
      const size_t be = b + block < r1 ? b + block : r1;
      memcpy(tmp, c.x + b * c.inner, sizeof(float) * c.inner);
      for (size_t r = b + 1; r < be; r++) {
        const float* row = c.x + r * c.inner;
        for (size_t j = 0; j < c.inner; j++) tmp[j] += row[j];
      }
      for (size_t j = 0; j < c.inner; j++) acc[j] += tmp[j];
    }
  }
  free(tmp);
}

}  // namespace

extern "C" void edl_tile(const void* x, const int* shape, const int* reps, int rank, size_t elem, void* out) {
  if (rank == 0) {
    memcpy(out, x, elem);
    return;
  }
  size_t xstride[16], ostride[16];
  xstride[rank - 1] = ostride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) {
    xstride[d] = xstride[d + 1] * shape[d + 1];
    ostride[d] = ostride[d + 1] * (size_t)shape[d + 1] * reps[d + 1];
  }
  tile_rec(static_cast<const unsigned char*>(x), static_cast<unsigned char*>(out), shape, reps, rank, 0, xstride,
           ostride, elem);
}

extern "C" void edl_reduce_leading(const float* x, size_t outer, size_t inner, float scale, float* out, int nparts,
                                   edl_parallel_for pfor) {
  if ((size_t)nparts > outer / 64) nparts = (int)(outer / 64) > 1 ? (int)(outer / 64) : 1;
  float* partials = static_cast<float*>(calloc((size_t)nparts * inner, sizeof(float)));
  ReduceCtx c{x, outer, inner, partials, nparts};
  pfor(nparts, &c, reduce_part);
  for (size_t j = 0; j < inner; j++) {
    float s = 0.f;
    for (int p = 0; p < nparts; p++) s += partials[(size_t)p * inner + j];
    out[j] = s * scale;
  }
  free(partials);
}
