--! Previous: sha1:8d7f3211709333647d587e90127fe6da747fc73c
--! Hash: sha1:07d31cb7f27f6599a3214dd749b1dd96181cb6c6
--! Message: part cursors of an older shape rewritten to their mode's shape

-- Part cursors (etl.watermark.cursor) in a shape older versions read: each mode now reads only its own shape
-- (src/sync/step/part-reader.ts), so they are rewritten once, to what those versions made of them.
-- An incremental part's bare (write_date, id) position: the position, with no watermark fixed yet.
update etl.watermark
   set cursor = jsonb_build_object('walk', cursor, 'nextWatermark', null)
 where jsonb_typeof(cursor) = 'object' and cursor ? 'writeDate' and not cursor ? 'walk';

-- A fact_stock part's bare id position (stored before the stock check): the id position with a full plan
-- and no watermark, which reads and finishes as the plain snapshot such a cursor resumed as.
update etl.watermark
   set cursor = jsonb_build_object('at', cursor, 'stock', jsonb_build_object('kind', 'full', 'nextWatermark', null, 'calls', 0))
 where entity = 'fact_stock' and jsonb_typeof(cursor) = 'number';
