--! Previous: sha1:fdb4edcf543ea2c5e02e36e8a0701c3ffe8079fc
--! Hash: sha1:6b1eba33b184a2ed0e732aae6525d8af3488ee53
--! Message: declared tables: log a refused type change too, so status can show it

-- migrate refuses to rewrite a column whose declared type changed (src/declared/ddl.ts); that refusal is
-- logged (outside the rolled-back transaction) so `odoo-etl status` and `tables` can show it.
alter table etl.declared_change drop constraint if exists declared_change_action_check;
alter table etl.declared_change add constraint declared_change_action_check
  check (action in ('create_table', 'add_column', 'create_index', 'add_foreign_key', 'column_kept', 'type_refused'));
