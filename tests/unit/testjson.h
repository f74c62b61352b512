/* testjson.h: JSON literals in tests */
#ifndef CC_TESTJSON_H
#define CC_TESTJSON_H

#include <jansson.h>

/* parses text (any JSON value); fails the test when it does not parse (new ref) */
json_t *testjson(const char *text);

#endif
