// Winograd F(2x2, 3x3) convolution of @edl/ops: 3x3 filters, stride 1, dilation 1, NHWC. File-local code included
// by conv-kernels.cc inside its anonymous namespace (so compiled once per vector width with that file's VW, vf,
// gather_fn and pack_filter); nothing here is visible to the linker.
//
// Each 2x2 block of output pixels (a tile) depends on a 4x4 patch of the input. With the transforms
//   V = B^T d B (input patch d, 4x4),  U = G g G^T (filter g, 3x3 -> 4x4),  Y = A^T M A (4x4 -> 2x2 output),
// M = sum over input channels of U (.) V elementwise: 16 independent GEMMs [tiles x Cin] x [Cin x Cout], one per
// frequency, with 16 multiplies per tile and channel pair instead of the direct conv's 36 (2.25x fewer).
// Accuracy: the transforms only add, subtract and halve, so results stay within a few float32 ulps of the
// reduction's scale (measured in the README). The transforms of each output only combine input rows / columns of
// its 3x3 window, so NaN / Inf reach the same outputs as in the direct conv (an Inf may become NaN: Inf - Inf).
//
// Work split: the tiles are cut into chunks; a worker takes a chunk, transforms its input patches into thread
// scratch V [16][tiles][Cin], runs the 16 GEMMs against the pre-transformed, packed filter into M [16][tiles][Cout]
// (each packed filter panel reused over all tiles of the chunk), then the output transform with the fused bias and
// activation writes y. Chunks are sized so that V and M stay near L2.

// The 4x4 input transform B^T d B of 16 values of type T (float or vf), d row-major.
template <class T>
inline void wino_input_transform(const T* d, T* v) {
  T t[16];
  for (int c = 0; c < 4; c++) {
    t[0 * 4 + c] = d[0 * 4 + c] - d[2 * 4 + c];
    t[1 * 4 + c] = d[1 * 4 + c] + d[2 * 4 + c];
    t[2 * 4 + c] = d[2 * 4 + c] - d[1 * 4 + c];
    t[3 * 4 + c] = d[1 * 4 + c] - d[3 * 4 + c];
  }
  for (int r = 0; r < 4; r++) {
    v[r * 4 + 0] = t[r * 4 + 0] - t[r * 4 + 2];
    v[r * 4 + 1] = t[r * 4 + 1] + t[r * 4 + 2];
    v[r * 4 + 2] = t[r * 4 + 2] - t[r * 4 + 1];
    v[r * 4 + 3] = t[r * 4 + 1] - t[r * 4 + 3];
  }
}

// The filter transform G g G^T: 3x3 g (row-major) -> 4x4 u.
template <class T>
inline void wino_filter_transform(const T* g, T* u) {
  T t[12];  // G g: 4 x 3
  for (int c = 0; c < 3; c++) {
    t[0 * 3 + c] = g[0 * 3 + c];
    t[1 * 3 + c] = (g[0 * 3 + c] + g[1 * 3 + c] + g[2 * 3 + c]) * 0.5f;
    t[2 * 3 + c] = (g[0 * 3 + c] - g[1 * 3 + c] + g[2 * 3 + c]) * 0.5f;
    t[3 * 3 + c] = g[2 * 3 + c];
  }
  for (int r = 0; r < 4; r++) {
    u[r * 4 + 0] = t[r * 3 + 0];
    u[r * 4 + 1] = (t[r * 3 + 0] + t[r * 3 + 1] + t[r * 3 + 2]) * 0.5f;
    u[r * 4 + 2] = (t[r * 3 + 0] - t[r * 3 + 1] + t[r * 3 + 2]) * 0.5f;
    u[r * 4 + 3] = t[r * 3 + 2];
  }
}

