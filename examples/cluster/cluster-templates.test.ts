import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@edl/training/node';
import { loadAll } from 'js-yaml';
import { describe, expect, it, vi } from 'vitest';

// The Kubernetes manifests and Slurm templates cannot run here (no cluster); these checks keep them consistent with
// the CLI: the grid in the ConfigMap plans into exactly `completions` cells, the pods run the documented commands.
const here = import.meta.dirname;
const text = (file: string) => readFileSync(join(here, file), 'utf8');

interface Container {
  command: string[];
  env?: { name: string; value: string }[];
  volumeMounts: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    backoffLimitPerIndex?: number;
    template: {
      spec: {
        restartPolicy: string;
        containers: Container[];
        volumes: { name: string; persistentVolumeClaim?: { claimName: string }; configMap?: { name: string } }[];
      };
    };
  };
}
const manifests = (file: string) => loadAll(text(file)) as Manifest[];

/** `edl grid plan` on `grid` (its out moved to a temporary folder): the number of cells it prints. */
async function planCells(grid: Record<string, unknown>): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'edl-cluster-'));
  const file = join(dir, 'grid.json');
  writeFileSync(file, JSON.stringify({ ...grid, out: join(dir, 'out') }));
  let out = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => {
    out += `${a.join(' ')}\n`;
  });
  try {
    expect(await runCli(['grid', 'plan', file])).toBe(0);
  } finally {
    log.mockRestore();
  }
  return Number(/^(\d+) cells -> /m.exec(out)?.[1]);
}

describe('examples/cluster templates', () => {
  it('grid-indexed-job.yaml: one pod per cell of the ConfigMap grid, each running `edl grid run` on it', async () => {
    const [configMap, job] = manifests('grid-indexed-job.yaml') as [Manifest, Manifest];
    expect(configMap.kind).toBe('ConfigMap');
    expect(job.kind).toBe('Job');
    const grid = JSON.parse(configMap.data?.['grid.json'] ?? '') as Record<string, unknown>;
    const cells = await planCells(grid);
    expect(cells).toBe(6);
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.completions).toBe(cells);
    expect(job.spec.parallelism).toBeLessThanOrEqual(cells);
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    const [container] = pod.containers as [Container];
    const config = container.volumeMounts.find((m) => m.name === 'config');
    expect(config?.readOnly).toBe(true);
    expect(container.command).toEqual(['npx', 'edl', 'grid', 'run', `${config?.mountPath}/grid.json`]);
    expect(container.env ?? []).toEqual([]); // the index is JOB_COMPLETION_INDEX, the count the grid's cells
    expect(pod.volumes.find((v) => v.name === 'config')?.configMap?.name).toBe(configMap.metadata.name);
    const work = container.volumeMounts.find((m) => m.name === 'work');
    expect(String(grid.out).startsWith(`${work?.mountPath}/`)).toBe(true); // cells write to the shared volume

    const [report] = manifests('grid-report-job.yaml') as [Manifest];
    const reportPod = report.spec.template.spec;
    expect(reportPod.containers[0]?.command).toEqual([
      'npx',
      'edl',
      'grid',
      'report',
      `${config?.mountPath}/grid.json`,
    ]);
    expect(reportPod.volumes).toEqual(pod.volumes);
  });

  it('grid-example.json (Slurm) plans into the cells of the Kubernetes grid; eval-indexed-job.yaml counts its shards', async () => {
    const example = JSON.parse(text('grid-example.json')) as { grid: unknown; eval: unknown };
    const [configMap] = manifests('grid-indexed-job.yaml') as [Manifest];
    const k8s = JSON.parse(configMap.data?.['grid.json'] ?? '') as { grid: unknown; eval: unknown };
    expect(k8s.grid).toEqual(example.grid);
    expect(k8s.eval).toEqual(example.eval);
    expect(await planCells(example)).toBe(6);
    const [evalJob] = manifests('eval-indexed-job.yaml') as [Manifest];
    const env = evalJob.spec.template.spec.containers[0]?.env ?? [];
    expect(Number(env.find((e) => e.name === 'EDL_SHARD_COUNT')?.value)).toBe(evalJob.spec.completions);
  });

  it('the README names files that exist and jobs that the manifests define', () => {
    const readme = text('README.md');
    const files = [...readme.matchAll(/examples\/cluster\/([\w.-]+)/g)].map((m) => m[1] as string);
    expect(files).toEqual(expect.arrayContaining(['grid-indexed-job.yaml', 'grid-report-job.yaml', 'submit-grid.sh']));
    for (const f of new Set(files)) expect(() => text(f), f).not.toThrow();
    const jobs = new Set(
      ['eval-indexed-job.yaml', 'merge-job.yaml', 'grid-indexed-job.yaml', 'grid-report-job.yaml'].flatMap((f) =>
        manifests(f).map((m) => m.metadata.name),
      ),
    );
    const waited = [...readme.matchAll(/job\/([\w-]+)/g)].map((m) => m[1] as string);
    expect(waited).toEqual(expect.arrayContaining(['edl-grid', 'edl-grid-report']));
    for (const j of waited) expect(jobs.has(j), j).toBe(true);
  });
});
