/* test-agent-state.c: the agent's state file (agent.json) and key store — paths, creation,
 * reuse, 0600/0700 modes, damaged files — the leaf/chain split, the key check, and the
 * bounds of the backoff schedule */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "agent/agent.h"
#include "libcc/err.h"
#include "libcc/mem.h"
#include "tests/unit/testossl.h"

static void state_dir_is(const char *key_dir, const char *state_dir, const char *want)
{
	struct agent_opts o = { .key_dir = key_dir, .state_dir = state_dir };
	char *d = agent_state_dir(&o);

	assert_string_equal(d, want);
	free(d);
}

static void test_agent_state__dir(void **state)
{
	(void)state;
	state_dir_is("/var/lib/certctl/keys", "", "/var/lib/certctl");
	state_dir_is("/var/lib/certctl/keys/", NULL, "/var/lib/certctl");
	state_dir_is("/keys", "", "/");
	state_dir_is("keys", "", ".");
	state_dir_is("a/keys", "", "a");
	state_dir_is("/var/lib/certctl/keys", "/etc/certctl-agent", "/etc/certctl-agent");
}

static void test_agent_state__save_load(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char *dir = testossl_path(*state, "st/nested"), *file, *id, *key, *text;

	/* absent: 0, nothing returned */
	assert_int_equal(agent_state_load(dir, &id, &key, &err), 0);
	assert_null(id);
	assert_null(key);
	umask(022);
	assert_int_equal(agent_state_save(dir, "agent-123", "k3y-s3cret", &err), 0);
	file = testossl_path(dir, "agent.json");
	assert_int_equal(testossl_mode(dir), 0700);
	assert_int_equal(testossl_mode(file), 0600);
	text = testossl_read(file, NULL);
	assert_non_null(strstr(text, "\"agent_id\": \"agent-123\""));
	assert_non_null(strstr(text, "\"api_key\": \"k3y-s3cret\""));
	free(text);
	/* reused */
	assert_int_equal(agent_state_load(dir, &id, &key, &err), 1);
	assert_string_equal(id, "agent-123");
	assert_string_equal(key, "k3y-s3cret");
	free(id);
	free(key);
	/* a loose mode is tightened on load, a loose dir on save */
	chmod(file, 0644);
	chmod(dir, 0755);
	assert_int_equal(agent_state_load(dir, &id, &key, &err), 1);
	assert_int_equal(testossl_mode(file), 0600);
	free(id);
	free(key);
	assert_int_equal(agent_state_save(dir, "agent-123", "other", &err), 0);
	assert_int_equal(testossl_mode(dir), 0700);
	assert_int_equal(testossl_mode(file), 0600);
	free(file);
	free(dir);
}

static void damaged(const char *dir, const char *text, const char *why)
{
	struct cc_err err = CC_ERR_INIT;
	char *file = testossl_path(dir, "agent.json"), *id = NULL, *key = NULL;

	testossl_write(file, text);
	chmod(file, 0600);
	assert_int_equal(agent_state_load(dir, &id, &key, &err), -1);
	assert_int_equal(err.code, CC_E_CONFIG);
	assert_non_null(strstr(err.msg, why));
	assert_non_null(strstr(err.msg, "remove it to register again"));
	assert_null(id);
	assert_null(key);
	free(file);
}

static void test_agent_state__damaged(void **state)
{
	char *dir = testossl_path(*state, "bad");

	mkdir(dir, 0700);
	damaged(dir, "not json", "not a JSON object");
	damaged(dir, "[1]", "not a JSON object");
	damaged(dir, "{\"agent_id\":\"a\"}", "agent_id or api_key missing");
	damaged(dir, "{\"agent_id\":\"\",\"api_key\":\"k\"}", "agent_id or api_key missing");
	damaged(dir, "{\"agent_id\":\"a\",\"agent_id\":\"b\",\"api_key\":\"k\"}", "not a JSON");
	free(dir);
}

