/* bulk-revoke.c: the bulk revocation modal — criteria and reason, a dry run that counts,
 * confirmation, then the server's job followed to its result. One request revokes them
 * all on the server: nothing here loops over certificates. */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/bulk.h"
#include "tui/screens.h"
#include "libcc/banned.h"

enum stage { B_FORM, B_COUNTING, B_CONFIRM, B_RUNNING, B_DONE, B_ERROR };
enum { D_DRY = 1, D_RUN, D_JOB };
#define POLL_MS 1000

static const struct tui_field fields[] = {
	{ "reason", "Reason", TUI_FT_CHOICE, tui_revoke_reasons, "unspecified", true },
	{ "profile_id", "Profile", TUI_FT_TEXT, NULL, NULL, false },
	{ "owner_id", "Owner", TUI_FT_TEXT, NULL, NULL, false },
	{ "agent_id", "Agent", TUI_FT_TEXT, NULL, NULL, false },
	{ "issuer_id", "Issuer", TUI_FT_TEXT, NULL, NULL, false },
	{ "team_id", "Team", TUI_FT_TEXT, NULL, NULL, false },
	TUI_FIELD_END,
};

struct bulk {
	enum stage stage;
	struct tui_form form;
	struct cc_strv ids;
	json_t *body; /* the criteria as sent */
	struct tui_bulk b;
	char msg[300];
	int64_t next_poll_ms;
};

static void open_(struct tui_screen *s)
{
	struct bulk *m = cc_xcalloc(1, sizeof(*m));

	tui_form_init(&m->form);
	m->form.title = cc_xstrdup("Bulk revoke — criteria and reason");
	tui_form_fields(&m->form, fields);
	s->st = m;
}

static void close_(struct tui_screen *s)
{
	struct bulk *m = s->st;

	tui_form_release(&m->form);
	cc_strv_release(&m->ids);
	json_decref(m->body);
	free(m);
}

void tui_bulk_revoke_open(struct tui_screen *parent, const struct cc_strv *ids,
			  const json_t *criteria)
{
	struct tui_screen *s = tui_push(parent->app, &tui_view_bulk_revoke, NULL, parent);
	struct bulk *m;
	const char *k;
	json_t *v;

	if (!s)
		return;
	m = s->st;
	if (ids)
		cc_strv_copy(&m->ids, ids);
	json_object_foreach ((json_t *)criteria, k, v)
		if (json_is_string(v))
			tui_form_set(&m->form, k, json_string_value(v));
	free(m->form.note);
	m->form.note = m->ids.n ? cc_xasprintf("%zu selected certificate%s (and the criteria "
					       "below, if any)",
					       m->ids.n, m->ids.n == 1 ? "" : "s")
				: cc_xstrdup("every certificate matching all the criteria given");
}

static int fail(struct bulk *m, const struct tui_res *r)
{
	m->stage = B_ERROR;
	if (tui_res_missing(r))
		snprintf(m->msg, sizeof(m->msg),
			 "this server has no bulk revocation endpoint (%s): nothing was revoked",
			 r->path);
	else
		snprintf(m->msg, sizeof(m->msg), "%s",
			 r->status ? r->err.msg : "server unreachable");
	return TUI_REDRAW;
}

static void send(struct tui_screen *s, struct bulk *m, bool dry)
{
	json_t *body = json_deep_copy(m->body);

	m->msg[0] = 0;
	json_object_set_new(body, "dry_run", json_boolean(dry));
	tui_send(s, dry ? D_DRY : D_RUN, "POST", "/api/v1/certificates/bulk-revoke", body);
	m->stage = dry ? B_COUNTING : B_RUNNING;
}

static int result(struct tui_screen *s, const struct tui_res *r)
{
	struct bulk *m = s->st;

	if (!tui_res_ok(r))
		return fail(m, r);
	if (r->tag == D_DRY) {
		memset(&m->b, 0, sizeof(m->b));
		tui_bulk_reply(&m->b, r->status, r->json);
		m->stage = m->b.would_revoke > 0 ? B_CONFIRM : B_DONE;
		if (m->stage == B_DONE)
			snprintf(m->msg, sizeof(m->msg),
				 "nothing to revoke: %lld matched, %lld would be skipped",
				 m->b.matched, m->b.would_skip);
	} else if (r->tag == D_RUN) {
		memset(&m->b, 0, sizeof(m->b));
		tui_bulk_reply(&m->b, r->status, r->json);
		m->stage = m->b.finished || !m->b.job_id[0] ? B_DONE : B_RUNNING;
		m->next_poll_ms = 0;
	} else if (r->tag == D_JOB) {
		tui_bulk_job(&m->b, r->json);
		if (m->b.finished)
			m->stage = B_DONE;
	}
	if (m->stage == B_DONE && !m->msg[0])
		snprintf(m->msg, sizeof(m->msg), "%s: %lld revoked, %lld skipped, %lld failed",
			 m->b.status[0] ? m->b.status : "done", m->b.revoked, m->b.skipped,
			 m->b.failed);
	return TUI_REDRAW;
}

