-- wrk script of bench/serve.sh: asks the questions of $BENCH_PATHS in turn, counts
-- the answers that are not 200, and keeps each distinct answer (the question, the
-- build it says it comes from, and its body), so that the script can check that every
-- figure served was exactly one committed build's.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  errors = 0
  seen = {}
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    table.insert(paths, line)
  end
  next_path = math.random(#paths)
end

function request()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end

function response(status, headers, body)
  if status ~= 200 then
    errors = errors + 1
    return
  end
  local key = (headers["Content-Location"] or "?") .. "\n" .. (headers["X-Orderflow-Built-At"] or "?") .. "\n" .. body
  seen[key] = (seen[key] or 0) + 1
end

function done(summary, latency, requests)
  local errs, distinct, n = 0, {}, 0
  for _, t in ipairs(threads) do
    errs = errs + t:get("errors")
    for k, c in pairs(t:get("seen")) do
      if distinct[k] == nil then n = n + 1 end
      distinct[k] = (distinct[k] or 0) + c
    end
  end
  local out = os.getenv("BENCH_OUT") or "."
  local i = 0
  for k, c in pairs(distinct) do
    i = i + 1
    local f = io.open(out .. "/answer-" .. i .. ".txt", "w")
    f:write(k)
    f:close()
  end
  local secs = summary.duration / 1e6
  print(string.format("requests %d in %.1f s: %.0f req/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
  print(string.format("non-200 answers %d, socket errors %d, distinct answers %d",
    errs, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, n))
end
