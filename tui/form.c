/* form.c: the form model — fields, keys, values as JSON; no drawing (form-view.c draws) */
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include "tui/widgets.h"
#include "libcc/banned.h"

void tui_form_init(struct tui_form *f)
{
	memset(f, 0, sizeof(*f));
}

void tui_form_release(struct tui_form *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->f[i].key);
		free(f->f[i].label);
		cc_strv_release(&f->f[i].choices);
		cc_strv_release(&f->f[i].labels);
	}
	free(f->f);
	free(f->title);
	free(f->note);
	json_decref(f->ctx);
	tui_form_init(f);
}

static struct tui_fval *field(const struct tui_form *f, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->f[i].key, key))
			return &f->f[i];
	return NULL;
}

void tui_form_add(struct tui_form *f, const struct tui_field *sp)
{
	struct tui_fval *v;

	f->f = cc_xrealloc(f->f, (f->n + 1) * sizeof(*f->f));
	v = &f->f[f->n++];
	memset(v, 0, sizeof(*v));
	v->key = cc_xstrdup(sp->key);
	v->label = cc_xstrdup(sp->label ? sp->label : sp->key);
	v->type = sp->type;
	v->required = sp->required;
	if (sp->type == TUI_FT_BOOL) {
		cc_strv_push(&v->choices, "yes");
		cc_strv_push(&v->choices, "no");
	} else if (sp->type == TUI_FT_CHOICE && sp->choices) {
		/* "" first keeps an empty choice */
		const char *p = sp->choices;
		for (;;) {
			const char *bar = strchr(p, '|');
			char *one = bar ? cc_xstrndup(p, (size_t)(bar - p)) : cc_xstrdup(p);
			cc_strv_take(&v->choices, one);
			if (!bar)
				break;
			p = bar + 1;
		}
	}
	cc_strv_copy(&v->labels, &v->choices);
	if (sp->def)
		tui_form_set(f, sp->key, sp->def);
}

void tui_form_fields(struct tui_form *f, const struct tui_field *sp)
{
	for (; sp && sp->key; sp++)
		tui_form_add(f, sp);
}

void tui_form_choices(struct tui_form *f, const char *key, const json_t *reply, const char *idkey,
		      const char *labelkey, bool allow_empty)
{
	struct tui_fval *v = field(f, key);
	const json_t *data = tui_jdata(reply), *it;
	size_t i;

	if (!v)
		return;
	cc_strv_release(&v->choices);
	cc_strv_release(&v->labels);
	v->type = TUI_FT_CHOICE;
	v->idx = 0;
	if (allow_empty) {
		cc_strv_push(&v->choices, "");
		cc_strv_push(&v->labels, "");
	}
	json_array_foreach (data, i, it) {
		const char *id = tui_jstr(it, idkey), *label = tui_jstr(it, labelkey);
		if (!id)
			continue;
		cc_strv_push(&v->choices, id);
		cc_strv_take(&v->labels, label && strcmp(label, id)
						 ? cc_xasprintf("%s (%s)", id, label)
						 : cc_xstrdup(id));
	}
}

void tui_form_set(struct tui_form *f, const char *key, const char *value)
{
	struct tui_fval *v = field(f, key);

	if (!v || !value)
		return;
	snprintf(v->text, sizeof(v->text), "%s", value);
	for (size_t i = 0; i < v->choices.n; i++)
		if (!strcmp(v->choices.v[i], value))
			v->idx = i;
}

const char *tui_form_get(const struct tui_form *f, const char *key)
{
	const struct tui_fval *v = field(f, key);

	if (!v)
		return NULL;
	if (v->type == TUI_FT_CHOICE || v->type == TUI_FT_BOOL)
		return v->choices.n ? v->choices.v[v->idx] : "";
	return v->text;
}

static void type_char(struct tui_fval *v, int key)
{
	size_t n = strlen(v->text);
	char mb[8];
	int k;

	if (v->type == TUI_FT_CHOICE || v->type == TUI_FT_BOOL) {
		/* jump to the next choice that starts with the key */
		for (size_t i = 1; i <= v->choices.n; i++) {
			size_t j = (v->idx + i) % v->choices.n;
			if ((v->labels.v[j][0] | 0x20) == (key | 0x20)) {
				v->idx = j;
				return;
			}
		}
		return;
	}
	k = wctomb(mb, (wchar_t)key);
	if (k > 0 && n + (size_t)k < sizeof(v->text)) {
		memcpy(v->text + n, mb, (size_t)k);
		v->text[n + (size_t)k] = 0;
	}
}

