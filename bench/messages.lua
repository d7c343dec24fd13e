-- wrk script: POST a streaming Anthropic Messages request (the small body) to the gateway.
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["x-api-key"] = "sk-bench"
wrk.body = '{"model":"claude-sonnet-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Say hi"}]}'
