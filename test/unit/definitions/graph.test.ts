import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { criticalPath, findCycles, levelize } from '../../../definitions/graph';

/**
 * A random DAG: node i may only depend on nodes ranked before it, then the ranks are shuffled so that
 * definition order is not already a topological order. Durations are promised days.
 */
const dag = fc
  .integer({ min: 1, max: 30 })
  .chain((size) =>
    fc.record({
      rankOf: fc.shuffledSubarray([...Array(size).keys()], { minLength: size, maxLength: size }),
      picks: fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: size, maxLength: size }),
      durations: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: size, maxLength: size }),
    }),
  )
  .map(({ rankOf, picks, durations }) => {
    const nodeAtRank = new Array<number>(rankOf.length);
    rankOf.forEach((rank, node) => (nodeAtRank[rank] = node));
    const edges = rankOf.map((rank, node) => (rank === 0 ? [] : picks[node]!.map((pick) => nodeAtRank[pick % rank]!)));
    return { edges, durations };
  });

/** Any directed graph, cycles allowed; -1 stands for an unknown name. */
const anyGraph = fc.integer({ min: 1, max: 12 }).chain((size) =>
  fc.array(fc.array(fc.integer({ min: -1, max: size - 1 }), { maxLength: 3 }), { minLength: size, maxLength: size }),
);

describe('levelize', () => {
  it('puts every node one level above its highest dependency when the graph is acyclic', () => {
    fc.assert(
      fc.property(dag, ({ edges }) => {
        const layout = levelize(edges)!;
        const level = new Map(layout.levels.flatMap((nodes, k) => nodes.map((node) => [node, k] as const)));
        edges.forEach((deps, node) => {
          const expected = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => level.get(dep)!));
          expect(level.get(node)).toBe(expected);
        });
      }),
    );
  });

  it('orders dependencies first and each level by definition order', () => {
    fc.assert(
      fc.property(dag, ({ edges }) => {
        const { levels, order } = levelize(edges)!;
        const position = new Map(order.map((node, i) => [node, i]));
        expect(order).toHaveLength(edges.length);
        edges.forEach((deps, node) => deps.forEach((dep) => expect(position.get(dep)!).toBeLessThan(position.get(node)!)));
        for (const nodes of levels) expect(nodes).toEqual([...nodes].sort((a, b) => a - b));
      }),
    );
  });

  it('returns undefined exactly when there is a cycle', () => {
    fc.assert(
      fc.property(anyGraph, (edges) => {
        expect(levelize(edges) === undefined).toBe(findCycles(edges).length > 0);
      }),
    );
  });
});

describe('findCycles', () => {
  it('leaves an acyclic graph when the dependency closing each reported cycle is removed', () => {
    fc.assert(
      fc.property(anyGraph, (edges) => {
        const cycles = findCycles(edges);
        const closing = new Set(cycles.map((cycle) => `${cycle.from}>${edges[cycle.from]![cycle.position]}`));
        const pruned = edges.map((deps, node) => deps.filter((dep) => !closing.has(`${node}>${dep}`)));
        expect(findCycles(pruned)).toEqual([]);
        for (const cycle of cycles) {
          // Each reported cycle is real: every node depends on the next, the last on the first.
          cycle.nodes.forEach((node, i) => expect(edges[node]).toContain(cycle.nodes[(i + 1) % cycle.nodes.length]));
          expect(cycle.from).toBe(cycle.nodes[cycle.nodes.length - 1]);
        }
      }),
    );
  });

  it('follows a 1,000-node chain that closes on itself without recursion', () => {
    const edges = Array.from({ length: 1000 }, (_, i) => [(i + 1) % 1000]);
    const cycles = findCycles(edges);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toMatchObject({ from: 999, position: 0 });
    expect(cycles[0]!.nodes).toHaveLength(1000);
  });
});

describe('criticalPath', () => {
  it('takes at least as long as every earliest finish, along a maximal chain of dependencies', () => {
    fc.assert(
      fc.property(dag, ({ edges, durations }) => {
        const { order } = levelize(edges)!;
        const result = criticalPath(edges, order, durations);
        expect(result.days).toBe(Math.max(...result.finish));
        const [first, ...rest] = result.path;
        expect(edges[first!]).toEqual([]);
        expect(edges.some((deps) => deps.includes(result.path[result.path.length - 1]!))).toBe(false);
        rest.forEach((node, i) => expect(edges[node]).toContain(result.path[i]));
        expect(result.path.reduce((sum, node) => sum + durations[node]!, 0)).toBe(result.days);
        edges.forEach((deps, node) => {
          expect(result.start[node]).toBe(Math.max(0, ...deps.map((dep) => result.finish[dep]!)));
          expect(result.finish[node]).toBe(result.start[node]! + durations[node]!);
        });
      }),
    );
  });

  it('breaks ties by definition order when two chains take as long', () => {
    const edges = [[], [0], [0]];
    const result = criticalPath(edges, [0, 1, 2], [1, 2, 2]);
    expect(result).toMatchObject({ path: [0, 1], days: 3 });
  });

  it('keeps zero-day items that gate the chain on the path', () => {
    const result = criticalPath([[], [0]], [0, 1], [0, 0]);
    expect(result).toMatchObject({ path: [0, 1], days: 0 });
  });
});