static void backspace(struct tui_fval *v)
{
	size_t n = strlen(v->text);

	while (n && (v->text[n - 1] & 0xc0) == 0x80)
		n--;
	v->text[n ? n - 1 : 0] = 0;
}

int tui_form_keypress(struct tui_form *f, int key)
{
	struct tui_fval *v = f->n ? &f->f[f->cur] : NULL;
	bool choice = v && (v->type == TUI_FT_CHOICE || v->type == TUI_FT_BOOL);

	switch (key) {
	case TUI_KEY_ESC:
		return -1;
	case '\n':
	case '\r':
	case KEY_ENTER:
		return 1;
	case '\t':
	case KEY_DOWN:
		if (f->n)
			f->cur = (f->cur + 1) % f->n;
		return 0;
	case KEY_BTAB:
	case KEY_UP:
		if (f->n)
			f->cur = (f->cur + f->n - 1) % f->n;
		return 0;
	case KEY_LEFT:
	case KEY_RIGHT:
		if (choice && v->choices.n)
			v->idx =
				(v->idx + (key == KEY_RIGHT ? 1 : v->choices.n - 1)) % v->choices.n;
		return 0;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (v && !choice)
			backspace(v);
		return 0;
	case 0x15: /* Ctrl-U */
		if (v && !choice)
			v->text[0] = 0;
		return 0;
	default:
		if (v && key >= 0x20 && key < 0x110000 && key != 127)
			type_char(v, key);
		return 0;
	}
}

/* sets key (dotted: nested objects) in o */
static void put(json_t *o, const char *key, json_t *val)
{
	const char *dot = strchr(key, '.');
	char *head;
	json_t *sub;

	if (!dot) {
		json_object_set_new(o, key, val);
		return;
	}
	head = cc_xstrndup(key, (size_t)(dot - key));
	sub = json_object_get(o, head);
	if (!json_is_object(sub)) {
		sub = json_object();
		json_object_set_new(o, head, sub);
	}
	put(sub, dot + 1, val);
	free(head);
}

static json_t *value(struct tui_form *f, const struct tui_fval *v, bool *bad)
{
	const char *s = v->type == TUI_FT_CHOICE || v->type == TUI_FT_BOOL
				? (v->choices.n ? v->choices.v[v->idx] : "")
				: v->text;
	char *end;
	long long n;

	if (!*s) {
		if (v->required) {
			snprintf(f->err, sizeof(f->err), "%s is required", v->label);
			*bad = true;
		}
		return NULL;
	}
	switch (v->type) {
	case TUI_FT_INT:
		n = strtoll(s, &end, 10);
		if (*end) {
			snprintf(f->err, sizeof(f->err), "%s must be a whole number", v->label);
			*bad = true;
			return NULL;
		}
		return json_integer(n);
	case TUI_FT_BOOL:
		return json_boolean(!strcmp(s, "yes"));
	case TUI_FT_LIST: {
		struct cc_strv sv = CC_STRV_INIT;
		json_t *a = json_array();
		cc_strv_split(&sv, s, ',');
		for (size_t i = 0; i < sv.n; i++)
			json_array_append_new(a, json_string(sv.v[i]));
		cc_strv_release(&sv);
		return a;
	}
	case TUI_FT_JSON: {
		json_t *j = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		if (!j) {
			snprintf(f->err, sizeof(f->err), "%s is not valid JSON", v->label);
			*bad = true;
		}
		return j;
	}
	default:
		return json_string(s);
	}
}

json_t *tui_form_values(struct tui_form *f)
{
	json_t *o = json_object();
	bool bad = false;

	f->err[0] = 0;
	for (size_t i = 0; i < f->n && !bad; i++) {
		json_t *v = value(f, &f->f[i], &bad);
		if (v)
			put(o, f->f[i].key, v);
	}
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}
