// Rounds that alternate the Rust and the JavaScript worker, and the statistics over them.

/** The two sides of every comparison, in the order of the first round. */
export const SIDES = ["rust", "js"];

/**
 * Runs `measure(side, round)` for both sides in each of `rounds` rounds and returns the values
 * by side. Odd rounds run the JavaScript side first, so that neither side always runs right
 * after the other one warmed the machine or right before a burst of noise.
 */
export async function alternate(rounds, measure, progress) {
  const values = { rust: [], js: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
    for (const side of order) {
      values[side].push(await measure(side, round));
    }
    progress?.(round + 1, rounds);
  }
  return values;
}

/** Returns the median of `values`, the mean of the middle two for an even count. */
export function median(values) {
  return quantile(values, 0.5);
}

/** Returns the first and third quartiles of `values`, by linear interpolation. */
export function quartiles(values) {
  return [quantile(values, 0.25), quantile(values, 0.75)];
}

function quantile(values, fraction) {
  if (values.length === 0) throw new Error("quantile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * fraction;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
