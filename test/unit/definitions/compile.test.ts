import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile, hashDefinition, parseAndCompile } from '../../../definitions/compile';
import { DefinitionError } from '../../../definitions/errors';
import { z } from 'zod';
import { LIMITS } from '../../../definitions/limits';
import { BundleDefinition, Item, type BundleDefinitionInput } from '../../../definitions/schema';
import { layeredDefinition, layeredId, validDefinition } from './fixtures';

function bundleFile(name: string): unknown {
  return JSON.parse(readFileSync(new URL(`../../../definitions/bundles/${name}.json`, import.meta.url), 'utf8'));
}

/** Item facts that are easy to check by hand: [id, level, earliest start, earliest finish, on the critical path]. */
function timeline(plan: ReturnType<typeof compile>) {
  return plan.items.map((item) => [item.id, item.level, item.earliestStartDay, item.earliestFinishDay, item.onCriticalPath]);
}

describe('compile: real bundles', () => {
  it('runs the restaurant permits in parallel after the licence, the sign filing on the critical path', () => {
    const plan = parseAndCompile(bundleFile('open-restaurant'));
    expect(plan.levels).toEqual([['business-licence'], ['food-permit', 'outdoor-sign', 'fire-check', 'tobacco-permit']]);
    // licence 3 days, then the longest of food 5, sign 7, fire 5, tobacco 5.
    expect(plan.criticalPath).toEqual({ items: ['business-licence', 'outdoor-sign'], days: 10 });
    expect(timeline(plan)).toEqual([
      ['business-licence', 0, 0, 3, true],
      ['food-permit', 1, 3, 8, false],
      ['outdoor-sign', 1, 3, 10, true],
      ['fire-check', 1, 3, 8, false],
      ['tobacco-permit', 1, 3, 8, false],
    ]);
    expect(plan.items[0]!.dependents).toEqual(['food-permit', 'outdoor-sign', 'fire-check', 'tobacco-permit']);
    expect(plan.items.find((item) => item.id === 'tobacco-permit')!.condition).toEqual({ field: 'sellsTobacco', equals: true });
  });

  it('finishes enterprise start-up in 2 days, the tie between parallel items going to the first defined', () => {
    const plan = parseAndCompile(bundleFile('enterprise-startup'));
    expect(plan.levels).toEqual([
      ['business-registration'],
      ['seal-engraving', 'tax-invoicing', 'social-insurance', 'housing-fund', 'bank-account'],
    ]);
    // registration 1 day, then five 1-day items in parallel: every chain takes 2 days.
    expect(plan.criticalPath).toEqual({ items: ['business-registration', 'seal-engraving'], days: 2 });
    expect(plan.items.map((item) => item.earliestFinishDay)).toEqual([1, 2, 2, 2, 2, 2]);
  });

  it('registers a newborn before insurance and the card, within 5 days', () => {
    const plan = parseAndCompile(bundleFile('newborn'));
    expect(plan.levels).toEqual([
      ['birth-certificate'],
      ['household-registration', 'vaccination-record'],
      ['medical-insurance', 'social-security-card'],
    ]);
    // certificate 1 + household registration 2 + insurance 2 (the card, also 2, is defined later).
    expect(plan.criticalPath).toEqual({ items: ['birth-certificate', 'household-registration', 'medical-insurance'], days: 5 });
    expect(timeline(plan)).toEqual([
      ['birth-certificate', 0, 0, 1, true],
      ['household-registration', 1, 1, 3, true],
      ['vaccination-record', 1, 1, 1, false],
      ['medical-insurance', 2, 3, 5, true],
      ['social-security-card', 2, 3, 5, false],
    ]);
  });
});

