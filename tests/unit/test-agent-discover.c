/* test-agent-discover.c: the agent's filesystem discovery over a tree made with the openssl
 * CLI — PEM bundles, DER, skipped .key / extension-less / >1 MiB files, symlinked dirs not
 * followed, garbage, FIFOs — with every field checked against `openssl x509` */
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
#include "libcc/buf.h"
#include "libcc/mem.h"
#include "tests/unit/testossl.h"

struct fx {
	char *dir;
	struct cc_log log;
};

static const char req_cnf[] = "[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n";

/* st: what testossl_openssl(out, ...) returned (out is read after the call) */
static void openssl_ok(int st, char **out)
{
	if (st != 0)
		fail_msg("openssl exited %d: %s", st, *out ? *out : "");
	free(*out);
	*out = NULL;
}

/* a certificate in <dir>/<name>.crt (key <name>.key): self-signed CA when ca is NULL,
 * otherwise signed by <dir>/<ca>.crt with serial 0x00a1b2c3d4; alg "ec" (P-256) or "rsa" */
static void make_cert(const char *dir, const char *name, const char *subj, const char *san,
		      const char *ca, const char *alg)
{
	char *cnf = testossl_path(dir, "req.cnf"), *crt = cc_xasprintf("%s/%s.crt", dir, name),
	     *key = cc_xasprintf("%s/%s.key", dir, name),
	     *csr = cc_xasprintf("%s/%s.csr", dir, name),
	     *sanx = cc_xasprintf("subjectAltName=%s", san),
	     *cacrt = cc_xasprintf("%s/%s.crt", dir, ca ? ca : ""),
	     *cakey = cc_xasprintf("%s/%s.key", dir, ca ? ca : ""), *out = NULL;
	bool ec = !strcmp(alg, "ec");

	testossl_write(cnf, req_cnf);
	openssl_ok(testossl_openssl(&out, "req", "-new", "-config", cnf, "-newkey", alg, "-pkeyopt",
				    ec ? "ec_paramgen_curve:P-256" : "rsa_keygen_bits:2048",
				    "-nodes", "-keyout", key, "-subj", subj, "-addext", sanx,
				    "-addext",
				    ca ? "basicConstraints=critical,CA:FALSE"
				       : "basicConstraints=critical,CA:TRUE",
				    "-out", csr, NULL),
		   &out);
	if (ca)
		openssl_ok(testossl_openssl(&out, "x509", "-req", "-in", csr, "-CA", cacrt,
					    "-CAkey", cakey, "-set_serial", "0x00a1b2c3d4", "-days",
					    "30", "-copy_extensions", "copy", "-out", crt, NULL),
			   &out);
	else
		openssl_ok(testossl_openssl(&out, "x509", "-req", "-in", csr, "-key", key, "-days",
					    "60", "-copy_extensions", "copy", "-out", crt, NULL),
			   &out);
	free(cnf);
	free(crt);
	free(key);
	free(csr);
	free(sanx);
	free(cacrt);
	free(cakey);
}

static char *cert_text(const char *dir, const char *name)
{
	char *p = cc_xasprintf("%s/%s.crt", dir, name), *s = testossl_read(p, NULL);

	free(p);
	return s;
}

static void write_file(const char *dir, const char *rel, const char *data)
{
	char *p = testossl_path(dir, rel);

	testossl_write(p, data);
	free(p);
}

/* <w>/<name>.crt written to <dir>/<rel>, after prefix */
static void put_cert(const char *w, const char *name, const char *dir, const char *rel,
		     const char *prefix)
{
	char *text = cert_text(w, name), *all = cc_xasprintf("%s%s", prefix, text);

	write_file(dir, rel, all);
	free(text);
	free(all);
}

static void make_certs(const char *w)
{
	make_cert(w, "ca", "/CN=Agent Test Root/O=certctl test", "DNS:root.invalid", NULL, "ec");
	make_cert(w, "c1", "/CN=one.example/O=certctl test",
		  "DNS:one.example,DNS:www.one.example,IP:10.1.2.3", "ca", "ec");
	make_cert(w, "c3", "/CN=three.example", "DNS:three.example", NULL, "rsa");
	make_cert(w, "c4", "/CN=four.example", "DNS:four.example", "ca", "ec");
	make_cert(w, "dirc", "/CN=dir.example", "DNS:dir.example", "ca", "ec");
	make_cert(w, "alias", "/CN=alias.example", "DNS:alias.example", "ca", "ec");
	make_cert(w, "keyc", "/CN=keyfile.example", "DNS:keyfile.example", "ca", "ec");
	make_cert(w, "noext", "/CN=noext.example", "DNS:noext.example", "ca", "ec");
	make_cert(w, "big", "/CN=big.example", "DNS:big.example", "ca", "ec");
}

