-- wrk script: POST the body in the file $BENCH_BODY with Accept $BENCH_ACCEPT (the canned upstream answers a
-- stream for text/event-stream, JSON otherwise, as the gateway asks it). Used by bench/run.
local file = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.body = file:read("*a")
file:close()
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["accept"] = os.getenv("BENCH_ACCEPT") or "application/json"
wrk.headers["x-api-key"] = "sk-bench"
wrk.headers["authorization"] = "Bearer sk-bench"
wrk.headers["anthropic-version"] = "2023-06-01"
