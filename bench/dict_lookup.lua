-- wrk script: GET /api/v2/entries/{key}?keyType=CPF for one registered key, as a participant
-- acting for a payer. Env: TOKEN (bearer with ispb 12345678), DELAY_MS (optional pause per
-- connection between requests, to offer a fixed rate), PAYERS (how many payer ids to rotate
-- over, default 1000: each request charges its payer's bucket and the participant's).
wrk.method = "GET"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["X-Participant-ISPB"] = "12345678"
wrk.headers["PI-PayerType"] = "NATURAL_PERSON"

local payers = tonumber(os.getenv("PAYERS") or "1000")
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
local counter = 0

function request()
  counter = counter + 1
  wrk.headers["PI-PayerId"] = string.format("%011d", counter % payers)
  return wrk.format(nil, "/api/v2/entries/52998224725?keyType=CPF")
end

if delay_ms > 0 then
  function delay() return delay_ms end
end

function done(summary, latency, requests)
  io.write(string.format("RESULT requests=%d non_2xx=%d socket_errors=%d\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
