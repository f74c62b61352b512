/* err.c: the error type shared by every layer */
#include <stdio.h>
#include <string.h>
#include <openssl/err.h>
#include "libcc/err.h"
#include "libcc/banned.h"

static const struct {
	const char *name;
	int http;
	int exitc;
	const char *hint;
} err_table[] = {
#define CC_ERR(name, http, exitc, hint) { #name, http, exitc, hint },
#include "libcc/errors.def"
#undef CC_ERR
};

int cc_err_set(struct cc_err *err, enum cc_errc code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int cc_err_prefix(struct cc_err *err, const char *fmt, ...)
{
	char head[128], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(head, sizeof(head), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (snprintf(err->msg, sizeof(err->msg), "%s: %s", head, old) >= (int)sizeof(err->msg))
		err->msg[sizeof(err->msg) - 1] = '\0'; /* truncated on purpose */
	return -1;
}

int cc_err_ssl(struct cc_err *err, enum cc_errc code, const char *what)
{
	char detail[160] = "";
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last)
		ERR_error_string_n(last, detail, sizeof(detail));
	if (detail[0])
		return cc_err_set(err, code, "%s: %s", what, detail);
	return cc_err_set(err, code, "%s", what);
}

void cc_err_clear(struct cc_err *err)
{
	if (!err)
		return;
	err->code = CC_E_OK;
	err->msg[0] = '\0';
}

static int valid(enum cc_errc code)
{
	return (int)code >= 0 && code < CC_E__COUNT;
}

const char *cc_err_name(enum cc_errc code)
{
	return valid(code) ? err_table[code].name : "INTERNAL";
}

int cc_err_http_status(enum cc_errc code)
{
	return valid(code) ? err_table[code].http : 500;
}

int cc_err_exit_status(enum cc_errc code)
{
	return valid(code) ? err_table[code].exitc : 1;
}

const char *cc_err_hint(enum cc_errc code)
{
	return valid(code) ? err_table[code].hint : "";
}
