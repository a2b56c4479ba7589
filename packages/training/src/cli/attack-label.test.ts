import { autoAttack, fgsm } from '@edl/attacks';
import { describe, expect, it } from 'vitest';
import { attackLabel } from './attack-label.ts';
import { autoAttackColumn, quickstartAutoAttack } from './quickstart.ts';
import { QUICKSTART_DEFAULTS } from './quickstart-defaults.ts';

describe('attackLabel', () => {
  it('names a full AutoAttack standard and a reduced one by what was cut', () => {
    expect(attackLabel(autoAttack({ norm: 'linf', eps: 0.1 }))).toBe('autoattack (standard)');
    expect(attackLabel(autoAttack({ norm: 'linf', eps: 0.1, budget: 0.1, nTargets: 3 }))).toBe(
      'autoattack (reduced: 10% budget, 3 targets)',
    );
    expect(attackLabel(autoAttack({ norm: 'linf', eps: 0.1, budget: 0.25 }))).toBe('autoattack (reduced: 25% budget)');
    expect(attackLabel(autoAttack({ norm: 'l2', eps: 0.5, nTargets: 1 }))).toBe('autoattack (reduced: 1 target)');
    expect(attackLabel(autoAttack({ norm: 'linf', eps: 0.1, version: 'rand', eotIter: 5 }))).toBe(
      'autoattack rand (reduced: EOT 5)',
    );
    expect(attackLabel(fgsm({ eps: 0.1 }))).toBe('fgsm');
  });
});

describe('quickstart AutoAttack column', () => {
  it('derives from the attack it runs: reduced by default, never "standard"', () => {
    const [aa] = quickstartAutoAttack(QUICKSTART_DEFAULTS, 0.1, 0);
    expect(aa?.settings.version).toBe('reduced');
    expect(aa?.settings.budget).toBe(QUICKSTART_DEFAULTS.autoAttackBudget);
    const column = autoAttackColumn(attackLabel(aa!), QUICKSTART_DEFAULTS);
    expect(column).toBe('autoattack (reduced: 10% budget, 3 targets) (n=100)');
    expect(column).not.toMatch(/standard/);
  });

  it('follows the options: other budgets and targets, and the full reference is called standard', () => {
    const half = { ...QUICKSTART_DEFAULTS, autoAttackBudget: 0.5, autoAttackTargets: 9, autoAttackCount: 40 };
    const [a] = quickstartAutoAttack(half, 0.1, 0);
    expect(autoAttackColumn(attackLabel(a!), half)).toBe('autoattack (reduced: 50% budget) (n=40)');
    const full = { ...QUICKSTART_DEFAULTS, autoAttackBudget: 1, autoAttackTargets: 9 };
    const [b] = quickstartAutoAttack(full, 0.1, 0);
    expect(autoAttackColumn(attackLabel(b!), full)).toBe('autoattack (standard) (n=100)');
  });
});
