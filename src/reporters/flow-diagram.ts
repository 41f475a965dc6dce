/**
 * A Mermaid flowchart of the personal-data flows behind the findings, for the job summary and the
 * PR comment: one node per `store.table`, one edge per source → target pair labelled with the
 * categories that travel it, public and partner targets highlighted. Names come from scanned
 * code, so ids are rebuilt from safe characters and labels are quoted with entities.
 */
import type { DataRef, Finding } from '../findings.js';

interface FlowNode {
  id: string;
  label: string;
  exposure?: string;
}

interface FlowEdge {
  from: string;
  to: string;
  categories: Set<string>;
}

/** Node for "anyone on the internet": where a table made public by a grant leads. */
const EVERYONE: FlowNode = { id: 'everyone', label: 'anyone (public access)', exposure: 'public' };

/** The Mermaid source (without the code fence), or `undefined` when no finding describes a flow. */
export function flowDiagram(findings: readonly Finding[]): string | undefined {
  const nodes = new Map<string, FlowNode>();
  const edges = new Map<string, FlowEdge>();

  const nodeFor = (ref: DataRef, exposure?: string): FlowNode => {
    const label = `${ref.store}.${ref.table}`;
    let node = nodes.get(label);
    if (!node) {
      node = { id: uniqueId(label, nodes), label };
      nodes.set(label, node);
    }
    if (exposure && rank(exposure) > rank(node.exposure)) node.exposure = exposure;
    return node;
  };
  const addEdge = (from: FlowNode, to: FlowNode, categories: string[]) => {
    const key = `${from.id}\u0000${to.id}`;
    const edge = edges.get(key) ?? { from: from.id, to: to.id, categories: new Set<string>() };
    for (const category of categories) edge.categories.add(category);
    edges.set(key, edge);
  };

  for (const finding of findings) {
    if (finding.suppressed || !finding.target) continue;
    const { source, target } = finding;
    if (source && (source.store !== target.store || source.table !== target.table)) {
      addEdge(nodeFor(source), nodeFor(target, target.exposure), finding.categories);
    } else if (finding.ruleId === 'public-access-grant') {
      const table = nodeFor(target, target.exposure);
      nodes.set(EVERYONE.label, EVERYONE);
      addEdge(table, EVERYONE, finding.categories);
    }
  }
  if (edges.size === 0) return undefined;

  const lines = ['flowchart LR'];
  for (const node of nodes.values()) lines.push(`  ${node.id}["${mermaidText(node.label)}"]`);
  for (const edge of edges.values()) {
    const label = [...edge.categories].sort().join(', ');
    lines.push(
      label
        ? `  ${edge.from} -->|"${mermaidText(label)}"| ${edge.to}`
        : `  ${edge.from} --> ${edge.to}`,
    );
  }
  lines.push('  classDef public fill:#ffd7d5,stroke:#cf222e,color:#000');
  lines.push('  classDef partner fill:#fff1c2,stroke:#9a6700,color:#000');
  for (const exposure of ['public', 'partner']) {
    const ids = [...nodes.values()].filter((node) => node.exposure === exposure);
    if (ids.length > 0) lines.push(`  class ${ids.map((node) => node.id).join(',')} ${exposure}`);
  }
  return lines.join('\n');
}

/** Letters, digits and `_` only: Mermaid ids must not clash with its syntax or keywords (`end`). */
function uniqueId(label: string, nodes: Map<string, FlowNode>): string {
  const base = `n_${label.replace(/[^A-Za-z0-9]/g, '_')}`;
  const taken = new Set([...nodes.values()].map((node) => node.id));
  let id = base;
  for (let suffix = 2; taken.has(id); suffix++) id = `${base}_${suffix}`;
  return id;
}

/** Text inside `"…"`: Mermaid reads `#name;` entities, so quotes and markup become entities. */
function mermaidText(text: string): string {
  return text
    .replace(/#/g, '#35;')
    .replace(/"/g, '#quot;')
    .replace(/</g, '#lt;')
    .replace(/>/g, '#gt;')
    .replace(/[|[\]{}]/g, (char) => `#${char.charCodeAt(0)};`)
    .replace(/[\r\n]+/g, ' ');
}

function rank(exposure: string | undefined): number {
  return exposure === 'public' ? 3 : exposure === 'partner' ? 2 : exposure ? 1 : 0;
}
