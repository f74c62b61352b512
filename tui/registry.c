/* registry.c: the action table (actions.def) and the view registry (views.def) */
#include <string.h>
#include "tui/app.h"
#include "libcc/banned.h"

const struct tui_action_info tui_actions[] = {
#define TUI_ACTION(name, key, keytext, label, help) { key, keytext, label, help },
#include "tui/actions.def"
#undef TUI_ACTION
};

const struct tui_view_ops *const tui_views[] = {
#define TUI_VIEW(n) &tui_view_##n,
#include "tui/views.def"
#undef TUI_VIEW
	NULL,
};

/* "agent-groups", "agent_groups" and "Agent groups" all name the same view */
static bool same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '-' || *a == ' ' ? '_' : (char)(*a | 0x20);
		char y = *b == '-' || *b == ' ' ? '_' : (char)(*b | 0x20);
		if (x != y)
			return false;
	}
	return !*a && !*b;
}

const struct tui_view_ops *tui_view_find(const char *name)
{
	for (int i = 0; name && tui_views[i]; i++)
		if (same_name(name, tui_views[i]->name) || same_name(name, tui_views[i]->title))
			return tui_views[i];
	return NULL;
}
