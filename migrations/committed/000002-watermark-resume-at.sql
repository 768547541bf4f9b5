--! Previous: sha1:65c7bfe9ed1c8c4b5a3e79e0b373d5ec99c55dad
--! Hash: sha1:a29b73959dcfc47230202bf8bce68f4fd6841300
--! Message: watermark resume_at: where the next incremental read starts

-- Where the next incremental read of a source starts (src/sync/watermark.ts): Odoo's clock when the last
-- finished read was planned, minus LOOKBACK. high_write_date keeps its meaning (the newest write_date
-- loaded, for lag and monitoring). NULL on rows written before this column existed: the read then starts
-- LOOKBACK before high_write_date, as it used to.
alter table etl.watermark add column if not exists resume_at timestamptz;
comment on column etl.watermark.resume_at is
  'where the next incremental read starts: Odoo''s clock when the last finished read was planned, minus LOOKBACK';
