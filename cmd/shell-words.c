/* shell-words.c: a command line of certctl shell split into words, with the quoting of sh */
#include <string.h>
#include "cmd/shell.h"
#include "libcc/buf.h"
#include "libcc/banned.h"

int cc_shell_split(const char *line, struct cc_strv *out)
{
	struct cc_buf w = CC_BUF_INIT;
	bool in_word = false;
	char quote = 0;

	for (const char *p = line;; p++) {
		char ch = *p;

		if (!ch) {
			if (quote) {
				cc_buf_release(&w);
				return -1;
			}
			break;
		}
		if (quote == '\'') {
			if (ch == '\'')
				quote = 0;
			else
				cc_buf_addc(&w, ch);
			continue;
		}
		if (ch == '\\' && p[1] && (quote != '"' || strchr("\"\\$`", p[1]))) {
			cc_buf_addc(&w, *++p);
			in_word = true;
			continue;
		}
		if (quote == '"') {
			if (ch == '"')
				quote = 0;
			else
				cc_buf_addc(&w, ch);
			continue;
		}
		if (ch == '\'' || ch == '"') {
			quote = ch;
			in_word = true;
		} else if (ch == ' ' || ch == '\t' || ch == '\n') {
			if (in_word)
				cc_strv_take(out, cc_buf_detach(&w, NULL));
			in_word = false;
		} else if (ch == '#' && !in_word) {
			break; /* a comment */
		} else {
			cc_buf_addc(&w, ch);
			in_word = true;
		}
	}
	if (in_word)
		cc_strv_take(out, cc_buf_detach(&w, NULL));
	cc_buf_release(&w);
	return 0;
}
