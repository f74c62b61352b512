/* shell.h: certctl shell */
#ifndef CC_SHELL_H
#define CC_SHELL_H

#include "libcc/strv.h"

/* appends the words of line (sh quoting: '...', "...", backslash; # starts a comment);
 * -1 for an unterminated quote */
int cc_shell_split(const char *line, struct cc_strv *out);

#endif
