// Shared by the benchmarks: best-of-N measurement and the ratio table.

/**
 * Measure ours and the peer in alternating rounds (so drift in machine load hits both alike)
 * and keep each side's best score.
 */
export async function bestOfInterleaved(rounds, ours, peer, score) {
  let bestOurs = 0;
  let bestPeer = 0;
  for (let i = 0; i < rounds; i++) {
    bestOurs = Math.max(bestOurs, score(await ours()));
    bestPeer = Math.max(bestPeer, score(await peer()));
  }
  return { ours: bestOurs, peer: bestPeer };
}

/** Run `measure` `rounds` times and keep the best value of `score(result)`. */
export async function bestOf(rounds, measure, score) {
  let best = 0;
  for (let i = 0; i < rounds; i++) best = Math.max(best, score(await measure()));
  return best;
}

function format(n) {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2);
}

/** Print rows of {name, ours, peer, goal?} with ratio = ours / peer (higher is better). */
export function printRows(rows) {
  for (const row of rows) {
    const ratio = row.ours / row.peer;
    const goal =
      row.goal === undefined
        ? ''
        : `  (goal ≥ ${row.goal}×: ${ratio >= row.goal ? 'met' : 'NOT met'})`;
    console.log(
      `${row.name}\n  ours ${format(row.ours)}  peer ${format(row.peer)}  ratio ${ratio.toFixed(2)}×${goal}`,
    );
  }
}
