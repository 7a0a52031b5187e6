-- A group of button presses in one statement, hence one transaction (group commit). Each press runs
-- yishi_press_button (drizzle/0002) in array order, so each keeps its own checks, ballot or rating,
-- audit row and processed_updates row, and all of them commit together or not at all. When the
-- statement fails (a lost insert race, a deadlock, an outage) nothing of the group is stored and the
-- caller runs its presses one by one (src/consultation/press-groups.ts).
CREATE OR REPLACE FUNCTION yishi_press_buttons(p_presses jsonb)
RETURNS TABLE (idx integer, outcome text, suggestion_number integer, label text) AS $$
DECLARE
  v_press jsonb;
  v_idx bigint;
BEGIN
  FOR v_press, v_idx IN SELECT e.value, e.ordinality FROM jsonb_array_elements(p_presses) WITH ORDINALITY AS e(value, ordinality) LOOP
    RETURN QUERY SELECT v_idx::integer, r.outcome, r.suggestion_number, r.label FROM yishi_press_button(
      v_press->>'platform', v_press->>'updateKey', (v_press->>'group')::boolean, v_press->>'chatId',
      v_press->>'userId', v_press->>'name', v_press->>'lang', v_press->>'kind', (v_press->>'pollId')::integer,
      (v_press->>'position')::integer, (v_press->>'now')::timestamptz) AS r;
  END LOOP;
END;
$$ LANGUAGE plpgsql;
