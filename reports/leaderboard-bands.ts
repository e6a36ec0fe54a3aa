/**
 * Rank bands for the leaderboard: a strict rank by mean claims differences seed noise cannot show,
 * so entries whose 95% CI overlaps their band leader's CI share the leader's band ("1="). The band
 * leader is the best entry not yet in a band; an entry that overlaps no earlier leader starts the
 * next band, numbered like tied ranks (1=, 1=, 3): one more than the entries in better bands.
 */

export interface Band {
  /** 1 = the leader's band. */
  band: number;
  /** `band`, with '=' when the band holds more than one entry. */
  label: string;
}

/** An entry without a CI (one seed) is its mean: it overlaps a CI only by lying inside it. */
/** A leaderboard value: mean and 95% CI (null for one seed) over n seeds. */
export interface LeaderboardStat {
  mean: number;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
}

const lo = (s: LeaderboardStat) => s.ciLow ?? s.mean;
const hi = (s: LeaderboardStat) => s.ciHigh ?? s.mean;

export function overlaps(a: LeaderboardStat, b: LeaderboardStat): boolean {
  return lo(a) <= hi(b) && lo(b) <= hi(a);
}

/** Bands of `best-first` (sorted best first by mean), index by index. */
export function rankBands(bestFirst: LeaderboardStat[]): Band[] {
  const band: number[] = new Array(bestFirst.length).fill(0);
  let placed = 0;
  while (placed < bestFirst.length) {
    const leader = band.indexOf(0);
    const number = placed + 1;
    bestFirst.forEach((s, i) => {
      if (band[i] === 0 && overlaps(bestFirst[leader], s)) {
        band[i] = number;
        placed++;
      }
    });
  }
  const size = (b: number) => band.filter((x) => x === b).length;
  return band.map((b) => ({ band: b, label: size(b) > 1 ? `${b}=` : String(b) }));
}
