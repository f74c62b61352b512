/* cli-verbs.c: the generic verbs of resource commands — list (with --all), get, create,
 * update, delete and actions */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cmd/cli.h"
#include "cmd/progress.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

#define ALL_PAGE 500	    /* items per request with --all */
#define ALL_PAGES_MAX 20000 /* a server that never ends its cursor */
#define DATA_MAX (4u << 20)

/* the value of a verb option, NULL when unset or when the verb has no such option */
static const char *verb_opt(const struct cli *c, const char *name)
{
	for (int i = 0; c->verb->opts && c->verb->opts[i].name; i++)
		if (!strcmp(c->verb->opts[i].name, name))
			return c->ov.set[i] ? c->ov.val[i] : NULL;
	return NULL;
}

static void print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);

	if (s)
		puts(s);
	free(s);
}

/* data and total of a list reply: {"data": [...], "total": n} or a bare array */
static json_t *list_items(json_t *reply, json_int_t *total)
{
	json_t *data = json_is_array(reply) ? reply : json_object_get(reply, "data");
	json_t *t = json_object_get(reply, "total");

	if (!json_is_array(data))
		data = NULL;
	*total = json_is_integer(t) ? json_integer_value(t) : (json_int_t)json_array_size(data);
	return data;
}

static void print_list(struct cli *c, json_t *items, json_int_t total)
{
	size_t i;
	json_t *o;

	if (c->quiet) {
		json_array_foreach (items, i, o) {
			const char *id = json_string_value(json_object_get(o, "id"));
			if (id)
				puts(id);
		}
		return;
	}
	cli_print_table(c, items, c->verb->data, verb_opt(c, "fields"));
	printf("\nTotal: %lld\n", (long long)total);
}

static int page_size(const char *per)
{
	char *end;
	long n = per ? strtol(per, &end, 10) : 0;

	return per && !*end && n >= 1 && n <= ALL_PAGE ? (int)n : ALL_PAGE;
}

int cli_fetch_all(struct cli *c, const char *query, json_t **out)
{
	struct cc_progress pg;
	json_t *all = json_array(), *reply = NULL;
	const char *cursor = NULL;
	bool by_page = verb_opt(c, "sort") != NULL;
	json_int_t total = 0;
	int rc = 0, page = 1, size = page_size(verb_opt(c, "per-page"));

	cc_progress_start(&pg, c->progress, "fetching");
	for (int n = 0; n < ALL_PAGES_MAX; n++) {
		char *path, *cur = cursor ? cc_url_escape(cursor) : NULL;
		json_t *items, *prev = reply;
		size_t got;

		if (by_page)
			path = cc_xasprintf("%s%s%cpage=%d&per_page=%d", c->path, query,
					    *query ? '&' : '?', page, size);
		else
			path = cc_xasprintf("%s%s%cpage_size=%d%s%s", c->path, query,
					    *query ? '&' : '?', size, cur ? "&cursor=" : "",
					    cur ? cur : "");
		free(cur);
		rc = cli_json(c, "GET", path, NULL, &reply);
		free(path);
		json_decref(prev);
		if (rc)
			break;
		items = list_items(reply, &total);
		got = json_array_size(items);
		if (items)
			json_array_extend(all, items);
		cc_progress_update(&pg, json_array_size(all), total > 0 ? (size_t)total : 0);
		if (!by_page && !json_object_get(reply, "page_size")) {
			/* the server ignored the cursor: page through at its page size */
			json_int_t pp = json_integer_value(json_object_get(reply, "per_page"));
			by_page = true;
			size = pp > 0 && pp <= ALL_PAGE ? (int)pp : size;
		}
		cursor = json_string_value(json_object_get(reply, "next_cursor"));
		if (!got || (by_page && (int)got < size) || (!by_page && !cursor) ||
		    (total > 0 && json_array_size(all) >= (size_t)total))
			break;
		page++;
	}
	cc_progress_end(&pg);
	json_decref(reply);
	if (rc) {
		json_decref(all);
		all = NULL;
	}
	*out = all;
	return rc;
}

static int list_all(struct cli *c, const char *query)
{
	json_t *all;
	int rc = cli_fetch_all(c, query, &all);

	if (rc)
		return rc;
	if (c->json) {
		json_t *env = json_pack("{s:O, s:I}", "data", all, "total",
					(json_int_t)json_array_size(all));
		print_json(env);
		json_decref(env);
	} else {
		print_list(c, all, (json_int_t)json_array_size(all));
	}
	json_decref(all);
	return 0;
}

int cli_query(struct cli *c, struct cc_buf *q)
{
	const char *bad;

	if (cli_query_build(c->verb->opts, &c->ov, c->now, q, &bad) == 0)
		return 0;
	cc_buf_release(q);
	return cc_usage_error(c->ctx->cmd,
			      "--%s: expected an RFC 3339 time, YYYY-MM-DD, or +/-DURATION from "
			      "now such as +30d or -12h",
			      bad);
}

