--! Previous: sha1:6b1eba33b184a2ed0e732aae6525d8af3488ee53
--! Hash: sha1:8024d5163fd9146a29fbdc0625cc9f9a2ad9591f
--! Message: dim_purchases.business_date: date_order's calendar day in the company's timezone

-- Business dates on the other tables with an order datetime (issue 22; all_sales has its column since
-- 000008): dim_purchases.date_order's calendar day where the company is (its partner's tz, else
-- BUSINESS_TIMEZONE, else UTC), filled by the sync (src/entities/business-date.ts). NULL on rows written
-- before this column until dim_purchases' next full pass (the column changes the field set, so the next
-- run of dim_purchases is one). fact_invoices/fact_journal_items need none: their dates are dates.
alter table public.dim_purchases add column if not exists business_date date;
create index if not exists dim_purchases_business_date_idx on public.dim_purchases (company_id, business_date);
