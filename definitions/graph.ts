/**
 * Dependency-graph algorithms shared by lint (cycles, the bundle's promise) and compile (levels, critical path).
 *
 * Nodes are indices 0..n-1 in definition order, so every tie is broken by definition order and results are
 * deterministic. Everything is iterative: a generated 1,000-item chain must not hit the call-stack limit.
 */
import type { BundleDefinition } from './schema';

/**
 * `edges[i][k]` is the node that node i names at position k of its dependency list, or -1 when the name
 * is unknown. Positions are kept so that issues can point at the exact `dependsOn` entry.
 */
export type Edges = ReadonlyArray<ReadonlyArray<number>>;

/** A dependency cycle, found as one DFS back edge. */
export interface Cycle {
  /** The nodes of the cycle in dependency order: nodes[0] depends on nodes[1] … the last depends on nodes[0]. */
  nodes: number[];
  /** The node whose dependency list closes the cycle (the last of `nodes`) … */
  from: number;
  /** … and the position of the closing entry in that list. */
  position: number;
}

/** Indices into `definition.items` of each item's `dependsOn` entries; unknown ids become -1. */
export function itemEdges(definition: BundleDefinition): number[][] {
  const index = new Map<string, number>();
  definition.items.forEach((item, i) => {
    if (!index.has(item.id)) index.set(item.id, i);
  });
  return definition.items.map((item) => item.dependsOn.map((id) => index.get(id) ?? -1));
}

/** A dependency by its first mention: the node depended on and its position in the dependency list. */
interface Dependency {
  to: number;
  position: number;
}

/**
 * The distinct dependencies of each node, in first-mention order, without unknown names or self-loops
 * (lint reports those separately; here they would only fake cycles).
 */
function distinctDependencies(edges: Edges): Dependency[][] {
  return edges.map((targets, from) => {
    const seen = new Set<number>();
    const dependencies: Dependency[] = [];
    targets.forEach((to, position) => {
      if (to < 0 || to === from || seen.has(to)) return;
      seen.add(to);
      dependencies.push({ to, position });
    });
    return dependencies;
  });
}

/** `distinctDependencies` without positions. */
function distinctEdges(edges: Edges): number[][] {
  return distinctDependencies(edges).map((dependencies) => dependencies.map((dependency) => dependency.to));
}

const WHITE = 0;
const ON_PATH = 1;
const DONE = 2;

/**
 * Every back edge of a depth-first search from each node in definition order, as a cycle. Removing the
 * dependency that closes each reported cycle makes the graph acyclic, so fixing what is reported is
 * enough; a dependency listed twice is reported once. Self-loops are not reported (see `distinctDependencies`).
 */
export function findCycles(edges: Edges): Cycle[] {
  const deps = distinctDependencies(edges);
  const color = new Array<number>(edges.length).fill(WHITE);
  const pathIndex = new Array<number>(edges.length).fill(-1);
  const cycles: Cycle[] = [];
  for (let root = 0; root < edges.length; root++) {
    if (color[root] !== WHITE) continue;
    const path: number[] = [root];
    const next: number[] = [0];
    color[root] = ON_PATH;
    pathIndex[root] = 0;
    while (path.length > 0) {
      const depth = path.length - 1;
      const node = path[depth]!;
      const dependencies = deps[node]!;
      const cursor = next[depth]!;
      if (cursor === dependencies.length) {
        color[node] = DONE;
        path.pop();
        next.pop();
        continue;
      }
      next[depth] = cursor + 1;
      const { to, position } = dependencies[cursor]!;
      if (color[to] === ON_PATH) {
        cycles.push({ nodes: path.slice(pathIndex[to]), from: node, position });
      } else if (color[to] === WHITE) {
        color[to] = ON_PATH;
        pathIndex[to] = path.length;
        path.push(to);
        next.push(0);
      }
    }
  }
  return cycles;
}

/**
 * Kahn's algorithm in rounds: level 0 holds the nodes without dependencies, level k the nodes whose
 * dependencies are all in earlier levels (so level = 1 + the highest dependency level). Each level lists
 * its nodes in definition order; `order` is the levels concatenated, a topological order.
 * Returns undefined when the graph has a cycle.
 */
export function levelize(edges: Edges): { levels: number[][]; order: number[] } | undefined {
  const deps = distinctEdges(edges);
  const remaining = deps.map((targets) => targets.length);
  const dependents: number[][] = deps.map(() => []);
  deps.forEach((targets, from) => targets.forEach((to) => dependents[to]!.push(from)));

  const levels: number[][] = [];
  let current = remaining.flatMap((count, node) => (count === 0 ? [node] : []));
  while (current.length > 0) {
    levels.push(current);
    const next: number[] = [];
    for (const node of current) {
      for (const dependent of dependents[node]!) {
        remaining[dependent]! -= 1;
        if (remaining[dependent] === 0) next.push(dependent);
      }
    }
    current = next.sort((a, b) => a - b);
  }
  const order = levels.flat();
  return order.length === edges.length ? { levels, order } : undefined;
}

/** Earliest start and finish of every node, and the longest chain ending at the latest finish. */
export interface CriticalPath {
  start: number[];
  finish: number[];
  /** Nodes of the chain, dependencies first. */
  path: number[];
  days: number;
}

/**
 * Longest path by duration over an acyclic graph, given a topological `order`. The chain ends at the node
 * without dependents that finishes last and walks back through the dependency that finishes last; ties go
 * to the node first in definition order. The chain is maximal (from a node without dependencies to one
 * without dependents), so zero-day items (instant items) on it are not cut off.
 */
export function criticalPath(edges: Edges, order: readonly number[], durations: readonly number[]): CriticalPath {
  const deps = distinctEdges(edges);
  const start = new Array<number>(edges.length).fill(0);
  const finish = new Array<number>(edges.length).fill(0);
  for (const node of order) {
    start[node] = Math.max(0, ...deps[node]!.map((dep) => finish[dep]!));
    finish[node] = start[node]! + durations[node]!;
  }
  const hasDependents = new Set(deps.flat());
  let end = latest(finish, order.filter((node) => !hasDependents.has(node)));
  const path: number[] = [];
  while (end !== undefined) {
    path.push(end);
    end = latest(finish, deps[end]!);
  }
  path.reverse();
  const last = path[path.length - 1];
  return { start, finish, path, days: last === undefined ? 0 : finish[last]! };
}

/** The candidate with the highest finish; the lowest index among equals. */
function latest(finish: readonly number[], candidates: readonly number[]): number | undefined {
  let best: number | undefined;
  for (const node of candidates) {
    if (best === undefined || finish[node]! > finish[best]! || (finish[node] === finish[best] && node < best)) {
      best = node;
    }
  }
  return best;
}