static int tick(struct tui_screen *s, int64_t now)
{
	struct bulk *m = s->st;
	char *p;

	if (m->stage != B_RUNNING || !m->b.job_id[0] || s->inflight || now < m->next_poll_ms)
		return 0;
	m->next_poll_ms = now + POLL_MS;
	p = tui_path("/api/v1/jobs/%s", m->b.job_id);
	tui_get(s, D_JOB, p);
	free(p);
	return TUI_REDRAW;
}

static int form_key(struct tui_screen *s, struct bulk *m, int k)
{
	json_t *vals;
	int rc = tui_form_keypress(&m->form, k);

	if (rc < 0)
		return TUI_BACK;
	if (rc == 0)
		return TUI_REDRAW;
	if (!(vals = tui_form_values(&m->form)))
		return TUI_REDRAW;
	json_decref(m->body);
	m->body = tui_bulk_body(vals, &m->ids, true);
	json_decref(vals);
	if (!tui_bulk_has_criteria(m->body)) {
		snprintf(m->form.err, sizeof(m->form.err),
			 "give at least one criterion, or select certificates first");
		return TUI_REDRAW;
	}
	send(s, m, true);
	return TUI_REDRAW;
}

static int key(struct tui_screen *s, int k)
{
	struct bulk *m = s->st;
	bool enter = k == '\n' || k == '\r' || k == KEY_ENTER;

	switch (m->stage) {
	case B_FORM:
		return form_key(s, m, k);
	case B_CONFIRM:
		if (k == 'y' || k == 'Y' || enter)
			send(s, m, false);
		else if (k == 'n' || k == 'N')
			m->stage = B_FORM;
		else if (k == TUI_KEY_ESC || k == 'q')
			return TUI_BACK;
		return TUI_REDRAW;
	case B_DONE:
	case B_ERROR:
		if (enter || k == TUI_KEY_ESC || k == 'q') {
			if (s->parent && tui_alive(s->app, s->parent))
				tui_reload(s->parent);
			return TUI_BACK;
		}
		return TUI_REDRAW;
	default: /* counting, running: the server works on */
		if (k == TUI_KEY_ESC || k == 'q') {
			tui_status(s->app, TUI_INFO, "the revocation goes on on the server%s%s",
				   m->b.job_id[0] ? ": job " : "", m->b.job_id);
			return TUI_BACK;
		}
		return TUI_REDRAW;
	}
}

static void draw_state(struct bulk *m, struct tui_rect in)
{
	char *crit = tui_jtext(m->body);
	int y = in.y + 1, x = in.x + 1, w = in.w - 2;

	tui_putf(y++, x, w, TUI_S_DIM, "criteria: %s", crit);
	free(crit);
	y++;
	switch (m->stage) {
	case B_COUNTING:
		tui_put(y, x, w, TUI_S_NORMAL, "counting on the server (dry run)…");
		break;
	case B_CONFIRM:
		tui_putf(y++, x, w, TUI_S_BAD, "%lld certificate%s will be revoked",
			 m->b.would_revoke, m->b.would_revoke == 1 ? "" : "s");
		tui_putf(y++, x, w, TUI_S_NORMAL,
			 "%lld matched · %lld skipped (already revoked…) · %lld ids not found",
			 m->b.matched, m->b.would_skip, m->b.not_found);
		y++;
		tui_put(y, x, w, TUI_S_MARK, "Revoke them? y/Enter yes · n change · Esc cancel");
		break;
	case B_RUNNING:
		tui_putf(y++, x, w, TUI_S_NORMAL, "revoking on the server%s%s (%s)",
			 m->b.job_id[0] ? ": job " : "", m->b.job_id,
			 m->b.status[0] ? m->b.status : "started");
		tui_progress_draw(y++, x, w, m->b.done, m->b.total);
		tui_put(y + 1, x, w, TUI_S_DIM, "Esc leaves it running on the server");
		break;
	default:
		tui_put(y++, x, w, m->stage == B_ERROR ? TUI_S_BAD : TUI_S_OK, m->msg);
		if (m->b.total)
			tui_progress_draw(y++, x, w, m->b.done, m->b.total);
		if (m->b.error[0])
			tui_putf(y++, x, w, TUI_S_BAD, "first error: %s", m->b.error);
		if (m->b.not_found)
			tui_putf(y++, x, w, TUI_S_WARN, "%lld ids were not found", m->b.not_found);
		tui_put(in.y + in.h - 1, x, w, TUI_S_DIM, "Enter close");
	}
}

static void draw(struct tui_screen *s, struct tui_rect r)
{
	struct bulk *m = s->st;

	if (m->stage == B_FORM)
		tui_form_draw(&m->form, r);
	else
		draw_state(m, tui_box(tui_center(r, 11, r.w > 80 ? 76 : r.w - 2), "Bulk revoke"));
}

const struct tui_view_ops tui_view_bulk_revoke = {
	.name = "bulk-revoke",
	.title = "Bulk revoke",
	.flags = TUI_V_MODAL,
	.open = open_,
	.close = close_,
	.result = result,
	.key = key,
	.draw = draw,
	.tick = tick,
};
