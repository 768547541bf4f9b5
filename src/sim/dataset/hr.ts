// People: departments (one per store), jobs, work locations and employees with a manager per company.
import { ADMIN_UID, type Gen } from './context.ts';
import type { Company } from './company.ts';
import { JOBS, LAST } from './names.ts';

export function generateHr(g: Gen, companies: Company[]): void {
  const { o, put, pick, int, chance, dimStamp, person } = g;
  const deptNames = ['Management', 'Administration', 'Purchasing', 'Logistics', 'Store Operations'];
  deptNames.forEach((name, i) => put('hr.department', { id: i + 1, name, complete_name: name, parent_id: false, company_id: 1, active: true, ...dimStamp() }));
  const storeDept: Record<number, number> = {};
  for (const c of companies.slice(1)) {
    const id = deptNames.length + c.id - 1;
    put('hr.department', { id, name: `Store ${c.city}`, complete_name: `Store Operations / Store ${c.city}`, parent_id: 5, company_id: c.id, active: true, ...dimStamp() });
    storeDept[c.id] = id;
  }
  JOBS.forEach((name, i) => put('hr.job', { id: i + 1, name, department_id: i < 2 ? 1 : i < 5 ? 5 : 2, company_id: 1, active: true, no_of_recruitment: i % 3, ...dimStamp() }));
  for (const c of companies) {
    put('hr.work.location', { id: c.id, name: c.id === 1 ? 'Head Office' : `${c.city} Store`, address_id: c.partner, company_id: c.id, location_type: c.id === 1 ? 'office' : 'other', active: true, ...dimStamp() });
  }
  const nEmployees = Math.max(companies.length * 4, Math.round(20 * Math.pow(o.scale, 0.7)));
  const managers: Record<number, number> = {};
  for (let i = 1; i <= nEmployees; i++) {
    const c = companies[(i - 1) % companies.length]!;
    const job = i <= companies.length ? (c.id === 1 ? 1 : 2) : int(3, JOBS.length);
    const name = person();
    const manager = managers[c.id] ?? false;
    if (!managers[c.id]) managers[c.id] = i;
    put('hr.employee', {
      id: i, name, job_id: job, job_title: JOBS[job - 1], department_id: c.id === 1 ? 1 : storeDept[c.id], company_id: c.id, work_location_id: c.id,
      parent_id: manager, coach_id: manager, work_email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@northwind.example.com`, active: !chance(0.05),
      user_id: i === 1 ? ADMIN_UID : false, private_email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@mail.example.com`, private_street: `${int(1, 200)} ${pick(LAST)} Street`,
      work_contact_id: false, ...dimStamp(),
    });
  }
}
