/* cli-query.c: verb options to API query strings and JSON request bodies (no I/O) */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cmd/cli.h"
#include "libcc/err.h"
#include "libcc/strv.h"
#include "libcc/time.h"
#include "libcc/banned.h"

bool cli_opt_local(const char *name)
{
	return !strcmp(name, "all") || !strcmp(name, "data") || !strcmp(name, "output");
}

int cli_time_arg(const char *in, int64_t now, char out[72])
{
	static const struct {
		char unit;
		int64_t secs;
	} units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
	int64_t us;
	char *end;

	if (*in == '+' || *in == '-') {
		long long n;
		if (!isdigit((unsigned char)in[1]))
			return -1;
		n = strtoll(in + 1, &end, 10);
		for (size_t i = 0; i < CC_ARRAY_SIZE(units); i++) {
			if (*end != units[i].unit || end[1] || n > 100000 * 365LL)
				continue;
			us = n * units[i].secs * CC_USEC_PER_SEC;
			cc_time_format(*in == '+' ? now + us : now - us, out);
			return 0;
		}
		return -1;
	}
	if (strlen(in) == 10 && in[4] == '-' && in[7] == '-') {
		char full[32];
		snprintf(full, sizeof(full), "%sT00:00:00Z", in);
		if (cc_time_parse(full, &us) < 0)
			return -1;
	} else if (cc_time_parse(in, &us) < 0) {
		return -1;
	}
	cc_time_format(us, out);
	return 0;
}

int cli_query_build(const struct cc_opt *opts, const struct cc_optv *ov, int64_t now,
		    struct cc_buf *out, const char **bad)
{
	char sep = '?';

	*bad = NULL;
	for (int i = 0; opts && opts[i].name; i++) {
		char *k, *v, t[72];
		const char *val = ov->val[i];

		if (!ov->set[i] || cli_opt_local(opts[i].name) || !opts[i].arg)
			continue;
		if (!strcmp(opts[i].arg, "TIME")) {
			if (cli_time_arg(val, now, t) < 0) {
				*bad = opts[i].name;
				return -1;
			}
			val = t;
		}
		k = cc_xstrdup(opts[i].name);
		for (char *p = k; *p; p++)
			if (*p == '-')
				*p = '_';
		v = cc_url_escape(val);
		cc_buf_addf(out, "%c%s=%s", sep, k, v);
		sep = '&';
		free(k);
		free(v);
	}
	return 0;
}

/* the JSON value of one option by its placeholder; NULL when the value does not fit */
static json_t *typed_value(const struct cc_opt *o, const char *val)
{
	const char *arg = o->arg;
	char *end;

	if (!arg)
		return json_true();
	if (!strcmp(arg, "JSON"))
		return json_loads(val, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
	if (!strcmp(arg, "true|false")) {
		if (!strcmp(val, "true") || !strcmp(val, "false"))
			return json_boolean(!strcmp(val, "true"));
		return NULL;
	}
	if (!strcmp(arg, "N") || !strcmp(arg, "SECONDS") || !strcmp(arg, "DAYS") ||
	    !strcmp(arg, "PORT")) {
		long long n = strtoll(val, &end, 10);
		return *val && !*end ? json_integer(n) : NULL;
	}
	if (strchr(arg, ',')) {
		struct cc_strv parts = CC_STRV_INIT;
		json_t *a = json_array();
		cc_strv_split(&parts, val, ',');
		for (size_t i = 0; i < parts.n; i++)
			if (*parts.v[i])
				json_array_append_new(a, json_string(parts.v[i]));
		cc_strv_release(&parts);
		return a;
	}
	return json_string(val);
}

int cli_body_build(const struct cc_opt *opts, const struct cc_optv *ov,
		   const char *const (*renames)[2], json_t *body, const char **bad)
{
	*bad = NULL;
	for (int i = 0; opts && opts[i].name; i++) {
		const char *key = NULL;
		char *k;
		json_t *v;

		if (!ov->set[i] || cli_opt_local(opts[i].name))
			continue;
		for (size_t r = 0; renames && renames[r][0]; r++)
			if (!strcmp(renames[r][0], opts[i].name))
				key = renames[r][1];
		v = typed_value(&opts[i], ov->val[i]);
		if (!v) {
			*bad = opts[i].name;
			return -1;
		}
		k = cc_xstrdup(key ? key : opts[i].name);
		for (char *p = k; !key && *p; p++)
			if (*p == '-')
				*p = '_';
		json_object_set_new(body, k, v);
		free(k);
	}
	return 0;
}

void cli_usage_args(const char *usage, int *min, int *max)
{
	struct cc_strv w = CC_STRV_INIT;

	*min = *max = 0;
	cc_strv_split(&w, usage ? usage : "", ' ');
	for (size_t i = 0; i < w.n; i++) {
		if (!*w.v[i] || !strcmp(w.v[i], "[options]") || w.v[i][0] == '-')
			continue;
		if (strstr(w.v[i], "..."))
			*max = -1;
		else if (*max >= 0)
			(*max)++;
		if (w.v[i][0] != '[')
			(*min)++;
	}
	cc_strv_release(&w);
}
