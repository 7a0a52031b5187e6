-- Every community is a node of the organisation tree (level 'community'), kept so by the database:
-- existing communities become leaves without a parent (placed later with `yishi org move`), and a
-- community created or renamed afterwards creates or renames its node in the same statement.
CREATE FUNCTION yishi_community_node() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO org_nodes (level, slug, name, community_id, created_at)
    VALUES ('community', NEW.slug, NEW.name, NEW.id, NEW.created_at);
  ELSIF NEW.slug IS DISTINCT FROM OLD.slug OR NEW.name IS DISTINCT FROM OLD.name THEN
    UPDATE org_nodes SET slug = NEW.slug, name = NEW.name WHERE community_id = NEW.id;
  END IF;
  RETURN NEW;
END $$;
--> statement-breakpoint
CREATE TRIGGER communities_node AFTER INSERT OR UPDATE OF slug, name ON communities
  FOR EACH ROW EXECUTE FUNCTION yishi_community_node();
--> statement-breakpoint
INSERT INTO org_nodes (level, slug, name, community_id, created_at)
SELECT 'community', c.slug, c.name, c.id, c.created_at FROM communities c
WHERE NOT EXISTS (SELECT 1 FROM org_nodes n WHERE n.community_id = c.id)
ORDER BY c.id;
--> statement-breakpoint
INSERT INTO audit_log (community_id, action, data)
SELECT n.community_id, 'org.node_created', jsonb_build_object('via', 'migration', 'level', 'community', 'slug', n.slug, 'nodeId', n.id)
FROM org_nodes n WHERE n.level = 'community' ORDER BY n.id;
