-- One home for each ballot and membership rule.
--
-- yishi_ensure_resident: makes the person a resident of the community unless they already hold a role
-- there; true if it did. Called by yishi_ensure_member below.
CREATE OR REPLACE FUNCTION yishi_ensure_resident(p_community_id integer, p_person_id integer) RETURNS boolean AS $$
BEGIN
  INSERT INTO roles (community_id, person_id, role) VALUES (p_community_id, p_person_id, 'resident') ON CONFLICT DO NOTHING;
  RETURN FOUND;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- yishi_ensure_member: the identity of a platform user, created with a new person on first sight
-- (identity is by platform user id, never by name), the display name kept current, and, when a
-- community is given, the person made its resident unless they hold a role there (joined: true if this
-- call did). Called by yishi_press_button below, by ensureIdentity and ensureMember in
-- src/people/persons.ts (commands, chatter, the console) and, through ensureIdentity, by the admin
-- CLI's role grant (src/admin/roles.ts). p_name is the already cleaned name (safeName in
-- src/people/persons.ts) or NULL when unknown (the admin CLI): then a new person is named by the user
-- id and an existing name is left alone. p_lang is 'en' or 'zh' (langOf in src/i18n/index.ts). A
-- concurrent first sight of the same user fails on the unique index identities_platform_user; the
-- caller runs its transaction again and then finds the identity.
CREATE OR REPLACE FUNCTION yishi_ensure_member(
  p_platform text,
  p_user_id text,
  p_name text,
  p_lang text,
  p_community_id integer,
  OUT identity_id integer,
  OUT person_id integer,
  OUT display_name text,
  OUT private_chat_id text,
  OUT created_at timestamptz,
  OUT created boolean,
  OUT joined boolean
) AS $$
DECLARE
  v_identity identities%ROWTYPE;
BEGIN
  SELECT i.* INTO v_identity FROM identities i WHERE i.platform = p_platform AND i.platform_user_id = p_user_id;
  created := NOT FOUND;
  IF created THEN
    INSERT INTO persons AS p (display_name, lang) VALUES (coalesce(p_name, p_user_id), coalesce(p_lang, 'zh')) RETURNING p.id INTO v_identity.person_id;
    INSERT INTO identities AS i (person_id, platform, platform_user_id, display_name) VALUES (v_identity.person_id, p_platform, p_user_id, p_name)
      RETURNING i.* INTO v_identity;
  ELSIF p_name IS NOT NULL AND v_identity.display_name IS DISTINCT FROM p_name THEN
    UPDATE identities i SET display_name = p_name WHERE i.id = v_identity.id;
    UPDATE persons p SET display_name = p_name WHERE p.id = v_identity.person_id;
    v_identity.display_name := p_name;
  END IF;
  joined := false;
  IF p_community_id IS NOT NULL THEN joined := yishi_ensure_resident(p_community_id, v_identity.person_id); END IF;
  identity_id := v_identity.id;
  person_id := v_identity.person_id;
  display_name := v_identity.display_name;
  private_chat_id := v_identity.private_chat_id;
  created_at := v_identity.created_at;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- yishi_press_button: the one implementation of the ballot and rating rules, in one statement (one
-- round trip): the dedupe on the update key, the checks, membership on first sight, the ballot or
-- rating, its audit row and the processed_updates row. It returns an outcome code: 'cast' or 'changed'
-- (with the suggestion's number and the choice's label), a refusal ('BAD_BUTTON', 'POLL_CLOSED',
-- 'NOT_MEMBER', with the number when known) or 'duplicate'. A refusal writes nothing but the
-- processed_updates row ('duplicate' when that row already exists).
--
-- Its callers, all in src/consultation/ballot.ts:
--   pressBallotButton: one button press, in its own transaction;
--   yishi_press_buttons (drizzle/0003), from src/consultation/press-groups.ts: a group of presses;
--   castByCommand: /vote and /rate, inside the command's transaction, with p_update_key NULL (the
--     command's wrapper records processed_updates itself); the command has already found the open poll
--     of the asked kind and turned the choice's text or number into p_position (resolveChoice).
-- A concurrent first sight of the same user or a concurrent delivery of the same update fails here on a
-- unique index; the caller runs the statement again, and then finds the identity or the duplicate.
CREATE OR REPLACE FUNCTION yishi_press_button(
  p_platform text,
  p_update_key text,
  p_group boolean,
  p_platform_chat_id text,
  p_user_id text,
  p_name text,
  p_lang text,
  p_kind text,
  p_poll_id integer,
  p_position integer,
  p_now timestamptz
) RETURNS TABLE (outcome text, suggestion_number integer, label text) AS $$
DECLARE
  v_poll polls%ROWTYPE;
  v_community integer;
  v_suggestion integer;
  v_number integer;
  v_chat_community integer;
  v_person integer;
  v_label text;
  v_previous smallint;
  v_refusal text;
