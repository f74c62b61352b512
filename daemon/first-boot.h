/* first-boot.h: defaults an empty database gets at serve's start */
#ifndef CC_FIRST_BOOT_H
#define CC_FIRST_BOOT_H

struct api_app;
struct cc_err;

/* when the tables are empty: the Local CA issuer "iss-local" and the renewal policy
 * "rp-default" (30-day window, auto renew, alerts at 30/14/7/0 days). Idempotent, and
 * safe when several replicas start at once */
int api_first_boot(struct api_app *app, struct cc_err *err);

#endif
