-- wrk: a fixed pause per connection (BENCH_DELAY_MS), so connections × 1000 / pause ≈ the rate.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
function delay() return pause end
