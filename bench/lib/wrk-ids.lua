-- GET /api/v1/certificates/{id} with a random id per request, taken from the file named by
-- BENCH_IDS (one id per line; the list is read once per wrk thread). The path prefix is
-- the URL's path (e.g. http://127.0.0.1:PORT/api/v1/certificates/). Headers given with
-- wrk -H (the Authorization header) are sent with every request.
dofile(os.getenv("BENCH_LIB") .. "/wrk-report.lua")

local ids = {}
local prefix

function init(args)
  for line in io.lines(os.getenv("BENCH_IDS")) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no ids in BENCH_IDS")
  prefix = wrk.path
  if prefix:sub(-1) ~= "/" then prefix = prefix .. "/" end
  -- a different sequence per thread: seed from the clock and this thread's table address
  math.randomseed(os.time() + tonumber(tostring(ids):match("0x(%x+)") or "0", 16) % 1000003)
end

function request()
  return wrk.format("GET", prefix .. ids[math.random(#ids)])
end
