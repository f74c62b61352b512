/* seed.h: the demo data set of `certctl db seed --demo` */
#ifndef CC_SEED_H
#define CC_SEED_H

struct cc_db;
struct cc_err;

struct cc_seed_stats {
	int inserted;
	int skipped; /* rows whose id already existed: seeding twice changes nothing */
};

/* inserts the demo fleet (teams, owners, issuers, agents, targets, profiles,
 * certificates, versions, jobs, audit events, …) in one transaction */
int cc_seed_demo(struct cc_db *db, struct cc_seed_stats *stats, struct cc_err *err);

#endif
