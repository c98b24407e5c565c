// The bots' anomalies as the benchmarks' tables show them: duplicate / missing / jumps, where a missing count says
// how many of its bots were without a frame when the run ended (the rest are gaps between two frames).

/** "dup/missing/jumps" of a `mmo bots` summary, e.g. "0/78 (70 at the end)/0". */
export function anomalyText(s) {
  const a = s.anomalies;
  const atEnd = s.missingSelfAtEnd;
  const missing = atEnd > 0 ? `${a.missingSelf} (${atEnd} at the end)` : `${a.missingSelf}`;
  return `${a.duplicateSelf}/${missing}/${a.jumps}`;
}
