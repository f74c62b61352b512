/* fmt.c: reading fields of server JSON safely and formatting them for cells */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libcc/buf.h"
#include "libcc/time.h"
#include "tui/vm.h"
#include "libcc/banned.h"

const json_t *tui_jget(const json_t *o, const char *path)
{
	char key[128];

	while (o && path && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);
		if (!json_is_object(o) || n >= sizeof(key))
			return NULL;
		memcpy(key, path, n);
		key[n] = 0;
		o = json_object_get(o, key);
		path = dot ? dot + 1 : NULL;
	}
	return o;
}

const char *tui_jstr(const json_t *o, const char *path)
{
	return json_string_value(tui_jget(o, path));
}

long long tui_jint(const json_t *o, const char *path, long long def)
{
	const json_t *v = tui_jget(o, path);

	if (json_is_integer(v))
		return (long long)json_integer_value(v);
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (d > -9e18 && d < 9e18)
			return (long long)d;
	}
	return def;
}

const json_t *tui_jdata(const json_t *reply)
{
	const json_t *d = json_is_object(reply) ? json_object_get(reply, "data") : reply;

	return json_is_array(d) ? d : NULL;
}

static void scalar(struct cc_buf *b, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		cc_buf_add(b, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		cc_buf_addf(b, "%lld", (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		cc_buf_addf(b, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		cc_buf_adds(b, "yes");
		break;
	case JSON_FALSE:
		cc_buf_adds(b, "no");
		break;
	case JSON_ARRAY: {
		size_t i;
		const json_t *x;
		json_array_foreach (v, i, x) {
			if (i)
				cc_buf_addc(b, ',');
			if (json_is_array(x) || json_is_object(x))
				cc_buf_adds(b, "…");
			else
				scalar(b, x);
		}
		break;
	}
	case JSON_OBJECT:
		cc_buf_adds(b, "{…}");
		break;
	default:
		break;
	}
}

char *tui_jtext(const json_t *v)
{
	struct cc_buf b = CC_BUF_INIT;
	const char *k;
	const json_t *x;
	size_t i;

	if (json_is_array(v)) {
		json_array_foreach (v, i, x) {
			if (i)
				cc_buf_adds(&b, ", ");
			scalar(&b, x);
		}
	} else if (json_is_object(v)) {
		i = 0;
		json_object_foreach ((json_t *)v, k, x) {
			cc_buf_addf(&b, "%s%s=", i++ ? ", " : "", k);
			scalar(&b, x);
		}
	} else if (v) {
		scalar(&b, v);
	}
	return cc_buf_detach(&b, NULL);
}

void tui_fmt_ttl(long long s, char *out, size_t n)
{
	if (s <= 0)
		snprintf(out, n, "expired");
	else if (s < 3600)
		snprintf(out, n, "%lldm %02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh %02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd %02lldh", s / 86400, s / 3600 % 24);
}

static char *time_cell(const char *s, enum tui_fmt f, int64_t now)
{
	char h[CC_TIME_BUFSZ];
	int64_t us;

	if (!s || cc_time_parse(s, &us) < 0)
		return cc_xstrdup(s ? s : "");
	if (us <= 0 || !strncmp(s, "0001-", 5))
		return cc_xstrdup("—");
	switch (f) {
	case TUI_F_DATE:
		return cc_xstrndup(s, 10);
	case TUI_F_AGO:
		return cc_xstrdup(cc_time_human(us, now, h));
	case TUI_F_TTL:
		tui_fmt_ttl((us - now) / CC_USEC_PER_SEC, h, sizeof(h));
		return cc_xstrdup(h);
	default:
		return cc_xasprintf("%.10s (%s)", s, cc_time_human(us, now, h));
	}
}

char *tui_format(const json_t *v, enum tui_fmt f, int64_t now_us)
{
	switch (f) {
	case TUI_F_DATE:
	case TUI_F_WHEN:
	case TUI_F_AGO:
	case TUI_F_TTL:
		if (json_is_string(v))
			return time_cell(json_string_value(v), f, now_us);
		break;
	case TUI_F_BOOL:
		if (json_is_boolean(v))
			return cc_xstrdup(json_is_true(v) ? "yes" : "no");
		break;
	default:
		break;
	}
	return tui_jtext(v);
}
