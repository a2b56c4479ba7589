import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../store/epoch-metrics.ts';
import { writeReport } from './write-report.ts';

const epoch = (e: number, phase: EpochMetrics['phase'], beta?: number): EpochMetrics => ({
  epoch: e,
  phase,
  lr: 0.1,
  loss: 2 / e,
  trainNatural: 0.5 + e / 20,
  trainRobust: 0.2 + e / 30,
  testNatural: 0.45 + e / 20,
  testRobust: 0.15 + e / 30,
  betas: beta === undefined ? {} : { dict_conv2d_1: beta, dict_conv2d_2: beta / 2 },
  seconds: 3,
});

describe('writeReport', () => {
  it('writes a self-contained HTML page with every chart, the table and the flags, plus SVG files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-report-'));
    const ids = await writeReport(dir, {
      title: 'Test <report>',
      runs: [
        {
          name: 'Elastic DL',
          metrics: [epoch(1, 'vanilla', 1), epoch(2, 'vanilla', 1), epoch(3, 'elastic', 0.6)],
          switchAfterEpoch: 2,
        },
        { name: 'standard', metrics: [epoch(1, 'single'), epoch(2, 'single'), epoch(3, 'single')] },
      ],
      table: { columns: ['clean', 'PGD-20'], rows: [{ model: 'Elastic DL', values: { clean: 0.91, 'PGD-20': 0.5 } }] },
      epsilonCurves: [{ series: 'standard', points: [0, 0.1, 0.2].map((eps) => ({ eps, accuracy: 1 - 3 * eps })) }],
      ristaObjective: [{ series: 'layer 1', points: [0, 1, 2].map((s) => ({ step: s, objective: 5 / (s + 1) })) }],
      flags: [
        {
          id: 'fgsm-stronger-than-pgd',
          severity: 'warning',
          message: 'FGSM above PGD for Elastic DL',
          fix: 'more PGD steps',
          on: 'Elastic DL',
        },
      ],
    });
    expect(ids).toEqual(['training-curves', 'accuracy-vs-epsilon', 'rista-objective', 'betas', 'training-loss']);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    for (const id of ids) expect(html).toContain(`id="${id}"`);
    expect((html.match(/<svg/g) ?? []).length).toBe(ids.length);
    expect(html).toContain('Test &lt;report&gt;');
    expect(html).toContain('91.0%');
    expect(html).toContain('Elastic DL: [warning] fgsm-stronger-than-pgd: FGSM above PGD for Elastic DL');
    expect(html).toContain('vanilla → elastic');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.svg'))).toHaveLength(ids.length);
  });

  it('leaves out charts without data', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edl-report-'));
    expect(await writeReport(dir, { title: 'empty' })).toEqual([]);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<h1>empty</h1>');
  });
});