/* scan/sub/nested.crt, and outside/ reached only through scan/linked-dir (a symlinked dir,
 * not followed) and scan/alias.pem (a symlinked file, read); scan/pipe.pem is a FIFO */
static void make_links(const char *top, const char *w, const char *s)
{
	char *sub = testossl_path(s, "sub"), *out = testossl_path(top, "outside");
	char *lnk = testossl_path(s, "linked-dir"), *alnk = testossl_path(s, "alias.pem");
	char *afile = testossl_path(out, "alias-target.pem"), *fifo = testossl_path(s, "pipe.pem");

	mkdir(sub, 0700);
	put_cert(w, "c4", sub, "nested.crt", "");
	mkdir(out, 0700);
	put_cert(w, "dirc", out, "dirc.pem", "");
	put_cert(w, "alias", out, "alias-target.pem", "");
	assert_int_equal(symlink(out, lnk), 0);
	assert_int_equal(symlink(afile, alnk), 0);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	free(sub);
	free(out);
	free(lnk);
	free(alnk);
	free(afile);
	free(fifo);
}

static void make_tree(const char *top, const char *w, const char *s)
{
	char *der = testossl_path(s, "one.DER"), *in = testossl_path(w, "c3.crt");
	const char *argv[] = { "openssl", "x509", "-in", in, "-outform", "DER", "-out", der, NULL };
	char *c1 = cert_text(w, "c1"), *ca = cert_text(w, "ca"), *big = cert_text(w, "big");
	struct cc_buf b = CC_BUF_INIT;

	/* two certificates with text around them */
	cc_buf_addf(&b, "# leaf\n%s\nsome words\n%s", c1, ca);
	write_file(s, "bundle.pem", b.buf);
	testossl_run_ok(argv);
	make_links(top, w, s);
	put_cert(w, "keyc", s, "server.key", "");
	put_cert(w, "noext", s, "certificate", "");
	write_file(s, "garbage.txt",
		   "hello\n-----BEGIN CERTIFICATE-----\nnot base64 at all\n"
		   "-----END CERTIFICATE-----\n");
	cc_buf_reset(&b);
	cc_buf_adds(&b, big);
	while (b.len <= AGENT_FILE_MAX)
		cc_buf_adds(&b, "# padding to make the file larger than one mebibyte ........\n");
	write_file(s, "big.pem", b.buf);
	cc_buf_release(&b);
	free(der);
	free(in);
	free(c1);
	free(ca);
	free(big);
}

static int setup(void **state)
{
	struct fx *f = cc_xcalloc(1, sizeof(*f));
	char *w, *s;

	f->dir = testossl_tmpdir("agent-discover");
	cc_log_init(&f->log, CC_LOG_OFF, false);
	w = testossl_path(f->dir, "work");
	s = testossl_path(f->dir, "scan");
	mkdir(w, 0700);
	mkdir(s, 0700);
	make_certs(w);
	make_tree(f->dir, w, s);
	free(w);
	free(s);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	testossl_rmdir(f->dir);
	free(f->dir);
	cc_log_release(&f->log);
	free(f);
	return 0;
}

static json_t *find_cn(json_t *certs, const char *cn)
{
	size_t i;
	json_t *e;

	json_array_foreach (certs, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "common_name")), cn))
			return e;
	return NULL;
}

static const char *js(json_t *e, const char *k)
{
	const char *v = json_string_value(json_object_get(e, k));

	if (!v)
		fail_msg("entry has no string '%s'", k);
	return v;
}

/* every field of entry e against `openssl x509` on <work>/<name>.crt */
static void check_fields(const char *dir, json_t *e, const char *name)
{
	char *crt = cc_xasprintf("%s/work/%s.crt", dir, name), *out = NULL, *pem = NULL;
	const char *argv[] = { "openssl",      "x509",	   "-in",      crt,	   "-noout",
			       "-fingerprint", "-sha256",  "-serial",  "-subject", "-issuer",
			       "-startdate",   "-enddate", "-nameopt", "RFC2253",  "-dateopt",
			       "iso_8601",     NULL };
	const char *pargv[] = { "openssl", "x509", "-in", crt, NULL };
	char *fp, *serial, *subject, *issuer, *nb, *na;

	assert_int_equal(testossl_run(&out, argv), 0);
	fp = testossl_field(out, "sha256 Fingerprint");
	serial = testossl_field(out, "serial");
	subject = testossl_field(out, "subject");
	issuer = testossl_field(out, "issuer");
	nb = testossl_field(out, "notBefore");
	na = testossl_field(out, "notAfter");
	testossl_hex_norm(fp, false);
	testossl_hex_norm(serial, true);
	assert_string_equal(js(e, "fingerprint_sha256"), fp);
	assert_string_equal(js(e, "serial_number"), serial);
	assert_string_equal(js(e, "subject_dn"), subject);
	assert_string_equal(js(e, "issuer_dn"), issuer);
	/* "2026-11-28 15:26:20Z" → "2026-11-28T15:26:20Z" */
	nb[10] = na[10] = 'T';
	assert_string_equal(js(e, "not_before"), nb);
	assert_string_equal(js(e, "not_after"), na);
	assert_int_equal(testossl_run(&pem, pargv), 0);
	assert_string_equal(js(e, "pem_data"), pem);
	free(crt);
	free(out);
	free(pem);
	free(fp);
	free(serial);
	free(subject);
	free(issuer);
	free(nb);
	free(na);
}

