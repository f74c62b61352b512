/* catalog.h: the issuer and target types the create wizards offer, with the config fields
 * of each (what the connector reads) */
#ifndef TUI_CATALOG_H
#define TUI_CATALOG_H

#include "tui/widgets.h"

struct tui_kind {
	const char *type;  /* as the server names it: "GenericCA", "NGINX" */
	const char *about; /* one line for the wizard */
	const struct tui_field *fields;
};

extern const struct tui_kind tui_issuer_kinds[]; /* ended by a NULL type */
extern const struct tui_kind tui_target_kinds[];
const struct tui_kind *tui_kind_find(const struct tui_kind *kinds, const char *type);
/* "A|B|C" of every type (allocated) */
char *tui_kind_choices(const struct tui_kind *kinds);

#endif
