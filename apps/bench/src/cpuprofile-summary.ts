import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface FrameCost {
  frame: string;
  selfPercent: number;
}

/** Top frames of a V8 .cpuprofile by self time (samples whose top of stack is the frame). */
export function topFramesBySelfTime(file: string, top = 15): FrameCost[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[] };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  for (const id of profile.samples) {
    const n = byId.get(id);
    if (!n) continue;
    const url = n.callFrame.url.replace(/^.*\/(node_modules|dist)\//, '$1/');
    const frame = `${n.callFrame.functionName || '(anonymous)'} ${url ? `${url}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    counts.set(frame, (counts.get(frame) ?? 0) + 1);
  }
  const total = profile.samples.length || 1;
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, n]) => ({ frame, selfPercent: Math.round((n * 1000) / total) / 10 }));
}
