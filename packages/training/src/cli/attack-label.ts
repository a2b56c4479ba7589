import type { Attack } from '@edl/attacks';

/** AutoAttack's reference number of target classes (fra31/auto-attack 'standard'). */
const REFERENCE_TARGETS = 9;

/**
 * The column label of an attack in tables and reports, derived from the attack's own settings so that it names what
 * ran: AutoAttack at the reference numbers is `autoattack (standard)`; below them (`autoattack-reduced`) it says how,
 * e.g. `autoattack (reduced: 10% budget, 3 targets)`, and never "standard". Other attacks keep their name.
 */
export function attackLabel(attack: Attack): string {
  if (!attack.name.startsWith('autoattack')) return attack.name;
  const s = attack.settings;
  const version = String(s.version ?? '');
  if (version !== 'reduced') return `autoattack (${version})`;
  const budget = Number(s.budget ?? 1);
  const targets = Number(s.nTargetClasses ?? REFERENCE_TARGETS);
  const names = Array.isArray(s.attacks) ? (s.attacks as string[]) : [];
  const usesTargets = names.includes('apgd-t') || names.includes('fab-t');
  const eot = Number(s.eotIter ?? 1);
  // A reduced 'rand' run is named `autoattack-rand-reduced` (reference EOT 20), a reduced 'standard' one `autoattack-reduced`.
  const rand = attack.name === 'autoattack-rand-reduced';
  const referenceEot = rand ? 20 : 1;
  const parts = [
    ...(budget < 1 ? [`${Number((100 * budget).toPrecision(3))}% budget`] : []),
    ...(usesTargets && targets < REFERENCE_TARGETS ? [`${targets} target${targets === 1 ? '' : 's'}`] : []),
    ...(eot < referenceEot ? [`EOT ${eot}`] : []),
  ];
  return `autoattack${rand ? ' rand' : ''} (reduced: ${parts.join(', ')})`;
}