BEGIN
  IF p_update_key IS NOT NULL AND EXISTS (
    SELECT 1 FROM processed_updates pu WHERE pu.platform = p_platform AND pu.update_key = p_update_key
  ) THEN
    RETURN QUERY SELECT 'duplicate'::text, NULL::integer, NULL::text;
    RETURN;
  END IF;

  -- FOR SHARE: a close (FOR UPDATE) waits for this ballot, and no ballot lands after a close.
  SELECT p.* INTO v_poll FROM polls p WHERE p.id = p_poll_id FOR SHARE;
  IF FOUND THEN
    SELECT s.community_id, s.id, s.number INTO v_community, v_suggestion, v_number FROM suggestions s WHERE s.id = v_poll.suggestion_id;
  END IF;

  <<checks>>
  BEGIN
    IF v_community IS NULL THEN v_refusal := 'BAD_BUTTON'; EXIT checks; END IF;
    IF p_group THEN
      -- A ballot belongs to its community's chats: a button from anywhere else is forged or foreign.
      SELECT c.community_id INTO v_chat_community FROM chats c WHERE c.platform = p_platform AND c.platform_chat_id = p_platform_chat_id;
      IF v_chat_community IS NULL OR v_chat_community <> v_community THEN v_refusal := 'BAD_BUTTON'; EXIT checks; END IF;
    ELSE
      -- Pressed in private: only an existing member of the poll's community.
      SELECT i.person_id INTO v_person FROM identities i
        JOIN roles r ON r.person_id = i.person_id AND r.community_id = v_community
        WHERE i.platform = p_platform AND i.platform_user_id = p_user_id;
      IF v_person IS NULL THEN v_refusal := 'NOT_MEMBER'; EXIT checks; END IF;
    END IF;
    IF v_poll.kind <> p_kind THEN v_refusal := 'BAD_BUTTON'; EXIT checks; END IF;
    IF v_poll.status <> 'open' THEN v_refusal := 'POLL_CLOSED'; EXIT checks; END IF;
    SELECT pc.label INTO v_label FROM poll_choices pc WHERE pc.poll_id = v_poll.id AND pc.position = p_position;
    IF v_label IS NULL THEN v_refusal := 'BAD_BUTTON'; EXIT checks; END IF;
    IF v_poll.deadline <= p_now THEN v_refusal := 'POLL_CLOSED'; EXIT checks; END IF;
  END checks;

  IF v_refusal IS NOT NULL THEN
    -- A refusal changes nothing but is still "processed": a re-delivery must not answer twice.
    IF p_update_key IS NOT NULL THEN
      INSERT INTO processed_updates (platform, update_key, replies, processed_at)
        VALUES (p_platform, p_update_key, '[]'::jsonb, p_now) ON CONFLICT DO NOTHING;
      IF NOT FOUND THEN
        RETURN QUERY SELECT 'duplicate'::text, NULL::integer, NULL::text;
        RETURN;
      END IF;
    END IF;
    RETURN QUERY SELECT v_refusal, v_number, NULL::text;
    RETURN;
  END IF;

  IF p_group THEN
    -- Membership on first sight: identity (and person) by platform user id, name kept current, resident role.
    v_person := (yishi_ensure_member(p_platform, p_user_id, p_name, p_lang, v_community)).person_id;
  END IF;

  IF p_kind = 'vote' THEN
    SELECT b.choice INTO v_previous FROM ballots b WHERE b.poll_id = v_poll.id AND b.person_id = v_person;
    INSERT INTO ballots (poll_id, person_id, choice, cast_at) VALUES (v_poll.id, v_person, p_position, p_now)
      ON CONFLICT (poll_id, person_id) DO UPDATE SET choice = EXCLUDED.choice, changed_at = p_now;
    INSERT INTO audit_log (community_id, actor_id, action, suggestion_id, data, at) VALUES (
      v_community, v_person, CASE WHEN v_previous IS NULL THEN 'ballot.cast' ELSE 'ballot.changed' END, v_suggestion,
      jsonb_build_object('pollId', v_poll.id, 'choice', p_position, 'from', v_previous), p_now);
  ELSE
    SELECT r.level INTO v_previous FROM ratings r WHERE r.poll_id = v_poll.id AND r.person_id = v_person;
    INSERT INTO ratings (poll_id, person_id, level, rated_at) VALUES (v_poll.id, v_person, p_position, p_now)
      ON CONFLICT (poll_id, person_id) DO UPDATE SET level = EXCLUDED.level, changed_at = p_now;
    INSERT INTO audit_log (community_id, actor_id, action, suggestion_id, data, at) VALUES (
      v_community, v_person, CASE WHEN v_previous IS NULL THEN 'rating.cast' ELSE 'rating.changed' END, v_suggestion,
      jsonb_build_object('pollId', v_poll.id, 'level', p_position, 'from', v_previous), p_now);
  END IF;

  IF p_update_key IS NOT NULL THEN
    INSERT INTO processed_updates (platform, update_key, replies, processed_at) VALUES (p_platform, p_update_key, '[]'::jsonb, p_now);
  END IF;
  RETURN QUERY SELECT CASE WHEN v_previous IS NULL THEN 'cast' ELSE 'changed' END, v_number, v_label;
END;
$$ LANGUAGE plpgsql;
