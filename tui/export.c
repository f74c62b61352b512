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

json_t *tui_ids_json(const struct cc_strv *ids)
{
	json_t *a = json_array();

	for (size_t i = 0; i < ids->n; i++)
		json_array_append_new(a, json_string(ids->v[i]));
	return a;
}

void tui_send_ids(struct tui_screen *s, int tag, const char *method, const char *path_fmt,
		  const json_t *ids, const json_t *body)
{
	const json_t *id;
	size_t i;

	json_array_foreach (ids, i, id) {
		char *p;
		if (!json_is_string(id))
			continue;
		p = tui_path(path_fmt, json_string_value(id));
		tui_send(s, tag, method, p, body ? json_deep_copy(body) : NULL);
		free(p);
	}
}

void tui_post_each(struct tui_screen *s, int tag, const char *path_fmt, const struct cc_strv *ids,
		   const json_t *body)
{
	json_t *a = tui_ids_json(ids);

	tui_send_ids(s, tag, "POST", path_fmt, a, body);
	json_decref(a);
}
