/* catalog.c: issuer and target types and their config fields, for the create wizards */
#include <string.h>
#include "libcc/buf.h"
#include "tui/catalog.h"
#include "libcc/banned.h"

#define F(k, l, req)                                                                               \
	{                                                                                          \
		"config." k, l, TUI_FT_TEXT, NULL, NULL, req                                       \
	}

static const struct tui_field f_local[] = {
	F("ca_cert_path", "CA cert (sub-CA)", false),
	F("ca_key_path", "CA key (sub-CA)", false),
	TUI_FIELD_END,
};
static const struct tui_field f_acme[] = {
	F("directory_url", "Directory URL", true),
	F("email", "Account email", true),
	F("eab_kid", "EAB key id", false),
	F("eab_hmac", "EAB HMAC", false),
	{ "config.challenge_type", "Challenge", TUI_FT_CHOICE, "http-01|dns-01|tls-alpn-01",
	  "http-01", false },
	TUI_FIELD_END,
};
static const struct tui_field f_stepca[] = {
	F("url", "CA URL", true),
	F("provisioner", "Provisioner", true),
	F("password", "Password", false),
	TUI_FIELD_END,
};
static const struct tui_field f_vault[] = {
	F("address", "Vault address", true),
	F("mount", "PKI mount", true),
	F("role", "Role", true),
	F("token", "Token", false),
	TUI_FIELD_END,
};
static const struct tui_field f_api[] = {
	F("api_url", "API URL", true),
	F("api_key", "API key", true),
	F("product", "Product / profile", false),
	TUI_FIELD_END,
};
static const struct tui_field f_openssl[] = {
	F("sign_script", "Sign script", true),
	F("revoke_script", "Revoke script", false),
	TUI_FIELD_END,
};

const struct tui_kind tui_issuer_kinds[] = {
	{ "GenericCA", "Local CA: signs with a key on the server (or a sub-CA)", f_local },
	{ "ACME", "Let's Encrypt, ZeroSSL or any ACME server", f_acme },
	{ "StepCA", "Smallstep step-ca", f_stepca },
	{ "VaultPKI", "HashiCorp Vault PKI secrets engine", f_vault },
	{ "DigiCert", "DigiCert CertCentral", f_api },
	{ "Sectigo", "Sectigo Certificate Manager", f_api },
	{ "EJBCA", "Keyfactor EJBCA REST", f_api },
	{ "GlobalSign", "GlobalSign Atlas HVCA", f_api },
	{ "OpenSSL", "your own scripts around openssl", f_openssl },
	{ NULL, NULL, NULL },
};

static const struct tui_field t_files[] = {
	F("cert_path", "Certificate file", true),
	F("key_path", "Key file", true),
	F("chain_path", "Chain file", false),
	F("validate_command", "Validate command", false),
	F("reload_command", "Reload command", false),
	F("host", "Verify host", false),
	{ "config.port", "Verify port", TUI_FT_INT, NULL, NULL, false },
	TUI_FIELD_END,
};
static const struct tui_field t_haproxy[] = {
	F("pem_path", "Combined PEM file", true),
	F("validate_command", "Validate command", false),
	F("reload_command", "Reload command", false),
	TUI_FIELD_END,
};
static const struct tui_field t_dir[] = {
	F("cert_dir", "Certificate directory", true),
	F("cert_file", "Certificate file name", false),
	F("key_file", "Key file name", false),
	TUI_FIELD_END,
};
static const struct tui_field t_caddy[] = {
	{ "config.mode", "Mode", TUI_FT_CHOICE, "api|file", "api", true },
	F("admin_api", "Admin API URL", false),
	F("cert_dir", "Certificate directory", true),
	F("cert_file", "Certificate file name", false),
	F("key_file", "Key file name", false),
	TUI_FIELD_END,
};

const struct tui_kind tui_target_kinds[] = {
	{ "NGINX", "files, nginx -t, nginx -s reload", t_files },
	{ "Apache", "files, apachectl configtest, graceful", t_files },
	{ "HAProxy", "one combined PEM, then reload", t_haproxy },
	{ "Traefik", "files in a watched directory", t_dir },
	{ "Caddy", "admin API load, or files", t_caddy },
	{ "Envoy", "files in an SDS-watched directory", t_dir },
	{ "Postfix", "files, postfix check, reload", t_files },
	{ "Dovecot", "files, doveconf, reload", t_files },
	{ NULL, NULL, NULL },
};

const struct tui_kind *tui_kind_find(const struct tui_kind *kinds, const char *type)
{
	for (; type && kinds->type; kinds++)
		if (!strcmp(kinds->type, type))
			return kinds;
	return NULL;
}

char *tui_kind_choices(const struct tui_kind *kinds)
{
	struct cc_buf b = CC_BUF_INIT;

	for (const struct tui_kind *k = kinds; k->type; k++)
		cc_buf_addf(&b, "%s%s", k == kinds ? "" : "|", k->type);
	return cc_buf_detach(&b, NULL);
}
