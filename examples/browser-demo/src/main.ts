import { fromLayersModel, type Model } from '@edl/attacks';
import type { BackendSetup } from '@edl/ops';
import * as tf from '@tensorflow/tfjs';
import { type DigitSet, loadDigits } from './digits.ts';
import { type DemoModel, loadDemoModel } from './load-demo-model.ts';
import { renderModelCard } from './model-card.ts';
import { drawDiverging, drawGray, renderBars, renderVerdict } from './render.ts';
import { type AttackKind, type AttackOutcome, type AttackSettings, describeAttack, runAttack } from './run-attack.ts';
import { renderSetResult } from './set-result.ts';
import { requestedBackend, startBackend } from './start-backend.ts';

/** What the page exposes for its tests and for the curious (`window.edlDemo` in the console). */
export interface DemoProbe {
  state: 'loading' | 'ready' | 'running' | 'error';
  backend?: BackendSetup;
  /** ms from navigation start (`performance.now()`) to the first attack result drawn on the page. */
  firstResultMs?: number;
  /** ms from navigation start to the model being loaded. */
  modelLoadedMs?: number;
  /** Attack calls finished. */
  results: number;
  last?: { kind: AttackKind; eps: number; digit: number; label: number; fooled: boolean; linf: number; ms: number };
  error?: string;
}

declare global {
  interface Window {
    edlDemo: DemoProbe;
  }
}

const probe: DemoProbe = { state: 'loading', results: 0 };
window.edlDemo = probe;

function $<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`page: #${id} is missing`);
  return element as T;
}

const ui = {
  backend: $('backend'),
  backendReason: $('backend-reason'),
  backendSelect: $<HTMLSelectElement>('backend-select'),
  modelCard: $('model-card'),
  strip: $('digit-strip'),
  attack: $<HTMLSelectElement>('attack'),
  steps: $<HTMLInputElement>('steps'),
  stepsValue: $('steps-value'),
  stepsControl: $('steps-control'),
  eps: $<HTMLInputElement>('eps'),
  epsValue: $('eps-value'),
  live: $<HTMLInputElement>('live'),
  run: $<HTMLButtonElement>('run'),
  runAll: $<HTMLButtonElement>('run-all'),
  note: $('attack-note'),
  cleanCanvas: $<HTMLCanvasElement>('clean-canvas'),
  deltaCanvas: $<HTMLCanvasElement>('delta-canvas'),
  advCanvas: $<HTMLCanvasElement>('adv-canvas'),
  cleanVerdict: $('clean-verdict'),
  advVerdict: $('adv-verdict'),
  cleanBars: $('clean-bars'),
  advBars: $('adv-bars'),
  norms: $('norms'),
  legendMin: $('legend-min'),
  legendMax: $('legend-max'),
  status: $('status'),
  timing: $('timing'),
  aaLog: $('aa-log'),
  setResult: $('set-result'),
};

let model: Model | undefined;
let digits: DigitSet | undefined;
let selected = 0;
let running = false;
let pending: (() => Promise<void>) | undefined;

function setState(state: DemoProbe['state']): void {
  probe.state = state;
  document.body.dataset.state = state;
  ui.run.disabled = state === 'running' || state === 'loading';
  ui.runAll.disabled = ui.run.disabled;
}

function setStatus(text: string, kind: '' | 'running' | 'error' = ''): void {
  ui.status.textContent = text;
  ui.status.className = `status ${kind}`;
}

function settings(): AttackSettings {
  return { kind: ui.attack.value as AttackKind, eps: Number(ui.eps.value), steps: Number(ui.steps.value) };
}

function attackLabel(s: AttackSettings): string {
  if (s.kind === 'pgd') return `PGD-${s.steps}`;
  if (s.kind === 'fgsm') return 'FGSM';
  return s.kind === 'autoattack' ? 'AutoAttack (reduced)' : 'AutoAttack (full)';
}

function syncControls(): void {
  const s = settings();
  ui.epsValue.textContent = `${s.eps.toFixed(3)}  (${(s.eps * 255).toFixed(1)}/255)`;
  ui.stepsValue.textContent = String(s.steps);
  ui.stepsControl.style.visibility = s.kind === 'pgd' ? 'visible' : 'hidden';
  ui.note.textContent = describeAttack(s);
  ui.legendMin.textContent = `−${s.eps.toFixed(3)}`;
  ui.legendMax.textContent = `+${s.eps.toFixed(3)}`;
}

function showDigit(index: number): void {
  if (!digits) return;
  selected = index;
  Array.from(ui.strip.children).forEach((button, i) => {
    button.classList.toggle('selected', i === index);
  });
  drawGray(ui.cleanCanvas, digits.images[index]!, digits.width, digits.height);
}

