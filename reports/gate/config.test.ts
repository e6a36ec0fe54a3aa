import { describe, expect, it } from 'vitest';
import { gatedMetricFilter, parseGateConfig, parseToleranceArgs } from './config.ts';
import { environmentDifferences, nodeMajor } from './environment.ts';
import { manifest } from './testing.ts';

describe('gate.yaml', () => {
  it('reads level, tolerances, metrics, exclude and flags', () => {
    const c = parseGateConfig(
      'level: 0.9\ntolerances: { accuracy: 0.02, wer: 0.01 }\nexclude: [distinct-2]\nstrictEnv: true\n',
      'gate.yaml',
    );
    expect(c).toEqual({
      level: 0.9,
      tolerances: { accuracy: 0.02, wer: 0.01 },
      exclude: ['distinct-2'],
      strictEnv: true,
    });
    expect(parseGateConfig('', 'gate.yaml')).toEqual({});
  });

  it('errors name the file and the field', () => {
    expect(() => parseGateConfig('tolerances: { accuracy: -1 }\n', 'ci/gate.yaml')).toThrow(
      /^ci\/gate\.yaml: field 'tolerances\.accuracy': /,
    );
    expect(() => parseGateConfig('level: 95\n', 'gate.yaml')).toThrow(/gate\.yaml: field 'level'/);
    expect(() => parseGateConfig('tolerance: { accuracy: 0.1 }\n', 'gate.yaml')).toThrow(
      /gate\.yaml: field '\(root\)': .*\(tolerance; allowed: level, tolerances, metrics, exclude, strictEnv, failOnMissing\)/,
    );
    expect(() => parseGateConfig('a: [\n', 'gate.yaml')).toThrow(/gate\.yaml: not valid YAML/);
  });

  it('metrics and exclude choose the gated metrics', () => {
    const only = gatedMetricFilter({ metrics: ['accuracy', 'wer'], exclude: ['wer'] });
    expect(['accuracy', 'wer', 'cka'].map(only)).toEqual([true, false, false]);
    expect(gatedMetricFilter({})('anything')).toBe(true);
  });
});

describe('--tolerance', () => {
  it('accepts repeated and comma-joined metric=value pairs', () => {
    expect(parseToleranceArgs(['accuracy=0.02', 'wer=0.01,cka=0'])).toEqual({
      accuracy: 0.02,
      wer: 0.01,
      cka: 0,
    });
  });

  it('refuses malformed or negative values', () => {
    expect(() => parseToleranceArgs(['accuracy'])).toThrow(/--tolerance 'accuracy': expected metric=value/);
    expect(() => parseToleranceArgs(['accuracy=-0.1'])).toThrow(/value ≥ 0/);
    expect(() => parseToleranceArgs(['accuracy=abc'])).toThrow(/expected metric=value/);
  });
});

describe('environment check', () => {
  it('compares Node by major version only', () => {
    expect(nodeMajor('v20.11.1')).toBe('20');
    const a = manifest();
    const b = manifest({ environment: { ...a.environment, node: 'v20.19.0' } });
    expect(environmentDifferences(a, b)).toEqual([]);
  });

  it('names tfjs, harness, GPU and metric signature differences', () => {
    const a = manifest();
    const b = manifest({
      harnessVersion: '0.2.0',
      suite: { name: 'smoke', hash: 'h2' },
      environment: { ...a.environment, tfjs: '4.23.0', gpu: { vendor: 'nvidia', device: 'H100' } },
      metricSignatures: { accuracy: 'accuracy|exact|v2', wer: 'wer|v1' },
    });
    expect(environmentDifferences(a, b)).toEqual([
      { field: 'environment.tfjs version', baseline: '4.22.0', candidate: '4.23.0' },
      { field: 'harness version', baseline: '0.1.0', candidate: '0.2.0' },
      { field: 'GPU', baseline: 'none', candidate: '{"vendor":"nvidia","device":"H100"}' },
      { field: 'suite', baseline: 'smoke (hash h1)', candidate: 'smoke (hash h2)' },
      { field: "metric signature 'accuracy'", baseline: 'accuracy|exact|v1', candidate: 'accuracy|exact|v2' },
    ]);
  });
});
