-- wrk script: POST one AdmissionReview (the file named by $TIERGUARD_BENCH_REVIEW) on every
-- request, over the connection wrk keeps alive. Counts non-200 replies so the run can fail.
local path = os.getenv("TIERGUARD_BENCH_REVIEW")
local file = assert(io.open(path, "rb"), "cannot open " .. tostring(path))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local bad = 0
function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("non-200 replies: %d\n", bad))
end
