-- POST to the URL given to wrk, the body of each request taken in turn from the file named
-- by BENCH_BODIES (one body per line, e.g. lib/gen-csrs.py's output), Content-Type
-- application/json. Each wrk thread formats every request once in init() and starts at a
-- different line, so the threads do not send the same body at the same moment. Headers
-- given with wrk -H (the Authorization header) are sent with every request.
dofile(os.getenv("BENCH_LIB") .. "/wrk-report.lua")

local reqs = {}
local i = 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  wrk.headers["Content-Type"] = "application/json"
  local f = assert(os.getenv("BENCH_BODIES"), "BENCH_BODIES unset")
  for line in io.lines(f) do
    if #line > 0 then reqs[#reqs + 1] = wrk.format("POST", wrk.path, nil, line) end
  end
  assert(#reqs > 0, "no bodies in BENCH_BODIES")
  -- thread k of T starts k/T of the way through the list
  i = math.floor(((tid or 1) - 1) * #reqs / tonumber(os.getenv("WRK_THREADS") or "2"))
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
