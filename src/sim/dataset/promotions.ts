// Loyalty programs (one per program type of the version, in turn), each with one rule and one reward.
import { DAY, d10, type Gen } from './context.ts';
import { ADJ } from './names.ts';

export function generatePromotions(g: Gen, allCompanyIds: number[]): void {
  const { db, o, start, put, pick, int, chance, dimStamp } = g;
  const programTypes = (db.table('loyalty.program')!.fields.program_type?.selection ?? []).map(([k]) => k);
  const nPrograms = Math.max(6, Math.round(6 * Math.pow(o.scale, 0.3)));
  for (let i = 1; i <= nPrograms; i++) {
    const type = programTypes[(i - 1) % programTypes.length] ?? 'promotion';
    const from = start + int(0, 600) * DAY;
    put('loyalty.program', {
      id: i, name: `${pick(ADJ)} ${type.replace(/_/g, ' ')} ${i}`, program_type: type, active: !chance(0.15), company_id: chance(0.5) ? false : pick(allCompanyIds),
      date_from: d10(from), date_to: chance(0.5) ? d10(from + int(14, 90) * DAY) : false, trigger: type === 'promo_code' ? 'with_code' : 'auto', applies_on: 'current',
      pos_ok: true, sale_ok: true, pos_config_ids: chance(0.5) ? allCompanyIds : [pick(allCompanyIds)], currency_id: 1, ...dimStamp(),
    });
    put('loyalty.rule', { id: i, program_id: i, minimum_qty: 1, minimum_amount: 0, reward_point_amount: 1, active: true, company_id: false, ...dimStamp() });
    put('loyalty.reward', { id: i, program_id: i, reward_type: 'discount', discount: 10, discount_mode: 'percent', required_points: 1, active: true, company_id: false, ...dimStamp() });
  }
}
