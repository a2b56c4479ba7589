// Memory-bound tensor kernels of @edl/ops that the wasm backend runs slowly on NHWC training graphs: Tile (the
// BatchNorm gradient broadcasts a per-channel vector to the full activation with it) and Sum / Mean over leading
// axes (per-channel reductions of BatchNorm and its gradient). Plain C++; the compiler vectorises the loops.
#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstring>

#include "edl-alloc.h"
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
  std::atomic<int> status;
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
  ReduceCtx& c = *static_cast<ReduceCtx*>(vctx);
  if (c.inner == 1) {
    reduce_flat_part(c, p0, p1);
    return;
  }
  const size_t block = 256;  // rows summed into a block total before it joins the running sum (less round-off)
  float* tmp = static_cast<float*>(edl_malloc(sizeof(float) * c.inner));
  if (!tmp) {
    c.status.store(EDL_ERR_OUT_OF_MEMORY);
    return;
  }
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
  edl_free(tmp);
}

}  // namespace

extern "C" edl_status edl_tile(const void* x, const int* shape, const int* reps, int rank, size_t elem, void* out) {
  if (rank < 0 || rank > EDL_TILE_MAX_RANK) return EDL_ERR_INVALID_ARGUMENT;
  for (int d = 0; d < rank; d++)
    if (shape[d] <= 0 || reps[d] <= 0) return EDL_OK;  // an empty output
  if (rank == 0) {
    memcpy(out, x, elem);
    return EDL_OK;
  }
  size_t xstride[EDL_TILE_MAX_RANK], ostride[EDL_TILE_MAX_RANK];
  xstride[rank - 1] = ostride[rank - 1] = 1;
  for (int d = rank - 2; d >= 0; d--) {
    xstride[d] = xstride[d + 1] * shape[d + 1];
    ostride[d] = ostride[d + 1] * (size_t)shape[d + 1] * reps[d + 1];
  }
  tile_rec(static_cast<const unsigned char*>(x), static_cast<unsigned char*>(out), shape, reps, rank, 0, xstride,
           ostride, elem);
  return EDL_OK;
}

extern "C" edl_status edl_reduce_leading(const float* x, size_t outer, size_t inner, float scale, float* out,
                                         const edl_parallel* par) {
  if (outer == 0 || inner == 0) return EDL_ERR_INVALID_ARGUMENT;
  int nparts = par->threads;
  if ((size_t)nparts > outer / 64) nparts = outer / 64 > 1 ? (int)(outer / 64) : 1;
  float* partials = static_cast<float*>(edl_calloc((size_t)nparts * inner, sizeof(float)));
  if (!partials) return EDL_ERR_OUT_OF_MEMORY;
  ReduceCtx c{x, outer, inner, partials, nparts, {EDL_OK}};
  edl_pfor(par, nparts, &c, reduce_part);
  for (size_t j = 0; j < inner; j++) {
    float s = 0.f;
    for (int p = 0; p < nparts; p++) s += partials[(size_t)p * inner + j];
    out[j] = s * scale;
  }
  edl_free(partials);
  return (edl_status)c.status.load();
}