// The output transform A^T m A: 4x4 m -> 2x2 y (row-major).
template <class T>
inline void wino_output_transform(const T* m, T* y) {
  T s[8];  // m A: 4 x 2
  for (int r = 0; r < 4; r++) {
    s[r * 2 + 0] = m[r * 4 + 0] + m[r * 4 + 1] + m[r * 4 + 2];
    s[r * 2 + 1] = m[r * 4 + 1] - m[r * 4 + 2] - m[r * 4 + 3];
  }
  for (int c = 0; c < 2; c++) {
    y[0 * 2 + c] = s[0 * 2 + c] + s[1 * 2 + c] + s[2 * 2 + c];
    y[1 * 2 + c] = s[1 * 2 + c] - s[2 * 2 + c] - s[3 * 2 + c];
  }
}

// The filter transformed and packed in column panels of nr: out[p][f][ci][nr] = U[f][ci][p nr + j] (zero padded),
// ready for gather_tile with ntap = 1 per frequency f. The filter is w [3][3][Cin][Cout] (forward), or, with
// `flipped`, the forward filter of the input gradient given as the conv's own w [3][3][Cout][Cin] (g[kh][kw][ci][co] =
// w[2 - kh][2 - kw][co][ci]: flipped taps, channels swapped; transposed here by blocks, no separate pass).
struct WinoPackCtx {
  const float* w;
  float* out;
  int cin, cout, nr;
  bool flipped;
};

// Forward filter: input channels [c0, c1), vectors along Cout read straight from w.
void wino_pack_channels(void* v, int c0, int c1) {
  const WinoPackCtx& c = *static_cast<WinoPackCtx*>(v);
  const size_t tap = (size_t)c.cin * c.cout;
  const int vec_cols = c.cout - c.cout % VW;
  for (int ci = c0; ci < c1; ci++) {
    const float* src = c.w + (size_t)ci * c.cout;
    for (int co = 0; co < vec_cols; co += VW) {  // nr is a multiple of VW: a vector never straddles two panels
      vf g[9], u[16];
      for (int t = 0; t < 9; t++) g[t] = load(src + t * tap + co);
      wino_filter_transform(g, u);
      float* dst = c.out + (((size_t)(co / c.nr) * 16) * c.cin + ci) * c.nr + co % c.nr;
      for (int f = 0; f < 16; f++) store(dst + (size_t)f * c.cin * c.nr, u[f]);
    }
    for (int co = vec_cols; co < c.cout; co++) {
      float g[9], u[16];
      for (int t = 0; t < 9; t++) g[t] = src[t * tap + co];
      wino_filter_transform(g, u);
      float* dst = c.out + (((size_t)(co / c.nr) * 16) * c.cin + ci) * c.nr + co % c.nr;
      for (int f = 0; f < 16; f++) dst[(size_t)f * c.cin * c.nr] = u[f];
    }
  }
}

// Flipped filter: blocks of 16 input channels ci [16 b0, 16 b1). For each block and VW output channels co, the 9 taps
// of w [co][ci-block] (16 contiguous floats per row) are transposed through a small buffer into vectors along co.
void wino_pack_flipped(void* v, int b0, int b1) {
  const WinoPackCtx& c = *static_cast<WinoPackCtx*>(v);
  const size_t tap = (size_t)c.cin * c.cout;  // w [3][3][cout][cin]
  for (int b = b0; b < b1; b++) {
    const int ci0 = b * 16, nci = c.cin - ci0 < 16 ? c.cin - ci0 : 16;
    for (int co0 = 0; co0 < c.cout; co0 += VW) {
      const int nco = c.cout - co0 < VW ? c.cout - co0 : VW;
      float buf[9][16][VW] = {};
      for (int t = 0; t < 9; t++)
        for (int j = 0; j < nco; j++) {
          const float* row = c.w + (size_t)(8 - t) * tap + (size_t)(co0 + j) * c.cin + ci0;
          for (int i = 0; i < nci; i++) buf[t][i][j] = row[i];
        }
      float* dst0 = c.out + (((size_t)(co0 / c.nr) * 16) * c.cin + ci0) * c.nr + co0 % c.nr;
      for (int i = 0; i < nci; i++) {
        vf g[9], u[16];
        for (int t = 0; t < 9; t++) g[t] = load(buf[t][i]);
        wino_filter_transform(g, u);
        // lanes past Cout are zeros: they land in the zero padding of the last panel
        for (int f = 0; f < 16; f++) store(dst0 + ((size_t)f * c.cin + i) * c.nr, u[f]);
      }
    }
  }
}

