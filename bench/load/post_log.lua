-- wrk script for POST /today/log: every request a new log with a fresh idempotency key
-- ("bench-<tag>-<thread>-<n>"), as the Today page's form sends it, asking for a JSON answer.
-- Environment: LOG_COOKIE (the runner's session cookie), LOG_CSRF (its CSRF token), LOG_FORM
-- (the form's fields without the key), LOG_TAG (tells runs apart). Or LOG_RUNNERS: a file of
-- lines "cookie<TAB>csrf<TAB>form", one per runner, taken in turn (many runners logging at
-- once instead of one).
local runners = {}
local file = os.getenv("LOG_RUNNERS")
if file and file ~= "" then
  for line in io.lines(file) do
    local cookie, csrf, form = line:match("^([^\t]*)\t([^\t]*)\t(.*)$")
    if cookie then runners[#runners + 1] = { cookie = cookie, csrf = csrf, form = form } end
  end
else
  runners[1] = { cookie = os.getenv("LOG_COOKIE"), csrf = os.getenv("LOG_CSRF"), form = os.getenv("LOG_FORM") }
end
local tag = os.getenv("LOG_TAG") or "run"
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local n = 0
function request()
  n = n + 1
  local r = runners[(n % #runners) + 1]
  local body = r.form .. "&idempotency_key=bench-" .. tag .. "-" .. thread_id .. "-" .. n
  return wrk.format("POST", "/today/log", {
    ["Cookie"] = r.cookie,
    ["X-CSRF-Token"] = r.csrf,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
