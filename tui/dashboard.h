/* dashboard.h: view models of the dashboard — summary tiles and the first-run test */
#ifndef TUI_DASHBOARD_H
#define TUI_DASHBOARD_H

#include <stdbool.h>
#include <jansson.h>
#include "tui/draw.h"

struct tui_stat {
	const char *label;
	long long value; /* -1: the server did not say */
	enum tui_style style;
};

/* the tiles of /api/v1/stats/summary; returns how many */
int tui_summary_stats(const json_t *summary, struct tui_stat *out, int max);
/* no certificate and no issuer but the built-in ones: time for the onboarding wizard */
bool tui_onboarding_due(const json_t *issuers_reply, const json_t *certs_reply);

#endif
