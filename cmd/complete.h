/* complete.h: completion candidates for the shell scripts and `certctl shell` */
#ifndef CC_COMPLETE_H
#define CC_COMPLETE_H

#include "cmd/cmd.h"

/* words[0] is the command (no "certctl"), words[n - 1] the word being completed; emit gets
 * each candidate that starts with it */
void cc_complete(struct cc_ctx *ctx, int n, char **words, void (*emit)(const char *cand, void *arg),
		 void *arg);

#endif
