-- bench/pgbench-samework.sql: builds the "same work" pgbench baseline inside a benchmark database (see
-- bench/pgbench-samework.sh). Run with psql -v src=incidents -v reports=N; leaves schema `samework` with:
--   * a scratch copy of every table the measured run wrote to (CREATE TABLE ... (LIKE src.t INCLUDING ALL): same
--     columns, defaults, CHECKs and every index, partial ones included; foreign keys between them re-created; no
--     triggers - what the KPI trigger writes is in the measured counts of its own tables and reproduced from them);
--   * the hot rows that updates go to (a copy of the real table's rows, at most 1,000);
--   * samework.script: the pgbench script, one line per row;
--   * samework.profile: what each table gets per transaction, for the summary.
-- Per report = pg_stat_user_tables' n_tup_ins / n_tup_upd / n_tup_del of each table in :src divided by :reports
-- (Wolverine's node bookkeeping, wolverine_node*, is time-driven, not per report, and left out). Fractions are kept:
-- 2.3 inserts = 2 always + 1 with probability 0.3 (one random number per transaction decides all fractions).
\set ON_ERROR_STOP on
SET client_min_messages = warning;
DROP SCHEMA IF EXISTS samework CASCADE;
CREATE SCHEMA samework;
CREATE SEQUENCE samework.seq;
CREATE TABLE samework.script (n serial PRIMARY KEY, line text NOT NULL);
CREATE TABLE samework.profile (relname text PRIMARY KEY, ins numeric, upd numeric, del numeric, hot_share numeric,
  indexes_real int, indexes_scratch int, row_bytes_real int, row_bytes_template int, hot_rows int, note text);

-- A literal pgbench can take in -M prepared: it reads every ":name" as a variable, also inside quotes, so colons are
-- written as \x3a in an E'' string.
CREATE FUNCTION samework.lit(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT 'E''' || replace(replace(replace(v, '\', '\\'), '''', ''''''), ':', '\x3a') || ''''
$$;

CREATE FUNCTION samework.build(src text, reports numeric) RETURNS void LANGUAGE plpgsql AS $fn$
DECLARE
  t record; c record; ix record; fk record;
  per_ins numeric; per_upd numeric; per_del numeric;
  k int; n_rows int; hot int; sz int; cols text; vals text; expr text; cond text; setlist text; pk text[]; tnote text;
  tmpl jsonb; tmpl_id text; tmpl_sub text; cum numeric; frac numeric; refcols text[]; tsrc text; have bigint;
  lines text[] := '{}'; sets text[] := '{}'; inserts text[] := '{}'; updates text[] := '{}'; deletes text[] := '{}';
  -- per table: column -> expression kind for row k: 'U' (U(k), unique per row), 'P' (U(1): the transaction's parent
  -- key, shared by its rows), 'K' (k, the row's number), 'S' (nextval)
  kinds jsonb;
  fkcols text[];
  parents text[] := '{}';
  ordered text[];
  rel text;
  keyexpr jsonb;
  hv int := 0;
BEGIN
  -- 1. scratch tables, in the order: FK parents first
  FOR t IN
    SELECT s.relname, s.n_tup_ins, s.n_tup_upd, s.n_tup_del, s.n_tup_hot_upd, s.n_live_tup
    FROM pg_stat_user_tables s
    WHERE s.schemaname = src AND s.relname NOT LIKE 'wolverine_node%' AND s.n_tup_ins + s.n_tup_upd + s.n_tup_del > 0
    ORDER BY s.relname
  LOOP
    EXECUTE format('CREATE TABLE samework.%I (LIKE %I.%I INCLUDING ALL)', t.relname, src, t.relname);
    INSERT INTO samework.profile (relname, ins, upd, del, hot_share, indexes_real, indexes_scratch)
    VALUES (t.relname, t.n_tup_ins / reports, t.n_tup_upd / reports, t.n_tup_del / reports,
            CASE WHEN t.n_tup_upd > 0 THEN t.n_tup_hot_upd::numeric / t.n_tup_upd END,
            (SELECT count(*) FROM pg_indexes WHERE schemaname = src AND tablename = t.relname),
            (SELECT count(*) FROM pg_indexes WHERE schemaname = 'samework' AND tablename = t.relname));
  END LOOP;
  FOR fk IN
    SELECT con.conname, cl.relname AS child, pl.relname AS parent, con.conkey, con.confkey,
           (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)) AS ccols,
           (SELECT array_agg(a.attname ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = con.confrelid AND a.attnum = ANY (con.confkey)) AS pcols,
           con.confdeltype
    FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class pl ON pl.oid = con.confrelid
    WHERE con.contype = 'f' AND con.connamespace = src::regnamespace
      AND cl.relname IN (SELECT relname FROM samework.profile) AND pl.relname IN (SELECT relname FROM samework.profile)
  LOOP
    EXECUTE format('ALTER TABLE samework.%I ADD FOREIGN KEY (%s) REFERENCES samework.%I (%s)%s', fk.child,
      (SELECT string_agg(quote_ident(x), ', ') FROM unnest(fk.ccols) x), fk.parent,
      (SELECT string_agg(quote_ident(x), ', ') FROM unnest(fk.pcols) x),
      CASE fk.confdeltype WHEN 'c' THEN ' ON DELETE CASCADE' ELSE '' END);
    parents := parents || fk.parent::text;
  END LOOP;
  SELECT array_agg(relname ORDER BY (relname = ANY (parents)) DESC, relname) INTO ordered FROM samework.profile;

  -- 2. statements
  FOREACH rel IN ARRAY ordered LOOP
    SELECT * INTO t FROM samework.profile WHERE relname = rel;
    per_ins := t.ins; per_upd := t.upd; per_del := t.del; tnote := NULL;
    -- FK columns whose parent is a scratch table: the parent's first row (U(1)); only uuid keys are supported
    SELECT coalesce(array_agg(a.attname::text), '{}') INTO fkcols
    FROM pg_constraint con JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = ANY (con.conkey)
    WHERE con.contype = 'f' AND con.conrelid = format('samework.%I', rel)::regclass;
    -- columns of this table that other scratch tables' foreign keys point to
    SELECT coalesce(array_agg(a.attname::text), '{}') INTO refcols
    FROM pg_constraint con JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = ANY (con.confkey)
    WHERE con.contype = 'f' AND con.confrelid = format('samework.%I', rel)::regclass;
    kinds := '{}';
    FOREACH expr IN ARRAY fkcols LOOP kinds := kinds || jsonb_build_object(expr, 'P'); END LOOP;
    -- every unique index (primary key first) gets at least one column that differs per row
    FOR ix IN
      SELECT i.indisprimary, array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum)) AS cols,
             array_agg(format_type(a.atttypid, a.atttypmod) ORDER BY array_position(i.indkey::int2[], a.attnum)) AS types
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
      WHERE i.indrelid = format('samework.%I', rel)::regclass AND i.indisunique
      GROUP BY i.indexrelid, i.indisprimary ORDER BY i.indisprimary DESC
    LOOP
      IF EXISTS (SELECT 1 FROM unnest(ix.cols) x WHERE kinds ->> x IN ('U', 'S')) THEN CONTINUE; END IF;
      IF EXISTS (SELECT 1 FROM unnest(ix.cols) x WHERE kinds ->> x = 'P') THEN
        -- (parent key, n): the row's number makes it unique within the transaction
        SELECT x INTO expr FROM unnest(ix.cols, ix.types) AS u(x, ty) WHERE ty IN ('integer', 'bigint', 'smallint') AND kinds ->> x IS NULL LIMIT 1;
        IF expr IS NOT NULL THEN kinds := kinds || jsonb_build_object(expr, 'K'); CONTINUE; END IF;
      END IF;
      SELECT x INTO expr FROM unnest(ix.cols, ix.types) AS u(x, ty) WHERE ty = 'uuid' AND kinds ->> x IS NULL LIMIT 1;
      IF expr IS NOT NULL THEN
        kinds := kinds || jsonb_build_object(expr, CASE WHEN expr = ANY (refcols) THEN 'P' ELSE 'U' END);
        CONTINUE;
      END IF;
      SELECT x INTO expr FROM unnest(ix.cols, ix.types) AS u(x, ty) WHERE ty IN ('integer', 'bigint', 'smallint', 'text', 'character varying') AND kinds ->> x IS NULL LIMIT 1;
      IF expr IS NOT NULL THEN kinds := kinds || jsonb_build_object(expr, 'S'); CONTINUE; END IF;
      tnote := coalesce(tnote || '; ', '') || 'a unique index without a column to vary: ' || array_to_string(ix.cols, ',');
    END LOOP;
    -- the key of row k, where it can be computed again (for deletes): a unique index made of U/P/K columns only
    SELECT jsonb_agg(x) INTO keyexpr FROM (
      SELECT i.indexrelid FROM pg_index i
      WHERE i.indrelid = format('samework.%I', rel)::regclass AND i.indisunique AND i.indpred IS NULL
        AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
                        AND coalesce(kinds ->> a.attname::text, '') NOT IN ('U', 'P', 'K'))
      ORDER BY i.indisprimary DESC LIMIT 1) best,
      LATERAL (SELECT a.attname::text AS x FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
               WHERE i.indexrelid = best.indexrelid) cols;

    -- inserts: template rows spread over the real rows' sizes (row j of n at quantile (j - 0.5) / n), so that n rows
    -- are as wide together as n average rows
    n_rows := ceil(per_ins);
    -- Rows that live briefly (the outbox's) are gone by the end of the run: bench/run.sh copies a few into schema
    -- bench_samples during the warm-up, and those serve as templates then.
    tsrc := src;
    EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM %I.%I LIMIT 1) x', src, rel) INTO have;
    IF have = 0 AND n_rows > 0 THEN
      IF to_regclass(format('bench_samples.%I', rel)) IS NOT NULL THEN
        tsrc := 'bench_samples';
        EXECUTE format('SELECT count(*) FROM (SELECT 1 FROM bench_samples.%I LIMIT 1) x', rel) INTO have;
      END IF;
      IF have = 0 THEN
        tnote := coalesce(tnote || '; ', '') || 'inserts (and deletes) left out: no row left to copy, none sampled during the run';
        n_rows := 0;
        per_del := 0;
      ELSE
        tnote := coalesce(tnote || '; ', '') || 'template rows sampled during the warm-up (the table is empty after the run)';
      END IF;
    END IF;
    IF n_rows > 0 THEN
      EXECUTE format('SELECT round(avg(pg_column_size(r.*))) FROM %I.%I r', tsrc, rel) INTO sz;
      UPDATE samework.profile SET row_bytes_real = sz WHERE relname = rel;
      cum := 0;
      FOR k IN 1..n_rows LOOP
        EXECUTE format($q$SELECT to_jsonb(r), pg_column_size(r.*) FROM (SELECT r, row_number() OVER (ORDER BY pg_column_size(r.*)) AS i, count(*) OVER () AS n FROM %I.%I r) s, LATERAL (SELECT (s.r).*) r
                        WHERE s.i = greatest(1, ceil(s.n * (%s - 0.5) / %s)) LIMIT 1$q$, tsrc, rel, k, n_rows) INTO tmpl, sz;
        cum := cum + sz;
        cols := NULL; vals := NULL; tmpl_id := NULL; tmpl_sub := NULL;
        FOR c IN
          SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated
          FROM pg_attribute a WHERE a.attrelid = format('samework.%I', rel)::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
        LOOP
          CONTINUE WHEN c.generated;
          IF tmpl_id IS NULL AND kinds ->> c.name IN ('U', 'P') THEN
            tmpl_id := tmpl ->> c.name;
            tmpl_sub := CASE kinds ->> c.name WHEN 'P' THEN '/1' ELSE '/' || k END;
          END IF;
        END LOOP;
        FOR c IN
          SELECT a.attname::text AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated
          FROM pg_attribute a WHERE a.attrelid = format('samework.%I', rel)::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
        LOOP
          CONTINUE WHEN c.generated;
          expr := CASE kinds ->> c.name
            WHEN 'U' THEN format('md5(:u::text || %L)::uuid', '/' || k)
            WHEN 'P' THEN 'md5(:u::text || ''/1'')::uuid'
            WHEN 'K' THEN format('%s::%s', k, c.type)
            WHEN 'S' THEN format('nextval(''samework.seq'')::%s', c.type)
            ELSE CASE
              WHEN tmpl -> c.name IS NULL OR jsonb_typeof(tmpl -> c.name) = 'null' THEN format('NULL::%s', c.type)
              -- documents are parsed per execution (as the API's parameters are), with their own id in them
              WHEN c.type IN ('jsonb', 'json') THEN format('replace(%s, %L, md5(:u::text || %L))::%s',
                  samework.lit((tmpl -> c.name)::text), coalesce(tmpl_id, '@samework@'), coalesce(tmpl_sub, '/' || k), c.type)
              ELSE format('%s::%s', samework.lit(tmpl ->> c.name), c.type) END
          END;
          cols := coalesce(cols || ', ', '') || quote_ident(c.name);
          vals := coalesce(vals || ', ', '') || expr;
        END LOOP;
        frac := least(1, per_ins - (k - 1));
        inserts := inserts || format('INSERT INTO samework.%I (%s) SELECT %s%s;', rel, cols, vals,
          CASE WHEN frac < 1 THEN format(' WHERE :p < %s', floor(frac * 1000000)) ELSE '' END);
      END LOOP;
      UPDATE samework.profile SET row_bytes_template = round(cum / n_rows) WHERE relname = rel;
    END IF;

    -- updates: hot rows (a copy of the real table's rows, at most 1,000), chosen at random; a column nobody indexes
    -- changes (HOT possible), and an indexed one too when the measurement shows mostly non-HOT updates
    n_rows := ceil(per_upd);
    IF n_rows > 0 THEN
      SELECT array_agg(a.attname::text ORDER BY array_position(i.indkey::int2[], a.attnum)) INTO pk
      FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey::int2[])
      WHERE i.indrelid = format('samework.%I', rel)::regclass AND i.indisprimary;
      IF pk IS NULL THEN
        tnote := coalesce(tnote || '; ', '') || 'updates left out: no primary key';
      ELSE
        EXECUTE format('INSERT INTO samework.%I SELECT * FROM %I.%I LIMIT 1000 ON CONFLICT DO NOTHING', rel, src, rel);
        GET DIAGNOSTICS hot = ROW_COUNT;
        EXECUTE format('CREATE TABLE samework.%I AS SELECT row_number() OVER ()::int AS n, %s FROM samework.%I',
          rel || '__hot', (SELECT string_agg(quote_ident(x), ', ') FROM unnest(pk) x), rel);
        EXECUTE format('ALTER TABLE samework.%I ADD PRIMARY KEY (n)', rel || '__hot');
        UPDATE samework.profile SET hot_rows = hot WHERE relname = rel;
        -- a numeric column in no index (HOT-able), and one in an index (not) when updates were mostly not HOT
        SELECT format('%1$I = %1$I + 1', a.attname) INTO setlist
        FROM pg_attribute a WHERE a.attrelid = format('samework.%I', rel)::regclass AND a.attnum > 0 AND NOT a.attisdropped
          AND format_type(a.atttypid, a.atttypmod) IN ('integer', 'bigint', 'double precision', 'numeric')
          AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey::int2[]))
        ORDER BY a.attnum LIMIT 1;
        IF setlist IS NULL THEN
          SELECT format('%1$I = %1$I', a.attname) INTO setlist
          FROM pg_attribute a WHERE a.attrelid = format('samework.%I', rel)::regclass AND a.attnum > 0 AND NOT a.attisdropped
            AND NOT a.attname::text = ANY (pk) ORDER BY a.attnum LIMIT 1;
        END IF;
        IF coalesce(t.hot_share, 1) < 0.5 THEN
          SELECT setlist || format(', %1$I = %1$I + 1', a.attname) INTO expr
          FROM pg_attribute a WHERE a.attrelid = format('samework.%I', rel)::regclass AND a.attnum > 0 AND NOT a.attisdropped
            AND NOT a.attname::text = ANY (pk) AND format_type(a.atttypid, a.atttypmod) IN ('integer', 'bigint', 'double precision', 'numeric')
            AND EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND a.attnum = ANY (i.indkey::int2[]))
          ORDER BY a.attnum LIMIT 1;
          IF expr IS NULL THEN
            tnote := coalesce(tnote || '; ', '') || 'mostly non-HOT updates measured, but no indexed numeric column to change';
          ELSE
            setlist := expr;
          END IF;
        END IF;
        FOR k IN 1..n_rows LOOP
          hv := hv + 1;
          sets := sets || format('\set h%s random(1, %s)', hv, greatest(hot, 1));
          frac := least(1, per_upd - (k - 1));
          updates := updates || format('UPDATE samework.%I SET %s WHERE (%s) = (SELECT %s FROM samework.%I WHERE n = :h%s)%s;',
            rel, setlist, (SELECT string_agg(quote_ident(x), ', ') FROM unnest(pk) x),
            (SELECT string_agg(quote_ident(x), ', ') FROM unnest(pk) x), rel || '__hot', hv,
            CASE WHEN frac < 1 THEN format(' AND :p < %s', floor(frac * 1000000)) ELSE '' END);
        END LOOP;
      END IF;
    END IF;

    -- deletes: of the rows this transaction inserted (the outbox deletes its own envelopes), by a key computed again
    n_rows := ceil(per_del);
    IF n_rows > 0 THEN
      IF keyexpr IS NULL OR ceil(per_ins) = 0 THEN
        tnote := coalesce(tnote || '; ', '') || 'deletes left out: no key of the inserted rows to find them by';
      ELSE
        IF per_del > per_ins THEN
          tnote := coalesce(tnote || '; ', '') || format('%s deletes per report capped at the %s inserts', round(per_del, 2), round(per_ins, 2));
          n_rows := ceil(per_ins);
        END IF;
        FOR k IN 1..n_rows LOOP
          cond := NULL;
          FOR c IN SELECT value #>> '{}' AS name FROM jsonb_array_elements(keyexpr) LOOP
            cond := coalesce(cond || ' AND ', '') || format('%I = %s', c.name, CASE kinds ->> c.name
              WHEN 'U' THEN format('md5(:u::text || %L)::uuid', '/' || k)
              WHEN 'P' THEN 'md5(:u::text || ''/1'')::uuid'
              ELSE k::text END);
          END LOOP;
          frac := least(1, least(per_del, per_ins) - (k - 1));
          deletes := deletes || format('DELETE FROM samework.%I WHERE %s%s;', rel, cond,
            CASE WHEN frac < 1 THEN format(' AND :p < %s', floor(frac * 1000000)) ELSE '' END);
        END LOOP;
      END IF;
    END IF;
    UPDATE samework.profile SET note = tnote WHERE relname = rel;
  END LOOP;

  -- 3. the script: one transaction, sent as one pipeline (one round trip) of prepared statements
  lines := ARRAY['-- generated by bench/pgbench-samework.sql from the measured rows per report; run with -M prepared',
                 '\set u random(1, 9223372036854775806)', '\set p random(0, 999999)'] || sets
           || ARRAY['\startpipeline', 'BEGIN;'] || inserts || updates || deletes || ARRAY['COMMIT;', '\endpipeline'];
  INSERT INTO samework.script (line) SELECT unnest(lines);
END
$fn$;

SELECT samework.build(:'src', :reports);
