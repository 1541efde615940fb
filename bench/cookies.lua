-- wrk: each request carries one of several session cookies (BENCH_COOKIES, comma-separated
-- "name=value" pairs), so that concurrent requests do not all wait for the same session row.
local cookies = {}
for cookie in string.gmatch(os.getenv("BENCH_COOKIES") or "", "[^,]+") do
  table.insert(cookies, cookie)
end
local n = 0

request = function()
  n = n + 1
  local headers = { ["X-Forwarded-Proto"] = "https" }
  if #cookies > 0 then
    headers["Cookie"] = cookies[(n % #cookies) + 1]
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  io.write(string.format("BENCH errors=%d non2xx=%d\n",
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
