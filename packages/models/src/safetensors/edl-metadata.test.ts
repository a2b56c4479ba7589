import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnet } from '../resnet/resnet.ts';
import { toElastic } from '../resnet/to-elastic.ts';
import { decodeSafetensors } from './decode-safetensors.ts';
import { describeModel, EDL_RISTA_SCHEMA_1, EDL_RISTA_SCHEMA_2, EDL_SCHEMA_VERSION } from './edl-metadata.ts';
import { encodeSafetensors } from './encode-safetensors.ts';
import { exportSafetensors, importSafetensors } from './export-safetensors.ts';
import { readEdlMetadata } from './read-edl-metadata.ts';
import { toTorchStateDict } from './torch-state-dict.ts';

const small = { depth: 10 as const, widthMultiplier: 1 / 16, inputShape: [16, 16, 3] as [number, number, number] };
const packageVersion = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('edl.* metadata of an exported file', () => {
  it('holds the schema version, library version, architecture and each conv layer of an elastic ResNet10', async () => {
    const model = resnet({ ...small, conv: 'elastic', steps: 2, eps: 0.02, nonNegative: false, trainLambda: true });
    const { metadata } = decodeSafetensors(await exportSafetensors(model, { metadata: { note: 'kept' } }));
    expect(metadata.format).toBe('pt');
    expect(metadata.note).toBe('kept');
    expect(metadata['edl.schema']).toBe('2');
    expect(metadata['edl.name']).toBe('resnet10-elastic');
    expect(JSON.parse(metadata['edl.library']!)).toEqual({ name: '@edl/models', version: packageVersion });
    expect(JSON.parse(metadata['edl.model']!)).toEqual({
      family: 'resnet',
      depth: 10,
      block: 'basic',
      blocks: [1, 1, 1, 1],
      expansion: 1,
      widths: [4, 8, 16, 32],
      numClasses: 10,
      inputShape: [16, 16, 3],
      firstStageStride: 1,
      conv: 'elastic',
      stemRelu: false,
      blockRelu: [false],
      shortcut: 'conv1x1-bn',
      batchNorm: { epsilon: 1e-5, momentum: 0.1 },
      head: 'avgpool-linear',
    });
    const layers = JSON.parse(metadata['edl.layers']!);
    // 9 3x3 dictionary convs (stem + 2 per block) and 3 1x1 shortcut convs, in model order
    expect(Object.keys(layers)).toHaveLength(12);
    expect(layers['layer2.0.conv1']).toEqual({
      kind: 'elastic',
      inChannels: 4,
      outChannels: 8,
      kernelSize: [3, 3],
      stride: [2, 2],
      padding: [1, 1],
      bias: false,
      dictionary: {
        steps: 2,
        eps: 0.02,
        threshold: 'two-sided',
        betaTrainable: true,
        lambdaTrainable: true,
        stepSize: 'auto',
        stepSizeRule: 'elastic',
        stepSizeRefresh: 1,
        normalizeAtoms: true,
        detachWeights: false,
      },
    });
    expect(layers['layer2.0.shortcut.0']).toEqual({
      kind: 'standard',
      inChannels: 4,
      outChannels: 8,
      kernelSize: [1, 1],
      stride: [2, 2],
      padding: [0, 0],
      bias: false,
    });
    const rista = JSON.parse(metadata['edl.rista']!);
    expect(rista.z0).toBe('T0(t0 * A(x)), T0 the threshold at relu(lambda) * t0');
    expect(rista.t).toMatch(/^stepSizeRule 'elastic': t0 \/ \(beta \+ \(1 - beta\) \/ \(2 \* eps\)\)/);
  });

  it('edl.rista of schema 2 is schema 1 with z0, t and stepSizeRule redefined and t0 added, in schema 1 key order', () => {
    // Schema 2 is spelled out key by key (no spread, which the bundler turns into duplicate keys): it must still
    // serialize exactly as `{ ...EDL_RISTA_SCHEMA_1, <the schema 2 entries> }` did, so files keep the same bytes.
    const { z0, t, stepSizeRule, t0 } = EDL_RISTA_SCHEMA_2;
    const spread = { ...EDL_RISTA_SCHEMA_1, z0, t0, t, stepSizeRule };
    expect(JSON.stringify(EDL_RISTA_SCHEMA_2)).toBe(JSON.stringify(spread));
    expect(Object.keys(EDL_RISTA_SCHEMA_2)).toEqual([...Object.keys(EDL_RISTA_SCHEMA_1), 't0']);
    for (const key of ['z0', 't', 'stepSizeRule'] as const) {
      expect(EDL_RISTA_SCHEMA_2[key]).not.toBe(EDL_RISTA_SCHEMA_1[key]);
    }
  });

  it('reads padding, ReLUs and strides from the graph of standard and bottleneck models', () => {
    const standard = describeModel(resnet({ ...small, inputShape: [64, 64, 3] }));
    expect(standard.model).toMatchObject({ conv: 'standard', stemRelu: true, blockRelu: [true], firstStageStride: 2 });
    // a stride-2 ordinary 3x3 conv is a ZeroPadding2D of 1 then 'valid': PyTorch's padding 1
    expect(standard.layers['layer2.0.conv1']).toMatchObject({ kind: 'standard', stride: [2, 2], padding: [1, 1] });
    expect(standard.layers['layer1.0.conv2']).toMatchObject({ stride: [1, 1], padding: [1, 1] });
    const bottleneck = describeModel(resnet({ ...small, depth: 50, conv: 'robust' }));
    expect(bottleneck.model).toMatchObject({ depth: 50, block: 'bottleneck', expansion: 4, blockRelu: [true, false] });
    expect(bottleneck.layers['layer1.0.conv1']?.kind).toBe('standard');
    expect(bottleneck.layers['layer1.0.conv2']?.kind).toBe('robust');
    expect(bottleneck.layers['layer1.0.conv2']?.dictionary?.betaTrainable).toBe(false);
  });

  it('describes any other model by its conv layers only (no edl.model)', () => {
    const input = tf.input({ shape: [8, 8, 2] });
    const conv = tf.layers.conv2d({ name: 'c', filters: 3, kernelSize: 3, strides: 2, padding: 'same' });
    const model = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
    const meta = describeModel(model);
    expect(meta.model).toBeUndefined();
    // tfjs 'same' at stride 2 pads bottom/right only: not a PyTorch padding, said so
    expect(meta.layers.c).toMatchObject({ kind: 'standard', padding: 'tf-same', bias: true });
  });

  it('names the toElastic copy for what it is, in the file too', async () => {
    const elastic = toElastic(resnet({ ...small, conv: 'vanilla' }));
    expect(elastic.name).toBe('resnet10-elastic');
    const meta = readEdlMetadata(decodeSafetensors(await exportSafetensors(elastic)).metadata);
    expect(meta?.name).toBe('resnet10-elastic');
    expect(meta?.model?.conv).toBe('elastic');
    expect(meta?.layers.conv1?.kind).toBe('elastic');
  });

  it('refuses user metadata in the reserved keys', async () => {
    const model = resnet({ ...small });
    await expect(exportSafetensors(model, { metadata: { 'edl.schema': '9' } })).rejects.toThrow(
      /metadata: keys 'format' and 'edl\.\*' are written by the export, got 'edl\.schema'/,
    );
  });
});

