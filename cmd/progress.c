/* progress.c: "label [#######.......]  45%  450/1000" on stderr, only on a terminal */
#include <stdio.h>
#include "cmd/progress.h"
#include "libcc/time.h"
#include "libcc/banned.h"

#define BAR 30

void cc_progress_start(struct cc_progress *p, bool on, const char *label)
{
	*p = (struct cc_progress){ .on = on, .label = label };
}

void cc_progress_update(struct cc_progress *p, size_t done, size_t total)
{
	int64_t now = cc_time_mono_ms();
	char bar[BAR + 1];
	size_t fill;

	if (!p->on || (p->drawn && now - p->last_ms < 100 && done != total))
		return;
	p->last_ms = now;
	p->drawn = true;
	if (!total) {
		fprintf(stderr, "\r\033[K%s %zu", p->label, done);
		fflush(stderr);
		return;
	}
	fill = done >= total ? BAR : done * BAR / total;
	for (size_t i = 0; i < BAR; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[BAR] = '\0';
	fprintf(stderr, "\r\033[K%s [%s] %3d%%  %zu/%zu", p->label, bar,
		(int)(done >= total ? 100 : done * 100 / total), done, total);
	fflush(stderr);
}

void cc_progress_end(struct cc_progress *p)
{
	if (p->on && p->drawn) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
	p->drawn = false;
}
