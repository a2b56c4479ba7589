import type { DemoModel } from './load-demo-model.ts';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

/** Fills the model card: architecture, measured accuracies, Elastic-DL betas, and the live check on this page. */
export function renderModelCard(element: HTMLElement, loaded: DemoModel, live: { right: number; total: number }): void {
  const { card, betas } = loaded;
  const e = card.evaluation;
  const betaValues = betas.map((b) => b.beta);
  const kinds = [...new Set(betas.map((b) => b.kind))].join(', ');
  const stat = (value: string, label: string, testid = '') =>
    `<div class="stat"${testid ? ` data-testid="${testid}"` : ''}><b>${value}</b><span>${label}</span></div>`;
  element.innerHTML = [
    stat(
      card.name.replace(' on MNIST', ''),
      `${card.parameters.toLocaleString()} parameters · ${(card.weightsBytes / 1024).toFixed(0)} KB of weights`,
    ),
    stat(pct(e.cleanAccuracy), `clean accuracy, ${e.cleanCount.toLocaleString()} held-out digits`, 'card-clean'),
    stat(pct(e.fgsmAccuracy), `FGSM ε = ${e.eps}, ${e.attackCount} digits`),
    stat(pct(e.pgd20Accuracy), `PGD-20 ε = ${e.eps}, ${e.attackCount} digits`),
    stat(
      `${betas.length} × ${kinds}`,
      `DictConv2D layers · β ∈ [${Math.min(...betaValues).toFixed(2)}, ${Math.max(...betaValues).toFixed(2)}]`,
    ),
    stat(`${live.right} / ${live.total}`, 'clean, these digits, on this page', 'live-clean'),
  ].join('');
  element.title = `trained with: ${card.trainedWith}\nfigures measured in Node on ${e.backend}\nloaded in ${loaded.loadMilliseconds.toFixed(0)} ms`;
}
