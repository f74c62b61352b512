/* jobs.h: the job actions both job screens offer */
#ifndef TUI_JOBS_H
#define TUI_JOBS_H

#include "tui/screens.h"

#define TUI_TAG_JOB_ACT (TUI_TAG_USER + 50)

/* approve / reject / cancel the jobs in ids; TUI_PASS for other actions */
int tui_job_act(struct tui_screen *s, enum tui_act a, const struct cc_strv *ids);
/* the answer to one of them: status line, and a reload once all are in */
int tui_job_result(struct tui_screen *s, const struct tui_res *r);

#endif
