--! Previous: sha1:07d31cb7f27f6599a3214dd749b1dd96181cb6c6
--! Hash: sha1:f70bfacbf0874916cdf3f11589532d94fc0f8c09
--! Message: finance: accounts, account codes, journals, taxes, currencies and rates, invoices, journal items; all_sales.business_date

-- Finance (issue 22): accounts, their per-company codes, journals, taxes, currencies and their rates,
-- account.move as fact_invoices and account.move.line as fact_journal_items (src/entities/dim_accounts.ts …
-- fact_journal_items.ts say which Odoo field feeds each column on which version). The account.* tables are
-- skipped, not failed, where the `account` module is absent; res.currency(.rate) are in every Odoo.
-- And all_sales.business_date: date_order's calendar day in the company's timezone (src/sync/business-date.ts).

create table if not exists public.dim_currencies (
  odoo_id integer not null,
  name text,
  symbol text,
  full_name text,
  rounding numeric,
  decimal_places integer,
  position text,
  active boolean,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists dim_currencies_write_date_idx on public.dim_currencies (write_date, odoo_id);

create table if not exists public.fact_currency_rates (
  odoo_id integer not null,
  currency_id integer,
  company_id integer,
  date date,
  rate numeric,
  -- company currency per unit of this currency (1 / rate), what Odoo's screens show
  inverse_rate numeric,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists fact_currency_rates_write_date_idx on public.fact_currency_rates (write_date, odoo_id);
create index if not exists fact_currency_rates_currency_date_idx on public.fact_currency_rates (currency_id, date);

create table if not exists public.dim_accounts (
  odoo_id integer not null,
  code text,
  name text,
  account_type text,
  internal_group text,
  reconcile boolean,
  deprecated boolean,
  active boolean,
  currency_id integer,
  company_id integer,
  company_ids integer[],
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists dim_accounts_write_date_idx on public.dim_accounts (write_date, odoo_id);

create table if not exists public.dim_account_codes (
  account_id integer not null,
  company_id integer not null,
  code text,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (account_id, company_id)
);
create index if not exists dim_account_codes_write_date_idx on public.dim_account_codes (write_date, account_id, company_id);
create index if not exists dim_account_codes_company_id_idx on public.dim_account_codes (company_id);

create table if not exists public.dim_journals (
  odoo_id integer not null,
  name text,
  code text,
  type text,
  company_id integer,
  currency_id integer,
  default_account_id integer,
  sequence integer,
  active boolean,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists dim_journals_write_date_idx on public.dim_journals (write_date, odoo_id);

create table if not exists public.dim_taxes (
  odoo_id integer not null,
  name text,
  amount numeric,
  amount_type text,
  type_tax_use text,
  price_include boolean,
  price_include_override text,
  include_base_amount boolean,
  company_id integer,
  tax_group_id integer,
  sequence integer,
  active boolean,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists dim_taxes_write_date_idx on public.dim_taxes (write_date, odoo_id);

create table if not exists public.fact_invoices (
  odoo_id integer not null,
  name text,
  move_type text,
  state text,
  payment_state text,
  partner_id integer,
  commercial_partner_id integer,
  invoice_date date,
  invoice_date_due date,
  date date,
  journal_id integer,
  company_id integer,
  currency_id integer,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  amount_residual numeric,
  amount_untaxed_signed numeric,
  amount_tax_signed numeric,
  amount_total_signed numeric,
  amount_residual_signed numeric,
  invoice_user_id integer,
  team_id integer,
  invoice_origin text,
  ref text,
  payment_reference text,
  reversed_entry_id integer,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists fact_invoices_write_date_idx on public.fact_invoices (write_date, odoo_id);
create index if not exists fact_invoices_invoice_date_idx on public.fact_invoices (company_id, invoice_date);
create index if not exists fact_invoices_partner_idx on public.fact_invoices (partner_id);

create table if not exists public.fact_journal_items (
  odoo_id integer not null,
  move_id integer,
  account_id integer,
  partner_id integer,
  product_id integer,
  journal_id integer,
  company_id integer,
  date date,
  date_maturity date,
  name text,
  debit numeric,
  credit numeric,
  balance numeric,
  amount_currency numeric,
  currency_id integer,
  quantity numeric,
  price_unit numeric,
  discount numeric,
  price_subtotal numeric,
  price_total numeric,
  tax_ids integer[],
  tax_line_id integer,
  analytic_distribution jsonb,
  display_type text,
  reconciled boolean,
  matching_number text,
  amount_residual numeric,
  amount_residual_currency numeric,
  parent_state text,
  -- the sale order lines this line invoices: fact_sales_lines where source = 'sale' and odoo_id = any(sale_line_ids)
  sale_line_ids integer[],
  purchase_line_id integer,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists fact_journal_items_write_date_idx on public.fact_journal_items (write_date, odoo_id);
create index if not exists fact_journal_items_move_idx on public.fact_journal_items (move_id);
create index if not exists fact_journal_items_account_date_idx on public.fact_journal_items (account_id, date);
create index if not exists fact_journal_items_sale_lines_idx on public.fact_journal_items using gin (sale_line_ids);

alter table public.fact_currency_rates drop constraint if exists fact_currency_rates_currency_id_fkey,
  add constraint fact_currency_rates_currency_id_fkey foreign key (currency_id) references public.dim_currencies (odoo_id) deferrable initially deferred;
alter table public.fact_currency_rates drop constraint if exists fact_currency_rates_company_id_fkey,
  add constraint fact_currency_rates_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_accounts drop constraint if exists dim_accounts_currency_id_fkey,
  add constraint dim_accounts_currency_id_fkey foreign key (currency_id) references public.dim_currencies (odoo_id) deferrable initially deferred;
alter table public.dim_accounts drop constraint if exists dim_accounts_company_id_fkey,
  add constraint dim_accounts_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_account_codes drop constraint if exists dim_account_codes_account_id_fkey,
  add constraint dim_account_codes_account_id_fkey foreign key (account_id) references public.dim_accounts (odoo_id) deferrable initially deferred;
alter table public.dim_account_codes drop constraint if exists dim_account_codes_company_id_fkey,
  add constraint dim_account_codes_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_journals drop constraint if exists dim_journals_company_id_fkey,
  add constraint dim_journals_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_journals drop constraint if exists dim_journals_currency_id_fkey,
  add constraint dim_journals_currency_id_fkey foreign key (currency_id) references public.dim_currencies (odoo_id) deferrable initially deferred;
alter table public.dim_journals drop constraint if exists dim_journals_default_account_id_fkey,
  add constraint dim_journals_default_account_id_fkey foreign key (default_account_id) references public.dim_accounts (odoo_id) deferrable initially deferred;
alter table public.dim_taxes drop constraint if exists dim_taxes_company_id_fkey,
  add constraint dim_taxes_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_partner_id_fkey,
  add constraint fact_invoices_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_commercial_partner_id_fkey,
  add constraint fact_invoices_commercial_partner_id_fkey foreign key (commercial_partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_journal_id_fkey,
  add constraint fact_invoices_journal_id_fkey foreign key (journal_id) references public.dim_journals (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_company_id_fkey,
  add constraint fact_invoices_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_currency_id_fkey,
  add constraint fact_invoices_currency_id_fkey foreign key (currency_id) references public.dim_currencies (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_invoice_user_id_fkey,
  add constraint fact_invoices_invoice_user_id_fkey foreign key (invoice_user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_team_id_fkey,
  add constraint fact_invoices_team_id_fkey foreign key (team_id) references public.dim_teams (odoo_id) deferrable initially deferred;
alter table public.fact_invoices drop constraint if exists fact_invoices_reversed_entry_id_fkey,
  add constraint fact_invoices_reversed_entry_id_fkey foreign key (reversed_entry_id) references public.fact_invoices (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_move_id_fkey,
  add constraint fact_journal_items_move_id_fkey foreign key (move_id) references public.fact_invoices (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_account_id_fkey,
  add constraint fact_journal_items_account_id_fkey foreign key (account_id) references public.dim_accounts (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_partner_id_fkey,
  add constraint fact_journal_items_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_product_id_fkey,
  add constraint fact_journal_items_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_journal_id_fkey,
  add constraint fact_journal_items_journal_id_fkey foreign key (journal_id) references public.dim_journals (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_company_id_fkey,
  add constraint fact_journal_items_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_currency_id_fkey,
  add constraint fact_journal_items_currency_id_fkey foreign key (currency_id) references public.dim_currencies (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_tax_line_id_fkey,
  add constraint fact_journal_items_tax_line_id_fkey foreign key (tax_line_id) references public.dim_taxes (odoo_id) deferrable initially deferred;
alter table public.fact_journal_items drop constraint if exists fact_journal_items_purchase_line_id_fkey,
  add constraint fact_journal_items_purchase_line_id_fkey foreign key (purchase_line_id) references public.fact_purchases (odoo_id) deferrable initially deferred;

-- The calendar day of date_order where the company is (its partner's tz, else BUSINESS_TIMEZONE, else UTC),
-- filled by the sync; NULL on rows written before this column until their table's next full pass (the
-- column changes the field set, so the next run of all_sales is one).
alter table public.all_sales add column if not exists business_date date;
create index if not exists all_sales_business_date_idx on public.all_sales (company_id, business_date);