describe('compile: commitments and grants', () => {
  const commitments = (plan: ReturnType<typeof compile>) => plan.items.map((item) => [item.id, item.commitments]);
  const grants = (plan: ReturnType<typeof compile>) => Object.fromEntries(plan.materials.map((m) => [m.id, m.grants]));

  it('forbids commitments on the restaurant food permit and fire check, and grants the licence and the sign on tolerated materials', () => {
    const plan = parseAndCompile(bundleFile('open-restaurant'));
    expect(commitments(plan)).toEqual([
      ['business-licence', 'allowed'],
      ['food-permit', 'forbidden'],
      ['outdoor-sign', 'allowed'],
      ['fire-check', 'forbidden'],
      ['tobacco-permit', 'allowed'],
    ]);
    const tolerable = plan.materials.filter((m) => m.tolerable).map((m) => [m.id, m.commitmentDays, m.grants]);
    expect(tolerable).toEqual([
      ['premises-proof', 3, ['business-licence', 'outdoor-sign']],
      ['sign-design', 7, ['outdoor-sign']],
    ]);
  });

  it('forbids commitments on the newborn health items and grants the social security card on the tolerated photo', () => {
    const plan = parseAndCompile(bundleFile('newborn'));
    expect(plan.items.filter((item) => item.commitments === 'forbidden').map((item) => item.id)).toEqual([
      'birth-certificate',
      'vaccination-record',
    ]);
    expect(grants(plan)['child-photo']).toEqual(['social-security-card']);
  });

  it('resolves grants to every item using a material, in plan item order, when the material names none', () => {
    const definition = validDefinition();
    definition.items[2]!.materials = ['lease'];
    definition.items.reverse(); // c, b, a: the plan runs a, c, b
    const plan = parseAndCompile(definition);
    expect(plan.items.map((item) => item.id)).toEqual(['a', 'c', 'b']);
    expect(grants(plan)).toEqual({ 'id-card': ['a', 'b'], lease: ['a', 'c'] });
  });

  it('resolves grants to the items a material names, in plan item order', () => {
    const definition = validDefinition();
    definition.items[1]!.materials!.push('lease');
    definition.items[2]!.materials = ['lease'];
    definition.materials![1]!.grants = ['c', 'b']; // not a: it uses the lease, but is not granted on it
    const plan = parseAndCompile(definition);
    expect(plan.items.map((item) => item.id)).toEqual(['a', 'b', 'c']);
    expect(grants(plan)).toEqual({ 'id-card': ['a', 'b'], lease: ['b', 'c'] });
  });

  it('resolves commitments to forbidden on an item that forbids them and allowed elsewhere', () => {
    const definition = validDefinition();
    definition.items[2]!.commitments = 'forbidden';
    definition.items[1]!.commitments = 'allowed';
    expect(commitments(parseAndCompile(definition))).toEqual([
      ['a', 'allowed'],
      ['b', 'allowed'],
      ['c', 'forbidden'],
    ]);
  });

  it('resolves commitments to forbidden on every item when the bundle forbids them', () => {
    const definition = validDefinition();
    definition.commitments = 'forbidden';
    definition.materials![1]!.tolerable = false;
    delete definition.materials![1]!.commitmentDays;
    definition.items[0]!.commitments = 'allowed';
    expect(commitments(parseAndCompile(definition)).map(([, value]) => value)).toEqual(['forbidden', 'forbidden', 'forbidden']);
  });

  it('adds grants to the plan only, leaving the definition and its hash as they were', () => {
    const definition = BundleDefinition.parse(validDefinition());
    const before = hashDefinition(definition);
    const plan = compile(definition);
    expect(plan.materials[1]!.grants).toEqual(['a']);
    expect(definition.materials[1]).not.toHaveProperty('grants');
    expect(plan.hash).toBe(before);
    expect(hashDefinition(definition)).toBe(before);
  });
});

/**
 * The compiler below the schema: no definition over LIMITS.items items is ever published, but the
 * graph algorithms must not be what holds the limit down (iterative, near-linear), so they are tested
 * at five times it. `compile` lints the semantic rules only; this parse lifts just the item limit.
 */
function compileBeyondLimits(input: BundleDefinitionInput) {
  expect(input.items.length).toBeGreaterThan(LIMITS.items);
  expect(BundleDefinition.safeParse(input).success).toBe(false);
  return compile(BundleDefinition.safeExtend({ items: z.array(Item).min(1) }).parse(input));
}

describe('compile: order and graph', () => {
  it('lists items dependencies first when they are defined in another order', () => {
    const definition = validDefinition();
    definition.items.reverse(); // c, b, a
    const plan = parseAndCompile(definition);
    expect(plan.items.map((item) => item.id)).toEqual(['a', 'c', 'b']);
    expect(plan.levels).toEqual([['a'], ['c', 'b']]);
    expect(plan.items[0]!.dependents).toEqual(['c', 'b']);
  });

  it('compiles a 1,000-item layered definition to its known levels and critical path', () => {
    const depth = 100;
    const width = 10;
    const plan = compileBeyondLimits(layeredDefinition(depth, width));
    expect(plan.items).toHaveLength(1000);
    expect(plan.levels).toEqual(
      Array.from({ length: depth }, (_, level) => Array.from({ length: width }, (__, column) => layeredId(level, column))),
    );
    expect(plan.items.map((item) => item.id)).toEqual(plan.levels.flat());
    expect(plan.criticalPath).toEqual({
      items: Array.from({ length: depth }, (_, level) => layeredId(level, level % width)),
      days: depth * 3,
    });
    expect(plan.items.filter((item) => item.onCriticalPath)).toHaveLength(depth);
  });

  it('compiles a 1,000-item chain of instant steps without running out of stack', () => {
    const plan = compileBeyondLimits(layeredDefinition(1000, 1, 0));
    expect(plan.levels).toHaveLength(1000);
    expect(plan.criticalPath.items).toHaveLength(1000);
    expect(plan.criticalPath.days).toBe(0);
  });
});

