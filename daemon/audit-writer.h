/* audit-writer.h: the API audit trail, written by a background thread so that recording
 * never blocks or fails a request */
#ifndef CC_AUDIT_WRITER_H
#define CC_AUDIT_WRITER_H

#include <stdint.h>

struct cc_db;
struct cc_log;
struct api_audit;

struct api_audit *api_audit_start(struct cc_db *db, struct cc_log *log);
/* writes what is queued, then stops the thread */
void api_audit_stop(struct api_audit *a);
/* waits until everything queued so far is written (tests, shutdown) */
void api_audit_flush(struct api_audit *a);
uint64_t api_audit_dropped(const struct api_audit *a);

#endif
