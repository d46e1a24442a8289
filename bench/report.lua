-- wrk script: request shape from the environment, one JSON summary line on completion.
-- Static on purpose: the Python side passes BENCH_METHOD, BENCH_BODY and BENCH_HEADERS
-- (lines of "Name: value") instead of writing Lua. BENCH_DELETE_PREFIX turns on the write
-- mode: each connection POSTs the body, then DELETEs what it created (prefix .. id); every
-- "__N__" in the body becomes a number unique to the run (names may have to be unique).
local method = os.getenv("BENCH_METHOD")
if method and method ~= "" then wrk.method = method end
local body = os.getenv("BENCH_BODY")
if body and body ~= "" then wrk.body = body end
local headers = os.getenv("BENCH_HEADERS") or ""
for line in headers:gmatch("[^\n]+") do
  local name, value = line:match("^([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
local delete_prefix = os.getenv("BENCH_DELETE_PREFIX") or ""

local threads = {}
function setup(thread) table.insert(threads, thread) end

-- Per thread: responses outside 2xx, and ids created but not yet deleted.
non2xx = 0
local created = {}

function response(status, response_headers, response_body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
  if delete_prefix ~= "" and status == 201 then
    local id = response_body:match('"id"%s*:%s*"([^"]+)"')
    if id then table.insert(created, id) end
  end
end

local serial = 0
local run_tag = ""
function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  run_tag = tostring(math.random(1, 1000000000))
end

if delete_prefix ~= "" then
  request = function()
    local id = table.remove(created)
    if id then return wrk.format("DELETE", delete_prefix .. id) end
    serial = serial + 1
    local unique_body = wrk.body:gsub("__N__", run_tag .. "-" .. serial)
    return wrk.format("POST", nil, nil, unique_body)
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  local status_outside_2xx = 0
  for _, thread in ipairs(threads) do status_outside_2xx = status_outside_2xx + thread:get("non2xx") end
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "status_errors": %d, ' ..
    '"timeouts": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout, status_outside_2xx))
end