namespace {

// Elementwise a op b where an operand is either full (n elements) or repeats with period m (m = 1: a scalar).
struct BinaryCtx {
  int op;  // edl_binary_op
  const float *a, *b;
  size_t na, nb, n;
  float* out;
  size_t block;  // elements per job
};

template <int OP>
inline float apply(float x, float y) {
  return OP == EDL_BINARY_ADD ? x + y : OP == EDL_BINARY_SUB ? x - y : x * y;
}

template <int OP>
void binary_range(const BinaryCtx& c, size_t i0, size_t i1) {
  if (c.na == c.n && c.nb == c.n) {
    for (size_t i = i0; i < i1; i++) c.out[i] = apply<OP>(c.a[i], c.b[i]);
  } else if (c.nb == 1) {
    const float y = c.b[0];
    for (size_t i = i0; i < i1; i++) c.out[i] = apply<OP>(c.a[i], y);
  } else if (c.na == 1) {
    const float x = c.a[0];
    for (size_t i = i0; i < i1; i++) c.out[i] = apply<OP>(x, c.b[i]);
  } else if (c.nb < c.n) {  // b repeats with period nb; jobs start at multiples of it
    for (size_t r = i0; r < i1; r += c.nb)
      for (size_t j = 0; j < c.nb; j++) c.out[r + j] = apply<OP>(c.a[r + j], c.b[j]);
  } else {
    for (size_t r = i0; r < i1; r += c.na)
      for (size_t j = 0; j < c.na; j++) c.out[r + j] = apply<OP>(c.a[j], c.b[r + j]);
  }
}

void binary_part(void* v, int p0, int p1) {
  const BinaryCtx& c = *static_cast<BinaryCtx*>(v);
  const size_t i0 = (size_t)p0 * c.block, i1 = (size_t)p1 * c.block < c.n ? (size_t)p1 * c.block : c.n;
  if (c.op == EDL_BINARY_ADD) binary_range<EDL_BINARY_ADD>(c, i0, i1);
  else if (c.op == EDL_BINARY_SUB) binary_range<EDL_BINARY_SUB>(c, i0, i1);
  else binary_range<EDL_BINARY_MUL>(c, i0, i1);
}

}  // namespace

extern "C" edl_status edl_binary(int op, const float* a, size_t na, const float* b, size_t nb, float* out, size_t n,
                                 const edl_parallel* par) {
  if (op < EDL_BINARY_ADD || op > EDL_BINARY_MUL || na == 0 || nb == 0 || n % na != 0 || n % nb != 0 ||
      (na != n && nb != n))
    return EDL_ERR_INVALID_ARGUMENT;
  const size_t period = na < n ? na : nb < n ? nb : 1;
  // jobs of about 64 K elements, a multiple of the period so every job starts a period
  size_t block = 1 << 16;
  if (period > 1) block = ((block + period - 1) / period) * period;
  BinaryCtx c{op, a, b, na, nb, n, out, block};
  if (n <= (1u << 15)) {
    binary_part(&c, 0, (int)((n + block - 1) / block));  // small: no thread wake-up
    return EDL_OK;
  }
  edl_pfor(par, (int)((n + block - 1) / block), &c, binary_part);
  return EDL_OK;
}

namespace {

struct BatchNormCtx {
  const float* x;
  size_t rows, channels;
  const float *mean, *mul, *offset;  // per channel: mul = scale / sqrt(var + eps)
  float* out;
};

void batch_norm_rows(void* v, int p0, int p1) {
  const BatchNormCtx& c = *static_cast<BatchNormCtx*>(v);
  const size_t block = 256;
  const size_t r0 = (size_t)p0 * block, r1 = (size_t)p1 * block < c.rows ? (size_t)p1 * block : c.rows;
  for (size_t r = r0; r < r1; r++) {
    const float* x = c.x + r * c.channels;
    float* o = c.out + r * c.channels;
    for (size_t j = 0; j < c.channels; j++) o[j] = (x[j] - c.mean[j]) * c.mul[j] + c.offset[j];
  }
}

}  // namespace

extern "C" edl_status edl_batch_norm(const float* x, size_t n, size_t channels, const float* mean, size_t nmean,
                                     const float* var, size_t nvar, const float* scale, size_t nscale,
                                     const float* offset, size_t noffset, float eps, float* out,
                                     const edl_parallel* par) {
  if (channels == 0 || n % channels != 0) return EDL_ERR_INVALID_ARGUMENT;
  // per-channel parameters (each of size 1 or `channels`; scale / offset may be null: 1 / 0)
  float* m = static_cast<float*>(edl_calloc(channels, sizeof(float) * 3));
  if (!m) return EDL_ERR_OUT_OF_MEMORY;
  float* mul = m + channels;
  float* off = m + 2 * channels;
  for (size_t j = 0; j < channels; j++) {
    const float v = var[nvar == 1 ? 0 : j];
    const float s = scale ? scale[nscale == 1 ? 0 : j] : 1.f;
    m[j] = mean[nmean == 1 ? 0 : j];
    mul[j] = s / std::sqrt(v + eps);
    off[j] = offset ? offset[noffset == 1 ? 0 : j] : 0.f;
  }
  BatchNormCtx c{x, n / channels, channels, m, mul, off, out};
  const size_t jobs = (c.rows + 255) / 256;
  if (n <= (1u << 15)) batch_norm_rows(&c, 0, (int)jobs);
  else edl_pfor(par, (int)jobs, &c, batch_norm_rows);
  edl_free(m);
  return EDL_OK;
}