// Null when out of memory (free with edl_free).
float* wino_pack_filter(const float* w, int cin, int cout, int nr, bool flipped, const edl_parallel* par) {
  const int npanels = (cout + nr - 1) / nr;
  float* out = static_cast<float*>(edl_calloc((size_t)npanels * 16 * cin * nr, sizeof(float)));
  if (!out) return nullptr;
  WinoPackCtx c{w, out, cin, cout, nr, flipped};
  if (flipped) edl_pfor(par, (cin + 15) / 16, &c, wino_pack_flipped);
  else edl_pfor(par, cin, &c, wino_pack_channels);
  return out;
}

struct WinoCtx {
  const edl_conv_geom* g;
  const float* x;
  const float* upack;  // [panel][16][Cin][nr]
  float* y;
  const float* bias;
  int act;
  float alpha;
  int nv, nr, npanels;
  int tiles_h, tiles_w;
  int64_t ntiles;
  int tpc;           // tiles per chunk
  int npg;           // column panel groups: work item = (chunk, group)
  int cinp, coutp;   // row lengths of V and M: Cin and Cout rounded up to VW
  int nitems;               // chunks x panel groups
  std::atomic<int> next;    // the next work item to claim
  std::atomic<int> status;
};

// One worker: allocates its scratch once, then claims work items until none is left (the pool runs one such
// worker per thread; a worker the OS has not scheduled yet finds the items taken and only allocates).
void wino_worker(void* vctx, int w0, int w1) {
  WinoCtx& c = *static_cast<WinoCtx*>(vctx);
  if (w1 <= w0) return;
  const edl_conv_geom& g = *c.g;
  const int tpc = c.tpc;
  float* V = static_cast<float*>(edl_malloc(sizeof(float) * 16 * (size_t)tpc * c.cinp));
  // calloc: the padding columns Cout..coutp are never written and the output transform reads them as zeros
  float* M = static_cast<float*>(edl_calloc(16 * (size_t)tpc * c.coutp, sizeof(float)));
  if (!V || !M) {
    edl_free(V);
    edl_free(M);
    c.status.store(EDL_ERR_OUT_OF_MEMORY);
    return;
  }
  const int per_image = c.tiles_h * c.tiles_w;
  for (int item = c.next.fetch_add(1); item < c.nitems; item = c.next.fetch_add(1)) {
    const int chunk = item / c.npg, pg = item % c.npg;
    const int p0 = (int)((int64_t)c.npanels * pg / c.npg), p1 = (int)((int64_t)c.npanels * (pg + 1) / c.npg);
    const int col0 = p0 * c.nr, col1 = p1 * c.nr < g.Cout ? p1 * c.nr : g.Cout;
    const int64_t t0 = (int64_t)chunk * tpc;
    const int nt = c.ntiles - t0 < tpc ? (int)(c.ntiles - t0) : tpc;
    // 1. input transform of every tile of the chunk, VW channels at a time (zeros outside the input and
    //    past Cin, so that V's padding columns are finite)
    for (int i = 0; i < nt; i++) {
      const int64_t t = t0 + i;
      const int b = (int)(t / per_image), r = (int)(t % per_image);
      const int ih0 = (r / c.tiles_w) * 2 - g.PT, iw0 = (r % c.tiles_w) * 2 - g.PL;
      const bool inside = ih0 >= 0 && iw0 >= 0 && ih0 + 4 <= g.H && iw0 + 4 <= g.W;
      for (int c0 = 0; c0 < g.Cin; c0 += VW) {
        const int nc = g.Cin - c0 < VW ? g.Cin - c0 : VW;
        vf d[16], v[16];
        for (int p = 0; p < 16; p++) {
          const int ih = ih0 + p / 4, iw = iw0 + p % 4;
          if (inside || (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W)) {
            const float* src = c.x + (((size_t)b * g.H + ih) * g.W + iw) * g.Cin + c0;
            d[p] = nc == VW ? load(src) : load_first(src, nc);
          } else {
            d[p] = vf{};
          }
        }
        wino_input_transform(d, v);
        for (int f = 0; f < 16; f++) store(V + ((size_t)f * tpc + i) * c.cinp + c0, v[f]);
      }
    }
    // 2. the 16 GEMMs M[f] = V[f] U[f], by column panel of the group, each panel reused over all tiles of the chunk
    for (int f = 0; f < 16; f++)
      for (int p = p0; p < p1; p++) {
        const int n0 = p * c.nr;
        const int ncol = g.Cout - n0 < c.nr ? g.Cout - n0 : c.nr;
        const float* Bt[1] = {c.upack + ((size_t)p * 16 + f) * g.Cin * c.nr};
        for (int j0 = 0; j0 < nt; j0 += MR) {
          const int rows = nt - j0 < MR ? nt - j0 : MR;
          const float* A[MR];
          float* C[MR];
          for (int i = 0; i < rows; i++) {
            A[i] = V + ((size_t)f * tpc + j0 + i) * c.cinp;
            C[i] = M + ((size_t)f * tpc + j0 + i) * c.coutp + n0;
          }
          gather_fn(rows, c.nv)(1, A, 0, Bt, g.Cin, C, ncol, false, nullptr, EDL_ACT_LINEAR, 0.f);
        }
      }
    // 3. output transform, bias and activation, written to the pixels of each tile inside the output
    for (int i = 0; i < nt; i++) {
      const int64_t t = t0 + i;
      const int b = (int)(t / per_image), r = (int)(t % per_image);
      const int oh0 = (r / c.tiles_w) * 2, ow0 = (r % c.tiles_w) * 2;
      for (int c0 = col0; c0 < col1; c0 += VW) {
        const int nc = col1 - c0 < VW ? col1 - c0 : VW;
        vf m[16], o[4];
        for (int f = 0; f < 16; f++) m[f] = load(M + ((size_t)f * tpc + i) * c.coutp + c0);
        wino_output_transform(m, o);
        vf bv{};
        if (c.bias) bv = nc == VW ? load(c.bias + c0) : load_first(c.bias + c0, nc);
        for (int q = 0; q < 4; q++) {
          const int oh = oh0 + q / 2, ow = ow0 + q % 2;
          if (oh >= g.OH || ow >= g.OW) continue;
          const vf out = activate(c.bias ? o[q] + bv : o[q], c.act, c.alpha);
          float* dst = c.y + (((size_t)b * g.OH + oh) * g.OW + ow) * g.Cout + c0;
          if (nc == VW) store(dst, out);
          else store_first(dst, out, nc);
        }
      }
    }
  }
  edl_free(V);
  edl_free(M);
}

