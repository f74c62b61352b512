/* test-secretbox.c: sealing, the v2.1 key derivation and format, redaction; name syntax */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "libcc/err.h"
#include "libcc/secretbox.h"
#include "libcc/time.h"
#include "libcc/validate-name.h"

#define PASS "correct-horse"

static void unhex(const char *h, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char b[3] = { h[2 * i], h[2 * i + 1], 0 };
		out[i] = (unsigned char)strtoul(b, NULL, 16);
	}
}

/* pinned with: openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt pass:correct-horse
 * -kdfopt salt:certctl-config-encryption-v1 -kdfopt iter:100000 PBKDF2 */
static void test_secretbox__derived_key_known_answer(void **state)
{
	unsigned char want[32], key[32];
	struct cc_err err = CC_ERR_INIT;
	int64_t t0;

	(void)state;
	unhex("61a5bc6f9994243ad6406f4e186cea2d670fb9ad78e3090f77b5b99bb3476481", want, 32);
	assert_int_equal(cc_secretbox_derive(PASS, key, &err), 0);
	assert_memory_equal(key, want, 32);
	/* the second derivation comes from the cache */
	t0 = cc_time_mono_ms();
	for (int i = 0; i < 50; i++)
		assert_int_equal(cc_secretbox_derive(PASS, key, &err), 0);
	assert_true(cc_time_mono_ms() - t0 < 500);
	assert_memory_equal(key, want, 32);
	assert_int_equal(cc_secretbox_derive("", key, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
}

/* sealed by Go-compatible AES-GCM (Python cryptography's AESGCM, nonce 00..0b) */
static void test_secretbox__opens_a_known_vector(void **state)
{
	static const char hex[] = "000102030405060708090a0b47428ee1ba7017d172418e7c6adec1395128ba"
				  "371a1014b9a653719b8230bd1b0a362e7e";
	unsigned char in[48];
	struct cc_bytes out = { NULL, 0 };
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	unhex(hex, in, sizeof(in));
	assert_int_equal(cc_secretbox_open(PASS, in, sizeof(in), &out, &err), 0);
	assert_int_equal(out.n, 20);
	assert_string_equal((char *)out.p, "{\"api_key\":\"s3cret\"}");
	cc_bytes_release(&out);
}

static void test_secretbox__roundtrip_and_failures(void **state)
{
	const char msg[] = "{\"password\":\"hunter2\"}";
	struct cc_bytes box = { NULL, 0 }, box2 = { NULL, 0 }, out = { NULL, 0 };
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_int_equal(cc_secretbox_seal(PASS, msg, strlen(msg), &box, &err), 0);
	assert_int_equal(box.n, 12 + strlen(msg) + 16);
	assert_null(memmem(box.p, box.n, "hunter2", 7));
	/* a fresh nonce each time */
	assert_int_equal(cc_secretbox_seal(PASS, msg, strlen(msg), &box2, &err), 0);
	assert_memory_not_equal(box.p, box2.p, 12);
	assert_int_equal(cc_secretbox_open(PASS, box.p, box.n, &out, &err), 0);
	assert_int_equal(out.n, strlen(msg));
	assert_memory_equal(out.p, msg, out.n);
	cc_bytes_release(&out);
	/* wrong key */
	assert_int_equal(cc_secretbox_open("another", box.p, box.n, &out, &err), -1);
	assert_int_equal(err.code, CC_E_CRYPTO);
	assert_null(out.p);
	/* every byte is covered: nonce, ciphertext and tag */
	for (size_t i = 0; i < box.n; i += 7) {
		box.p[i] ^= 0x01;
		assert_int_equal(cc_secretbox_open(PASS, box.p, box.n, &out, &err), -1);
		assert_int_equal(err.code, CC_E_CRYPTO);
		box.p[i] ^= 0x01;
	}
	/* truncated */
	assert_int_equal(cc_secretbox_open(PASS, box.p, box.n - 1, &out, &err), -1);
	assert_int_equal(cc_secretbox_open(PASS, box.p, 27, &out, &err), -1);
	assert_int_equal(err.code, CC_E_CRYPTO);
	assert_int_equal(cc_secretbox_open(PASS, box.p, 0, &out, &err), -1);
	/* empty plaintext */
	assert_int_equal(cc_secretbox_seal(PASS, "", 0, &box2, &err), 0);
	assert_int_equal(box2.n, 28);
	assert_int_equal(cc_secretbox_open(PASS, box2.p, box2.n, &out, &err), 0);
	assert_int_equal(out.n, 0);
	cc_bytes_release(&out);
	cc_bytes_release(&box);
	cc_bytes_release(&box2);
}

static void test_secretbox__json_configs(void **state)
{
	json_t *cfg = json_pack("{s:s, s:s, s:i}", "url", "https://ca", "api_key", "k1", "n", 3);
	struct cc_bytes stored = { NULL, 0 }, plain = { NULL, 0 };
	struct cc_err err = CC_ERR_INIT;
	json_t *back = NULL;

	(void)state;
	assert_int_equal(cc_secretbox_seal_json(PASS, cfg, &stored, &err), 0);
	assert_int_equal(cc_secretbox_open_json(PASS, &stored, &back, &err), 0);
	assert_true(json_equal(back, cfg));
	json_decref(back);
	/* without a key the sealed form cannot be read */
	assert_int_equal(cc_secretbox_open_json("", &stored, &back, &err), -1);
	assert_int_equal(err.code, CC_E_CRYPTO);
	/* plaintext mode, and plaintext rows still read once a key is set */
	assert_int_equal(cc_secretbox_seal_json(NULL, cfg, &plain, &err), 0);
	assert_memory_equal(plain.p, "{\"url\"", 6);
	assert_int_equal(cc_secretbox_open_json(NULL, &plain, &back, &err), 0);
	assert_true(json_equal(back, cfg));
	json_decref(back);
	assert_int_equal(cc_secretbox_open_json(PASS, &plain, &back, &err), 0);
	assert_true(json_equal(back, cfg));
	json_decref(back);
	/* nothing stored */
	cc_bytes_release(&plain);
	assert_int_equal(cc_secretbox_open_json(PASS, &plain, &back, &err), 0);
	assert_null(back);
	cc_bytes_release(&stored);
	json_decref(cfg);
}

static void test_secretbox__redaction(void **state)
{
	json_t *cfg = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s}", "url",
				"u", "API_Key", "a", "ca_key_path", "/k", "eab_hmac", "h",
				"Password", "p", "client_secret", "s", "token", "t", "private_pem",
				"x", "credentials_json", "c", "tokens", 5, "empty_secret", "");
	json_t *red = cc_secretbox_redact(cfg), *stored;
	struct cc_err err = CC_ERR_INIT;

	(void)state;
	assert_string_equal(json_string_value(json_object_get(red, "url")), "u");
	assert_string_equal(json_string_value(json_object_get(red, "API_Key")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "ca_key_path")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "eab_hmac")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "Password")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "client_secret")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "token")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "private_pem")), "********");
	assert_string_equal(json_string_value(json_object_get(red, "credentials_json")),
			    "********");
	/* non-strings and empty strings stay */
	assert_int_equal(json_integer_value(json_object_get(red, "tokens")), 5);
	assert_string_equal(json_string_value(json_object_get(red, "empty_secret")), "");
	/* the original is untouched */
	assert_string_equal(json_string_value(json_object_get(cfg, "token")), "t");
	/* echoing the redacted copy restores the stored values */
	json_object_set_new(red, "url", json_string("v"));
	assert_int_equal(cc_secretbox_unredact(red, cfg, &err), 0);
	json_object_set_new(cfg, "url", json_string("v"));
	assert_true(json_equal(red, cfg));
	stored = json_object();
	json_object_set_new(red, "new_token", json_string("********"));
	assert_int_equal(cc_secretbox_unredact(red, stored, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	json_decref(stored);
	json_decref(red);
	json_decref(cfg);
	assert_null(cc_secretbox_redact(NULL));
}

static void test_secretbox__store_config(void **state)
{
	json_t *cfg = json_pack("{s:s, s:s}", "url", "u", "secret", "s1");
	struct cc_bytes stored = { NULL, 0 };
	struct cc_err err = CC_ERR_INIT;
	json_t *back = NULL, *arr = json_array();

	(void)state;
	assert_int_equal(cc_secretbox_store_config(PASS, &cfg, NULL, &stored, &err), 0);
	assert_string_equal(json_string_value(json_object_get(cfg, "secret")), "********");
	/* an update echoing "********" keeps the secret; stored may be the output too */
	json_object_set_new(cfg, "url", json_string("u2"));
	assert_int_equal(cc_secretbox_store_config(PASS, &cfg, &stored, &stored, &err), 0);
	assert_int_equal(cc_secretbox_open_json(PASS, &stored, &back, &err), 0);
	assert_string_equal(json_string_value(json_object_get(back, "secret")), "s1");
	assert_string_equal(json_string_value(json_object_get(back, "url")), "u2");
	json_decref(back);
	/* the stored config cannot be opened under another key: 422 */
	assert_int_equal(cc_secretbox_store_config("other", &cfg, &stored, &stored, &err), -1);
	assert_int_equal(err.code, CC_E_UNPROCESSABLE);
	/* not an object */
	assert_int_equal(cc_secretbox_store_config(PASS, &arr, NULL, &stored, &err), -1);
	assert_int_equal(err.code, CC_E_INVALID);
	json_decref(arr);
	json_decref(cfg);
	cc_bytes_release(&stored);
}

static void test_validate_name__common_names(void **state)
{
	static const char *good[] = {
		"example.com", "*.example.com",	   "a-b.c_d.example",
		"localhost",   "10.0.0.1",	   "::1",
		"2001:db8::1", "user@example.com", "first.last+tag@mail.example.org"
	};
	static const char *bad[] = { "",
				     "exa mple.com",
				     "-a.example.com",
				     "a-.example.com",
				     "a..example.com",
				     "example.com.",
				     "*",
				     "*.",
				     "foo.*.example.com",
				     "f*o.example.com",
				     "@example.com",
				     "user@",
				     "us..er@example.com",
				     ".user@example.com",
				     "user@-bad.com",
				     "user@exa mple.com",
				     "é.example.com" };
	struct cc_err err = CC_ERR_INIT;
	char longname[300];

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (cc_validate_common_name(good[i], &err) < 0)
			fail_msg("%s rejected: %s", good[i], err.msg);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (cc_validate_common_name(bad[i], &err) == 0)
			fail_msg("%s accepted", bad[i]);
	assert_int_equal(cc_validate_common_name("a..b", &err), -1);
	assert_non_null(strstr(err.msg, "invalid hostname format: "));
	assert_int_equal(cc_validate_common_name("a@b..c", &err), -1);
	assert_non_null(strstr(err.msg, "invalid email format for S/MIME common name: "));
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(cc_validate_common_name(longname, &err), -1);
	assert_string_equal(err.msg, "common_name must be 253 characters or fewer");
	memset(longname, 'a', 64);
	longname[64] = '\0';
	assert_false(cc_validate_hostname(longname, false, NULL)); /* label > 63 */
	assert_false(cc_validate_hostname("*.example.com", false, NULL));
	assert_true(cc_validate_email("ops@localhost", NULL));
	assert_false(cc_validate_email("no-at-sign", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_secretbox__derived_key_known_answer),
		cmocka_unit_test(test_secretbox__opens_a_known_vector),
		cmocka_unit_test(test_secretbox__roundtrip_and_failures),
		cmocka_unit_test(test_secretbox__json_configs),
		cmocka_unit_test(test_secretbox__redaction),
		cmocka_unit_test(test_secretbox__store_config),
		cmocka_unit_test(test_validate_name__common_names),
	};
	return cmocka_run_group_tests_name("secretbox", tests, NULL, NULL);
}