namespace {

struct UnaryCtx {
  int op;  // edl_unary_op: sign, or clip to [lo, hi]
  const float* x;
  float lo, hi;
  float* out;
  size_t n, block;
};

void unary_part(void* v, int p0, int p1) {
  const UnaryCtx& c = *static_cast<UnaryCtx*>(v);
  const size_t i0 = (size_t)p0 * c.block, i1 = (size_t)p1 * c.block < c.n ? (size_t)p1 * c.block : c.n;
  // as tfjs' cpu backend: sign(NaN) = sign(-0) = 0; clip passes NaN through
  if (c.op == EDL_UNARY_SIGN)
    for (size_t i = i0; i < i1; i++) c.out[i] = c.x[i] > 0.f ? 1.f : c.x[i] < 0.f ? -1.f : 0.f;
  else if (c.op == EDL_UNARY_RELU)  // relu(NaN) = NaN
    for (size_t i = i0; i < i1; i++) c.out[i] = c.x[i] < 0.f ? 0.f : c.x[i];
  else if (c.op == EDL_UNARY_STEP)  // step(NaN) = NaN; alpha (in lo) at or below 0
    for (size_t i = i0; i < i1; i++) c.out[i] = c.x[i] > 0.f ? 1.f : c.x[i] <= 0.f ? c.lo : c.x[i];
  else
    for (size_t i = i0; i < i1; i++) c.out[i] = c.x[i] > c.hi ? c.hi : c.x[i] < c.lo ? c.lo : c.x[i];
}

}  // namespace

extern "C" edl_status edl_unary(int op, const float* x, size_t n, float lo, float hi, float* out,
                                const edl_parallel* par) {
  if (op < EDL_UNARY_SIGN || op > EDL_UNARY_STEP) return EDL_ERR_INVALID_ARGUMENT;
  UnaryCtx c{op, x, lo, hi, out, n, (size_t)1 << 16};
  const int jobs = (int)((n + c.block - 1) / c.block);
  if (n <= (1u << 15)) unary_part(&c, 0, jobs);
  else edl_pfor(par, jobs, &c, unary_part);
  return EDL_OK;
}

