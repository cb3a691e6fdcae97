-- wrk script for POST /today/log: every request a new log with a fresh idempotency key
-- ("bench-<tag>-<thread>-<n>"), as the Today page's form sends it, asking for a JSON answer.
-- Environment: LOG_COOKIE (the runner's session cookie), LOG_CSRF (its CSRF token), LOG_FORM
-- (the form's fields without the key), LOG_TAG (tells runs apart).
local cookie = os.getenv("LOG_COOKIE")
local csrf = os.getenv("LOG_CSRF")
local form = os.getenv("LOG_FORM")
local tag = os.getenv("LOG_TAG") or "run"
local threads = 0

function setup(thread)
  thread:set("thread_id", threads)
  threads = threads + 1
end

local n = 0
function request()
  n = n + 1
  local body = form .. "&idempotency_key=bench-" .. tag .. "-" .. thread_id .. "-" .. n
  return wrk.format("POST", "/today/log", {
    ["Cookie"] = cookie,
    ["X-CSRF-Token"] = csrf,
    ["Accept"] = "application/json",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, body)
end
