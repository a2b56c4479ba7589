import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { atomicWriteSync } from '@edl/models/node';
import { reportCharts } from './charts.ts';
import { renderSvg } from './render-svg.ts';
import type { ReportData } from './report-data.ts';
import { flagText } from './report-flag.ts';

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const pct = (v: number | null | undefined) => (v == null || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);

function table(data: ReportData): string {
  if (!data.table) return '';
  const withStatus = data.table.rows.some((r) => r.status !== undefined);
  const head = ['model', ...data.table.columns, ...(withStatus ? ['status'] : [])]
    .map((c) => `<th>${escapeHtml(c)}</th>`)
    .join('');
  const rows = data.table.rows
    .map((r) => {
      const status = withStatus ? `<td class="status">${escapeHtml(r.status ?? '')}</td>` : '';
      const cells = data.table!.columns.map((c) => `<td>${pct(r.values[c])}</td>`).join('');
      return `<tr><td>${escapeHtml(r.model)}</td>${cells}${status}</tr>`;
    })
    .join('\n');
  return `<h2>Accuracy under attack</h2>\n<table id="comparison"><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`;
}

/**
 * Writes `dir/report.html` (one self-contained page: inline SVG charts and CSS, no scripts, no network) and one
 * `dir/<chart>.svg` per chart. Returns the chart ids written.
 */
export async function writeReport(dir: string, data: ReportData): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const charts = reportCharts(data);
  const sections: string[] = [];
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec);
    writeFileSync(join(dir, `${chart.id}.svg`), svg);
    sections.push(`<section class="chart" id="${chart.id}"><h2>${escapeHtml(chart.title)}</h2>\n${svg}\n</section>`);
  }
  const flags = data.flags ?? [];
  const flagHtml =
    data.flags === undefined
      ? ''
      : flags.length === 0
        ? '<p class="ok">Trust checks: no gradient-masking flag raised.</p>'
        : `<div class="flags"><h2>Trust-check flags</h2><ul>${flags.map((f) => `<li>${escapeHtml(flagText(f))}</li>`).join('')}</ul></div>`;
  const facts = data.facts
    ? `<h2>Run facts</h2><dl>${Object.entries(data.facts)
        .map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`)
        .join('')}</dl>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(data.title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1100px;color:#222}
h1{font-size:1.5em;margin-bottom:4px} h2{font-size:1.1em;margin:24px 0 8px}
.sub{color:#555;white-space:pre-wrap} table{border-collapse:collapse} td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}
td:first-child,th:first-child{text-align:left} .flags{background:#fff3cd;border:1px solid #e0c060;padding:4px 16px}
.ok{color:#2a7a2a} td.status{text-align:left} .grid{display:flex;flex-wrap:wrap;gap:16px} .chart svg{max-width:100%;height:auto}
dt{font-weight:600} dd{margin:0 0 6px 16px;font-family:ui-monospace,monospace;font-size:.9em}
</style></head><body>
<h1>${escapeHtml(data.title)}</h1>
${data.subtitle ? `<p class="sub">${escapeHtml(data.subtitle)}</p>` : ''}
${table(data)}
${flagHtml}
<div class="grid">
${sections.join('\n')}
</div>
${facts}
</body></html>
`;
  atomicWriteSync(join(dir, 'report.html'), html);
  return charts.map((c) => c.id);
}
