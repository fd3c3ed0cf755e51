-- wrk: every request proposes a session (insert + mentor + topic + audit row).
-- BENCH_DELAY_MS (optional) paces each connection for the latency-at-half-rate run.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"format_code":"webinar","title":"Wärmeplanung kompakt",'
  .. '"guiding_question":"Wie starten Kommunen die Wärmeplanung?","topic_ids":[1],'
  .. '"starts_at":"2027-03-01T10:00:00Z","ends_at":"2027-03-01T12:00:00Z","online":true}'
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
function delay() return pause end