function buildStrip(set: DigitSet): void {
  ui.strip.replaceChildren(
    ...set.images.map((image, i) => {
      const button = document.createElement('button');
      button.type = 'button';
      button.title = `digit ${i + 1}: a ${set.labels[i]}`;
      button.dataset.testid = `digit-${i}`;
      const canvas = document.createElement('canvas');
      drawGray(canvas, image, set.width, set.height);
      button.append(canvas);
      button.addEventListener('click', () => {
        showDigit(i);
        schedule(attackSelected);
      });
      return button;
    }),
  );
}

function showOutcome(index: number, s: AttackSettings, outcome: AttackOutcome): void {
  if (!digits) return;
  const label = digits.labels[index]!;
  const clean = digits.images[index]!;
  const adv = outcome.adversarial[0]!;
  const delta = adv.map((v, k) => v - clean[k]!);
  drawGray(ui.cleanCanvas, clean, digits.width, digits.height);
  drawDiverging(ui.deltaCanvas, delta, s.eps, digits.width, digits.height);
  drawGray(ui.advCanvas, adv, digits.width, digits.height);
  renderVerdict(ui.cleanVerdict, outcome.cleanProbabilities[0]!, label);
  renderVerdict(ui.advVerdict, outcome.adversarialProbabilities[0]!, label);
  renderBars(ui.cleanBars, outcome.cleanProbabilities[0]!, label);
  renderBars(ui.advBars, outcome.adversarialProbabilities[0]!, label);
  const linf = outcome.linf[0]!;
  const inside = linf <= s.eps + 1e-6;
  ui.norms.innerHTML = `<dt>‖δ‖∞</dt><dd class="${inside ? 'ok' : 'not-ok'}" data-testid="linf">${linf.toFixed(4)} ${
    inside ? '≤' : '>'
  } ε ${inside ? '✓' : '✗'}</dd><dt>‖δ‖₂</dt><dd>${outcome.l2[0]!.toFixed(3)}</dd><dt>pixels changed</dt><dd>${
    delta.filter((d) => Math.abs(d) > 1e-6).length
  } / ${delta.length}</dd>`;
  const cleanPred = outcome.cleanProbabilities[0]!.indexOf(Math.max(...outcome.cleanProbabilities[0]!));
  const advPred = outcome.adversarialProbabilities[0]!.indexOf(Math.max(...outcome.adversarialProbabilities[0]!));
  const what =
    cleanPred !== label
      ? `already misclassified without attack (${label} → ${cleanPred})`
      : outcome.fooled[0]
        ? `fooled: ${label} → ${advPred}`
        : s.kind.startsWith('autoattack')
          ? `robust: AutoAttack found no adversarial example (it returns the clean image for robust points, as the reference does, so δ = 0)`
          : `robust: still ${advPred}`;
  setStatus(`${attackLabel(s)} at ε = ${s.eps.toFixed(3)} on digit ${index + 1}: ${what}`);
  renderLog(outcome);
}

function renderLog(outcome: AttackOutcome): void {
  if (!outcome.log) {
    ui.aaLog.hidden = true;
    return;
  }
  ui.aaLog.hidden = false;
  ui.aaLog.innerHTML = `<div class="section-title">AutoAttack log</div><table><thead><tr><th>attack</th><th>points attacked</th><th>fooled</th><th>robust accuracy after</th><th>seconds</th></tr></thead><tbody>${outcome.log
    .map(
      (e) =>
        `<tr><td>${e.attack}</td><td>${e.attacked}</td><td>${e.successes}</td><td>${(100 * e.robustAccuracy).toFixed(1)}%</td><td>${e.seconds.toFixed(2)}</td></tr>`,
    )
    .join('')}</tbody></table>`;
}

function showTiming(outcome: AttackOutcome, what: string): void {
  const first =
    probe.firstResultMs === undefined
      ? ''
      : ` · first result ${(probe.firstResultMs / 1000).toFixed(2)} s after page load`;
  ui.timing.textContent = `${what}: ${outcome.milliseconds.toFixed(0)} ms on ${probe.backend?.backend ?? '?'}${first}`;
}

function recordFirst(): void {
  if (probe.firstResultMs === undefined) probe.firstResultMs = performance.now();
}