namespace {

// Per-channel sums over a range of rows for the training BatchNorm: s1 = sum a, s2 = sum a b (forward: a = b =
// x - shift; gradient: a = dy, b = x - mean). Rows are summed in float in blocks of 64, the blocks in double.
struct BnSumsCtx {
  const float *a, *b;  // b null: b = a
  const float* shift;  // subtracted from a (forward, b null) or from b (gradient)
  size_t rows, channels;
  int nparts;
  double* sums;  // [nparts][2][channels]
  std::atomic<int> status;
};

void bn_sums_part(void* v, int p0, int p1) {
  BnSumsCtx& c = *static_cast<BnSumsCtx*>(v);
  const size_t C = c.channels;
  float* f = static_cast<float*>(edl_malloc(sizeof(float) * 2 * C));
  if (!f) {
    c.status.store(EDL_ERR_OUT_OF_MEMORY);
    return;
  }
  float* f1 = f;
  float* f2 = f + C;
  for (int p = p0; p < p1; p++) {
    double* d1 = c.sums + (size_t)p * 2 * C;
    double* d2 = d1 + C;
    const size_t r0 = c.rows * p / c.nparts, r1 = c.rows * (p + 1) / c.nparts;
    for (size_t blk = r0; blk < r1; blk += 64) {
      const size_t be = blk + 64 < r1 ? blk + 64 : r1;
      for (size_t j = 0; j < C; j++) f1[j] = f2[j] = 0.f;
      for (size_t r = blk; r < be; r++) {
        const float* ar = c.a + r * C;
        if (c.b == nullptr) {
          for (size_t j = 0; j < C; j++) {
            const float d = ar[j] - c.shift[j];
            f1[j] += d;
            f2[j] += d * d;
          }
        } else {
          const float* br = c.b + r * C;
          for (size_t j = 0; j < C; j++) {
            f1[j] += ar[j];
            f2[j] += ar[j] * (br[j] - c.shift[j]);
          }
        }
      }
      for (size_t j = 0; j < C; j++) {
        d1[j] += f1[j];
        d2[j] += f2[j];
      }
    }
  }
  edl_free(f);
}

/** Runs bn_sums_part over `rows` and adds the parts into out1 / out2 (double, `channels` each). */
edl_status bn_sums(const float* a, const float* b, const float* shift, size_t rows, size_t channels, double* out1,
                   double* out2, const edl_parallel* par) {
  int nparts = par->threads;
  if ((size_t)nparts * 256 > rows) nparts = rows / 256 > 1 ? (int)(rows / 256) : 1;
  double* sums = static_cast<double*>(edl_calloc((size_t)nparts * 2 * channels, sizeof(double)));
  if (!sums) return EDL_ERR_OUT_OF_MEMORY;
  BnSumsCtx c{a, b, shift, rows, channels, nparts, sums, {EDL_OK}};
  if (nparts == 1) bn_sums_part(&c, 0, 1);
  else edl_pfor(par, nparts, &c, bn_sums_part);
  for (size_t j = 0; j < channels; j++) {
    double s1 = 0, s2 = 0;
    for (int p = 0; p < nparts; p++) {
      s1 += sums[(size_t)p * 2 * channels + j];
      s2 += sums[(size_t)p * 2 * channels + channels + j];
    }
    out1[j] = s1;
    out2[j] = s2;
  }
  edl_free(sums);
  return (edl_status)c.status.load();
}

// Forward (xmul null): out = (a - sub) mul + add. Gradient: out = a mul + (x - sub) xmul + add. Per channel.
struct AffineCtx {
  const float *a, *x;
  const float *sub, *mul, *xmul, *add;
  float* out;
  size_t rows, channels;
};

void affine_rows(void* v, int p0, int p1) {
  const AffineCtx& c = *static_cast<AffineCtx*>(v);
  const size_t r0 = (size_t)p0 * 256, r1 = (size_t)p1 * 256 < c.rows ? (size_t)p1 * 256 : c.rows;
  const size_t C = c.channels;
  for (size_t r = r0; r < r1; r++) {
    const float* a = c.a + r * C;
    float* o = c.out + r * C;
    if (c.xmul) {
      const float* x = c.x + r * C;
      for (size_t j = 0; j < C; j++) o[j] = a[j] * c.mul[j] + (x[j] - c.sub[j]) * c.xmul[j] + c.add[j];
    } else {
      for (size_t j = 0; j < C; j++) o[j] = (a[j] - c.sub[j]) * c.mul[j] + c.add[j];
    }
  }
}

void affine(AffineCtx& c, const edl_parallel* par) {
  const int jobs = (int)((c.rows + 255) / 256);
  if (c.rows * c.channels <= (1u << 15)) affine_rows(&c, 0, jobs);
  else edl_pfor(par, jobs, &c, affine_rows);
}

}  // namespace

