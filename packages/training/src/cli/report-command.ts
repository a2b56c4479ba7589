import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { TrustFlag } from '@edl/attacks';
import { Command } from 'commander';
import type { ReportData, ReportRun } from '../report/report-data.ts';
import { isTrustFlag } from '../report/report-flag.ts';
import { writeReport } from '../report/write-report.ts';
import { readMetrics } from '../store/metrics-log.ts';
import { UserError } from './user-error.ts';

/** Reads a run folder written by `edl train` as a report run (switch epoch from its config.json). */
export function readRun(dir: string, name?: string): ReportRun {
  const metricsPath = join(dir, 'metrics.jsonl');
  if (!existsSync(metricsPath))
    throw new UserError(`--run ${dir}: no metrics.jsonl there (is it an edl train --out folder?)`);
  let metrics: ReportRun['metrics'];
  try {
    metrics = readMetrics(metricsPath);
  } catch (error) {
    throw new UserError(`--run ${dir}: ${(error as Error).message}`);
  }
  const repeated = metrics.filter((m, i) => i > 0 && m.epoch <= metrics[i - 1]!.epoch).map((m) => m.epoch);
  if (repeated.length > 0) {
    console.error(
      `warning: ${metricsPath}: epochs out of order or repeated (${repeated.join(', ')}): the run was resumed ` +
        'after a kill by an earlier edl, which kept lines the checkpoint did not have; the plot shows every line',
    );
  }
  const configPath = join(dir, 'config.json');
  let config: { switchEpoch?: number } = {};
  if (existsSync(configPath)) {
    try {
      config = JSON.parse(readFileSync(configPath, 'utf8')) as { switchEpoch?: number };
    } catch (error) {
      throw new UserError(`--run ${dir}: ${configPath} is not valid JSON (${(error as Error).message})`);
    }
  }
  return {
    name: name ?? basename(dir),
    metrics,
    ...(config.switchEpoch !== undefined ? { switchAfterEpoch: config.switchEpoch } : {}),
  };
}

interface EvalReportJson {
  cleanAccuracy: number;
  worstCaseAccuracy: number;
  attacks: { name: string; accuracy: number }[];
  flags: TrustFlag[];
}

/** Adds the table rows and flags of `evaluateRobustness` JSON reports (model name = the run folder's name). */
export function addEvalReports(data: ReportData, files: string[]): ReportData {
  const rows: { model: string; values: Record<string, number | null> }[] = [];
  const columns = new Set<string>(['clean']);
  const flags = [...(data.flags ?? [])];
  for (const file of files) {
    if (!existsSync(file)) throw new UserError(`--eval: file not found: ${file}`);
    const r = JSON.parse(readFileSync(file, 'utf8')) as EvalReportJson;
    if (typeof r.cleanAccuracy !== 'number' || !Array.isArray(r.attacks)) {
      throw new UserError(`--eval: ${file} is not an evaluateRobustness report (edl eval --report)`);
    }
    const model = basename(dirname(resolve(file)));
    for (const a of r.attacks) columns.add(a.name);
    rows.push({
      model,
      values: {
        clean: r.cleanAccuracy,
        ...Object.fromEntries(r.attacks.map((a) => [a.name, a.accuracy])),
        'worst case': r.worstCaseAccuracy,
      },
    });
    flags.push(...r.flags.map((f) => ({ ...f, on: model })));
  }
  return { ...data, table: { columns: [...columns, 'worst case'], rows }, flags };
}

/** `edl report`. */
export function reportCommand(): Command {
  return new Command('report')
    .description('write an offline HTML report (inline SVG charts) from training runs and an evaluation summary')
    .option('--run <dir...>', 'one or more edl train output folders (metrics.jsonl, config.json)')
    .option(
      '--summary <file>',
      'JSON with extra report parts (table, epsilonCurves, ristaObjective, flags), e.g. from edl eval',
    )
    .option(
      '--eval <file...>',
      'evaluateRobustness JSON reports (edl eval --report), one per model, named by their folder',
    )
    .option('--title <text>', 'page title', 'EDL.js training report')
    .requiredOption('--out <dir>', 'output folder for report.html and the SVG files')
    .action(async (opts: { run?: string[]; summary?: string; eval?: string[]; title: string; out: string }) => {
      if (!opts.run && !opts.summary && !opts.eval) {
        throw new UserError('edl report needs --run <dir>, --eval <file> and/or --summary <file>');
      }
      let data: ReportData = { title: opts.title };
      if (opts.summary) {
        if (!existsSync(opts.summary)) throw new UserError(`--summary: file not found: ${opts.summary}`);
        data = { ...data, ...(JSON.parse(readFileSync(opts.summary, 'utf8')) as Partial<ReportData>) };
        const notFlag = (data.flags ?? []).find((f) => !isTrustFlag(f));
        if (notFlag !== undefined) {
          throw new UserError(
            `--summary ${opts.summary}: flags must be trust flags { id, severity, message, fix, on? }, got ${JSON.stringify(notFlag)} (summaries written before held text)`,
          );
        }
        const noEps = (data.epsilonCurves ?? []).find((c) => c.points.some((p) => typeof p.eps !== 'number'));
        if (noEps) {
          throw new UserError(
            `--summary ${opts.summary}: epsilonCurves '${noEps.series}': every point must be { eps, accuracy } with a numeric eps (the attacks' name; summaries written before said epsilon)`,
          );
        }
      }
      if (opts.run) data.runs = [...(data.runs ?? []), ...opts.run.map((d) => readRun(d))];
      if (opts.eval) data = addEvalReports(data, opts.eval);
      const charts = await writeReport(opts.out, data);
      console.log(`wrote ${join(opts.out, 'report.html')} (${charts.length} charts: ${charts.join(', ')})`);
    });
}
