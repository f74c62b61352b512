/* stubs.c: views not written yet (temporary) */
#include "tui/app.h"
const struct tui_view_ops tui_view_certificates = { .name = "certificates", .title = "certificates", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_jobs = { .name = "jobs", .title = "jobs", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_agents = { .name = "agents", .title = "agents", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_fleet = { .name = "fleet", .title = "fleet", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_notifications = { .name = "notifications", .title = "notifications", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_audit = { .name = "audit", .title = "audit", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_issuers = { .name = "issuers", .title = "issuers", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_targets = { .name = "targets", .title = "targets", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_profiles = { .name = "profiles", .title = "profiles", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_policies = { .name = "policies", .title = "policies", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_owners = { .name = "owners", .title = "owners", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_teams = { .name = "teams", .title = "teams", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_agent_groups = { .name = "agent_groups", .title = "agent_groups", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_short_lived = { .name = "short_lived", .title = "short_lived", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_discovery = { .name = "discovery", .title = "discovery", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_network_scans = { .name = "network_scans", .title = "network_scans", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_digest = { .name = "digest", .title = "digest", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_observability = { .name = "observability", .title = "observability", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_certificate = { .name = "certificate", .title = "certificate", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_job = { .name = "job", .title = "job", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_agent = { .name = "agent", .title = "agent", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_issuer = { .name = "issuer", .title = "issuer", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_target = { .name = "target", .title = "target", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_discovery_scans = { .name = "discovery_scans", .title = "discovery_scans", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_onboarding = { .name = "onboarding", .title = "onboarding", .flags = TUI_V_TOP };
const struct tui_view_ops tui_view_bulk_revoke = { .name = "bulk_revoke", .title = "bulk_revoke", .flags = TUI_V_TOP };
