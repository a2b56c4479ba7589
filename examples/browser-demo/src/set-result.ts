import type { DigitSet } from './digits.ts';
import { drawGray } from './render.ts';
import type { AttackOutcome, AttackSettings } from './run-attack.ts';

/** Shows an attack on the whole digit set: clean and robust accuracy, and every adversarial image. */
export function renderSetResult(
  element: HTMLElement,
  set: DigitSet,
  settings: AttackSettings,
  label: string,
  outcome: AttackOutcome,
): void {
  const n = set.labels.length;
  const argmax = (p: number[]) => p.indexOf(Math.max(...p));
  const clean = outcome.cleanProbabilities.filter((p, i) => argmax(p) === set.labels[i]).length;
  const robust = outcome.fooled.filter((f) => !f).length;
  const maxLinf = Math.max(...outcome.linf);
  element.hidden = false;
  element.innerHTML = `<div class="section-title">${label} at ε = ${settings.eps.toFixed(3)} on all ${n} digits</div>
    <p><span class="big" data-testid="set-robust">${robust} / ${n}</span> robust
    &nbsp;·&nbsp; clean ${clean} / ${n} &nbsp;·&nbsp; max ‖δ‖∞ ${maxLinf.toFixed(4)}
    <span class="${maxLinf <= settings.eps + 1e-6 ? 'ok' : 'not-ok'}">${maxLinf <= settings.eps + 1e-6 ? '≤ ε ✓' : '> ε ✗'}</span>
    &nbsp;·&nbsp; ${(outcome.milliseconds / 1000).toFixed(2)} s</p>`;
  const grid = document.createElement('div');
  grid.className = 'set-grid';
  outcome.adversarial.forEach((adv, i) => {
    const figure = document.createElement('figure');
    if (outcome.fooled[i]) figure.className = 'fooled';
    const canvas = document.createElement('canvas');
    drawGray(canvas, adv, set.width, set.height);
    const caption = document.createElement('figcaption');
    caption.textContent = `${set.labels[i]} → ${argmax(outcome.adversarialProbabilities[i]!)}`;
    figure.append(canvas, caption);
    grid.append(figure);
  });
  element.append(grid);
}
