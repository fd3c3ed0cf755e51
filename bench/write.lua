-- wrk: every request proposes a session (insert + mentor + topic + audit row); the body is
-- bench/proposal.json (bench/run runs from the repository root).
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
local file = assert(io.open("bench/proposal.json", "r"))
wrk.body = file:read("*a")
file:close()