async function attackSelected(): Promise<void> {
  if (!model || !digits) return;
  const s = settings();
  const index = selected;
  setStatus(`running ${attackLabel(s)} at ε = ${s.eps.toFixed(3)} on digit ${index + 1}…`, 'running');
  const outcome = await runAttack(model, [digits.images[index]!], [digits.labels[index]!], digits, s);
  probe.results++;
  probe.last = {
    kind: s.kind,
    eps: s.eps,
    digit: index,
    label: digits.labels[index]!,
    fooled: outcome.fooled[0]!,
    linf: outcome.linf[0]!,
    ms: outcome.milliseconds,
  };
  showOutcome(index, s, outcome);
  recordFirst(); // once the result is drawn (canvases, predictions, norms)
  showTiming(outcome, attackLabel(s));
}

async function attackAll(): Promise<void> {
  if (!model || !digits) return;
  const s = settings();
  setStatus(`running ${attackLabel(s)} at ε = ${s.eps.toFixed(3)} on all ${digits.labels.length} digits…`, 'running');
  const outcome = await runAttack(model, digits.images, digits.labels, digits, s);
  probe.results++;
  renderSetResult(ui.setResult, digits, s, attackLabel(s), outcome);
  Array.from(ui.strip.children).forEach((button, i) => {
    button.classList.toggle('fooled', outcome.fooled[i]!);
    button.classList.toggle('robust', !outcome.fooled[i]!);
  });
  const robust = outcome.fooled.filter((f) => !f).length;
  setStatus(
    `${attackLabel(s)} at ε = ${s.eps.toFixed(3)} on all ${digits.labels.length} digits: robust accuracy ${robust}/${digits.labels.length}`,
  );
  renderLog(outcome);
  showTiming(outcome, `${attackLabel(s)} × ${digits.labels.length}`);
}

/** Runs `job` now, or after the running one (only the latest request waits). */
function schedule(job: () => Promise<void>): void {
  if (running) {
    pending = job;
    return;
  }
  running = true;
  setState('running');
  job()
    .then(() => setState('ready'))
    .catch((err: unknown) => fail(err))
    .finally(() => {
      running = false;
      const next = pending;
      pending = undefined;
      if (next && probe.state !== 'error') schedule(next);
    });
}

function fail(err: unknown): void {
  const message = err instanceof Error ? `${err.message}` : String(err);
  probe.error = message;
  setState('error');
  setStatus(`error: ${message}`, 'error');
  console.error(err);
}

let debounce: ReturnType<typeof setTimeout> | undefined;
function onControlsChanged(): void {
  syncControls();
  if (!ui.live.checked || settings().kind === 'autoattack-full') return;
  clearTimeout(debounce);
  debounce = setTimeout(() => schedule(attackSelected), 150);
}

async function boot(): Promise<void> {
  syncControls();
  const choice = requestedBackend(location.search);
  ui.backendSelect.value = choice;
  ui.backendSelect.addEventListener('change', () => {
    const params = new URLSearchParams(location.search);
    params.set('backend', ui.backendSelect.value);
    location.search = params.toString();
  });
  const backend = await startBackend(choice);
  probe.backend = backend;
  ui.backend.textContent = `${backend.backend}${backend.threads > 1 ? ` · ${backend.threads} threads` : ''}`;
  ui.backendReason.textContent = `${backend.reason}${backend.kernels.length ? ` · @edl/ops kernels: ${backend.kernels.join(', ')}` : ''}`;

  const base = import.meta.env.BASE_URL;
  const [loaded, set] = await Promise.all([loadDemoModel(base), loadDigits(`${base}digits.json`)]);
  probe.modelLoadedMs = performance.now();
  model = fromLayersModel(loaded.model);
  digits = set;
  renderModelCard(ui.modelCard, loaded, await cleanOnDigits(loaded, set));
  buildStrip(set);
  showDigit(0);

  ui.attack.addEventListener('change', onControlsChanged);
  ui.steps.addEventListener('input', onControlsChanged);
  ui.eps.addEventListener('input', onControlsChanged);
  ui.run.addEventListener('click', () => schedule(attackSelected));
  ui.runAll.addEventListener('click', () => schedule(attackAll));
  setState('ready');
  schedule(attackSelected);
}

/** Clean accuracy of the loaded model on the page's digits, computed here on the active backend. */
async function cleanOnDigits(loaded: DemoModel, set: DigitSet): Promise<{ right: number; total: number }> {
  const n = set.labels.length;
  const flat = new Float32Array(n * set.height * set.width);
  set.images.forEach((img, i) => {
    flat.set(img, i * img.length);
  });
  const predicted = tf.tidy(() => {
    const x = tf.tensor4d(flat, [n, set.height, set.width, 1]);
    return tf.argMax(loaded.model.predict(x) as tf.Tensor, 1);
  });
  const labels = (await predicted.array()) as number[];
  predicted.dispose();
  return { right: labels.filter((p, i) => p === set.labels[i]).length, total: n };
}

boot().catch(fail);
