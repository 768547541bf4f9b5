--! Previous: sha1:ebc516cbc2cfe786e3a45123563bab2f3c3b1436
--! Hash: sha1:2f3758e4a1125f7a6bc9dcf7a2e8d372a87d2dcc
--! Message: dim_promotion_types' sync-cursor index without its repeated column

-- 000001 created it as (code, write_date, code): code twice, and leading with the primary key's column, so it
-- served nothing the primary key does not. Like every other table's cursor index: write_date, then the key.
drop index if exists public.dim_promotion_types_write_date_idx;
create index if not exists dim_promotion_types_write_date_idx on public.dim_promotion_types (write_date, code);
