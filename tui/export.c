/* export.c: what several screens share — writing an export to a file, posting to many ids */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/fs.h"
#include "tui/screens.h"
#include "libcc/banned.h"

int tui_export_write(struct tui_app *app, const char *path, const char *data, size_t n)
{
	struct cc_err err = CC_ERR_INIT;

	if (!path || !*path) {
		tui_status(app, TUI_WARN, "no file name given: nothing written");
		return -1;
	}
	if (cc_fs_write_atomic(path, data, n, 0644, &err) < 0) {
		tui_status(app, TUI_ERROR, "export: %s", err.msg);
		return -1;
	}
	tui_status(app, TUI_OK, "wrote %zu bytes to %s", n, path);
	return 0;
}

void tui_post_each(struct tui_screen *s, int tag, const char *path_fmt, const struct cc_strv *ids,
		   const json_t *body)
{
	for (size_t i = 0; i < ids->n; i++) {
		char *p = tui_path(path_fmt, ids->v[i]);
		tui_send(s, tag, "POST", p, body ? json_deep_copy(body) : NULL);
		free(p);
	}
}