static void scan(struct fx *f, const char *const *rel, size_t n, struct agent_scan *s)
{
	struct cc_strv dirs = CC_STRV_INIT;

	for (size_t i = 0; i < n; i++)
		cc_strv_take(&dirs, testossl_path(f->dir, rel[i]));
	agent_discover_scan(&dirs, &f->log, NULL, NULL, s);
	cc_strv_release(&dirs);
}

static void test_agent_discover__tree(void **state)
{
	struct fx *f = *state;
	const char *const dirs[] = { "scan", "missing" };
	struct agent_scan s;
	json_t *e;
	char *path, *want;

	scan(f, dirs, 2, &s);
	assert_false(s.stopped);
	/* bundle.pem ×2, alias.pem (a symlinked file is read), one.DER, sub/nested.crt */
	assert_int_equal(json_array_size(s.certificates), 5);
	/* read: alias.pem, bundle.pem, garbage.txt, one.DER, sub/nested.crt (not the FIFO) */
	assert_int_equal(s.files, 5);
	assert_int_equal(json_array_size(s.errors), 1);
	want = cc_xasprintf("failed to walk %s/missing: No such file or directory", f->dir);
	assert_string_equal(json_string_value(json_array_get(s.errors, 0)), want);
	free(want);
	/* not followed, skipped by extension or size, or no certificate */
	assert_null(find_cn(s.certificates, "dir.example"));
	assert_null(find_cn(s.certificates, "keyfile.example"));
	assert_null(find_cn(s.certificates, "noext.example"));
	assert_null(find_cn(s.certificates, "big.example"));
	e = find_cn(s.certificates, "alias.example");
	assert_non_null(e);
	path = cc_xasprintf("%s/scan/alias.pem", f->dir);
	assert_string_equal(js(e, "source_path"), path);
	free(path);
	agent_scan_release(&s);
}

/* every field against `openssl x509`: EC leaf with IP SAN, CA, RSA in DER, nested file */
static void test_agent_discover__fields(void **state)
{
	struct fx *f = *state;
	const char *const dirs[] = { "scan" };
	struct agent_scan s;
	json_t *e;
	char *path;

	scan(f, dirs, 1, &s);
	e = find_cn(s.certificates, "one.example");
	assert_non_null(e);
	check_fields(f->dir, e, "c1");
	path = cc_xasprintf("%s/scan/bundle.pem", f->dir);
	assert_string_equal(js(e, "source_path"), path);
	assert_string_equal(js(e, "source_format"), "PEM");
	assert_string_equal(js(e, "key_algorithm"), "ECDSA");
	assert_int_equal(json_integer_value(json_object_get(e, "key_size")), 256);
	assert_true(json_is_false(json_object_get(e, "is_ca")));
	assert_int_equal(json_array_size(json_object_get(e, "sans")), 3);
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "sans"), 0)),
			    "one.example");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "sans"), 1)),
			    "www.one.example");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "sans"), 2)),
			    "10.1.2.3");

	e = find_cn(s.certificates, "Agent Test Root");
	assert_non_null(e);
	check_fields(f->dir, e, "ca");
	assert_string_equal(js(e, "source_path"), path);
	assert_true(json_is_true(json_object_get(e, "is_ca")));
	free(path);

	e = find_cn(s.certificates, "three.example");
	assert_non_null(e);
	check_fields(f->dir, e, "c3");
	assert_string_equal(js(e, "source_format"), "DER");
	assert_string_equal(js(e, "key_algorithm"), "RSA");
	assert_int_equal(json_integer_value(json_object_get(e, "key_size")), 2048);

	e = find_cn(s.certificates, "four.example");
	assert_non_null(e);
	path = cc_xasprintf("%s/scan/sub/nested.crt", f->dir);
	assert_string_equal(js(e, "source_path"), path);
	free(path);
	check_fields(f->dir, e, "c4");
	agent_scan_release(&s);
}

