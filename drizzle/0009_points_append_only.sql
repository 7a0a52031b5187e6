-- The points ledger and its rules are append-only: updates and deletes are refused by the database
-- itself (a correction is a new entry, a changed rule a new row), as for audit_log (0001).
CREATE OR REPLACE FUNCTION points_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: add a correcting entry instead', TG_TABLE_NAME USING ERRCODE = 'P0001';
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER points_entries_no_update BEFORE UPDATE OR DELETE ON points_entries
  FOR EACH ROW EXECUTE FUNCTION points_append_only();
--> statement-breakpoint
CREATE TRIGGER points_rules_no_update BEFORE UPDATE OR DELETE ON points_rules
  FOR EACH ROW EXECUTE FUNCTION points_append_only();