describe('compile: determinism and hash', () => {
  it('produces byte-identical plans when compiled twice', () => {
    const definition = BundleDefinition.parse(bundleFile('open-restaurant'));
    expect(JSON.stringify(compile(definition))).toBe(JSON.stringify(compile(structuredClone(definition))));
  });

  it('produces the same plan and hash when keys are written in another order', () => {
    const original = validDefinition();
    const reversed = reverseKeys(original) as typeof original;
    expect(Object.keys(reversed)[0]).toBe('items');
    expect(JSON.stringify(parseAndCompile(reversed))).toBe(JSON.stringify(parseAndCompile(original)));
  });

  it('keeps the hash when only $schema or written-out defaults differ', () => {
    const plain = validDefinition();
    delete plain.$schema;
    const explicit = validDefinition();
    explicit.$schema = 'https://example.org/other.json';
    explicit.calendar = 'cn';
    explicit.items[0]!.trips = 1;
    expect(parseAndCompile(explicit).hash).toBe(parseAndCompile(plain).hash);
  });

  it('changes the hash when the content changes', () => {
    const changed = validDefinition();
    changed.items[1]!.title.zh = '另一个';
    expect(parseAndCompile(changed).hash).not.toBe(parseAndCompile(validDefinition()).hash);
  });

  it('hashes the RFC 8785 canonical JSON of the parsed definition, without $schema, with sha256', () => {
    const definition = BundleDefinition.parse({
      $schema: '../bundle.schema.json',
      window: { department: 'd' },
      id: 'x',
      version: 1,
      title: { zh: '甲', en: 'a' },
      promisedDays: 0,
      departments: [{ id: 'd', name: { zh: '部', en: 'd' } }],
      items: [
        {
          id: 'i',
          code: 'c',
          title: { zh: '项', en: 'i' },
          department: 'd',
          kind: 'instant',
          statutoryDays: 0,
          promisedDays: 0,
          steps: [{ id: 's', title: { zh: '受理', en: 's' }, kind: 'accept' }],
          result: { kind: 'notice', title: { zh: '果', en: 'r' } },
          defaultable: true,
          timeout: { policy: 'default-approve' },
        },
      ],
    });
    // Written by hand: sorted keys, no whitespace, defaults applied, no $schema.
    const canonical =
      '{"calendar":"cn","departments":[{"id":"d","name":{"en":"d","zh":"部"}}],"fields":[],"id":"x",' +
      '"items":[{"code":"c","defaultable":true,"department":"d","dependsOn":[],"fields":[],"id":"i","kind":"instant",' +
      '"materials":[],"optionalFields":[],"promisedDays":0,"result":{"kind":"notice","title":{"en":"r","zh":"果"}},' +
      '"statutoryDays":0,"steps":[{"countsTowardLimit":true,"id":"s","kind":"accept","title":{"en":"s","zh":"受理"}}],' +
      '"timeout":{"policy":"default-approve"},"title":{"en":"i","zh":"项"},"trips":1}],"materials":[],"promisedDays":0,' +
      '"sections":[],"steps":1,"title":{"en":"a","zh":"甲"},"trips":1,"version":1,"window":{"department":"d"}}';
    expect(hashDefinition(definition)).toBe(createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('shares no object with the definition it was compiled from', () => {
    const definition = BundleDefinition.parse(validDefinition());
    const plan = compile(definition);
    plan.items[0]!.steps[0]!.title.zh = 'changed';
    plan.fields[0]!.label.zh = 'changed';
    expect(definition.items[0]!.steps[0]!.title.zh).toBe('accept');
    expect(definition.fields[0]!.label.zh).toBe('name');
  });
});

describe('compile: refusal', () => {
  it('throws DefinitionError with every issue when the definition has semantic errors', () => {
    const definition = BundleDefinition.parse(validDefinition());
    definition.items[0]!.dependsOn = ['b'];
    definition.items[1]!.defaultable = false;
    const error = captureError(() => compile(definition));
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).issues.map((issue) => issue.code)).toEqual(['dependency-cycle', 'non-defaultable-default']);
  });

  it('throws DefinitionError with schema issues when parseAndCompile gets a malformed definition', () => {
    const error = captureError(() => parseAndCompile({ id: 'x' }));
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).issues.every((issue) => issue.code.startsWith('schema/'))).toBe(true);
    expect((error as DefinitionError).message).toContain('/version');
  });

  it('compiles despite warnings', () => {
    const definition = validDefinition();
    definition.departments.push({ id: 'idle', name: { zh: '闲', en: 'idle' } });
    expect(parseAndCompile(definition).departments).toHaveLength(4);
  });
});

/** The same JSON value with the keys of every object in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]));
}

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
