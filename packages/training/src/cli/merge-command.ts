import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '@edl/attacks/node';
import { Command } from 'commander';
import { TrainingError } from '../errors/training-error.ts';
import { mergeShardReports, type NamedShardReport } from '../shard/merge-shard-reports.ts';
import { UserError } from './user-error.ts';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: not readable JSON (${(error as Error).message})`);
  }
}

/** Shard reports named by `inputs`: files as given, folders searched for `*.json` files that are shard reports. */
export function collectShardReports(inputs: string[]): NamedShardReport[] {
  const out: NamedShardReport[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new UserError(`merge: no such file or folder: ${input}`);
    if (statSync(input).isDirectory()) {
      for (const name of readdirSync(input).sort()) {
        if (!name.endsWith('.json')) continue;
        const file = join(input, name);
        const value = readJson(file) as { kind?: unknown };
        if (value?.kind === 'edl-shard-report') out.push({ file, report: value as NamedShardReport['report'] });
      }
    } else {
      out.push({ file: input, report: readJson(input) as NamedShardReport['report'] });
    }
  }
  if (out.length === 0) throw new UserError(`merge: no shard reports in ${inputs.join(', ')}`);
  return out;
}

/** `edl merge`. */
export function mergeCommand(): Command {
  return new Command('merge')
    .description(
      'merge the shard reports of a sharded `edl eval` / `edl attack` run (checks they belong together) into the report an unsharded run writes',
    )
    .argument('<reports...>', 'shard report files, or folders holding them')
    .requiredOption('--out <file>', 'merged report path, e.g. runs/eval/robustness.json')
    .action(async (inputs: string[], o: { out: string }) => {
      const shards = collectShardReports(inputs);
      let merged: ReturnType<typeof mergeShardReports>;
      try {
        merged = mergeShardReports(shards);
      } catch (error) {
        if (error instanceof TrainingError) throw new UserError(`merge refused: ${error.message}`);
        throw error;
      }
      for (const w of merged.warnings) console.warn(`edl merge: warning: ${w}`);
      await writeJsonAtomic(o.out, merged.report);
      const r = merged.report;
      const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
      console.log(`merged ${r.shards} shards, ${r.numSamples} samples: clean ${pct(r.cleanAccuracy)}`);
      for (const a of r.attacks) console.log(`${a.name} ${pct(a.accuracy)}`);
      console.log(`worst case ${pct(r.worstCaseAccuracy)}`);
      for (const f of r.flags) console.log(`FLAG [${f.severity}] ${f.id}: ${f.message}`);
      console.log(`report: ${o.out}`);
    });
}
