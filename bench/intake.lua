-- wrk's script for bench/intake.py:  wrk ... -s bench/intake.lua URL -- METHOD EXPECT TOKEN RUN BASE BODY...
-- POST: a unique Idempotency-Key per request, and every report names its own suspect phone and
-- Telegram handle (__PHONE__, __HANDLE__ in the bodies), as real reports mostly do: none links to
-- another. The answers are counted by status; done() prints them for bench/intake.py.
local threads, next_id = {}, 1

function setup(thread)
  thread:set("thread_id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  method, expect, token, run_id = args[1], tonumber(args[2]), args[3], args[4]
  phone_base, bodies = tonumber(args[5]), {}
  for i = 6, #args do table.insert(bodies, args[i]) end
  counter, ok, other, statuses = 0, 0, 0, {}
end

function request()
  counter = counter + 1
  local headers = {Accept = "application/json"}
  if method ~= "POST" then return wrk.format(method, nil, headers) end
  headers["Authorization"] = "Bearer " .. token
  headers["Content-Type"] = "application/json"
  headers["Idempotency-Key"] = run_id .. "-" .. thread_id .. "-" .. counter
  local n = (phone_base + thread_id * 1000003 + counter) % 10000000
  local phone = string.format("8 701 %03d %02d %02d",
    math.floor(n / 10000), math.floor(n / 100) % 100, n % 100)
  local body = string.gsub(bodies[(counter % #bodies) + 1], "__PHONE__", phone)
  body = string.gsub(body, "__HANDLE__", "@b" .. run_id .. "_" .. thread_id .. "_" .. counter)
  return wrk.format(method, nil, headers, body)
end

function response(status, headers, body)
  if status == expect then
    ok = ok + 1
  else
    other = other + 1
    statuses[tostring(status)] = (statuses[tostring(status)] or 0) + 1
  end
end

function done(summary, latency, requests)
  local all_ok, all_other, merged, parts = 0, 0, {}, {}
  for _, thread in ipairs(threads) do
    all_ok = all_ok + thread:get("ok")
    all_other = all_other + thread:get("other")
    for key, n in pairs(thread:get("statuses")) do merged[key] = (merged[key] or 0) + n end
  end
  for key, n in pairs(merged) do table.insert(parts, key .. ":" .. n) end
  io.write(string.format("BENCH_STATUS ok=%d other=%d statuses=%s\n",
    all_ok, all_other, table.concat(parts, ",")))
end
