/**
 * What the lint rules share (`lint.ts` and `lint-edition2.ts`): issues at JSON pointers, the lookups
 * built once per definition, and the conditions of a definition with the places they are written.
 */
import { conditionFields } from './condition';
import type { LintIssue } from './errors';
import { findCycles, itemEdges, type Cycle } from './graph';
import type { BundleDefinition, Condition } from './schema';

export type PathSegment = PropertyKey;

/** RFC 6901 JSON pointer from path segments. */
export function pointer(segments: readonly PathSegment[]): string {
  return segments.map((segment) => '/' + String(segment).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

export function error(code: string, path: PathSegment[], message: string, hint: string): LintIssue {
  return { path: pointer(path), code, message, hint, severity: 'error' };
}

export function warning(code: string, path: PathSegment[], message: string, hint: string): LintIssue {
  return { path: pointer(path), code, message, hint, severity: 'warning' };
}

/** Lookups shared by the rules, built once. Indexes map an id to its first occurrence. */
export interface LintContext {
  items: Map<string, number>;
  departments: Map<string, number>;
  fields: Map<string, number>;
  materials: Map<string, number>;
  sections: Map<string, number>;
  edges: number[][];
  cycles: Cycle[];
}

export type Rule = (definition: BundleDefinition, context: LintContext) => LintIssue[];

export function createContext(definition: BundleDefinition): LintContext {
  const edges = itemEdges(definition);
  return {
    items: firstIndex(definition.items),
    departments: firstIndex(definition.departments),
    fields: firstIndex(definition.fields),
    materials: firstIndex(definition.materials),
    sections: firstIndex(definition.sections),
    edges,
    cycles: findCycles(edges),
  };
}

function firstIndex(entries: ReadonlyArray<{ id: string }>): Map<string, number> {
  const index = new Map<string, number>();
  entries.forEach((entry, i) => {
    if (!index.has(entry.id)) index.set(entry.id, i);
  });
  return index;
}

/** The declared ids for a hint; long lists are cut, the hint is not a listing. */
export function list(index: Map<string, number>): string {
  if (index.size === 0) return '(none declared)';
  const ids = [...index.keys()].slice(0, 10).map((id) => `"${id}"`);
  return index.size > ids.length ? `${ids.join(', ')} … (${index.size} in all)` : ids.join(', ');
}

/** A condition on one field. */
export type Leaf = Extract<Condition, { field: string }>;

/** Every condition of a definition, with the path where it is written: of items, filings, steps, materials and fields. */
export function definitionConditions(definition: BundleDefinition): Array<{ condition: Condition; base: PathSegment[] }> {
  const owners: Array<{ condition: Condition | undefined; base: PathSegment[] }> = [
    ...definition.items.flatMap((item, i) => [
      { condition: item.condition, base: ['items', i, 'condition'] },
      { condition: item.filing?.when, base: ['items', i, 'filing', 'when'] },
      ...item.steps.map((step, k) => ({ condition: step.condition, base: ['items', i, 'steps', k, 'condition'] })),
    ]),
    ...definition.materials.map((material, i) => ({ condition: material.condition, base: ['materials', i, 'condition'] })),
    ...definition.fields.map((field, i) => ({ condition: field.condition, base: ['fields', i, 'condition'] })),
  ];
  return owners.filter((owner): owner is { condition: Condition; base: PathSegment[] } => owner.condition !== undefined);
}

/** Every field named in a condition of the definition, with the path of its name and the condition naming it. */
export function conditionReferences(definition: BundleDefinition): Array<{ field: string; path: PathSegment[]; leaf: Leaf }> {
  return definitionConditions(definition).flatMap(({ condition, base }) =>
    conditionFields(condition).map(({ field, path }) => ({
      field,
      path: [...base, ...path],
      leaf: leafAt(condition, path.slice(0, -1)),
    })),
  );
}

/** The condition at a path of `conditionFields` (without its final "field"). */
function leafAt(condition: Condition, path: string[]): Leaf {
  let node: unknown = condition;
  for (const segment of path) node = (node as Record<string, unknown>)[segment];
  return node as Leaf;
}
