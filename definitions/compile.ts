/**
 * Compiles a bundle definition into the execution plan a case workflow interprets (see plan.ts).
 *
 * Pure and deterministic: the same definition always gives a byte-identical plan (JSON.stringify), so a
 * plan can be compared, cached and pinned by hash.
 */
import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { DefinitionError, type LintIssue } from './errors';
import { criticalPath, itemEdges, levelize } from './graph';
import { lint, lintDefinition } from './lint';
import { planDays } from './modes';
import { PLAN_FORMAT, type ExecutionPlan, type PlanItem, type PlanMaterial } from './plan';
import type { BundleDefinition, Item, Material } from './schema';

/**
 * sha256 (hex) of the RFC 8785 canonical JSON of a parsed definition, without `$schema` (an editor hint,
 * not content). Hashing the parsed form means spellings that parse alike (key order, defaults written
 * out or left implicit) hash alike.
 */
export function hashDefinition(definition: BundleDefinition): string {
  const { $schema: _editorHint, ...content } = definition;
  const json = canonicalize(content);
  if (json === undefined) throw new TypeError('definition cannot be canonicalized');
  return createHash('sha256').update(json, 'utf8').digest('hex');
}

/**
 * Compiles a parsed definition. Runs the semantic lint first and throws DefinitionError (with every
 * issue) if it finds any error; warnings do not stop compilation.
 */
export function compile(definition: BundleDefinition): ExecutionPlan {
  throwOnErrors(lintDefinition(definition));
  return buildPlan(definition);
}

/** Lints a definition as written (e.g. parsed JSON) and compiles it; throws DefinitionError on any lint error. */
export function parseAndCompile(input: unknown): ExecutionPlan {
  const result = lint(input);
  throwOnErrors(result.issues);
  return buildPlan(result.definition!);
}

function throwOnErrors(issues: LintIssue[]): void {
  if (issues.some((issue) => issue.severity === 'error')) throw new DefinitionError(issues);
}

/** The plan of a definition that passed lint (so ids are unique, references known, the graph acyclic). */
function buildPlan(definition: BundleDefinition): ExecutionPlan {
  // The plan must not share objects with the caller's definition: it travels as workflow input.
  const def = structuredClone(definition);
  const edges = itemEdges(def);
  const layout = levelize(edges);
  if (!layout) throw new Error('unreachable: lint lets no dependency cycle through');
  // A filing for every applicant takes its check period; anything that may be decided, its promised limit.
  const durations = def.items.map(planDays);
  const path = criticalPath(edges, layout.order, durations);
  const onPath = new Set(path.path);
  const level = new Array<number>(def.items.length);
  layout.levels.forEach((nodes, k) => nodes.forEach((node) => (level[node] = k)));
  const dependents = def.items.map((): string[] => []);
  // Collected in topological order, so each item's dependents are listed in plan order.
  for (const node of layout.order) {
    for (const dep of edges[node]!) dependents[dep]!.push(def.items[node]!.id);
  }

  const items = layout.order.map((node) =>
    planItem(def.items[node]!, {
      commitments: def.commitments === 'forbidden' || def.items[node]!.commitments === 'forbidden' ? 'forbidden' : 'allowed',
      dependents: dependents[node]!,
      level: level[node]!,
      earliestStartDay: path.start[node]!,
      earliestFinishDay: path.finish[node]!,
      onCriticalPath: onPath.has(node),
    }),
  );
  const id = (node: number) => def.items[node]!.id;
  return {
    planFormat: PLAN_FORMAT,
    bundleId: def.id,
    ...(def.code ? { code: def.code } : {}),
    ...(def.caseNumber ? { caseNumber: def.caseNumber } : {}),
    version: def.version,
    hash: hashDefinition(definition),
    title: def.title,
    ...(def.description ? { description: def.description } : {}),
    promisedDays: def.promisedDays,
    calendar: def.calendar,
    window: def.window,
    // The plan keeps edition 1's name for the bundle's count of applicant steps (plans are pinned by cases).
    steps: def.applicantSteps ?? def.steps ?? 1,
    trips: def.trips,
    departments: def.departments,
    sections: def.sections,
    fields: def.fields,
    materials: def.materials.map((material) => planMaterial(material, items)),
    items,
    levels: layout.levels.map((nodes) => nodes.map(id)),
    criticalPath: { items: path.path.map(id), days: path.days },
  };
}

/**
 * A plan material with its grants resolved: the items its `grants` names, or every item using it, in plan
 * item order. The material's own keys keep their parsed order, `grants` comes last (or stays in place).
 */
function planMaterial(material: Material, items: PlanItem[]): PlanMaterial {
  const granted = material.grants ? new Set(material.grants) : undefined;
  const grants = items
    .filter((item) => (granted ? granted.has(item.id) : item.materials.includes(material.id)))
    .map((item) => item.id);
  return { ...material, grants };
}

type Computed = Pick<PlanItem, 'commitments' | 'dependents' | 'level' | 'earliestStartDay' | 'earliestFinishDay' | 'onCriticalPath'>;

/** A plan item with a fixed key order, so plans serialize identically. */
function planItem(item: Item, computed: Computed): PlanItem {
  return {
    id: item.id,
    code: item.code,
    title: item.title,
    department: item.department,
    kind: item.kind,
    statutoryDays: item.statutoryDays,
    promisedDays: item.promisedDays,
    steps: item.steps,
    trips: item.trips,
    fields: item.fields,
    optionalFields: item.optionalFields,
    materials: item.materials,
    commitments: computed.commitments,
    dependsOn: item.dependsOn,
    dependents: computed.dependents,
    level: computed.level,
    ...(item.condition ? { condition: item.condition } : {}),
    result: item.result,
    defaultable: item.defaultable,
    timeout: item.timeout,
    // Edition 2, only when written: plans of edition-1 definitions keep their exact shape.
    ...(item.mode ? { mode: item.mode } : {}),
    ...(item.filing ? { filing: item.filing } : {}),
    ...(item.absorbs ? { absorbs: item.absorbs } : {}),
    earliestStartDay: computed.earliestStartDay,
    earliestFinishDay: computed.earliestFinishDay,
    onCriticalPath: computed.onCriticalPath,
  };
}
