/* lazy-pq.c: the libpq functions certctl calls, loaded on first use (see lazylib.h) */
#include <libpq-fe.h>
#include "libcc/lazylib.h"
#include "libcc/banned.h"

struct cc_lazylib cc_lazy_pq = CC_LAZYLIB_INIT("libpq.so.5", "libpq5");

CC_LAZY_FN(cc_lazy_pq, PGconn *, PQconnectdb, (const char *conninfo), (conninfo))
CC_LAZY_VOID(cc_lazy_pq, PQfinish, (PGconn * conn), (conn))
CC_LAZY_VOID(cc_lazy_pq, PQreset, (PGconn * conn), (conn))
CC_LAZY_FN(cc_lazy_pq, ConnStatusType, PQstatus, (const PGconn *conn), (conn))
CC_LAZY_FN(cc_lazy_pq, char *, PQerrorMessage, (const PGconn *conn), (conn))
CC_LAZY_FN(cc_lazy_pq, PQnoticeProcessor, PQsetNoticeProcessor,
	   (PGconn * conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg))
CC_LAZY_FN(cc_lazy_pq, PGresult *, PQexec, (PGconn * conn, const char *query), (conn, query))
CC_LAZY_FN(cc_lazy_pq, PGresult *, PQexecParams,
	   (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,
	    const char *const *paramValues, const int *paramLengths, const int *paramFormats,
	    int resultFormat),
	   (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats,
	    resultFormat))
CC_LAZY_FN(cc_lazy_pq, ExecStatusType, PQresultStatus, (const PGresult *res), (res))
CC_LAZY_FN(cc_lazy_pq, char *, PQresultErrorField, (const PGresult *res, int fieldcode),
	   (res, fieldcode))
CC_LAZY_FN(cc_lazy_pq, int, PQntuples, (const PGresult *res), (res))
CC_LAZY_FN(cc_lazy_pq, int, PQnfields, (const PGresult *res), (res))
CC_LAZY_FN(cc_lazy_pq, char *, PQfname, (const PGresult *res, int field_num), (res, field_num))
CC_LAZY_FN(cc_lazy_pq, Oid, PQftype, (const PGresult *res, int field_num), (res, field_num))
CC_LAZY_FN(cc_lazy_pq, char *, PQcmdTuples, (PGresult * res), (res))
CC_LAZY_FN(cc_lazy_pq, char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num),
	   (res, tup_num, field_num))
CC_LAZY_FN(cc_lazy_pq, int, PQgetlength, (const PGresult *res, int tup_num, int field_num),
	   (res, tup_num, field_num))
CC_LAZY_FN(cc_lazy_pq, int, PQgetisnull, (const PGresult *res, int tup_num, int field_num),
	   (res, tup_num, field_num))
CC_LAZY_VOID(cc_lazy_pq, PQclear, (PGresult * res), (res))
CC_LAZY_VOID(cc_lazy_pq, PQfreemem, (void *ptr), (ptr))
CC_LAZY_FN(cc_lazy_pq, unsigned char *, PQunescapeBytea,
	   (const unsigned char *strtext, size_t *retbuflen), (strtext, retbuflen))
CC_LAZY_FN(cc_lazy_pq, int, PQlibVersion, (void), ())
