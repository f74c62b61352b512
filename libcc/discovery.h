/* discovery.h: discovery scans and the certificates they found (filesystem, cloud, network) */
#ifndef CC_DISCOVERY_H
#define CC_DISCOVERY_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include "libcc/db.h"
#include "libcc/entity.h"

struct cc_err;

struct cc_discovery_scan {
	char *id;
	char *agent_id;
	struct cc_strv directories;
	int64_t certificates_found;
	int64_t certificates_new;
	int64_t errors_count;
	int64_t scan_duration_ms;
	int64_t started_at;
	int64_t completed_at;
};

struct cc_discovered_cert {
	char *id;
	char *fingerprint_sha256; /* lower-case hex SHA-256 of the DER */
	char *common_name;
	struct cc_strv sans;
	char *serial_number;
	char *issuer_dn;
	char *subject_dn;
	int64_t not_before;
	int64_t not_after;
	char *key_algorithm;
	int64_t key_size;
	bool is_ca;
	char *pem_data;
	char *source_path;   /* file path, or ip:port for network scans */
	char *source_format; /* PEM, DER, network */
	char *agent_id;
	char *discovery_scan_id;
	char *managed_certificate_id;
	char *status; /* Unmanaged | Managed | Dismissed */
	int64_t first_seen_at;
	int64_t last_seen_at;
	int64_t dismissed_at;
	int64_t created_at;
	int64_t updated_at;
};

extern const struct cc_entity cc_discovery_scan_entity;
extern const struct cc_entity cc_discovered_cert_entity;

/* records d, keyed by (fingerprint_sha256, agent_id, source_path). A new row
 * (*inserted = true) gets status Unmanaged and first/last seen now; for a known one only
 * last_seen_at, discovery_scan_id and updated_at change. d is then the stored row. */
int cc_discovered_upsert(struct cc_dbc *c, struct cc_discovered_cert *d, bool *inserted,
			 struct cc_err *err);
/* *out = {"<status>": count, ...} for the statuses present (new reference) */
int cc_discovered_summary(struct cc_dbc *c, json_t **out, struct cc_err *err);
/* status Managed, linked to managed_cert_id; CC_E_NOT_FOUND for an unknown id,
 * CC_E_CONFLICT for an unknown managed certificate */
int cc_discovered_claim(struct cc_dbc *c, const char *id, const char *managed_cert_id,
			struct cc_err *err);
/* status Dismissed, dismissed_at now; CC_E_NOT_FOUND for an unknown id */
int cc_discovered_dismiss(struct cc_dbc *c, const char *id, struct cc_err *err);

#endif
