/* state.c: who the agent is — --agent-id, the state file <state-dir>/agent.json, or a first
 * registration with a bootstrap key that leaves the per-agent key in that file */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "agent/agent.h"
#include "libcc/buf.h"
#include "libcc/err.h"
#include "libcc/fs.h"
#include "libcc/banned.h"

#define STATE_MAX (64 * 1024)

char *agent_state_dir(const struct agent_opts *o)
{
	const char *slash;
	size_t n;

	if (o->state_dir && *o->state_dir)
		return cc_xstrdup(o->state_dir);
	n = strlen(o->key_dir);
	while (n > 1 && o->key_dir[n - 1] == '/')
		n--;
	slash = memrchr(o->key_dir, '/', n);
	if (!slash)
		return cc_xstrdup(".");
	if (slash == o->key_dir)
		return cc_xstrdup("/");
	return cc_xstrndup(o->key_dir, (size_t)(slash - o->key_dir));
}

static char *state_path(const char *dir)
{
	return cc_xasprintf("%s/%s", dir, AGENT_STATE_FILE);
}

/* the directory exists, is ours alone (0700) and takes files */
static int state_dir_prepare(const char *dir, struct cc_err *err)
{
	if (cc_fs_mkdirs(dir, 0700, err) < 0)
		return cc_err_prefix(err, "state dir (set --state-dir or CERTCTL_AGENT_STATE_DIR)");
	if (chmod(dir, 0700) < 0 || access(dir, W_OK | X_OK) < 0)
		return cc_err_set(err, CC_E_IO, "state dir '%s': %s", dir, strerror(errno));
	return 0;
}

static int damaged(const char *path, const char *why, struct cc_err *err)
{
	return cc_err_set(err, CC_E_CONFIG,
			  "state file '%s' is damaged (%s): remove it to register again, or "
			  "start with --agent-id and the agent's key",
			  path, why);
}

int agent_state_load(const char *dir, char **id, char **key, struct cc_err *err)
{
	struct cc_buf b = CC_BUF_INIT;
	char *path = state_path(dir);
	json_t *j = NULL;
	const char *i, *k;
	struct stat st;
	int rc = -1;

	*id = *key = NULL;
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			rc = 0;
		else
			cc_err_set(err, CC_E_IO, "state file '%s': %s", path, strerror(errno));
		goto out;
	}
	if (cc_fs_read(path, &b, STATE_MAX, err) < 0)
		goto out;
	if ((st.st_mode & 077) && chmod(path, 0600) < 0) {
		cc_err_set(err, CC_E_IO, "state file '%s' is readable by others: %s", path,
			   strerror(errno));
		goto out;
	}
	j = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, NULL);
	i = json_string_value(json_object_get(j, "agent_id"));
	k = json_string_value(json_object_get(j, "api_key"));
	if (!j || !json_is_object(j)) {
		damaged(path, "not a JSON object", err);
		goto out;
	}
	if (!i || !*i || !k) {
		damaged(path, "agent_id or api_key missing", err);
		goto out;
	}
	*id = cc_xstrdup(i);
	*key = cc_xstrdup(k);
	rc = 1;
out:
	if (j)
		json_object_clear(j);
	json_decref(j);
	if (b.len)
		memset(b.buf, 0, b.len);
	cc_buf_release(&b);
	free(path);
	return rc;
}

int agent_state_save(const char *dir, const char *id, const char *key, struct cc_err *err)
{
	json_t *j = json_pack("{s:s, s:s}", "agent_id", id, "api_key", key);
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *path = state_path(dir);
	char *line = cc_xasprintf("%s\n", text);
	int rc = -1;

	if (state_dir_prepare(dir, err) == 0 &&
	    cc_fs_write_atomic(path, line, strlen(line), 0600, err) == 0)
		rc = 0;
	memset(text, 0, strlen(text));
	memset(line, 0, strlen(line));
	free(text);
	free(line);
	free(path);
	json_decref(j);
	return rc;
}

