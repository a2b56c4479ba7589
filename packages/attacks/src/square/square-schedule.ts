/**
 * Fraction of pixels changed at Square-attack iteration `it` (AutoAttack `square.py: p_selection`): `pInit` up to
 * iteration 10, then halved at 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000. With `rescaleTo` (the reference's
 * `resc_schedule`, off in AutoAttack) the iteration is first rescaled to a 10000-query budget.
 */
export function squarePSelection(it: number, pInit: number, rescaleTo?: number): number {
  const i = rescaleTo === undefined ? it : Math.floor((it / rescaleTo) * 10000);
  const bounds = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000];
  let halvings = 0;
  for (const bound of bounds) if (i > bound) halvings++;
  return pInit / 2 ** halvings;
}

/**
 * Side of the square window for fraction `p` of `features = h * w * c` values (reference: `round(sqrt(p * h * w))`,
 * at least 1), capped so that the window fits in the image (`min(h, w)`), which the reference leaves to torch slicing.
 */
export function squareSide(p: number, height: number, width: number, minimum = 1): number {
  const s = Math.max(Math.round(Math.sqrt(p * height * width)), minimum);
  return Math.min(s, Math.min(height, width));
}