extern "C" edl_status edl_batch_norm_train(const float* x, size_t rows, size_t channels, const float* scale,
                                           const float* offset, float eps, float* y, float* mean, float* var,
                                           const edl_parallel* par) {
  if (rows == 0 || channels == 0) return EDL_ERR_INVALID_ARGUMENT;
  const size_t C = channels;
  // doubles: s1, s2 (2C); floats: mul, add (2C)
  double* s = static_cast<double*>(edl_malloc(sizeof(double) * 2 * C + sizeof(float) * 2 * C));
  if (!s) return EDL_ERR_OUT_OF_MEMORY;
  float* mul = reinterpret_cast<float*>(s + 2 * C);
  float* add = mul + C;
  // shifted by the first row: sums of x - x[0] lose less to cancellation when |mean| >> std
  const edl_status st = bn_sums(x, nullptr, x, rows, C, s, s + C, par);
  if (st != EDL_OK) {
    edl_free(s);
    return st;
  }
  for (size_t j = 0; j < C; j++) {
    const double m1 = s[j] / (double)rows;
    double v = s[C + j] / (double)rows - m1 * m1;
    if (v < 0) v = 0;                        // round-off; NaN stays NaN
    const double m = (double)x[j] + m1;
    mean[j] = (float)m;
    var[j] = (float)v;
    const double g = scale ? (double)scale[j] : 1.0;
    const double inv = 1.0 / std::sqrt((double)(float)v + (double)eps);
    mul[j] = (float)(g * inv);
    add[j] = offset ? offset[j] : 0.f;
  }
  AffineCtx c{x, nullptr, mean, mul, nullptr, add, y, rows, C};
  affine(c, par);
  edl_free(s);
  return EDL_OK;
}

extern "C" edl_status edl_batch_norm_train_grad(const float* dy, const float* x, size_t rows, size_t channels,
                                                const float* scale, const float* mean, const float* var, float eps,
                                                const float* dmean, const float* dvar, float* dx, float* dscale,
                                                float* doffset, const edl_parallel* par) {
  if (rows == 0 || channels == 0) return EDL_ERR_INVALID_ARGUMENT;
  const size_t C = channels;
  double* s = static_cast<double*>(edl_malloc(sizeof(double) * 2 * C + sizeof(float) * 3 * C));
  if (!s) return EDL_ERR_OUT_OF_MEMORY;
  float* amul = reinterpret_cast<float*>(s + 2 * C);
  float* xmul = amul + C;
  float* add = xmul + C;
  // s1 = sum dy, s2 = sum dy (x - mean)
  const edl_status st = bn_sums(dy, x, mean, rows, C, s, s + C, par);
  if (st != EDL_OK) {
    edl_free(s);
    return st;
  }
  const double n = (double)rows;
  for (size_t j = 0; j < C; j++) {
    const double inv = 1.0 / std::sqrt((double)var[j] + (double)eps);
    const double g = scale ? (double)scale[j] : 1.0;
    const double sdy = s[j], sdyx = s[C + j];
    if (doffset) doffset[j] = (float)sdy;
    if (dscale) dscale[j] = (float)(sdyx * inv);
    // dx = A dy + Cx (x - mean) + B, with A = g inv, B = (dmean - A sdy) / n,
    // Cx = (2 dvar - A inv^2 sdyx) / n   (x-hat = (x - mean) inv, dgamma = sdyx inv)
    const double A = g * inv;
    const double B = ((dmean ? (double)dmean[j] : 0.0) - A * sdy) / n;
    const double Cx = ((dvar ? 2.0 * (double)dvar[j] : 0.0) - A * inv * inv * sdyx) / n;
    amul[j] = (float)A;
    xmul[j] = (float)Cx;
    add[j] = (float)B;
  }
  AffineCtx c{dy, x, mean, amul, xmul, add, dx, rows, C};
  affine(c, par);
  edl_free(s);
  return EDL_OK;
}

