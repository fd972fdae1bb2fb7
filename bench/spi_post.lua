-- wrk script: POST /api/v1/payments of the SPI, one MANU payment of AMOUNT centavos (default 100)
-- from participant 12345678 to 87654321. Env: TOKEN (bearer with the admin scope). Counts the 201s
-- so the shell script can compare them with what BACEN settled.
wrk.method = "POST"
wrk.path = "/api/v1/payments"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("TOKEN")
wrk.headers["Content-Type"] = "application/json"
local amount = os.getenv("AMOUNT") or "100"
wrk.body = [[{"local_instrument":"MANU","priority_type":"PAGPRI","priority_id":1,]] ..
  [["purpose":"IPAY","amount":]] .. amount .. [[,"currency":"BRL","origin_system":1,]] ..
  [["debtor":{"ispb":"12345678","name":"Joao Silva","document":"12345678901",]] ..
  [["account_no":"00001234567","account_type":"CACC","branch":"0001"},]] ..
  [["creditor":{"ispb":"87654321","name":"Maria Oliveira","document":"98765432100",]] ..
  [["account_no":"00009876543","account_type":"CACC","branch":"0002"},]] ..
  [["description":"bench"}]]

created = 0  -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("created") end
  io.write(string.format("RESULT requests=%d created=%d non_2xx=%d socket_errors=%d\n",
    summary.requests, total, summary.errors.status, summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
