/* vm-dashboard.c: the dashboard's summary tiles and the first-run test, from JSON */
#include <string.h>
#include "tui/dashboard.h"
#include "tui/vm.h"
#include "libcc/banned.h"

int tui_summary_stats(const json_t *s, struct tui_stat *out, int max)
{
	static const struct {
		const char *key, *label;
		enum tui_style bad; /* the style when the value is not 0 */
	} tiles[] = {
		{ "total_certificates", "certificates", TUI_S_NORMAL },
		{ "expiring_certificates", "expiring", TUI_S_WARN },
		{ "expired_certificates", "expired", TUI_S_BAD },
		{ "revoked_certificates", "revoked", TUI_S_NORMAL },
		{ "total_agents", "agents", TUI_S_NORMAL },
		{ "active_agents", "online", TUI_S_OK },
		{ "offline_agents", "offline", TUI_S_BAD },
		{ "pending_jobs", "pending jobs", TUI_S_WARN },
		{ "failed_jobs", "failed jobs", TUI_S_BAD },
		{ "complete_jobs", "completed jobs", TUI_S_OK },
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(tiles) / sizeof(tiles[0]) && n < max; i++) {
		long long v = tui_jint(s, tiles[i].key, -1);
		out[n].label = tiles[i].label;
		out[n].value = v;
		out[n].style = v > 0 ? tiles[i].bad : v < 0 ? TUI_S_DIM : TUI_S_NORMAL;
		n++;
	}
	return n;
}

bool tui_onboarding_due(const json_t *issuers, const json_t *certs)
{
	const json_t *data = tui_jdata(issuers), *it;
	size_t i;

	if (!tui_jdata(certs) || tui_jint(certs, "total", 1) != 0 || !data)
		return false;
	json_array_foreach (data, i, it) {
		const char *id = tui_jstr(it, "id"), *src = tui_jstr(it, "source");
		bool builtin = (id && !strcmp(id, "iss-local")) || (src && !strcmp(src, "env"));
		if (!builtin)
			return false;
	}
	return true;
}