namespace {

// A window of x copied into out (Slice: offsets >= 0; PadV2: offsets <= 0, the positions outside x take `value`).
// Trailing axes copied whole are merged into the row, so a row is one memcpy of its in-range part.
struct WindowCtx {
  const unsigned char* x;
  unsigned char* out;
  int rank;  // after merging; the last axis is the row
  long long xshape[EDL_TILE_MAX_RANK], oshape[EDL_TILE_MAX_RANK], off[EDL_TILE_MAX_RANK];
  size_t xstride[EDL_TILE_MAX_RANK];  // in elements
  size_t rows;                        // output rows (product of oshape[0..rank-2])
  size_t elem;
  unsigned char value[8];  // one element's bytes
  size_t block;            // rows per job
};

void fill_value(unsigned char* dst, size_t count, const WindowCtx& c) {
  for (size_t i = 0; i < count; i++) memcpy(dst + i * c.elem, c.value, c.elem);
}

void window_part(void* v, int p0, int p1) {
  const WindowCtx& c = *static_cast<const WindowCtx*>(v);
  const int last = c.rank - 1;
  const long long olen = c.oshape[last], xlen = c.xshape[last], offl = c.off[last];
  // the in-range part of a row: output columns [lo, hi) read input columns [lo + offl, hi + offl)
  long long lo = offl < 0 ? -offl : 0;
  long long hi = xlen - offl < olen ? xlen - offl : olen;
  if (hi < lo) hi = lo;
  if (lo > olen) lo = hi = olen;
  const size_t r0 = (size_t)p0 * c.block, r1 = (size_t)p1 * c.block < c.rows ? (size_t)p1 * c.block : c.rows;
  for (size_t r = r0; r < r1; r++) {
    unsigned char* dst = c.out + r * (size_t)olen * c.elem;
    // the input offset of this row, or none when an outer index falls outside x
    size_t rem = r, src = 0;
    bool inside = true;
    for (int d = last - 1; d >= 0; d--) {
      const long long o = (long long)(rem % (size_t)c.oshape[d]);
      rem /= (size_t)c.oshape[d];
      const long long i = o + c.off[d];
      if (i < 0 || i >= c.xshape[d]) inside = false;
      else src += (size_t)i * c.xstride[d];
    }
    if (!inside || hi == lo) {
      fill_value(dst, (size_t)olen, c);
      continue;
    }
    if (lo > 0) fill_value(dst, (size_t)lo, c);
    memcpy(dst + (size_t)lo * c.elem, c.x + (src + (size_t)(lo + offl)) * c.elem, (size_t)(hi - lo) * c.elem);
    if (hi < olen) fill_value(dst + (size_t)hi * c.elem, (size_t)(olen - hi), c);
  }
}

struct ReluGradCtx {
  const float *dy, *x;
  float* dx;
  size_t n, block;
};

void relu_grad_part(void* v, int p0, int p1) {
  const ReluGradCtx& c = *static_cast<const ReluGradCtx*>(v);
  const size_t i0 = (size_t)p0 * c.block, i1 = (size_t)p1 * c.block < c.n ? (size_t)p1 * c.block : c.n;
  // dy * step(x), as tfjs' Relu gradient: step is 1 above 0, 0 at or below, NaN for NaN
  for (size_t i = i0; i < i1; i++) {
    const float x = c.x[i];
    const float s = x > 0.f ? 1.f : (x <= 0.f ? 0.f : x);
    c.dx[i] = c.dy[i] * s;
  }
}

}  // namespace