int cli_list(struct cli *c)
{
	struct cc_buf q = CC_BUF_INIT;
	json_t *reply = NULL, *items;
	json_int_t total;
	int rc;

	if ((rc = cli_query(c, &q)))
		return rc;
	if (verb_opt(c, "all")) {
		if (verb_opt(c, "page"))
			rc = cc_usage_error(c->ctx->cmd, "--all and --page exclude each other");
		else
			rc = list_all(c, q.buf);
		cc_buf_release(&q);
		return rc;
	}
	if (c->json) {
		struct cc_response r;
		char *path = cc_xasprintf("%s%s", c->path, q.buf);
		if (!(rc = cli_request(c, "GET", path, NULL, &r))) {
			cli_print_raw(&r);
			cc_response_release(&r);
		}
		free(path);
	} else {
		char *path = cc_xasprintf("%s%s", c->path, q.buf);
		if (!(rc = cli_json(c, "GET", path, NULL, &reply))) {
			json_t *none = json_array();
			items = list_items(reply, &total);
			print_list(c, items ? items : none, total);
			json_decref(none);
		}
		free(path);
	}
	json_decref(reply);
	cc_buf_release(&q);
	return rc;
}

/* GET/POST/PUT/DELETE and print: the API's JSON, the id (--quiet), or the details */
int cli_send(struct cli *c, const char *method, json_t *body, const char *done)
{
	struct cc_response r;
	json_t *obj = NULL;
	int rc = cli_request(c, method, c->path, body, &r);

	if (rc)
		return rc;
	if (c->json) {
		cli_print_raw(&r);
	} else if (r.body.len &&
		   !(obj = json_loadb(r.body.buf, r.body.len, JSON_DECODE_ANY, NULL))) {
		struct cc_err err = CC_ERR_INIT;
		cc_err_set(&err, CC_E_INTERNAL, "the server answered with invalid JSON");
		rc = cli_fail(c, &err);
	} else if (c->quiet) {
		const char *id = json_string_value(json_object_get(obj, "id"));
		if (id)
			puts(id);
	} else {
		if (done) {
			for (const char *p = done; *p; p++) {
				if (!strncmp(p, "{id}", 4) && c->id)
					fputs(c->id, stdout), p += 3;
				else
					putchar(*p);
			}
			putchar('\n');
		}
		if (json_is_object(obj) && (!done || json_object_size(obj) > 1))
			cli_print_detail(c, obj);
	}
	json_decref(obj);
	cc_response_release(&r);
	return rc;
}

int cli_get(struct cli *c)
{
	return cli_send(c, "GET", NULL, NULL);
}

/* --data JSON, @FILE or @- as the starting body (an object) */
static int data_body(struct cli *c, json_t **body)
{
	const char *d = verb_opt(c, "data");
	struct cc_buf b = CC_BUF_INIT;
	struct cc_err err = CC_ERR_INIT;
	json_error_t je;

	*body = NULL;
	if (!d) {
		*body = json_object();
		return 0;
	}
	if (*d == '@') {
		if (cc_fs_read(strcmp(d, "@-") ? d + 1 : "/dev/stdin", &b, DATA_MAX, &err) < 0)
			return cc_usage_error(c->ctx->cmd, "--data: %s", err.msg);
		d = b.buf;
	}
	*body = json_loads(d, JSON_REJECT_DUPLICATES, &je);
	cc_buf_release(&b);
	if (!json_is_object(*body)) {
		json_decref(*body);
		*body = NULL;
		return cc_usage_error(c->ctx->cmd, "--data: a JSON object is needed (%s)", je.text);
	}
	return 0;
}

static int write_verb(struct cli *c, const char *method, bool need_change)
{
	json_t *body;
	const char *bad;
	int rc = data_body(c, &body);

	if (rc)
		return rc;
	if (cli_body_build(c->verb->opts, &c->ov, c->verb->data, body, &bad) < 0) {
		rc = cc_usage_error(c->ctx->cmd, "--%s: the value does not fit %s", bad,
				    cc_opt_find(c->verb->opts, bad)->arg);
	} else if (need_change && !json_object_size(body)) {
		rc = cc_usage_error(c->ctx->cmd, "nothing to change: give options or --data");
	} else {
		rc = cli_send(c, method, body, NULL);
	}
	json_decref(body);
	return rc;
}

int cli_create(struct cli *c)
{
	return write_verb(c, "POST", false);
}

int cli_update(struct cli *c)
{
	return write_verb(c, "PUT", true);
}

int cli_delete(struct cli *c)
{
	struct cc_response r;
	int rc = cli_request(c, "DELETE", c->path, NULL, &r);

	if (rc)
		return rc;
	if (c->json)
		cli_print_raw(&r);
	else if (!c->quiet)
		printf("deleted %s %s\n", c->noun ? c->noun : "", c->id ? c->id : "");
	cc_response_release(&r);
	return 0;
}

int cli_action(struct cli *c)
{
	json_t *body = json_object();
	const char *bad;
	int rc;

	if (cli_body_build(c->verb->opts, &c->ov, NULL, body, &bad) < 0)
		rc = cc_usage_error(c->ctx->cmd, "--%s: the value does not fit %s", bad,
				    cc_opt_find(c->verb->opts, bad)->arg);
	else
		rc = cli_send(c, "POST", body, c->verb->data);
	json_decref(body);
	return rc;
}
