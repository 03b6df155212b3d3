import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
}

export interface FrameCost {
  frame: string;
  selfPercent: number;
}

/** Top frames of a V8 .cpuprofile by self time (samples whose top of stack is the frame). */
export function topFramesBySelfTime(file: string, top = 15): FrameCost[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
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

/** A part of an app's work, recognised by any frame of a sample's stack (`functionName url`). */
export interface ProfileArea {
  name: string;
  frames: RegExp;
}

export interface AreaCost {
  area: string;
  /** Share of the busy samples (idle excluded). */
  busyPercent: number;
}

/**
 * The busy samples of a V8 .cpuprofile by area, inclusive: a sample counts toward the first area
 * in `areas` that any frame of its stack matches, else "other". The stacks are synchronous only
 * (a reply parsed in a socket callback is not under the call that sent the request), so an area
 * is where the code is, not which request it serves.
 */
export function costByArea(file: string, areas: readonly ProfileArea[]): { busyPercent: number; areas: AreaCost[] } {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  // Each node's area once: samples repeat a few thousand nodes hundreds of thousands of times.
  const areaOfNode = new Map<number, string>();
  const areaOf = (id: number): string => {
    let area = areaOfNode.get(id);
    if (area !== undefined) return area;
    const stack: string[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const f = byId.get(cur)?.callFrame;
      if (f) stack.push(`${f.functionName} ${f.url}`);
    }
    area = areas.find((a) => stack.some((frame) => a.frames.test(frame)))?.name ?? 'other';
    areaOfNode.set(id, area);
    return area;
  };
  const counts = new Map<string, number>([...areas.map((a): [string, number] => [a.name, 0]), ['other', 0]]);
  let busy = 0;
  for (const id of profile.samples) {
    if (byId.get(id)?.callFrame.functionName === '(idle)') continue;
    busy++;
    const area = areaOf(id);
    counts.set(area, counts.get(area)! + 1);
  }
  const percent = (n: number, of: number) => Math.round((n * 1000) / (of || 1)) / 10;
  return { busyPercent: percent(busy, profile.samples.length), areas: [...counts].map(([area, n]) => ({ area, busyPercent: percent(n, busy) })) };
}

/** An app's CPU profile: its top frames by self time, and its busy time by area (PROFILE_AREAS). */
export interface ProfileSummary {
  top: FrameCost[];
  busyPercent: number;
  areas: AreaCost[];
}

/** A profile as the bench prints it: top frames by self time, then the busy time by area. */
export function describeProfile(app: string, profile: ProfileSummary): string[] {
  return [
    `top self-time frames, ${app}:`,
    ...profile.top.map((f) => `  ${String(f.selfPercent).padStart(5)}%  ${f.frame}`),
    `${app} by area (${profile.busyPercent}% of the samples busy; % of the busy ones, inclusive):`,
    ...profile.areas.map((a) => `  ${String(a.busyPercent).padStart(5)}%  ${a.area}`),
  ];
}
