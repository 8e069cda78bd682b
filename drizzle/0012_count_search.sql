-- One directory search's bookkeeping in one call: count it for the member's hour (the rate
-- limit), list who they blocked or were blocked by, and read the directory's generation (the
-- search-page cache). As a function its statements keep their plans for the session instead of
-- being planned on every search.
--
-- The count is anti-scraping bookkeeping, not a record: the transaction that makes it (the
-- caller's own, autocommit in the app) commits without waiting for the disk. A crash may lose
-- the last fraction of a second of counts, never anything else, and never corrupts them.
CREATE OR REPLACE FUNCTION kizuna_count_search(viewer text, at_hour timestamptz,
  OUT searches integer, OUT blocked text[], OUT generation bigint) AS $$
BEGIN
  PERFORM set_config('synchronous_commit', 'off', true);
  INSERT INTO directory_views AS v (user_id, hour, searches) VALUES (viewer, at_hour, 1)
    ON CONFLICT (user_id, hour) DO UPDATE SET searches = v.searches + 1
    RETURNING v.searches INTO searches;
  blocked := array(
    SELECT DISTINCT CASE WHEN b.blocker_id = viewer THEN b.blocked_id ELSE b.blocker_id END
    FROM member_blocks b WHERE b.blocker_id = viewer OR b.blocked_id = viewer);
  SELECT g.generation INTO generation FROM directory_generation g WHERE g.id = 1;
END;
$$ LANGUAGE plpgsql;
