/**
 * Dates as the business counts them. Odoo stores datetimes in UTC; a shop in UTC+7 that sells at 23:30 on
 * the 1st sees that sale on the 2nd, and so must a BI tool. A business date column holds the calendar day
 * of a datetime in the timezone of the record's company: the tz of the company's partner (res.partner.tz,
 * what Odoo's company form shows), else the BUSINESS_TIMEZONE setting, else UTC. Daylight saving time is
 * the zone's own (IANA database, through Intl): 23:30 UTC on 28 March is the 29th in Berlin (UTC+1),
 * and 22:30 UTC on 29 March, after the clocks went forward, is already the 30th (UTC+2).
 */
import type { SourcePlan, SourcePlanResult } from './plan.ts';
import type { RecordValues, SourceSpec } from './types.ts';

export interface BusinessTimezones {
  /** Company id → its partner's tz, for the companies that have one Intl knows. */
  byCompany: Record<string, string>;
  /** BUSINESS_TIMEZONE, else 'UTC': records of other companies, and records without a company. */
  fallback: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl (the IANA database Node carries) knows the zone. */
export function isKnownTimezone(zone: string): boolean {
  try {
    formatIn(zone);
    return true;
  } catch {
    return false;
  }
}

function formatIn(zone: string): Intl.DateTimeFormat {
  let format = formats.get(zone);
  if (!format) {
    // en-CA writes YYYY-MM-DD
    format = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formats.set(zone, format);
  }
  return format;
}

/** The calendar day (YYYY-MM-DD) of a UTC datetime (Odoo's `YYYY-MM-DD HH:MM:SS` or ISO with Z) in `zone`. */
export function calendarDayIn(utc: string, zone: string): string | null {
  const iso = utc.includes('T') ? utc : `${utc.replace(' ', 'T')}Z`;
  const ms = Date.parse(iso.endsWith('Z') || /[+-]\d\d:\d\d$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) return null;
  return formatIn(zone).format(new Date(ms));
}

/** The zone of a company (its own, else the fallback). */
export function zoneOf(timezones: BusinessTimezones | undefined, company: unknown): string {
  const own = typeof company === 'number' ? timezones?.byCompany[String(company)] : undefined;
  return own ?? timezones?.fallback ?? 'UTC';
}

/** A record's business date of `field`, in its company's zone (NULL when the datetime is empty). */
export function businessDateOf(values: RecordValues, field: string, plan: { timezones?: BusinessTimezones }): string | null {
  const value = values[field];
  if (typeof value !== 'string') return null;
  return calendarDayIn(value, zoneOf(plan.timezones, values.company_id));
}

/**
 * The plan's field set names the zones: a company whose timezone changes (or a new BUSINESS_TIMEZONE)
 * makes the table's next run a full pass, so every row's business date follows.
 */
export function timezoneFieldSet(timezones: BusinessTimezones): string {
  const companies = Object.entries(timezones.byCompany)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([company, zone]) => `${company}=${zone}`);
  return `timezones<-${[...companies, `*=${timezones.fallback}`].join(',')}`;
}

/** Whether a source has a business date column (its plan then needs the companies' zones). */
export function hasBusinessDate(source: SourceSpec): boolean {
  return source.columns.some((column) => 'businessDateOf' in column);
}

/** The plan with the zones its business date columns use, named in its field set too. */
export function withTimezones(result: SourcePlanResult, timezones: BusinessTimezones): SourcePlanResult {
  if (result.status !== 'ok') return result;
  const plan: SourcePlan = { ...result.plan, timezones, fieldSet: [...result.plan.fieldSet, timezoneFieldSet(timezones)].sort() };
  return { status: 'ok', plan };
}