extern "C" edl_status edl_window(const void* x, const int* xshape, const int* oshape, const int* offsets, int rank,
                                 size_t elem, const void* value, void* out, const edl_parallel* par) {
  if (rank < 1 || rank > EDL_TILE_MAX_RANK || (elem != 4 && elem != 8)) return EDL_ERR_INVALID_ARGUMENT;
  WindowCtx c{};
  c.x = static_cast<const unsigned char*>(x);
  c.out = static_cast<unsigned char*>(out);
  c.elem = elem;
  memcpy(c.value, value, elem);
  size_t total = 1;
  for (int d = 0; d < rank; d++) {
    if (xshape[d] < 0 || oshape[d] < 0) return EDL_ERR_INVALID_ARGUMENT;
    total *= (size_t)oshape[d];
  }
  if (total == 0) return EDL_OK;
  // merge the trailing axes copied whole (same size, offset 0) into the row: its elements are blocks of `inner`
  int r = rank;
  long long inner = 1;
  while (r >= 2 && xshape[r - 1] == oshape[r - 1] && offsets[r - 1] == 0) inner *= xshape[--r];
  long long xs[EDL_TILE_MAX_RANK], os[EDL_TILE_MAX_RANK], of[EDL_TILE_MAX_RANK];
  for (int d = 0; d < r; d++) xs[d] = xshape[d], os[d] = oshape[d], of[d] = offsets[d];
  xs[r - 1] *= inner;
  os[r - 1] *= inner;
  of[r - 1] *= inner;
  c.rank = r;
  for (int d = 0; d < r; d++) c.xshape[d] = xs[d], c.oshape[d] = os[d], c.off[d] = of[d];
  c.xstride[r - 1] = 1;
  for (int d = r - 2; d >= 0; d--) c.xstride[d] = c.xstride[d + 1] * (size_t)c.xshape[d + 1];
  c.rows = total / (size_t)c.oshape[r - 1];
  size_t per = (size_t)1 << 15;  // elements per job
  c.block = per / (size_t)c.oshape[r - 1] > 0 ? per / (size_t)c.oshape[r - 1] : 1;
  const int jobs = (int)((c.rows + c.block - 1) / c.block);
  if (total <= per) window_part(&c, 0, jobs);
  else edl_pfor(par, jobs, &c, window_part);
  return EDL_OK;
}

extern "C" edl_status edl_relu_grad(const float* dy, const float* x, size_t n, float* dx, const edl_parallel* par) {
  ReluGradCtx c{dy, x, dx, n, (size_t)1 << 16};
  const int jobs = (int)((n + c.block - 1) / c.block);
  if (n <= (1u << 15)) relu_grad_part(&c, 0, jobs);
  else edl_pfor(par, jobs, &c, relu_grad_part);
  return EDL_OK;
}

namespace {

struct SgdCtx {
  const float *p, *g, *buf;
  float *p_out, *buf_out;
  float lr, momentum, weight_decay;
  bool nesterov;
  size_t n, block;
};

// The float32 operations of @edl/training's Sgd (PyTorch's SGD) in their order, each rounded as the separate
// kernels round it (the build has no FMA contraction: -std=c++17), so the result equals theirs bit for bit.
void sgd_part(void* v, int p0, int p1) {
  const SgdCtx& c = *static_cast<const SgdCtx*>(v);
  const size_t i0 = (size_t)p0 * c.block, i1 = (size_t)p1 * c.block < c.n ? (size_t)p1 * c.block : c.n;
  for (size_t i = i0; i < i1; i++) {
    float g = c.g[i];
    if (c.weight_decay != 0.f) {
      const float wd = c.p[i] * c.weight_decay;
      g = g + wd;
    }
    const float mb = c.buf[i] * c.momentum;
    const float b = mb + g;
    float d = b;
    if (c.nesterov) {
      const float mbn = b * c.momentum;
      d = g + mbn;
    }
    const float step = d * c.lr;
    c.p_out[i] = c.p[i] - step;
    c.buf_out[i] = b;
  }
}

}  // namespace

extern "C" edl_status edl_sgd_step(const float* p, const float* g, const float* buf, size_t n, float lr, float momentum,
                                   float weight_decay, int nesterov, float* p_out, float* buf_out,
                                   const edl_parallel* par) {
  SgdCtx c{p, g, buf, p_out, buf_out, lr, momentum, weight_decay, nesterov != 0, n, (size_t)1 << 15};
  const int jobs = (int)((n + c.block - 1) / c.block);
  if (n <= c.block) sgd_part(&c, 0, jobs);
  else edl_pfor(par, jobs, &c, sgd_part);
  return EDL_OK;
}
