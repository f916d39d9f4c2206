/**
 * Small-cell suppression (SECURITY.md, Statistics). Pure: counts in, a suppression pattern out.
 *
 * A problem is a set of cells (counts) and additive groups: `whole` is (or is treated as) the
 * sum of `parts` — months of a quarter, quarters of a year, rows of a column, years of a
 * five-year window. Every granularity a caller shows is read from ONE pattern over all of
 * them, so a quarter minus its visible months, a year minus its quarters or a total minus the
 * visible rows never isolates a hidden count.
 */
export interface SuppressionGroup {
  parts: readonly number[];
  whole: number;
  /**
   * Cells of other breakdowns of the same total: when any of them is suppressed, this group
   * must hide at least two cells too (cross-breakdown rule).
   */
  triggers?: readonly number[];
}

export interface SuppressionProblem {
  values: readonly number[];
  groups: readonly SuppressionGroup[];
}

/**
 * Primary suppression: every count from 1 to k−1 (0 may be shown). Secondary suppression, until
 * nothing changes: every group that hides a cell (or is triggered) hides at least two, taking
 * the smallest non-zero parts first, then the whole, then zero parts; and if the hidden parts
 * of a group with a visible whole add up to 1..k−1, the whole is hidden as well (else the
 * whole minus the visible parts would give that small sum away). Then the linear check below,
 * and again, until no count from 1 to k−1 can be worked out from what is published.
 */
export function suppress(problem: SuppressionProblem, minCellSize: number): boolean[] {
  if (!Number.isInteger(minCellSize) || minCellSize < 1) {
    throw new RangeError('minCellSize must be a positive integer');
  }
  const { values, groups } = problem;
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0) {
      throw new RangeError('counts must be non-negative integers');
    }
  }
  const isSmall = (value: number) => value > 0 && value < minCellSize;
  const hidden = values.map(isSmall);

  for (;;) {
    secondary(groups, values, hidden, isSmall);
    // The rules above look at one group at a time; an attacker combines groups (a quarter
    // minus its months plus a column total minus other rows…). Solve the linear system an
    // attacker has and hide one more cell next to any small count it pins down (learning a
    // hidden 0 or a partner of k or more discloses nothing that could not have been shown).
    const leaked = determinedCells(groups, hidden).filter((cell) => isSmall(values[cell]!));
    let repaired = false;
    for (const cell of leaked) {
      const extra = leakRepair(groups, values, hidden, cell);
      if (extra === undefined) continue;
      hidden[extra] = true;
      repaired = true;
    }
    // Nothing left to hide next to a leak (never seen in the tests): publish nothing at all.
    if (!repaired) return leaked.length === 0 ? hidden : hidden.map(() => true);
  }
}

/** A visible cell to hide next to a leaked one: the smallest non-zero, else any. */
function leakRepair(
  groups: readonly SuppressionGroup[],
  values: readonly number[],
  hidden: readonly boolean[],
  leaked: number,
): number | undefined {
  let best: number | undefined;
  for (const group of groups) {
    if (group.whole !== leaked && !group.parts.includes(leaked)) continue;
    const candidate = nextCandidate(group, values, hidden);
    if (candidate === undefined) continue;
    const better =
      best === undefined ||
      (values[candidate] !== 0 && (values[best] === 0 || values[candidate]! < values[best]!));
    if (better) best = candidate;
  }
  return best;
}

// Linear algebra modulo a prime below 2^26, so that products stay exact in doubles. A system
// over the rationals and over this field have the same rank unless the prime divides one of
// its minors; with coefficients of ±1 and a few thousand unknowns that does not happen in
// practice, and the unit tests check the answers against exact elimination.
const PRIME = 67_108_859;

function modInverse(value: number): number {
  let [a, b, x0, x1] = [value, PRIME, 1, 0];
  while (b !== 0) {
    const q = Math.floor(a / b);
    [a, b] = [b, a - q * b];
    [x0, x1] = [x1, x0 - q * x1];
  }
  return ((x0 % PRIME) + PRIME) % PRIME;
}

const mulMod = (a: number, b: number) => {
  // a, b < 2^26: split b so that every partial product stays below 2^53.
  const high = Math.floor(b / 8192);
  const low = b % 8192;
  return (((a * high) % PRIME) * 8192 + a * low) % PRIME;
};

/**
 * The hidden cells whose value follows from the visible ones and the additive groups: the
 * cells whose unit vector lies in the row space of the attacker's equations.
 */
export function determinedCells(
  groups: readonly SuppressionGroup[],
  hidden: readonly boolean[],
): number[] {
  const pivots = new Map<number, Map<number, number>>();
  const reduce = (row: Map<number, number>): Map<number, number> | undefined => {
    for (;;) {
      if (row.size === 0) return undefined;
      let lead = Infinity;
      for (const column of row.keys()) if (column < lead) lead = column;
      const pivot = pivots.get(lead);
      if (!pivot) return row;
      const factor = row.get(lead)!;
      for (const [column, coefficient] of pivot) {
        const next = ((row.get(column) ?? 0) - mulMod(factor, coefficient) + PRIME) % PRIME;
        if (next === 0) row.delete(column);
        else row.set(column, next);
      }
    }
  };
  const insert = (row: Map<number, number>) => {
    const reduced = reduce(row);
    if (!reduced) return;
    let lead = Infinity;
    for (const column of reduced.keys()) if (column < lead) lead = column;
    const inverse = modInverse(reduced.get(lead)!);
    for (const [column, coefficient] of reduced) reduced.set(column, mulMod(coefficient, inverse));
    pivots.set(lead, reduced);
  };
  for (const group of groups) {
    const row = new Map<number, number>();
    for (const cell of group.parts) if (hidden[cell]) row.set(cell, 1);
    if (hidden[group.whole]) row.set(group.whole, PRIME - 1);
    if (row.size > 0) insert(row);
  }
  const determined: number[] = [];
  hidden.forEach((isHidden, cell) => {
    if (isHidden && reduce(new Map([[cell, 1]])) === undefined) determined.push(cell);
  });
  return determined;
}

function secondary(
  groups: readonly SuppressionGroup[],
  values: readonly number[],
  hidden: boolean[],
  isSmall: (value: number) => boolean,
): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const group of groups) {
      const cells = [...group.parts, group.whole];
      let count = cells.filter((cell) => hidden[cell]).length;
      const triggered = count > 0 || (group.triggers ?? []).some((cell) => hidden[cell]);
      if (!triggered) continue;
      while (count < 2) {
        const next = nextCandidate(group, values, hidden);
        if (next === undefined) break;
        hidden[next] = true;
        count += 1;
        changed = true;
      }
      if (!hidden[group.whole]) {
        const hiddenSum = group.parts
          .filter((cell) => hidden[cell])
          .reduce((sum, cell) => sum + values[cell]!, 0);
        if (isSmall(hiddenSum)) {
          hidden[group.whole] = true;
          changed = true;
        }
      }
    }
  }
}

/** The cell to hide next in a group: smallest non-zero part, else the whole, else a zero. */
function nextCandidate(
  group: SuppressionGroup,
  values: readonly number[],
  hidden: readonly boolean[],
): number | undefined {
  let best: number | undefined;
  for (const cell of group.parts) {
    if (hidden[cell] || values[cell] === 0) continue;
    if (best === undefined || values[cell]! < values[best]!) best = cell;
  }
  if (best !== undefined) return best;
  if (!hidden[group.whole]) return group.whole;
  return group.parts.find((cell) => !hidden[cell]);
}