/* the order is lexical, so reports are stable from one scan to the next */
static void test_agent_discover__order_stable(void **state)
{
	struct fx *f = *state;
	const char *const dirs[] = { "scan/" };
	struct agent_scan a, b;
	char *ja, *jb;

	scan(f, dirs, 1, &a);
	scan(f, dirs, 1, &b);
	assert_int_equal(json_array_size(a.errors), 0);
	ja = json_dumps(a.certificates, JSON_SORT_KEYS);
	jb = json_dumps(b.certificates, JSON_SORT_KEYS);
	assert_string_equal(ja, jb);
	/* a trailing slash is not doubled in the paths */
	assert_null(strstr(ja, "scan//"));
	free(ja);
	free(jb);
	agent_scan_release(&a);
	agent_scan_release(&b);
}

static void test_agent_discover__garbage_only(void **state)
{
	struct fx *f = *state;
	char *g = testossl_path(f->dir, "garbage");
	const char *const dirs[] = { "garbage" };
	struct agent_scan s;

	mkdir(g, 0700);
	write_file(g, "a.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
	write_file(g, "b.der", "\x30\x03\x02\x01\x01");
	write_file(g, "c.crt", "");
	write_file(g, "d.bin", "\x00\x01\x02 binary");
	scan(f, dirs, 1, &s);
	assert_int_equal(json_array_size(s.certificates), 0);
	assert_int_equal(json_array_size(s.errors), 0);
	assert_int_equal(s.files, 4);
	agent_scan_release(&s);
	free(g);
}

static void test_agent_discover__unreadable(void **state)
{
	struct fx *f = *state;
	const char *const dirs[] = { "locked" };
	char *d, *sub, *want;
	struct agent_scan s;

	if (geteuid() == 0)
		skip(); /* root reads everything */
	d = testossl_path(f->dir, "locked");
	sub = testossl_path(d, "inner");
	mkdir(d, 0700);
	mkdir(sub, 0700);
	write_file(d, "x.pem", "nothing");
	chmod(sub, 0);
	scan(f, dirs, 1, &s);
	chmod(sub, 0700);
	assert_int_equal(json_array_size(s.errors), 1);
	want = cc_xasprintf("walk error at %s: Permission denied", sub);
	assert_string_equal(json_string_value(json_array_get(s.errors, 0)), want);
	free(want);
	agent_scan_release(&s);
	free(d);
	free(sub);
}

/* as root nothing is unreadable: too deep a tree is an error for everyone */
static void test_agent_discover__too_deep(void **state)
{
	struct fx *f = *state;
	struct cc_buf p = CC_BUF_INIT;
	const char *const dirs[] = { "deep" };
	struct agent_scan s;
	char *want;

	cc_buf_addf(&p, "%s/deep", f->dir);
	mkdir(p.buf, 0700);
	for (int i = 0; i <= 64; i++) {
		cc_buf_addf(&p, "/d");
		assert_int_equal(mkdir(p.buf, 0700), 0);
	}
	write_file(p.buf, "x.pem", "x");
	scan(f, dirs, 1, &s);
	assert_int_equal(json_array_size(s.errors), 1);
	/* the 65th level below the root is not entered */
	want = cc_xasprintf("walk error at %s: more than 64 directory levels", p.buf);
	assert_string_equal(json_string_value(json_array_get(s.errors, 0)), want);
	assert_int_equal(s.files, 0);
	free(want);
	cc_buf_release(&p);
	agent_scan_release(&s);
}

static bool stop_now(void *arg)
{
	(*(int *)arg)++;
	return true;
}

static void test_agent_discover__stop(void **state)
{
	struct fx *f = *state;
	char *d = testossl_path(f->dir, "many");
	struct cc_strv dirs = CC_STRV_INIT;
	struct agent_scan s;
	int asked = 0;

	mkdir(d, 0700);
	for (int i = 0; i < 300; i++) {
		char name[32];
		snprintf(name, sizeof(name), "f%03d.pem", i);
		write_file(d, name, "x");
	}
	cc_strv_push(&dirs, d);
	agent_discover_scan(&dirs, &f->log, stop_now, &asked, &s);
	assert_true(s.stopped);
	assert_int_equal(asked, 1);
	assert_true(s.files < 300);
	agent_scan_release(&s);
	cc_strv_release(&dirs);
	free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agent_discover__tree),
		cmocka_unit_test(test_agent_discover__fields),
		cmocka_unit_test(test_agent_discover__order_stable),
		cmocka_unit_test(test_agent_discover__garbage_only),
		cmocka_unit_test(test_agent_discover__unreadable),
		cmocka_unit_test(test_agent_discover__too_deep),
		cmocka_unit_test(test_agent_discover__stop),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
