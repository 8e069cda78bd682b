-- What a directory search needs to know before it runs, in one call: the member's searches
-- this hour as recorded (the rate limit; each process adds the searches it has not written yet,
-- see search-counter.ts), who they blocked or were blocked by, and the directory's generation
-- (the search-page cache). As a function its statements keep their plans for the session
-- instead of being planned on every search. It only reads.
CREATE OR REPLACE FUNCTION kizuna_search_context(viewer text, at_hour timestamptz,
  OUT searches integer, OUT blocked text[], OUT generation bigint) STABLE AS $$
BEGIN
  SELECT v.searches INTO searches FROM directory_views v WHERE v.user_id = viewer AND v.hour = at_hour;
  searches := coalesce(searches, 0);
  blocked := array(
    SELECT DISTINCT CASE WHEN b.blocker_id = viewer THEN b.blocked_id ELSE b.blocker_id END
    FROM member_blocks b WHERE b.blocker_id = viewer OR b.blocked_id = viewer);
  SELECT g.generation INTO generation FROM directory_generation g WHERE g.id = 1;
END;
$$ LANGUAGE plpgsql;
