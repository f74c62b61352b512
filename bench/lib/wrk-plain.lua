-- A fixed GET of the URL given to wrk, with the WRKRESULT summary line.
dofile(os.getenv("BENCH_LIB") .. "/wrk-report.lua")
