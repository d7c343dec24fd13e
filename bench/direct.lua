-- wrk script: the same request already translated, straight to the upstream (the baseline).
wrk.method = "POST"
wrk.headers["content-type"] = "application/json"
wrk.headers["authorization"] = "Bearer sk-bench"
wrk.body = '{"model":"anthropic/claude-sonnet-4.6","messages":[{"role":"user","content":"Say hi"}],"max_tokens":1024,"stream":true,"stream_options":{"include_usage":true}}'