// Whether the Winograd path computes this conv. Only 3x3, stride 1 (dilation is always 1 here). The documented rule
// ('auto', see the @edl/ops README), measured on the ResNet18 shapes on a 2-core Zen 4: at least WINO_MIN_CHANNELS
// channels in and out (below that the GEMMs are too thin to pay for the transforms), at least WINO_MIN_TILES 2x2
// output tiles (the filter transform, paid on every call, must be amortised: 4x4x512 convs lose below batch 32) and
// at least WINO_MIN_MACS multiply-adds of the direct conv (smaller convs, e.g. batch 1-8 of the ResNet18 shapes,
// gained nothing or lost: the fixed costs of the transforms and their scratch). EDL_NATIVE_CONV_ALGORITHM = direct |
// winograd (conv-algorithm.h) overrides the rule.
constexpr int WINO_MIN_CHANNELS = 32;
constexpr int64_t WINO_MIN_TILES = 128;
constexpr double WINO_MIN_MACS = 5e8;
bool wino_applies(const edl_conv_geom& g) {
  if (g.KH != 3 || g.KW != 3 || g.SH != 1 || g.SW != 1) return false;
  const edl_conv_algorithm a = edl_get_conv_algorithm();
  if (a != EDL_CONV_ALGORITHM_AUTO) return a == EDL_CONV_ALGORITHM_WINOGRAD;
  const int64_t tiles = (int64_t)g.B * ((g.OH + 1) / 2) * ((g.OW + 1) / 2);
  const double macs = 9.0 * g.B * g.OH * g.OW * g.Cin * g.Cout;
  return g.Cin >= WINO_MIN_CHANNELS && g.Cout >= WINO_MIN_CHANNELS && tiles >= WINO_MIN_TILES && macs >= WINO_MIN_MACS;
}

