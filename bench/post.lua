-- wrk script: the same signed Twilio webhook POST on every request (body and signature from the environment).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["X-Twilio-Signature"] = os.getenv("BENCH_SIGNATURE")