static void test_agent_state__keystore(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	struct cc_log log;
	char *dir = testossl_path(*state, "keys"), *file, *pem;

	cc_log_init(&log, CC_LOG_OFF, false);
	assert_int_equal(agent_keydir_prepare(dir, &log, &err), 0);
	assert_int_equal(testossl_mode(dir), 0700);
	chmod(dir, 0755);
	assert_int_equal(agent_keydir_prepare(dir, &log, &err), 0);
	assert_int_equal(testossl_mode(dir), 0700); /* forced back */
	umask(022);
	assert_int_equal(agent_key_write(dir, "mc-web_1.2", "PEM DATA", &err), 0);
	file = testossl_path(dir, "mc-web_1.2.key");
	assert_int_equal(testossl_mode(file), 0600);
	pem = agent_key_read(dir, "mc-web_1.2", &err);
	assert_non_null(pem);
	assert_string_equal(pem, "PEM DATA");
	free(pem);
	/* a key others could read is refused */
	chmod(file, 0644);
	assert_null(agent_key_read(dir, "mc-web_1.2", &err));
	assert_non_null(strstr(err.msg, "readable by other users"));
	assert_null(agent_key_read(dir, "mc-none", &err));
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	/* ids that are not plain file names */
	assert_int_equal(agent_key_write(dir, "../escape", "x", &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	assert_false(agent_id_safe("a/b"));
	assert_false(agent_id_safe(".hidden"));
	assert_false(agent_id_safe(""));
	assert_false(agent_id_safe(NULL));
	assert_false(agent_id_safe("a b"));
	assert_true(agent_id_safe("mc-0123_abc.def"));
	assert_int_equal(access(file, F_OK), 0);
	free(file);
	free(dir);
	cc_log_release(&log);
}

/* a self-signed certificate for CN=name (PEM); its key in *key_out */
static char *gen(const char *dir, const char *name, char **key_out)
{
	char *crt = cc_xasprintf("%s/%s.crt", dir, name),
	     *key = cc_xasprintf("%s/%s.key", dir, name), *out = NULL, *pem;

	if (testossl_self_signed(&out, crt, key, name, NULL) != 0)
		fail_msg("openssl: %s", out);
	pem = testossl_read(crt, NULL);
	*key_out = testossl_read(key, NULL);
	free(out);
	free(crt);
	free(key);
	return pem;
}

static void test_agent_state__pem(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char *ka, *kb, *kc, *a = gen(*state, "a", &ka), *b = gen(*state, "b", &kb),
			    *c = gen(*state, "c", &kc), *all, *leaf, *chain, *want;

	all = cc_xasprintf("%s%s%s%s", a, kc, b, c); /* a key in the middle is dropped */
	assert_int_equal(agent_pem_split(all, &leaf, &chain, &err), 0);
	assert_string_equal(leaf, a);
	want = cc_xasprintf("%s%s", b, c);
	assert_string_equal(chain, want);
	free(leaf);
	free(chain);
	free(want);
	assert_int_equal(agent_pem_split(a, &leaf, &chain, &err), 0);
	assert_string_equal(leaf, a);
	assert_string_equal(chain, "");
	free(leaf);
	free(chain);
	assert_int_equal(agent_pem_split(ka, &leaf, &chain, &err), -1);
	assert_null(leaf);

	assert_int_equal(agent_key_matches(a, ka, &err), 0);
	assert_int_equal(agent_key_matches(all, ka, &err), 0);
	assert_int_equal(agent_key_matches(a, kb, &err), -1);
	assert_string_equal(err.msg, "the private key does not belong to the certificate");
	assert_int_equal(agent_key_matches(a, "junk", &err), -1);
	assert_string_equal(err.msg, "the private key cannot be read");
	free(all);
	free(a);
	free(b);
	free(c);
	free(ka);
	free(kb);
	free(kc);
}

/* a renewal's new key does not cost the deployed certificate its key */
static void test_agent_state__key_prev(void **state)
{
	struct cc_err err = CC_ERR_INIT;
	char *ka, *kb, *kc, *a = gen(*state, "old", &ka), *b = gen(*state, "new", &kb),
			    *c = gen(*state, "other", &kc), *k,
			    *dir = testossl_path(*state, "prevkeys"), *prev;

	mkdir(dir, 0700);
	assert_int_equal(agent_key_write(dir, "mc-1", ka, &err), 0);
	prev = testossl_path(dir, "mc-1.key.prev");
	assert_int_equal(access(prev, F_OK), -1); /* nothing replaced yet */
	k = agent_key_for(dir, "mc-1", a, &err);
	assert_non_null(k);
	assert_string_equal(k, ka);
	free(k);
	/* the renewal's key replaces it; the old one stays as .prev, 0600 */
	assert_int_equal(agent_key_write(dir, "mc-1", kb, &err), 0);
	assert_int_equal(testossl_mode(prev), 0600);
	k = agent_key_for(dir, "mc-1", b, &err);
	assert_string_equal(k, kb);
	free(k);
	k = agent_key_for(dir, "mc-1", a, &err);
	assert_non_null(k);
	assert_string_equal(k, ka);
	free(k);
	/* neither belongs: the mismatch of the current key is the error */
	assert_null(agent_key_for(dir, "mc-1", c, &err));
	assert_int_equal(err.code, CC_E_INVALID);
	assert_string_equal(err.msg, "the private key does not belong to the certificate");
	assert_null(agent_key_for(dir, "mc-none", a, &err));
	assert_int_equal(err.code, CC_E_NOT_FOUND);
	free(prev);
	free(dir);
	free(a);
	free(b);
	free(c);
	free(ka);
	free(kb);
	free(kc);
}

static void test_agent_state__backoff(void **state)
{
	const uint32_t rnds[] = { 0, 1, 12345, 0x7fffffffu, 0xffffffffu };
	struct agent_backoff b;

	(void)state;
	for (size_t r = 0; r < CC_ARRAY_SIZE(rnds); r++) {
		int64_t nominal = 1000;
		agent_backoff_init(&b, 1000, 300000);
		for (int i = 0; i < 20; i++) {
			int64_t d = agent_backoff_next(&b, rnds[r] + (uint32_t)i * 7919u);
			assert_true(d >= nominal * 8 / 10);
			assert_true(d <= nominal * 12 / 10);
			assert_int_equal(b.failures, i + 1);
			nominal = nominal * 2 > 300000 ? 300000 : nominal * 2;
		}
		/* capped: 1, 2, 4 … 256 s, then 300 s */
		assert_int_equal(b.cur_ms, 300000);
		agent_backoff_reset(&b);
		assert_int_equal(b.failures, 0);
		int64_t d = agent_backoff_next(&b, rnds[r]);
		assert_true(d >= 800 && d <= 1200);
	}
	/* the jitter spreads: extremes of rnd give the ends of the ±20 % window */
	agent_backoff_init(&b, 1000, 300000);
	assert_int_equal(agent_backoff_next(&b, 0), 800);
	agent_backoff_init(&b, 1000, 300000);
	assert_int_equal(agent_backoff_next(&b, 400), 1200);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_state__dir),
		cmocka_unit_test(test_agent_state__save_load),
		cmocka_unit_test(test_agent_state__damaged),
		cmocka_unit_test(test_agent_state__keystore),
		cmocka_unit_test(test_agent_state__pem),
		cmocka_unit_test(test_agent_state__key_prev),
		cmocka_unit_test(test_agent_state__backoff),
	};

	return cmocka_run_group_tests(tests, testossl_setup, testossl_teardown);
}
