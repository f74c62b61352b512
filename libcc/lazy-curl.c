/* lazy-curl.c: the libcurl functions certctl calls, loaded on first use (see lazylib.h) */
#define CURL_DISABLE_TYPECHECK /* its macros would rename the definitions below */
#include <stdarg.h>
#include <curl/curl.h>
#include "libcc/lazylib.h"
#include "libcc/banned.h"

struct cc_lazylib cc_lazy_curl = CC_LAZYLIB_INIT("libcurl.so.4", "libcurl4");

CC_LAZY_FN(cc_lazy_curl, CURL *, curl_easy_init, (void), ())
CC_LAZY_FN(cc_lazy_curl, CURLcode, curl_easy_perform, (CURL * curl), (curl))
CC_LAZY_VOID(cc_lazy_curl, curl_easy_cleanup, (CURL * curl), (curl))
CC_LAZY_VOID(cc_lazy_curl, curl_easy_reset, (CURL * curl), (curl))
CC_LAZY_FN(cc_lazy_curl, const char *, curl_easy_strerror, (CURLcode code), (code))
CC_LAZY_FN(cc_lazy_curl, struct curl_slist *, curl_slist_append,
	   (struct curl_slist * list, const char *data), (list, data))
CC_LAZY_VOID(cc_lazy_curl, curl_slist_free_all, (struct curl_slist * list), (list))
CC_LAZY_FN(cc_lazy_curl, curl_version_info_data *, curl_version_info, (CURLversion v), (v))

/* the two variadic ones take exactly one more argument, whose type the option number tells
 * (the ranges of CURLOPTTYPE_*, as curl's own dispatch reads them) */
CURLcode curl_easy_setopt(CURL *curl, CURLoption option, ...)
{
	CURLcode rc;
	va_list ap;
	CC_LAZY_RESOLVE(cc_lazy_curl, CURLcode, curl_easy_setopt, (CURL *, CURLoption, ...));

	va_start(ap, option);
	if (option < CURLOPTTYPE_OBJECTPOINT)
		rc = f(curl, option, va_arg(ap, long));
	else if (option < CURLOPTTYPE_FUNCTIONPOINT)
		rc = f(curl, option, va_arg(ap, void *));
	else if (option < CURLOPTTYPE_OFF_T)
		rc = f(curl, option, va_arg(ap, void (*)(void)));
	else if (option < CURLOPTTYPE_BLOB)
		rc = f(curl, option, va_arg(ap, curl_off_t));
	else
		rc = f(curl, option, va_arg(ap, void *));
	va_end(ap);
	return rc;
}

/* every CURLINFO_* takes a pointer to where the answer goes */
CURLcode curl_easy_getinfo(CURL *curl, CURLINFO info, ...)
{
	CURLcode rc;
	va_list ap;
	CC_LAZY_RESOLVE(cc_lazy_curl, CURLcode, curl_easy_getinfo, (CURL *, CURLINFO, ...));

	va_start(ap, info);
	rc = f(curl, info, va_arg(ap, void *));
	va_end(ap);
	return rc;
}
