/**
 * The flow of a definition as a diagram laid out by elkjs (layered, left to right): items as nodes
 * inside their department's box, dependencies as edges, each item's promised limit, the critical path
 * (definitions/graph.ts, as the engine computes it) drawn bold, conditional items dashed. The SVG has a
 * text alternative listing the same.
 */
import ELK, { type ElkExtendedEdge, type ElkNode } from 'elkjs/lib/elk.bundled.js';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { criticalPath, itemEdges, levelize } from '../../../definitions/graph';
import type { BundleDefinition } from '../api/definitions';
import { localized } from '../i18n';

const elk = new ELK();
/** A title cut to fit its box (the full titles are in the diagram's text alternative). */
const clip = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars - 1)}…` : text);
const NODE_W = 210;
const NODE_H = 54;

interface Laid {
  graph: ElkNode;
  critical: Set<string>;
  criticalEdges: Set<string>;
  days: number;
}

/** The definition's graph, or undefined when it cannot be drawn (unknown ids, a cycle). */
async function layout(definition: BundleDefinition, language: string): Promise<Laid | undefined> {
  const edges = itemEdges(definition);
  if (edges.some((targets) => targets.includes(-1))) return undefined;
  const levels = levelize(edges);
  if (!levels) return undefined;
  const path = criticalPath(edges, levels.order, definition.items.map((i) => i.promisedDays));
  const critical = new Set(path.path.map((i) => definition.items[i]!.id));
  const criticalEdges = new Set<string>();
  for (let i = 1; i < path.path.length; i++) criticalEdges.add(`${definition.items[path.path[i - 1]!]!.id}->${definition.items[path.path[i]!]!.id}`);
  const departments = [...new Set(definition.items.map((i) => i.department))];
  const graph: ElkNode = {
    id: 'root',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
      'elk.layered.spacing.nodeNodeBetweenLayers': '50',
      'elk.spacing.nodeNode': '24',
      'elk.padding': '[top=12,left=12,bottom=12,right=12]',
    },
    children: departments.map((d) => ({
      id: `dept:${d}`,
      labels: [{ text: localized(definition.departments.find((x) => x.id === d)?.name, language) || d }],
      layoutOptions: { 'elk.padding': '[top=30,left=12,bottom=12,right=12]' },
      children: definition.items.filter((i) => i.department === d).map((i) => ({ id: i.id, width: NODE_W, height: NODE_H })),
    })),
    edges: definition.items.flatMap((item) => item.dependsOn.map((dep): ElkExtendedEdge => ({ id: `${dep}->${item.id}`, sources: [dep], targets: [item.id] }))),
  };
  return { graph: await elk.layout(graph), critical, criticalEdges, days: path.days };
}

export function FlowDiagram({ definition }: { definition: BundleDefinition | undefined }) {
  const { t, i18n } = useTranslation();
  const [laid, setLaid] = useState<Laid | null>();
  useEffect(() => {
    let current = true;
    if (!definition) return setLaid(undefined);
    layout(definition, i18n.language).then(
      (result) => current && setLaid(result ?? null),
      () => current && setLaid(null),
    );
    return () => {
      current = false;
    };
  }, [definition, i18n.language]);

  if (!definition) return null;
  if (laid === null) return <p className="muted">{t('studio.noDiagram')}</p>;
  if (!laid) return <p role="status">{t('common.loading')}</p>;
  const { graph, critical, criticalEdges, days } = laid;
  const items = new Map(definition.items.map((i) => [i.id, i]));
  const description = definition.items
    .map((i) => `${localized(i.title, i18n.language)} (${t('studio.days', { days: i.promisedDays })})${i.dependsOn.length ? ` ← ${i.dependsOn.join(', ')}` : ''}`)
    .join('; ');
  return (
    <figure className="diagram">
      <figcaption>{t('studio.criticalPath', { days, items: [...critical].map((id) => localized(items.get(id)?.title, i18n.language)).join(' → ') })}</figcaption>
      <svg role="img" aria-label={`${t('studio.diagram')}: ${description}`} viewBox={`0 0 ${graph.width ?? 0} ${graph.height ?? 0}`} width="100%" className="flow">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrow-head" />
          </marker>
        </defs>
        {graph.children?.map((dept) => (
          <g key={dept.id} transform={`translate(${dept.x ?? 0} ${dept.y ?? 0})`}>
            <rect width={dept.width} height={dept.height} rx={8} className="dept-box" />
            <text x={10} y={20} className="dept-label">
              {dept.labels?.[0]?.text}
            </text>
            {dept.children?.map((node) => {
              const item = items.get(node.id)!;
              return (
                <g key={node.id} transform={`translate(${node.x ?? 0} ${node.y ?? 0})`} data-item={node.id}>
                  <rect
                    width={node.width}
                    height={node.height}
                    rx={6}
                    className={`item-box${critical.has(node.id) ? ' critical' : ''}${item.condition ? ' conditional' : ''}`}
                  />
                  <text x={8} y={22} className="item-label">
                    {clip(localized(item.title, i18n.language), 14)}
                  </text>
                  <text x={8} y={42} className="item-days">
                    {t('studio.days', { days: item.promisedDays })}
                    {item.condition ? ` · ${t('studio.conditional')}` : ''}
                  </text>
                </g>
              );
            })}
          </g>
        ))}
        {graph.edges?.map((edge) =>
          (edge as ElkExtendedEdge).sections?.map((section, i) => {
            // An edge inside one department is laid out in that department's coordinates.
            const box = graph.children?.find((d) => d.id === (edge as ElkExtendedEdge).container);
            const dx = box?.x ?? 0;
            const dy = box?.y ?? 0;
            const points = [section.startPoint, ...(section.bendPoints ?? []), section.endPoint].map((p) => ({ x: p.x + dx, y: p.y + dy }));
            return (
              <polyline
                key={`${edge.id}-${i}`}
                points={points.map((p) => `${p.x},${p.y}`).join(' ')}
                className={`edge${criticalEdges.has(edge.id) ? ' critical' : ''}`}
                markerEnd="url(#arrow)"
              />
            );
          }),
        )}
      </svg>
      <p className="legend muted">{t('studio.legend')}</p>
    </figure>
  );
}
