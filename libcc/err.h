/* err.h: error code + message carried by the caller's struct cc_err */
#ifndef CC_ERR_H
#define CC_ERR_H

#include "libcc/mem.h"

enum cc_errc {
#define CC_ERR(name, http, exitc, hint) CC_E_##name,
#include "libcc/errors.def"
#undef CC_ERR
	CC_E__COUNT
};

struct cc_err {
	enum cc_errc code;
	char msg[256];
};

#define CC_ERR_INIT                                                                                \
	{                                                                                          \
		CC_E_OK,                                                                           \
		{                                                                                  \
			0                                                                          \
		}                                                                                  \
	}

/* records code and message in err (may be NULL) and returns -1 */
int cc_err_set(struct cc_err *err, enum cc_errc code, const char *fmt, ...) CC_PRINTF(3, 4);
/* prefixes the existing message: "what: old message" */
int cc_err_prefix(struct cc_err *err, const char *fmt, ...) CC_PRINTF(2, 3);
/* drains the OpenSSL error queue into err */
int cc_err_ssl(struct cc_err *err, enum cc_errc code, const char *what);
void cc_err_clear(struct cc_err *err);
const char *cc_err_name(enum cc_errc code);
int cc_err_http_status(enum cc_errc code);
int cc_err_exit_status(enum cc_errc code);
const char *cc_err_hint(enum cc_errc code);

#endif
