-- wrk script: POST /api/v1/payments with the document's create body (no external_id, so every
-- request is a new payment). Env: TOKEN (bearer), DELAY_MS (optional pause per connection
-- between requests, to offer a fixed rate instead of a closed loop).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.body = '{"amount":15000,"currency":"BRL",' ..
  '"debtor_ispb":"12345678","debtor_document":"12345678901","debtor_name":"Joao da Silva",' ..
  '"debtor_account_no":"123456","debtor_account_type":"CACC","debtor_branch":"0001",' ..
  '"creditor_ispb":"87654321","creditor_document":"98765432100","creditor_name":"Maria Santos",' ..
  '"creditor_account_no":"654321","creditor_account_type":"SVGS","creditor_branch":"0002",' ..
  '"description":"Payment for invoice #12345"}'

local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")
-- DELAY_DIST=exp: each pause is drawn from an exponential distribution with mean DELAY_MS, so
-- the connections send as independent clients would (a Poisson stream) instead of in lock step:
-- with equal pauses, the requests one group commit answered together come back together.
local exponential = os.getenv("DELAY_DIST") == "exp"
if delay_ms > 0 then
  if exponential then
    math.randomseed(os.time())
    function delay() return math.floor(-delay_ms * math.log(1 - math.random()) + 0.5) end
  else
    function delay() return delay_ms end
  end
end

function done(summary, latency, requests)
  local non_2xx = summary.errors.status
  io.write(string.format("RESULT requests=%d non_2xx=%d socket_errors=%d\n", summary.requests,
    non_2xx, summary.errors.connect + summary.errors.read + summary.errors.write +
    summary.errors.timeout))
end
