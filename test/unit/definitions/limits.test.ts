/**
 * Size limits of definitions: stated in the schema (and so in bundle.schema.json), reported by lint
 * at their JSON paths, and the total size measured apart.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIMITS, definitionBytes } from '../../../definitions/limits';
import { lint } from '../../../definitions/lint';
import type { BundleDefinitionInput } from '../../../definitions/schema';
import { bundleJsonSchema } from '../../../scripts/gen-schema';
import { item, validDefinition } from './fixtures';

type Change = (definition: BundleDefinitionInput) => void;

const text = (chars: number) => ({ zh: '许'.repeat(chars), en: 'x' });
const field = (i: number) => ({ id: `field${i}`, label: { zh: `字段${i}`, en: `field ${i}` }, type: 'string' as const });
const material = (i: number) => ({ id: `material-${i}`, name: { zh: `材料${i}`, en: `material ${i}` }, source: { kind: 'applicant' as const } });

/** One case per kind of limit: what to change, where lint says it, with which code. */
const CASES: Array<[string, Change, string, string]> = [
  ['a title longer than its limit', (d) => void (d.title = text(LIMITS.titleChars + 1)), '/title/zh', 'schema/too_big'],
  ['a description longer than its limit', (d) => void (d.description = text(LIMITS.textChars + 1)), '/description/zh', 'schema/too_big'],
  ['more items than the limit', (d) => void (d.items = Array.from({ length: LIMITS.items + 1 }, (_, i) => item(`i-${i}`))), '/items', 'schema/too_big'],
  ['more fields than the limit', (d) => void (d.fields = Array.from({ length: LIMITS.fields + 1 }, (_, i) => field(i))), '/fields', 'schema/too_big'],
  [
    'more materials than the limit',
    (d) => void (d.materials = Array.from({ length: LIMITS.materials + 1 }, (_, i) => material(i))),
    '/materials',
    'schema/too_big',
  ],
  [
    'more steps in an item than the limit',
    (d) => void (d.items[0]!.steps = Array.from({ length: LIMITS.stepsPerItem + 1 }, (_, i) => ({ id: `s-${i}`, title: { zh: '审查', en: 'review' } }))),
    '/items/0/steps',
    'schema/too_big',
  ],
  ['a string value longer than its limit (an item code)', (d) => void (d.items[1]!.code = 'c'.repeat(LIMITS.valueChars + 1)), '/items/1/code', 'schema/too_big'],
  ['a pattern longer than its limit', (d) => void (d.fields![0]!.pattern = 'a'.repeat(LIMITS.patternChars + 1)), '/fields/0/pattern', 'schema/too_big'],
];

describe('lint: size limits', () => {
  it.each(CASES)('reports %s at its path', (_kind, change, path, code) => {
    const definition = validDefinition();
    change(definition);
    const { ok, issues } = lint(definition);
    expect(ok).toBe(false);
    expect(issues).toEqual([expect.objectContaining({ path, code, severity: 'error' })]);
  });

  it('reports a definition over the total size at the root, every count and length being within its limit', () => {
    const definition = validDefinition();
    // 200 unused fields with the longest help: 200 × (6,000 + 2,000) bytes, over 1 MiB.
    const help = { zh: '说'.repeat(LIMITS.textChars), en: 'h'.repeat(LIMITS.textChars) };
    definition.fields!.push(...Array.from({ length: 200 }, (_, i) => ({ ...field(i), help })));
    expect(definitionBytes(definition)).toBeGreaterThan(LIMITS.definitionBytes);
    const { ok, issues } = lint(definition);
    expect(ok).toBe(false);
    expect(issues.filter((issue) => issue.severity === 'error')).toEqual([
      expect.objectContaining({ path: '', code: 'definition-too-large', message: expect.stringMatching(/over the limit of 1048576/) }),
    ]);
  });

  it('accepts every definition at its limits, and the shipped bundles with room to spare', () => {
    const definition = validDefinition();
    definition.title = text(LIMITS.titleChars);
    definition.description = text(LIMITS.textChars);
    definition.items[0]!.code = 'c'.repeat(LIMITS.valueChars);
    definition.items[0]!.steps = Array.from({ length: LIMITS.stepsPerItem }, (_, i) => ({ id: `s-${i}`, title: text(LIMITS.titleChars) }));
    expect(lint(definition).ok).toBe(true);
    const bundles = new URL('../../../definitions/bundles/', import.meta.url);
    for (const name of readdirSync(bundles)) {
      const bundle = JSON.parse(readFileSync(new URL(name, bundles), 'utf8'));
      expect(lint(bundle).ok, name).toBe(true);
      expect(definitionBytes(bundle), name).toBeLessThan(LIMITS.definitionBytes / 20);
    }
  });

  it('states the limits in the JSON Schema editors and integrators read', () => {
    type Node = { description?: string; maxItems?: number; maxLength?: number; properties: Record<string, Node> };
    const { $defs } = bundleJsonSchema() as { $defs: Record<string, Node> };
    const bundle = $defs.BundleDefinition!;
    expect(bundle.properties.items!.maxItems).toBe(LIMITS.items);
    expect(bundle.properties.fields!.maxItems).toBe(LIMITS.fields);
    expect($defs.LocalizedText!.properties.zh!.maxLength).toBe(LIMITS.titleChars);
    expect($defs.LocalizedLongText!.properties.zh!.maxLength).toBe(LIMITS.textChars);
    expect(bundle.description).toMatch(/at most 1048576 bytes/);
  });
});
