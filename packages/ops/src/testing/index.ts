// Test support of @edl/ops for other packages' tests: the `@edl/ops/testing` subpath, resolved only with the
// @edl/source condition (it is not built or published).
export {
  describeBackends,
  expectCloseTo,
  onCpu,
  type TestBackend,
  type TestBackendName,
  testBackends,
  useTestBackend,
} from './backend-matrix.ts';
export { lcg } from './test-utils.ts';
