/* seed.c: TEMPORARY placeholder, replaced by the demo data set */
#include "libcc/seed.h"
#include "libcc/err.h"
int cc_seed_demo(struct cc_db *db, struct cc_seed_stats *stats, struct cc_err *err)
{
	(void)db;
	(void)stats;
	return cc_err_set(err, CC_E_UNSUPPORTED, "demo seed is not built yet");
}