static void use_key(struct agent *a, const char *key)
{
	if (a->cl.api_key)
		memset(a->cl.api_key, 0, strlen(a->cl.api_key));
	free(a->cl.api_key);
	a->cl.api_key = cc_xstrdup(key);
}

/* POST /api/v1/agents with the bootstrap key: *id and *key (caller frees) */
static int do_register(struct agent *a, char **id, char **key, struct cc_err *err)
{
	const char *name = *a->o->name ? a->o->name : a->sys.hostname, *i, *k;
	json_t *body = agent_sys_json(&a->sys), *reply = NULL;
	int rc;

	json_object_set_new(body, "name", json_string(name));
	rc = agent_http(a, "POST", "/api/v1/agents", body, &reply, err);
	json_decref(body);
	if (rc < 0) {
		if (err->code == CC_E_CONFLICT)
			cc_err_set(err, CC_E_CONFLICT,
				   "an agent named '%s' is already registered: start with "
				   "--agent-id and that agent's key, or register under another "
				   "--name",
				   name);
		return -1;
	}
	i = json_string_value(json_object_get(reply, "id"));
	k = json_string_value(json_object_get(reply, "api_key"));
	if (!i || !*i) {
		json_decref(reply);
		return cc_err_set(err, CC_E_INTERNAL, "the registration reply has no agent id");
	}
	*id = cc_xstrdup(i);
	*key = cc_xstrdup(k ? k : "");
	json_object_clear(reply);
	json_decref(reply);
	return 0;
}

static int first_run(struct agent *a, const char *dir, struct cc_err *err)
{
	char *id = NULL, *key = NULL;
	int rc = -1;

	if (!a->cl.api_key)
		return cc_err_set(err, CC_E_CONFIG,
				  "no agent id and no state file '%s/%s': the first run needs a "
				  "key allowed to register agents (--api-key or CERTCTL_API_KEY), "
				  "or start with --agent-id and the agent's key",
				  dir, AGENT_STATE_FILE);
	/* fail before registering when the key could not be kept */
	if (state_dir_prepare(dir, err) < 0 || do_register(a, &id, &key, err) < 0)
		goto out;
	if (!*key)
		cc_warn(a->log, "the server issued no per-agent key: the configured key stays in "
				"use");
	if (agent_state_save(dir, id, key, err) < 0) {
		cc_err_prefix(err, "registered as agent '%s' but cannot keep its key", id);
		goto out;
	}
	cc_log_kv(a->log, CC_LOG_INFO, "registered", "agent", id, "state", dir, (const char *)NULL);
	if (*key)
		use_key(a, key);
	a->id = id;
	id = NULL;
	rc = 0;
out:
	if (key)
		memset(key, 0, strlen(key));
	free(key);
	free(id);
	return rc;
}

int agent_identify(struct agent *a, struct cc_err *err)
{
	char *dir, *id = NULL, *key = NULL;
	int rc;

	if (*a->o->agent_id) {
		if (!a->cl.api_key)
			return cc_err_set(err, CC_E_CONFIG,
					  "--agent-id needs that agent's API key (--api-key or "
					  "CERTCTL_API_KEY)");
		a->id = cc_xstrdup(a->o->agent_id);
		return 0;
	}
	dir = agent_state_dir(a->o);
	rc = agent_state_load(dir, &id, &key, err);
	if (rc == 1 && !*key && !a->cl.api_key)
		rc = cc_err_set(err, CC_E_CONFIG,
				"state file '%s/%s' holds no key: set --api-key or CERTCTL_API_KEY",
				dir, AGENT_STATE_FILE);
	if (rc == 1) {
		if (*key)
			use_key(a, key);
		a->id = id;
		id = NULL;
		rc = 0;
	} else if (rc == 0) {
		rc = first_run(a, dir, err);
	}
	if (key)
		memset(key, 0, strlen(key));
	free(key);
	free(id);
	free(dir);
	return rc;
}
