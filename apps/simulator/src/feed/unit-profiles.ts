import { Prng } from './prng';

/** What the feed needs to know about a unit (a subset of the catalogue's CatalogueUnit). */
export interface FeedUnit {
  code: string;
  /** `phường`, `xã`, `đặc khu`, or `tỉnh` for the provincial service centre. */
  divisionType: string;
}

/** How one unit behaves in the simulation; derived from the seed, fixed for a feed's lifetime. */
export interface UnitProfile {
  code: string;
  divisionType: string;
  /** Share of the province's dossiers received at this unit (all profiles sum to 1). */
  volumeShare: number;
  /** Probability a dossier is submitted online (trực tuyến). */
  onlineShare: number;
  /** Probability a resolved dossier is resolved at or before its deadline. */
  onTimeShare: number;
}

export interface ProfileTargets {
  /** Volume-weighted mean online share of the province (Q3/2025 published: 51.66%). */
  provinceOnlineShare: number;
  /** Share of the province's volume received at the provincial centre (unit of type `tỉnh`). */
  centreVolumeShare: number;
  /** Relative volume of a phường's centre to a xã's (urban wards are busier). */
  wardVolumeFactor: number;
  /** Share of communes that are "digital leaders" with an online share of 83–93%. */
  onlineLeaderShare: number;
  /** Share of communes that struggle with deadlines: on-time share 62–79%. */
  lateStragglerShare: number;
}

export const DEFAULT_PROFILE_TARGETS: ProfileTargets = {
  provinceOnlineShare: 0.5166,
  centreVolumeShare: 0.15,
  wardVolumeFactor: 2,
  onlineLeaderShare: 0.04,
  lateStragglerShare: 0.06,
};

export const PROVINCIAL_CENTRE_TYPE = 'tỉnh';

const ONLINE_LOGIT_SPREAD = 0.75;
const VOLUME_LOG_SPREAD = 0.35;
const ON_TIME_CENTRE_LOGIT = Math.log(0.92 / 0.08);
const ON_TIME_LOGIT_SPREAD = 0.5;

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

interface Draws {
  unit: FeedUnit;
  isCentre: boolean;
  volumeZ: number;
  onlineZ: number;
  onTimeZ: number;
  leaderKey: number;
  leaderU: number;
  stragglerKey: number;
  stragglerU: number;
}

/** The `count` communes with the smallest key. */
function selectBy(communes: Draws[], key: (d: Draws) => number, count: number): Set<string> {
  return new Set(
    [...communes]
      .sort((a, b) => key(a) - key(b) || (a.unit.code < b.unit.code ? -1 : 1))
      .slice(0, count)
      .map((d) => d.unit.code),
  );
}

/**
 * Per-unit profiles, deterministic in (seed, set of units): each unit's draws come from its own
 * sub-stream keyed by its code, so the order of `units` does not matter.
 *
 * - Volume: the provincial centre takes `centreVolumeShare`; communes share the rest in
 *   proportion to a base (phường × wardVolumeFactor, xã 1) with a log-normal spread.
 * - Online share: logit-normal around a common centre (urban units a little higher), the centre
 *   solved so that the volume-weighted mean is exactly `provinceOnlineShare`; a few communes
 *   are leaders at 83–93%. Most units therefore sit well below the 80% target, as in Vĩnh Long.
 * - On-time share: logit-normal around 92% clamped to 84–97.5%; a few communes straggle at 62–79%.
 */
export function buildUnitProfiles(seed: number, units: readonly FeedUnit[], targets: ProfileTargets = DEFAULT_PROFILE_TARGETS): UnitProfile[] {
  if (units.length === 0) throw new RangeError('the feed needs at least one unit');
  const codes = new Set(units.map((u) => u.code));
  if (codes.size !== units.length) throw new RangeError('unit codes must be unique');

  const draws: Draws[] = units.map((unit) => {
    const rng = new Prng(seed, 'unit-profile', unit.code);
    return {
      unit,
      isCentre: unit.divisionType === PROVINCIAL_CENTRE_TYPE,
      volumeZ: rng.normal(),
      onlineZ: rng.normal(),
      onTimeZ: rng.normal(),
      leaderKey: rng.next(),
      leaderU: rng.next(),
      stragglerKey: rng.next(),
      stragglerU: rng.next(),
    };
  });
  const communes = draws.filter((d) => !d.isCentre);
  const centres = draws.filter((d) => d.isCentre);

  // Volume.
  const base = (d: Draws): number => (d.unit.divisionType === 'phường' ? targets.wardVolumeFactor : 1);
  const communeRaw = communes.map((d) => base(d) * Math.exp(VOLUME_LOG_SPREAD * d.volumeZ - (VOLUME_LOG_SPREAD * VOLUME_LOG_SPREAD) / 2));
  const communeRawSum = communeRaw.reduce((a, b) => a + b, 0);
  const centreTotal = communes.length === 0 ? 1 : centres.length === 0 ? 0 : targets.centreVolumeShare;
  const volume = new Map<string, number>();
  communes.forEach((d, i) => volume.set(d.unit.code, ((1 - centreTotal) * communeRaw[i]) / communeRawSum));
  centres.forEach((d) => volume.set(d.unit.code, centreTotal / centres.length));

  // Online share.
  const leaders = selectBy(communes, (d) => d.leaderKey, Math.round(targets.onlineLeaderShare * communes.length));
  const bias = (d: Draws): number => (d.isCentre ? 0.6 : d.unit.divisionType === 'phường' ? 0.3 : 0);
  const onlineAt = (mu: number, d: Draws): number => (leaders.has(d.unit.code) ? 0.83 + 0.1 * d.leaderU : sigmoid(mu + bias(d) + ONLINE_LOGIT_SPREAD * d.onlineZ));
  const weightedOnline = (mu: number): number => draws.reduce((sum, d) => sum + (volume.get(d.unit.code) as number) * onlineAt(mu, d), 0);
  let lo = -12;
  let hi = 12;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (weightedOnline(mid) < targets.provinceOnlineShare) lo = mid;
    else hi = mid;
  }
  const mu = (lo + hi) / 2;

  // On-time share.
  const stragglers = selectBy(communes, (d) => d.stragglerKey, Math.round(targets.lateStragglerShare * communes.length));
  const onTimeOf = (d: Draws): number => (stragglers.has(d.unit.code) ? 0.62 + 0.17 * d.stragglerU : clamp(sigmoid(ON_TIME_CENTRE_LOGIT + ON_TIME_LOGIT_SPREAD * d.onTimeZ), 0.84, 0.975));

  return draws.map((d) => ({
    code: d.unit.code,
    divisionType: d.unit.divisionType,
    volumeShare: volume.get(d.unit.code) as number,
    onlineShare: onlineAt(mu, d),
    onTimeShare: onTimeOf(d),
  }));
}