// y = conv(x, w) (+ bias, activation) for a geometry wino_applies to; w [3][3][Cin][Cout], or with `flipped` the
// filter of the conv whose input gradient this is, [3][3][Cout][Cin] (see WinoPackCtx).
edl_status run_winograd(const edl_conv_geom* g, const float* x, const float* w, bool flipped, float* y,
                        const float* bias, int act, float alpha, const edl_parallel* par) {
  const int nv = choose_nv(g->Cout), nr = nv * VW;
  float* upack = wino_pack_filter(w, g->Cin, g->Cout, nr, flipped, par);
  if (!upack) return EDL_ERR_OUT_OF_MEMORY;
  WinoCtx c{g, x, upack, y, bias, act, alpha, nv, nr, (g->Cout + nr - 1) / nr, (g->OH + 1) / 2, (g->OW + 1) / 2, 0,
            0, 0, (g->Cin + VW - 1) / VW * VW, (g->Cout + VW - 1) / VW * VW, 0, {0}, {EDL_OK}};
  c.ntiles = (int64_t)g->B * c.tiles_h * c.tiles_w;
  // Chunks of tiles: V and M (16 x tiles x (Cin + Cout) floats) within the 1 MB L2, and about 4 work items per
  // thread (balance on a machine shared with other jobs). A transformed filter larger than L2 is streamed from L3
  // once per chunk: then chunks keep at least 64 tiles (each filter panel serving 64 rows) and the items come from
  // splitting the column panels into groups instead, each item transforming its chunk's input again (cheap: 1 / Cout
  // of its GEMM work).
  const int64_t l2 = 1024 * 1024;
  const int64_t per_tile = 16 * 4 * (int64_t)(c.cinp + c.coutp);
  const int64_t filter_bytes = 16 * 4 * (int64_t)c.cinp * c.coutp;
  const int64_t threads = par->threads;
  int64_t tpc = l2 / per_tile;
  const int64_t balance = (c.ntiles + 4 * threads - 1) / (4 * threads);
  if (tpc > balance) tpc = balance;
  const int64_t least = filter_bytes > l2 ? 64 : 2 * MR;
  if (tpc < least) tpc = least;
  const int64_t share = (c.ntiles + threads - 1) / threads;
  if (tpc > share) tpc = share;
  tpc = (tpc + MR - 1) / MR * MR;
  c.tpc = (int)tpc;
  const int64_t nchunks = (c.ntiles + tpc - 1) / tpc;
  c.npg = 1;
  while (nchunks * c.npg < 4 * threads && c.npg < c.npanels) c.npg++;
  c.nitems = (int)(nchunks * c.npg);
  const int workers = c.nitems < par->threads ? c.nitems : par->threads;
  edl_pfor(par, workers, &c, wino_worker);
  edl_free(upack);
  return (edl_status)c.status.load();
}