describe('reading the metadata back', () => {
  const file = async () => decodeSafetensors(await exportSafetensors(resnet({ ...small, conv: 'vanilla' })));

  it('checks the schema version: a newer one asks for an upgrade, an unknown one is named', async () => {
    const { metadata } = await file();
    expect(readEdlMetadata(metadata)?.schema).toBe(EDL_SCHEMA_VERSION);
    expect(() => readEdlMetadata({ ...metadata, 'edl.schema': '3' }, 'm.safetensors')).toThrow(
      /m\.safetensors: metadata schema version 3 is newer than this @edl\/models reads \(2\): upgrade @edl\/models/,
    );
    expect(() => readEdlMetadata({ ...metadata, 'edl.schema': 'one' })).toThrow(
      /unknown metadata schema version "one"/,
    );
    expect(() => readEdlMetadata({ ...metadata, 'edl.layers': '{not json' })).toThrow(
      /metadata 'edl\.layers' is not valid JSON/,
    );
    expect(readEdlMetadata({ format: 'pt' })).toBeUndefined();
  });

  it('refuses a newer schema on import before writing any weight', async () => {
    const model = resnet({ ...small, conv: 'vanilla', seed: 1 });
    const source = resnet({ ...small, conv: 'vanilla', seed: 2 });
    const { tensors, metadata } = decodeSafetensors(await exportSafetensors(source));
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    const newer = encodeSafetensors(tensors, { ...metadata, 'edl.schema': '3' });
    expect(() => importSafetensors(model, newer, 'new.safetensors')).toThrow(/new\.safetensors: .*schema version 3/);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
  });

  it('refuses a file whose hyperparameters differ from the model, naming every differing key', async () => {
    const bytes = await exportSafetensors(resnet({ ...small, conv: 'elastic', eps: 0.05, steps: 2 }));
    const model = resnet({ ...small, conv: 'elastic', eps: 1e-3, steps: 2, seed: 3 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    let message = '';
    try {
      importSafetensors(model, bytes, 'eps.safetensors');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(
      /^eps\.safetensors: the file's hyperparameters differ from model 'resnet10-elastic' \(9 keys\)/,
    );
    expect(message).toContain('layers.conv1.dictionary.eps: file 0.05, model 0.001');
    expect(message).toContain('layers.layer4.0.conv2.dictionary.eps: file 0.05, model 0.001');
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);

    const vanillaFile = await exportSafetensors(resnet({ ...small, conv: 'vanilla', steps: 2, eps: 1e-3 }));
    expect(() => importSafetensors(model, vanillaFile)).toThrow(/model\.conv: file "vanilla", model "elastic"/);
    expect(() => importSafetensors(model, vanillaFile)).toThrow(/layers\.conv1\.kind: file "vanilla", model "elastic"/);
    const deeper = await exportSafetensors(resnet({ ...small, conv: 'elastic', eps: 1e-3, steps: 3 }));
    expect(() => importSafetensors(model, deeper)).toThrow(/layers\.conv1\.dictionary\.steps: file 3, model 2/);
  });

  it("reads a schema 1 file (no stepSizeRule) as 'lipschitz': it loads where that rule is, and is refused elsewhere", async () => {
    const old = resnet({ ...small, conv: 'robust', steps: 2, stepSizeRule: 'lipschitz', seed: 1 });
    const { tensors, metadata } = decodeSafetensors(await exportSafetensors(old));
    const layers = JSON.parse(metadata['edl.layers']!) as Record<string, { dictionary?: Record<string, unknown> }>;
    for (const l of Object.values(layers)) delete l.dictionary?.stepSizeRule;
    const schema1 = { ...metadata, 'edl.schema': '1', 'edl.layers': JSON.stringify(layers) };
    const read = readEdlMetadata(schema1)!;
    expect(read.schema).toBe(1);
    expect(read.layers.conv1?.dictionary?.stepSizeRule).toBe('lipschitz');
    const bytes = encodeSafetensors(tensors, schema1);
    const same = resnet({ ...small, conv: 'robust', steps: 2, stepSizeRule: 'lipschitz', seed: 2 });
    importSafetensors(same, bytes);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    expect(Array.from((same.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((old.predict(x) as tf.Tensor).dataSync()),
    );
    const current = resnet({ ...small, conv: 'robust', steps: 2, seed: 3 });
    expect(() => importSafetensors(current, bytes)).toThrow(
      /layers\.conv1\.dictionary\.stepSizeRule: file "lipschitz", model "elastic"/,
    );
    // at beta = 1 both rules give the same step: a vanilla schema 1 file loads into a current vanilla model
    const vanilla = resnet({ ...small, conv: 'vanilla', steps: 2, seed: 1 });
    const v = decodeSafetensors(await exportSafetensors(vanilla));
    importSafetensors(
      resnet({ ...small, conv: 'vanilla', steps: 2, seed: 2 }),
      encodeSafetensors(v.tensors, { ...v.metadata, 'edl.schema': '1' }),
    );
  });

  it('accepts a file that differs only in training settings, and a file without edl metadata', async () => {
    const trained = resnet({ ...small, conv: 'elastic', steps: 2, seed: 1 });
    const bytes = await exportSafetensors(trained);
    const evaluation = resnet({ ...small, conv: 'elastic', steps: 2, trainBeta: false, stepSize: 0.3, seed: 2 });
    importSafetensors(evaluation, bytes);
    const x = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 4);
    expect(Array.from((evaluation.predict(x) as tf.Tensor).dataSync())).toEqual(
      Array.from((trained.predict(x) as tf.Tensor).dataSync()),
    );
    // another tool's file (no edl.*): loaded on its tensors alone
    const plain = encodeSafetensors(await toTorchStateDict(trained), { format: 'pt' });
    importSafetensors(resnet({ ...small, conv: 'elastic', steps: 2, eps: 0.5, seed: 5 }), plain);
  });
});
